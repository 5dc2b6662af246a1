use actix_web::{post, web};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use uuid::Uuid;

use crate::app::users;
use crate::auth::Admin;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views::users::UserView;

/// Disables a user: their tokens stop working at once and they cannot sign in. The caller must
/// administer every unit where the user holds a role (a user holding none: their home unit).
#[utoipa::path(
    operation_id = "disableUser",
    context_path = "/v1",
    tag = "users",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The user, disabled", body = UserView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[post("/users/{id}/disable")]
pub async fn disable(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<UserView>> {
    let mut conn = state.pools.write.get().await?;
    let admin = &admin;
    let view = conn
        .transaction::<_, ApiError, _>(|tx| {
            async move { Ok(users::disable(tx, admin, *id).await?) }.scope_boxed()
        })
        .await?;
    Ok(web::Json(view))
}
