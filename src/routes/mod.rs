//! HTTP routes, one folder per resource and one file per action. Handlers parse input into
//! domain types, check scope and rights, call the query modules inside a transaction that also
//! writes the audit event, and build the response view.

pub mod accounts;
pub mod attachments;
pub mod audit_events;
pub mod auth;
pub mod bank_accounts;
pub mod campaigns;
pub mod disbursements;
pub mod donations;
pub mod handovers;
pub mod house_contributions;
pub mod households;
pub mod houses;
pub mod housing_norms;
pub mod journal;
pub mod ledger;
pub mod operations;
pub mod periods;
pub mod public;
pub mod reports;
pub mod statements;
pub mod tet_batches;
pub mod transfers;
pub mod units;
pub mod users;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{HttpServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::ALLOW;
use actix_web::http::StatusCode;
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, ResponseError};

use crate::error::ApiError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    operations::configure(cfg);
    cfg.service(auth::jwks::jwks);
    cfg.service(
        web::scope("/v1")
            .configure(auth::configure)
            .configure(units::configure)
            .configure(users::configure)
            .configure(audit_events::configure)
            .configure(accounts::configure)
            .configure(journal::configure)
            .configure(ledger::configure)
            .configure(periods::configure)
            .configure(campaigns::configure)
            .configure(bank_accounts::configure)
            .configure(donations::configure)
            .configure(households::configure)
            .configure(disbursements::configure)
            .configure(tet_batches::configure)
            .configure(transfers::configure)
            .configure(handovers::configure)
            .configure(housing_norms::configure)
            .configure(houses::configure)
            .configure(public::configure)
            .configure(house_contributions::configure)
            .configure(reports::configure)
            .configure(attachments::configure)
            .configure(statements::configure)
            // keep last: it matches every path
            .service(unmatched()),
    );
    // keep last: it matches every path
    cfg.service(unmatched());
}

/// Catches what no route matched, so a known path with the wrong method is 405 rather than 404.
/// The `#[get]`/`#[post]` macros put the method guard on the resource, so a wrong method falls
/// through to here; on the way, actix's method guards recorded the methods of every route whose
/// path matched, and a resource with no routes answers 405 with exactly those in `Allow`. No
/// `Allow` means no route has this path: 404.
fn unmatched() -> impl HttpServiceFactory {
    web::resource("/{tail:.*}").wrap(from_fn(not_found_unless_allowed))
}

async fn not_found_unless_allowed(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = next.call(req).await?;
    if res.status() == StatusCode::METHOD_NOT_ALLOWED && !res.headers().contains_key(ALLOW) {
        let (req, _) = res.into_parts();
        return Ok(ServiceResponse::new(
            req,
            ApiError::not_found().error_response(),
        ));
    }
    Ok(res.map_into_boxed_body())
}

/// Anything no route matches.
pub async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::not_found())
}
