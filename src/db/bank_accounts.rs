//! Bank accounts of a fund, each with its own ledger sub-account 1121.N.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{accounts, bank_accounts, funds};
use crate::domain::account_code::AccountCode;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = bank_accounts)]
pub struct BankAccountRow {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub bank_bin: String,
    pub bank_name: String,
    pub account_number: String,
    pub account_name: String,
    pub currency: String,
    pub account_id: Uuid,
    pub created_at: DateTime<Utc>,
    /// Set when its fund was dissolved: it takes no more statements.
    pub closed_on: Option<chrono::NaiveDate>,
}

pub struct NewBankAccount<'a> {
    pub unit_id: Uuid,
    pub bank_bin: &'a str,
    pub bank_name: &'a str,
    pub account_number: &'a str,
    pub account_name: &'a str,
    pub currency: &'a str,
    pub created_by: Uuid,
}

/// Registers the bank account and opens its ledger sub-account `1121.N` (N counts per fund).
/// Must run inside the caller's transaction.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    b: &NewBankAccount<'_>,
) -> QueryResult<(BankAccountRow, String)> {
    // serialise numbering per fund
    funds::table
        .find(b.unit_id)
        .select(funds::unit_id)
        .for_update()
        .first::<Uuid>(conn)
        .await?;
    let existing: i64 = accounts::table
        .filter(accounts::unit_id.eq(b.unit_id))
        .filter(accounts::chart_code.eq(AccountCode::Bank.as_str()))
        .count()
        .get_result(conn)
        .await?;
    let code = format!("{}.{}", AccountCode::Bank, existing + 1);
    let last4 = &b.account_number[b.account_number.len().saturating_sub(4)..];
    let account_id = Uuid::now_v7();
    diesel::insert_into(accounts::table)
        .values((
            accounts::id.eq(account_id),
            accounts::unit_id.eq(b.unit_id),
            accounts::code.eq(&code),
            accounts::chart_code.eq(AccountCode::Bank.as_str()),
            accounts::name.eq(format!("Tiền gửi {} ****{}", b.bank_name, last4)),
            accounts::account_type.eq("asset"),
        ))
        .execute(conn)
        .await?;
    let row = diesel::insert_into(bank_accounts::table)
        .values((
            bank_accounts::id.eq(Uuid::now_v7()),
            bank_accounts::unit_id.eq(b.unit_id),
            bank_accounts::bank_bin.eq(b.bank_bin),
            bank_accounts::bank_name.eq(b.bank_name),
            bank_accounts::account_number.eq(b.account_number),
            bank_accounts::account_name.eq(b.account_name),
            bank_accounts::currency.eq(b.currency),
            bank_accounts::account_id.eq(account_id),
            bank_accounts::created_by.eq(b.created_by),
        ))
        .returning(BankAccountRow::as_returning())
        .get_result(conn)
        .await?;
    Ok((row, code))
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<BankAccountRow>> {
    bank_accounts::table
        .find(id)
        .select(BankAccountRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn of_unit(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
) -> QueryResult<Vec<(BankAccountRow, String)>> {
    bank_accounts::table
        .inner_join(accounts::table)
        .filter(bank_accounts::unit_id.eq(unit))
        .select((BankAccountRow::as_select(), accounts::code))
        .order(accounts::code.asc())
        .load(conn)
        .await
}

/// `******1234`: what the public may see of an account number.
pub fn mask(number: &str) -> String {
    let keep = number.len().min(4);
    format!("{}{}", "*".repeat(6), &number[number.len() - keep..])
}
