use actix_web::{get, web};
use uuid::Uuid;

use crate::app::bank_accounts;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::views::bank_accounts::BankAccountView;

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
    Ok(web::Json(bank_accounts::get(&mut conn, &user, *id).await?))
}
