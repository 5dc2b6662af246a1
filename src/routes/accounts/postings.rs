use actix_web::{get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::{accounts, units};
use crate::domain::fund_date;
use crate::domain::money;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::ledger::{entries, Side};
use crate::pagination::{self, Page};
use crate::pagination::{cursor_key, decode_cursor};
use crate::state::AppState;

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

/// One line of the account's ledger.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostingView {
    pub id: i64,
    pub entry_id: Uuid,
    pub effective_date: NaiveDate,
    pub side: Side,
    #[schema(example = "1500000")]
    pub amount: String,
    /// The earmark (restricted campaign), if any.
    pub campaign_id: Option<Uuid>,
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
    let account = accounts::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let unit = units::find(&mut conn, account.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    user.scope.authorize(Right::Read, &unit)?;
    let rows = entries::account_postings(&mut conn, account.id, from, to, after, limit + 1).await?;
    Ok(web::Json(pagination::page(
        rows,
        limit,
        |p| cursor_key(p.effective_date, p.id),
        |p| PostingView {
            id: p.id,
            entry_id: p.entry_id,
            effective_date: p.effective_date,
            side: Side::parse(&p.side).unwrap_or(Side::Debit),
            amount: money::format(p.amount),
            campaign_id: p.campaign_id,
        },
    )))
}
