use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use uuid::Uuid;

use super::{authorize, earmark, TransferView};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Approver;
use crate::db::{transfers, units};
use crate::domain::spending::{Action, Kind};
use crate::domain::Role;
use crate::error::{ApiError, ApiResult};
use crate::extract::OptionalJsonBody;
use crate::idempotency;
use crate::idempotency::IdempotencyKey;
use crate::ledger::reservations::{self, Holder, Pool};
use crate::routes::spending::{decision, Decision};
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
    let t = transfers::find(&mut conn, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let from = units::find(&mut conn, t.from_unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let to = units::find(&mut conn, t.to_unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    authorize(&approver, Right::ActAs(Role::Approver), &from, &to)?;
    let (name, approver) = (audit_action(action), &approver);
    let reason = reason.as_deref();
    idempotency::transact(
        &mut conn,
        approver.id.0,
        &key,
        &body.hash,
        StatusCode::OK,
        |_: &TransferView| None,
        |conn| {
            async move {
                // the state is read under the row lock: a concurrent decision waits, then sees ours
                let t = transfers::lock(conn, id).await?;
                let next = decision(
                    Kind::Transfer,
                    action,
                    approver.id.0,
                    t.submitted_by,
                    &t.status,
                )?;
                let holder = Holder::Transfer(t.id);
                match action {
                    Action::Approve => {
                        let earmark = earmark(conn, &t).await?;
                        reservations::reserve(
                            conn,
                            t.from_unit_id,
                            earmark,
                            Pool::Money,
                            holder,
                            t.amount,
                        )
                        .await?;
                    }
                    _ => reservations::release(conn, holder).await?,
                }
                let row =
                    transfers::decide(conn, t.id, next.as_str(), approver.id.0, reason).await?;
                audit::record(
                    conn,
                    approver,
                    Change {
                        action: name,
                        target_type: "transfer",
                        target_id: Some(row.id),
                        unit_id: Some(row.from_unit_id),
                        changes: serde_json::json!({"from": t.status, "to": row.status, "reason": reason}),
                    },
                )
                .await?;
                Ok(TransferView::from(row))
            }
            .scope_boxed()
        },
    )
    .await
}

fn audit_action(action: Action) -> &'static str {
    match action {
        Action::Approve => "transfer.approve",
        Action::Reject => "transfer.reject",
        _ => "transfer.cancel",
    }
}
