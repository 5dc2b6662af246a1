use actix_web::{get, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::EntryView;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::units;
use crate::domain::fund_date;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::ledger::entries::{self, JournalFilter};
use crate::ledger::SourceType;
use crate::pagination::{self, Page};
use crate::pagination::{cursor_key, decode_cursor};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct JournalQuery {
    /// Entries of this fund only; without it, of every fund in the caller's scope.
    pub unit_id: Option<Uuid>,
    /// First effective date, inclusive (`YYYY-MM-DD`).
    #[param(value_type = Option<String>, format = Date)]
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub from: Option<NaiveDate>,
    /// Last effective date, inclusive (`YYYY-MM-DD`).
    #[param(value_type = Option<String>, format = Date)]
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub to: Option<NaiveDate>,
    #[param(value_type = Option<SourceType>)]
    pub source_type: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Journal entries with their postings, by effective date, in the caller's scope.
#[utoipa::path(
    operation_id = "listJournalEntries",
    context_path = "/v1",
    tag = "ledger",
    params(JournalQuery),
    responses((status = 200, description = "A page of journal entries", body = Page<EntryView>), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/journal")]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    query: Query<JournalQuery>,
) -> ApiResult<web::Json<Page<EntryView>>> {
    let limit = pagination::limit(query.limit)?;
    let after = decode_cursor::<Uuid>(query.cursor.as_deref())?;
    let (from, to) = (query.from, query.to);
    fund_date::ordered(from, to)?;
    let source_type = query
        .source_type
        .as_deref()
        .map(|s| {
            SourceType::parse(s).ok_or_else(|| {
                ApiError::field(
                    "source_type",
                    "unknown source type",
                    "loại nguồn không hợp lệ",
                )
            })
        })
        .transpose()?;
    let mut conn = state.pools.read.get().await?;
    if let Some(unit_id) = query.unit_id {
        let unit = units::find(&mut conn, unit_id)
            .await?
            .ok_or_else(ApiError::not_found)?;
        user.scope.authorize(Right::Read, &unit)?;
    }
    let scope = user.scope.roots();
    let rows = entries::list(
        &mut conn,
        JournalFilter {
            units: &scope,
            unit: query.unit_id,
            from,
            to,
            source_type,
            after,
            limit: limit + 1,
        },
    )
    .await?;
    let page = pagination::page(rows, limit, |e| cursor_key(e.effective_date, e.id), |e| e);
    let items = super::views(&mut conn, page.items).await?;
    Ok(web::Json(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}
