//! A fund's bank accounts: registered by its accountant, each with its own ledger sub-account
//! `1121.N` (opened by `db::bank_accounts::insert`).

use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::{AppError, AppResult};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::bank_accounts::{self, NewBankAccount};
use crate::db::{accounts, units};
use crate::domain::money::Currency;
use crate::domain::Role;
use crate::views::bank_accounts::BankAccountView;

/// A bank account to register, parsed.
pub struct BankAccountDraft {
    pub bank_bin: String,
    pub bank_name: String,
    pub account_number: String,
    pub account_name: String,
    pub currency: Currency,
}

/// Registers a bank account of the fund of `unit_id` (its accountant only): 409
/// `duplicate_bank_account` when the bank already has that number, from the unique constraint.
pub async fn create(
    conn: &mut AsyncPgConnection,
    accountant: &AuthUser,
    unit_id: Uuid,
    draft: BankAccountDraft,
) -> AppResult<BankAccountView> {
    let unit = units::find(conn, unit_id)
        .await?
        .ok_or(AppError::NotFound)?;
    super::lookups::authorize(
        conn,
        &accountant.scope,
        Right::ActAs(Role::Accountant),
        &unit,
    )
    .await?;
    let (row, code) = bank_accounts::insert(
        conn,
        &NewBankAccount {
            unit_id: unit.id,
            bank_bin: &draft.bank_bin,
            bank_name: &draft.bank_name,
            account_number: &draft.account_number,
            account_name: &draft.account_name,
            currency: draft.currency.code,
            created_by: accountant.id.0,
        },
    )
    .await?;
    audit::record(
        conn,
        accountant,
        Change {
            action: "bank_account.create",
            target_type: "bank_account",
            target_id: Some(row.id),
            unit_id: Some(unit.id),
            changes: serde_json::json!({"ledger_account": code, "bank_bin": row.bank_bin,
                "account_number": bank_accounts::mask(&row.account_number)}),
        },
    )
    .await?;
    Ok(BankAccountView::new(row, code))
}

/// One bank account, when `user` may read its unit.
pub async fn get(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
) -> AppResult<BankAccountView> {
    let bank = bank_accounts::find(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let unit = units::find(conn, bank.unit_id)
        .await?
        .ok_or(AppError::NotFound)?;
    super::lookups::authorize(conn, &user.scope, Right::Read, &unit).await?;
    let account = accounts::find(conn, bank.account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(BankAccountView::new(bank, account.code))
}
