use actix_web::{get, web};
use uuid::Uuid;

use super::HandoverView;
use crate::app::handovers;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::state::AppState;

/// One handover, if its unit or one of its successors is in the caller's scope.
#[utoipa::path(
    operation_id = "getHandover",
    context_path = "/v1",
    tag = "handovers",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The handover", body = HandoverView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/handovers/{id}")]
pub async fn get(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<HandoverView>> {
    let mut conn = state.pools.read.get().await?;
    Ok(web::Json(handovers::get(&mut conn, &user, *id).await?))
}
