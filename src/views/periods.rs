//! A fund's months as the API shows them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::periods::PeriodRow;
use crate::domain::period::month_label;
pub use crate::domain::period::PeriodState;

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
                state: r.state,
                closed_at: r.closed_at,
                closed_by: r.closed_by,
                reopened_at: r.reopened_at,
                reopened_by: r.reopened_by,
                reopen_reason: r.reopen_reason,
            },
        }
    }
}

impl From<PeriodRow> for PeriodView {
    fn from(row: PeriodRow) -> Self {
        PeriodView::new(row.month, Some(row))
    }
}
