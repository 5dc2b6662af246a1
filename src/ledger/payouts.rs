//! Where spending leaves a fund from: cash (1111), a registered bank account (its 1121.N) or
//! donated goods (1551), and which reservation pool that draws on.

use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::reservations::Pool;
use crate::db::accounts;
use crate::domain::spending::Method;

pub fn pool(method: Method) -> Pool {
    match method {
        Method::InKind => Pool::Goods,
        Method::Cash | Method::Bank => Pool::Money,
    }
}

/// The asset account a payment by `method` credits. `bank_account` is the bank account's own
/// ledger account (`bank_accounts.account_id`), already checked to belong to `unit`.
pub async fn source_account(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
    method: Method,
    bank_account: Option<Uuid>,
) -> QueryResult<Uuid> {
    let code = match (method, bank_account) {
        (Method::Bank, Some(account)) => return Ok(account),
        (Method::InKind, _) => "1551",
        _ => "1111",
    };
    account_id(conn, unit, code).await
}

/// A fund account by chart code (`6121`, `5113`, ...).
pub async fn account_id(conn: &mut AsyncPgConnection, unit: Uuid, code: &str) -> QueryResult<Uuid> {
    accounts::ids_by_code(conn, unit, &[code])
        .await?
        .remove(code)
        .ok_or(diesel::result::Error::NotFound)
}
