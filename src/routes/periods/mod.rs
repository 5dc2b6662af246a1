//! Monthly periods of a fund: the list with states, closing (bottom-up, communes before their
//! parent, recording the closing trial balance) and re-opening with a reason. The decisions are
//! `app::periods`'.

pub mod close;
pub mod list;
pub mod reopen;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list::list)
        .service(close::close)
        .service(reopen::reopen);
}
