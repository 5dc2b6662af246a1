use actix_web::{get, web};
use uuid::Uuid;

use crate::db::{campaign_spending, campaigns};
use crate::domain::money;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views::public::{PublicSpending, SpendingLine};

/// Totals of what the campaign's money paid for, by spending unit and category, with household
/// counts and no names. Paid grants count; a Tết batch counts from disbursement, less the gifts
/// returned undelivered at its settlement.
#[utoipa::path(
    operation_id = "getPublicCampaignSpending",
    context_path = "/v1/public",
    tag = "public",
    params(("id" = Uuid, Path, description = "The campaign")),
    responses(
        (status = 200, description = "What the campaign's money paid for, by commune and category", body = PublicSpending),
        (status = 429, description = "`rate_limited`; `Retry-After` says when to retry", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    )
)]
#[get("/campaigns/{id}/spending")]
pub async fn spending(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<PublicSpending>> {
    let mut conn = state.pools.read.get().await?;
    let campaign = campaigns::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let rows = campaign_spending::by_unit_and_category(&mut conn, campaign.id).await?;
    let household_count = campaign_spending::households_reached(&mut conn, campaign.id).await?;
    Ok(web::Json(PublicSpending {
        campaign_id: campaign.id,
        total: money::format(rows.iter().map(|r| r.amount).sum()),
        household_count,
        items: rows.into_iter().map(SpendingLine::from).collect(),
    }))
}
