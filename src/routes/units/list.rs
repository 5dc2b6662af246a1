use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::db::units::{self, UnitFilter};
use crate::domain::unit_life::UnitStatus;
use crate::domain::{text, Tier};
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::pagination::{self, Page};
use crate::state::AppState;
use crate::views::units::UnitView;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    pub parent_id: Option<Uuid>,
    pub tier: Option<Tier>,
    /// `active`, `dissolving` or `dissolved`.
    pub status: Option<UnitStatus>,
    /// Matches code, name or full name, with or without diacritics.
    #[param(max_length = 100)]
    pub q: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Units in the caller's scope, ordered by code.
#[utoipa::path(
    operation_id = "listUnits",
    context_path = "/v1",
    tag = "units",
    params(UnitQuery),
    responses((status = 200, description = "A page of units", body = Page<UnitView>), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/units")]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    query: Query<UnitQuery>,
) -> ApiResult<web::Json<Page<UnitView>>> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let after_code = pagination::decode(query.cursor.as_deref())?;
    let q = match query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        // `clean` also refuses control characters: a NUL byte reached PostgreSQL and was a 500
        Some(q) => match text::clean(q, 100) {
            Some(q) => Some(text::fold(&q)),
            None => return Err(ApiError::from(crate::messages::units::search_term("q"))),
        },
        None => None,
    };
    let scope = user.scope.roots();
    let mut conn = state.pools.read.get().await?;
    let rows = units::list(
        &mut conn,
        UnitFilter {
            scope: &scope,
            parent_id: query.parent_id,
            tier: query.tier,
            status: query.status,
            q,
            after_code,
            limit: limit + 1,
        },
    )
    .await?;
    Ok(web::Json(pagination::page(
        rows,
        limit,
        |u| u.code.clone(),
        UnitView::from,
    )))
}
