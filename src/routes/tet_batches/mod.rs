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
use diesel_async::AsyncPgConnection;

use crate::db::tet_batches::TetBatchRow;
use crate::error::ApiResult;

pub use crate::app::tet_batches::{holder, load};
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

/// The view of a batch after a change (for `decide.rs`, until the decisions move into
/// `app::spending`).
pub async fn view(conn: &mut AsyncPgConnection, row: TetBatchRow) -> ApiResult<TetBatchView> {
    Ok(crate::app::tet_batches::view(conn, row).await?)
}
