use std::collections::BTreeMap;

use actix_web::{get, web};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{summarise, ByChannel, PublicUnit};
use crate::db::{campaigns, donations, units};
use crate::domain::money;
use crate::error::{ApiError, ApiResult};
use crate::routes::campaigns::CampaignKind;
use crate::startup::AppState;

/// What a campaign received, in every unit's fund.
#[derive(Debug, Serialize, ToSchema)]
pub struct Received {
    /// Σ recorded (not void) donations, whole đồng.
    #[schema(example = "1500000")]
    pub total: String,
    pub by_channel: ByChannel,
}

/// What a campaign's money was spent on.
#[derive(Debug, Serialize, ToSchema)]
pub struct Spent {
    #[schema(example = "0")]
    pub total: String,
    /// Whole đồng per spending category (`medical`, `education`, …).
    pub by_category: BTreeMap<String, String>,
}

/// A campaign's public account: received, spent, transferred and what is left.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCampaign {
    pub id: Uuid,
    pub name: String,
    #[schema(value_type = CampaignKind)]
    pub kind: String,
    /// The unit that runs the campaign.
    pub unit: PublicUnit,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub restricted: bool,
    pub received: Received,
    /// Recorded (not void) donations.
    pub donation_count: i64,
    pub spent: Spent,
    #[schema(example = "0")]
    pub transferred: String,
    /// received − spent − transferred
    #[schema(example = "1500000")]
    pub balance: String,
}

/// A campaign's public account. Spending and transfers are not recorded by the service yet:
/// until they are, `spent` is `"0"` with no categories and `transferred` is `"0"`, so the
/// balance is what was received.
#[utoipa::path(
    context_path = "/v1/public",
    tag = "public",
    params(("id" = Uuid, Path, description = "The campaign")),
    responses(
        (status = 200, body = PublicCampaign),
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
    // spending and transfers arrive with their own capabilities; nothing is recorded yet
    let (spent, transferred) = (Decimal::ZERO, Decimal::ZERO);
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
            by_category: BTreeMap::new(),
        },
        transferred: money::format(transferred),
        balance: money::format(received - spent - transferred),
    }))
}
