//! Text at the edge: NFC normalisation, length bounds, and folding for search without
//! diacritics (`nguyen van a` finds `Nguyễn Văn A`).

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// NFC-normalises and trims `raw`; `None` when it is empty or longer than `max` characters,
/// or holds control characters.
pub fn clean(raw: &str, max: usize) -> Option<String> {
    let s: String = raw.trim().nfc().collect();
    let len = s.chars().count();
    if len == 0 || len > max || s.chars().any(char::is_control) {
        return None;
    }
    Some(s)
}

/// Lower-case ASCII-ish fold: decompose, drop combining marks, map đ/Đ to d.
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text for a spreadsheet cell: one that starts like a formula (`= + - @`, tab, CR) gets a
/// leading `'`, so opening a CSV export never runs it (CSV injection).
pub fn spreadsheet_safe(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese_to_plain_ascii() {
        assert_eq!(fold("Nguyễn Văn A"), "nguyen van a");
        assert_eq!(fold("Đoàn Kết"), "doan ket");
        assert_eq!(fold("  Lạng   Sơn "), "lang son");
        assert_eq!(fold("Hoá Châu"), fold("Hóa Châu"));
    }

    #[test]
    fn clean_normalises_to_nfc_and_bounds_length() {
        let decomposed = "Nguye\u{0302}\u{0303}n";
        assert_eq!(clean(decomposed, 50).unwrap(), "Nguyễn");
        assert_eq!(clean("  ", 10), None);
        assert_eq!(clean("abcdef", 5), None);
        assert_eq!(clean("a\u{0000}b", 5), None);
        assert_eq!(clean("ấp", 2).unwrap(), "ấp");
    }
}
