use actix_web::{get, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::app;
use crate::auth::AuthUser;
use crate::domain::fund_date;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::ledger::SourceType;
use crate::pagination::{self, decode_cursor, Page};
use crate::state::AppState;
use crate::views::journal::EntryView;

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
    let listing = app::journal::Listing {
        unit_id: query.unit_id,
        from,
        to,
        source_type,
        after,
        limit,
    };
    Ok(web::Json(
        app::journal::list(&mut conn, &user, listing).await?,
    ))
}
