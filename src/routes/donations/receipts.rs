use actix_web::{get, web};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::app::lookups;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::{donations, units};
use crate::domain::money;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::messages::donations as messages;
use crate::pagination::{self, Page};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReceiptQuery {
    /// Receipt year (local calendar); default the current year.
    /// From 2000 to next year.
    #[param(minimum = 2000)]
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional_year")]
    pub year: Option<i32>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReceiptView {
    pub receipt_number: String,
    pub donation_id: Uuid,
    /// `recorded` or `void`: a voided donation keeps its number.
    pub status: String,
    pub amount_vnd: String,
    pub received_on: NaiveDate,
}

/// The receipt register: every number of the unit's year, in order, void ones included.
#[utoipa::path(
    operation_id = "listReceipts",
    context_path = "/v1",
    tag = "donations",
    params(("id" = Uuid, Path, description = "the unit"), ReceiptQuery),
    responses((status = 200, description = "A page of the unit's receipt register, in number order", body = Page<ReceiptView>), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/units/{id}/receipts")]
pub async fn receipts(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: Query<ReceiptQuery>,
) -> ApiResult<web::Json<Page<ReceiptView>>> {
    let limit = pagination::limit(query.limit)?;
    let year = query
        .year
        .unwrap_or_else(|| state.settings.clock.today().year());
    let after = match pagination::decode(query.cursor.as_deref())? {
        Some(s) => s
            .parse::<i32>()
            .map_err(|_| ApiError::from(messages::invalid_cursor()))?,
        None => 0,
    };
    let mut conn = state.pools.read.get().await?;
    let unit = units::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    lookups::authorize(&mut conn, &user.scope, Right::Read, &unit).await?;
    let rows = donations::receipts(&mut conn, unit.id, year, after, limit + 1).await?;
    Ok(web::Json(pagination::page(
        rows,
        limit,
        |r| r.receipt_seq.to_string(),
        |r| ReceiptView {
            receipt_number: r.receipt_number,
            donation_id: r.donation_id,
            status: r.status,
            amount_vnd: money::format(r.amount_vnd),
            received_on: r.received_on,
        },
    )))
}
