//! Bank statements of a fund's bank accounts: import (the finance officer uploads the bank's
//! CSV export; lines already imported are skipped) and the lines, for matching against the
//! ledger and for reconciliation. The decisions are `app::statements`'.

pub mod create_donations;
pub mod create_fees;
pub mod import;
pub mod imports;
pub mod lines;
pub mod match_line;
pub mod reconciliation;

use actix_web::web;

pub use crate::views::statements::{ImportView, StatementLineView};

pub fn configure(cfg: &mut web::ServiceConfig) {
    // a statement may be large: the route reads its body itself, up to 64 MiB
    cfg.service(
        web::resource("/bank-accounts/{id}/statements")
            .route(web::post().to(import::import))
            .route(web::get().to(imports::list)),
    )
    .service(imports::withdraw)
    .service(lines::list)
    .service(create_donations::create_donations)
    .service(create_fees::create_fees)
    .service(match_line::match_line)
    .service(match_line::unmatch)
    .service(match_line::ignore)
    .service(reconciliation::reconciliation);
}
