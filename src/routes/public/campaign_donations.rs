use std::collections::HashMap;

use actix_web::{get, web};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::db::campaigns;
use crate::db::donations::{self, DonationFilter};
use crate::domain::fund_date;
use crate::domain::statement::reference;
use crate::domain::{money, text};
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::pagination::decode_cursor;
use crate::pagination::{self, Page};
use crate::state::AppState;
use crate::views::public::PublicDonation;
use crate::views::public::{donor_display, mask_reference};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PublicDonationQuery {
    /// Donor name, with or without diacritics. Matches only donors who chose to be named.
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// The bank's reference of a transfer, exactly as the bank printed it (its document number,
    /// e.g. `5239.43753`, its `FT…` reference or its transaction number), in any case: finds
    /// that transfer's donation only, never a part or prefix of a reference.
    #[param(max_length = 40)]
    pub reference: Option<String>,
    /// At least this many đồng (a whole-đồng string).
    #[param(example = "100000")]
    pub min_amount: Option<String>,
    /// At most this many đồng (a whole-đồng string).
    #[param(example = "5000000")]
    pub max_amount: Option<String>,
    /// Received on or after (local date, `YYYY-MM-DD`).
    #[param(value_type = Option<String>)]
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub from: Option<NaiveDate>,
    /// Received on or before (local date, `YYYY-MM-DD`).
    #[param(value_type = Option<String>)]
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub to: Option<NaiveDate>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A whole-đồng bound (zero allowed).
fn amount_bound(field: &str, raw: Option<&str>) -> ApiResult<Option<Decimal>> {
    raw.map(|s| {
        money::parse_vnd_or_zero(s).ok().ok_or_else(|| {
            ApiError::field(
                field,
                "a whole number of đồng, e.g. \"100000\"",
                "số đồng nguyên, ví dụ \"100000\"",
            )
        })
    })
    .transpose()
}

/// The recorded donations to a campaign, in every unit's fund, oldest first. Void donations are
/// left out; anonymous donors show as "Nhà hảo tâm" and are never matched by `q`.
#[utoipa::path(
    operation_id = "listPublicCampaignDonations",
    context_path = "/v1/public",
    tag = "public",
    params(("id" = Uuid, Path, description = "The campaign"), PublicDonationQuery),
    responses(
        (status = 200, description = "A page of the campaign's published donations", body = Page<PublicDonation>),
        (status = 429, description = "`rate_limited`; `Retry-After` says when to retry", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    )
)]
#[get("/campaigns/{id}/donations")]
pub async fn list(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: Query<PublicDonationQuery>,
) -> ApiResult<web::Json<Page<PublicDonation>>> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let after = decode_cursor(query.cursor.as_deref())?;
    let (from, to) = (query.from, query.to);
    fund_date::ordered(from, to)?;
    let min_amount = amount_bound("min_amount", query.min_amount.as_deref())?;
    let max_amount = amount_bound("max_amount", query.max_amount.as_deref())?;
    let q = match query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => Some(text::fold(&text::clean(q, 100).ok_or_else(|| {
            ApiError::from(crate::messages::units::at_most_100("q"))
        })?)),
        None => None,
    };
    let reference = match query.reference.as_deref().map(str::trim) {
        None => None,
        Some(typed) => Some(reference::normalise_query(typed).ok_or_else(|| {
            ApiError::field(
                "reference",
                "a bank reference: letters, digits and . / - _, at most 40",
                "mã tham chiếu ngân hàng: chữ, số và . / - _, tối đa 40 ký tự",
            )
        })?),
    };
    let mut conn = state.pools.read.get().await?;
    let campaign = campaigns::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let rows = donations::list(
        &mut conn,
        DonationFilter {
            // every unit's fund
            units: &[],
            campaign_id: Some(campaign.id),
            from,
            to,
            channel: None,
            status: Some("recorded"),
            // a name search must never reach a donor who asked not to be named
            public_names_only: q.is_some(),
            q,
            min_amount,
            max_amount,
            reference,
            name_to_check: false,
            after,
            limit: limit + 1,
        },
    )
    .await?;
    // the bank's own reference where the transfer came from a statement line (a booked line's
    // donation carries an internal one)
    let entries: Vec<Uuid> = rows.iter().map(|d| d.journal_entry_id).collect();
    let bank_refs: HashMap<Uuid, String> = donations::line_references(&mut conn, &entries)
        .await?
        .into_iter()
        .collect();
    Ok(web::Json(pagination::page(
        rows,
        limit,
        |d| format!("{}|{}", d.received_on, d.id),
        |d| PublicDonation {
            received_on: d.received_on,
            amount_vnd: money::format(d.amount_vnd),
            donor_display: donor_display(&d),
            reference_masked: bank_refs
                .get(&d.journal_entry_id)
                .or(d.bank_reference.as_ref())
                .map(|r| mask_reference(r)),
            channel: d.channel,
            receipt_number: d.receipt_number,
        },
    )))
}
