//! A fund's bank account as the API shows it, with its ledger sub-account.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::bank_accounts::BankAccountRow;

#[derive(Debug, Serialize, ToSchema)]
pub struct BankAccountView {
    pub id: Uuid,
    pub unit_id: Uuid,
    /// The bank's 6-digit BIN (NAPAS).
    pub bank_bin: String,
    pub bank_name: String,
    pub account_number: String,
    pub account_name: String,
    pub currency: String,
    /// The ledger sub-account, e.g. `1121.1`.
    pub ledger_account_id: Uuid,
    pub ledger_account_code: String,
    pub created_at: DateTime<Utc>,
}

impl BankAccountView {
    pub fn new(b: BankAccountRow, code: String) -> Self {
        BankAccountView {
            id: b.id,
            unit_id: b.unit_id,
            bank_bin: b.bank_bin,
            bank_name: b.bank_name,
            account_number: b.account_number,
            account_name: b.account_name,
            currency: b.currency,
            ledger_account_id: b.account_id,
            ledger_account_code: code,
            created_at: b.created_at,
        }
    }
}
