//! The public record (no token): what a campaign received and holds, its donations as donors
//! agreed to be shown, receipt confirmation, and a unit's yearly summary. Nothing here reveals a
//! donor's contact details, an anonymous donor's name, or a full account number or bank
//! reference. Every request is throttled per client address, and reads go to the replica.

pub mod campaign;
pub mod campaign_donations;
pub mod campaign_spending;
pub mod receipt;
pub mod unit_summary;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, HttpMessage};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::donations::{ChannelTotal, DonationRow};
use crate::domain::donation::ANONYMOUS_DISPLAY;
use crate::domain::money;
use crate::error::{ApiError, Code};
use crate::i18n::Lang;
use crate::middleware::request_id::RequestMeta;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/public")
            .wrap(from_fn(rate_limit))
            .service(campaign::campaign)
            .service(campaign_donations::list)
            .service(campaign_spending::spending)
            .service(receipt::receipt)
            .service(unit_summary::summary)
            // keep last: unknown public paths and wrong methods are throttled too
            .service(super::unmatched()),
    );
}

/// 429 `rate_limited` once a client address has used its `public_per_minute_per_ip`, with
/// `Retry-After` saying when the next request will be let through.
async fn rate_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal("AppState missing"))?;
    let ip = req
        .extensions()
        .get::<RequestMeta>()
        .and_then(|m| m.client_ip.clone())
        .unwrap_or_default();
    if let Err(wait) = state.public_limiter.check(&ip) {
        let seconds = crate::auth::rate_limit::retry_after_seconds(wait);
        let res = ApiError::new(Code::RateLimited)
            .detail(
                format!("Too many requests from this address; retry in {seconds} s."),
                format!("Quá nhiều yêu cầu từ địa chỉ này; thử lại sau {seconds} giây."),
            )
            .retry_after(wait)
            .to_response(Lang::from_headers(req.headers()));
        return Ok(req.into_response(res));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// A unit as the public sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicUnit {
    pub id: Uuid,
    #[schema(example = "06001")]
    pub code: String,
    pub name: String,
}

/// Whole đồng per channel, as strings.
#[derive(Debug, Serialize, ToSchema)]
pub struct ByChannel {
    #[schema(example = "1500000")]
    pub cash: String,
    #[schema(example = "0")]
    pub bank_transfer: String,
    #[schema(example = "0")]
    pub in_kind: String,
}

/// Totals of recorded donations: (sum, count, per channel).
pub fn summarise(totals: &[ChannelTotal]) -> (Decimal, i64, ByChannel) {
    let of = |channel: &str| {
        totals
            .iter()
            .filter(|t| t.channel == channel)
            .filter_map(|t| t.amount_vnd)
            .sum::<Decimal>()
    };
    let total = totals.iter().filter_map(|t| t.amount_vnd).sum();
    let count = totals.iter().map(|t| t.count).sum();
    let by_channel = ByChannel {
        cash: money::format(of("cash")),
        bank_transfer: money::format(of("bank_transfer")),
        in_kind: money::format(of("in_kind")),
    };
    (total, count, by_channel)
}

/// The donor's name when they agreed to be named, otherwise "Nhà hảo tâm".
pub fn donor_display(d: &DonationRow) -> String {
    match (&d.donor_name, d.public_display.as_str()) {
        (Some(name), "name") => name.clone(),
        _ => ANONYMOUS_DISPLAY.to_owned(),
    }
}

/// `******1234`: the last four characters of a bank reference, never the whole of it.
pub fn mask_reference(reference: &str) -> String {
    let chars: Vec<char> = reference.chars().collect();
    let last4: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("******{last4}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_keep_only_their_last_four_characters() {
        assert_eq!(mask_reference("FT26069123456"), "******3456");
        assert_eq!(mask_reference("12"), "******12");
        // characters, not bytes: a Vietnamese reference cannot split a letter
        assert_eq!(mask_reference("ỦNG HỘ ĐỒNG BÀO"), "****** BÀO");
    }
}
