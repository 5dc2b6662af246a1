//! Cancelling a project before acceptance: an approver of the funding unit who did not submit
//! it, with a reason. What the reservation still holds goes back to the fund; tranches already
//! paid stay in the books.

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::HouseView;
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Approver;
use crate::db::houses;
use crate::domain::spending::{Action, Kind};
use crate::domain::{money, text, Role};
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::ledger::reservations::{self, Holder};
use crate::routes::spending::decision;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelHouse {
    #[schema(max_length = 1000)]
    pub reason: String,
}

/// Cancels a proposed, approved or started project and releases its reservation.
#[utoipa::path(
    operation_id = "cancelHouse",
    context_path = "/v1",
    tag = "houses",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = CancelHouse,
    responses(
        (status = 200, description = "The project, cancelled, its reservation released", body = HouseView),
        (status = 403, description = "`forbidden`, or `same_person` for the submitter", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/houses/{id}/cancel")]
pub async fn cancel(
    approver: Approver,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<CancelHouse>,
) -> ApiResult<HttpResponse> {
    let reason = text::clean(&body.value.reason, 1000)
        .ok_or_else(|| ApiError::field("reason", "1 to 1000 characters", "từ 1 đến 1000 ký tự"))?;
    let mut conn = state.pools.write.get().await?;
    let (project, unit) = super::find_visible(&mut conn, &approver, *id).await?;
    approver
        .scope
        .authorize(Right::ActAs(Role::Approver), &unit)?;
    let approver = &approver;
    let id = project.id;
    idempotency::transact(
        &mut conn,
        approver.id.0,
        &key,
        &body.hash,
        StatusCode::OK,
        |_| None,
        move |conn| {
            async move {
                let project = houses::lock(conn, id).await?;
                decision(
                    Kind::House,
                    Action::Cancel,
                    approver.id.0,
                    project.submitted_by,
                    &project.status,
                )?;
                reservations::release(conn, Holder::House(project.id)).await?;
                let row = houses::cancel(conn, project.id, approver.id.0, &reason).await?;
                audit::record(
                    conn,
                    approver,
                    Change {
                        action: "house.cancel",
                        target_type: "house",
                        target_id: Some(row.id),
                        unit_id: Some(row.funding_unit_id),
                        changes: serde_json::json!({
                            "from": project.status, "to": row.status, "reason": reason,
                            "paid_amount": money::format(row.paid_amount),
                        }),
                    },
                )
                .await?;
                super::detail(conn, row).await
            }
            .scope_boxed()
        },
    )
    .await
}
