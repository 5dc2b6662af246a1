use actix_web::{get, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::StatementLineView;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::statements::{self, LineFilter};
use crate::db::{bank_accounts, units};
use crate::domain::fund_date;
use crate::domain::text;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::pagination::{self, Page};
use crate::routes::donations::list::decode_cursor;
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
    /// Part of the description, with or without diacritics and in any case.
    #[param(max_length = 100)]
    pub q: Option<String>,
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
    let after = decode_cursor(query.cursor.as_deref())?;
    fund_date::ordered(query.from, query.to)?;
    if query
        .status
        .as_deref()
        .is_some_and(|s| !matches!(s, "unmatched" | "matched" | "ignored"))
    {
        return Err(crate::input_errors::not_one_of(
            "status",
            &["unmatched", "matched", "ignored"],
        ));
    }
    let q = match query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => Some(text::fold(&text::clean(q, 100).ok_or_else(|| {
            ApiError::field("q", "at most 100 characters", "tối đa 100 ký tự")
        })?)),
        None => None,
    };
    let mut conn = state.pools.read.get().await?;
    let bank = bank_accounts::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let unit = units::find(&mut conn, bank.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    user.scope.authorize(Right::Read, &unit)?;
    let rows = statements::list_lines(
        &mut conn,
        LineFilter {
            bank_account_id: bank.id,
            status: query.status.as_deref(),
            from: query.from,
            to: query.to,
            q,
            after,
            limit: limit + 1,
        },
    )
    .await?;
    Ok(web::Json(pagination::page(
        rows,
        limit,
        |l| format!("{}|{}", l.line_date, l.id),
        StatementLineView::from,
    )))
}
