use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::DisbursementView;
use crate::app::lookups;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::disbursements::{self, DisbursementFilter};
use crate::domain::spending::{Category, Status};
use crate::error::ApiResult;
use crate::extract::Query;
use crate::input_errors::one_of;
use crate::pagination::{Page, Window};
use crate::state::AppState;

/// The statuses a grant can have.
const STATUSES: [&str; 5] = ["submitted", "approved", "rejected", "cancelled", "paid"];

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DisbursementQuery {
    /// Grants paid by this unit.
    pub unit_id: Option<Uuid>,
    /// `submitted|approved|rejected|cancelled|paid`
    #[param(pattern = "^(submitted|approved|rejected|cancelled|paid)$")]
    pub status: Option<String>,
    pub category: Option<Category>,
    pub household_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Grants in the caller's scope, oldest first.
#[utoipa::path(
    operation_id = "listDisbursements",
    context_path = "/v1",
    tag = "disbursements",
    params(DisbursementQuery),
    responses((status = 200, description = "A page of grants", body = Page<DisbursementView>), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/disbursements")]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    query: Query<DisbursementQuery>,
) -> ApiResult<web::Json<Page<DisbursementView>>> {
    let query = query.into_inner();
    let window = Window::by_id(query.limit, query.cursor.as_deref())?;
    let status = one_of(query.status.as_deref(), "status", &STATUSES, Status::parse)?;
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
    let rows = disbursements::list(
        &mut conn,
        DisbursementFilter {
            scope_roots: &roots,
            unit_id: query.unit_id,
            status,
            category: query.category,
            household_id: query.household_id,
            campaign_id: query.campaign_id,
            after: window.after,
            limit: window.fetch(),
        },
    )
    .await?;
    Ok(web::Json(window.page(
        rows,
        |d| d.id,
        DisbursementView::from,
    )))
}
