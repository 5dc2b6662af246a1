use actix_web::{post, web};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use uuid::Uuid;

use crate::app::{self, AppError};
use crate::auth::Accountant;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::views::periods::PeriodView;

/// Closes a month that has ended (finance officer of the unit). Every child unit must have
/// closed it first. Records the closing trial balance; postings into the month are refused
/// from then on.
#[utoipa::path(
    operation_id = "closePeriod",
    context_path = "/v1",
    tag = "periods",
    params(
        ("id" = Uuid, Path, description = "The unit (its fund)"),
        ("month" = String, Path, description = "`YYYY-MM`", example = "2026-03"),
    ),
    responses(
        (status = 200, description = "The month, closed", body = PeriodView),
        (status = 409, description = "`period_not_ended`, `children_open` (the detail names them), or `conflict` when already closed", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/units/{id}/periods/{month}/close")]
pub async fn close(
    accountant: Accountant,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
) -> ApiResult<web::Json<PeriodView>> {
    let (unit_id, month) = path.into_inner();
    let today = state.settings.clock.today();
    let mut conn = state.pools.write.get().await?;
    let (actor, month) = (&*accountant, month.as_str());
    let view = conn
        .transaction::<_, AppError, _>(|tx| {
            app::periods::close(tx, actor, unit_id, month, today).scope_boxed()
        })
        .await?;
    Ok(web::Json(view))
}
