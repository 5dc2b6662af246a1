use std::collections::BTreeMap;

use actix_web::{get, web};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::db::{campaign_spending, campaigns, donations, units};
use crate::domain::money;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views::public::{summarise, PublicUnit};
use crate::views::public::{PublicCampaign, Received, Spent};

/// A campaign's public account: what it received by channel, what its money paid for by
/// category (`/spending` has the detail per unit), what moved between tiers, and what is left.
#[utoipa::path(
    operation_id = "getPublicCampaign",
    context_path = "/v1/public",
    tag = "public",
    params(("id" = Uuid, Path, description = "The campaign")),
    responses(
        (status = 200, description = "The public view of the campaign", body = PublicCampaign),
        (status = 429, description = "`rate_limited`; `Retry-After` says when to retry", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    )
)]
#[get("/campaigns/{id}")]
pub async fn campaign(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<PublicCampaign>> {
    let mut conn = state.pools.read.get().await?;
    let campaign = campaigns::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let unit = units::find(&mut conn, campaign.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let (received, count, by_channel) =
        summarise(&donations::campaign_totals(&mut conn, campaign.id).await?);
    let mut by_category: BTreeMap<String, Decimal> = BTreeMap::new();
    for line in campaign_spending::by_unit_and_category(&mut conn, campaign.id).await? {
        *by_category.entry(line.category).or_default() += line.amount;
    }
    let spent: Decimal = by_category.values().copied().sum();
    let transferred = campaign_spending::transferred(&mut conn, campaign.id).await?;
    Ok(web::Json(PublicCampaign {
        id: campaign.id,
        name: campaign.name,
        kind: campaign.kind,
        unit: PublicUnit {
            id: unit.id,
            code: unit.code,
            name: unit.name,
        },
        starts_on: campaign.starts_on,
        ends_on: campaign.ends_on,
        restricted: campaign.restricted,
        received: Received {
            total: money::format(received),
            by_channel,
        },
        donation_count: count,
        spent: Spent {
            total: money::format(spent),
            by_category: by_category
                .into_iter()
                .map(|(category, amount)| (category, money::format(amount)))
                .collect(),
        },
        transferred: money::format(transferred),
        balance: money::format(received - spent),
    }))
}
