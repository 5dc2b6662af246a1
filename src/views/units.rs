//! A unit of the tree as the API shows it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::units::{FormerNameRow, UnitRow};
use crate::domain::unit_life::UnitStatus;
use crate::domain::{Tier, UnitId};

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitView {
    pub id: UnitId,
    pub code: String,
    pub name: String,
    pub full_name: String,
    /// The unit's legal type as written in Vietnamese (Tỉnh, Xã, Phường…), when known.
    pub kind: Option<String>,
    pub tier: Tier,
    pub parent_id: Option<UnitId>,
    /// Codes from the root (`TW`) down to this unit.
    pub path: Vec<String>,
    /// `active`, `dissolving` (ended in the 2025 reform, handover not yet executed) or
    /// `dissolved` (handed over).
    pub status: UnitStatus,
    /// The unit's last day, once its handover is executed.
    pub dissolved_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

impl From<UnitRow> for UnitView {
    fn from(u: UnitRow) -> Self {
        UnitView {
            id: UnitId(u.id),
            tier: u.tier(),
            status: u.life().status(),
            dissolved_on: u.dissolved_on,
            code: u.code,
            name: u.name,
            full_name: u.full_name,
            kind: u.kind,
            parent_id: u.parent_id.map(UnitId),
            path: u.path,
            created_at: u.created_at,
        }
    }
}

/// A name the unit had before (a renamed unit, or a code the 2026 list reused).
#[derive(Debug, Serialize, ToSchema)]
pub struct FormerName {
    pub name: String,
    pub full_name: String,
    /// The parent it had under that name.
    pub parent_id: Option<UnitId>,
    /// The last day of that name, when known (the day before its succession took effect).
    pub valid_until: Option<NaiveDate>,
}

impl From<FormerNameRow> for FormerName {
    fn from(r: FormerNameRow) -> Self {
        FormerName {
            name: r.name,
            full_name: r.full_name,
            parent_id: r.parent_id.map(UnitId),
            valid_until: r.valid_until,
        }
    }
}

/// One unit read on its own: the unit and the names it had before, newest first, so receipts and
/// reports issued under an old name still read true.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDetailView {
    #[serde(flatten)]
    pub unit: UnitView,
    pub former_names: Vec<FormerName>,
}
