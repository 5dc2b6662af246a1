use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{holder, load, view, TetBatchView};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Approver;
use crate::db::tet_batches;
use crate::domain::spending::{Action, Kind};
use crate::domain::Role;
use crate::error::ApiResult;
use crate::extract::OptionalJsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::ledger::reservations::{self, Pool};
use crate::routes::spending::{decision, Decision};
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
    load(&mut conn, id, &approver, Right::ActAs(Role::Approver)).await?;
    let (approver, reason) = (&approver, &reason);
    idempotency::transact(
        &mut conn,
        approver.id.0,
        &key,
        &body.hash,
        StatusCode::OK,
        |_| None,
        |conn| {
            async move { decide_in_tx(conn, approver, id, action, reason.as_deref()).await }
                .scope_boxed()
        },
    )
    .await
}

#[tracing::instrument(name = "tet_batches.decide", skip_all, fields(tet_batch.id = %id, action = ?action))]
async fn decide_in_tx(
    conn: &mut AsyncPgConnection,
    approver: &Approver,
    id: Uuid,
    action: Action,
    reason: Option<&str>,
) -> ApiResult<TetBatchView> {
    let batch = tet_batches::lock(conn, id).await?;
    let next = decision(
        Kind::TetBatch,
        action,
        approver.id.0,
        batch.submitted_by,
        &batch.status,
    )?;
    let n = Decimal::from(batch.household_count);
    if action == Action::Approve {
        // the database refuses what the fund cannot cover (409 insufficient_funds)
        for (pool, per_household) in [
            (Pool::Money, batch.cash_amount),
            (Pool::Goods, batch.in_kind_value),
        ] {
            if !per_household.is_zero() {
                reservations::reserve(
                    conn,
                    batch.unit_id,
                    batch.earmark_id,
                    pool,
                    holder(&batch),
                    n * per_household,
                )
                .await?;
            }
        }
    } else {
        reservations::release(conn, holder(&batch)).await?;
        tet_batches::withdraw_recipients(conn, batch.id).await?;
    }
    let row = tet_batches::decide(conn, batch.id, next.as_str(), approver.id.0, reason).await?;
    let action_name = match action {
        Action::Approve => "tet_batch.approve",
        Action::Reject => "tet_batch.reject",
        _ => "tet_batch.cancel",
    };
    audit::record(
        conn,
        approver,
        Change {
            action: action_name,
            target_type: "tet_batch",
            target_id: Some(row.id),
            unit_id: Some(row.unit_id),
            changes: serde_json::json!({
                "from": batch.status,
                "to": row.status,
                "amount": crate::domain::money::format(row.amount),
                "reason": reason,
            }),
        },
    )
    .await?;
    view(conn, row).await
}
