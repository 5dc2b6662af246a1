//! BIDV: title and account rows above `STT, Ngày hiệu lực, Ghi nợ, Ghi có, Số dư, Mô tả`; `,`
//! thousands; a `Dư đầu` row (the opening balance) and a `Dư cuối` row (the closing balance and
//! the totals) that are not transactions. `STT` numbers the rows of one file, so it is no part of
//! a line's identity.

use super::amount::{DateStyle, Grouping};
use super::header::Columns;
use super::Layout;

pub(super) const LAYOUT: Layout = Layout {
    columns: Columns {
        date: &[
            "Ngày hiệu lực",
            "Ngày giao dịch",
            "Effective date",
            "Transaction date",
        ],
        doc_no: &["Số tham chiếu", "Reference"],
        debit: &["Ghi nợ", "Phát sinh nợ", "Debit"],
        credit: &["Ghi có", "Phát sinh có", "Credit"],
        balance: &["Số dư", "Balance"],
        description: &["Mô tả", "Nội dung", "Description"],
    },
    grouping: Grouping::Comma,
    dates: DateStyle::DayMonthYear,
    carry_date: false,
};

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_matches_summary, parse_str};
    use super::super::Format;

    const HEAD: &str = "BÁO CÁO CHI TIẾT SỐ DƯ TÀI KHOẢN\n\
        Số tài khoản: 0011009999999\n\
        \n\
        STT,Ngày hiệu lực,Ghi nợ,Ghi có,Số dư,Mô tả\n\
        ,,,,\"1,000,000\",Dư đầu\n";

    #[test]
    fn the_sample_matches_its_summary_and_its_balance_rows_are_not_lines() {
        let s = assert_matches_summary(
            Format::Bidv,
            include_bytes!("../../../tests/fixtures/statements/bidv.csv"),
            include_str!("../../../tests/fixtures/statements/bidv.summary.json"),
        );
        assert_eq!(s.opening_balance, Some(1_250_000_000));
        assert!(s.lines.iter().all(|l| !l.description.starts_with("Dư")));
        assert_eq!(s.lines[0].line_no, 6);
        assert_eq!(s.lines[0].doc_no, None);
    }

    #[test]
    fn closing_totals_that_disagree_with_the_lines_are_refused() {
        let e = parse_str(
            Format::Bidv,
            &format!("{HEAD}1,17/10/2026,,\"500,000\",\"1,500,000\",ung ho\n,,,\"600,000\",\"1,500,000\",Dư cuối\n"),
        )
        .unwrap_err();
        assert_eq!(e.line, 7);
    }

    #[test]
    fn an_amount_with_a_fraction_of_a_dong_is_refused() {
        let e = parse_str(
            Format::Bidv,
            &format!("{HEAD}1,17/10/2026,,\"500,000.50\",\"1,500,000\",ung ho\n"),
        )
        .unwrap_err();
        assert_eq!(e.line, 6);
        assert!(e.message.en.contains("fraction"), "{e:?}");
    }
}
