//! Finding a format's header row among title rows, and the rows that are not transactions
//! (opening and closing balances, totals, signatures). Column names compare folded (no case, no
//! diacritics) with spaces and punctuation dropped, so `TNX Date`, `TNXDate` and `Ngày/TNX Date`
//! are told apart only by what a format lists.

use csv::StringRecord;

use crate::domain::text;

/// The name of the sender in a column of its own, as some exports carry it (VietinBank's
/// `Tên người chuyển`): it wins over a name read from the description. Every format accepts it.
pub const COUNTERPARTY: &[&str] = &[
    "Tên người chuyển/Remitter",
    "Tên người chuyển",
    "Người chuyển",
    "Tên người gửi",
    "Tên đối ứng",
    "Tên TK đối ứng",
    "Tên tài khoản đối ứng",
    "Remitter",
    "Remitter name",
    "Counterparty",
    "Counterparty name",
];

/// The names a format accepts for each column. A header row must name the date, debit, credit
/// and description columns; the document number and balance are optional, and so is the
/// sender's name ([`COUNTERPARTY`]).
pub struct Columns {
    pub date: &'static [&'static str],
    pub doc_no: &'static [&'static str],
    pub debit: &'static [&'static str],
    pub credit: &'static [&'static str],
    pub balance: &'static [&'static str],
    pub description: &'static [&'static str],
}

/// Where each column is in the file.
#[derive(Debug, Clone, Copy)]
pub struct Positions {
    pub date: usize,
    pub doc_no: Option<usize>,
    pub debit: usize,
    pub credit: usize,
    pub balance: Option<usize>,
    pub description: usize,
    pub counterparty: Option<usize>,
}

/// `Ngày/TNX Date` → `ngaytnxdate`.
pub fn key(cell: &str) -> String {
    text::fold(cell)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

impl Columns {
    /// The positions of the columns when `row` is this format's header row.
    pub fn locate(&self, row: &StringRecord) -> Option<Positions> {
        let keys: Vec<String> = row.iter().map(key).collect();
        let find = |names: &[&str]| {
            keys.iter()
                .position(|k| !k.is_empty() && names.iter().any(|n| key(n) == *k))
        };
        Some(Positions {
            date: find(self.date)?,
            doc_no: find(self.doc_no),
            debit: find(self.debit)?,
            credit: find(self.credit)?,
            balance: find(self.balance),
            description: find(self.description)?,
            counterparty: find(COUNTERPARTY),
        })
    }

    /// The required column names, for the error when no header is found.
    pub fn describe(&self) -> String {
        [self.date, self.debit, self.credit, self.description]
            .iter()
            .filter_map(|names| names.first())
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A row that is not a transaction but says something about the statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Summary {
    /// `Dư đầu`, `Số dư đầu kỳ`, `Opening balance`: its balance is the opening balance.
    Opening,
    /// `Dư cuối`, `Số dư cuối kỳ`, `Closing balance`: its balance is the closing balance; its
    /// debit and credit, when given, are the statement's totals.
    Closing,
    /// `Tổng cộng`, `Cộng phát sinh`, `Total`: debit and credit totals.
    Total,
}

const OPENING: [&str; 6] = [
    "du dau",
    "so du dau",
    "so du dau ky",
    "opening balance",
    "beginning balance",
    "opening",
];
const CLOSING: [&str; 7] = [
    "du cuoi",
    "so du cuoi",
    "so du cuoi ky",
    "closing balance",
    "ending balance",
    "closing",
    "ending",
];
const TOTAL: [&str; 5] = ["tong cong", "tong", "cong phat sinh", "cong", "total"];

/// Whether the row is a summary row. Its date cell (which is not a date) may start with the
/// label (`Tổng cộng:`), or its description may be exactly the label — never merely start with
/// it, since a donor may well be `TONG CONG TY …`.
pub fn summary(date_cell: &str, description: &str) -> Option<Summary> {
    // every label is short: a transaction's description is not folded here at all
    const LONGEST: usize = 64;
    if date_cell.len() > LONGEST {
        return None;
    }
    let description = if description.len() > LONGEST {
        ""
    } else {
        description
    };
    if date_cell.is_empty() && description.is_empty() {
        return None;
    }
    let classify = |folded: &str, prefix: bool| {
        let words: String = folded
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let hit = |labels: &[&str]| {
            labels
                .iter()
                .any(|l| words == *l || (prefix && words.starts_with(&format!("{l} "))))
        };
        if hit(&OPENING) {
            Some(Summary::Opening)
        } else if hit(&CLOSING) {
            Some(Summary::Closing)
        } else if hit(&TOTAL) {
            Some(Summary::Total)
        } else {
            None
        }
    };
    classify(&text::fold(date_cell), true).or_else(|| classify(&text::fold(description), false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_diacritics_spaces_and_punctuation() {
        assert_eq!(key("Ngày/TNX Date"), "ngaytnxdate");
        assert_eq!(key(" TNX Date "), key("TNXDate"));
        assert_eq!(key("STT/No."), "sttno");
    }

    #[test]
    fn recognises_summary_rows_but_not_donors_named_like_them() {
        assert_eq!(summary("", "Dư đầu"), Some(Summary::Opening));
        assert_eq!(summary("", "Dư cuối"), Some(Summary::Closing));
        assert_eq!(summary("Tổng cộng:", ""), Some(Summary::Total));
        assert_eq!(summary("Số dư cuối kỳ", ""), Some(Summary::Closing));
        assert_eq!(summary("", "TONG CONG TY ABC ung ho"), None);
        assert_eq!(summary("", "ung ho"), None);
    }
}
