use actix_web::{get, web};
use uuid::Uuid;

use super::ContributionView;
use crate::app::house_contributions;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::extract::Query;
use crate::pagination::{Page, PageQuery, Window};
use crate::state::AppState;

/// The contributions to a house project, in the order they were recorded (404 outside the
/// caller's scope).
#[utoipa::path(
    operation_id = "listHouseContributions",
    context_path = "/v1",
    tag = "houses",
    params(("id" = Uuid, Path, description = "The house project"), PageQuery),
    responses((status = 200, description = "A page of the project's contributions", body = Page<ContributionView>), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/houses/{id}/contributions")]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: Query<PageQuery>,
) -> ApiResult<web::Json<Page<ContributionView>>> {
    let window = Window::by_id(query.limit, query.cursor.as_deref())?;
    let mut conn = state.pools.read.get().await?;
    let views =
        house_contributions::list(&mut conn, &user, *id, window.after, window.fetch()).await?;
    Ok(web::Json(window.page(views, |v| v.id, |v| v)))
}
