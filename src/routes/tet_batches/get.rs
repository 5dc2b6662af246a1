use actix_web::{get, web};
use uuid::Uuid;

use super::{load, RecipientView, TetBatchView};
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::tet_batches;
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
    let (batch, unit) = load(&mut conn, *id, &user, Right::Read).await?;
    let personal = user.scope.allows(Right::ReadPersonal, &unit);
    let counts = tet_batches::counts_of(&mut conn, batch.id).await?;
    let recipients = tet_batches::recipients(&mut conn, batch.id)
        .await?
        .into_iter()
        .map(|r| RecipientView::new(r, personal))
        .collect();
    Ok(web::Json(TetBatchView::new(
        batch,
        counts,
        Some(recipients),
    )))
}
