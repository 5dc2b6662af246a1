//! Sending an approved transfer: a finance officer of the sending unit.

use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use uuid::Uuid;

use super::TransferView;
use crate::app::spending::date_or_today;
use crate::app::transfers::{self, SendTransfer};
use crate::auth::Accountant;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

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
    let on = date_or_today("sent_on", body.value.sent_on, today)?;
    let mut conn = state.pools.write.get().await?;
    let bank =
        transfers::authorize_send(&mut conn, &accountant, id, body.value.bank_account_id).await?;
    let (accountant, bank) = (&accountant, &bank);
    idempotency::ok(&mut conn, accountant.id.0, &key, &body.hash, move |tx| {
        async move { Ok(transfers::send(tx, accountant, id, on, bank).await?) }.scope_boxed()
    })
    .await
}
