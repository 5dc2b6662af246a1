use actix_web::{get, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::StatementLineView;
use crate::app;
use crate::auth::AuthUser;
use crate::db::statements::LineFilter;
use crate::domain::fund_date;
use crate::domain::statement::{reference, LineStatus};
use crate::domain::text;
use crate::error::ApiResult;
use crate::extract::Query;
use crate::messages::statements::search_too_long;
use crate::pagination::{self, decode_cursor, Page};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LineQuery {
    /// `unmatched`, `matched` or `ignored`.
    #[param(pattern = "^(unmatched|matched|ignored)$")]
    pub status: Option<String>,
    /// Lines dated on or after.
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub from: Option<NaiveDate>,
    /// Lines dated on or before.
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub to: Option<NaiveDate>,
    /// Part of the description, with or without diacritics and in any case; or, exactly, one
    /// of the line's bank references (its document number, `FT…` reference or transaction
    /// number).
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// Only the lines first brought by this import.
    pub statement_id: Option<Uuid>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The bank account's statement lines, oldest first.
#[utoipa::path(
    operation_id = "listStatementLines",
    context_path = "/v1",
    tag = "statements",
    params(("id" = Uuid, Path, description = "the bank account"), LineQuery),
    responses((status = 200, description = "A page of statement lines", body = Page<StatementLineView>), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/bank-accounts/{id}/statement-lines")]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: Query<LineQuery>,
) -> ApiResult<web::Json<Page<StatementLineView>>> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let after = decode_cursor::<Uuid>(query.cursor.as_deref())?;
    fund_date::ordered(query.from, query.to)?;
    let status = match query.status.as_deref() {
        None => None,
        Some(s) => Some(LineStatus::parse(s).ok_or_else(|| {
            crate::input_errors::not_one_of("status", &["unmatched", "matched", "ignored"])
        })?),
    };
    let (q, reference) = match query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => (
            Some(text::fold(
                &text::clean(q, 100).ok_or_else(search_too_long)?,
            )),
            reference::normalise_query(q),
        ),
        None => (None, None),
    };
    let mut conn = state.pools.read.get().await?;
    let filter = LineFilter {
        status,
        from: query.from,
        to: query.to,
        q,
        reference,
        statement_id: query.statement_id,
        after,
        limit: limit + 1,
    };
    let rows = app::statements::lines(&mut conn, &user, *id, filter).await?;
    Ok(web::Json(pagination::page(
        rows,
        limit,
        |l| pagination::cursor_key(l.line_date, l.id),
        StatementLineView::from,
    )))
}
