//! Bank statements as the API shows them: an import's outcome, the lines, a reconciliation.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::opening_balances::OpeningBalanceRow;
use crate::db::reconciliation::Tally;
use crate::db::statements::{StatementLineRow, StatementRow, WithdrawalRow};
use crate::domain::money;

/// Ids of what a creation from lines made are listed up to this many.
pub const MAX_LISTED: usize = 1_000;

/// What a creation from statement lines made. Amounts are whole đồng as strings.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedFromLines {
    pub created: i64,
    /// Lines asked for that were not turned into anything: already matched or ignored, the
    /// wrong side, or (for fees from all debits) not a fee.
    pub skipped: i64,
    pub amount_vnd: String,
    /// Absent when more than 1,000 were created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub donation_ids: Option<Vec<Uuid>>,
    /// The fee entries; absent when more than 1,000 were created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_ids: Option<Vec<Uuid>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_receipt_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_receipt_number: Option<String>,
}

/// The ids of what was created, when there are few enough to list.
pub fn listed(ids: Vec<Uuid>) -> Option<Vec<Uuid>> {
    (ids.len() <= MAX_LISTED).then_some(ids)
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
    /// While the bank account has no opening balance booked and the statement opens with one:
    /// what `POST /v1/bank-accounts/{id}/opening-balance` would book.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opening_balance_offer: Option<OpeningBalanceOffer>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatementLineView {
    pub id: Uuid,
    pub line_date: NaiveDate,
    pub doc_no: Option<String>,
    /// The bank's own references of the line (its document number, `FT…` reference, the
    /// transaction numbers in its description), upper case; `q` finds a line by any of them.
    pub references: Vec<String>,
    /// The sender's name, when the export has a column for it.
    pub counterparty: Option<String>,
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
            references: l.bank_references,
            counterparty: l.counterparty,
            debit: money::format(l.debit),
            credit: money::format(l.credit),
            balance: l.balance.map(money::format),
            description: l.description,
            status: l.status.as_str().to_owned(),
            matched_entry_id: l.matched_entry_id,
            ignore_reason: l.ignore_reason,
            statement_id: l.statement_id,
            created_at: l.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnmatchedView {
    pub count: i64,
    /// Signed whole đồng: money in positive, money out negative.
    pub amount: String,
}

impl From<Tally> for UnmatchedView {
    fn from(t: Tally) -> Self {
        UnmatchedView {
            count: t.count,
            amount: money::format(t.amount),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReconciliationView {
    pub bank_account_id: Uuid,
    pub as_of: NaiveDate,
    /// Σ (debit − credit) of the postings to the account's 1121.N dated on or before `as_of`.
    pub book_balance: String,
    /// The bank's balance at the end of `as_of`, from the imported statements (see
    /// `bank_balance_source`).
    pub bank_balance: String,
    /// `line_balance`: the running balance printed on the last line on or before `as_of` that
    /// has one; `statement_closing`: the closing balance of the latest statement ending on or
    /// before `as_of`; `computed`: the earliest statement's opening balance (or 0). In each case
    /// plus the credits less the debits of the lines after it up to `as_of`.
    pub bank_balance_source: String,
    /// `book_balance − bank_balance`.
    pub difference: String,
    /// Lines dated on or before `as_of` still unmatched; amount Σ (credit − debit).
    pub unmatched_bank_lines: UnmatchedView,
    /// Entries posting to the account dated on or before `as_of` that no line dated on or
    /// before `as_of` is matched to (the account's booked opening balance is not one: it stands
    /// for the statement's opening); amount Σ (debit − credit) of those postings.
    pub unmatched_book_entries: UnmatchedView,
}

/// A bank account's booked opening balance. Amounts are whole đồng as strings.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpeningBalanceView {
    pub bank_account_id: Uuid,
    pub as_of: NaiveDate,
    pub amount: String,
    /// The restricted campaign the money is earmarked for, if any.
    pub campaign_id: Option<Uuid>,
    /// The entry that booked it (debit the account's 1121.N, credit 4111), source type
    /// `opening_balance`.
    pub journal_entry_id: Uuid,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
}

impl From<OpeningBalanceRow> for OpeningBalanceView {
    fn from(r: OpeningBalanceRow) -> Self {
        OpeningBalanceView {
            bank_account_id: r.bank_account_id,
            as_of: r.as_of,
            amount: money::format(r.amount),
            campaign_id: r.campaign_id,
            journal_entry_id: r.journal_entry_id,
            recorded_by: r.recorded_by,
            recorded_at: r.recorded_at,
        }
    }
}

/// The balance an import found at the start of its statement, offered for booking as the
/// account's opening balance (present only while the account has none).
#[derive(Debug, Serialize, ToSchema)]
pub struct OpeningBalanceOffer {
    /// The day before the statement's first line.
    pub as_of: NaiveDate,
    pub amount: String,
}

/// One import of a bank account, as listed. Amounts are whole đồng as strings.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementView {
    pub id: Uuid,
    pub bank_account_id: Uuid,
    /// The layout the file was read in.
    pub format: String,
    pub imported_by: Uuid,
    pub imported_at: DateTime<Utc>,
    pub lines_total: i32,
    pub lines_new: i32,
    pub lines_duplicate: i32,
    pub credits_total: String,
    pub debits_total: String,
    pub opening_balance: Option<String>,
    pub closing_balance: Option<String>,
    pub first_date: NaiveDate,
    pub last_date: NaiveDate,
    /// SHA-256 of the file as uploaded, hex.
    pub sha256: String,
    /// `imported` or `withdrawn`.
    pub status: String,
    /// Present once withdrawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawal: Option<WithdrawalView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WithdrawalView {
    pub reason: String,
    pub withdrawn_by: Uuid,
    pub withdrawn_at: DateTime<Utc>,
    /// The lines the statement had brought, removed with it.
    pub lines_removed: i32,
}

impl StatementView {
    pub fn new(s: StatementRow, w: Option<WithdrawalRow>) -> Self {
        StatementView {
            id: s.id,
            bank_account_id: s.bank_account_id,
            format: s.format,
            imported_by: s.imported_by,
            imported_at: s.imported_at,
            lines_total: s.lines_total,
            lines_new: s.lines_new,
            lines_duplicate: s.lines_duplicate,
            credits_total: money::format(s.credits_total),
            debits_total: money::format(s.debits_total),
            opening_balance: s.opening_balance.map(money::format),
            closing_balance: s.closing_balance.map(money::format),
            first_date: s.first_date,
            last_date: s.last_date,
            sha256: hex::encode(s.sha256),
            status: if w.is_some() { "withdrawn" } else { "imported" }.to_owned(),
            withdrawal: w.map(|w| WithdrawalView {
                reason: w.reason,
                withdrawn_by: w.withdrawn_by,
                withdrawn_at: w.withdrawn_at,
                lines_removed: w.lines_removed,
            }),
        }
    }
}
