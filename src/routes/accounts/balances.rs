use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::app;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::extract::Query;
use crate::state::AppState;
use crate::views::accounts::FundBalancesView;

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
    let consolidated = query.consolidated == Some(true);
    let view = app::accounts::balances(&mut conn, &user, *id, consolidated).await?;
    Ok(web::Json(view))
}
