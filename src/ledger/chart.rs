//! A fund's chart of accounts (`ledger.md`): every fund holds one account per chart code (and one
//! `1121.N` per registered bank account); code that posts names an account by its [`AccountCode`]
//! (a pure type of the domain, re-exported here), never by a string, and a fund's accounts are
//! read once into a [`Chart`].
//! The table `chart_of_accounts` (migration 000001) holds the same list for the database; a test
//! keeps the two equal.

use std::collections::HashMap;

use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::db::accounts;
pub use crate::domain::account_code::AccountCode;

/// A fund's accounts by chart code, read once for a command that posts to several of them.
/// (A bank account's own `1121.N` is named by its bank account row, not here.)
#[derive(Debug, Clone)]
pub struct Chart {
    unit_id: Uuid,
    ids: HashMap<AccountCode, Uuid>,
}

impl Chart {
    /// The accounts `codes` of the fund of `unit`.
    pub async fn load(
        conn: &mut AsyncPgConnection,
        unit: Uuid,
        codes: &[AccountCode],
    ) -> QueryResult<Chart> {
        let names: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
        let ids = accounts::ids_by_code(conn, unit, &names)
            .await?
            .into_iter()
            .filter_map(|(code, id)| Some((AccountCode::parse(&code)?, id)))
            .collect();
        Ok(Chart { unit_id: unit, ids })
    }

    /// The fund's account `code`; a fund without it is broken data, not a client's mistake.
    pub fn account(&self, code: AccountCode) -> QueryResult<Uuid> {
        self.ids.get(&code).copied().ok_or_else(|| {
            tracing::error!(unit = %self.unit_id, code = code.as_str(), "fund lacks an account");
            diesel::result::Error::NotFound
        })
    }
}

/// One account of a fund, for a command that needs only that one.
pub async fn account_id(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
    code: AccountCode,
) -> QueryResult<Uuid> {
    Chart::load(conn, unit, &[code]).await?.account(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes a migration's `INSERT INTO chart_of_accounts` adds.
    fn inserted(sql: &str) -> Vec<&str> {
        let start = sql
            .find("INSERT INTO chart_of_accounts")
            .expect("the chart's insert");
        sql[start..]
            .lines()
            .skip(1)
            .take_while(|l| l.trim_start().starts_with("('"))
            .map(|l| l.trim_start()[2..6].trim_end_matches('\''))
            .collect()
    }

    #[test]
    fn the_chart_is_the_one_the_migrations_create() {
        let mut rows = inserted(include_str!(
            "../../migrations/2026-11-26-000001_foundation/up.sql"
        ));
        // the reform's handover accounts (1131, 5114, 6221)
        rows.extend(inserted(include_str!(
            "../../migrations/2026-12-07-000202_handovers/up.sql"
        )));
        rows.sort();
        let ours: Vec<&str> = AccountCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(rows, ours);
    }

    #[test]
    fn a_bank_sub_account_is_a_bank_account() {
        assert_eq!(AccountCode::parse("1121.3"), Some(AccountCode::Bank));
        assert_eq!(AccountCode::parse("5111"), Some(AccountCode::CashDonations));
        assert_eq!(AccountCode::parse("9999"), None);
    }
}
