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
use crate::ledger::reservations::{self, Holder, Pool};
use crate::ledger::{entries, rules, NewEntry, SourceType};
use crate::routes::spending::transition;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendTransfer {
    /// Local date the money left the bank; today when omitted, never in the future.
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub sent_on: Option<NaiveDate>,
    /// A bank account of the sending fund.
    pub bank_account_id: Uuid,
}

/// Sends an approved transfer (a finance officer of the sending unit): posts 6211 / 1121.N in
/// the sender's fund with the transfer's earmark and uses up its reservation. Until the
/// receiver records it, the money is in transit.
#[utoipa::path(
    operation_id = "sendTransfer",
    context_path = "/v1",
    tag = "transfers",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = SendTransfer,
    responses(
        (status = 200, description = "The transfer, sent, with the sender's entry", body = TransferView),
        (status = 409, description = "`invalid_state`, `insufficient_funds` (the bank account lacks the money) or `period_closed`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: not the sender's bank account, or a future date", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/transfers/{id}/send")]
pub async fn send(
    accountant: Accountant,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<SendTransfer>,
) -> ApiResult<HttpResponse> {
    let id = *id;
    let today = state.settings.clock.today();
    let sent_on = body.value.sent_on.unwrap_or(today);
    not_in_future("sent_on", sent_on, today)?;
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
    authorize(&accountant, Right::ActAs(Role::Accountant), &from, &to)?;
    let bank = bank_account_of(&mut conn, from.id, body.value.bank_account_id).await?;
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
                transition(Kind::Transfer, &t.status, Action::Send)?;
                let earmark = earmark(conn, &t).await?;
                let holder = Holder::Transfer(t.id);
                // the reservation is used up before the money leaves, so the overdraft guard
                // does not count this transfer's own reservation against it
                if !reservations::consume(conn, holder, Pool::Money, t.amount).await? {
                    return Err(ApiError::internal(
                        "approved transfer without a reservation",
                    ));
                }
                reservations::release(conn, holder).await?;
                let expense = account_id(conn, t.from_unit_id, "6211").await?;
                let entry = NewEntry {
                    id: Uuid::now_v7(),
                    unit_id: t.from_unit_id,
                    effective_date: sent_on,
                    source_type: SourceType::TransferSend,
                    source_id: Some(t.id),
                    description: entry_description("Chuyển điều tiết", &t.purpose),
                    reason: None,
                    reverses_id: None,
                    created_by: Some(accountant.id.0),
                    postings: rules::spend(expense, &[(bank.account_id, t.amount)], earmark),
                };
                let entry_id = entries::post(conn, &entry).await?;
                let row =
                    transfers::mark_sent(conn, t.id, accountant.id.0, sent_on, bank.id, entry_id)
                        .await?;
                audit::record(
                    conn,
                    accountant,
                    Change {
                        action: "transfer.send",
                        target_type: "transfer",
                        target_id: Some(row.id),
                        unit_id: Some(row.from_unit_id),
                        changes: serde_json::json!({
                            "amount": money::format(row.amount),
                            "sent_on": sent_on,
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
