//! Tranches: the funding unit's finance officer pays part of the support (`advance`,
//! `progress`, or `final` once the house is accepted), in cash or from a bank account of the
//! fund. In one transaction with the project locked: the paid amount grows (never beyond the
//! support: 409 `exceeds_support`, and concurrent payments queue on the lock), the approval's
//! reservation is used, and the entry posts 6111 (new) or 6112 (repair) against 1111 or 1121.N.

use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use uuid::Uuid;

use super::PaymentView;
use crate::app::houses;
use crate::auth::Accountant;
use crate::domain::house::PayTranche;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Pays a tranche of an approved, started or completed project (finance officer of the
/// funding unit).
#[utoipa::path(
    operation_id = "payHouseTranche",
    context_path = "/v1",
    tag = "houses",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header, description = "1–255 characters; a retry with the same key and body returns the first response")),
    request_body = PayTranche,
    responses(
        (status = 201, description = "The tranche paid, with its journal entry", body = PaymentView),
        (status = 409, description = "`exceeds_support`, `not_completed` (a `final` tranche before acceptance), `invalid_state`, `insufficient_funds` or `period_closed`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/houses/{id}/payments")]
pub async fn pay(
    accountant: Accountant,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<PayTranche>,
) -> ApiResult<HttpResponse> {
    let tranche = body.value.parse(state.settings.clock.today())?;
    let id = *id;
    let mut conn = state.pools.write.get().await?;
    let bank = houses::check_tranche(&mut conn, &accountant, id, &tranche).await?;
    let (accountant, tranche) = (&accountant, &tranche);
    idempotency::created(
        &mut conn,
        accountant.id.0,
        &key,
        &body.hash,
        |_: &PaymentView| None,
        move |tx| {
            async move { Ok(houses::pay(tx, accountant, id, tranche, bank).await?) }.scope_boxed()
        },
    )
    .await
}
