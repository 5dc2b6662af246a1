use actix_web::{get, web};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::db::{donations, successions, units};
use crate::domain::money;
use crate::domain::unit_life::UnitStatus;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::state::AppState;
use crate::views::public::summarise;
use crate::views::public::{SuccessionUnit, SummaryUnit, UnitSummary};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// Local calendar year; default the current year.
    /// From 2000 to next year.
    #[param(minimum = 2000)]
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional_year")]
    pub year: Option<i32>,
}

/// What a unit's fund received in a year, by channel (recorded donations, voids left out).
///
/// With the 2025 reform's successions on either side: `succeeded`, the units it took over (not
/// itself, though it continues), and `succeeded_by`, the units that took it over once it has
/// ended (`dissolving` or `dissolved`; what a split unit that goes on handed away is a part of
/// it, not its end, so an active unit names none).
#[utoipa::path(
    operation_id = "getPublicUnitSummary",
    context_path = "/v1/public",
    tag = "public",
    params(("id" = Uuid, Path, description = "The unit (its fund)"), SummaryQuery),
    responses(
        (status = 200, description = "The public summary of the unit's fund", body = UnitSummary),
        (status = 429, description = "`rate_limited`; `Retry-After` says when to retry", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    )
)]
#[get("/units/{id}/summary")]
pub async fn summary(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: Query<SummaryQuery>,
) -> ApiResult<web::Json<UnitSummary>> {
    let year = query
        .year
        .unwrap_or_else(|| state.settings.clock.today().year());
    let (first, last) = match (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(f), Some(l)) => (f, l),
        _ => return Err(ApiError::from(crate::messages::units::not_a_year())),
    };
    let mut conn = state.pools.read.get().await?;
    let unit = units::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let (total, count, by_channel) =
        summarise(&donations::unit_totals(&mut conn, unit.id, first, last).await?);
    let succeeded = successions::predecessors(&mut conn, unit.id).await?;
    let succeeded_by = match unit.life().status() {
        UnitStatus::Active => Vec::new(),
        UnitStatus::Dissolving | UnitStatus::Dissolved => {
            successions::successors(&mut conn, unit.id).await?
        }
    };
    Ok(web::Json(UnitSummary {
        unit: SummaryUnit {
            id: unit.id,
            tier: unit.tier(),
            code: unit.code,
            name: unit.name,
        },
        year,
        received_total: money::format(total),
        donation_count: count,
        by_channel,
        succeeded: succeeded.into_iter().map(SuccessionUnit::from).collect(),
        succeeded_by: succeeded_by.into_iter().map(SuccessionUnit::from).collect(),
    }))
}
