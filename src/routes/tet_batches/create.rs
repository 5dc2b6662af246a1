use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;

use super::TetBatchView;
use crate::app::{lookups, tet_batches};
use crate::auth::scope::Right;
use crate::auth::Officer;
use crate::domain::tet::CreateTetBatch;
use crate::domain::Role;
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Proposes a Tết gift batch (officer of the paying unit): one gift for each listed household
/// of the unit's area, from a Tết campaign. A household that already has a pending or
/// delivered gift of the campaign, from any unit's batch, is refused.
#[utoipa::path(
    operation_id = "createTetBatch",
    context_path = "/v1",
    tag = "tet batches",
    request_body = CreateTetBatch,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 characters; a retry with the same key and body returns the first response")),
    responses(
        (status = 201, description = "The batch submitted, with its households", body = TetBatchView),
        (status = 409, description = "`household_already_received` (with `household_ids`: those that already have a gift of the campaign) or `idempotency_in_progress`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` (households not in the unit's area are listed as `household_ids[i]`), `campaign_purpose_mismatch` or `idempotency_key_reused`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/tet-batches")]
pub async fn create(
    officer: Officer,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<CreateTetBatch>,
) -> ApiResult<HttpResponse> {
    let JsonBody { value, hash } = body;
    let proposal = value.parse().map_err(ApiError::validation)?;
    let mut conn = state.pools.write.get().await?;
    let right = Right::ActAs(Role::Officer);
    let unit = lookups::unit_authorized(&mut conn, &officer.scope, right, proposal.unit_id).await?;
    lookups::unit_takes(&unit, state.settings.clock.today())?;
    let (officer, unit, proposal) = (&officer, &unit, &proposal);
    idempotency::created(
        &mut conn,
        officer.id.0,
        &key,
        &hash,
        |v: &TetBatchView| Some(format!("/v1/tet-batches/{}", v.id)),
        |tx| {
            async move { Ok(tet_batches::create(tx, officer, unit, proposal).await?) }.scope_boxed()
        },
    )
    .await
}
