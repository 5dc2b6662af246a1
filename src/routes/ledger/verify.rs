use actix_web::{get, web};
use diesel_async::scoped_futures::ScopedFutureExt;
use uuid::Uuid;

use crate::app;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::ledger::sealing::{self, Verification};
use crate::state::AppState;

/// Recomputes the fund's seal chain over the canonical bytes of every sealed entry and names
/// the first entry that does not match (changed, removed, or slipped in behind the chain).
/// Entries posted in the last moments may still be `pending` (sealing runs in the background).
/// Auditors and administrators in scope, and the fund's own finance officer.
#[utoipa::path(
    operation_id = "verifyLedger",
    context_path = "/v1",
    tag = "ledger",
    params(("id" = Uuid, Path, description = "The unit (its fund)")),
    responses((status = 200, description = "The result of recomputing the fund's seal chain", body = Verification), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/units/{id}/ledger/verify")]
pub async fn verify(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Verification>> {
    let mut conn = state.pools.read.get().await?;
    let unit = app::accounts::auditable(&mut conn, &user, *id, false).await?;
    let unit_id = unit.id;
    // one snapshot: the chain, the entries and the queue as of one instant
    let v = conn
        .build_transaction()
        .repeatable_read()
        .read_only()
        .run(|conn| async move { sealing::verify(conn, unit_id).await }.scope_boxed())
        .await?;
    Ok(web::Json(v))
}
