use std::collections::BTreeMap;

use actix_web::{get, web};
use diesel_async::scoped_futures::ScopedFutureExt;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::app::lookups;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::{campaign_spending, campaigns, donations, fund_statement, units};
use crate::domain::money;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views::public::summarise;
use crate::views::reports::{CampaignReport, ReportReceived, ReportSpent, UnitAmount};

/// A campaign's account for the people who run it: received by channel and by unit, spent by
/// category and by unit (paid grants, disbursed Tết gifts less those returned), households
/// reached, transferred between tiers, and what is left. Readers of the campaign's unit.
#[utoipa::path(
    operation_id = "getCampaignReport",
    context_path = "/v1",
    tag = "campaigns",
    params(("id" = Uuid, Path, description = "The campaign")),
    responses((status = 200, description = "The campaign's report", body = CampaignReport), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/campaigns/{id}/report")]
pub async fn report(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<CampaignReport>> {
    let mut conn = state.pools.read.get().await?;
    let campaign = campaigns::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let unit = units::find(&mut conn, campaign.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    lookups::authorize(&mut conn, &user.scope, Right::Read, &unit).await?;

    // one snapshot: the balance is what was received less what was spent at one instant
    let campaign_id = campaign.id;
    let (totals, received_by_unit, spending, households_reached, transferred) = conn
        .build_transaction()
        .repeatable_read()
        .read_only()
        .run(|conn| {
            async move {
                Ok::<_, diesel::result::Error>((
                    donations::campaign_totals(conn, campaign_id).await?,
                    fund_statement::campaign_received_by_unit(conn, campaign_id).await?,
                    campaign_spending::by_unit_and_category(conn, campaign_id).await?,
                    campaign_spending::households_reached(conn, campaign_id).await?,
                    campaign_spending::transferred(conn, campaign_id).await?,
                ))
            }
            .scope_boxed()
        })
        .await?;
    let (received, count, by_channel) = summarise(&totals);
    let mut by_category: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut spent_by_unit: Vec<(Uuid, String, Decimal)> = Vec::new();
    // rows come ordered by unit code: one line per unit
    for line in spending {
        *by_category.entry(line.category).or_default() += line.amount;
        match spent_by_unit.last_mut() {
            Some(last) if last.0 == line.unit_id => last.2 += line.amount,
            _ => spent_by_unit.push((line.unit_id, line.unit_code, line.amount)),
        }
    }
    let spent: Decimal = by_category.values().copied().sum();

    Ok(web::Json(CampaignReport {
        campaign_id: campaign.id,
        name: campaign.name,
        kind: campaign.kind,
        restricted: campaign.restricted,
        received: ReportReceived {
            total: money::format(received),
            by_channel,
            by_unit: received_by_unit
                .into_iter()
                .map(|r| UnitAmount {
                    unit_id: r.unit_id,
                    code: r.code,
                    amount: money::format(r.amount),
                })
                .collect(),
        },
        donation_count: count,
        spent: ReportSpent {
            total: money::format(spent),
            by_category: by_category
                .into_iter()
                .map(|(category, amount)| (category, money::format(amount)))
                .collect(),
            by_unit: spent_by_unit
                .into_iter()
                .map(|(unit_id, code, amount)| UnitAmount {
                    unit_id,
                    code,
                    amount: money::format(amount),
                })
                .collect(),
        },
        households_reached,
        transferred: money::format(transferred),
        balance: money::format(received - spent),
    }))
}
