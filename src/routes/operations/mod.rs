//! Operations endpoints: liveness, readiness, metrics, the OpenAPI document and its browser.

pub mod docs;
pub mod health;
pub mod metrics;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(metrics::metrics);
    docs::configure(cfg);
}

/// The documents that answer `HEAD` as well as `GET` (load balancers and uptime checks probe
/// with `HEAD`).
const HEAD_PATHS: [&str; 3] = ["/healthz", "/readyz", "/openapi.json"];

/// Answers `HEAD` of [`HEAD_PATHS`] as their `GET`: actix's HTTP/1 encoder sends no body in
/// reply to a `HEAD` request but keeps every header, `Content-Length` included, so the answer
/// is exactly the `GET`'s without its body. Wraps the router, so it runs before routing.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == Method::HEAD && HEAD_PATHS.contains(&req.path()) {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}
