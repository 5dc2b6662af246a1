//! What the API shows of contributions to house projects from outside the fund.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::house_contributions::ContributionRow;
use crate::domain::money;

/// One contribution to a house project.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContributionView {
    pub id: Uuid,
    pub house_id: Uuid,
    /// `state_budget|sponsor|community|household`
    pub source: String,
    /// `cash|materials|labour`
    pub kind: String,
    /// Whole đồng, a string: the cash, or the value the commune put on materials or labour
    /// (`"0"` for labour left unvalued).
    #[schema(example = "5000000")]
    pub value: String,
    /// Labour only: the days worked, a decimal string (one decimal place).
    #[schema(example = "20")]
    pub labour_days: Option<String>,
    /// Who gave it (a sponsor, an organisation), when it says.
    pub name: Option<String>,
    pub description: Option<String>,
    pub contributed_on: NaiveDate,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
}

impl From<ContributionRow> for ContributionView {
    fn from(c: ContributionRow) -> Self {
        ContributionView {
            id: c.id,
            house_id: c.house_id,
            source: c.source,
            kind: c.kind,
            value: money::format(c.value),
            labour_days: c.labour_days.map(money::format),
            name: c.name,
            description: c.description,
            contributed_on: c.contributed_on,
            recorded_by: c.recorded_by,
            recorded_at: c.recorded_at,
        }
    }
}
