//! What the API shows of grants (`/v1/disbursements`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::disbursements::DisbursementRow;
use crate::domain::money;

/// A grant and where it is in its lifecycle.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisbursementView {
    pub id: Uuid,
    /// The paying unit (its fund).
    pub unit_id: Uuid,
    /// `medical|education|livelihood|emergency_relief|community_works|other`
    pub category: String,
    pub household_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    /// True when the grant spends the campaign's restricted money.
    pub restricted: bool,
    #[schema(example = "2000000")]
    pub amount: String,
    /// `cash|bank|in_kind`
    pub method: String,
    pub bank_account_id: Option<Uuid>,
    pub description: String,
    /// `submitted|approved|rejected|cancelled|paid`
    pub status: String,
    pub submitted_by: Uuid,
    pub submitted_at: DateTime<Utc>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    pub paid_by: Option<Uuid>,
    pub paid_on: Option<NaiveDate>,
    pub journal_entry_id: Option<Uuid>,
}

impl From<DisbursementRow> for DisbursementView {
    fn from(d: DisbursementRow) -> Self {
        DisbursementView {
            id: d.id,
            unit_id: d.unit_id,
            category: d.category.to_string(),
            household_id: d.household_id,
            campaign_id: d.campaign_id,
            restricted: d.earmark_id.is_some(),
            amount: money::format(d.amount),
            method: d.method.to_string(),
            bank_account_id: d.bank_account_id,
            description: d.description,
            status: d.status.to_string(),
            submitted_by: d.submitted_by,
            submitted_at: d.submitted_at,
            decided_by: d.decided_by,
            decided_at: d.decided_at,
            decision_reason: d.decision_reason,
            paid_by: d.paid_by,
            paid_on: d.paid_on,
            journal_entry_id: d.journal_entry_id,
        }
    }
}

/// Where a created grant lives.
pub fn location(view: &DisbursementView) -> Option<String> {
    Some(format!("/v1/disbursements/{}", view.id))
}
