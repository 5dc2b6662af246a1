use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::TransferView;
use crate::app::lookups;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::transfers::{self, TransferFilter};
use crate::domain::spending::Status;
use crate::error::ApiResult;
use crate::extract::Query;
use crate::input_errors::one_of;
use crate::pagination::{Page, Window};
use crate::state::AppState;

/// The statuses a transfer can have, and `in_transit` (sent, not yet received).
const STATUSES: [&str; 7] = [
    "submitted",
    "approved",
    "rejected",
    "cancelled",
    "sent",
    "received",
    "in_transit",
];

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TransferQuery {
    /// Transfers this unit sends or receives.
    pub unit_id: Option<Uuid>,
    /// `submitted`, `approved`, `rejected`, `cancelled`, `sent`, `received`, or `in_transit`
    /// (sent and not yet received, the same as `sent`).
    #[param(pattern = "^(submitted|approved|rejected|cancelled|sent|received|in_transit)$")]
    pub status: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Transfers whose sender or receiver is in the caller's scope, oldest first.
#[utoipa::path(
    operation_id = "listTransfers",
    context_path = "/v1",
    tag = "transfers",
    params(TransferQuery),
    responses((status = 200, description = "A page of transfers", body = Page<TransferView>), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/transfers")]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    query: Query<TransferQuery>,
) -> ApiResult<web::Json<Page<TransferView>>> {
    let query = query.into_inner();
    let window = Window::by_id(query.limit, query.cursor.as_deref())?;
    let status = match query.status.as_deref() {
        Some("in_transit") => Some(Status::Sent),
        s => one_of(s, "status", &STATUSES, Status::parse)?,
    };
    let mut conn = state.pools.read.get().await?;
    // one unit the caller may read (a predecessor through its successor too), or their scope
    let roots = match query.unit_id {
        Some(id) => vec![
            lookups::unit_authorized(&mut conn, &user.scope, Right::Read, id)
                .await?
                .id,
        ],
        None => user.scope.roots(),
    };
    if roots.is_empty() {
        return Ok(web::Json(Page::empty()));
    }
    let rows = transfers::list(
        &mut conn,
        TransferFilter {
            roots: &roots,
            unit: query.unit_id,
            status,
            after: window.after,
            limit: window.fetch(),
        },
    )
    .await?;
    Ok(web::Json(window.page(rows, |t| t.id, TransferView::from)))
}
