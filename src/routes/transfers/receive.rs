//! Recording a sent transfer's arrival: a finance officer of the receiving unit.

use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use uuid::Uuid;

use super::TransferView;
use crate::app::spending::date_or_today;
use crate::app::transfers::{self, ReceiveTransfer};
use crate::auth::Accountant;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

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
    let on = date_or_today("received_on", body.value.received_on, today)?;
    let mut conn = state.pools.write.get().await?;
    let bank = transfers::authorize_receive(&mut conn, &accountant, id, body.value.bank_account_id)
        .await?;
    let (accountant, bank) = (&accountant, &bank);
    idempotency::ok(&mut conn, accountant.id.0, &key, &body.hash, move |tx| {
        async move { Ok(transfers::receive(tx, accountant, id, on, bank).await?) }.scope_boxed()
    })
    .await
}
