use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::HouseView;
use crate::app::houses::{self, ListQuery};
use crate::auth::AuthUser;
use crate::domain::house::{self, HouseKind};
use crate::error::ApiResult;
use crate::extract::Query;
use crate::input_errors::one_of;
use crate::pagination::{Page, Window};
use crate::state::AppState;

/// The statuses a project can have.
const STATUSES: [&str; 6] = [
    "proposed",
    "approved",
    "started",
    "completed",
    "handed_over",
    "cancelled",
];

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HouseQuery {
    /// Projects funded by this unit.
    pub unit_id: Option<Uuid>,
    /// `proposed|approved|started|completed|handed_over|cancelled`
    #[param(pattern = "^(proposed|approved|started|completed|handed_over|cancelled)$")]
    pub status: Option<String>,
    pub kind: Option<HouseKind>,
    pub household_id: Option<Uuid>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// House projects in the caller's scope, oldest first (without their tranches).
#[utoipa::path(
    operation_id = "listHouses",
    context_path = "/v1",
    tag = "houses",
    params(HouseQuery),
    responses((status = 200, description = "A page of house projects", body = Page<HouseView>), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/houses")]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    query: Query<HouseQuery>,
) -> ApiResult<web::Json<Page<HouseView>>> {
    let query = query.into_inner();
    let window = Window::by_id(query.limit, query.cursor.as_deref())?;
    let status = one_of(
        query.status.as_deref(),
        "status",
        &STATUSES,
        house::parse_status,
    )?;
    let mut conn = state.pools.read.get().await?;
    let q = ListQuery {
        unit_id: query.unit_id,
        status,
        kind: query.kind,
        household_id: query.household_id,
        after: window.after,
        limit: window.fetch(),
    };
    let views = houses::list(&mut conn, &user, q).await?;
    Ok(web::Json(window.page(views, |v| v.id, |v| v)))
}
