use actix_web::{get, web};

use crate::app::units;
use crate::auth::AuthUser;
use crate::db::units as unit_rows;
use crate::domain::unit_code::UnitCode;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views::units::UnitDetailView;

/// One unit by its code (`TW`, `20`, `06001`…), if it is in the caller's scope.
#[utoipa::path(
    operation_id = "getUnitByCode",
    context_path = "/v1",
    tag = "units",
    params(("code" = String, Path)),
    responses((status = 200, description = "The unit", body = UnitDetailView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/units/by-code/{code}")]
pub async fn by_code(
    user: AuthUser,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> ApiResult<web::Json<UnitDetailView>> {
    // a string that is no unit code names no unit; parsing first also keeps NUL bytes, which
    // PostgreSQL text cannot hold, away from the query (they were a 500)
    let code = UnitCode::parse(&code).ok_or_else(ApiError::not_found)?;
    let mut conn = state.pools.read.get().await?;
    let unit = unit_rows::find_by_code(&mut conn, code.as_str()).await?;
    Ok(web::Json(units::detail(&mut conn, &user, unit).await?))
}
