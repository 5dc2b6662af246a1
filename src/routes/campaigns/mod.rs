//! Campaigns (đợt vận động): a campaign is usable by its unit and every unit below it.

pub mod create;
pub mod get;
pub mod list;
pub mod report;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create::create)
        .service(list::list)
        .service(get::get)
        .service(report::report);
}
