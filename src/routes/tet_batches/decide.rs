//! Approve, reject or cancel a Tết batch: an approver of the paying unit who is not the
//! submitter, through the one spending decision (`app::spending::decide`).

use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use uuid::Uuid;

use super::TetBatchView;
use crate::app::spending::{self, Decision, Verdict};
use crate::auth::Approver;
use crate::domain::spending::{Action, Kind};
use crate::error::ApiResult;
use crate::extract::OptionalJsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Approves a submitted batch (approver of the paying unit, not the submitter): reserves the
/// cash part (households × cash_amount) from cash and bank money and the goods part from
/// donated goods, with the campaign's earmark when it is restricted.
#[utoipa::path(
    operation_id = "approveTetBatch",
    context_path = "/v1",
    tag = "tet batches",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = Option<Decision>, description = "Optional: `{}` or no body"),
    responses(
        (status = 200, description = "The batch, approved, its total reserved", body = TetBatchView),
        (status = 403, description = "`same_person`: the submitter cannot approve, or `forbidden`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state` or `insufficient_funds`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/tet-batches/{id}/approve")]
pub async fn approve(
    approver: Approver,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: OptionalJsonBody<Decision>,
) -> ApiResult<HttpResponse> {
    decide(approver, state, *id, key, body, Action::Approve).await
}

/// Rejects a submitted batch (approver of the paying unit, not the submitter); its households
/// are withdrawn and may be included in another batch of the campaign.
#[utoipa::path(
    operation_id = "rejectTetBatch",
    context_path = "/v1",
    tag = "tet batches",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = Option<Decision>, description = "Optional: `{}` or no body"),
    responses(
        (status = 200, description = "The batch, rejected, its households free again", body = TetBatchView),
        (status = 403, description = "`same_person` or `forbidden`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/tet-batches/{id}/reject")]
pub async fn reject(
    approver: Approver,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: OptionalJsonBody<Decision>,
) -> ApiResult<HttpResponse> {
    decide(approver, state, *id, key, body, Action::Reject).await
}

/// Cancels a submitted or approved batch before it is disbursed (approver of the paying unit,
/// not the submitter): releases its reservations and withdraws its households.
#[utoipa::path(
    operation_id = "cancelTetBatch",
    context_path = "/v1",
    tag = "tet batches",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = Option<Decision>, description = "Optional: `{}` or no body"),
    responses(
        (status = 200, description = "The batch, cancelled, its reservation and households released", body = TetBatchView),
        (status = 403, description = "`same_person` or `forbidden`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/tet-batches/{id}/cancel")]
pub async fn cancel(
    approver: Approver,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: OptionalJsonBody<Decision>,
) -> ApiResult<HttpResponse> {
    decide(approver, state, *id, key, body, Action::Cancel).await
}

async fn decide(
    approver: Approver,
    state: web::Data<AppState>,
    id: Uuid,
    key: IdempotencyKey,
    body: OptionalJsonBody<Decision>,
    action: Action,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let reason = body.value.reason()?;
    let mut conn = state.pools.write.get().await?;
    spending::authorize(&mut conn, &approver, Kind::TetBatch, id).await?;
    let (approver, verdict) = (&approver, Verdict::new(action, reason.as_deref()));
    idempotency::ok(&mut conn, approver.id.0, &key, &body.hash, move |tx| {
        async move {
            let decided = spending::decide(tx, approver, Kind::TetBatch, id, verdict).await?;
            let (batch, counts) = decided.tet_batch()?;
            Ok(TetBatchView::new(batch, counts, None))
        }
        .scope_boxed()
    })
    .await
}
