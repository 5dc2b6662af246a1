//! The fund's accounts: the chart with balances, one account and its postings, and the fund's
//! money by kind and earmark.

pub mod balances;
pub mod get;
pub mod list;
pub mod postings;

use actix_web::web;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::money;
use crate::ledger::balances::AccountTotals;
use crate::ledger::natural_balance;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list::list)
        .service(balances::balances)
        .service(get::get)
        .service(postings::postings);
}

/// An account of a fund with its running totals.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub id: Uuid,
    /// `1111`, `5111`, `1121.2`…
    pub code: String,
    pub name: String,
    /// `asset`, `liability`, `net_assets`, `income` or `expense`.
    pub account_type: String,
    #[schema(example = "1500000")]
    pub debit_total: String,
    #[schema(example = "0")]
    pub credit_total: String,
    /// In the account's natural direction: debit − credit for assets and expenses, credit −
    /// debit otherwise.
    #[schema(example = "1500000")]
    pub balance: String,
    /// Cash (1111) and bank (1121.N) only: what may still be spent.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "1500000")]
    pub available: Option<String>,
}

impl From<AccountTotals> for AccountView {
    fn from(a: AccountTotals) -> Self {
        let balance = natural_balance(&a.account_type, a.debit, a.credit);
        let liquid = a.code == "1111" || a.code.starts_with("1121.");
        // reservations of approved spending will be subtracted here
        let available = liquid.then(|| money::format(balance));
        AccountView {
            id: a.id,
            code: a.code,
            name: a.name,
            account_type: a.account_type,
            debit_total: money::format(a.debit),
            credit_total: money::format(a.credit),
            balance: money::format(balance),
            available,
        }
    }
}
