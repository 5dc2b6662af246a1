use actix_web::{get, web};
use uuid::Uuid;

use crate::app::users;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::views::users::UserView;

/// One user, if they hold a role inside the caller's scope (or, holding none, their home unit
/// is inside it).
#[utoipa::path(
    operation_id = "getUser",
    context_path = "/v1",
    tag = "users",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The user", body = UserView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/users/{id}")]
pub async fn get(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<UserView>> {
    let mut conn = state.pools.read.get().await?;
    Ok(web::Json(users::get(&mut conn, &user, *id).await?))
}
