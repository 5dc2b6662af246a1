use actix_web::{get, web};

use super::UnitView;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::units;
use crate::error::{ApiError, ApiResult};
use crate::startup::AppState;

/// One unit by its code (`TW`, `20`, `06001`…), if it is in the caller's scope.
#[utoipa::path(
    context_path = "/v1",
    tag = "units",
    params(("code" = String, Path)),
    responses((status = 200, body = UnitView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/units/by-code/{code}")]
pub async fn by_code(user: AuthUser, state: web::Data<AppState>, code: web::Path<String>) -> ApiResult<web::Json<UnitView>> {
    let mut conn = state.pools.read.get().await?;
    let unit = units::find_by_code(&mut conn, &code).await?.ok_or_else(ApiError::not_found)?;
    user.scope.authorize(Right::Read, &unit)?;
    Ok(web::Json(unit.into()))
}
