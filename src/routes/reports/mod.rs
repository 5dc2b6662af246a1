//! Reports of a unit's fund (`/v1/units/{id}/reports/...`), read from the replica.

pub mod fund_statement;
pub mod housing;
pub mod trial_balance;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(housing::housing)
        .service(trial_balance::trial_balance)
        .service(fund_statement::fund_statement);
}
