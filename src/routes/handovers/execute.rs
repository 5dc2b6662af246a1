use actix_web::{post, web};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use uuid::Uuid;

use super::HandoverView;
use crate::app::handovers::{self, Execution};
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::messages::handovers as says;
use crate::state::AppState;

/// Executes an approved handover in one transaction (a finance officer of the unit's parent or
/// above): posts the entries emptying the ending fund into its successors, moves the named
/// obligations with their reservations and the households, and dissolves the unit. Executing it
/// again answers it again. When the fund changed since the proposal, the handover is cancelled
/// and the answer is 409 `stale_handover`.
#[utoipa::path(
    operation_id = "executeHandover",
    context_path = "/v1",
    tag = "handovers",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The handover, executed, with its journal entries", body = HandoverView),
        (status = 409, description = "`stale_handover` (it is now cancelled) or `invalid_state`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/handovers/{id}/execute")]
pub async fn execute(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<HandoverView>> {
    let mut conn = state.pools.write.get().await?;
    let (user, id, today) = (&user, *id, state.settings.clock.today());
    // the cancellation of a stale handover is committed with the refusal
    let outcome = conn
        .transaction::<_, ApiError, _>(|tx| {
            async move { Ok(handovers::execute(tx, user, id, today).await?) }.scope_boxed()
        })
        .await?;
    match outcome {
        Execution::Executed(view) => Ok(web::Json(*view)),
        Execution::Stale => Err(says::stale().into()),
    }
}
