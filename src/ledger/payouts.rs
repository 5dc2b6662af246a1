//! Where spending leaves a fund from: cash (1111), a registered bank account (its 1121.N) or
//! donated goods (1551), which reservation pool that draws on, and which expense account a
//! grant's category debits.

use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::chart::{self, AccountCode};
use super::reservations::Pool;
use crate::domain::spending::{Category, Method};

pub fn pool(method: Method) -> Pool {
    match method {
        Method::InKind => Pool::Goods,
        Method::Cash | Method::Bank => Pool::Money,
    }
}

/// The expense account a paid grant of `category` debits (ledger.md chart).
pub fn expense(category: Category) -> AccountCode {
    match category {
        Category::Medical => AccountCode::Medical,
        Category::Education => AccountCode::Education,
        Category::Livelihood => AccountCode::Livelihood,
        Category::EmergencyRelief => AccountCode::EmergencyRelief,
        Category::CommunityWorks => AccountCode::CommunityWorks,
        Category::Other => AccountCode::OtherSpending,
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
        (Method::InKind, _) => AccountCode::Goods,
        _ => AccountCode::Cash,
    };
    chart::account_id(conn, unit, code).await
}

/// A fund account by chart code as text (`6121`, `5113`, ...); new code names the account by
/// its [`AccountCode`] through [`chart::account_id`].
pub async fn account_id(conn: &mut AsyncPgConnection, unit: Uuid, code: &str) -> QueryResult<Uuid> {
    let code = AccountCode::parse(code).ok_or(diesel::result::Error::NotFound)?;
    chart::account_id(conn, unit, code).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_map_to_their_expense_accounts() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
            assert!(expense(c).as_str().starts_with('6'));
        }
        assert_eq!(expense(Category::EmergencyRelief).as_str(), "6161");
    }
}
