use actix_web::{get, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::app::lookups;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::fund_statement as queries;
use crate::domain::fund_date;
use crate::error::ApiResult;
use crate::extract::Query;
use crate::state::AppState;
use crate::views::reports::FundStatement;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FundStatementQuery {
    /// First local date of the period (inclusive).
    #[serde(deserialize_with = "crate::domain::fund_date::deserialize")]
    pub from: NaiveDate,
    /// Last local date of the period (inclusive); not before `from`.
    #[serde(deserialize_with = "crate::domain::fund_date::deserialize")]
    pub to: NaiveDate,
    /// Over the unit and every unit below it, transfers between them eliminated.
    #[serde(default)]
    pub consolidated: bool,
}

/// The fund statement of a period: opening balance of money and goods, donations received
/// (by channel and campaign, net of voids posted in the period), other income, spending by
/// category (net debit − credit, so returned money lowers its category), transfers in and out,
/// money in transit, and the closing balance, all from one snapshot of the ledger.
///
/// `other_movements` = closing − opening − (receipts + other_income + transfers_in − spending −
/// transfers_out), so the statement always adds up: it is zero when every movement of the fund
/// came from donations, spending and transfers, and shows manual entries (adjustments,
/// corrections, income booked by hand) otherwise. Consolidated (`consolidated=true`), the
/// statement covers the unit and every unit below it; transfers between two of its units are
/// left out of `transfers_in`/`transfers_out`, `in_transit` counts only those between two of
/// its units, and the change of that money in transit over the period is taken out of
/// `other_movements` (money on its way is in neither fund's balance but still the subtree's):
/// `closing_balance + in_transit` is what the subtree holds.
#[utoipa::path(
    operation_id = "getFundStatement",
    context_path = "/v1",
    tag = "reports",
    params(("id" = Uuid, Path, description = "The unit (its fund)"), FundStatementQuery),
    responses((status = 200, description = "The fund statement", body = FundStatement), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/units/{id}/reports/fund-statement")]
pub async fn fund_statement(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: Query<FundStatementQuery>,
) -> ApiResult<web::Json<FundStatement>> {
    let q = query.into_inner();
    fund_date::ordered(Some(q.from), Some(q.to))?;
    let mut conn = state.pools.read.get().await?;
    let unit = lookups::unit_authorized(&mut conn, &user.scope, Right::Read, *id).await?;
    let period = (q.from, q.to, q.consolidated);
    let snapshot = queries::snapshot(&mut conn, unit.id, period).await?;
    Ok(web::Json(FundStatement::new(unit.id, period, snapshot)))
}
