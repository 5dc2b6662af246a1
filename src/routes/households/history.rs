use actix_web::{get, web};
use uuid::Uuid;

use super::HistoryView;
use crate::app::households;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::state::AppState;

/// All the support a household received, newest first: Tết gifts (not those withdrawn with
/// their batch), grants (not rejected or cancelled), and house projects in any state — from
/// whichever unit's fund gave them.
#[utoipa::path(
    operation_id = "getHouseholdHistory",
    context_path = "/v1",
    tag = "households",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "All support the household received", body = HistoryView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/households/{id}/history")]
pub async fn history(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<HistoryView>> {
    let mut conn = state.pools.read.get().await?;
    Ok(web::Json(households::history(&mut conn, &user, *id).await?))
}
