use actix_web::{get, web};
use uuid::Uuid;

use super::AccountView;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::{accounts, units};
use crate::error::{ApiError, ApiResult};
use crate::ledger::balances;
use crate::ledger::reservations::{self, Pool};
use crate::state::AppState;

/// One account with its current balance, if its fund is in the caller's scope.
#[utoipa::path(
    operation_id = "getAccount",
    context_path = "/v1",
    tag = "ledger",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The account with its balance", body = AccountView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/accounts/{id}")]
pub async fn get(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<AccountView>> {
    let mut conn = state.pools.read.get().await?;
    let account = accounts::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let unit = units::find(&mut conn, account.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    user.scope.authorize(Right::Read, &unit)?;
    let totals = balances::current(&mut conn, unit.id).await?;
    let held = reservations::outstanding(&mut conn, unit.id).await?;
    super::views(totals, held.of_pool(Pool::Money))
        .into_iter()
        .find(|a| a.id == account.id)
        .map(web::Json)
        .ok_or_else(ApiError::not_found)
}
