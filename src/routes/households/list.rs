use std::collections::HashSet;

use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::HouseholdView;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::households::{self, HouseholdFilter};
use crate::db::units;
use crate::domain::household::HouseholdStatus;
use crate::domain::text;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::pagination::{self, Page};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HouseholdQuery {
    /// Households of this unit and every unit below it.
    pub unit_id: Option<Uuid>,
    pub status: Option<HouseholdStatus>,
    /// Head name, with or without diacritics: `nguyen van a` finds `Nguyễn Văn A`.
    #[param(max_length = 100)]
    pub q: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Households in the caller's scope, in registration order.
#[utoipa::path(
    operation_id = "listHouseholds",
    context_path = "/v1",
    tag = "households",
    params(HouseholdQuery),
    responses((status = 200, description = "A page of households", body = Page<HouseholdView>), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/households")]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    query: Query<HouseholdQuery>,
) -> ApiResult<web::Json<Page<HouseholdView>>> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let after = pagination::decode_uuid(query.cursor.as_deref())?;
    let q = match query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => Some(text::fold(&text::clean(q, 100).ok_or_else(|| {
            ApiError::field("q", "at most 100 characters", "tối đa 100 ký tự")
        })?)),
        None => None,
    };
    let mut conn = state.pools.read.get().await?;
    let roots = match query.unit_id {
        Some(id) => {
            let unit = units::find(&mut conn, id)
                .await?
                .ok_or_else(ApiError::not_found)?;
            user.scope.authorize(Right::Read, &unit)?;
            vec![unit.id]
        }
        None => user.scope.roots(),
    };
    if roots.is_empty() {
        return Ok(web::Json(Page {
            items: vec![],
            next_cursor: None,
        }));
    }
    let rows = households::list(
        &mut conn,
        HouseholdFilter {
            roots: &roots,
            status: query.status.map(HouseholdStatus::as_str),
            q,
            after,
            limit: limit + 1,
        },
    )
    .await?;
    // personal data per unit: the communes on this page decide who sees the phone
    let mut unit_ids: Vec<Uuid> = rows.iter().map(|h| h.unit_id).collect();
    unit_ids.sort();
    unit_ids.dedup();
    let personal: HashSet<Uuid> = units::find_many(&mut conn, &unit_ids)
        .await?
        .into_iter()
        .filter(|u| user.scope.allows(Right::ReadPersonal, u))
        .map(|u| u.id)
        .collect();
    Ok(web::Json(pagination::page(
        rows,
        limit,
        |h| h.id.to_string(),
        |h| {
            let contact = personal.contains(&h.unit_id);
            HouseholdView::new(h, contact)
        },
    )))
}
