use actix_web::{get, web};
use uuid::Uuid;

use super::HouseholdView;
use crate::app::households;
use crate::auth::AuthUser;
use crate::error::ApiResult;
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
    Ok(web::Json(households::get(&mut conn, &user, *id).await?))
}
