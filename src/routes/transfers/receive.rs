use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{authorize, bank_account_of, earmark, entry_description, not_in_future, TransferView};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Accountant;
use crate::db::{transfers, units};
use crate::domain::spending::{Action, Kind};
use crate::domain::{money, Role};
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::ledger::payouts::account_id;
use crate::ledger::{entries, rules, NewEntry, SourceType};
use crate::routes::spending::transition;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiveTransfer {
    /// Local date the money arrived; today when omitted, not before `sent_on`, never in the
    /// future.
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub received_on: Option<NaiveDate>,
    /// A bank account of the receiving fund.
    pub bank_account_id: Uuid,
}

/// Records a sent transfer's arrival (a finance officer of the receiving unit): posts
/// 1121.N / 5113 in the receiver's fund, with the earmark the transfer carries.
#[utoipa::path(
    operation_id = "receiveTransfer",
    context_path = "/v1",
    tag = "transfers",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = ReceiveTransfer,
    responses(
        (status = 200, description = "The transfer, received, with the receiver's entry", body = TransferView),
        (status = 409, description = "`invalid_state` or `period_closed`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: not the receiver's bank account, a future date, or before `sent_on`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/transfers/{id}/receive")]
pub async fn receive(
    accountant: Accountant,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<ReceiveTransfer>,
) -> ApiResult<HttpResponse> {
    let id = *id;
    let today = state.settings.clock.today();
    let received_on = body.value.received_on.unwrap_or(today);
    not_in_future("received_on", received_on, today)?;
    let mut conn = state.pools.write.get().await?;
    let t = transfers::find(&mut conn, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let from = units::find(&mut conn, t.from_unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let to = units::find(&mut conn, t.to_unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    authorize(&accountant, Right::ActAs(Role::Accountant), &to, &from)?;
    let bank = bank_account_of(&mut conn, to.id, body.value.bank_account_id).await?;
    let (accountant, bank) = (&accountant, &bank);
    idempotency::transact(
        &mut conn,
        accountant.id.0,
        &key,
        &body.hash,
        StatusCode::OK,
        |_: &TransferView| None,
        |conn| {
            async move {
                let t = transfers::lock(conn, id).await?;
                transition(Kind::Transfer, &t.status, Action::Receive)?;
                if t.sent_on.is_some_and(|sent_on| received_on < sent_on) {
                    return Err(ApiError::field(
                        "received_on",
                        "cannot be before the day the transfer was sent",
                        "không được trước ngày chuyển",
                    ));
                }
                let earmark = earmark(conn, &t).await?;
                let income = account_id(conn, t.to_unit_id, "5113").await?;
                let entry = NewEntry {
                    id: Uuid::now_v7(),
                    unit_id: t.to_unit_id,
                    effective_date: received_on,
                    source_type: SourceType::TransferReceive,
                    source_id: Some(t.id),
                    description: entry_description("Nhận điều tiết", &t.purpose),
                    reason: None,
                    reverses_id: None,
                    created_by: Some(accountant.id.0),
                    postings: rules::transfer_in(bank.account_id, income, t.amount, earmark),
                };
                let entry_id = entries::post(conn, &entry).await?;
                let row = transfers::mark_received(
                    conn,
                    t.id,
                    accountant.id.0,
                    received_on,
                    bank.id,
                    entry_id,
                )
                .await?;
                audit::record(
                    conn,
                    accountant,
                    Change {
                        action: "transfer.receive",
                        target_type: "transfer",
                        target_id: Some(row.id),
                        unit_id: Some(row.to_unit_id),
                        changes: serde_json::json!({
                            "amount": money::format(row.amount),
                            "received_on": received_on,
                            "bank_account_id": bank.id,
                            "journal_entry_id": entry_id,
                        }),
                    },
                )
                .await?;
                Ok(TransferView::from(row))
            }
            .scope_boxed()
        },
    )
    .await
}
