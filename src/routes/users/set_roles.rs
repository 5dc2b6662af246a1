use actix_web::{put, web};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{grants, Grant};
use crate::app::users;
use crate::auth::Admin;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views::users::UserView;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetRoles {
    pub roles: Vec<Grant>,
}

/// Replaces the user's roles on units the caller administers; roles elsewhere stay as they are.
/// A user left with no role at all can no longer sign in and their refresh tokens are revoked;
/// they stay visible at their home unit (where their last role was) to re-grant or disable.
#[utoipa::path(
    operation_id = "setUserRoles",
    context_path = "/v1",
    tag = "users",
    params(("id" = Uuid, Path)),
    request_body = SetRoles,
    responses((status = 200, description = "The user with their roles as now granted", body = UserView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[put("/users/{id}/roles")]
pub async fn set_roles(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: crate::extract::JsonBody<SetRoles>,
) -> ApiResult<web::Json<UserView>> {
    let roles = grants(&body.roles);
    let mut conn = state.pools.write.get().await?;
    let admin = &admin;
    let view = conn
        .transaction::<_, ApiError, _>(|tx| {
            async move { Ok(users::set_roles(tx, admin, *id, &roles).await?) }.scope_boxed()
        })
        .await?;
    Ok(web::Json(view))
}
