use actix_web::{get, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::DonationView;
use crate::app::donations;
use crate::auth::AuthUser;
use crate::db::donations::DonationFilter;
use crate::domain::donation::Channel;
use crate::domain::fund_date;
use crate::domain::text;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::messages::donations as messages;
use crate::pagination::{self, Page};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DonationQuery {
    /// Donations of this unit's fund (not its subtree).
    pub unit_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    /// Received on or after (local date).
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub from: Option<NaiveDate>,
    /// Received on or before (local date).
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub to: Option<NaiveDate>,
    pub channel: Option<Channel>,
    /// `recorded` or `void`.
    #[param(pattern = "^(recorded|void)$")]
    pub status: Option<String>,
    /// Donor name, with or without diacritics: `nguyen van a` finds `Nguyễn Văn A`.
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// Only donations whose donor name, read from a bank statement, waits for a finance
    /// officer's check (`donor_name_to_check`).
    pub name_to_check: Option<bool>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Donations in the caller's scope, oldest first.
#[utoipa::path(
    operation_id = "listDonations",
    context_path = "/v1",
    tag = "donations",
    params(DonationQuery),
    responses((status = 200, description = "A page of donations", body = Page<DonationView>), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/donations")]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    query: Query<DonationQuery>,
) -> ApiResult<web::Json<Page<DonationView>>> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let after = decode_cursor(query.cursor.as_deref())?;
    fund_date::ordered(query.from, query.to)?;
    if query
        .status
        .as_deref()
        .is_some_and(|s| s != "recorded" && s != "void")
    {
        return Err(crate::input_errors::not_one_of(
            "status",
            &["recorded", "void"],
        ));
    }
    let q = match query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => Some(text::fold(
            &text::clean(q, 100).ok_or_else(|| ApiError::from(messages::search_text("q")))?,
        )),
        None => None,
    };
    let mut conn = state.pools.read.get().await?;
    let filter = DonationFilter {
        units: &[],
        campaign_id: query.campaign_id,
        from: query.from,
        to: query.to,
        channel: query.channel.map(|c| c.as_str()),
        status: query.status.as_deref(),
        q,
        public_names_only: false,
        min_amount: None,
        max_amount: None,
        reference: None,
        name_to_check: query.name_to_check.unwrap_or(false),
        after,
        limit: limit + 1,
    };
    let views = donations::list(&mut conn, &user, query.unit_id, filter).await?;
    Ok(web::Json(pagination::page(
        views,
        limit,
        |v| format!("{}|{}", v.received_on, v.id),
        |v| v,
    )))
}

/// Cursor of donation listings: `received_on|id`.
pub fn decode_cursor(cursor: Option<&str>) -> ApiResult<Option<(NaiveDate, Uuid)>> {
    let bad = || ApiError::from(messages::invalid_cursor());
    pagination::decode(cursor)?
        .map(|s| {
            let (date, id) = s.split_once('|').ok_or_else(bad)?;
            Ok((
                date.parse().map_err(|_| bad())?,
                id.parse().map_err(|_| bad())?,
            ))
        })
        .transpose()
}
