use actix_web::{get, web};
use uuid::Uuid;

use crate::app;
use crate::auth::AuthUser;
use crate::domain::field::FieldError;
use crate::domain::period::parse_month;
use crate::error::ApiResult;
use crate::extract::Query;
use crate::pagination::{self, Page, PageQuery};
use crate::state::AppState;
use crate::views::periods::PeriodView;

/// The fund's months, newest first: every month from its first posting (or the current month)
/// to the current local month, and any month ever closed.
#[utoipa::path(
    operation_id = "listPeriods",
    context_path = "/v1",
    tag = "periods",
    params(("id" = Uuid, Path, description = "The unit (its fund)"), PageQuery),
    responses((status = 200, description = "A page of the unit's monthly periods", body = Page<PeriodView>), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/units/{id}/periods")]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: Query<PageQuery>,
) -> ApiResult<web::Json<Page<PeriodView>>> {
    let limit = pagination::limit(query.limit)?;
    let before = pagination::decode(query.cursor.as_deref())?
        .map(|c| {
            parse_month(&c)
                .ok_or_else(|| FieldError::new("cursor", "invalid cursor", "cursor không hợp lệ"))
        })
        .transpose()?;
    let today = state.settings.clock.today();
    let mut conn = state.pools.read.get().await?;
    let views =
        app::periods::list(&mut conn, &user, *id, today, before, limit as usize + 1).await?;
    Ok(web::Json(pagination::page(
        views,
        limit,
        |v| v.month.clone(),
        |v| v,
    )))
}
