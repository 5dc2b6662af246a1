//! Handovers (bàn giao) of the funds of units that ended in the 2025 reform (reform.md):
//! proposed with their computed split, decided by four eyes, executed in one transaction, and
//! the arrival of bank money recorded by each successor.

pub mod create;
pub mod decide;
pub mod execute;
pub mod get;
pub mod list;
pub mod receive;
pub mod rounds;

use actix_web::web;

pub use crate::views::handovers::HandoverView;

/// Where a handover is read.
pub fn location(v: &HandoverView) -> Option<String> {
    Some(format!("/v1/handovers/{}", v.id))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create::create)
        .service(list::list)
        .service(get::get)
        .service(decide::approve)
        .service(decide::reject)
        .service(decide::cancel)
        .service(execute::execute)
        .service(receive::receive)
        .service(rounds::plan)
        .service(rounds::approve_all)
        .service(rounds::execute_all);
}
