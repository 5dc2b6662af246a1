//! Submitting one transfer: an officer of the sending unit.

use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;

use super::TransferView;
use crate::app::transfers::{self, CreateTransfer};
use crate::auth::Officer;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Submits a transfer from the caller's unit to an ancestor (remittance) or a descendant
/// (allocation). Nothing is reserved until an approver of the sender approves it.
#[utoipa::path(
    operation_id = "createTransfer",
    context_path = "/v1",
    tag = "transfers",
    request_body = CreateTransfer,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 characters; a retry with the same key and body returns the first response")),
    responses(
        (status = 201, description = "The transfer submitted", body = TransferView),
        (status = 409, description = "`idempotency_in_progress`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` (e.g. units not ancestor and descendant) or `idempotency_key_reused`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/transfers")]
pub async fn create(
    officer: Officer,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<CreateTransfer>,
) -> ApiResult<HttpResponse> {
    let terms = body.value.parse()?;
    let mut conn = state.pools.write.get().await?;
    let submission = transfers::check(
        &mut conn,
        &officer,
        &body.value,
        terms,
        state.settings.clock.today(),
    )
    .await?;
    let (officer, submission) = (&officer, &submission);
    idempotency::created(
        &mut conn,
        officer.id.0,
        &key,
        &body.hash,
        super::location,
        move |tx| {
            async move { Ok(transfers::create(tx, officer, submission).await?) }.scope_boxed()
        },
    )
    .await
}
