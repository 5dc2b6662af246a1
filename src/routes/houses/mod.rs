//! Great Unity houses (`/v1/houses`): a project to build (`new`) or repair (`repair`) a poor
//! household's house, proposed by an officer of the funding unit with the norm as its default
//! support, approved by another person (reserving the support), started, accepted ("3 cứng")
//! and handed over (releasing what was not paid), or cancelled before acceptance; paid in
//! tranches by the finance officer (posting 6111 or 6112), never beyond the support.

pub mod approve;
pub mod cancel;
pub mod complete;
pub mod create;
pub mod get;
pub mod hand_over;
pub mod list;
pub mod payments;
pub mod start;

use actix_web::web;
use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::AsyncPgConnection;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::houses::{self, HouseRow, PaymentRow};
use crate::db::units::{self, UnitRow};
use crate::domain::money;
use crate::error::{ApiError, ApiResult};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create::create)
        .service(list::list)
        .service(get::get)
        .service(approve::approve)
        .service(start::start)
        .service(complete::complete)
        .service(hand_over::hand_over)
        .service(cancel::cancel)
        .service(payments::pay);
}

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
            kind: h.kind.clone(),
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
            stage: p.stage,
            amount: money::format(p.amount),
            method: p.method,
            bank_account_id: p.bank_account_id,
            paid_on: p.paid_on,
            journal_entry_id: p.journal_entry_id,
            paid_by: p.paid_by,
            paid_at: p.paid_at,
        }
    }
}

pub fn location(view: &HouseView) -> Option<String> {
    Some(format!("/v1/houses/{}", view.id))
}

/// The project with its tranches, as single-project answers give it.
pub async fn detail(conn: &mut AsyncPgConnection, row: HouseRow) -> ApiResult<HouseView> {
    let payments = houses::payments(conn, row.id).await?;
    let mut view = HouseView::from(row);
    view.payments = Some(payments.into_iter().map(PaymentView::from).collect());
    Ok(view)
}

/// The project and its funding unit, if the caller may see them (404 otherwise, as if the
/// project did not exist); the right to act is checked by the caller.
pub async fn find_visible(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<(HouseRow, UnitRow)> {
    let house = houses::find(conn, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let unit = units::find(conn, house.funding_unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    user.scope.authorize(Right::Read, &unit)?;
    Ok((house, unit))
}

/// 422 on `field` when `date` is after today or before `not_before` (the previous stage).
pub fn check_stage_date(
    field: &str,
    date: NaiveDate,
    today: NaiveDate,
    not_before: Option<NaiveDate>,
) -> ApiResult<()> {
    if date > today {
        return Err(ApiError::field(
            field,
            "cannot be in the future",
            "không được là ngày trong tương lai",
        ));
    }
    if let Some(earliest) = not_before.filter(|d| date < *d) {
        return Err(ApiError::field(
            field,
            format!("cannot be before the previous stage ({earliest})"),
            format!("không được trước giai đoạn trước ({earliest})"),
        ));
    }
    Ok(())
}
