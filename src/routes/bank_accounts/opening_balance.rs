//! Booking a bank account's opening balance.

use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use uuid::Uuid;

use crate::app::opening_balances::{self, RecordOpeningBalance};
use crate::auth::Accountant;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;
use crate::views::statements::OpeningBalanceView;

/// Books the money the bank account held before these books (the account's finance officer,
/// once per account): debit its 1121.N, credit 4111, dated `as_of`, earmarked when a
/// restricted campaign is named. An import whose statement opens with a balance offers it
/// (`opening_balance_offer`) while none is booked.
#[utoipa::path(
    operation_id = "recordOpeningBalance",
    context_path = "/v1",
    tag = "bank accounts",
    params(("id" = Uuid, Path, description = "the bank account"), ("Idempotency-Key" = Option<String>, Header)),
    request_body = RecordOpeningBalance,
    responses(
        (status = 201, description = "The opening balance booked", body = OpeningBalanceView),
        (status = 409, description = "`opening_balance_booked` or `period_closed`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/bank-accounts/{id}/opening-balance")]
pub async fn record(
    accountant: Accountant,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<RecordOpeningBalance>,
) -> ApiResult<HttpResponse> {
    let today = state.settings.clock.today();
    let mut conn = state.pools.write.get().await?;
    let (actor, input, id) = (&*accountant, &body.value, *id);
    idempotency::created(
        &mut conn,
        actor.id.0,
        &key,
        &body.hash,
        |_: &OpeningBalanceView| None,
        move |tx| {
            async move { Ok(opening_balances::record(tx, actor, id, input, today).await?) }
                .scope_boxed()
        },
    )
    .await
}
