//! A fund's accounts as the API shows them: the chart with balances, one account's postings,
//! and the fund's money by kind and earmark.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::balances::AccountTotals;
use crate::domain::money;
use crate::ledger::chart::AccountCode;
use crate::ledger::{natural_balance, Side};

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

impl AccountView {
    /// The chart as views. An account's `available` is its balance, capped by what the fund's
    /// money pool keeps free after reservations (they hold the fund's money, not one account's).
    pub fn chart(totals: Vec<AccountTotals>, reserved_money: Decimal) -> Vec<AccountView> {
        let is_liquid = |code: &str| AccountCode::parse(code).is_some_and(AccountCode::is_liquid);
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
}

/// One line of the account's ledger.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostingView {
    pub id: i64,
    pub entry_id: Uuid,
    pub effective_date: NaiveDate,
    pub side: Side,
    #[schema(example = "1500000")]
    pub amount: String,
    /// The earmark (restricted campaign), if any.
    pub campaign_id: Option<Uuid>,
}

/// The money a restricted campaign's donations left in this fund.
#[derive(Debug, Serialize, ToSchema)]
pub struct RestrictedBalanceView {
    pub campaign_id: Uuid,
    /// Cash, bank and goods carrying the campaign's earmark.
    #[schema(example = "1500000")]
    pub balance: String,
    /// The balance less what approved spending has reserved.
    #[schema(example = "1500000")]
    pub available: String,
}

/// The fund's money by kind and earmark.
#[derive(Debug, Serialize, ToSchema)]
pub struct FundBalancesView {
    /// 1111
    #[schema(example = "1500000")]
    pub cash: String,
    /// Σ 1121.N
    #[schema(example = "0")]
    pub bank: String,
    /// 1551
    #[schema(example = "0")]
    pub in_kind: String,
    pub restricted: Vec<RestrictedBalanceView>,
    /// Cash and bank money without an earmark that approved spending has not reserved.
    #[schema(example = "1500000")]
    pub available_unrestricted: String,
    /// Transfers sent and not yet received: by this unit, or (consolidated) by any unit of
    /// its subtree. Money that left a fund and has not reached the other; and bank money handed
    /// over by a predecessor (2025 reform) whose receiving bank account is not yet recorded.
    #[schema(example = "0")]
    pub in_transit: String,
}
