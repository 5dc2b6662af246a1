use actix_web::{get, web};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::app::{lookups, successions};
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::balances::{self, FundAccountTotals};
use crate::db::units;
use crate::domain::money;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::ledger::natural_balance;
use crate::state::AppState;
use crate::views::reports::{TrialBalance, TrialBalanceLine};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TrialBalanceQuery {
    /// Postings effective on or before this local date; default: all of them.
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub as_of: Option<NaiveDate>,
    /// With the accounts of the dissolved units this one succeeded, up to their last days,
    /// their handovers eliminated.
    #[serde(default)]
    pub include_predecessors: bool,
}

/// Every account of the fund with its debit and credit totals and balance as of a date, from
/// the postings themselves; Σ debits = Σ credits (the database refuses an unbalanced entry).
///
/// With `include_predecessors=true` (reform.md, "After the handover"), the accounts of every
/// dissolved unit recorded as this unit's predecessor (transitively) follow the fund's own,
/// each line naming its fund (`unit_id`), over the predecessor's postings up to its
/// `dissolved_on`; the entries of their handovers count on neither side (the predecessor's
/// 6221 and the successor's 5114, and the receipt of handed-over bank money), so the totals
/// are the funds' as if they were one and still balance. Accounts stay apart by fund (two funds'
/// `1121.1` are different bank accounts). A split predecessor is listed whole, not scaled by
/// its fraction (see `getFundStatement`); `predecessors` says which units are carried and how
/// much of each went to this one.
#[utoipa::path(
    operation_id = "getTrialBalance",
    context_path = "/v1",
    tag = "reports",
    params(("id" = Uuid, Path, description = "The unit (its fund)"), TrialBalanceQuery),
    responses((status = 200, description = "The trial balance", body = TrialBalance), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/units/{id}/reports/trial-balance")]
pub async fn trial_balance(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: Query<TrialBalanceQuery>,
) -> ApiResult<web::Json<TrialBalance>> {
    let mut conn = state.pools.read.get().await?;
    let unit = units::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    lookups::authorize(&mut conn, &user.scope, Right::Read, &unit).await?;
    let carried = match query.include_predecessors {
        true => Some(successions::carried(&mut conn, unit.id).await?),
        false => None,
    };
    let (ids, last_days) = carried
        .as_ref()
        .map(|c| (c.ids.as_slice(), c.last_days.as_slice()))
        .unwrap_or_default();
    let rows = balances::with_predecessors(&mut conn, unit.id, query.as_of, ids, last_days).await?;
    let total_debit: Decimal = rows.iter().map(|a| a.totals.debit).sum();
    let total_credit: Decimal = rows.iter().map(|a| a.totals.credit).sum();
    Ok(web::Json(TrialBalance {
        unit_id: unit.id,
        as_of: query.as_of,
        total_debit: money::format(total_debit),
        total_credit: money::format(total_credit),
        predecessors: carried.map(|c| c.views),
        accounts: rows
            .into_iter()
            .map(
                |FundAccountTotals { unit_id, totals: a }| TrialBalanceLine {
                    unit_id,
                    balance: money::format(natural_balance(&a.account_type, a.debit, a.credit)),
                    account_id: a.id,
                    code: a.code,
                    name: a.name,
                    account_type: a.account_type,
                    debit: money::format(a.debit),
                    credit: money::format(a.credit),
                },
            )
            .collect(),
    }))
}
