//! A fund's month (`YYYY-MM`, local time) and whether its books are open or closed.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::clock::month_start;
use crate::domain::field::FieldError;
use crate::domain::fund_date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeriodState {
    Open,
    Closed,
}

impl PeriodState {
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodState::Open => "open",
            PeriodState::Closed => "closed",
        }
    }
}

/// A stored state; anything else is broken data.
impl TryFrom<String> for PeriodState {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        match s.as_str() {
            "open" => Ok(PeriodState::Open),
            "closed" => Ok(PeriodState::Closed),
            _ => Err(format!("unknown period state {s:?}")),
        }
    }
}

pub fn month_label(month: NaiveDate) -> String {
    month.format("%Y-%m").to_string()
}

/// `YYYY-MM` into the month's first day.
pub fn parse_month(raw: &str) -> Option<NaiveDate> {
    let (year, month) = raw.split_once('-')?;
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(year, 4) || !digits(month, 2) {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, 1)
}

/// The month in a path, within the fund's dates (`fund_date`), or a field error naming `month`.
pub fn month_param(raw: &str, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    parse_month(raw)
        .filter(|m| fund_date::in_range(*m, today))
        .ok_or_else(|| {
            let (earliest, latest) = (
                month_label(fund_date::EARLIEST),
                month_label(month_start(fund_date::latest(today))),
            );
            FieldError::new(
                "month",
                format!("a month written YYYY-MM, from {earliest} to {latest}"),
                format!("tháng theo dạng YYYY-MM, từ {earliest} đến {latest}"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_strictly_yyyy_mm() {
        assert_eq!(parse_month("2026-03"), NaiveDate::from_ymd_opt(2026, 3, 1));
        for bad in [
            "2026-3",
            "2026-13",
            "2026-00",
            "26-03",
            "2026-03-01",
            "２０２６-03",
            "+026-03",
            "",
        ] {
            assert_eq!(parse_month(bad), None, "{bad:?}");
        }
        assert_eq!(
            month_label(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()),
            "2026-03"
        );
    }
}
