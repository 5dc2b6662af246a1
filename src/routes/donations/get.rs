use actix_web::{get, web};
use uuid::Uuid;

use super::DonationView;
use crate::app::donations;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::state::AppState;

/// One donation, if its fund is in the caller's scope.
#[utoipa::path(
    operation_id = "getDonation",
    context_path = "/v1",
    tag = "donations",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The donation", body = DonationView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/donations/{id}")]
pub async fn get(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<DonationView>> {
    let mut conn = state.pools.read.get().await?;
    Ok(web::Json(donations::get(&mut conn, &user, *id).await?))
}
