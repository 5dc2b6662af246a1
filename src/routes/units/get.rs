use actix_web::{get, web};
use uuid::Uuid;

use crate::app::units;
use crate::auth::AuthUser;
use crate::db::units as unit_rows;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::views::units::UnitDetailView;

/// One unit, if it is in the caller's scope.
#[utoipa::path(
    operation_id = "getUnit",
    context_path = "/v1",
    tag = "units",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The unit", body = UnitDetailView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/units/{id}")]
pub async fn get(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<UnitDetailView>> {
    let mut conn = state.pools.read.get().await?;
    let unit = unit_rows::find(&mut conn, *id).await?;
    Ok(web::Json(units::detail(&mut conn, &user, unit).await?))
}
