use actix_web::{post, web};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::{self, AppError};
use crate::auth::Approver;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::state::AppState;
use crate::views::periods::PeriodView;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenPeriod {
    #[schema(max_length = 1000)]
    pub reason: String,
}

/// Re-opens a closed month (approver of the unit), with a reason. Refused while the parent
/// unit has the month closed: its reports must not change.
#[utoipa::path(
    operation_id = "reopenPeriod",
    context_path = "/v1",
    tag = "periods",
    params(
        ("id" = Uuid, Path, description = "The unit (its fund)"),
        ("month" = String, Path, description = "`YYYY-MM`", example = "2026-03"),
    ),
    request_body = ReopenPeriod,
    responses(
        (status = 200, description = "The month, open again", body = PeriodView),
        (status = 409, description = "`parent_closed`, or `conflict` when the month is not closed", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/units/{id}/periods/{month}/reopen")]
pub async fn reopen(
    approver: Approver,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
    body: JsonBody<ReopenPeriod>,
) -> ApiResult<web::Json<PeriodView>> {
    let (unit_id, month) = path.into_inner();
    let today = state.settings.clock.today();
    let mut conn = state.pools.write.get().await?;
    let (actor, month, reason) = (&*approver, month.as_str(), body.value.reason.as_str());
    let view = conn
        .transaction::<_, AppError, _>(|tx| {
            app::periods::reopen(tx, actor, unit_id, month, reason, today).scope_boxed()
        })
        .await?;
    Ok(web::Json(view))
}
