use actix_web::{get, web};
use uuid::Uuid;

use super::TransferView;
use crate::auth::AuthUser;
use crate::db::{transfers, units};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// One transfer, if the caller can see its sender or its receiver.
#[utoipa::path(
    operation_id = "getTransfer",
    context_path = "/v1",
    tag = "transfers",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The transfer", body = TransferView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/transfers/{id}")]
pub async fn get(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<TransferView>> {
    let mut conn = state.pools.read.get().await?;
    let t = transfers::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let ends = units::find_many(&mut conn, &[t.from_unit_id, t.to_unit_id]).await?;
    if !ends.iter().any(|u| user.scope.can_see(u)) {
        return Err(ApiError::not_found());
    }
    Ok(web::Json(TransferView::from(t)))
}
