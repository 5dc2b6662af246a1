use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::AuthUser;
use crate::db::users;
use crate::domain::{UnitId, UserId};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views::users::RoleView;

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub roles: Vec<RoleView>,
}

/// The signed-in user and their roles.
#[utoipa::path(
    operation_id = "getMe",
    context_path = "/v1",
    tag = "auth",
    responses((status = 200, description = "The signed-in user with their roles", body = Me), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/auth/me")]
pub async fn me(user: AuthUser, state: web::Data<AppState>) -> ApiResult<web::Json<Me>> {
    let mut conn = state.pools.read.get().await?;
    let row = users::find(&mut conn, user.id.0)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    Ok(web::Json(Me {
        id: user.id,
        username: row.username,
        full_name: row.full_name,
        roles: user
            .scope
            .assignments
            .iter()
            .map(|a| RoleView {
                role: a.role,
                unit_id: UnitId(a.unit_id),
                unit_code: a.unit_code.clone(),
                tier: a.tier,
            })
            .collect(),
    }))
}
