//! HTTP routes, one folder per resource and one file per action. Handlers parse input into
//! domain types, check scope and rights, call the query modules inside a transaction that also
//! writes the audit event, and build the response view.

pub mod audit_events;
pub mod auth;
pub mod operations;
pub mod units;
pub mod users;

use actix_web::web;

use crate::error::ApiError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    operations::configure(cfg);
    cfg.service(auth::jwks::jwks);
    cfg.service(
        web::scope("/v1")
            .configure(auth::configure)
            .configure(units::configure)
            .configure(users::configure)
            .configure(audit_events::configure),
    );
}

/// Anything no route matches.
pub async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::not_found())
}
