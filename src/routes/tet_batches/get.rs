use actix_web::{get, web};
use uuid::Uuid;

use super::TetBatchView;
use crate::app::tet_batches;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::state::AppState;

/// One batch with its totals and every recipient's status, in list order. Heads of household
/// are named only for callers who may read personal data in the paying unit's area.
#[utoipa::path(
    operation_id = "getTetBatch",
    context_path = "/v1",
    tag = "tet batches",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The batch with the status of each household", body = TetBatchView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/tet-batches/{id}")]
pub async fn get(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<TetBatchView>> {
    let mut conn = state.pools.read.get().await?;
    Ok(web::Json(tet_batches::get(&mut conn, &user, *id).await?))
}
