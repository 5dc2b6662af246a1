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

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use uuid::Uuid;

use crate::app::tet_batches;
use crate::auth::scope::Right;
use crate::auth::Accountant;
use crate::domain::tet::date_or_today;
use crate::domain::Role;
use crate::error::ApiResult;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;
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

/// What the finance officer does to a batch on a local date (default today).
#[derive(Debug, Clone, Copy)]
pub enum Settle {
    Disburse,
    Close,
}

/// Disburses or closes batch `id` (a finance officer of the paying unit) on the date `field`
/// gives, in one idempotent transaction.
pub async fn settle(
    accountant: &Accountant,
    state: &AppState,
    id: Uuid,
    key: &IdempotencyKey,
    (hash, settle, field, on): (&[u8], Settle, &str, Option<NaiveDate>),
) -> ApiResult<HttpResponse> {
    let on = date_or_today(field, on, state.settings.clock.today())?;
    let mut conn = state.pools.write.get().await?;
    tet_batches::load(&mut conn, id, accountant, Right::ActAs(Role::Accountant)).await?;
    idempotency::ok(&mut conn, accountant.id.0, key, hash, move |tx| {
        async move {
            Ok(match settle {
                Settle::Disburse => tet_batches::disburse(tx, accountant, id, on).await?,
                Settle::Close => tet_batches::close(tx, accountant, id, on).await?,
            })
        }
        .scope_boxed()
    })
    .await
}
