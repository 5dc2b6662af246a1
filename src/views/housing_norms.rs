//! What the API shows of the support norms for houses.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::housing_norms::NormRow;
use crate::domain::money;

/// A support norm.
#[derive(Debug, Serialize, ToSchema)]
pub struct NormView {
    pub id: Uuid,
    pub effective_from: NaiveDate,
    /// `new|repair`
    pub kind: String,
    #[schema(example = "60000000")]
    pub amount: String,
    /// The unit whose subtree it applies to; `null` for the national programme's norm.
    pub unit_id: Option<Uuid>,
}

impl From<NormRow> for NormView {
    fn from(n: NormRow) -> Self {
        NormView {
            id: n.id,
            effective_from: n.effective_from,
            kind: n.kind,
            amount: money::format(n.amount),
            unit_id: n.unit_id,
        }
    }
}

/// The norms in force for one unit on one date (`null` where none is).
#[derive(Debug, Serialize, ToSchema)]
pub struct InForce {
    #[schema(example = "60000000")]
    pub new: Option<String>,
    #[schema(example = "30000000")]
    pub repair: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NormsView {
    /// Oldest `effective_from` first.
    pub items: Vec<NormView>,
    /// Only with `unit_id`: what `housing_norm` gives for that unit on `on`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_force: Option<InForce>,
}
