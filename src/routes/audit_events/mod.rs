//! The audit trail, for admins and auditors in scope.

pub mod list;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list::list);
}
