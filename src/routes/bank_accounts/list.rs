use actix_web::{get, web};
use uuid::Uuid;

use crate::app::lookups;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::bank_accounts;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::views::bank_accounts::BankAccountView;

/// The fund's bank accounts.
#[utoipa::path(
    operation_id = "listBankAccounts",
    context_path = "/v1",
    tag = "bank accounts",
    params(("id" = Uuid, Path, description = "the unit")),
    responses((status = 200, description = "The fund's bank accounts", body = Vec<BankAccountView>), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/units/{id}/bank-accounts")]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<BankAccountView>>> {
    let mut conn = state.pools.read.get().await?;
    let unit = lookups::unit_authorized(&mut conn, &user.scope, Right::Read, *id).await?;
    let rows = bank_accounts::of_unit(&mut conn, unit.id).await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|(b, code)| BankAccountView::new(b, code))
            .collect(),
    ))
}
