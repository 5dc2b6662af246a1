//! What the API shows of transfers.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::transfers::TransferRow;
use crate::domain::money;
use crate::domain::spending::Direction;

#[derive(Debug, Serialize, ToSchema)]
pub struct TransferView {
    pub id: Uuid,
    pub from_unit_id: Uuid,
    pub to_unit_id: Uuid,
    #[schema(value_type = Direction)]
    pub direction: String,
    #[schema(example = "1000000")]
    pub amount: String,
    /// When the campaign is restricted, its earmark travels with the money.
    pub campaign_id: Option<Uuid>,
    pub purpose: String,
    /// The decision (quyết định) that ordered the transfer.
    pub decision_no: Option<String>,
    /// Shared by the transfers of one weighted allocation.
    pub allocation_id: Option<Uuid>,
    /// `submitted`, `approved`, `rejected`, `cancelled`, `sent` or `received`.
    pub status: String,
    pub submitted_by: Uuid,
    pub submitted_at: DateTime<Utc>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    pub sent_on: Option<NaiveDate>,
    pub send_bank_account_id: Option<Uuid>,
    /// The sender's entry: 6211 / 1121.N.
    pub send_entry_id: Option<Uuid>,
    pub received_on: Option<NaiveDate>,
    pub receive_bank_account_id: Option<Uuid>,
    /// The receiver's entry: 1121.N / 5113.
    pub receive_entry_id: Option<Uuid>,
}

impl From<TransferRow> for TransferView {
    fn from(t: TransferRow) -> Self {
        TransferView {
            id: t.id,
            from_unit_id: t.from_unit_id,
            to_unit_id: t.to_unit_id,
            direction: t.direction.to_string(),
            amount: money::format(t.amount),
            campaign_id: t.campaign_id,
            purpose: t.purpose,
            decision_no: t.decision_no,
            allocation_id: t.allocation_id,
            status: t.status.to_string(),
            submitted_by: t.submitted_by,
            submitted_at: t.submitted_at,
            decided_by: t.decided_by,
            decided_at: t.decided_at,
            decision_reason: t.decision_reason,
            sent_on: t.sent_on,
            send_bank_account_id: t.send_bank_account_id,
            send_entry_id: t.send_entry_id,
            received_on: t.received_on,
            receive_bank_account_id: t.receive_bank_account_id,
            receive_entry_id: t.receive_entry_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AllocationView {
    pub allocation_id: Uuid,
    /// One submitted transfer per share, in the order of the shares.
    pub items: Vec<TransferView>,
}

/// Where a created transfer lives.
pub fn location(view: &TransferView) -> Option<String> {
    Some(format!("/v1/transfers/{}", view.id))
}
