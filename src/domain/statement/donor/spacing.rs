//! Text broken by PDF extraction: spaces inside the trace run (`…21559. 110332.<NAME>`) and
//! inside words (`V O THI KIM TUYEN`, `NGUY EN VAN THANH`). A break is repaired only where that
//! is unambiguous: digits and dots of the leading trace run are rejoined; word fragments are
//! joined when the join is a known syllable of names and a fragment is not a word on its own
//! (`V` + `O` gives `VO`; `DO` + `AN` stays apart, both being syllables).

use super::message;
use super::names;
use super::tokens::{Case, Class, Token};

/// Drops the spaces inside the leading run of digits and dots (`557650.021024. 110332.NGUYEN`
/// → `557650.021024.110332.NGUYEN`), so the trace prefix reads as one.
pub(super) fn rejoin_trace(s: &str) -> String {
    let s = s.trim_start();
    let run = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ' '))
        .unwrap_or(s.len());
    let (head, tail) = s.split_at(run);
    if !head.contains(' ') {
        return s.to_owned();
    }
    let chars: Vec<char> = head.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (k, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let before = chars[..k].iter().rev().find(|c| **c != ' ');
            // the next character that is not a space, possibly the tail's first
            let after = chars[k + 1..]
                .iter()
                .copied()
                .find(|c| *c != ' ')
                .or_else(|| tail.chars().next());
            let joins = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit() || c == '.');
            if joins(before.copied()) && joins(after) {
                continue;
            }
        }
        out.push(c);
    }
    out.push_str(tail);
    out
}

/// A word on its own: a known syllable of names or a message word, longer than one letter.
fn standalone(t: &Token) -> bool {
    t.folded.chars().count() > 1
        && (names::is_known(&t.folded) || message::is_single_word(&t.folded))
}

/// Whether the words can be pieces of one word: all capitals (a lone capital included) or all
/// lower case.
fn same_writing(pieces: &[Token]) -> bool {
    let capitals = pieces
        .iter()
        .all(|t| matches!(t.class, Class::Word(Case::Upper | Case::Initial)));
    let lower = pieces
        .iter()
        .all(|t| matches!(t.class, Class::Word(Case::Lower)));
    capitals || lower
}

/// Joins fragments of a word broken by spaces, longest join first (up to four fragments).
pub(super) fn join_fragments(tokens: Vec<Token>) -> Vec<Token> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let join = (2..=4usize).rev().find_map(|k| {
            let pieces = tokens.get(i..i + k)?;
            if !same_writing(pieces) || pieces.iter().all(standalone) {
                return None;
            }
            let text: String = pieces.iter().map(|t| t.text.as_str()).collect();
            let joined = Token::word(text, pieces[0].spaced);
            names::is_known(&joined.folded).then_some((k, joined))
        });
        match join {
            Some((k, joined)) => {
                out.push(joined);
                i += k;
            }
            None => {
                out.push(tokens[i].clone());
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn joined(s: &str) -> String {
        join_fragments(tokenize(s))
            .iter()
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn the_trace_run_is_rejoined() {
        assert_eq!(
            rejoin_trace("557650.021024. 110332.NGUYEN VAN HAI"),
            "557650.021024.110332.NGUYEN VAN HAI"
        );
        assert_eq!(
            rejoin_trace("969501.120924.0930 12.PHAM THI LAN"),
            "969501.120924.093012.PHAM THI LAN"
        );
        assert_eq!(rejoin_trace("0912345678 ung ho"), "0912345678 ung ho");
        assert_eq!(
            rejoin_trace("NGUYEN VAN AN 0912 345"),
            "NGUYEN VAN AN 0912 345"
        );
    }

    #[test]
    fn broken_words_are_joined_when_unambiguous() {
        assert_eq!(joined("V O THI KIM TUYEN"), "VO THI KIM TUYEN");
        assert_eq!(joined("NGUY EN VAN THANH"), "NGUYEN VAN THANH");
        assert_eq!(joined("HUYNH THI NG OC ANH"), "HUYNH THI NGOC ANH");
        assert_eq!(joined("LE V AN TUAN"), "LE VAN TUAN");
        assert_eq!(joined("PHAM THI THU Y"), "PHAM THI THUY");
        // two syllables stay two
        assert_eq!(joined("DO AN"), "DO AN");
        assert_eq!(joined("NGUYEN VAN AN UNG HO"), "NGUYEN VAN AN UNG HO");
    }
}
