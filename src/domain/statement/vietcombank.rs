//! Vietcombank: `Ngày/TNX Date, Số CT/Doc No, Số tiền ghi nợ/Debit, Số tiền ghi có/Credit,
//! Số dư/Balance, Nội dung chi tiết/Transactions in detail` (or the English-only header of
//! published statements, `TNXDate,DocNo,Debit,Credit,Balance,Transactions in Detail`); dates
//! `dd/mm/yyyy`, `.` thousands, the balance only on a day's last line.

use super::amount::{DateStyle, Grouping};
use super::header::Columns;
use super::Layout;

pub(super) const LAYOUT: Layout = Layout {
    columns: Columns {
        date: &[
            "Ngày/TNX Date",
            "TNXDate",
            "Ngày",
            "Ngày giao dịch",
            "Transaction date",
        ],
        doc_no: &["Số CT/Doc No", "DocNo", "Số CT", "Số chứng từ"],
        debit: &["Số tiền ghi nợ/Debit", "Debit", "Số tiền ghi nợ", "Ghi nợ"],
        credit: &[
            "Số tiền ghi có/Credit",
            "Credit",
            "Số tiền ghi có",
            "Ghi có",
        ],
        balance: &["Số dư/Balance", "Balance", "Số dư"],
        description: &[
            "Nội dung chi tiết/Transactions in detail",
            "Transactions in detail",
            "Nội dung chi tiết",
            "Nội dung",
            "Description",
        ],
    },
    grouping: Grouping::Dot,
    dates: DateStyle::DayMonthYear,
    carry_date: false,
};

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_matches_summary, parse_str};
    use super::super::Format;

    #[test]
    fn the_sample_matches_its_summary() {
        assert_matches_summary(
            Format::Vietcombank,
            include_bytes!("../../../tests/fixtures/statements/vietcombank.csv"),
            include_str!("../../../tests/fixtures/statements/vietcombank.summary.json"),
        );
    }

    #[test]
    fn reads_the_english_only_header_and_a_bom() {
        let s = parse_str(
            Format::Vietcombank,
            "\u{feff}TNXDate,DocNo,Debit,Credit,Balance,Transactions in Detail\n\
             17/10/2026,5303.81333,,3.884.000,1.253.884.000,\"IBFT LOC XUAN GIANG, chuyen tien\"\n",
        )
        .unwrap();
        assert_eq!(s.lines.len(), 1);
        assert_eq!(s.lines[0].credit, 3_884_000);
        assert_eq!(s.lines[0].description, "IBFT LOC XUAN GIANG, chuyen tien");
        assert_eq!(s.lines[0].line_no, 2);
        assert_eq!(s.opening_balance, Some(1_250_000_000));
    }

    #[test]
    fn a_line_with_both_debit_and_credit_is_refused() {
        let e = parse_str(
            Format::Vietcombank,
            "Ngày/TNX Date,Số CT/Doc No,Số tiền ghi nợ/Debit,Số tiền ghi có/Credit,Số dư/Balance,Nội dung chi tiết/Transactions in detail\n\
             17/10/2026,1,,100.000,,ung ho\n\
             17/10/2026,2,5.000,100.000,,ung ho\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.en.contains("both"), "{e:?}");
    }
}
