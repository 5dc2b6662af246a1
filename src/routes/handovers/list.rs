use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::HandoverView;
use crate::app::handovers;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::extract::Query;
use crate::pagination::{Page, Window};
use crate::state::AppState;

/// The statuses a handover can have.
const STATUSES: [&str; 5] = ["submitted", "approved", "rejected", "cancelled", "executed"];

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HandoverQuery {
    /// Handovers of this unit, or to it as a successor.
    pub unit_id: Option<Uuid>,
    /// `submitted|approved|rejected|cancelled|executed`
    #[param(pattern = "^(submitted|approved|rejected|cancelled|executed)$")]
    pub status: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Handovers of units in the caller's scope, oldest first.
#[utoipa::path(
    operation_id = "listHandovers",
    context_path = "/v1",
    tag = "handovers",
    params(HandoverQuery),
    responses((status = 200, description = "A page of handovers", body = Page<HandoverView>), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/handovers")]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    query: Query<HandoverQuery>,
) -> ApiResult<web::Json<Page<HandoverView>>> {
    let query = query.into_inner();
    let window = Window::by_id(query.limit, query.cursor.as_deref())?;
    let status = match query.status.as_deref() {
        Some(s) if !STATUSES.contains(&s) => {
            return Err(crate::input_errors::not_one_of("status", &STATUSES))
        }
        s => s,
    };
    let mut conn = state.pools.read.get().await?;
    let rows = handovers::list(
        &mut conn,
        &user,
        query.unit_id,
        status,
        window.after,
        window.fetch(),
    )
    .await?;
    Ok(web::Json(window.page(rows, |h| h.id, |h| h)))
}
