use actix_web::{get, web};
use uuid::Uuid;

use super::DisbursementView;
use crate::app::lookups;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::disbursements;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// One grant (404 outside the caller's scope).
#[utoipa::path(
    operation_id = "getDisbursement",
    context_path = "/v1",
    tag = "disbursements",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The grant", body = DisbursementView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/disbursements/{id}")]
pub async fn get(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<DisbursementView>> {
    let mut conn = state.pools.read.get().await?;
    let grant = disbursements::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    lookups::unit_authorized(&mut conn, &user.scope, Right::Read, grant.unit_id).await?;
    Ok(web::Json(grant.into()))
}
