//! What the API shows of Great Unity house projects and their tranches.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::houses::{HouseRow, PaymentRow};
use crate::domain::money;

/// A house project and where it is in its lifecycle.
#[derive(Debug, Serialize, ToSchema)]
pub struct HouseView {
    pub id: Uuid,
    pub household_id: Uuid,
    /// Whose fund pays; the household lives in its subtree.
    pub funding_unit_id: Uuid,
    /// `new|repair`
    pub kind: String,
    pub campaign_id: Option<Uuid>,
    /// The restricted campaign whose money pays, if any.
    pub earmark_id: Option<Uuid>,
    /// True when the project spends the campaign's restricted money.
    pub restricted: bool,
    pub proposed_on: NaiveDate,
    /// The norm in force for the funding unit on `proposed_on`.
    #[schema(example = "60000000")]
    pub norm_amount: Option<String>,
    #[schema(example = "60000000")]
    pub support_amount: String,
    pub norm_override_reason: Option<String>,
    #[schema(example = "90000000")]
    pub estimated_cost: String,
    #[schema(example = "45.5")]
    pub area_m2: Option<String>,
    /// `[{"source","amount","name"?}]`
    #[schema(value_type = Vec<Object>)]
    pub funding_plan: serde_json::Value,
    /// `proposed|approved|started|completed|handed_over|cancelled`
    pub status: String,
    /// Fund money paid so far.
    pub paid_amount: String,
    /// What the support still allows.
    pub remaining_support: String,
    pub submitted_by: Uuid,
    pub submitted_at: DateTime<Utc>,
    pub approved_by: Option<Uuid>,
    pub approved_at: Option<DateTime<Utc>>,
    pub started_on: Option<NaiveDate>,
    pub started_by: Option<Uuid>,
    pub completed_on: Option<NaiveDate>,
    pub completed_by: Option<Uuid>,
    /// The acceptance: hard roof, floor and walls.
    pub meets_3_cung: Option<bool>,
    pub handed_over_on: Option<NaiveDate>,
    pub handed_over_by: Option<Uuid>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancelled_by: Option<Uuid>,
    pub cancel_reason: Option<String>,
    /// Attachment ids per step: `{"approve": [...], "start": [...], "complete": [...], "hand_over": [...]}`
    #[schema(value_type = Object)]
    pub evidence: serde_json::Value,
    /// The tranches paid, oldest first (single-project answers only, not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payments: Option<Vec<PaymentView>>,
}

impl From<HouseRow> for HouseView {
    fn from(h: HouseRow) -> Self {
        HouseView {
            id: h.id,
            household_id: h.household_id,
            funding_unit_id: h.funding_unit_id,
            kind: h.kind.as_str().to_owned(),
            campaign_id: h.campaign_id,
            earmark_id: h.earmark_id,
            restricted: h.earmark_id.is_some(),
            proposed_on: h.proposed_on,
            norm_amount: h.norm_amount.map(money::format),
            support_amount: money::format(h.support_amount),
            norm_override_reason: h.norm_override_reason.clone(),
            estimated_cost: money::format(h.estimated_cost),
            area_m2: h.area_m2.map(money::format),
            funding_plan: h.funding_plan.clone(),
            status: h.status.clone(),
            paid_amount: money::format(h.paid_amount),
            remaining_support: money::format(h.remaining_support()),
            submitted_by: h.submitted_by,
            submitted_at: h.submitted_at,
            approved_by: h.approved_by,
            approved_at: h.approved_at,
            started_on: h.started_on,
            started_by: h.started_by,
            completed_on: h.completed_on,
            completed_by: h.completed_by,
            meets_3_cung: h.meets_3_cung,
            handed_over_on: h.handed_over_on,
            handed_over_by: h.handed_over_by,
            cancelled_at: h.cancelled_at,
            cancelled_by: h.cancelled_by,
            cancel_reason: h.cancel_reason,
            evidence: h.evidence,
            payments: None,
        }
    }
}

impl HouseView {
    /// The project with its tranches, as single-project answers give it.
    pub fn with_payments(row: HouseRow, payments: Vec<PaymentRow>) -> HouseView {
        let mut view = HouseView::from(row);
        view.payments = Some(payments.into_iter().map(PaymentView::from).collect());
        view
    }
}

/// A tranche of the fund's support, paid out.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentView {
    pub id: Uuid,
    pub house_id: Uuid,
    /// `advance|progress|final`
    pub stage: String,
    #[schema(example = "20000000")]
    pub amount: String,
    /// `cash|bank`
    pub method: String,
    pub bank_account_id: Option<Uuid>,
    pub paid_on: NaiveDate,
    pub journal_entry_id: Uuid,
    pub paid_by: Uuid,
    pub paid_at: DateTime<Utc>,
}

impl From<PaymentRow> for PaymentView {
    fn from(p: PaymentRow) -> Self {
        PaymentView {
            id: p.id,
            house_id: p.house_id,
            stage: p.stage.as_str().to_owned(),
            amount: money::format(p.amount),
            method: p.method.as_str().to_owned(),
            bank_account_id: p.bank_account_id,
            paid_on: p.paid_on,
            journal_entry_id: p.journal_entry_id,
            paid_by: p.paid_by,
            paid_at: p.paid_at,
        }
    }
}
