//! What a Vietnamese name looks like: a surname, then one to four middle and given syllables
//! (`NGUYEN VAN AN`, `TRUONG THI TUYET MAI`, `TON NU THI HONG`). Banks print names without
//! diacritics, so the lists hold folded syllables (lower case, no marks) and words are matched
//! after folding. A syllable that is in no list but is shaped like a Vietnamese syllable still
//! reads as a name, with less confidence.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Surnames as banks print them: the common Kinh surnames (Nguyễn, Trần, Lê… including Trương,
/// Tô, Từ, Tạ, Hồ, Võ/Vũ, which are also ordinary words) and those of the northern minorities
/// (Nông, Lộc, Lăng, Triệu, Hoàng, Bàn, Sùng, Giàng…). A folded surname may stand for several
/// (`VU` is Vũ and Võ is `VO`; `DO` is Đỗ and Đồ).
const SURNAMES: &[&str] = &[
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do",
    "ho", "ngo", "duong", "ly", "truong", "to", "tu", "ta", "dinh", "lam", "mai", "trinh", "doan",
    "cao", "luong", "ha", "thai", "luu", "chu", "quach", "kieu", "la", "tang", "vuong", "loc",
    "nong", "lang", "trieu", "vi", "dam", "hau", "ma", "tong", "luc", "khuat", "phung", "than",
    "nghiem", "diep", "tieu", "bach", "lu", "mac", "cu", "khong", "quan", "uong", "chau", "dao",
    "ton", "thach", "lai", "lieu", "hua", "au", "banh", "be", "bien", "cam", "can", "chung",
    "cung", "dau", "diem", "dong", "giap", "han", "hang", "khuc", "khuu", "kha", "khieu", "lo",
    "mach", "man", "ninh", "phi", "phu", "phuong", "sam", "tao", "tiet", "tram", "vien", "ban",
    "sung", "giang", "vang", "thao", "lau", "hoa", "ong", "thieu", "tan", "doi", "duy", "lac",
    "luyen", "ngu", "nhu", "nham", "quang", "thang", "thiem", "trac", "trang", "trung", "ung",
    "yen", "lanh", "hai", "kim", "tra", "dien", "pho", "vuu", "chao", "san", "diu", "phun", "liu",
    "leo", "dieu", "khau", "tat", "hong", "on",
];

/// Surnames that are rare as surnames but common as other words or syllables of a name
/// (`KIM NGAN`, `HAI YEN`, `TRUNG KIEN`, `UNG` of `ung ho`): they count as syllables, never as
/// the surname a name must start with.
const WEAK_SURNAMES: &[&str] = &[
    "ong", "tan", "doi", "duy", "lac", "luyen", "ngu", "nhu", "nham", "quang", "thang", "thiem",
    "trac", "trang", "trung", "ung", "yen", "lanh", "hai", "kim", "tra", "dien", "hoa", "phuong",
    "thao", "hang", "han", "vang", "giang", "man", "chung", "cung", "phu", "hong", "on",
];

/// Middle and given syllables of Vietnamese names, folded.
const SYLLABLES: &[&str] = &[
    "a", "ai", "an", "anh", "au", "ba", "bac", "bach", "ban", "bang", "banh", "bao", "bay", "be",
    "bich", "bien", "binh", "boi", "bong", "buu", "ca", "cam", "can", "canh", "cao", "cat", "chan",
    "chanh", "chau", "che", "chi", "chien", "chinh", "chuc", "chung", "chuong", "chuyen", "co",
    "con", "cong", "cu", "cuc", "cuong", "da", "dac", "dai", "dam", "dan", "dang", "danh", "dao",
    "dat", "dau", "diem", "dien", "diep", "dieu", "dinh", "do", "doan", "doanh", "don", "dong",
    "du", "duan", "duc", "dung", "duong", "duy", "duyen", "em", "gam", "gia", "giang", "giao",
    "giap", "hac", "hai", "han", "hang", "hanh", "hao", "hau", "hien", "hiep", "hieu", "hinh",
    "ho", "hoa", "hoai", "hoan", "hoang", "hoi", "hong", "hop", "hue", "hung", "huong", "huu",
    "huy", "huyen", "huynh", "ich", "kha", "khac", "khai", "kham", "khang", "khanh", "khiem",
    "khoa", "khoi", "khue", "khuong", "khuyen", "kien", "kiet", "kim", "kieu", "kinh", "ky", "la",
    "lac", "lai", "lam", "lan", "lang", "lanh", "lap", "le", "lich", "lien", "lieu", "linh",
    "loan", "loc", "loi", "long", "luan", "luc", "luong", "luu", "ly", "mai", "man", "manh", "mau",
    "mien", "minh", "mo", "moc", "mong", "my", "na", "nam", "nang", "nga", "ngan", "nghi", "nghia",
    "nghiep", "ngoan", "ngoc", "nguyen", "nguyet", "nhan", "nhat", "nhi", "nhien", "nho", "nhu",
    "nhung", "ninh", "nu", "nuong", "oanh", "phap", "phat", "phi", "phien", "phong", "phu", "phuc",
    "phung", "phuoc", "phuong", "quan", "quang", "que", "quoc", "quy", "quyen", "quyet", "quynh",
    "sa", "sam", "sang", "sau", "sen", "si", "sinh", "son", "sung", "suong", "ta", "tai", "tam",
    "tan", "tang", "tao", "tha", "thach", "thai", "tham", "than", "thang", "thanh", "thao", "that",
    "thau", "the", "thi", "thiem", "thien", "thiet", "thinh", "tho", "thoa", "thoai", "thom",
    "thong", "thu", "thuan", "thuc", "thuong", "thuy", "thuyen", "ti", "tien", "tiep", "tin",
    "tinh", "to", "toai", "toan", "toi", "ton", "tra", "trach", "tram", "tran", "trang", "tri",
    "trien", "trieu", "trinh", "trong", "truc", "trung", "truong", "tu", "tuan", "tue", "tung",
    "tuong", "tuyen", "tuyet", "uyen", "van", "vang", "vi", "viet", "vien", "vinh", "vo", "vu",
    "vuong", "vy", "xuan", "xuyen", "y", "yen", "sinh", "hop", "luat", "trac", "khanh", "nhuong",
    "diu", "dau", "ngon", "thuan", "tram", "tuoi", "hoach", "pao", "sua", "chao", "mua", "lau",
    "sung", "ngai", "gioi", "hy", "khiet", "khiem", "hoai",
    // the years of the zodiac, given names of many born in the countryside (not Tý: `TY` is
    // the `TY` of `CONG TY`)
    "suu", "dan", "mao", "thin", "ngo", "mui", "tuat", "chuan", "giau", "huan", "khoe", "mung",
    "soan", "thich", "tuc", "uy", "xoan", "thiep", "nhieu", "yem", "lua", "hen", "gai", "muoi",
    "thoan", "men", "khien", "thuat", "ngat",
];

fn set(words: &'static [&'static str]) -> HashSet<&'static str> {
    words.iter().copied().collect()
}

fn surnames() -> &'static HashSet<&'static str> {
    static S: OnceLock<HashSet<&'static str>> = OnceLock::new();
    S.get_or_init(|| {
        let weak = set(WEAK_SURNAMES);
        SURNAMES
            .iter()
            .copied()
            .filter(|s| !weak.contains(s))
            .collect()
    })
}

fn syllables() -> &'static HashSet<&'static str> {
    static S: OnceLock<HashSet<&'static str>> = OnceLock::new();
    S.get_or_init(|| SYLLABLES.iter().chain(SURNAMES).copied().collect())
}

/// Whether `folded` is a surname a name may start with.
pub(super) fn is_surname(folded: &str) -> bool {
    surnames().contains(folded)
}

/// Whether `folded` is a known syllable of names (middle, given, or a surname, which also
/// stands inside names: `NGUYEN LE THANH HUYEN`, `HOANG` of `DO HOANG BINH`).
pub(super) fn is_known(folded: &str) -> bool {
    syllables().contains(folded)
}

/// Whether `folded` is shaped like one Vietnamese syllable without diacritics: an initial
/// consonant, one to three vowels, a final consonant. `CK`, `UH`, `FT`, `MTTQ` are not; a given
/// name missing from the lists (`XUYEN`, `KHIEN`) is.
pub(super) fn is_syllable_shaped(folded: &str) -> bool {
    const ONSETS: &[&str] = &[
        "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d", "g", "h",
        "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
    ];
    const CODAS: &[&str] = &["ng", "nh", "ch", "c", "m", "n", "p", "t", ""];
    if folded.is_empty() || folded.len() > 7 || !folded.bytes().all(|b| b.is_ascii_lowercase()) {
        return false;
    }
    ONSETS.iter().any(|onset| {
        let Some(rest) = folded.strip_prefix(onset) else {
            return false;
        };
        CODAS.iter().any(|coda| {
            rest.strip_suffix(coda).is_some_and(|vowels| {
                (1..=3).contains(&vowels.len()) && vowels.bytes().all(|b| b"aeiouy".contains(&b))
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_are_large_enough_and_folded() {
        assert!(surnames().len() >= 100, "{}", surnames().len());
        assert!(syllables().len() >= 300, "{}", syllables().len());
        for w in SURNAMES.iter().chain(SYLLABLES).chain(WEAK_SURNAMES) {
            assert!(w.bytes().all(|b| b.is_ascii_lowercase()), "{w}");
            assert!(is_syllable_shaped(w), "{w}");
        }
    }

    #[test]
    fn truong_to_tu_ta_are_surnames_and_toi_a_syllable() {
        for s in ["truong", "to", "tu", "ta", "ho", "vo", "vu"] {
            assert!(is_surname(s), "{s}");
        }
        assert!(is_known("toi"));
        assert!(!is_surname("ung") && !is_surname("kim"));
    }

    #[test]
    fn syllable_shapes() {
        for s in ["nguyen", "xuyen", "khien", "a", "oanh", "uyen", "nghia"] {
            assert!(is_syllable_shaped(s), "{s}");
        }
        for s in ["ck", "uh", "ft", "mttq", "gd", "ibft", "momo", "tnhh"] {
            assert!(!is_syllable_shaped(s), "{s}");
        }
    }
}
