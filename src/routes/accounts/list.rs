use actix_web::{get, web};
use uuid::Uuid;

use crate::app;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::pagination::Page;
use crate::state::AppState;
use crate::views::accounts::AccountView;

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
    let items = app::accounts::chart(&mut conn, &user, *id).await?;
    Ok(web::Json(Page {
        items,
        next_cursor: None,
    }))
}
