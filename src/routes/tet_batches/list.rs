use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::TetBatchView;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::tet_batches::{self, TetBatchFilter};
use crate::db::units;
use crate::domain::spending::Status;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::pagination::{self, Page};
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
    let limit = pagination::limit(query.limit)?;
    let after = pagination::decode_uuid(query.cursor.as_deref())?;
    let roots = user.scope.roots();
    if roots.is_empty() {
        return Ok(web::Json(Page {
            items: vec![],
            next_cursor: None,
        }));
    }
    let mut conn = state.pools.read.get().await?;
    if let Some(id) = query.unit_id {
        let unit = units::find(&mut conn, id)
            .await?
            .ok_or_else(ApiError::not_found)?;
        user.scope.authorize(Right::Read, &unit)?;
    }
    let rows = tet_batches::list(
        &mut conn,
        TetBatchFilter {
            scope_roots: &roots,
            unit_id: query.unit_id,
            campaign_id: query.campaign_id,
            status: query.status.map(Status::as_str),
            after,
            limit: limit + 1,
        },
    )
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let counts = tet_batches::counts(&mut conn, &ids).await?;
    Ok(web::Json(pagination::page(
        rows,
        limit,
        |b| b.id.to_string(),
        |b| {
            let c = counts.get(&b.id).copied().unwrap_or_default();
            TetBatchView::new(b, c, None)
        },
    )))
}
