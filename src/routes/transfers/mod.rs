//! Transfers between tiers (api.md "Spending", ledger.md posting rules): an officer of the
//! sending unit submits (one transfer, or a weighted allocation over several descendants), an
//! approver of the sender approves (reserving the money) or rejects, the sender's finance
//! officer sends (6211 / 1121.N in the sender's fund) and the receiver's finance officer receives
//! (1121.N / 5113 in the receiver's fund). A restricted campaign's earmark travels with the money.

pub mod allocate;
pub mod create;
pub mod decide;
pub mod get;
pub mod list;
pub mod receive;
pub mod send;

use actix_web::web;

pub use crate::views::transfers::{location, AllocationView, TransferView};

pub fn configure(cfg: &mut web::ServiceConfig) {
    // `/transfers/allocate` before `/transfers/{id}` routes of the same method
    cfg.service(allocate::allocate)
        .service(create::create)
        .service(list::list)
        .service(get::get)
        .service(decide::approve)
        .service(decide::reject)
        .service(decide::cancel)
        .service(send::send)
        .service(receive::receive);
}
