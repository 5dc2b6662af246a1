use std::collections::BTreeMap;

use actix_web::{get, web};
use chrono::{Months, NaiveDate};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::{month_label, parse_month, PeriodView};
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::units;
use crate::domain::clock::month_start;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::ledger::periods::{self, PeriodRow};
use crate::pagination::{self, Page};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The fund's months, newest first: every month from its first posting (or the current month)
/// to the current local month, and any month ever closed.
#[utoipa::path(
    operation_id = "listPeriods",
    context_path = "/v1",
    tag = "periods",
    params(("id" = Uuid, Path, description = "The unit (its fund)"), PeriodQuery),
    responses((status = 200, description = "A page of the unit's monthly periods", body = Page<PeriodView>), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/units/{id}/periods")]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: Query<PeriodQuery>,
) -> ApiResult<web::Json<Page<PeriodView>>> {
    let limit = pagination::limit(query.limit)?;
    let before = pagination::decode(query.cursor.as_deref())?
        .map(|c| {
            parse_month(&c)
                .ok_or_else(|| ApiError::field("cursor", "invalid cursor", "cursor không hợp lệ"))
        })
        .transpose()?;
    let mut conn = state.pools.read.get().await?;
    let unit = units::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    user.scope.authorize(Right::Read, &unit)?;

    let current = month_start(state.settings.clock.today());
    let first = periods::first_posting_month(&mut conn, unit.id)
        .await?
        .map(month_start)
        .unwrap_or(current);
    let mut months: BTreeMap<NaiveDate, Option<PeriodRow>> = BTreeMap::new();
    let mut m = first.min(current);
    while m <= current {
        months.insert(m, None);
        m = m + Months::new(1);
    }
    for row in periods::list(&mut conn, unit.id).await? {
        months.insert(row.month, Some(row));
    }
    let rows: Vec<(NaiveDate, Option<PeriodRow>)> = months
        .into_iter()
        .rev()
        .filter(|(month, _)| !matches!(before, Some(b) if *month >= b))
        .take(limit as usize + 1)
        .collect();
    Ok(web::Json(pagination::page(
        rows,
        limit,
        |(month, _)| month_label(*month),
        |(month, row)| PeriodView::new(month, row),
    )))
}
