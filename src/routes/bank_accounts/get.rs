use actix_web::{get, web};
use uuid::Uuid;

use super::BankAccountView;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::{accounts, bank_accounts, units};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// One bank account, if its fund is in the caller's scope.
#[utoipa::path(
    operation_id = "getBankAccount",
    context_path = "/v1",
    tag = "bank accounts",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The bank account", body = BankAccountView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/bank-accounts/{id}")]
pub async fn get(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<BankAccountView>> {
    let mut conn = state.pools.read.get().await?;
    let bank = bank_accounts::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let unit = units::find(&mut conn, bank.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    user.scope.authorize(Right::Read, &unit)?;
    let account = accounts::find(&mut conn, bank.account_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(web::Json(BankAccountView::new(bank, account.code)))
}
