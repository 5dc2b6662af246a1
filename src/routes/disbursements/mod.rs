//! Grants (`/v1/disbursements`): medical, education, livelihood, emergency relief, community
//! works and other support, to a household or not, from a restricted campaign's money or from
//! unrestricted money only; submitted by an officer, approved by another person (reserving the
//! amount), paid by a finance officer (posting 61x1 against cash, bank or goods).

pub mod create;
pub mod decide;
pub mod get;
pub mod list;
pub mod pay;

use actix_web::web;

pub use crate::views::grants::{location, DisbursementView};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create::create)
        .service(list::list)
        .service(get::get)
        .service(decide::approve)
        .service(decide::reject)
        .service(decide::cancel)
        .service(pay::pay);
}
