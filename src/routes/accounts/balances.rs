use actix_web::{get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::{transfers, units};
use crate::domain::money;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::ledger::balances as ledger;
use crate::ledger::reservations::{self, Pool};
use crate::state::AppState;

/// The money a restricted campaign's donations left in this fund.
#[derive(Debug, Serialize, ToSchema)]
pub struct RestrictedBalanceView {
    pub campaign_id: Uuid,
    /// Cash, bank and goods carrying the campaign's earmark.
    #[schema(example = "1500000")]
    pub balance: String,
    /// The balance less what approved spending has reserved.
    #[schema(example = "1500000")]
    pub available: String,
}

/// The fund's money by kind and earmark.
#[derive(Debug, Serialize, ToSchema)]
pub struct FundBalancesView {
    /// 1111
    #[schema(example = "1500000")]
    pub cash: String,
    /// Σ 1121.N
    #[schema(example = "0")]
    pub bank: String,
    /// 1551
    #[schema(example = "0")]
    pub in_kind: String,
    pub restricted: Vec<RestrictedBalanceView>,
    /// Cash and bank money without an earmark that approved spending has not reserved.
    #[schema(example = "1500000")]
    pub available_unrestricted: String,
    /// Transfers sent and not yet received: by this unit, or (consolidated) by any unit of
    /// its subtree. Money that left a fund and has not reached the other.
    #[schema(example = "0")]
    pub in_transit: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BalancesQuery {
    /// `true`: the unit and every unit below it, added up (each fund's `available` summed).
    pub consolidated: Option<bool>,
}

/// The fund's cash, bank and in-kind balances, its restricted money per campaign, what is
/// available for unrestricted spending, and what it sent that has not arrived yet. With
/// `consolidated=true`, the same for the unit's whole subtree, added up: a transfer inside the
/// subtree counts once, in the receiver's bank once received and `in_transit` before.
#[utoipa::path(
    operation_id = "getBalances",
    context_path = "/v1",
    tag = "ledger",
    params(("id" = Uuid, Path, description = "The unit (its fund)"), BalancesQuery),
    responses((status = 200, description = "The fund's balances by pool and campaign", body = FundBalancesView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/units/{id}/balances")]
pub async fn balances(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: Query<BalancesQuery>,
) -> ApiResult<web::Json<FundBalancesView>> {
    let mut conn = state.pools.read.get().await?;
    let unit = units::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    user.scope.authorize(Right::Read, &unit)?;
    if query.consolidated == Some(true) {
        return consolidated(&mut conn, unit.id).await.map(web::Json);
    }
    let f = ledger::fund(&mut conn, unit.id).await?;
    let held = reservations::outstanding(&mut conn, unit.id).await?;
    Ok(web::Json(FundBalancesView {
        cash: money::format(f.cash),
        bank: money::format(f.bank),
        in_kind: money::format(f.in_kind),
        restricted: f
            .restricted
            .into_iter()
            .map(|(campaign_id, balance)| RestrictedBalanceView {
                campaign_id,
                balance: money::format(balance),
                available: money::format(balance - held.of_earmark(campaign_id)),
            })
            .collect(),
        available_unrestricted: money::format(
            f.unrestricted_liquid - held.get(Pool::Money, ledger::UNRESTRICTED),
        ),
        in_transit: money::format(transfers::in_transit(&mut conn, unit.id, false).await?),
    }))
}

/// The subtree's funds added up; `available` is the sum of each fund's (balance less its own
/// reservations), and `in_transit` what any fund of the subtree sent that has not arrived.
async fn consolidated(
    conn: &mut diesel_async::AsyncPgConnection,
    root: Uuid,
) -> ApiResult<FundBalancesView> {
    let f = ledger::subtree(conn, root).await?;
    let held = ledger::subtree_reserved(conn, root).await?;
    let in_transit = transfers::in_transit(conn, root, true).await?;
    Ok(FundBalancesView {
        cash: money::format(f.cash),
        bank: money::format(f.bank),
        in_kind: money::format(f.in_kind),
        restricted: f
            .restricted
            .into_iter()
            .map(|(campaign_id, balance)| RestrictedBalanceView {
                campaign_id,
                balance: money::format(balance),
                available: money::format(
                    balance
                        - held
                            .by_earmark
                            .get(&campaign_id)
                            .copied()
                            .unwrap_or_default(),
                ),
            })
            .collect(),
        available_unrestricted: money::format(f.unrestricted_liquid - held.unrestricted_money),
        in_transit: money::format(in_transit),
    })
}
