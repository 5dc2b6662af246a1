//! Organisations: a name that opens with an organisation's word (`CONG TY`, `TRUONG THCS`,
//! `HOI`, `CHI BO`, `UBND`…). The words count only as whole phrases at the start of a name:
//! `TRUONG` alone is the surname Trương (`TRUONG VAN TOI`), a school only before a school's kind
//! (`TRUONG THCS`, `TRUONG MAM NON`); `DOAN` is the surname Đoàn unless a union's word follows
//! (`DOAN THANH NIEN`); `BAN` is the Dao surname Bàn before `VAN`/`THI`.

use super::tokens::{Class, Token};

/// Phrases that open an organisation's name whatever follows.
const HEADS: &[&str] = &[
    "cong ty",
    "cty",
    "tong cong ty",
    "tct",
    "tnhh",
    "cp",
    "doanh nghiep",
    "dntn",
    "htx",
    "hop tac xa",
    "tap doan",
    "ngan hang",
    "hoi",
    "hiep hoi",
    "chi hoi",
    "chi bo",
    "chi doan",
    "dang bo",
    "dang uy",
    "cong doan",
    "ubnd",
    "uy ban nhan dan",
    "clb",
    "cau lac bo",
    "tap the",
    "benh vien",
    "trung tam",
    "van phong",
    "xi nghiep",
    "nha may",
    "cua hang",
    "nha thuoc",
    "cong an",
    "bo chi huy",
    "lien doan",
    "giao xu",
    "phong giao duc",
    "phong gd",
    "so giao duc",
];

/// Words after `TRUONG` that make it a school.
const SCHOOLS: &[&str] = &[
    "thpt",
    "thcs",
    "th",
    "tieu hoc",
    "mam non",
    "mn",
    "mau giao",
    "mg",
    "dai hoc",
    "dh",
    "cao dang",
    "cd",
    "trung cap",
    "tc",
    "trung hoc",
    "pt",
    "ptdtbt",
    "ptdtnt",
    "ptdt",
    "ptcs",
    "thptqg",
    "quoc te",
    "chinh tri",
    "nghe",
    "day nghe",
    "tieu hoc va thcs",
    "th va thcs",
    "thcs va thpt",
];

/// Words after `DOAN` that make it a union rather than the surname Đoàn.
const UNIONS: &[&str] = &[
    "thanh nien",
    "tn",
    "tncs",
    "thanh nien cong san",
    "vien",
    "cong tac",
    "luat su",
    "khoi",
    "xa",
    "phuong",
    "truong",
    "co so",
    "the thao",
];

/// Words of an organisation's legal form; a name of only these and a head is no name.
const FORMS: &[&str] = &[
    "tnhh", "cp", "co", "phan", "mtv", "tm", "dv", "tmdv", "xd", "jsc", "ltd", "va",
];

fn matches_at(tokens: &[Token], i: usize, phrase: &str) -> Option<usize> {
    let words: Vec<&str> = phrase.split(' ').collect();
    words
        .iter()
        .enumerate()
        .all(|(k, w)| {
            tokens
                .get(i + k)
                .is_some_and(|t| t.is_word() && t.folded == *w)
        })
        .then_some(words.len())
}

fn longest_at(tokens: &[Token], i: usize, phrases: &[&str]) -> Option<usize> {
    phrases
        .iter()
        .filter_map(|p| matches_at(tokens, i, p))
        .max()
}

/// The length in tokens of the organisation's word that opens `tokens` at `i`, if one does.
pub(super) fn head_at(tokens: &[Token], i: usize) -> Option<usize> {
    if let Some(n) = longest_at(tokens, i, HEADS) {
        return Some(n);
    }
    let first = tokens.get(i).filter(|t| t.is_word())?;
    match first.folded.as_str() {
        "truong" => longest_at(tokens, i + 1, SCHOOLS).map(|n| n + 1),
        "doan" => longest_at(tokens, i + 1, UNIONS).map(|n| n + 1),
        // Ban liên lạc, Ban chấp hành, Ban quản lý… but the Dao surname before a middle name
        "ban" => {
            let next = tokens.get(i + 1).filter(|t| t.is_word())?;
            (!matches!(next.folded.as_str(), "van" | "thi")).then_some(1)
        }
        "uy" => matches_at(tokens, i, "uy ban"),
        _ => None,
    }
}

/// Whether the words `tokens[from..to]` name something beyond the head and legal form (`CONG TY
/// TNHH` alone names nothing).
pub(super) fn names_something(tokens: &[Token], from: usize, to: usize) -> bool {
    tokens[from..to]
        .iter()
        .any(|t| t.class != Class::Punct && !FORMS.contains(&t.folded.as_str()))
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn head(s: &str) -> Option<usize> {
        head_at(&tokenize(s), 0)
    }

    #[test]
    fn truong_is_a_school_only_before_a_schools_kind() {
        assert_eq!(head("TRUONG THCS NGUYEN TRAI"), Some(2));
        assert_eq!(head("TRUONG MAM NON HOA SEN"), Some(3));
        assert_eq!(head("TRUONG VAN TOI"), None);
        assert_eq!(head("TRUONG THI HOA"), None);
    }

    #[test]
    fn doan_and_ban_are_surnames_unless_an_organisations_word_follows() {
        assert_eq!(head("DOAN THANH NIEN XA VAN THUY"), Some(3));
        assert_eq!(head("DOAN THANH NAM"), None);
        assert_eq!(head("BAN LIEN LAC HOC SINH"), Some(1));
        assert_eq!(head("BAN VAN HUNG"), None);
    }

    #[test]
    fn company_words() {
        assert_eq!(head("CONG TY TNHH AN PHAT"), Some(2));
        assert_eq!(head("Cong ty TNHH Minh Phat"), Some(2));
        assert_eq!(head("TONG CONG TY DIEN LUC"), Some(3));
        assert_eq!(head("HOI PHU NU"), Some(1));
        assert_eq!(head("NGUYEN VAN AN"), None);
    }
}
