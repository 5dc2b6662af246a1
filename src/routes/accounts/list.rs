use actix_web::{get, web};
use uuid::Uuid;

use super::AccountView;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::units;
use crate::error::{ApiError, ApiResult};
use crate::ledger::balances;
use crate::ledger::reservations::{self, Pool};
use crate::pagination::Page;
use crate::state::AppState;

/// The fund's whole chart of accounts with current balances, by code (one page: a chart is
/// small).
#[utoipa::path(
    operation_id = "listAccounts",
    context_path = "/v1",
    tag = "ledger",
    params(("id" = Uuid, Path, description = "The unit (its fund)")),
    responses((status = 200, description = "The unit's chart of accounts with balances", body = Page<AccountView>), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/units/{id}/accounts")]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Page<AccountView>>> {
    let mut conn = state.pools.read.get().await?;
    let unit = units::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    user.scope.authorize(Right::Read, &unit)?;
    let totals = balances::current(&mut conn, unit.id).await?;
    let held = reservations::outstanding(&mut conn, unit.id).await?;
    let items = super::views(totals, held.of_pool(Pool::Money));
    Ok(web::Json(Page {
        items,
        next_cursor: None,
    }))
}
