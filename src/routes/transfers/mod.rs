//! Transfers between tiers (api.md "Spending", ledger.md posting rules): an officer of the
//! sending unit submits (one transfer, or a weighted allocation over several descendants), an
//! approver of the sender approves (reserving the money) or rejects, the sender's finance
//! officer sends (6211 / 1121.N in the sender's fund) and the receiver's finance officer receives
//! (1121.N / 5113 in the receiver's fund). A restricted campaign's earmark travels with the money.

pub mod allocate;
pub mod create;
pub mod decide;
pub mod get;
pub mod list;
pub mod receive;
pub mod send;

use actix_web::web;
use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::AsyncPgConnection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::bank_accounts::{self, BankAccountRow};
use crate::db::campaigns;
use crate::db::transfers::TransferRow;
use crate::db::units::UnitRow;
use crate::domain::money;
use crate::error::{ApiError, ApiResult};

pub fn configure(cfg: &mut web::ServiceConfig) {
    // `/transfers/allocate` before `/transfers/{id}` routes of the same method
    cfg.service(allocate::allocate)
        .service(create::create)
        .service(list::list)
        .service(get::get)
        .service(decide::approve)
        .service(decide::reject)
        .service(decide::cancel)
        .service(send::send)
        .service(receive::receive);
}

/// Which way the money goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Down, to a descendant's fund.
    Allocation,
    /// Up, to an ancestor's fund.
    Remittance,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Allocation => "allocation",
            Direction::Remittance => "remittance",
        }
    }

    /// Allocation when `to` is below `from`, remittance when above; None for unrelated units
    /// (siblings, cousins) and for the same unit.
    pub fn between(from: &UnitRow, to: &UnitRow) -> Option<Direction> {
        if from.id == to.id {
            None
        } else if to.is_within(from.id) {
            Some(Direction::Allocation)
        } else if from.is_within(to.id) {
            Some(Direction::Remittance)
        } else {
            None
        }
    }
}

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
            direction: t.direction,
            amount: money::format(t.amount),
            campaign_id: t.campaign_id,
            purpose: t.purpose,
            decision_no: t.decision_no,
            allocation_id: t.allocation_id,
            status: t.status,
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

/// Where a transfer's state is changed by `acting` (the sender or the receiver): 404 when the
/// caller sees neither end of the transfer, 403 when they see it but lack `right` at `acting`.
fn authorize(user: &AuthUser, right: Right, acting: &UnitRow, other: &UnitRow) -> ApiResult<()> {
    if !user.scope.can_see(acting) && !user.scope.can_see(other) {
        return Err(ApiError::not_found());
    }
    if !user.scope.allows(right, acting) {
        return Err(crate::auth::scope::lacking(right, acting).into());
    }
    Ok(())
}

/// The earmark the transfer carries: its campaign when that campaign is restricted.
async fn earmark(conn: &mut AsyncPgConnection, t: &TransferRow) -> ApiResult<Option<Uuid>> {
    Ok(match t.campaign_id {
        None => None,
        Some(id) => campaigns::find(conn, id)
            .await?
            .and_then(|c| c.restricted.then_some(c.id)),
    })
}

/// A bank account of `unit`'s fund, or 422 on `bank_account_id`.
async fn bank_account_of(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
    id: Uuid,
) -> ApiResult<BankAccountRow> {
    bank_accounts::find(conn, id)
        .await?
        .filter(|b| b.unit_id == unit)
        .ok_or_else(|| {
            ApiError::field(
                "bank_account_id",
                "not a bank account of this fund",
                "không phải tài khoản ngân hàng của quỹ này",
            )
        })
}

/// 422 when `day` is after today (local).
fn not_in_future(field: &str, day: NaiveDate, today: NaiveDate) -> ApiResult<()> {
    if day > today {
        return Err(ApiError::field(
            field,
            "cannot be in the future",
            "không được là ngày trong tương lai",
        ));
    }
    Ok(())
}

/// A journal description from the transfer's purpose, within the journal's 500 characters.
fn entry_description(prefix: &str, purpose: &str) -> String {
    format!("{prefix}: {purpose}").chars().take(500).collect()
}
