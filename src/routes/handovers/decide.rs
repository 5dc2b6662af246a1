//! Approve or reject a handover (an approver where it was proposed, not the proposer), or
//! cancel it (an officer, admin or approver there).

use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use uuid::Uuid;

use super::HandoverView;
use crate::app::handovers::{self, Decision};
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::extract::Action;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Approves a submitted handover.
#[utoipa::path(
    operation_id = "approveHandover",
    context_path = "/v1",
    tag = "handovers",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 200, description = "The handover, approved", body = HandoverView),
        (status = 403, description = "`forbidden`, or `same_person` for the proposer", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/handovers/{id}/approve")]
pub async fn approve(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    action: Action,
) -> ApiResult<HttpResponse> {
    decide(user, state, *id, key, action, Decision::Approve).await
}

/// Rejects a submitted handover.
#[utoipa::path(
    operation_id = "rejectHandover",
    context_path = "/v1",
    tag = "handovers",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 200, description = "The handover, rejected", body = HandoverView),
        (status = 403, description = "`forbidden`, or `same_person` for the proposer", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/handovers/{id}/reject")]
pub async fn reject(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    action: Action,
) -> ApiResult<HttpResponse> {
    decide(user, state, *id, key, action, Decision::Reject).await
}

/// Cancels a submitted or approved handover.
#[utoipa::path(
    operation_id = "cancelHandover",
    context_path = "/v1",
    tag = "handovers",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 200, description = "The handover, cancelled", body = HandoverView),
        (status = 409, description = "`invalid_state`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/handovers/{id}/cancel")]
pub async fn cancel(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    action: Action,
) -> ApiResult<HttpResponse> {
    decide(user, state, *id, key, action, Decision::Cancel).await
}

async fn decide(
    user: AuthUser,
    state: web::Data<AppState>,
    id: Uuid,
    key: IdempotencyKey,
    action: Action,
    decision: Decision,
) -> ApiResult<HttpResponse> {
    let mut conn = state.pools.write.get().await?;
    let user = &user;
    idempotency::ok(&mut conn, user.id.0, &key, &action.hash, move |tx| {
        async move { Ok(handovers::decide(tx, user, id, decision).await?) }.scope_boxed()
    })
    .await
}
