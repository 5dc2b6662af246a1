//! Tết gift batches (api.md "Spending"): an officer proposes one gift for many households of a
//! Tết campaign, an approver reserves the money, the finance officer disburses the batch total
//! in one journal entry, officers sync deliveries from the field, and closing the batch
//! returns the undelivered gifts to the fund (ledger.md "Tết batch disbursed" and "settled").
//! One gift per household per campaign holds across the whole tree.

pub mod close;
pub mod create;
pub mod decide;
pub mod deliveries;
pub mod disburse;
pub mod get;
pub mod list;
pub mod recipients_csv;

use actix_web::web;

pub use crate::views::tet_batches::TetBatchView;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create::create)
        .service(list::list)
        .service(get::get)
        .service(decide::approve)
        .service(decide::reject)
        .service(decide::cancel)
        .service(disburse::disburse)
        .service(deliveries::deliveries)
        .service(close::close)
        .service(recipients_csv::recipients_csv);
}
