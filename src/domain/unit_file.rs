//! The official unit list format (`code,parent_code,tier,name,full_name,kind`), parsed and
//! checked as a whole before anything is written: a file with one bad line imports nothing.

use std::collections::{HashMap, HashSet};

use super::text;
use super::tier::Tier;
use super::unit_code::{UnitCode, CENTRAL_CODE};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRecord {
    /// 1-based line in the file, for error messages.
    pub line: u64,
    pub code: UnitCode,
    /// `None` in the file means "directly under the central unit".
    pub parent_code: UnitCode,
    pub tier: Tier,
    pub name: String,
    pub full_name: String,
    pub kind: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct UnitFileError {
    /// 1-based line of the file (the header is line 1).
    pub line: u64,
    pub message: String,
    /// The same in Vietnamese.
    pub message_vi: String,
}

const COLUMNS: [&str; 6] = ["code", "parent_code", "tier", "name", "full_name", "kind"];

/// Parses the whole file, ordered so every parent comes before its children (by tier).
pub fn parse(bytes: &[u8]) -> Result<Vec<UnitRecord>, UnitFileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let err = |line: u64, message: String, message_vi: String| UnitFileError {
        line,
        message,
        message_vi,
    };

    let headers = reader
        .headers()
        .map_err(|_| {
            err(
                1,
                "the header row cannot be read (is the file UTF-8 CSV?)".into(),
                "không đọc được dòng tiêu đề (tệp có phải CSV UTF-8 không?)".into(),
            )
        })?
        .clone();
    let index: Vec<usize> = COLUMNS
        .iter()
        .map(|name| {
            headers
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    err(
                        1,
                        format!("missing column `{name}`"),
                        format!("thiếu cột `{name}`"),
                    )
                })
        })
        .collect::<Result<_, _>>()?;

    let mut records = Vec::new();
    let mut seen = HashSet::new();
    for row in reader.records() {
        let row = row.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            // the csv crate's words stay out of the message: say what is wrong with the row
            match e.kind() {
                csv::ErrorKind::Utf8 { .. } => err(
                    line,
                    "the row is not UTF-8 text".into(),
                    "dòng không phải văn bản UTF-8".into(),
                ),
                csv::ErrorKind::UnequalLengths { .. } => err(
                    line,
                    "the row does not have as many columns as the header".into(),
                    "dòng không có đủ số cột như dòng tiêu đề".into(),
                ),
                _ => err(
                    line,
                    "the row cannot be read".into(),
                    "không đọc được dòng".into(),
                ),
            }
        })?;
        let line = row.position().map(|p| p.line()).unwrap_or(0);
        if row.iter().all(str::is_empty) {
            continue;
        }
        let field = |i: usize| row.get(index[i]).unwrap_or("");
        let code = UnitCode::parse(field(0)).ok_or_else(|| {
            err(
                line,
                format!("invalid code `{}`", field(0)),
                format!("mã `{}` không hợp lệ", field(0)),
            )
        })?;
        if code.as_str() == CENTRAL_CODE {
            return Err(err(
                line,
                "the central unit TW is implied, not listed".into(),
                "đơn vị trung ương TW là mặc định, không ghi trong tệp".into(),
            ));
        }
        let parent_code = if field(1).is_empty() {
            UnitCode::central()
        } else {
            UnitCode::parse(field(1)).ok_or_else(|| {
                err(
                    line,
                    format!("invalid parent_code `{}`", field(1)),
                    format!("parent_code `{}` không hợp lệ", field(1)),
                )
            })?
        };
        let tier = Tier::parse(field(2))
            .filter(|t| *t != Tier::Central)
            .ok_or_else(|| {
                err(
                    line,
                    format!("invalid tier `{}`", field(2)),
                    format!("cấp `{}` không hợp lệ", field(2)),
                )
            })?;
        let invalid = |column: &str| {
            err(
                line,
                format!("invalid {column}"),
                format!("{column} không hợp lệ"),
            )
        };
        let name = text::clean(field(3), 200).ok_or_else(|| invalid("name"))?;
        let full_name = text::clean(field(4), 300).ok_or_else(|| invalid("full_name"))?;
        let kind = if field(5).is_empty() {
            None
        } else {
            Some(text::clean(field(5), 100).ok_or_else(|| invalid("kind"))?)
        };
        if !seen.insert(code.clone()) {
            return Err(err(
                line,
                format!("code `{code}` appears twice"),
                format!("mã `{code}` xuất hiện hai lần"),
            ));
        }
        records.push((
            line,
            UnitRecord {
                line,
                code,
                parent_code,
                tier,
                name,
                full_name,
                kind,
            },
        ));
    }

    // Parents named in the file must fit the tier rule; parents not in the file must already
    // exist (checked by the importer against the database).
    let tiers: HashMap<&UnitCode, Tier> = records.iter().map(|(_, r)| (&r.code, r.tier)).collect();
    for (line, r) in &records {
        let parent_tier = if r.parent_code.as_str() == CENTRAL_CODE {
            Some(Tier::Central)
        } else {
            tiers.get(&r.parent_code).copied()
        };
        if let Some(pt) = parent_tier {
            if !r.tier.fits_under(pt) {
                return Err(err(
                    *line,
                    format!("a {} cannot be placed under a {}", r.tier, pt),
                    format!(
                        "không thể đặt một {} dưới một {}",
                        crate::vocabulary::term(r.tier.as_str(), crate::i18n::Lang::Vi),
                        crate::vocabulary::term(pt.as_str(), crate::i18n::Lang::Vi)
                    ),
                ));
            }
        }
    }

    let mut records: Vec<UnitRecord> = records.into_iter().map(|(_, r)| r).collect();
    records.sort_by_key(|r| r.tier.rank());
    Ok(records)
}

/// A unit as it stands in the database, for comparison with the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingUnit {
    pub code: String,
    pub parent_code: Option<String>,
    pub tier: Tier,
    pub name: String,
    pub full_name: String,
    pub kind: Option<String>,
}

/// What an import will do: create new units (parents first), update changed ones, leave the
/// rest. Importing the same file twice plans nothing the second time.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportPlan {
    pub create: Vec<UnitRecord>,
    pub update: Vec<UnitRecord>,
    pub unchanged: usize,
}

pub fn plan(
    records: Vec<UnitRecord>,
    existing: &HashMap<String, ExistingUnit>,
) -> Result<ImportPlan, UnitFileError> {
    let in_file: HashSet<&str> = records.iter().map(|r| r.code.as_str()).collect();
    for r in &records {
        let parent = r.parent_code.as_str();
        if parent != CENTRAL_CODE && !in_file.contains(parent) {
            match existing.get(parent) {
                None => {
                    return Err(UnitFileError {
                        line: r.line,
                        message: format!("parent `{parent}` is neither in the file nor known"),
                        message_vi: format!(
                            "đơn vị cấp trên `{parent}` không có trong tệp và chưa được biết"
                        ),
                    })
                }
                Some(p) if !r.tier.fits_under(p.tier) => {
                    return Err(UnitFileError {
                        line: r.line,
                        message: format!("a {} cannot be placed under a {}", r.tier, p.tier),
                        message_vi: format!(
                            "không thể đặt một {} dưới một {}",
                            crate::vocabulary::term(r.tier.as_str(), crate::i18n::Lang::Vi),
                            crate::vocabulary::term(p.tier.as_str(), crate::i18n::Lang::Vi)
                        ),
                    })
                }
                Some(_) => {}
            }
        }
    }
    let mut plan = ImportPlan::default();
    for r in records {
        match existing.get(r.code.as_str()) {
            None => plan.create.push(r),
            Some(e) if e.tier != r.tier => {
                return Err(UnitFileError {
                    line: r.line,
                    message: format!("unit `{}` exists as a {}, not a {}", r.code, e.tier, r.tier),
                    message_vi: format!(
                        "đơn vị `{}` đã có với cấp {}, không phải {}",
                        r.code,
                        crate::vocabulary::term(e.tier.as_str(), crate::i18n::Lang::Vi),
                        crate::vocabulary::term(r.tier.as_str(), crate::i18n::Lang::Vi)
                    ),
                })
            }
            Some(e) => {
                let same = e.parent_code.as_deref() == Some(r.parent_code.as_str())
                    && e.name == r.name
                    && e.full_name == r.full_name
                    && e.kind == r.kind;
                if same {
                    plan.unchanged += 1;
                } else {
                    plan.update.push(r);
                }
            }
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_official_layout_parents_first() {
        let csv = "\u{feff}code,parent_code,tier,name,full_name,kind\n\
                   00001,001,commune,Phúc Xá,Phường Phúc Xá,Phường\n\
                   001,01,district,Ba Đình,Quận Ba Đình,Quận\n\
                   01,,province,Hà Nội,Thành phố Hà Nội,Thành phố\n";
        let units = parse(csv.as_bytes()).unwrap();
        let codes: Vec<_> = units.iter().map(|u| u.code.as_str()).collect();
        assert_eq!(codes, ["01", "001", "00001"]);
        assert_eq!(units[0].parent_code.as_str(), "TW");
        assert_eq!(units[2].kind.as_deref(), Some("Phường"));
    }

    #[test]
    fn names_the_bad_line() {
        let csv = "code,parent_code,tier,name,full_name,kind\n\
                   01,,province,Hà Nội,Thành phố Hà Nội,Thành phố\n\
                   02,,village,X,Y,Z\n";
        let e = parse(csv.as_bytes()).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("tier"));
    }

    #[test]
    fn rejects_duplicates_and_inverted_tiers() {
        let dup =
            "code,parent_code,tier,name,full_name,kind\n01,,province,A,A,\n01,,province,B,B,\n";
        assert_eq!(parse(dup.as_bytes()).unwrap_err().line, 3);
        let inverted = "code,parent_code,tier,name,full_name,kind\n\
                        00001,,commune,A,A,\n01,00001,province,B,B,\n";
        assert!(parse(inverted.as_bytes())
            .unwrap_err()
            .message
            .contains("cannot be placed"));
    }

    fn existing(code: &str, parent: &str, tier: Tier, name: &str) -> (String, ExistingUnit) {
        let unit = ExistingUnit {
            code: code.into(),
            parent_code: Some(parent.into()),
            tier,
            name: name.into(),
            full_name: name.into(),
            kind: None,
        };
        (code.into(), unit)
    }

    #[test]
    fn plan_creates_updates_and_leaves_alone() {
        let csv = "code,parent_code,tier,name,full_name,kind\n\
                   01,,province,A,A,\n02,,province,B,B,\n03,,province,C,C,\n";
        let db: HashMap<_, _> = [
            existing("01", "TW", Tier::Province, "A"),
            existing("02", "TW", Tier::Province, "Old B"),
        ]
        .into();
        let p = plan(parse(csv.as_bytes()).unwrap(), &db).unwrap();
        assert_eq!(p.unchanged, 1);
        assert_eq!(
            p.update.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
            ["02"]
        );
        assert_eq!(
            p.create.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
            ["03"]
        );
    }

    #[test]
    fn plan_needs_known_parents_of_a_fitting_tier() {
        let orphan = "code,parent_code,tier,name,full_name,kind\n00001,999,commune,A,A,\n";
        let e = plan(parse(orphan.as_bytes()).unwrap(), &HashMap::new()).unwrap_err();
        assert_eq!(e.line, 2);
        let db: HashMap<_, _> = [existing("99999", "01", Tier::Commune, "X")].into();
        let under_commune = "code,parent_code,tier,name,full_name,kind\n00001,99999,commune,A,A,\n";
        assert!(plan(parse(under_commune.as_bytes()).unwrap(), &db).is_err());
    }

    #[test]
    fn rejects_a_file_without_the_columns() {
        let e = parse(b"a,b,c\n1,2,3\n").unwrap_err();
        assert_eq!(e.line, 1);
    }

    #[test]
    fn both_official_files_parse() {
        for file in ["vn-admin-units-2025-03.csv", "vn-admin-units-2026.csv"] {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/units/").to_owned() + file;
            let units = parse(&std::fs::read(path).unwrap()).unwrap();
            assert!(units.len() > 3000, "{file}");
        }
    }
}
