//! Reading a name out of tokens, with a confidence. A message is scanned word by word: message
//! phrases are passed over, an organisation's word opens an organisation's name, a surname
//! opens a person's name of two to five syllables written one way (capitals, title case or
//! lower case). The confidence says how sure the reading is: a known surname and syllables in
//! capitals are near certain, an unknown syllable or lower case less so, a run that starts with
//! no surname is only a guess for an officer to check.

use super::message::{self, Role};
use super::names;
use super::organizations;
use super::tokens::{text_of, Case, Class, Token};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Person,
    Organization,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Reading {
    pub name: String,
    pub kind: Kind,
    pub confidence: u8,
}

/// What a message gave: its best reading, and whether words were left over that look like a
/// name nobody could read (capitalised syllables outside any phrase).
#[derive(Debug, Default)]
pub(super) struct Outcome {
    pub best: Option<Reading>,
    pub unread: bool,
}

/// Confidences ([`super::PUBLISH_AT`] is 80). At or above it: a sender slot or counterparty
/// column (96 opened by a surname or an organisation's word, 86 otherwise), an organisation
/// opening a message (90), a person opened by a surname in capitals or title case (92, 85 with
/// two syllables) or in lower case (82). Below it: anything with an unknown syllable, two
/// syllables in lower case, a run too long, a name ending in a place, two names in one line, an
/// organisation named after the message began, a run with no surname.
const SLOT_CERTAIN: u8 = 96;
const SLOT_OTHER: u8 = 86;
const ORGANIZATION: u8 = 90;
const MENTIONED_ORGANIZATION: u8 = 65;
const PERSON: u8 = 92;
const PERSON_TWO: u8 = 85;
const PERSON_LOWER: u8 = 82;
const PERSON_LOWER_TWO: u8 = 60;
const UNKNOWN_SYLLABLE: u8 = 18;
const TRAILING_UNKNOWN: u8 = 12;
const OVERLONG: u8 = 50;
const NO_SURNAME: u8 = 45;
const TWO_NAMES: u8 = 70;
const ENDS_IN_PLACE: u8 = 75;

/// Longest name in syllables; a longer run of name-like words is two names or a name and more.
const MAX_SYLLABLES: usize = 5;
/// Longest organisation's name in tokens.
const MAX_ORGANIZATION: usize = 16;

/// Reads a slot that holds a name and nothing else: the bank's sender slot or an export's
/// counterparty column. `None` when it holds no words.
pub(super) fn read_slot(tokens: &[Token]) -> Option<Reading> {
    let words: Vec<&Token> = tokens.iter().filter(|t| t.class != Class::Punct).collect();
    if words.is_empty() || !words.iter().any(|t| t.is_word()) {
        return None;
    }
    if let Some(head) = organizations::head_at(tokens, 0) {
        if organizations::names_something(tokens, head, tokens.len()) {
            return Some(Reading {
                name: text_of(tokens),
                kind: Kind::Organization,
                confidence: SLOT_CERTAIN,
            });
        }
    }
    // message words in the slot (`NGUYEN VAN AN UNG HO`, `MTTQ VIET NAM`): read it as a message
    let has_message = (0..tokens.len()).any(|k| {
        matches!(
            message::phrase_at(tokens, k),
            Some((_, Role::Action | Role::Topic))
        )
    });
    if has_message {
        return read_message(tokens).best;
    }
    let all_words = tokens
        .iter()
        .all(|t| t.is_word() && t.case() != Some(Case::Mixed));
    if !all_words || !(2..=7).contains(&tokens.len()) {
        // digits or separators in a name slot, or a single word: read it as a message instead
        return read_message(tokens).best;
    }
    let confidence = if names::is_surname(&tokens[0].folded) {
        SLOT_CERTAIN
    } else {
        SLOT_OTHER
    };
    Some(Reading {
        name: text_of(tokens),
        kind: Kind::Person,
        confidence,
    })
}

/// A candidate's span and confidence.
struct Candidate {
    from: usize,
    to: usize,
    kind: Kind,
    confidence: u8,
}

/// Reads the best name out of a message.
pub(super) fn read_message(tokens: &[Token]) -> Outcome {
    let mut found: Vec<Candidate> = Vec::new();
    let mut unread = false;
    // whether a message phrase stands just before (`tu` is then "from"), and whether an action or
    // topic came yet (an organisation after one is the payee or a mention more often than the
    // donor: `ung ho qua HOI CHU THAP DO`)
    let mut after_message = false;
    let mut seen_message = false;
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if !t.is_word() {
            after_message = false;
            i += 1;
            continue;
        }
        let phrase = message::phrase_at(tokens, i);
        if let Some((len, role)) = phrase {
            if role != Role::Place {
                after_message = true;
                seen_message |= matches!(role, Role::Action | Role::Topic);
                i += len;
                continue;
            }
        }
        let candidate = organization_at(tokens, i, !seen_message).or_else(|| {
            person_at(tokens, i, after_message)
                .filter(|c| !message::is_place(tokens, c.from, c.to - c.from))
        });
        after_message = false;
        if let Some(c) = candidate {
            i = c.to;
            found.push(c);
            continue;
        }
        if let Some((len, Role::Place)) = phrase {
            i += len;
            continue;
        }
        if let Some(c) = guess_at(tokens, i) {
            i = c.to;
            unread = true;
            found.push(c);
            continue;
        }
        // a lone capitalised surname outside any phrase: a name cut short, maybe
        if matches!(t.case(), Some(Case::Upper | Case::Title)) && names::is_surname(&t.folded) {
            unread = true;
        }
        i += 1;
    }
    // the most confident reading, the first among equals
    let mut best: Option<&Candidate> = None;
    for c in &found {
        if best.is_none_or(|b| c.confidence > b.confidence) {
            best = Some(c);
        }
    }
    let Some(best) = best else {
        return Outcome { best: None, unread };
    };
    let mut confidence = best.confidence;
    let name = text_of(&tokens[best.from..best.to]);
    // another confident name (an organisation, or a person of three syllables or more; two
    // syllables are too often words that happen to look like a name): which one gave is for an
    // officer to say
    let other = found.iter().any(|c| {
        !std::ptr::eq(c, best)
            && c.confidence >= TWO_NAMES
            && (c.kind == Kind::Organization || c.to - c.from >= 3)
            && fold_of(&tokens[c.from..c.to]) != fold_of(&tokens[best.from..best.to])
    });
    if other {
        confidence = confidence.min(TWO_NAMES);
    }
    Outcome {
        best: Some(Reading {
            name,
            kind: best.kind,
            confidence,
        }),
        unread,
    }
}

fn fold_of(tokens: &[Token]) -> String {
    tokens
        .iter()
        .map(|t| t.folded.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// An organisation's name opening at `i`: its head, then words and short numbers (`THON 3`,
/// `12A1`, `K20`) up to the message. When the name is in capitals and the message follows in
/// lower case, the change of case ends it (and a topic word such as `MIEN BAC` inside the name
/// stays); otherwise the first message phrase does.
///
/// An organisation named after the message has begun is only mentioned, maybe as the payee.
fn organization_at(tokens: &[Token], i: usize, opening: bool) -> Option<Candidate> {
    let head = organizations::head_at(tokens, i)?;
    let upper = tokens[i].case() == Some(Case::Upper);
    let case_ends = upper && tokens[i..].iter().any(|t| t.case() == Some(Case::Lower));
    let mut j = i + head;
    while j < tokens.len() && j - i < MAX_ORGANIZATION {
        let t = &tokens[j];
        match t.class {
            Class::Punct => break,
            Class::Number if t.text.len() > 4 => break,
            Class::Code if t.text.len() > 6 || t.folded.starts_with("ft") => break,
            Class::Word(c) => {
                if case_ends && c == Case::Lower {
                    break;
                }
                match message::phrase_at(tokens, j) {
                    Some((_, Role::Action)) => break,
                    Some((_, Role::Topic)) if !case_ends => break,
                    Some((_, Role::Lead)) if !case_ends && message::ends_name(tokens, j) => break,
                    _ => {}
                }
            }
            _ => {}
        }
        j += 1;
    }
    organizations::names_something(tokens, i + head, j).then_some(Candidate {
        from: i,
        to: j,
        kind: Kind::Organization,
        confidence: if opening {
            ORGANIZATION
        } else {
            MENTIONED_ORGANIZATION
        },
    })
}

/// A person's name opening at `i` with a surname.
fn person_at(tokens: &[Token], i: usize, after_message: bool) -> Option<Candidate> {
    let first = &tokens[i];
    let case = first.case()?;
    if case == Case::Mixed || !names::is_surname(&first.folded) {
        return None;
    }
    // `CK TU TRAN THI MAI`, `Lu Lut Tu Nguyen Van An`: after a message word, Từ before a surname
    // is "from" (Đỗ is not read as "by": `CK DO HOANG BINH` is Đỗ Hoàng Bình)
    if after_message
        && first.folded == "tu"
        && tokens
            .get(i + 1)
            .is_some_and(|n| n.is_word() && names::is_surname(&n.folded))
    {
        return None;
    }
    let mut j = i + 1;
    let mut place: Option<(usize, usize)> = None;
    while j < tokens.len() && j - i <= MAX_SYLLABLES {
        let t = &tokens[j];
        let Some(c) = t.case() else { break };
        if !case.continues(c) || message::ends_name(tokens, j) || org_word_at(tokens, j) {
            break;
        }
        let name_like = names::is_known(&t.folded)
            || (names::is_syllable_shaped(&t.folded) && !message::is_single_word(&t.folded));
        if !name_like {
            break;
        }
        if let Some((len, Role::Place)) = message::phrase_at(tokens, j) {
            place = Some((j, len));
        }
        j += 1;
    }
    let overlong = j - i > MAX_SYLLABLES;
    if overlong {
        j = i + MAX_SYLLABLES;
    }
    // a name ending in a place: `NGUYEN VAN AN HA NOI` (where the donor lives) or `NGUYEN THI HA
    // GIANG` (Hà Giang is also a given name); cut a full name before it, and let an officer say
    let mut ends_in_place = false;
    if let Some((p, len)) = place {
        if p + len == j && p - i >= 2 {
            ends_in_place = true;
            if p - i >= 3 {
                j = p;
            }
        }
    }
    // an unknown word closing a long run is more likely the message's than the name's (never
    // cut below three syllables: `NGUYEN VAN` is no name)
    let mut trailing = false;
    while j - i > 3 && !names::is_known(&tokens[j - 1].folded) {
        j -= 1;
        trailing = true;
    }
    let unknown = tokens[i + 1..j]
        .iter()
        .filter(|t| !names::is_known(&t.folded))
        .count() as u8;
    let n = j - i;
    if n < 2 {
        return None;
    }
    let lower = case == Case::Lower;
    let mut confidence = match (lower, n) {
        (false, 2) => PERSON_TWO,
        (false, _) => PERSON,
        (true, 2) => PERSON_LOWER_TWO,
        (true, _) => PERSON_LOWER,
    };
    confidence = confidence.saturating_sub(UNKNOWN_SYLLABLE * unknown);
    if trailing {
        confidence = confidence.saturating_sub(TRAILING_UNKNOWN);
    }
    if overlong {
        confidence = confidence.min(OVERLONG);
    }
    if ends_in_place {
        confidence = confidence.min(ENDS_IN_PLACE);
    }
    Some(Candidate {
        from: i,
        to: j,
        kind: Kind::Person,
        confidence,
    })
}

/// Whether an organisation's word that cannot be part of a name opens at `j` (`NGUYEN VAN AN
/// CONG TY ABC`); one made of name syllables (`VAN PHONG` of `LO VAN PHONG`) can.
fn org_word_at(tokens: &[Token], j: usize) -> bool {
    organizations::head_at(tokens, j).is_some_and(|len| {
        tokens[j..j + len]
            .iter()
            .any(|t| !names::is_known(&t.folded))
    })
}

/// Two to five capitalised syllables with no surname before them (`VAN AN`, `Kim Ngan`): maybe a
/// name missing its surname, maybe words of a message; only a guess.
fn guess_at(tokens: &[Token], i: usize) -> Option<Candidate> {
    let case = tokens[i].case()?;
    if !matches!(case, Case::Upper | Case::Title) {
        return None;
    }
    let mut j = i;
    while j < tokens.len() && j - i < MAX_SYLLABLES {
        let t = &tokens[j];
        let fits = t.case().is_some_and(|c| case.continues(c))
            && names::is_known(&t.folded)
            && message::phrase_at(tokens, j).is_none()
            && (j == i || !names::is_surname(&t.folded));
        if !fits {
            break;
        }
        j += 1;
    }
    (j - i >= 2).then_some(Candidate {
        from: i,
        to: j,
        kind: Kind::Person,
        confidence: NO_SURNAME,
    })
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn best(s: &str) -> Option<(String, u8)> {
        read_message(&tokenize(s))
            .best
            .map(|r| (r.name, r.confidence))
    }

    #[test]
    fn a_name_run_into_a_message_in_capitals_ends_at_the_message() {
        assert_eq!(
            best("NGUYEN VAN HUNG CHUYEN KHOAN MAT TRAN TO QUOC VN BAN CUU TRO TW"),
            Some(("NGUYEN VAN HUNG".into(), PERSON))
        );
        assert_eq!(
            best("DANG THI MONG MONG BA CON VUOT QUA KHO KHAN").map(|b| b.0),
            Some("DANG THI MONG".into())
        );
    }

    #[test]
    fn message_words_alone_are_no_names() {
        for m in [
            "Ung",
            "Mong",
            "Gia",
            "Chuc",
            "Cua",
            "Gd",
            "CT",
            "Chuyen",
            "UNG HO DONG BAO LU",
        ] {
            assert_eq!(best(m), None, "{m}");
        }
    }

    #[test]
    fn a_place_is_no_name() {
        assert_eq!(best("UNG HO LANG SON"), None);
        assert_eq!(best("Ung ho Thai Nguyen"), None);
        assert_eq!(
            best("THAI THI BINH UNG HO THAI BINH").map(|b| b.0),
            Some("THAI THI BINH".into())
        );
    }

    #[test]
    fn after_an_action_tu_is_from() {
        assert_eq!(
            best("CK TU TRAN THI MAI").map(|b| b.0),
            Some("TRAN THI MAI".into())
        );
        assert_eq!(
            best("TU THI HONG ung ho").map(|b| b.0),
            Some("TU THI HONG".into())
        );
    }
}
