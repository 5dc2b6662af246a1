//! Bank accounts' opening balances (`app::opening_balances`): one row per account, pointing at
//! the entry that booked it.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::schema::bank_opening_balances;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = bank_opening_balances)]
pub struct OpeningBalanceRow {
    pub bank_account_id: Uuid,
    pub as_of: NaiveDate,
    pub amount: Decimal,
    pub campaign_id: Option<Uuid>,
    pub journal_entry_id: Uuid,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Insertable)]
#[diesel(table_name = bank_opening_balances)]
pub struct NewOpeningBalance {
    pub bank_account_id: Uuid,
    pub as_of: NaiveDate,
    pub amount: Decimal,
    pub campaign_id: Option<Uuid>,
    pub journal_entry_id: Uuid,
    pub recorded_by: Uuid,
}

pub async fn find(
    conn: &mut AsyncPgConnection,
    bank_account: Uuid,
) -> QueryResult<Option<OpeningBalanceRow>> {
    bank_opening_balances::table
        .find(bank_account)
        .select(OpeningBalanceRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Records the opening balance; a second one for the account meets the primary key
/// (`bank_opening_balances_pkey`).
pub async fn insert(
    conn: &mut AsyncPgConnection,
    row: &NewOpeningBalance,
) -> QueryResult<OpeningBalanceRow> {
    diesel::insert_into(bank_opening_balances::table)
        .values(row)
        .returning(OpeningBalanceRow::as_returning())
        .get_result(conn)
        .await
}
