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
