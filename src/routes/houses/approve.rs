//! Approving a proposal: an approver of the funding unit who did not submit it. Approval
//! reserves the support in the fund (409 `insufficient_funds` when it does not fit, even with
//! approvals racing).

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
use crate::domain::house::{self, Step};
use crate::domain::spending::{Action, Kind};
use crate::domain::{money, text, Role};
use crate::error::{ApiError, ApiResult};
use crate::extract::OptionalJsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::ledger::reservations::{self, Holder, Pool};
use crate::routes::attachments::check_evidence;
use crate::routes::spending::decision;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveHouse {
    /// Recorded in the audit trail.
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
    /// Attachments (the committee's decision) of the funding unit or below.
    pub evidence_ids: Option<Vec<Uuid>>,
}

/// Approves a proposed project and reserves its support.
#[utoipa::path(
    operation_id = "approveHouse",
    context_path = "/v1",
    tag = "houses",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = Option<ApproveHouse>, description = "Optional: `{\"reason\",\"evidence_ids\"}`"),
    responses(
        (status = 200, description = "The project, approved, its support reserved", body = HouseView),
        (status = 403, description = "`forbidden`, or `same_person` for the submitter", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`insufficient_funds` or `invalid_state`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/houses/{id}/approve")]
pub async fn approve(
    approver: Approver,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: OptionalJsonBody<ApproveHouse>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let reason = match body.value.reason.as_deref() {
        None => None,
        Some(r) => Some(text::clean(r, 1000).ok_or_else(|| {
            ApiError::field("reason", "1 to 1000 characters", "từ 1 đến 1000 ký tự")
        })?),
    };
    let evidence = body.value.evidence_ids.clone().unwrap_or_default();
    let mut conn = state.pools.write.get().await?;
    let (project, unit) = super::find_visible(&mut conn, &approver, *id).await?;
    approver
        .scope
        .authorize(Right::ActAs(Role::Approver), &unit)?;
    check_evidence(&mut conn, &approver, &unit, &evidence, "evidence_ids").await?;
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
                    Action::Approve,
                    approver.id.0,
                    project.submitted_by,
                    &project.status,
                )?;
                reservations::reserve(
                    conn,
                    project.funding_unit_id,
                    project.earmark_id,
                    Pool::Money,
                    Holder::House(project.id),
                    project.remaining_support(),
                )
                .await?;
                let evidence = house::with_evidence(&project.evidence, Step::Approve, &evidence);
                let row = houses::approve(conn, project.id, approver.id.0, &evidence).await?;
                audit::record(
                    conn,
                    approver,
                    Change {
                        action: "house.approve",
                        target_type: "house",
                        target_id: Some(row.id),
                        unit_id: Some(row.funding_unit_id),
                        changes: serde_json::json!({
                            "from": project.status, "to": row.status, "reason": reason,
                            "reserved": money::format(project.remaining_support()),
                            "evidence_ids": evidence.get(Step::Approve.as_str()),
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
