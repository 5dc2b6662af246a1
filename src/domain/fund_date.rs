//! The dates the fund's books take: from 2000-01-01 to one year after the service's today
//! (`settings.clock`), and nothing else. Every date of a request body or query string, and every
//! line date of a bank statement, is held to this range at the edge, before any rule or query
//! sees it: a date like `0001-01-01` or `-4000-01-01` is a typo or a broken client, and booked it
//! would give receipt numbers like `X-0-000001` (a receipt number always has a four-digit year)
//! or reach PostgreSQL mid-stream. Routes keep their own narrower rules (`received_on` not in
//! the future, …) on top.
//!
//! Bodies and queries are parsed by `crate::extract`, which runs serde inside [`with_today`]
//! so the `deserialize*` functions here (used as `#[serde(deserialize_with = …)]`) check the
//! range against the service's clock and the problem names the field.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use serde::{Deserialize, Deserializer};

use crate::domain::clock::{local_date, Clock};
use crate::domain::field::FieldError;

/// The first date the fund's books take.
pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => panic!("2000-01-01 exists"),
};

/// The last date the fund's books take on `today`: one year ahead (a campaign or a norm may be
/// planned that far, a transaction is never dated later).
pub fn latest(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_months(Months::new(12))
        .unwrap_or(NaiveDate::MAX)
}

/// How far ahead a plan may reach: a campaign's `starts_on`/`ends_on` (a housing programme runs
/// for years) or a support norm decreed in advance. Plans are not transactions, so they get a
/// wider horizon; they still start in 2000.
pub const PLAN_YEARS_AHEAD: u32 = 10;

/// The last date a plan may name on `today`.
pub fn plan_latest(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_months(Months::new(12 * PLAN_YEARS_AHEAD))
        .unwrap_or(NaiveDate::MAX)
}

/// Whether `date` is one the books take on `today`.
pub fn in_range(date: NaiveDate, today: NaiveDate) -> bool {
    (EARLIEST..=latest(today)).contains(&date)
}

/// The years the books take on `today` (`?year=`, a household's `status_year`).
pub fn year_in_range(year: i64, today: NaiveDate) -> bool {
    (i64::from(EARLIEST.year())..=i64::from(latest(today).year())).contains(&year)
}

/// What is wrong with a date outside the range, in both languages.
pub fn out_of_range(field: &str, today: NaiveDate) -> FieldError {
    let latest = latest(today);
    FieldError::new(
        field,
        format!("must be a date from {EARLIEST} to {latest}"),
        format!("phải là ngày từ {EARLIEST} đến {latest}"),
    )
}

/// What is wrong with a year outside the range, in both languages.
pub fn year_out_of_range(field: &str, today: NaiveDate) -> FieldError {
    let (first, last) = (EARLIEST.year(), latest(today).year());
    FieldError::new(
        field,
        format!("must be a year from {first} to {last}"),
        format!("phải là năm từ {first} đến {last}"),
    )
}

/// A date written exactly `YYYY-MM-DD` (no sign, no five-digit year, no time) that exists.
pub fn parse_text(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    shape
        .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
}

/// `from`..=`to` of a query, both optional and inclusive: `to` may not come before `from`. The
/// one check of date ranges, so every endpoint names the same field for the same mistake.
pub fn ordered<T: PartialOrd>(from: Option<T>, to: Option<T>) -> Result<(), FieldError> {
    match (from, to) {
        (Some(f), Some(t)) if t < f => Err(FieldError::new(
            "to",
            "must not be before `from`",
            "không được trước `from`",
        )),
        _ => Ok(()),
    }
}

tokio::task_local! {
    static TODAY: NaiveDate;
}

/// Runs `f` (a deserialization) with `today` as the service's date for the range checks.
pub fn with_today<R>(today: NaiveDate, f: impl FnOnce() -> R) -> R {
    TODAY.sync_scope(today, f)
}

/// The service's date while a request is parsed; outside one (a CLI, a unit test) the system's.
fn today() -> NaiveDate {
    TODAY
        .try_with(|t| *t)
        .unwrap_or_else(|_| Clock::system().today())
}

fn checked<E: serde::de::Error>(s: &str) -> Result<NaiveDate, E> {
    checked_until(s, latest)
}

fn checked_until<E: serde::de::Error>(
    s: &str,
    last: fn(NaiveDate) -> NaiveDate,
) -> Result<NaiveDate, E> {
    let last = last(today());
    let date = parse_text(s).ok_or_else(|| E::custom("must be a date written YYYY-MM-DD"))?;
    if !(EARLIEST..=last).contains(&date) {
        return Err(E::custom(format!(
            "must be a date from {EARLIEST} to {last}"
        )));
    }
    Ok(date)
}

/// `#[serde(deserialize_with = "fund_date::plan")]` on a plan's `NaiveDate` (see
/// [`PLAN_YEARS_AHEAD`]).
pub fn plan<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
    checked_until(&s, plan_latest)
}

/// `#[serde(default, deserialize_with = "fund_date::optional_plan")]` on a plan's
/// `Option<NaiveDate>` or a query filter on plans (`active_on`, a norm's `on`).
pub fn optional_plan<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    Option::<std::borrow::Cow<'de, str>>::deserialize(d)?
        .map(|s| checked_until(&s, plan_latest))
        .transpose()
}

/// `#[serde(deserialize_with = "fund_date::deserialize")]` on a `NaiveDate`.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
    checked(&s)
}

/// `#[serde(default, deserialize_with = "fund_date::optional")]` on an `Option<NaiveDate>`.
pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    Option::<std::borrow::Cow<'de, str>>::deserialize(d)?
        .map(|s| checked(&s))
        .transpose()
}

/// `#[serde(default, deserialize_with = "fund_date::optional_instant")]` on an
/// `Option<DateTime<Utc>>`: an RFC 3339 instant whose local date is in the range.
pub fn optional_instant<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    let Some(at) = Option::<DateTime<Utc>>::deserialize(d)? else {
        return Ok(None);
    };
    let today = today();
    if !in_range(local_date(at), today) {
        return Err(serde::de::Error::custom(format!(
            "must be an instant from {EARLIEST} to {}",
            latest(today)
        )));
    }
    Ok(Some(at))
}

/// `#[serde(default, deserialize_with = "fund_date::optional_year")]` on an `Option<i32>`.
pub fn optional_year<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    let Some(year) = Option::<i64>::deserialize(d)? else {
        return Ok(None);
    };
    let today = today();
    if !year_in_range(year, today) {
        return Err(serde::de::Error::custom(format!(
            "must be a year from {} to {}",
            EARLIEST.year(),
            latest(today).year()
        )));
    }
    Ok(Some(year as i32))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[derive(Debug, serde::Deserialize)]
    struct Body {
        #[serde(deserialize_with = "deserialize")]
        on: NaiveDate,
        #[serde(default, deserialize_with = "optional")]
        until: Option<NaiveDate>,
        #[serde(default, deserialize_with = "optional_year")]
        year: Option<i32>,
        #[serde(default, deserialize_with = "optional_instant")]
        at: Option<DateTime<Utc>>,
    }

    fn body(json: serde_json::Value, today: &str) -> Result<Body, String> {
        with_today(day(today), || {
            serde_json::from_value::<Body>(json).map_err(|e| e.to_string())
        })
    }

    #[test]
    fn the_range_runs_from_2000_to_a_year_ahead() {
        let today = day("2026-03-15");
        assert_eq!(latest(today), day("2027-03-15"));
        assert!(in_range(day("2000-01-01"), today));
        assert!(in_range(day("2027-03-15"), today));
        assert!(!in_range(day("1999-12-31"), today));
        assert!(!in_range(day("2027-03-16"), today));
        // 29 February plus a year is the last day of February
        assert_eq!(latest(day("2028-02-29")), day("2029-02-28"));
        assert!(year_in_range(2000, today) && year_in_range(2027, today));
        assert!(!year_in_range(1999, today) && !year_in_range(2028, today));
    }

    #[test]
    fn only_four_digit_iso_dates_are_read() {
        assert_eq!(parse_text("2026-03-01"), Some(day("2026-03-01")));
        for bad in [
            "2026-3-1",
            "2026-02-30",
            "-0001-01-01",
            "+2026-01-01",
            "20260-01-01",
            "2026-03-01T00:00:00",
            " 2026-03-01",
            "",
        ] {
            assert_eq!(parse_text(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn bodies_are_held_to_the_range_of_the_service_clock() {
        let ok = body(
            serde_json::json!({"on": "2026-03-15", "until": "2027-03-15", "year": 2027}),
            "2026-03-15",
        )
        .unwrap();
        assert_eq!(ok.on, day("2026-03-15"));
        assert_eq!(ok.until, Some(day("2027-03-15")));
        assert_eq!(ok.year, Some(2027));
        let none = body(serde_json::json!({"on": "2000-01-01"}), "2026-03-15").unwrap();
        assert_eq!((none.until, none.year), (None, None));
        for (json, what) in [
            (serde_json::json!({"on": "0001-01-01"}), "from 2000-01-01"),
            (serde_json::json!({"on": "-4000-01-01"}), "YYYY-MM-DD"),
            (serde_json::json!({"on": "0000-01-01"}), "from 2000-01-01"),
            (
                serde_json::json!({"on": "2026-03-15", "until": "2027-03-16"}),
                "to 2027-03-15",
            ),
            (
                serde_json::json!({"on": "2026-03-15", "year": 1999}),
                "year from 2000",
            ),
        ] {
            let e = body(json.clone(), "2026-03-15").unwrap_err();
            assert!(e.contains(what), "{json}: {e}");
        }
        let e = body(
            serde_json::json!({"on": "2026-03-15", "at": "1999-12-31T16:59:59Z"}),
            "2026-03-15",
        )
        .unwrap_err();
        assert!(e.contains("instant from 2000-01-01"), "{e}");
        // 17:00 UTC on 31 December is already 2000 in Hanoi
        let ok = body(
            serde_json::json!({"on": "2026-03-15", "at": "1999-12-31T17:00:00Z"}),
            "2026-03-15",
        )
        .unwrap();
        assert!(ok.at.is_some());
        // the same date is too far ahead on an earlier clock
        assert!(body(serde_json::json!({"on": "2027-03-15"}), "2026-03-14").is_err());
    }

    #[test]
    fn plans_reach_ten_years_ahead() {
        #[derive(Debug, serde::Deserialize)]
        struct Plan {
            #[serde(deserialize_with = "plan")]
            ends_on: NaiveDate,
        }
        let read = |json| {
            with_today(day("2026-03-15"), || {
                serde_json::from_value::<Plan>(json).map_err(|e| e.to_string())
            })
        };
        assert_eq!(
            read(serde_json::json!({"ends_on": "2036-03-15"}))
                .unwrap()
                .ends_on,
            day("2036-03-15")
        );
        assert!(read(serde_json::json!({"ends_on": "2036-03-16"}))
            .unwrap_err()
            .contains("to 2036-03-15"));
        assert!(read(serde_json::json!({"ends_on": "1999-12-31"})).is_err());
    }

    #[test]
    fn a_range_whose_end_comes_first_names_to() {
        let e = ordered(Some(day("2026-03-02")), Some(day("2026-03-01"))).unwrap_err();
        assert_eq!(e.field, "to");
        assert!(ordered(Some(day("2026-03-01")), Some(day("2026-03-01"))).is_ok());
        assert!(ordered(None, Some(day("2026-03-01"))).is_ok());
    }

    /// Every date a request can carry is read by this module: a `NaiveDate` or `DateTime` field
    /// of a struct serde deserializes in `routes` or `domain` names one of its functions.
    #[test]
    fn every_date_field_of_a_request_is_read_here() {
        fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&root.join("routes"), &mut files);
        sources(&root.join("domain"), &mut files);
        let mut checked = 0;
        for file in files.iter().filter(|f| !f.ends_with("fund_date.rs")) {
            let text = std::fs::read_to_string(file).unwrap();
            let (mut derives, mut inside) = (false, false);
            let mut attributes = String::new();
            for line in text.lines().map(str::trim) {
                if line.starts_with("#[derive(") {
                    derives = line.contains("Deserialize");
                } else if line.starts_with("pub struct") || line.starts_with("struct") {
                    inside = derives && line.ends_with('{');
                    derives = false;
                } else if !inside && !line.starts_with("#[") && !line.starts_with("///") {
                    // a derive applies to the item right after its attributes only
                    derives = false;
                } else if inside && line == "}" {
                    inside = false;
                } else if inside && line.ends_with(',') && line.contains(": ") {
                    // a field, after its attributes and doc comments
                    let is_date = line.contains(": NaiveDate")
                        || line.contains("<NaiveDate>")
                        || line.contains("DateTime<");
                    assert!(
                        !is_date || attributes.contains("fund_date::"),
                        "{}: `{line}` is not read by fund_date",
                        file.display()
                    );
                    checked += usize::from(is_date);
                    attributes.clear();
                } else if inside {
                    attributes.push_str(line);
                }
            }
        }
        assert!(checked > 30, "only {checked} date fields found");
    }
}
