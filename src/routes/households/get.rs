use actix_web::{get, web};
use uuid::Uuid;

use super::HouseholdView;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::{households, units};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// One household, if its commune is in the caller's scope.
#[utoipa::path(
    operation_id = "getHousehold",
    context_path = "/v1",
    tag = "households",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The household", body = HouseholdView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/households/{id}")]
pub async fn get(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<HouseholdView>> {
    let mut conn = state.pools.read.get().await?;
    let household = households::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let unit = units::find(&mut conn, household.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    user.scope.authorize(Right::Read, &unit)?;
    let personal = user.scope.allows(Right::ReadPersonal, &unit);
    Ok(web::Json(HouseholdView::new(household, personal)))
}
