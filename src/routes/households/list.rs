use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::HouseholdView;
use crate::app::households::{self, ListQuery};
use crate::auth::AuthUser;
use crate::domain::household::HouseholdStatus;
use crate::error::ApiResult;
use crate::extract::Query;
use crate::pagination::{Page, Window};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HouseholdQuery {
    /// Households of this unit and every unit below it.
    pub unit_id: Option<Uuid>,
    pub status: Option<HouseholdStatus>,
    /// Head name, with or without diacritics: `nguyen van a` finds `Nguyễn Văn A`.
    #[param(max_length = 100)]
    pub q: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Households in the caller's scope, in registration order.
#[utoipa::path(
    operation_id = "listHouseholds",
    context_path = "/v1",
    tag = "households",
    params(HouseholdQuery),
    responses((status = 200, description = "A page of households", body = Page<HouseholdView>), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/households")]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    query: Query<HouseholdQuery>,
) -> ApiResult<web::Json<Page<HouseholdView>>> {
    let query = query.into_inner();
    let window = Window::by_id(query.limit, query.cursor.as_deref())?;
    let mut conn = state.pools.read.get().await?;
    let q = ListQuery {
        unit_id: query.unit_id,
        status: query.status,
        q: query.q.as_deref(),
        after: window.after,
        limit: window.fetch(),
    };
    let views = households::list(&mut conn, &user, q).await?;
    Ok(web::Json(window.page(views, |v| v.id, |v| v)))
}
