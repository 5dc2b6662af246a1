//! Bank accounts of a fund; each gets its ledger sub-account 1121.N.

pub mod create;
pub mod get;
pub mod list;
pub mod opening_balance;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create::create)
        .service(list::list)
        .service(get::get)
        .service(opening_balance::record);
}
