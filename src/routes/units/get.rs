use actix_web::{get, web};
use uuid::Uuid;

use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::units;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views::units::UnitView;

/// One unit, if it is in the caller's scope.
#[utoipa::path(
    operation_id = "getUnit",
    context_path = "/v1",
    tag = "units",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The unit", body = UnitView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/units/{id}")]
pub async fn get(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<UnitView>> {
    let mut conn = state.pools.read.get().await?;
    let unit = units::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    user.scope.authorize(Right::Read, &unit)?;
    Ok(web::Json(unit.into()))
}
