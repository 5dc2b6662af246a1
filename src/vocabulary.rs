//! The domain's words in people's languages: what a wire value such as `bank_transfer` or
//! `accountant` is called in Vietnamese, and how amounts are written. Messages that name a value
//! show the word and keep the wire value beside it ("chuyển khoản (bank_transfer)"), so a reader
//! understands it and a developer can still send it.

use rust_decimal::Decimal;

use crate::i18n::Lang;

/// The Vietnamese word for a wire value (roles, tiers, channels, statuses, categories, …);
/// `None` for values that are names already (bank formats, file formats).
pub fn vietnamese(wire: &str) -> Option<&'static str> {
    Some(match wire {
        // roles
        "admin" => "quản trị viên",
        "officer" => "cán bộ nghiệp vụ",
        "approver" => "người phê duyệt",
        "accountant" => "kế toán",
        "auditor" => "kiểm soát viên",
        // tiers
        "central" => "trung ương",
        "province" => "tỉnh",
        "district" => "huyện",
        "commune" => "xã",
        // donation channels, spending and tranche methods
        "cash" => "tiền mặt",
        "bank_transfer" => "chuyển khoản",
        "in_kind" => "hiện vật",
        "bank" => "ngân hàng",
        // donors and how they are shown
        "individual" => "cá nhân",
        "organization" => "tổ chức",
        "anonymous" => "ẩn danh",
        "name" => "tên",
        // households
        "poor" => "hộ nghèo",
        "near_poor" => "hộ cận nghèo",
        "hardship" => "hộ khó khăn",
        "merit" => "hộ có công",
        // grant categories
        "medical" => "y tế",
        "education" => "giáo dục",
        "livelihood" => "sinh kế",
        "emergency_relief" => "cứu trợ khẩn cấp",
        "community_works" => "công trình cộng đồng",
        "other" => "khác",
        // campaigns
        "general" => "thường xuyên",
        "peak_month" => "tháng cao điểm",
        "tet" => "Tết",
        "disaster" => "thiên tai",
        "housing" => "nhà Đại đoàn kết",
        // houses and what pays for them
        "new" => "xây mới",
        "repair" => "sửa chữa",
        "fund" => "quỹ",
        "state_budget" => "ngân sách nhà nước",
        "sponsor" => "nhà tài trợ",
        "community" => "cộng đồng",
        "household" => "hộ gia đình",
        "materials" => "vật liệu",
        "labour" => "ngày công",
        "advance" => "tạm ứng",
        "progress" => "theo tiến độ",
        "final" => "đợt cuối",
        // spending states
        "submitted" => "đã đề nghị",
        "approved" => "đã phê duyệt",
        "rejected" => "bị từ chối",
        "cancelled" => "đã hủy",
        "paid" => "đã chi",
        "closed" => "đã đóng",
        "sent" => "đã chuyển",
        "received" => "đã nhận",
        "in_transit" => "đang chuyển",
        "proposed" => "đề xuất",
        "started" => "đã khởi công",
        "completed" => "đã nghiệm thu",
        "handed_over" => "đã bàn giao",
        // donations
        "recorded" => "đã ghi nhận",
        "void" => "đã hủy",
        // transfers
        "allocation" => "cấp xuống",
        "remittance" => "nộp lên",
        // Tết deliveries
        "signature" => "chữ ký",
        "thumbprint" => "điểm chỉ",
        "photo" => "ảnh chụp",
        "witness" => "người làm chứng",
        "pending" => "chờ trao",
        "delivered" => "đã trao",
        "returned" => "đã hoàn lại",
        "withdrawn" => "đã rút",
        // statement lines
        "unmatched" => "chưa khớp",
        "matched" => "đã khớp",
        "ignored" => "bỏ qua",
        // postings
        "debit" => "Nợ",
        "credit" => "Có",
        "generic" => "mẫu chung",
        _ => return None,
    })
}

/// A wire value as a reader of `lang` should see it: the value itself in English,
/// "tiền mặt (cash)" in Vietnamese.
pub fn term(wire: &str, lang: Lang) -> String {
    match (lang, vietnamese(wire)) {
        (Lang::Vi, Some(word)) => format!("{word} ({wire})"),
        _ => wire.to_owned(),
    }
}

/// Several values, comma-separated, each as [`term`] writes it.
pub fn terms<S: AsRef<str>>(wires: &[S], lang: Lang) -> String {
    wires
        .iter()
        .map(|w| term(w.as_ref(), lang))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An amount of đồng for a sentence: `1,500,000 VND` in English, `1.500.000 ₫` in Vietnamese.
/// A fraction (foreign amounts) keeps its digits after the decimal mark of the language.
pub fn amount(value: Decimal, lang: Lang) -> String {
    let (group, decimal_mark) = match lang {
        Lang::En => (',', '.'),
        Lang::Vi => ('.', ','),
    };
    let text = value.normalize().to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(c);
    }
    if !frac.is_empty() {
        grouped.push(decimal_mark);
        grouped.push_str(frac);
    }
    match lang {
        Lang::En => format!("{sign}{grouped} VND"),
        Lang::Vi => format!("{sign}{grouped} ₫"),
    }
}

/// Both languages of an amount, for an [`crate::error::Text`].
pub fn amounts(value: Decimal) -> (String, String) {
    (amount(value, Lang::En), amount(value, Lang::Vi))
}

/// A whole number grouped in thousands as the language writes it (`4,294,967,295` /
/// `4.294.967.295`).
pub fn number(value: i128, lang: Lang) -> String {
    let text = amount(Decimal::from_i128_with_scale(value, 0), lang);
    text.trim_end_matches(" VND")
        .trim_end_matches(" ₫")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped_the_way_each_language_writes_them() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(amount(d("1500000"), Lang::En), "1,500,000 VND");
        assert_eq!(amount(d("1500000"), Lang::Vi), "1.500.000 ₫");
        assert_eq!(amount(d("0"), Lang::Vi), "0 ₫");
        assert_eq!(amount(d("999"), Lang::En), "999 VND");
        assert_eq!(amount(d("1000"), Lang::En), "1,000 VND");
        assert_eq!(amount(d("-2500000"), Lang::Vi), "-2.500.000 ₫");
        assert_eq!(amount(d("1234.50"), Lang::Vi), "1.234,5 ₫");
        assert_eq!(
            amount(d("1000000000000000"), Lang::En),
            "1,000,000,000,000,000 VND"
        );
        assert_eq!(number(4_294_967_295, Lang::Vi), "4.294.967.295");
    }

    #[test]
    fn vietnamese_terms_keep_the_wire_value() {
        assert_eq!(term("accountant", Lang::Vi), "kế toán (accountant)");
        assert_eq!(term("accountant", Lang::En), "accountant");
        assert_eq!(term("vietcombank", Lang::Vi), "vietcombank");
        assert_eq!(
            terms(&["cash", "bank_transfer"], Lang::Vi),
            "tiền mặt (cash), chuyển khoản (bank_transfer)"
        );
    }
}
