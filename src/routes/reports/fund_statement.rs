use actix_web::{get, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::app::{lookups, successions};
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::fund_statement as queries;
use crate::domain::field::FieldError;
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
    /// With the figures of the dissolved units this one succeeded, up to their last days, their
    /// handovers eliminated (not with `consolidated`).
    #[serde(default)]
    pub include_predecessors: bool,
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
///
/// With `include_predecessors=true` (reform.md, "After the handover"), the statement also
/// carries the figures of every dissolved unit recorded as this unit's predecessor (and of
/// theirs, transitively), each up to its `dissolved_on`, and the entries of their handovers
/// count on neither side (the predecessor's `handover` entry, 6221 against its money, and the
/// successor's, its money against 5114, and the receipt of handed-over bank money): a new
/// commune's statement over a period spanning the reform is then its own and its predecessors'
/// added up, as if one fund, comparable with the old funds' statements of the year before. A
/// continuing unit's own succession adds nothing, and a unit still active or dissolving keeps
/// its own statement. A predecessor that was split between several successors is carried
/// **whole** by each of them, not scaled by the fraction it handed over: the statement shows
/// what was recorded (donations by channel and campaign, spending by category), and a fraction
/// of each would be figures nobody recorded; `predecessors` lists the units carried with
/// their `share` and `fraction`, so a reader adding several successors' statements sees the
/// overlap. Not with `consolidated` (422).
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
    if q.consolidated && q.include_predecessors {
        return Err(FieldError::new(
            "include_predecessors",
            "cannot be combined with `consolidated`",
            "không dùng cùng với `consolidated`",
        )
        .into());
    }
    let mut conn = state.pools.read.get().await?;
    let unit = lookups::unit_authorized(&mut conn, &user.scope, Right::Read, *id).await?;
    let carried = match q.include_predecessors {
        true => Some(successions::carried(&mut conn, unit.id).await?),
        false => None,
    };
    let coverage = queries::Coverage {
        unit: unit.id,
        consolidated: q.consolidated,
        predecessors: carried.as_ref().map(|c| c.ids.clone()).unwrap_or_default(),
        last_days: carried
            .as_ref()
            .map(|c| c.last_days.clone())
            .unwrap_or_default(),
    };
    let snapshot = queries::snapshot(&mut conn, &coverage, (q.from, q.to)).await?;
    let mut statement = FundStatement::new(unit.id, (q.from, q.to, q.consolidated), snapshot);
    statement.predecessors = carried.map(|c| c.views);
    Ok(web::Json(statement))
}
