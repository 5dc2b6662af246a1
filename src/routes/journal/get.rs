use actix_web::{get, web};
use uuid::Uuid;

use super::EntryView;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::units;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

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
    let entry = super::view(&mut conn, *id).await?;
    let unit = units::find(&mut conn, entry.unit_id.0)
        .await?
        .ok_or_else(ApiError::not_found)?;
    user.scope.authorize(Right::Read, &unit)?;
    Ok(web::Json(entry))
}
