//! Bank statements (sao kê) in the CSV exports of the common Vietnamese banks, parsed into lines
//! with no database in sight. A parser finds its header row by the column names (real files
//! carry title rows, blank rows and footers), reads UTF-8 with or without a BOM, and refuses a
//! file it cannot understand whole, naming the line and why: a statement is imported entirely or
//! not at all. One file per format says what its layout is; the reading is shared.
//!
//! A line's identity is its account, date, document number, amounts and description plus its
//! occurrence: identical lines on one day of one statement are numbered 1, 2, … — two equal
//! transfers are two gifts, never one — and a re-import of the same or an overlapping file
//! numbers them the same way, so it adds nothing that is already there.

mod agribank;
pub mod amount;
mod bidv;
pub mod donor;
mod generic;
pub mod header;
pub mod reference;
mod status;
mod vietcombank;
mod vietinbank;

pub use status::LineStatus;

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
use utoipa::ToSchema;
use uuid::Uuid;

use self::amount::{parse_amount, parse_date, shorten, DateStyle, Grouping};
use self::header::{Columns, Positions, Summary};
use crate::domain::field::Text;
use crate::domain::fund_date;

/// The bank export formats one can import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = StatementFormat)]
pub enum Format {
    Vietcombank,
    Bidv,
    Vietinbank,
    Agribank,
    Generic,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Vietcombank,
        Format::Bidv,
        Format::Vietinbank,
        Format::Agribank,
        Format::Generic,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Vietcombank => "vietcombank",
            Format::Bidv => "bidv",
            Format::Vietinbank => "vietinbank",
            Format::Agribank => "agribank",
            Format::Generic => "generic",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// The NAPAS BIN of the bank whose export this layout is; none for the generic layout.
    pub fn bank_bin(self) -> Option<&'static str> {
        match self {
            Format::Vietcombank => Some("970436"),
            Format::Bidv => Some("970418"),
            Format::Vietinbank => Some("970415"),
            Format::Agribank => Some("970405"),
            Format::Generic => None,
        }
    }

    fn layout(self) -> &'static Layout {
        match self {
            Format::Vietcombank => &vietcombank::LAYOUT,
            Format::Bidv => &bidv::LAYOUT,
            Format::Vietinbank => &vietinbank::LAYOUT,
            Format::Agribank => &agribank::LAYOUT,
            Format::Generic => &generic::LAYOUT,
        }
    }
}

/// What a format's file looks like.
pub(crate) struct Layout {
    pub columns: Columns,
    pub grouping: Grouping,
    pub dates: DateStyle,
    /// A blank date means "the same day as the line above" (VietinBank).
    pub carry_date: bool,
}

/// One transaction of a statement, in whole đồng.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedLine {
    /// 1-based line of the file where the row starts.
    pub line_no: u64,
    pub date: NaiveDate,
    pub doc_no: Option<String>,
    /// Exactly one of `debit` and `credit` is positive; the other is 0.
    pub debit: i64,
    pub credit: i64,
    /// The running balance after this line, when the bank printed it.
    pub balance: Option<i64>,
    /// NFC, trimmed, line breaks as spaces; may be empty.
    pub description: String,
    /// The sender's name, when the export has a column for it (not part of the identity: the
    /// same transaction from an export without the column is the same line).
    pub counterparty: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedStatement {
    pub lines: Vec<ParsedLine>,
    /// As printed (`Dư đầu`), or worked out from the first printed running balance.
    pub opening_balance: Option<i64>,
    /// As printed (`Dư cuối`), or worked out from the last printed running balance.
    pub closing_balance: Option<i64>,
}

impl ParsedStatement {
    pub fn credits_total(&self) -> i64 {
        self.lines.iter().map(|l| l.credit).sum()
    }

    pub fn debits_total(&self) -> i64 {
        self.lines.iter().map(|l| l.debit).sum()
    }

    /// Refuses the first line dated outside the fund's dates (`fund_date`): a bank line of 1900
    /// or of years ahead means a broken file (or the wrong date column), not a transaction.
    pub fn check_dates(&self, today: NaiveDate) -> Result<(), StatementError> {
        match self
            .lines
            .iter()
            .find(|l| !fund_date::in_range(l.date, today))
        {
            None => Ok(()),
            Some(l) => {
                let latest = fund_date::latest(today);
                Err(StatementError {
                    line: l.line_no,
                    message: Text::new(
                        format!(
                            "the date {} is outside {} to {latest}",
                            l.date,
                            fund_date::EARLIEST
                        ),
                        format!(
                            "ngày {} nằm ngoài khoảng {} đến {latest}",
                            l.date,
                            fund_date::EARLIEST
                        ),
                    ),
                })
            }
        }
    }

    /// The first and last dates of its lines (a statement has at least one line).
    pub fn date_range(&self) -> (NaiveDate, NaiveDate) {
        let mut dates = self.lines.iter().map(|l| l.date);
        let first = dates.next().unwrap_or_default();
        dates.fold((first, first), |(lo, hi), d| (lo.min(d), hi.max(d)))
    }
}

/// Why a file was refused, and on which line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {}", message.en)]
pub struct StatementError {
    /// 1-based line of the file.
    pub line: u64,
    pub message: Text,
}

/// Descriptions longer than this are refused (banks print at most a few hundred characters).
pub const MAX_DESCRIPTION: usize = 2000;
pub const MAX_DOC_NO: usize = 100;
/// Longest sender's name kept from a counterparty column (longer is cut, never refused).
pub const MAX_COUNTERPARTY: usize = 200;
/// The header must come within this many rows of the top.
const HEADER_WITHIN: usize = 50;

/// Parses a whole statement, record by record from the bytes (only the lines are kept).
pub fn parse(format: Format, bytes: &[u8]) -> Result<ParsedStatement, StatementError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    parse_reader(format, bytes)
}

/// Parses from a reader of UTF-8 text (without a BOM).
pub fn parse_reader(
    format: Format,
    reader: impl std::io::Read,
) -> Result<ParsedStatement, StatementError> {
    let layout = format.layout();
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
    let err = |line: u64, en: String, vi: String| StatementError {
        line,
        message: Text::new(en, vi),
    };
    let mut record = csv::StringRecord::new();
    let mut positions: Option<Positions> = None;
    let mut header_line = 0;
    let mut rows_before_header = 0;
    let mut last_line = 1;

    let mut lines: Vec<ParsedLine> = Vec::new();
    let mut carried: Option<NaiveDate> = None;
    let mut opening: Option<i64> = None;
    let mut closing: Option<(u64, i64)> = None;
    // totals printed on summary rows: (line, debit, credit)
    let mut printed_totals: Vec<(u64, Option<i64>, Option<i64>)> = Vec::new();

    loop {
        match csv.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(last_line, |p| p.line());
                return Err(match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => err(
                        line,
                        "the file is not UTF-8 text".into(),
                        "tệp không phải văn bản UTF-8".into(),
                    ),
                    // the csv crate's own words are no message for a person
                    _ => err(
                        line,
                        "the row cannot be read".into(),
                        "không đọc được dòng".into(),
                    ),
                });
            }
        }
        let line = record.position().map_or(last_line, |p| p.line());
        last_line = line;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let Some(at) = positions else {
            positions = layout.columns.locate(&record);
            header_line = line;
            rows_before_header += 1;
            if positions.is_none() && rows_before_header >= HEADER_WITHIN {
                break;
            }
            continue;
        };
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        let opt_cell = |i: Option<usize>| i.map_or("", cell);
        let (date_cell, debit_cell, credit_cell) = (cell(at.date), cell(at.debit), cell(at.credit));
        let amount = |c: &str, signed: bool| {
            parse_amount(c, layout.grouping, signed)
                .map_err(|m| StatementError { line, message: m })
        };
        let parsed_date = (!date_cell.is_empty()).then(|| parse_date(date_cell, layout.dates));
        let dated = matches!(parsed_date, Some(Ok(_)));
        // a balance or totals row; a description that is exactly such a label counts even on a
        // dated row, a date cell that is not a date may start with one (`Tổng cộng:`)
        let label = if dated { "" } else { date_cell };
        if let Some(kind) = header::summary(label, cell(at.description)) {
            let balance = amount(opt_cell(at.balance), true)?;
            match kind {
                Summary::Opening => opening = opening.or(balance),
                Summary::Closing => closing = balance.map(|b| (line, b)).or(closing),
                Summary::Total => {}
            }
            if kind != Summary::Opening {
                printed_totals.push((
                    line,
                    amount(debit_cell, false)?,
                    amount(credit_cell, false)?,
                ));
            }
            continue;
        }
        let no_amounts = debit_cell.is_empty() && credit_cell.is_empty();
        let date = match (parsed_date, carried) {
            (Some(Ok(d)), _) => d,
            // a footer (signatures, notes) or a remark row: not a transaction
            (_, _) if no_amounts && !dated => continue,
            (Some(Err(message)), _) => return Err(StatementError { line, message }),
            (None, Some(d)) if layout.carry_date => d,
            (None, _) => {
                return Err(err(
                    line,
                    "the line has amounts but no date".into(),
                    "dòng có số tiền nhưng không có ngày".into(),
                ))
            }
        };
        carried = Some(date);
        let debit = amount(debit_cell, false)?.unwrap_or(0);
        let credit = amount(credit_cell, false)?.unwrap_or(0);
        match (debit > 0, credit > 0) {
            (true, true) => {
                return Err(err(
                    line,
                    "the line has both a debit and a credit".into(),
                    "dòng có cả ghi nợ và ghi có".into(),
                ))
            }
            (false, false) => {
                return Err(err(
                    line,
                    "the line has neither a debit nor a credit".into(),
                    "dòng không có ghi nợ cũng không có ghi có".into(),
                ))
            }
            _ => {}
        }
        let balance = amount(opt_cell(at.balance), true)?;
        let description = clean_text(cell(at.description));
        if description.chars().count() > MAX_DESCRIPTION {
            return Err(err(
                line,
                format!("the description is longer than {MAX_DESCRIPTION} characters"),
                format!("nội dung dài quá {MAX_DESCRIPTION} ký tự"),
            ));
        }
        let doc_no = Some(clean_text(opt_cell(at.doc_no))).filter(|d| !d.is_empty());
        if doc_no
            .as_ref()
            .is_some_and(|d| d.chars().count() > MAX_DOC_NO)
        {
            return Err(err(
                line,
                format!(
                    "the document number `{}` is longer than {MAX_DOC_NO} characters",
                    shorten(opt_cell(at.doc_no))
                ),
                format!("số chứng từ dài quá {MAX_DOC_NO} ký tự"),
            ));
        }
        lines.push(ParsedLine {
            line_no: line,
            date,
            doc_no,
            debit,
            credit,
            balance,
            description,
            counterparty: Some(clean_text(opt_cell(at.counterparty)))
                .filter(|c| !c.is_empty())
                .map(|c| c.chars().take(MAX_COUNTERPARTY).collect()),
        });
    }

    if positions.is_none() {
        return Err(err(
            1,
            format!(
                "no {} header row found; expected the columns {}",
                format.as_str(),
                layout.columns.describe()
            ),
            format!(
                "không tìm thấy dòng tiêu đề dạng {}; cần các cột {}",
                format.as_str(),
                layout.columns.describe()
            ),
        ));
    }
    if lines.is_empty() {
        return Err(err(
            header_line,
            "the statement has no transaction lines".into(),
            "sao kê không có giao dịch nào".into(),
        ));
    }
    let statement = ParsedStatement {
        opening_balance: opening,
        closing_balance: closing.map(|(_, b)| b),
        lines,
    };
    check_totals(&statement, closing, &printed_totals)?;
    Ok(with_derived_balances(statement))
}

/// The printed totals and balances must agree with the lines: a mismatch means lines are
/// missing or misread, and importing part of a statement is worse than importing none.
fn check_totals(
    s: &ParsedStatement,
    closing: Option<(u64, i64)>,
    printed: &[(u64, Option<i64>, Option<i64>)],
) -> Result<(), StatementError> {
    let (debits, credits) = (s.debits_total(), s.credits_total());
    for &(line, debit, credit) in printed {
        // a blank total is not printed, so there is nothing to compare
        if debit.is_some_and(|d| d != debits) || credit.is_some_and(|c| c != credits) {
            return Err(StatementError {
                line,
                message: Text::new(
                    format!(
                        "the printed totals do not match the lines (debits {debits}, credits {credits})"
                    ),
                    format!(
                        "tổng in trên sao kê không khớp với các dòng (ghi nợ {debits}, ghi có {credits})"
                    ),
                ),
            });
        }
    }
    if let (Some(open), Some((line, close))) = (s.opening_balance, closing) {
        if open + credits - debits != close {
            return Err(StatementError {
                line,
                message: Text::new(
                    format!(
                        "the closing balance {close} is not the opening balance {open} plus credits {credits} minus debits {debits}"
                    ),
                    format!(
                        "số dư cuối {close} không bằng số dư đầu {open} cộng ghi có {credits} trừ ghi nợ {debits}"
                    ),
                ),
            });
        }
    }
    Ok(())
}

/// Works out the opening and closing balances the file does not print from the running
/// balances it does, when those agree with the lines in file order (oldest first) or in
/// reverse (newest first); otherwise leaves them unknown.
fn with_derived_balances(mut s: ParsedStatement) -> ParsedStatement {
    fn derive<'a>(lines: impl Iterator<Item = &'a ParsedLine>) -> Option<(i64, i64)> {
        let mut net = 0i64;
        let mut opening: Option<i64> = None;
        for l in lines {
            net += l.credit - l.debit;
            if let Some(b) = l.balance {
                match opening {
                    None => opening = Some(b - net),
                    Some(o) if o + net != b => return None,
                    Some(_) => {}
                }
            }
        }
        opening.map(|o| (o, o + net))
    }
    let derived = derive(s.lines.iter()).or_else(|| derive(s.lines.iter().rev()));
    if let Some((open, close)) = derived {
        s.opening_balance = s.opening_balance.or(Some(open));
        s.closing_balance = s.closing_balance.or(Some(close));
    }
    s
}

/// NFC, line breaks and other control characters as spaces, trimmed.
fn clean_text(s: &str) -> String {
    // most bank descriptions are plain ASCII: no normalisation to do
    let s = if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        s.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
    } else {
        s.nfc()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect()
    };
    s.trim().to_owned()
}

/// `text::fold` of a description, quicker for the plain ASCII most banks print.
pub fn search_key(description: &str) -> String {
    if description.is_ascii() {
        description
            .to_ascii_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        crate::domain::text::fold(description)
    }
}

/// Numbers identical lines: the n-th line equal to an earlier one (same date, document number,
/// amounts and description) gets occurrence n; the others 1.
pub fn occurrences(lines: &[ParsedLine]) -> Vec<i32> {
    let mut seen: HashMap<[u8; 32], i32> = HashMap::with_capacity(lines.len());
    lines
        .iter()
        .map(|l| {
            let n = seen.entry(fields_hash(None, l, None)).or_insert(0);
            *n += 1;
            *n
        })
        .collect()
}

/// A line's identity in an account: SHA-256 over account, date, document number, debit,
/// credit, description and occurrence, each as text preceded by its length (4 bytes, big
/// endian), so no two different tuples share an encoding.
pub fn identity(account: Uuid, line: &ParsedLine, occurrence: i32) -> [u8; 32] {
    let account = account.hyphenated().to_string();
    fields_hash(Some(&account), line, Some(occurrence))
}

/// Every line's identity in `account`, in order.
pub fn identities(account: Uuid, lines: &[ParsedLine], occurrences: &[i32]) -> Vec<[u8; 32]> {
    let account = account.hyphenated().to_string();
    lines
        .iter()
        .zip(occurrences)
        .map(|(l, &n)| fields_hash(Some(&account), l, Some(n)))
        .collect()
}

fn fields_hash(account: Option<&str>, l: &ParsedLine, occurrence: Option<i32>) -> [u8; 32] {
    let mut h = Sha256::new();
    let mut field = |s: &str| {
        h.update((s.len() as u32).to_be_bytes());
        h.update(s.as_bytes());
    };
    if let Some(a) = account {
        field(a);
    }
    field(&l.date.format("%Y-%m-%d").to_string());
    field(l.doc_no.as_deref().unwrap_or(""));
    field(&l.debit.to_string());
    field(&l.credit.to_string());
    field(&l.description);
    if let Some(n) = occurrence {
        field(&n.to_string());
    }
    h.finalize().into()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn parse_str(format: Format, s: &str) -> Result<ParsedStatement, StatementError> {
        parse(format, s.as_bytes())
    }

    /// Parses a sample and checks it against the generator's summary (line count, totals,
    /// closing balance).
    pub fn assert_matches_summary(format: Format, bytes: &[u8], summary: &str) -> ParsedStatement {
        let summary: serde_json::Value = serde_json::from_str(summary).unwrap();
        let s = parse(format, bytes).unwrap_or_else(|e| panic!("{format:?}: {e}"));
        assert_eq!(s.lines.len() as u64, summary["lines"].as_u64().unwrap());
        assert_eq!(
            s.credits_total(),
            summary["credits_total"].as_i64().unwrap()
        );
        assert_eq!(s.debits_total(), summary["debits_total"].as_i64().unwrap());
        assert_eq!(s.closing_balance, summary["closing_balance"].as_i64());
        assert_eq!(s.opening_balance, summary["opening_balance"].as_i64());
        s
    }

    fn line(description: &str) -> ParsedLine {
        ParsedLine {
            line_no: 2,
            date: NaiveDate::from_ymd_opt(2026, 10, 17).unwrap(),
            doc_no: None,
            debit: 0,
            credit: 100_000,
            balance: None,
            description: description.into(),
            counterparty: None,
        }
    }

    #[test]
    fn identical_lines_are_numbered_not_collapsed() {
        let lines = [
            line("ung ho"),
            line("ung ho"),
            line("xin cam on"),
            line("ung ho"),
        ];
        assert_eq!(occurrences(&lines), [1, 2, 1, 3]);
        let account = Uuid::now_v7();
        assert_ne!(
            identity(account, &lines[0], 1),
            identity(account, &lines[1], 2)
        );
        assert_eq!(
            identity(account, &lines[0], 1),
            identity(account, &lines[1], 1)
        );
        assert_ne!(
            identity(account, &lines[0], 1),
            identity(Uuid::now_v7(), &lines[0], 1)
        );
    }

    #[test]
    fn the_search_key_is_the_fold() {
        for s in [
            "MBVCB.123.NGUYEN  VAN A\tung ho",
            "Nguyễn Văn Đức ủng hộ",
            "  x  ",
        ] {
            assert_eq!(search_key(s), crate::domain::text::fold(s));
        }
        assert_eq!(
            identities(Uuid::nil(), &[line("a")], &[1]),
            [identity(Uuid::nil(), &line("a"), 1)]
        );
    }

    #[test]
    fn field_boundaries_are_part_of_the_identity() {
        let account = Uuid::now_v7();
        let mut a = line("b");
        a.doc_no = Some("a".into());
        let mut b = line("");
        b.doc_no = Some("ab".into());
        assert_ne!(identity(account, &a, 1), identity(account, &b, 1));
    }

    #[test]
    fn newest_first_files_still_give_the_balances() {
        let mut first = line("a");
        first.balance = Some(1_100_000);
        let mut second = line("b");
        second.balance = Some(1_200_000);
        let s = with_derived_balances(ParsedStatement {
            lines: vec![second, first],
            opening_balance: None,
            closing_balance: None,
        });
        assert_eq!(s.opening_balance, Some(1_000_000));
        assert_eq!(s.closing_balance, Some(1_200_000));
    }

    #[test]
    fn every_format_refuses_text_that_is_not_utf8() {
        for format in Format::ALL {
            assert!(parse(format, b"\xff\xfe d\x00a\x00t\x00e\x00").is_err());
        }
    }

    #[test]
    fn the_wrong_format_finds_no_header() {
        let e = parse(
            Format::Bidv,
            include_bytes!("../../../tests/fixtures/statements/vietcombank.csv"),
        )
        .unwrap_err();
        assert!(e.message.en.contains("header"), "{e:?}");
    }
}
