//! Operations endpoints: liveness, readiness, metrics, the OpenAPI document and its browser.

pub mod docs;
pub mod health;
pub mod metrics;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(metrics::metrics);
    docs::configure(cfg);
}
