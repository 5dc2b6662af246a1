//! The fund's accounts: the chart with balances, one account and its postings, and the fund's
//! money by kind and earmark (`app::accounts`).

pub mod balances;
pub mod get;
pub mod list;
pub mod postings;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list::list)
        .service(balances::balances)
        .service(get::get)
        .service(postings::postings);
}
