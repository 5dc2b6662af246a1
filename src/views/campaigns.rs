//! Campaigns (đợt vận động) as the API shows them, and their kinds.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::campaigns::CampaignRow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CampaignKind {
    General,
    PeakMonth,
    Tet,
    Disaster,
    Housing,
}

impl CampaignKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignKind::General => "general",
            CampaignKind::PeakMonth => "peak_month",
            CampaignKind::Tet => "tet",
            CampaignKind::Disaster => "disaster",
            CampaignKind::Housing => "housing",
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignView {
    pub id: Uuid,
    pub unit_id: Uuid,
    #[schema(value_type = CampaignKind)]
    pub kind: String,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Donations to a restricted campaign may be spent only on it.
    pub restricted: bool,
    pub created_at: DateTime<Utc>,
}

impl From<CampaignRow> for CampaignView {
    fn from(c: CampaignRow) -> Self {
        CampaignView {
            id: c.id,
            unit_id: c.unit_id,
            kind: c.kind,
            name: c.name,
            starts_on: c.starts_on,
            ends_on: c.ends_on,
            restricted: c.restricted,
            created_at: c.created_at,
        }
    }
}
