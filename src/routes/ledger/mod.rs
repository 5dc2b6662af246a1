//! A fund's ledger as auditors take it away: integrity verification of the sealed journal
//! and exports of its entries.

pub mod export;
pub mod verify;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(verify::verify).service(export::export);
}
