use actix_web::{get, web};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::app::lookups;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::balances;
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
}

/// Every account of the fund with its debit and credit totals and balance as of a date, from
/// the postings themselves; Σ debits = Σ credits (the database refuses an unbalanced entry).
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
    let rows = balances::as_of(&mut conn, unit.id, query.as_of).await?;
    let total_debit: Decimal = rows.iter().map(|a| a.debit).sum();
    let total_credit: Decimal = rows.iter().map(|a| a.credit).sum();
    Ok(web::Json(TrialBalance {
        unit_id: unit.id,
        as_of: query.as_of,
        total_debit: money::format(total_debit),
        total_credit: money::format(total_credit),
        accounts: rows
            .into_iter()
            .map(|a| TrialBalanceLine {
                balance: money::format(natural_balance(&a.account_type, a.debit, a.credit)),
                account_id: a.id,
                code: a.code,
                name: a.name,
                account_type: a.account_type,
                debit: money::format(a.debit),
                credit: money::format(a.credit),
            })
            .collect(),
    }))
}
