//! A unit of the tree as the API shows it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::units::UnitRow;
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
    pub created_at: DateTime<Utc>,
}

impl From<UnitRow> for UnitView {
    fn from(u: UnitRow) -> Self {
        UnitView {
            id: UnitId(u.id),
            tier: u.tier(),
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
