//! The succession file of the 2025 reform (`tier,predecessor_code,successor_code,share,
//! effective_on`, reform.md "Data"): which unit took over which. Parsed and checked as a whole —
//! every line that cannot be read is reported with its number and column, and nothing is recorded
//! while any is — before the importer places the codes against the tree.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;

use super::field::FieldError;
use super::tier::Tier;
use super::unit_code::UnitCode;

/// How much of the predecessor went to a successor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
// named apart from the transfers' weighted `Share` in the OpenAPI document
#[schema(as = SuccessionShare)]
pub enum Share {
    /// All of it: the predecessor's only successor.
    Whole,
    /// One part of a predecessor split among several successors.
    Part,
}

impl Share {
    pub fn as_str(self) -> &'static str {
        match self {
            Share::Whole => "whole",
            Share::Part => "part",
        }
    }

    pub fn parse(s: &str) -> Option<Share> {
        match s {
            "whole" => Some(Share::Whole),
            "part" => Some(Share::Part),
            _ => None,
        }
    }
}

/// One line of the file, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuccessionRecord {
    /// 1-based line in the file (the header is line 1).
    pub line: u64,
    pub tier: Tier,
    pub predecessor: UnitCode,
    pub successor: UnitCode,
    pub share: Share,
    pub effective_on: NaiveDate,
}

impl SuccessionRecord {
    /// A predecessor that is its own successor keeps its id, fund and history.
    pub fn is_continuing(&self) -> bool {
        self.predecessor == self.successor
    }
}

const COLUMNS: [&str; 5] = [
    "tier",
    "predecessor_code",
    "successor_code",
    "share",
    "effective_on",
];

/// A line's error: the problem's `errors` member names the line and the column.
pub fn line_error(line: u64, field: &str, en: String, vi: String) -> FieldError {
    FieldError::new(field, en, vi).at_line(line)
}

/// The file read: the lines that could be read, and the errors of those that could not (the
/// importer adds its own, so one answer lists all that needs fixing).
#[derive(Debug, Default)]
pub struct Parsed {
    pub records: Vec<SuccessionRecord>,
    pub errors: Vec<FieldError>,
}

/// Reads the whole file. Lines that repeat an earlier one to the letter count once.
pub fn parse(bytes: &[u8]) -> Parsed {
    match read(bytes) {
        Ok(parsed) => parsed,
        Err(errors) => Parsed {
            records: Vec::new(),
            errors,
        },
    }
}

/// As [`parse`]; `Err` when the header itself cannot be used.
fn read(bytes: &[u8]) -> Result<Parsed, Vec<FieldError>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(bytes);
    let headers = reader.headers().cloned().map_err(|_| {
        vec![line_error(
            1,
            "header",
            "the header row cannot be read (is the file UTF-8 CSV?)".into(),
            "không đọc được dòng tiêu đề (tệp có phải CSV UTF-8 không?)".into(),
        )]
    })?;
    let index: Vec<usize> = COLUMNS
        .iter()
        .map(|name| {
            headers
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    vec![line_error(
                        1,
                        name,
                        format!("missing column `{name}`"),
                        format!("thiếu cột `{name}`"),
                    )]
                })
        })
        .collect::<Result<_, _>>()?;

    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (n, row) in reader.records().enumerate() {
        // the csv crate counts lines itself; a row it cannot read has no position of its own
        let fallback_line = n as u64 + 2;
        let row = match row {
            Ok(row) => row,
            Err(_) => {
                errors.push(line_error(
                    fallback_line,
                    "line",
                    "the row cannot be read as UTF-8 CSV".into(),
                    "không đọc được dòng dưới dạng CSV UTF-8".into(),
                ));
                continue;
            }
        };
        let line = row.position().map(|p| p.line()).unwrap_or(fallback_line);
        if row.iter().all(str::is_empty) {
            continue;
        }
        if row.len() != headers.len() {
            errors.push(line_error(
                line,
                "line",
                "the row does not have as many columns as the header".into(),
                "dòng không có đủ số cột như dòng tiêu đề".into(),
            ));
            continue;
        }
        let value = |i: usize| row.get(index[i]).unwrap_or("");
        let before = errors.len();
        let tier = Tier::parse(value(0)).filter(|t| *t != Tier::Central);
        if tier.is_none() {
            errors.push(line_error(
                line,
                "tier",
                format!("`{}` is not a tier (province, district, commune)", value(0)),
                format!(
                    "`{}` không phải là cấp (province, district, commune)",
                    value(0)
                ),
            ));
        }
        let code = |i: usize, errors: &mut Vec<FieldError>| {
            let code = UnitCode::parse(value(i));
            if code.is_none() {
                errors.push(line_error(
                    line,
                    COLUMNS[i],
                    format!("`{}` is not a unit code", value(i)),
                    format!("`{}` không phải là mã đơn vị", value(i)),
                ));
            }
            code
        };
        let predecessor = code(1, &mut errors);
        let successor = code(2, &mut errors);
        let share = Share::parse(value(3));
        if share.is_none() {
            errors.push(line_error(
                line,
                "share",
                format!("`{}` is neither `whole` nor `part`", value(3)),
                format!("`{}` không phải `whole` hay `part`", value(3)),
            ));
        }
        let effective_on = NaiveDate::parse_from_str(value(4), "%Y-%m-%d").ok();
        if effective_on.is_none() {
            errors.push(line_error(
                line,
                "effective_on",
                format!("`{}` is not a date (YYYY-MM-DD)", value(4)),
                format!("`{}` không phải là ngày (YYYY-MM-DD)", value(4)),
            ));
        }
        if errors.len() > before {
            continue;
        }
        let (Some(tier), Some(predecessor), Some(successor), Some(share), Some(effective_on)) =
            (tier, predecessor, successor, share, effective_on)
        else {
            continue;
        };
        let record = SuccessionRecord {
            line,
            tier,
            predecessor,
            successor,
            share,
            effective_on,
        };
        let key = (
            record.predecessor.clone(),
            record.successor.clone(),
            record.share,
            record.effective_on,
        );
        if seen.insert(key) {
            records.push(record);
        }
    }
    errors.extend(check_predecessors(&records));
    errors.sort_by_key(|e| e.line);
    Ok(Parsed { records, errors })
}

/// What the lines of one predecessor must agree on: one date, a `whole` share alone, one line
/// per successor.
fn check_predecessors(records: &[SuccessionRecord]) -> Vec<FieldError> {
    let mut by_predecessor: BTreeMap<&str, Vec<&SuccessionRecord>> = BTreeMap::new();
    for r in records {
        by_predecessor
            .entry(r.predecessor.as_str())
            .or_default()
            .push(r);
    }
    let mut errors = Vec::new();
    for (code, lines) in by_predecessor {
        let first = lines[0];
        for r in &lines[1..] {
            if r.successor == first.successor {
                errors.push(line_error(
                    r.line,
                    "successor_code",
                    format!(
                        "{code} → {} is already on line {} with another share or date",
                        r.successor, first.line
                    ),
                    format!(
                        "{code} → {} đã có ở dòng {} với phần hoặc ngày khác",
                        r.successor, first.line
                    ),
                ));
            } else if r.effective_on != first.effective_on {
                errors.push(line_error(
                    r.line,
                    "effective_on",
                    format!(
                        "{code} ends on {} on line {}, not {}",
                        first.effective_on, first.line, r.effective_on
                    ),
                    format!(
                        "{code} kết thúc ngày {} ở dòng {}, không phải {}",
                        first.effective_on, first.line, r.effective_on
                    ),
                ));
            }
        }
        if lines.len() > 1 {
            for r in lines.iter().filter(|r| r.share == Share::Whole) {
                errors.push(line_error(
                    r.line,
                    "share",
                    format!(
                        "a `whole` share beside {} other successors of {code}",
                        lines.len() - 1
                    ),
                    format!(
                        "phần `whole` bên cạnh {} đơn vị kế thừa khác của {code}",
                        lines.len() - 1
                    ),
                ));
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "tier,predecessor_code,successor_code,share,effective_on\n";

    fn parse_str(body: &str) -> Result<Vec<SuccessionRecord>, Vec<FieldError>> {
        let parsed = parse(format!("{HEADER}{body}").as_bytes());
        if parsed.errors.is_empty() {
            Ok(parsed.records)
        } else {
            Err(parsed.errors)
        }
    }

    fn lines(errors: &[FieldError]) -> Vec<(u64, &str)> {
        errors
            .iter()
            .map(|e| (e.line.unwrap(), e.field.as_str()))
            .collect()
    }

    #[test]
    fn reads_whole_part_and_continuing_lines() {
        let records = parse_str(
            "province,02,08,whole,2025-07-01\n\
             commune,00001,00004,part,2025-07-01\n\
             commune,00001,00008,part,2025-07-01\n\
             commune,00004,00004,whole,2025-07-01\n",
        )
        .unwrap();
        assert_eq!(records.len(), 4);
        assert_eq!(records[0].line, 2);
        assert_eq!(records[1].share, Share::Part);
        assert!(records[3].is_continuing());
        assert!(!records[0].is_continuing());
    }

    #[test]
    fn every_bad_line_is_named_with_its_column() {
        let errors = parse_str(
            "province,02,08,whole,2025-07-01\n\
             hamlet,03,08,whole,2025-07-01\n\
             commune,00001,00004,most,2025-07-01\n\
             commune,00002,00004,whole,1 July 2025\n\
             commune,,00004,whole,2025-07-01\n",
        )
        .unwrap_err();
        assert_eq!(
            lines(&errors),
            [
                (3, "tier"),
                (4, "share"),
                (5, "effective_on"),
                (6, "predecessor_code")
            ]
        );
    }

    #[test]
    fn a_whole_share_beside_other_successors_is_refused() {
        let errors = parse_str(
            "commune,00001,00004,whole,2025-07-01\n\
             commune,00001,00008,part,2025-07-01\n",
        )
        .unwrap_err();
        assert_eq!(lines(&errors), [(2, "share")]);
    }

    #[test]
    fn one_predecessor_has_one_date_and_one_line_per_successor() {
        let errors = parse_str(
            "commune,00001,00004,part,2025-07-01\n\
             commune,00001,00008,part,2025-08-01\n\
             commune,00001,00004,whole,2025-07-01\n",
        )
        .unwrap_err();
        assert_eq!(
            lines(&errors),
            [(3, "effective_on"), (4, "successor_code"), (4, "share")]
        );
    }

    #[test]
    fn a_line_repeated_to_the_letter_counts_once() {
        let records = parse_str(
            "commune,00001,00004,whole,2025-07-01\n\
             commune,00001,00004,whole,2025-07-01\n",
        )
        .unwrap();
        assert_eq!(records.len(), 1);
    }

    #[test]
    fn a_missing_column_is_named_on_the_header_line() {
        let errors = parse(b"tier,predecessor_code,successor_code,share\n").errors;
        assert_eq!(lines(&errors), [(1, "effective_on")]);
    }
}
