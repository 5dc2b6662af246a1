//! Approve, reject or cancel a grant: an approver of the paying unit who is not the submitter.
//! Approval reserves the amount (409 `insufficient_funds` when the fund cannot cover it, even
//! with many approvals racing); rejection and cancellation release what was reserved.

use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use uuid::Uuid;

use super::DisbursementView;
use crate::app::spending::{self, Decision, Verdict};
use crate::auth::Approver;
use crate::domain::spending::{Action, Kind};
use crate::error::ApiResult;
use crate::extract::OptionalJsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Approves a submitted grant and reserves its amount.
#[utoipa::path(
    operation_id = "approveDisbursement",
    context_path = "/v1",
    tag = "disbursements",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = Option<Decision>, description = "Optional: `{\"reason\"}`"),
    responses(
        (status = 200, description = "The grant, approved, its amount reserved", body = DisbursementView),
        (status = 403, description = "`forbidden`, or `same_person` for the submitter", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`insufficient_funds` or `invalid_state`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/disbursements/{id}/approve")]
pub async fn approve(
    approver: Approver,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: OptionalJsonBody<Decision>,
) -> ApiResult<HttpResponse> {
    decide(approver, state, *id, key, body, Action::Approve).await
}

/// Rejects a submitted grant.
#[utoipa::path(
    operation_id = "rejectDisbursement",
    context_path = "/v1",
    tag = "disbursements",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = Option<Decision>, description = "Optional: `{\"reason\"}`"),
    responses(
        (status = 200, description = "The grant, rejected", body = DisbursementView),
        (status = 403, description = "`forbidden`, or `same_person` for the submitter", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/disbursements/{id}/reject")]
pub async fn reject(
    approver: Approver,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: OptionalJsonBody<Decision>,
) -> ApiResult<HttpResponse> {
    decide(approver, state, *id, key, body, Action::Reject).await
}

/// Cancels a submitted or approved (not yet paid) grant, releasing its reservation.
#[utoipa::path(
    operation_id = "cancelDisbursement",
    context_path = "/v1",
    tag = "disbursements",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = Option<Decision>, description = "Optional: `{\"reason\"}`"),
    responses(
        (status = 200, description = "The grant, cancelled, its reservation released", body = DisbursementView),
        (status = 403, description = "`forbidden`, or `same_person` for the submitter", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/disbursements/{id}/cancel")]
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
    spending::authorize(&mut conn, &approver, Kind::Grant, id).await?;
    let (approver, verdict) = (&approver, Verdict::new(action, reason.as_deref()));
    idempotency::ok(&mut conn, approver.id.0, &key, &body.hash, move |tx| {
        async move {
            let decided = spending::decide(tx, approver, Kind::Grant, id, verdict).await?;
            Ok(decided.grant()?)
        }
        .scope_boxed()
    })
    .await
}
