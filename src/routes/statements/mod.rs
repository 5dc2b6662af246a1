//! Bank statements of a fund's bank accounts: import (the finance officer uploads the bank's
//! CSV export; lines already imported are skipped) and the lines, for matching against the
//! ledger and for reconciliation.

pub mod create_donations;
pub mod create_fees;
pub mod import;
pub mod lines;
pub mod match_line;
pub mod reconciliation;

use actix_web::web;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::statements::StatementLineRow;
use crate::domain::money;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // a statement may be large: the route reads its body itself, up to 64 MiB
    cfg.service(
        web::resource("/bank-accounts/{id}/statements").route(web::post().to(import::import)),
    )
    .service(lines::list)
    .service(create_donations::create_donations)
    .service(create_fees::create_fees)
    .service(match_line::match_line)
    .service(match_line::unmatch)
    .service(match_line::ignore)
    .service(reconciliation::reconciliation);
}

/// The outcome of an import. Amounts are whole đồng as strings.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportView {
    pub statement_id: Uuid,
    /// Transaction lines in the file (balance and totals rows are not lines).
    pub lines_total: i64,
    /// Lines not seen before on this account.
    pub lines_new: i64,
    /// Lines an earlier import already brought.
    pub lines_duplicate: i64,
    /// Of every line in the file.
    pub credits_total: String,
    pub debits_total: String,
    /// As printed, or worked out from the running balances; absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opening_balance: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closing_balance: Option<String>,
    /// New lines matched to ledger entries automatically.
    pub auto_matched: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatementLineView {
    pub id: Uuid,
    pub line_date: NaiveDate,
    pub doc_no: Option<String>,
    /// Whole đồng; exactly one of `debit` and `credit` is positive, the other `"0"`.
    pub debit: String,
    pub credit: String,
    /// The running balance after the line, when the bank printed one.
    pub balance: Option<String>,
    pub description: String,
    /// `unmatched`, `matched` or `ignored`.
    pub status: String,
    pub matched_entry_id: Option<Uuid>,
    pub ignore_reason: Option<String>,
    /// The import that first brought the line.
    pub statement_id: Uuid,
    pub created_at: DateTime<Utc>,
}

impl From<StatementLineRow> for StatementLineView {
    fn from(l: StatementLineRow) -> Self {
        StatementLineView {
            id: l.id,
            line_date: l.line_date,
            doc_no: l.doc_no,
            debit: money::format(l.debit),
            credit: money::format(l.credit),
            balance: l.balance.map(money::format),
            description: l.description,
            status: l.status,
            matched_entry_id: l.matched_entry_id,
            ignore_reason: l.ignore_reason,
            statement_id: l.statement_id,
            created_at: l.created_at,
        }
    }
}
