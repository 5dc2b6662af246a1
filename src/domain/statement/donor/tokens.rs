//! A description cut into words, numbers and separators. Each word keeps the text as printed (the
//! name is published that way) beside its fold (lower case, no diacritics), which is what the
//! lists are matched against: `TRƯƠNG`, `Trương` and `TRUONG` are one surname.

use crate::domain::text;

/// How a word is written. A name is written one way throughout (`NGUYEN VAN AN`, `Tran Huu
/// Phuong`, `nguyen thi lan`), so a change of case is where a name ends and the message begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Case {
    Upper,
    Title,
    Lower,
    /// One capital letter (`A`, or a fragment such as the `V` of `V O THI`): fits capitals and
    /// title case alike.
    Initial,
    /// `MoMo`, `VietinBank`: never part of a name.
    Mixed,
}

impl Case {
    /// Whether a word of case `other` may continue a name written in `self`.
    pub(super) fn continues(self, other: Case) -> bool {
        match (self, other) {
            (Case::Mixed, _) | (_, Case::Mixed) => false,
            (Case::Initial, o) => matches!(o, Case::Upper | Case::Title | Case::Initial),
            (s, Case::Initial) => matches!(s, Case::Upper | Case::Title),
            (s, o) => s == o,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    Word(Case),
    /// Digits only: an account, a phone, a trace number, or `3` of `THON 3`.
    Number,
    /// Letters and digits: `FT24255…`, `12A1`, `K20`.
    Code,
    /// A separator that ends a name: `-`, `.`, `:`, `_`, `,`, …
    Punct,
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub text: String,
    pub folded: String,
    pub class: Class,
    /// Whether whitespace (or the start) stands before it, so a name is given back as printed
    /// (`CONG TY A-B`, not `CONG TY A - B`).
    pub spaced: bool,
}

impl Token {
    pub(super) fn word(text: String, spaced: bool) -> Token {
        let folded = fold(&text);
        let class = classify(&text);
        Token {
            text,
            folded,
            class,
            spaced,
        }
    }

    pub(super) fn case(&self) -> Option<Case> {
        match self.class {
            Class::Word(c) => Some(c),
            _ => None,
        }
    }

    pub(super) fn is_word(&self) -> bool {
        matches!(self.class, Class::Word(_))
    }
}

/// Splits `s` (NFC) into tokens; whitespace separates, and any other character that is neither a
/// letter nor a digit is a separator of its own.
pub(super) fn tokenize(s: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut current = String::new();
    // whether whitespace stands before the next token, and before the word being read
    let mut gap = true;
    let mut word_spaced = true;
    for c in s.chars() {
        if c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c) {
            if current.is_empty() {
                word_spaced = gap;
                gap = false;
            }
            current.push(c);
            continue;
        }
        if !current.is_empty() {
            out.push(Token::word(std::mem::take(&mut current), word_spaced));
        }
        if c.is_whitespace() {
            gap = true;
        } else {
            out.push(Token {
                text: c.to_string(),
                folded: c.to_string(),
                class: Class::Punct,
                spaced: gap,
            });
            gap = false;
        }
    }
    if !current.is_empty() {
        out.push(Token::word(current, word_spaced));
    }
    out
}

/// The tokens' text as printed, each separated by one space where whitespace separated them.
pub(super) fn text_of(tokens: &[Token]) -> String {
    let mut out = String::new();
    for (k, t) in tokens.iter().enumerate() {
        if k > 0 && t.spaced {
            out.push(' ');
        }
        out.push_str(&t.text);
    }
    out
}

fn fold(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        text::fold(s)
    }
}

fn classify(s: &str) -> Class {
    let letters = s.chars().filter(|c| c.is_alphabetic()).count();
    let digits = s.chars().filter(|c| c.is_numeric()).count();
    if letters == 0 {
        return if digits > 0 {
            Class::Number
        } else {
            Class::Punct
        };
    }
    if digits > 0 {
        return Class::Code;
    }
    let mut letters = s.chars().filter(|c| c.is_alphabetic());
    let first = letters.next().unwrap_or('a');
    let rest: Vec<char> = letters.collect();
    let case = if rest.is_empty() {
        if first.is_uppercase() {
            Case::Initial
        } else {
            Case::Lower
        }
    } else if first.is_uppercase() && rest.iter().all(|c| c.is_uppercase()) {
        Case::Upper
    } else if first.is_uppercase() && rest.iter().all(|c| c.is_lowercase()) {
        Case::Title
    } else if first.is_lowercase() && rest.iter().all(|c| c.is_lowercase()) {
        Case::Lower
    } else {
        Case::Mixed
    };
    Class::Word(case)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_numbers_codes_and_separators() {
        let t = tokenize("NGUYEN VAN AN.ung ho-0912345678 FT24255 Trần MoMo");
        let classes: Vec<Class> = t.iter().map(|t| t.class).collect();
        assert_eq!(
            classes,
            vec![
                Class::Word(Case::Upper),
                Class::Word(Case::Upper),
                Class::Word(Case::Upper),
                Class::Punct,
                Class::Word(Case::Lower),
                Class::Word(Case::Lower),
                Class::Punct,
                Class::Number,
                Class::Code,
                Class::Word(Case::Title),
                Class::Word(Case::Mixed),
            ]
        );
        assert_eq!(t[9].folded, "tran");
        assert_eq!(t[9].text, "Trần");
    }

    #[test]
    fn text_is_given_back_as_spaced() {
        assert_eq!(
            text_of(&tokenize("  CONG TY  A-B (HN) ")),
            "CONG TY A-B (HN)"
        );
    }

    #[test]
    fn a_single_capital_fits_capitals_and_title_case() {
        assert!(Case::Upper.continues(Case::Initial));
        assert!(Case::Title.continues(Case::Initial));
        assert!(!Case::Lower.continues(Case::Initial));
        assert!(!Case::Upper.continues(Case::Lower));
    }
}
