use actix_web::{get, web};
use uuid::Uuid;

use super::{home_unit, visible, UserView};
use crate::auth::AuthUser;
use crate::db::users;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

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
    let target = users::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let assignments = users::assignments(&mut conn, &[target.id]).await?;
    let home = home_unit(&mut conn, &target, &assignments).await?;
    if !visible(
        user.id.0,
        &user.scope,
        target.id,
        &assignments,
        home.as_ref(),
    ) {
        return Err(ApiError::not_found());
    }
    Ok(web::Json(UserView::new(target, &assignments, &user.scope)))
}
