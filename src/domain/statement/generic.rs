//! The generic layout for banks without a parser of their own:
//! `date, reference, debit, credit, balance, description`; ISO dates, plain integers.

use super::amount::{DateStyle, Grouping};
use super::header::Columns;
use super::Layout;

pub(super) const LAYOUT: Layout = Layout {
    columns: Columns {
        date: &["date"],
        doc_no: &["reference", "ref", "doc_no"],
        debit: &["debit"],
        credit: &["credit"],
        balance: &["balance"],
        description: &["description"],
    },
    grouping: Grouping::Plain,
    dates: DateStyle::Iso,
    carry_date: false,
};

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_matches_summary, parse_str};
    use super::super::Format;

    #[test]
    fn the_sample_matches_its_summary() {
        assert_matches_summary(
            Format::Generic,
            include_bytes!("../../../tests/fixtures/statements/generic.csv"),
            include_str!("../../../tests/fixtures/statements/generic.summary.json"),
        );
    }

    #[test]
    fn a_line_with_neither_debit_nor_credit_is_refused() {
        let e = parse_str(
            Format::Generic,
            "date,reference,debit,credit,balance,description\n2026-10-17,A,,,100,phi\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.en.contains("neither"), "{e:?}");
    }

    #[test]
    fn a_file_without_the_header_is_refused() {
        let e = parse_str(Format::Generic, "ngay,so tien\n2026-10-17,100\n").unwrap_err();
        assert!(e.message.en.contains("header"), "{e:?}");
    }

    #[test]
    fn a_header_without_lines_is_refused() {
        let e = parse_str(
            Format::Generic,
            "date,reference,debit,credit,balance,description\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 1);
    }
}
