use actix_web::{get, web};
use uuid::Uuid;

use super::CampaignView;
use crate::auth::AuthUser;
use crate::db::campaigns;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// One campaign, if the caller can use or see it (its unit is in the caller's scope or above it).
#[utoipa::path(
    operation_id = "getCampaign",
    context_path = "/v1",
    tag = "campaigns",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The campaign", body = CampaignView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/campaigns/{id}")]
pub async fn get(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<CampaignView>> {
    let mut conn = state.pools.read.get().await?;
    let campaign = campaigns::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let owners = campaigns::visible_owners(&mut conn, &user.scope.roots()).await?;
    if !owners.contains(&campaign.unit_id) {
        return Err(ApiError::not_found());
    }
    Ok(web::Json(campaign.into()))
}
