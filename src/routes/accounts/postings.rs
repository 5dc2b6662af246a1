use actix_web::{get, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::app;
use crate::auth::AuthUser;
use crate::domain::fund_date;
use crate::error::ApiResult;
use crate::extract::Query;
use crate::pagination::{self, Page};
use crate::pagination::{cursor_key, decode_cursor};
use crate::state::AppState;
use crate::views::accounts::PostingView;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PostingQuery {
    /// First effective date, inclusive (`YYYY-MM-DD`).
    #[param(value_type = Option<String>, format = Date)]
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub from: Option<NaiveDate>,
    /// Last effective date, inclusive (`YYYY-MM-DD`).
    #[param(value_type = Option<String>, format = Date)]
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub to: Option<NaiveDate>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The account's postings by effective date (keyset pagination, stable while postings arrive).
#[utoipa::path(
    operation_id = "listAccountPostings",
    context_path = "/v1",
    tag = "ledger",
    params(("id" = Uuid, Path), PostingQuery),
    responses((status = 200, description = "A page of the account's postings", body = Page<PostingView>), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/accounts/{id}/postings")]
pub async fn postings(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: Query<PostingQuery>,
) -> ApiResult<web::Json<Page<PostingView>>> {
    let limit = pagination::limit(query.limit)?;
    let after = decode_cursor::<i64>(query.cursor.as_deref())?;
    let (from, to) = (query.from, query.to);
    fund_date::ordered(from, to)?;
    let mut conn = state.pools.read.get().await?;
    let rows = app::accounts::postings(&mut conn, &user, *id, (from, to), after, limit + 1).await?;
    Ok(web::Json(pagination::page(
        rows,
        limit,
        |p| cursor_key(p.effective_date, p.id),
        |p| p,
    )))
}
