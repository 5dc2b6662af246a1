use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::app::lookups;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::users;
use crate::error::ApiResult;
use crate::extract::Query;
use crate::pagination::{Page, Window};
use crate::state::AppState;
use crate::views::users::UserView;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Users holding a role at this unit or below it.
    pub unit_id: Option<Uuid>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Users holding a role inside the caller's scope.
#[utoipa::path(
    operation_id = "listUsers",
    context_path = "/v1",
    tag = "users",
    params(UserQuery),
    responses((status = 200, description = "A page of users", body = Page<UserView>), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/users")]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    query: Query<UserQuery>,
) -> ApiResult<web::Json<Page<UserView>>> {
    let window = Window::by_id(query.limit, query.cursor.as_deref())?;
    let mut conn = state.pools.read.get().await?;
    if let Some(id) = query.unit_id {
        lookups::unit_authorized(&mut conn, &user.scope, Right::Read, id).await?;
    }
    let (scope, after) = (user.scope.roots(), window.after);
    let rows =
        users::list_in_scope(&mut conn, &scope, query.unit_id, after, window.fetch()).await?;
    let ids: Vec<Uuid> = rows.iter().map(|u| u.id).collect();
    let assignments = users::assignments(&mut conn, &ids).await?;
    Ok(web::Json(window.page(
        rows,
        |u| u.id,
        |u| UserView::new(u, &assignments, &user.scope),
    )))
}
