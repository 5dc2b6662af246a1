//! Proposing a grant: an officer of the paying unit.

use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;

use super::DisbursementView;
use crate::app::grants::{self, CreateDisbursement};
use crate::auth::Officer;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Proposes a grant (officer of the paying unit). It moves no money until approved (which
/// reserves it) and paid.
#[utoipa::path(
    operation_id = "createDisbursement",
    context_path = "/v1",
    tag = "disbursements",
    request_body = CreateDisbursement,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 characters; a retry with the same key and body returns the first response")),
    responses(
        (status = 201, description = "The grant submitted", body = DisbursementView),
        (status = 422, description = "`validation_failed` or `campaign_purpose_mismatch`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/disbursements")]
pub async fn create(
    officer: Officer,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<CreateDisbursement>,
) -> ApiResult<HttpResponse> {
    let request = body.value.parse()?;
    let mut conn = state.pools.write.get().await?;
    let grant = grants::check(&mut conn, &officer, request, state.settings.clock.today()).await?;
    let (officer, grant) = (&officer, &grant);
    idempotency::created(
        &mut conn,
        officer.id.0,
        &key,
        &body.hash,
        super::location,
        move |tx| async move { Ok(grants::submit(tx, officer, grant).await?) }.scope_boxed(),
    )
    .await
}
