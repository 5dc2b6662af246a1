//! VietinBank: a title row, then `STT/No., Ngày hạch toán/Accounting date, Mô tả giao
//! dịch/Transaction description, Nợ/Debit, Có/Credit, Số dư TK/Account balance, Số giao
//! dịch/Transaction number`; the date carries a time and is left blank on a day's later lines
//! (carried down); `,` thousands.

use super::amount::{DateStyle, Grouping};
use super::header::Columns;
use super::Layout;

pub(super) const LAYOUT: Layout = Layout {
    columns: Columns {
        date: &[
            "Ngày hạch toán/Accounting date",
            "Ngày hạch toán",
            "Accounting date",
            "Ngày giao dịch",
        ],
        doc_no: &[
            "Số giao dịch/Transaction number",
            "Số giao dịch",
            "Transaction number",
        ],
        debit: &["Nợ/Debit", "Nợ", "Debit"],
        credit: &["Có/Credit", "Có", "Credit"],
        balance: &[
            "Số dư TK/Account balance",
            "Số dư TK",
            "Account balance",
            "Số dư",
        ],
        description: &[
            "Mô tả giao dịch/Transaction description",
            "Mô tả giao dịch",
            "Transaction description",
            "Mô tả",
        ],
    },
    grouping: Grouping::Comma,
    dates: DateStyle::DayMonthYear,
    carry_date: true,
};

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::super::tests::{assert_matches_summary, parse_str};
    use super::super::Format;

    const HEAD: &str = "LỊCH SỬ GIAO DỊCH - TRANSACTION HISTORY\n\
        STT/No.,Ngày hạch toán/Accounting date,Mô tả giao dịch/Transaction description,Nợ/Debit,Có/Credit,Số dư TK/Account balance,Số giao dịch/Transaction number\n";

    #[test]
    fn the_sample_matches_its_summary_with_dates_carried_down() {
        let s = assert_matches_summary(
            Format::Vietinbank,
            include_bytes!("../../../tests/fixtures/statements/vietinbank.csv"),
            include_str!("../../../tests/fixtures/statements/vietinbank.summary.json"),
        );
        let day = NaiveDate::from_ymd_opt(2026, 10, 17).unwrap();
        assert_eq!(s.lines[1].date, day);
        assert_eq!(s.lines[2].date, day);
        assert_eq!(s.lines[0].doc_no.as_deref(), Some("530381333"));
    }

    #[test]
    fn a_blank_date_before_any_date_is_refused() {
        let e = parse_str(
            Format::Vietinbank,
            &format!("{HEAD}1,,ung ho,,\"500,000\",\"1,500,000\",1\n"),
        )
        .unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.en.contains("date"), "{e:?}");
    }
}
