//! The words of a transfer's message and of the payee, which are never a donor's name: `ung ho`,
//! `UH`, `chuyen tien`, `mien bac`, `MTTQ`, `ban cuu tro`… and place names (`ung ho Lang Son`).
//! On a real appeal's statement one published name in five was such a word (`Ung`, `Mong`,
//! `Gia`, `Chuc`, `Cua`, `Gd`) and on VietinBank three in four (`CT`, `Chuyen`).
//!
//! Each phrase has a role, because many message words are also syllables of names (`BAO`,
//! `MONG`, `GIA`, `NAM`, `BAC`, `TRUNG`, `QUY`…): a single word that can be a name's syllable
//! ends a name only inside a longer phrase (`MIEN BAC`, `BAO LU`, `GIA DINH`), or, for a few
//! that open messages (`MONG`, `CHUC`), when a message phrase follows it.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::tokens::Token;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// The act of giving or sending (`ung ho`, `UH`, `chuyen tien`, `CK`, `gui`): ends a name,
    /// and an organisation's name too.
    Action,
    /// What the gift is for or to (`mien bac`, `dong bao`, `lu lut`, `MTTQ`): ends a person's
    /// name; an organisation's only where the text gives no other sign (`TONG CONG TY DIEN LUC
    /// MIEN BAC ung ho` keeps `MIEN BAC`).
    Topic,
    /// Opens a wish (`Mong ba con…`, `Chuc ba con…`) and is also a syllable (`THI MONG TUYEN`):
    /// ends a name only when an action or topic follows.
    Lead,
    /// Message words that never end a name (`binh an` is also `NGUYEN BINH AN`) but are not
    /// names on their own either.
    Filler,
    /// A province or district (`Lang Son`, `Ha Giang`, `Thai Nguyen`), often the gift's
    /// destination; looks like a surname and a syllable, and is not a donor.
    Place,
}

/// Folded phrases and their roles.
const PHRASES: &[(&str, Role)] = &[
    // giving and sending
    ("ung ho", Role::Action),
    ("ung", Role::Action),
    ("uh", Role::Action),
    ("unghotd", Role::Action),
    ("ck", Role::Action),
    ("ct", Role::Action),
    ("ctk", Role::Action),
    ("chuyen tien", Role::Action),
    ("chuyen khoan", Role::Action),
    ("chuyen", Role::Lead),
    ("quyen gop", Role::Action),
    ("dong gop", Role::Action),
    ("gop", Role::Action),
    ("chung tay", Role::Action),
    ("chung suc", Role::Action),
    ("gui", Role::Action),
    ("kinh gui", Role::Action),
    ("kinh chuc", Role::Action),
    ("kinh mong", Role::Action),
    ("xin gui", Role::Action),
    ("than gui", Role::Action),
    ("cau chuc", Role::Action),
    ("cau mong", Role::Action),
    ("cau nguyen", Role::Action),
    ("tham hoi", Role::Action),
    ("chia buon", Role::Action),
    ("dong hanh", Role::Action),
    ("tiep suc", Role::Action),
    ("tang", Role::Lead),
    ("xin", Role::Action),
    ("cam on", Role::Action),
    ("ho tro", Role::Action),
    ("chia se", Role::Action),
    ("giup", Role::Action),
    ("giup do", Role::Action),
    ("nap tien", Role::Action),
    ("thanh toan", Role::Action),
    ("tt", Role::Action),
    ("gd", Role::Action),
    ("gia dinh", Role::Action),
    ("cua", Role::Action),
    ("va", Role::Action),
    ("nd", Role::Action),
    ("noi dung", Role::Action),
    ("ft", Role::Action),
    ("ibft", Role::Action),
    ("mbvcb", Role::Action),
    ("momo", Role::Action),
    ("zalopay", Role::Action),
    ("zalo", Role::Action),
    ("zlp", Role::Action),
    ("vnpay", Role::Action),
    ("viettel", Role::Action),
    ("viettel money", Role::Action),
    ("napas", Role::Action),
    ("chuc mung", Role::Action),
    ("chuc", Role::Lead),
    ("mong", Role::Lead),
    // what it is for, and the payee (only as phrases where a word is also a name's: `lu` alone
    // is the surname Lữ, `to quoc` begins Tô Quốc…, `mat tran to quoc` is the Front)
    ("mien bac", Role::Topic),
    ("mien trung", Role::Topic),
    ("mien nam", Role::Topic),
    ("mien tay", Role::Topic),
    ("dong bao", Role::Topic),
    ("lu lut", Role::Topic),
    ("mua lu", Role::Topic),
    ("lu quet", Role::Topic),
    ("sat lo", Role::Topic),
    ("bao lu", Role::Topic),
    ("bao so", Role::Topic),
    ("bao yagi", Role::Topic),
    ("yagi", Role::Topic),
    ("ba con", Role::Topic),
    ("vung lu", Role::Topic),
    ("vung bao lu", Role::Topic),
    ("tet", Role::Topic),
    ("nguoi ngheo", Role::Topic),
    ("ngheo", Role::Topic),
    ("ho ngheo", Role::Topic),
    ("ho can ngheo", Role::Topic),
    ("vung cao", Role::Topic),
    ("vung nui", Role::Topic),
    ("vung sau", Role::Topic),
    ("vung xa", Role::Topic),
    ("bien gioi", Role::Topic),
    ("que huong", Role::Topic),
    ("vi nguoi ngheo", Role::Topic),
    ("quy vi nguoi ngheo", Role::Topic),
    ("nguoi dan", Role::Topic),
    ("mttq", Role::Topic),
    ("ubmttq", Role::Topic),
    ("uy ban mttq", Role::Topic),
    ("ub mttq", Role::Topic),
    ("mat tran", Role::Topic),
    ("mat tran to quoc", Role::Topic),
    ("ban cuu tro", Role::Topic),
    ("cuu tro", Role::Topic),
    ("tw", Role::Topic),
    ("trung uong", Role::Topic),
    ("vn", Role::Topic),
    ("thien nguyen", Role::Topic),
    ("tu thien", Role::Topic),
    ("khac phuc", Role::Topic),
    ("hau qua", Role::Topic),
    ("thien tai", Role::Topic),
    ("kho khan", Role::Topic),
    ("vuot qua", Role::Topic),
    ("on dinh", Role::Topic),
    ("xay nha", Role::Topic),
    ("dai doan ket", Role::Topic),
    ("doan ket", Role::Topic),
    ("nha tinh thuong", Role::Topic),
    ("huong ve", Role::Topic),
    ("thuong ve", Role::Topic),
    ("co len", Role::Topic),
    ("oi", Role::Topic),
    ("nhan dip", Role::Topic),
    // neither names nor ends of one
    ("binh an", Role::Filler),
    ("gia", Role::Filler),
    ("long thanh", Role::Filler),
    ("it long thanh", Role::Filler),
    ("chut long thanh", Role::Filler),
    ("tam long", Role::Filler),
    ("ong", Role::Filler),
    // prepositions: not names, but `CHO` is also a market (`BAN QUAN LY CHO DONG KINH`)
    ("qua", Role::Filler),
    ("cho", Role::Filler),
    ("den", Role::Filler),
    ("vao", Role::Filler),
    // places (northern provinces and Lạng Sơn's districts first: the appeals were for them)
    ("viet nam", Role::Place),
    ("ha noi", Role::Place),
    ("ha giang", Role::Place),
    ("ha tinh", Role::Place),
    ("ha nam", Role::Place),
    ("cao bang", Role::Place),
    ("lang son", Role::Place),
    ("lao cai", Role::Place),
    ("yen bai", Role::Place),
    ("tuyen quang", Role::Place),
    ("thai nguyen", Role::Place),
    ("thai binh", Role::Place),
    ("bac kan", Role::Place),
    ("bac giang", Role::Place),
    ("bac ninh", Role::Place),
    ("quang ninh", Role::Place),
    ("hai phong", Role::Place),
    ("hai duong", Role::Place),
    ("hung yen", Role::Place),
    ("nam dinh", Role::Place),
    ("ninh binh", Role::Place),
    ("phu tho", Role::Place),
    ("vinh phuc", Role::Place),
    ("hoa binh", Role::Place),
    ("son la", Role::Place),
    ("dien bien", Role::Place),
    ("lai chau", Role::Place),
    ("thanh hoa", Role::Place),
    ("nghe an", Role::Place),
    ("quang binh", Role::Place),
    ("quang tri", Role::Place),
    ("hue", Role::Place),
    ("da nang", Role::Place),
    ("quang nam", Role::Place),
    ("quang ngai", Role::Place),
    ("lam dong", Role::Place),
    ("dong nai", Role::Place),
    ("dong thap", Role::Place),
    ("hau giang", Role::Place),
    ("ho chi minh", Role::Place),
    ("sai gon", Role::Place),
    ("cao loc", Role::Place),
    ("loc binh", Role::Place),
    ("dinh lap", Role::Place),
    ("trang dinh", Role::Place),
    ("van lang", Role::Place),
    ("van quan", Role::Place),
    ("binh gia", Role::Place),
    ("bac son", Role::Place),
    ("chi lang", Role::Place),
    ("huu lung", Role::Place),
    ("hoang su phi", Role::Place),
];

/// A phrase's words and its role.
type Phrase = (Vec<&'static str>, Role);

/// Phrases by their first word, longest first.
fn index() -> &'static HashMap<&'static str, Vec<Phrase>> {
    static I: OnceLock<HashMap<&'static str, Vec<Phrase>>> = OnceLock::new();
    I.get_or_init(|| {
        let mut m: HashMap<&'static str, Vec<Phrase>> = HashMap::new();
        for (phrase, role) in PHRASES {
            let words: Vec<&'static str> = phrase.split(' ').collect();
            m.entry(words[0]).or_default().push((words, *role));
        }
        for v in m.values_mut() {
            v.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        }
        m
    })
}

/// The longest phrase starting at word `i` of `tokens`, as its length in tokens and its role.
pub(super) fn phrase_at(tokens: &[Token], i: usize) -> Option<(usize, Role)> {
    let first = tokens.get(i).filter(|t| t.is_word())?;
    let candidates = index().get(first.folded.as_str())?;
    candidates.iter().find_map(|(words, role)| {
        let fits = words.iter().enumerate().all(|(k, w)| {
            tokens
                .get(i + k)
                .is_some_and(|t| t.is_word() && t.folded == *w)
        });
        fits.then_some((words.len(), *role))
    })
}

/// Whether `folded` is a message word on its own (`uh`, `ck`, `gd`, `tet`).
pub(super) fn is_single_word(folded: &str) -> bool {
    index()
        .get(folded)
        .is_some_and(|v| v.iter().any(|(words, _)| words.len() == 1))
}

/// Whether a person's name running through word `i` ends before it: an action or topic starts
/// there, or a lead word followed by one.
pub(super) fn ends_name(tokens: &[Token], i: usize) -> bool {
    match phrase_at(tokens, i) {
        Some((_, Role::Action | Role::Topic)) => true,
        Some((len, Role::Lead)) => matches!(
            phrase_at(tokens, i + len),
            Some((_, Role::Action | Role::Topic))
        ),
        _ => false,
    }
}

/// Whether the place at word `i` spans exactly `len` words (a run that is only a place name).
pub(super) fn is_place(tokens: &[Token], i: usize, len: usize) -> bool {
    matches!(phrase_at(tokens, i), Some((l, Role::Place)) if l == len)
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    #[test]
    fn longest_phrase_first() {
        let t = tokenize("VI NGUOI NGHEO");
        assert_eq!(phrase_at(&t, 0), Some((3, Role::Topic)));
        let t = tokenize("Ung ho mien bac");
        assert_eq!(phrase_at(&t, 0), Some((2, Role::Action)));
        assert_eq!(phrase_at(&t, 2), Some((2, Role::Topic)));
    }

    #[test]
    fn a_lead_word_ends_a_name_only_before_a_message() {
        let t = tokenize("MONG BA CON");
        assert!(ends_name(&t, 0));
        let t = tokenize("MONG TUYEN");
        assert!(!ends_name(&t, 0));
        let t = tokenize("BINH AN");
        assert!(!ends_name(&t, 0));
    }
}
