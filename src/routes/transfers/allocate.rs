//! Allocating an amount down to several descendants by weight: an officer of the sender.

use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;

use super::AllocationView;
use crate::app::transfers::{self, AllocateTransfers};
use crate::auth::Officer;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Allocates an amount down to several descendants by weight: one submitted transfer per
/// share, the parts summing exactly to the amount (largest remainder), all created together or
/// none. Each transfer is then approved, sent and received on its own.
#[utoipa::path(
    operation_id = "allocateTransfers",
    context_path = "/v1",
    tag = "transfers",
    request_body = AllocateTransfers,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 characters; a retry with the same key and body returns the first response")),
    responses(
        (status = 201, description = "The transfers of the allocation, submitted", body = AllocationView),
        (status = 409, description = "`idempotency_in_progress`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` (e.g. a share that is not a descendant, or whose part would be 0) or `idempotency_key_reused`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/transfers/allocate")]
pub async fn allocate(
    officer: Officer,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<AllocateTransfers>,
) -> ApiResult<HttpResponse> {
    let (terms, parts) = body.value.parse()?;
    let mut conn = state.pools.write.get().await?;
    let submission = transfers::check_allocation(
        &mut conn,
        &officer,
        &body.value,
        terms,
        &parts,
        state.settings.clock.today(),
    )
    .await?;
    let (officer, submission) = (&officer, &submission);
    idempotency::created(
        &mut conn,
        officer.id.0,
        &key,
        &body.hash,
        |_: &AllocationView| None,
        move |tx| {
            async move { Ok(transfers::allocate(tx, officer, submission).await?) }.scope_boxed()
        },
    )
    .await
}
