//! Tết gift batches (api.md "Spending"): an officer proposes one gift for many households of a
//! Tết campaign, an approver reserves the money, the finance officer disburses the batch total
//! in one journal entry, officers sync deliveries from the field, and closing the batch
//! returns the undelivered gifts to the fund (ledger.md "Tết batch disbursed" and "settled").
//! One gift per household per campaign holds across the whole tree.

pub mod close;
pub mod create;
pub mod decide;
pub mod deliveries;
pub mod disburse;
pub mod get;
pub mod list;
pub mod recipients_csv;

use actix_web::web;
use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::bank_accounts;
use crate::db::tet_batches::{self, Counts, RecipientRow, TetBatchRow};
use crate::db::units::{self, UnitRow};
use crate::domain::money;
use crate::domain::spending::{Method, Status};
use crate::error::{ApiError, ApiResult};
use crate::ledger::payouts;
use crate::ledger::reservations::Holder;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create::create)
        .service(list::list)
        .service(get::get)
        .service(decide::approve)
        .service(decide::reject)
        .service(decide::cancel)
        .service(disburse::disburse)
        .service(deliveries::deliveries)
        .service(close::close)
        .service(recipients_csv::recipients_csv);
}

/// The most households one batch may hold.
pub const MAX_HOUSEHOLDS: usize = 20_000;

/// How a recipient confirmed receiving the gift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AckMethod {
    Signature,
    Thumbprint,
    Photo,
    Witness,
}

impl AckMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            AckMethod::Signature => "signature",
            AckMethod::Thumbprint => "thumbprint",
            AckMethod::Photo => "photo",
            AckMethod::Witness => "witness",
        }
    }
}

/// Where a recipient stands: `pending` until delivered, `returned` when the batch closed
/// before delivery, `withdrawn` when the batch was rejected or cancelled.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecipientStatus {
    Pending,
    Delivered,
    Returned,
    Withdrawn,
}

/// The gift each household of the batch gets.
#[derive(Debug, Serialize, ToSchema)]
pub struct GiftView {
    #[schema(example = "500000")]
    pub cash_amount: String,
    pub in_kind_description: Option<String>,
    #[schema(example = "0")]
    pub in_kind_value: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecipientView {
    pub household_id: Uuid,
    /// Only for callers who may read personal data in the paying unit's area.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head_name: Option<String>,
    pub village: String,
    #[schema(value_type = RecipientStatus)]
    pub status: String,
    pub delivered_on: Option<NaiveDate>,
    #[schema(value_type = Option<AckMethod>)]
    pub ack_method: Option<String>,
}

impl RecipientView {
    pub fn new(r: RecipientRow, personal: bool) -> Self {
        RecipientView {
            household_id: r.household_id,
            head_name: personal.then_some(r.head_name),
            village: r.village,
            status: r.status,
            delivered_on: r.delivered_on,
            ack_method: r.ack_method,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TetBatchView {
    pub id: Uuid,
    /// The paying unit.
    pub unit_id: Uuid,
    pub campaign_id: Uuid,
    /// The campaign when it is restricted: the money the batch uses.
    pub earmark_id: Option<Uuid>,
    pub gift: GiftView,
    #[schema(value_type = Method)]
    pub method: String,
    pub bank_account_id: Option<Uuid>,
    #[schema(value_type = Status)]
    pub status: String,
    pub household_count: i64,
    pub pending_count: i64,
    pub delivered_count: i64,
    pub returned_count: i64,
    pub withdrawn_count: i64,
    /// household_count × (cash_amount + in_kind_value)
    #[schema(example = "1500000")]
    pub amount: String,
    /// delivered_count × (cash_amount + in_kind_value)
    pub delivered_amount: String,
    /// What closing gave back to the fund: returned_count × (cash_amount + in_kind_value).
    pub returned_amount: String,
    pub submitted_by: Uuid,
    pub submitted_at: DateTime<Utc>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    pub disbursed_by: Option<Uuid>,
    pub disbursed_at: Option<DateTime<Utc>>,
    pub disbursed_on: Option<NaiveDate>,
    /// The entry that posted the batch total (6121 / 1111, 1121.N, 1551).
    pub journal_entry_id: Option<Uuid>,
    pub closed_by: Option<Uuid>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_on: Option<NaiveDate>,
    /// The entry that returned the undelivered gifts; null when every gift was delivered.
    pub settlement_entry_id: Option<Uuid>,
    /// Per household, in list order: only in `GET /v1/tet-batches/{id}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipients: Option<Vec<RecipientView>>,
}

impl TetBatchView {
    pub fn new(b: TetBatchRow, c: Counts, recipients: Option<Vec<RecipientView>>) -> Self {
        let gift = b.gift_value();
        TetBatchView {
            id: b.id,
            unit_id: b.unit_id,
            campaign_id: b.campaign_id,
            earmark_id: b.earmark_id,
            gift: GiftView {
                cash_amount: money::format(b.cash_amount),
                in_kind_description: b.in_kind_description,
                in_kind_value: money::format(b.in_kind_value),
            },
            method: b.method,
            bank_account_id: b.bank_account_id,
            status: b.status,
            household_count: i64::from(b.household_count),
            pending_count: c.pending,
            delivered_count: c.delivered,
            returned_count: c.returned,
            withdrawn_count: c.withdrawn,
            amount: money::format(b.amount),
            delivered_amount: money::format(gift * Decimal::from(c.delivered)),
            returned_amount: money::format(gift * Decimal::from(c.returned)),
            submitted_by: b.submitted_by,
            submitted_at: b.submitted_at,
            decided_by: b.decided_by,
            decided_at: b.decided_at,
            decision_reason: b.decision_reason,
            disbursed_by: b.disbursed_by,
            disbursed_at: b.disbursed_at,
            disbursed_on: b.disbursed_on,
            journal_entry_id: b.journal_entry_id,
            closed_by: b.closed_by,
            closed_at: b.closed_at,
            closed_on: b.closed_on,
            settlement_entry_id: b.settlement_entry_id,
            recipients,
        }
    }
}

/// The view of a batch after a change, with fresh counts and without the recipient list.
pub async fn view(conn: &mut AsyncPgConnection, row: TetBatchRow) -> ApiResult<TetBatchView> {
    let counts = tet_batches::counts_of(conn, row.id).await?;
    Ok(TetBatchView::new(row, counts, None))
}

/// The batch and its paying unit, if the caller holds `right` there (404 outside the scope,
/// 403 inside it without the right).
pub async fn load(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    user: &AuthUser,
    right: Right,
) -> ApiResult<(TetBatchRow, UnitRow)> {
    let batch = tet_batches::find(conn, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let unit = units::find(conn, batch.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    user.scope.authorize(right, &unit)?;
    Ok((batch, unit))
}

pub fn holder(batch: &TetBatchRow) -> Holder {
    Holder::TetBatch(batch.id)
}

pub fn method(batch: &TetBatchRow) -> Method {
    Method::parse(&batch.method).unwrap_or(Method::Cash)
}

/// `{"…_on"?}`-style dates: the given local date or today, never in the future.
pub fn date_or_today(
    field: &str,
    given: Option<NaiveDate>,
    today: NaiveDate,
) -> ApiResult<NaiveDate> {
    let date = given.unwrap_or(today);
    if date > today {
        return Err(ApiError::field(
            field,
            "cannot be in the future",
            "không được là ngày trong tương lai",
        ));
    }
    Ok(date)
}

/// The accounts `k` gifts of the batch move between: 6121 and, for each non-zero part, where
/// it leaves from or returns to (cash 1111 or the bank's 1121.N for the cash part, 1551 for
/// the goods), with the amounts for `k` households.
pub async fn gift_accounts(
    conn: &mut AsyncPgConnection,
    batch: &TetBatchRow,
    k: Decimal,
) -> ApiResult<(Uuid, Vec<(Uuid, Decimal)>)> {
    let missing = |code: &str| {
        let code = code.to_owned();
        move |e: diesel::result::Error| match e {
            diesel::result::Error::NotFound => {
                ApiError::internal(format!("fund lacks account {code}"))
            }
            e => e.into(),
        }
    };
    let expense = payouts::account_id(conn, batch.unit_id, "6121")
        .await
        .map_err(missing("6121"))?;
    let mut sources = Vec::with_capacity(2);
    if !batch.cash_amount.is_zero() {
        let bank = match batch.bank_account_id {
            Some(id) => Some(
                bank_accounts::find(conn, id)
                    .await?
                    .ok_or_else(|| ApiError::internal("the batch's bank account is gone"))?
                    .account_id,
            ),
            None => None,
        };
        let account = payouts::source_account(conn, batch.unit_id, method(batch), bank)
            .await
            .map_err(missing("1111"))?;
        sources.push((account, k * batch.cash_amount));
    }
    if !batch.in_kind_value.is_zero() {
        let goods = payouts::account_id(conn, batch.unit_id, "1551")
            .await
            .map_err(missing("1551"))?;
        sources.push((goods, k * batch.in_kind_value));
    }
    Ok((expense, sources))
}
