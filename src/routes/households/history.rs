use actix_web::{get, web};
use uuid::Uuid;

use super::{HistoryView, SupportView};
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::{households, units};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// All the support a household received, newest first: Tết gifts (not those withdrawn with
/// their batch), grants (not rejected or cancelled), and house projects in any state — from
/// whichever unit's fund gave them.
#[utoipa::path(
    operation_id = "getHouseholdHistory",
    context_path = "/v1",
    tag = "households",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "All support the household received", body = HistoryView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/households/{id}/history")]
pub async fn history(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<HistoryView>> {
    let mut conn = state.pools.read.get().await?;
    let household = households::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let unit = units::find(&mut conn, household.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    user.scope.authorize(Right::Read, &unit)?;
    let items = households::history(&mut conn, household.id).await?;
    Ok(web::Json(HistoryView {
        household_id: household.id,
        items: items.into_iter().map(SupportView::from).collect(),
    }))
}
