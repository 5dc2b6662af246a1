use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::TetBatchView;
use crate::app::tet_batches::{self, ListQuery};
use crate::auth::AuthUser;
use crate::domain::spending::Status;
use crate::error::ApiResult;
use crate::extract::Query;
use crate::pagination::{Page, Window};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TetBatchQuery {
    /// Batches paid by this unit (not its subtree).
    pub unit_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    /// `submitted`, `approved`, `rejected`, `cancelled`, `paid` or `closed`.
    pub status: Option<Status>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Tết batches in the caller's scope, oldest first, with their totals (no recipients).
#[utoipa::path(
    operation_id = "listTetBatches",
    context_path = "/v1",
    tag = "tet batches",
    params(TetBatchQuery),
    responses((status = 200, description = "A page of Tết batches", body = Page<TetBatchView>), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/tet-batches")]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    query: Query<TetBatchQuery>,
) -> ApiResult<web::Json<Page<TetBatchView>>> {
    let query = query.into_inner();
    let window = Window::by_id(query.limit, query.cursor.as_deref())?;
    let mut conn = state.pools.read.get().await?;
    let q = ListQuery {
        unit_id: query.unit_id,
        campaign_id: query.campaign_id,
        status: query.status,
        after: window.after,
        limit: window.fetch(),
    };
    let views = tet_batches::list(&mut conn, &user, q).await?;
    Ok(web::Json(window.page(views, |v| v.id, |v| v)))
}
