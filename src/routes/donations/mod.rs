//! Donations: record (with a gapless receipt number and a balanced entry in one transaction),
//! read, list, void, correct who gave, and the receipt register.

pub mod correct_donor;
pub mod create;
pub mod get;
pub mod list;
pub mod receipts;
pub mod void;

use actix_web::web;

pub use crate::views::donations::{DonationView, DonorView};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create::create)
        .service(list::list)
        .service(get::get)
        .service(void::void)
        .service(correct_donor::correct_donor)
        .service(receipts::receipts);
}
