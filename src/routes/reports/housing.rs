use actix_web::{get, web};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::app::lookups;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::housing_report::{self, ReportScope};
use crate::db::units;
use crate::domain::money;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::state::AppState;
use crate::views::reports::{
    HousingCountView, HousingFundingView, HousingReportView, HousingStateCountView,
    HousingSupportView,
};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HousingQuery {
    /// Local calendar year the projects were proposed in; default the current year.
    /// From 2000 to next year.
    #[param(minimum = 2000)]
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional_year")]
    pub year: Option<i32>,
    /// Also the projects funded by units below this one (default false).
    pub include_descendants: Option<bool>,
}

/// The housing report of a unit for a year (any role at the unit or above). It covers the house
/// projects whose funding unit is the unit (or below it, with `include_descendants=true`) and
/// that were proposed in the year; a project's payments and contributions count in the year it
/// was proposed, whenever they were made. Cancelled projects count by state only: they are left
/// out of support and funding.
#[utoipa::path(
    operation_id = "getHousingReport",
    context_path = "/v1",
    tag = "reports",
    params(("id" = Uuid, Path, description = "The unit (its fund)"), HousingQuery),
    responses(
        (status = 200, description = "The housing report", body = HousingReportView),
        (status = 422, description = "`validation_failed`: the year is outside 2000 to next year", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[get("/units/{id}/reports/housing")]
pub async fn housing(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: Query<HousingQuery>,
) -> ApiResult<web::Json<HousingReportView>> {
    let year = query
        .year
        .unwrap_or_else(|| state.settings.clock.today().year());
    let bad_year = || ApiError::from(crate::messages::units::not_a_year());
    let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(bad_year)?;
    let last = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(bad_year)?;
    let include_descendants = query.include_descendants.unwrap_or(false);
    let mut conn = state.pools.read.get().await?;
    let unit = units::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    lookups::authorize(&mut conn, &user.scope, Right::Read, &unit).await?;
    let report = housing_report::report(
        &mut conn,
        &ReportScope {
            unit_id: unit.id,
            include_descendants,
            first,
            last,
        },
    )
    .await?;
    Ok(web::Json(HousingReportView {
        unit_id: unit.id,
        year,
        include_descendants,
        by_state: report
            .by_state
            .into_iter()
            .map(|s| HousingStateCountView {
                state: s.state,
                kind: s.kind,
                count: s.count,
            })
            .collect(),
        support: HousingSupportView {
            approved: money::format(report.support.approved),
            paid: money::format(report.support.paid),
        },
        funding: report
            .funding
            .into_iter()
            .map(|f| HousingFundingView {
                source: f.source,
                planned: money::format(f.planned),
                actual: money::format(f.actual),
            })
            .collect(),
        houses: HousingCountView {
            count: report.houses,
        },
    }))
}
