//! Ledger accounts of a fund, looked up by code.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::accounts;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct AccountRow {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub code: String,
    pub chart_code: String,
    pub name: String,
    pub account_type: String,
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<AccountRow>> {
    accounts::table
        .find(id)
        .select(AccountRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Account ids of the fund for the given codes (e.g. `1111`, `5111`, `1121.2`).
pub async fn ids_by_code(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
    codes: &[&str],
) -> QueryResult<HashMap<String, Uuid>> {
    let rows: Vec<(String, Uuid)> = accounts::table
        .filter(accounts::unit_id.eq(unit))
        .filter(accounts::code.eq_any(codes))
        .select((accounts::code, accounts::id))
        .load(conn)
        .await?;
    Ok(rows.into_iter().collect())
}
