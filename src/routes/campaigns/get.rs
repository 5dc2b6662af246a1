use actix_web::{get, web};
use uuid::Uuid;

use crate::app::campaigns;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::views::campaigns::CampaignView;

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
    Ok(web::Json(campaigns::get(&mut conn, &user, *id).await?))
}
