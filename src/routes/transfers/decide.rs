//! Approve, reject or cancel a transfer: an approver of the sending unit who is not the
//! submitter, through the one spending decision (`app::spending::decide`).

use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use uuid::Uuid;

use super::TransferView;
use crate::app::spending::{self, Decision, Verdict};
use crate::auth::Approver;
use crate::domain::spending::{Action, Kind};
use crate::error::ApiResult;
use crate::extract::OptionalJsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Approves a submitted transfer (an approver of the sending unit, not the submitter): its
/// amount is reserved from the sender's money with the transfer's earmark.
#[utoipa::path(
    operation_id = "approveTransfer",
    context_path = "/v1",
    tag = "transfers",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = Option<Decision>, description = "Optional: `{\"reason\"?}`"),
    responses(
        (status = 200, description = "The transfer, approved, its amount reserved", body = TransferView),
        (status = 403, description = "`forbidden`, or `same_person` when the submitter decides", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state` or `insufficient_funds`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/transfers/{id}/approve")]
pub async fn approve(
    approver: Approver,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: OptionalJsonBody<Decision>,
) -> ApiResult<HttpResponse> {
    decide(approver, state, *id, key, body, Action::Approve).await
}

/// Rejects a submitted transfer (an approver of the sending unit, not the submitter).
#[utoipa::path(
    operation_id = "rejectTransfer",
    context_path = "/v1",
    tag = "transfers",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = Option<Decision>, description = "Optional: `{\"reason\"?}`"),
    responses(
        (status = 200, description = "The transfer, rejected", body = TransferView),
        (status = 403, description = "`forbidden` or `same_person`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/transfers/{id}/reject")]
pub async fn reject(
    approver: Approver,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: OptionalJsonBody<Decision>,
) -> ApiResult<HttpResponse> {
    decide(approver, state, *id, key, body, Action::Reject).await
}

/// Cancels a submitted or approved transfer (an approver of the sending unit, not the
/// submitter); an approved transfer's reservation is released.
#[utoipa::path(
    operation_id = "cancelTransfer",
    context_path = "/v1",
    tag = "transfers",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = Option<Decision>, description = "Optional: `{\"reason\"?}`"),
    responses(
        (status = 200, description = "The transfer, cancelled, its reservation released", body = TransferView),
        (status = 403, description = "`forbidden` or `same_person`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/transfers/{id}/cancel")]
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
    spending::authorize(&mut conn, &approver, Kind::Transfer, id).await?;
    let (approver, verdict) = (&approver, Verdict::new(action, reason.as_deref()));
    idempotency::ok(&mut conn, approver.id.0, &key, &body.hash, move |tx| {
        async move {
            let decided = spending::decide(tx, approver, Kind::Transfer, id, verdict).await?;
            Ok(decided.transfer()?)
        }
        .scope_boxed()
    })
    .await
}
