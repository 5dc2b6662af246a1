//! Monthly periods of a fund: the list with states, closing (bottom-up, communes before their
//! parent, recording the closing trial balance) and re-opening with a reason.

pub mod close;
pub mod list;
pub mod reopen;

use actix_web::web;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::fund_date;
use crate::error::{ApiError, ApiResult};
use crate::ledger::periods::PeriodRow;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list::list)
        .service(close::close)
        .service(reopen::reopen);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeriodState {
    Open,
    Closed,
}

/// One month of a fund.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodView {
    /// `YYYY-MM`, local time.
    #[schema(example = "2026-03")]
    pub month: String,
    pub state: PeriodState,
    /// When it was last closed.
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<Uuid>,
    /// When it was last re-opened, by whom and why.
    pub reopened_at: Option<DateTime<Utc>>,
    pub reopened_by: Option<Uuid>,
    pub reopen_reason: Option<String>,
}

impl PeriodView {
    /// A month with its row, or an open month that was never closed.
    pub fn new(month: NaiveDate, row: Option<PeriodRow>) -> PeriodView {
        let month = month_label(month);
        match row {
            None => PeriodView {
                month,
                state: PeriodState::Open,
                closed_at: None,
                closed_by: None,
                reopened_at: None,
                reopened_by: None,
                reopen_reason: None,
            },
            Some(r) => PeriodView {
                month,
                state: if r.state == "closed" {
                    PeriodState::Closed
                } else {
                    PeriodState::Open
                },
                closed_at: r.closed_at,
                closed_by: r.closed_by,
                reopened_at: r.reopened_at,
                reopened_by: r.reopened_by,
                reopen_reason: r.reopen_reason,
            },
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

/// The month in a path, within the fund's dates (`fund_date`), or 422 naming `month`.
pub fn month_param(raw: &str, today: NaiveDate) -> ApiResult<NaiveDate> {
    parse_month(raw)
        .filter(|m| fund_date::in_range(*m, today))
        .ok_or_else(|| {
            let latest = crate::domain::clock::month_start(fund_date::latest(today));
            ApiError::field(
                "month",
                format!(
                    "a month written YYYY-MM, from {} to {}",
                    month_label(fund_date::EARLIEST),
                    month_label(latest)
                ),
                format!(
                    "tháng theo dạng YYYY-MM, từ {} đến {}",
                    month_label(fund_date::EARLIEST),
                    month_label(latest)
                ),
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
