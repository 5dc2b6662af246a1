use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::views::public::PublicUnit;
use crate::db::{campaign_spending, campaigns};
use crate::domain::money;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// What one unit spent of the campaign's money on one category.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpendingLine {
    pub unit: PublicUnit,
    /// `tet_gifts`, `medical`, `education`, `livelihood`, `emergency_relief`,
    /// `community_works` or `other`.
    pub category: String,
    #[schema(example = "52000000")]
    pub amount: String,
    /// Grants or gifts paid.
    pub count: i64,
    /// Distinct households supported (never who they are).
    pub household_count: i64,
}

/// Where a campaign's money went.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicSpending {
    pub campaign_id: Uuid,
    #[schema(example = "52000000")]
    pub total: String,
    /// Distinct households the campaign's money reached.
    pub household_count: i64,
    pub items: Vec<SpendingLine>,
}

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
        items: rows
            .into_iter()
            .map(|r| SpendingLine {
                unit: PublicUnit {
                    id: r.unit_id,
                    code: r.unit_code,
                    name: r.unit_name,
                },
                category: r.category,
                amount: money::format(r.amount),
                count: r.items,
                household_count: r.households,
            })
            .collect(),
    }))
}
