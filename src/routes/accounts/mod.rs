//! The fund's accounts: the chart with balances, one account and its postings, and the fund's
//! money by kind and earmark.

pub mod balances;
pub mod get;
pub mod list;
pub mod postings;

use actix_web::web;
use rust_decimal::Decimal;
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
    /// Cash (1111) and bank (1121.N) only: the balance, at most what approved spending has
    /// not reserved of the fund's money.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "1500000")]
    pub available: Option<String>,
}

/// The chart as views. An account's `available` is its balance, capped by what the fund's
/// money pool keeps free after reservations (they hold the fund's money, not one account's).
pub fn views(totals: Vec<AccountTotals>, reserved_money: Decimal) -> Vec<AccountView> {
    let is_liquid = |code: &str| code == "1111" || code.starts_with("1121.");
    let balances: Vec<Decimal> = totals
        .iter()
        .map(|a| natural_balance(&a.account_type, a.debit, a.credit))
        .collect();
    let money: Decimal = totals
        .iter()
        .zip(&balances)
        .filter(|(a, _)| is_liquid(&a.code))
        .map(|(_, b)| *b)
        .sum();
    let free = money - reserved_money;
    totals
        .into_iter()
        .zip(balances)
        .map(|(a, balance)| AccountView {
            available: is_liquid(&a.code).then(|| money::format(balance.min(free))),
            id: a.id,
            code: a.code,
            name: a.name,
            account_type: a.account_type,
            debit_total: money::format(a.debit),
            credit_total: money::format(a.credit),
            balance: money::format(balance),
        })
        .collect()
}
