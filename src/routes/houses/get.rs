use actix_web::{get, web};
use uuid::Uuid;

use super::HouseView;
use crate::app::houses;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::state::AppState;

/// One house project with its tranches (404 outside the caller's scope).
#[utoipa::path(
    operation_id = "getHouse",
    context_path = "/v1",
    tag = "houses",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The house project", body = HouseView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/houses/{id}")]
pub async fn get(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<HouseView>> {
    let mut conn = state.pools.read.get().await?;
    Ok(web::Json(houses::get(&mut conn, &user, *id).await?))
}
