use actix_web::{get, web};
use uuid::Uuid;

use super::DonationView;
use crate::app::lookups;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::{donations, units};
use crate::error::{ApiError, ApiResult};
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
    let donation = donations::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let unit = units::find(&mut conn, donation.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    lookups::authorize(&mut conn, &user.scope, Right::Read, &unit).await?;
    let contact = lookups::allows(&mut conn, &user.scope, Right::ReadPersonal, &unit).await?;
    Ok(web::Json(DonationView::new(donation, contact)))
}
