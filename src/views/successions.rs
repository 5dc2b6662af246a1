//! A unit's place in the 2025 reform: the units it took over and the units that took it over.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::successions::Link;
use crate::domain::succession_file::Share;
use crate::domain::UnitId;

/// One side of a unit's successions, as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuccessionLink {
    pub unit_id: UnitId,
    pub unit_code: String,
    pub share: Share,
    pub effective_on: NaiveDate,
}

impl From<Link> for SuccessionLink {
    fn from(l: Link) -> Self {
        SuccessionLink {
            unit_id: UnitId(l.unit_id),
            unit_code: l.unit_code,
            share: l.share,
            effective_on: l.effective_on,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuccessionsView {
    /// The units this one took over.
    pub predecessors: Vec<SuccessionLink>,
    /// The units that took this one over.
    pub successors: Vec<SuccessionLink>,
}
