//! A handover as the API shows it (reform.md, "Handover").

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::handovers::{HandoverRow, LineRow, ObligationRow, Parts, ShareRow, VillageRow};
use crate::domain::handover::Pool;
use crate::domain::{money, UnitId, UserId};

#[derive(Debug, Serialize, ToSchema)]
pub struct HandoverView {
    pub id: Uuid,
    /// `submitted`, `approved`, `rejected`, `cancelled` or `executed`.
    pub status: String,
    pub from_unit_id: UnitId,
    /// The first day the unit no longer exists (its succession's `effective_on`).
    pub effective_on: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision_no: Option<String>,
    pub shares: Vec<HandoverShareView>,
    /// The split of the fund computed at proposal: every part times every fraction, whole đồng.
    pub lines: Vec<HandoverLineView>,
    /// Households moved (or, before execution, to be moved) to the successors.
    pub households_moved: i32,
    pub households: Vec<HandoverVillageView>,
    pub obligations: Vec<HandoverObligationView>,
    /// The entries the execution posted (the ending fund's, then each successor's).
    pub journal_entry_ids: Vec<Uuid>,
    pub submitted_by: Option<UserId>,
    pub submitted_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<UserId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub executed_at: Option<DateTime<Utc>>,
    /// Why it was cancelled, when the service cancelled it (balances changed before execution).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancel_reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HandoverShareView {
    pub to_unit_id: UnitId,
    /// A decimal string; the fractions sum to exactly 1.
    pub fraction: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HandoverLineView {
    pub to_unit_id: UnitId,
    pub pool: Pool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_account_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<Uuid>,
    /// Whole đồng, a string.
    pub amount: String,
    /// For bank money: the successor's bank account that received it, once recorded (until
    /// then it is in the successor's `in_transit`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received_bank_account_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received_on: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HandoverVillageView {
    pub village: String,
    pub to_unit_id: UnitId,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HandoverObligationView {
    /// `disbursement`, `tet_batch`, `house` or `transfer`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: Uuid,
    pub to_unit_id: UnitId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_account_id: Option<Uuid>,
}

impl From<&ShareRow> for HandoverShareView {
    fn from(s: &ShareRow) -> Self {
        HandoverShareView {
            to_unit_id: UnitId(s.to_unit_id),
            fraction: s.fraction.normalize().to_string(),
        }
    }
}

impl From<&LineRow> for HandoverLineView {
    fn from(l: &LineRow) -> Self {
        HandoverLineView {
            to_unit_id: UnitId(l.to_unit_id),
            pool: l.pool,
            bank_account_id: l.bank_account_id,
            campaign_id: l.campaign_id,
            amount: money::format(l.amount),
            received_bank_account_id: l.received_bank_account_id,
            received_on: l.received_on,
        }
    }
}

impl From<&VillageRow> for HandoverVillageView {
    fn from(v: &VillageRow) -> Self {
        HandoverVillageView {
            village: v.village.clone(),
            to_unit_id: UnitId(v.to_unit_id),
        }
    }
}

impl From<&ObligationRow> for HandoverObligationView {
    fn from(o: &ObligationRow) -> Self {
        HandoverObligationView {
            kind: o.kind.record_name(),
            id: o.obligation_id,
            to_unit_id: UnitId(o.to_unit_id),
            bank_account_id: o.bank_account_id,
        }
    }
}

impl HandoverView {
    pub fn new(h: HandoverRow, parts: &Parts) -> Self {
        HandoverView {
            id: h.id,
            status: h.status,
            from_unit_id: UnitId(h.from_unit_id),
            effective_on: h.effective_on,
            decision_no: h.decision_no,
            shares: parts.shares.iter().map(HandoverShareView::from).collect(),
            lines: parts.lines.iter().map(HandoverLineView::from).collect(),
            households_moved: h.households_moved,
            households: parts
                .villages
                .iter()
                .map(HandoverVillageView::from)
                .collect(),
            obligations: parts
                .obligations
                .iter()
                .map(HandoverObligationView::from)
                .collect(),
            journal_entry_ids: parts.journal_entry_ids.clone(),
            submitted_by: h.submitted_by.map(UserId),
            submitted_at: h.submitted_at,
            decided_by: h.decided_by.map(UserId),
            decided_at: h.decided_at,
            executed_at: h.executed_at,
            cancel_reason: h.cancel_reason,
        }
    }
}
