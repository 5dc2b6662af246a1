//! Agribank: a title row, then `Ngày giao dịch, Số bút toán, Ghi nợ, Ghi có, Số dư, Diễn giải`;
//! dates `dd/mm/yyyy`, `.` thousands.

use super::amount::{DateStyle, Grouping};
use super::header::Columns;
use super::Layout;

pub(super) const LAYOUT: Layout = Layout {
    columns: Columns {
        date: &["Ngày giao dịch", "Ngày", "Transaction date"],
        doc_no: &["Số bút toán", "Số chứng từ", "Reference"],
        debit: &["Ghi nợ", "Phát sinh nợ", "Debit"],
        credit: &["Ghi có", "Phát sinh có", "Credit"],
        balance: &["Số dư", "Balance"],
        description: &["Diễn giải", "Nội dung", "Description"],
    },
    grouping: Grouping::Dot,
    dates: DateStyle::DayMonthYear,
    carry_date: false,
};

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_matches_summary, parse_str};
    use super::super::Format;

    const HEAD: &str =
        "SAO KÊ TÀI KHOẢN\nNgày giao dịch,Số bút toán,Ghi nợ,Ghi có,Số dư,Diễn giải\n";

    #[test]
    fn the_sample_matches_its_summary() {
        assert_matches_summary(
            Format::Agribank,
            include_bytes!("../../../tests/fixtures/statements/agribank.csv"),
            include_str!("../../../tests/fixtures/statements/agribank.summary.json"),
        );
    }

    #[test]
    fn footers_below_the_lines_are_not_transactions() {
        let s = parse_str(
            Format::Agribank,
            &format!(
                "{HEAD}17/10/2026,1.1,,500.000,1.500.000,ung ho\n\
                 \n\
                 Tổng cộng,,0,500.000,,\n\
                 Người lập biểu,,,,,Kế toán trưởng\n"
            ),
        )
        .unwrap();
        assert_eq!(s.lines.len(), 1);
        assert_eq!(s.closing_balance, Some(1_500_000));
    }

    #[test]
    fn a_bad_date_on_a_data_row_names_the_line() {
        let e = parse_str(
            Format::Agribank,
            &format!("{HEAD}17/10/2026,1.1,,500.000,,ung ho\n31/02/2026,1.2,,500.000,,ung ho\n"),
        )
        .unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.message.en.contains("date"), "{e:?}");
    }
}
