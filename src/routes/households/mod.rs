//! The household registry (api.md "Households"): register in a commune (one registration per
//! national ID, anywhere), list and search by name without diacritics, read, correct, and the
//! history of support each household received. The national ID is never returned, only its
//! last four digits; the phone only to callers who may read personal data.

pub mod create;
pub mod get;
pub mod history;
pub mod list;
pub mod update;

use actix_web::web;

pub use crate::views::households::{
    HistoryView, HouseholdView, RegisteredHouseholdView, SupportView,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create::create)
        .service(list::list)
        .service(get::get)
        .service(update::update)
        .service(history::history);
}
