use actix_web::{get, web};
use uuid::Uuid;

use crate::app;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::views::journal::EntryView;

/// One journal entry with its postings, if its fund is in the caller's scope.
#[utoipa::path(
    operation_id = "getJournalEntry",
    context_path = "/v1",
    tag = "ledger",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The journal entry with its postings", body = EntryView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/journal/{id}")]
pub async fn get(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<EntryView>> {
    let mut conn = state.pools.read.get().await?;
    Ok(web::Json(app::journal::get(&mut conn, &user, *id).await?))
}
