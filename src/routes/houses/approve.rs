//! Approving a proposal: an approver of the funding unit who did not submit it. Approval
//! reserves the support in the fund (409 `insufficient_funds` when it does not fit, even with
//! approvals racing).

use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::HouseView;
use crate::app::attachments::check_evidence;
use crate::app::spending::{self, Verdict};
use crate::auth::Approver;
use crate::domain::spending::{Action, Kind};
use crate::error::ApiResult;
use crate::extract::OptionalJsonBody;
use crate::idempotency::{self, IdempotencyKey};
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
    let reason = body
        .value
        .reason
        .as_deref()
        .map(spending::reason)
        .transpose()?;
    let evidence = body.value.evidence_ids.clone().unwrap_or_default();
    let mut conn = state.pools.write.get().await?;
    let unit = spending::authorize(&mut conn, &approver, Kind::House, *id).await?;
    check_evidence(&mut conn, &approver, &unit, &evidence, "evidence_ids").await?;
    let verdict = Verdict {
        action: Action::Approve,
        reason: reason.as_deref(),
        evidence: &evidence,
    };
    let (approver, id) = (&approver, *id);
    idempotency::ok(&mut conn, approver.id.0, &key, &body.hash, move |tx| {
        async move {
            let decided = spending::decide(tx, approver, Kind::House, id, verdict).await?;
            let (row, payments) = decided.house()?;
            Ok(HouseView::with_payments(row, payments))
        }
        .scope_boxed()
    })
    .await
}
