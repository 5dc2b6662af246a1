use actix_web::{get, web};
use uuid::Uuid;

use crate::app;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::views::accounts::AccountView;

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
    Ok(web::Json(
        app::accounts::account(&mut conn, &user, *id).await?,
    ))
}
