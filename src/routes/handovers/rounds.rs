//! The bulk path for a province or the whole country: plan, approve-all, execute-all
//! (reform.md). Each answers what it did and what it left for a person.

use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use uuid::Uuid;

use crate::app::handover_rounds::{self, Approvals, Executions, Plan, PlanHandovers};
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::extract::{Action, JsonBody};
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Proposes, in one request, the handover of every dissolving unit below `{id}` whose successor
/// the succession data alone gives (a `whole` share, or a district's province), and lists the
/// units that need a person's decision (an admin of the province or of `TW`).
#[utoipa::path(
    operation_id = "planHandovers",
    context_path = "/v1",
    tag = "handovers",
    request_body = PlanHandovers,
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 200, description = "The handovers proposed, and the units that need a decision (`parts`, `open_obligations`, `unassigned_households`)", body = Plan),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/units/{id}/handovers/plan")]
pub async fn plan(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<PlanHandovers>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.pools.write.get().await?;
    let (user, id, value) = (&user, *id, &body.value);
    idempotency::ok(&mut conn, user.id.0, &key, &body.hash, move |tx| {
        async move { Ok(handover_rounds::plan(tx, user, id, value).await?) }.scope_boxed()
    })
    .await
}

/// Approves every submitted handover of the units below `{id}` that the caller may approve (an
/// approver where it was proposed, not its proposer); the others are listed with the reason.
#[utoipa::path(
    operation_id = "approveAllHandovers",
    context_path = "/v1",
    tag = "handovers",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 200, description = "The handovers approved, and those skipped with the code that stopped them", body = Approvals),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/units/{id}/handovers/approve-all")]
pub async fn approve_all(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    action: Action,
) -> ApiResult<HttpResponse> {
    let mut conn = state.pools.write.get().await?;
    let (user, id) = (&user, *id);
    idempotency::ok(&mut conn, user.id.0, &key, &action.hash, move |tx| {
        async move { Ok(handover_rounds::approve_all(tx, user, id).await?) }.scope_boxed()
    })
    .await
}

/// Executes every approved handover of the units below `{id}`, deepest units first, each in its
/// own transaction (a finance officer above the units): a handover whose fund changed since its
/// proposal is cancelled and listed as stale; plan again for those.
#[utoipa::path(
    operation_id = "executeAllHandovers",
    context_path = "/v1",
    tag = "handovers",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The handovers executed, those cancelled as stale, and those that failed with their code", body = Executions),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/units/{id}/handovers/execute-all")]
pub async fn execute_all(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Executions>> {
    let mut conn = state.pools.write.get().await?;
    let today = state.settings.clock.today();
    Ok(web::Json(
        handover_rounds::execute_all(&mut conn, &user, *id, today).await?,
    ))
}
