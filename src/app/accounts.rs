//! Reading a fund's accounts: the chart with balances and what is available, one account and
//! its postings, and the fund's (or a subtree's) money by kind and earmark. Reads only; the
//! scope check is the same lookup every command starts with.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::lookups::unit_authorized;
use super::{AppError, AppResult};
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::balances::{self, MoneyBucket, UNRESTRICTED};
use crate::db::units::UnitRow;
use crate::db::{accounts, transfers};
use crate::domain::{money, Role};
use crate::ledger::chart::AccountCode;
use crate::ledger::reservations::{self, Pool};
use crate::ledger::{entries, Side};
use crate::views::accounts::{AccountView, FundBalancesView, PostingView, RestrictedBalanceView};

/// The fund's whole chart with current balances, by code.
pub async fn chart(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    unit_id: Uuid,
) -> AppResult<Vec<AccountView>> {
    let unit = unit_authorized(conn, &actor.scope, Right::Read, unit_id).await?;
    current_chart(conn, unit.id).await
}

/// One account with its current balance.
pub async fn account(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    id: Uuid,
) -> AppResult<AccountView> {
    let unit = unit_of_account(conn, actor, id).await?;
    current_chart(conn, unit.id)
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or(AppError::NotFound)
}

/// Postings of one account by effective date, after the keyset `after`, at most `limit`.
pub async fn postings(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    id: Uuid,
    (from, to): (Option<NaiveDate>, Option<NaiveDate>),
    after: Option<(NaiveDate, i64)>,
    limit: i64,
) -> AppResult<Vec<PostingView>> {
    unit_of_account(conn, actor, id).await?;
    entries::account_postings(conn, id, from, to, after, limit)
        .await?
        .into_iter()
        .map(|p| {
            Ok(PostingView {
                id: p.id,
                entry_id: p.entry_id,
                effective_date: p.effective_date,
                side: Side::parse(&p.side)
                    .ok_or_else(|| AppError::internal(format!("posting side {:?}", p.side)))?,
                amount: money::format(p.amount),
                campaign_id: p.campaign_id,
            })
        })
        .collect()
}

/// The fund's money by kind and earmark, what is available, and what it sent that has not
/// arrived; with `consolidated`, the same for the unit's whole subtree, added up (each fund's
/// `available` summed).
pub async fn balances(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    unit_id: Uuid,
    consolidated: bool,
) -> AppResult<FundBalancesView> {
    let unit = unit_authorized(conn, &actor.scope, Right::Read, unit_id).await?;
    let codes = MONEY_CODES.map(AccountCode::as_str);
    if consolidated {
        let f = FundBalances::from(balances::subtree(conn, unit.id, &codes).await?);
        let held = balances::subtree_reserved(conn, unit.id, Pool::Money.as_str()).await?;
        let in_transit = transfers::in_transit(conn, unit.id, true).await?;
        return Ok(f.view(
            |campaign| held.by_earmark.get(&campaign).copied().unwrap_or_default(),
            held.unrestricted_money,
            in_transit,
        ));
    }
    let f = FundBalances::from(balances::fund(conn, unit.id, &codes).await?);
    let held = reservations::outstanding(conn, unit.id).await?;
    let in_transit = transfers::in_transit(conn, unit.id, false).await?;
    Ok(f.view(
        |campaign| held.of_earmark(campaign),
        held.get(Pool::Money, UNRESTRICTED),
        in_transit,
    ))
}

/// The accounts whose money the balances show: cash, the bank accounts, handed-over money in
/// transit and goods.
const MONEY_CODES: [AccountCode; 4] = [
    AccountCode::Cash,
    AccountCode::Bank,
    AccountCode::InTransit,
    AccountCode::Goods,
];

async fn unit_of_account(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    id: Uuid,
) -> AppResult<UnitRow> {
    let account = accounts::find(conn, id).await?.ok_or(AppError::NotFound)?;
    unit_authorized(conn, &actor.scope, Right::Read, account.unit_id).await
}

async fn current_chart(conn: &mut AsyncPgConnection, unit: Uuid) -> AppResult<Vec<AccountView>> {
    let totals = balances::current(conn, unit).await?;
    let held = reservations::outstanding(conn, unit).await?;
    Ok(AccountView::chart(totals, held.of_pool(Pool::Money)))
}

/// The fund's money by kind and earmark, added up from its buckets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct FundBalances {
    cash: Decimal,
    bank: Decimal,
    in_kind: Decimal,
    /// 1131: bank money handed over by a predecessor, until the bank account that received it
    /// is recorded (not spendable, so in no earmark's balance either).
    handed_over: Decimal,
    /// (campaign, restricted balance across cash, bank and goods)
    restricted: Vec<(Uuid, Decimal)>,
    /// Cash and bank money that carries no earmark.
    unrestricted_liquid: Decimal,
}

impl From<Vec<MoneyBucket>> for FundBalances {
    fn from(buckets: Vec<MoneyBucket>) -> FundBalances {
        let mut f = FundBalances::default();
        let mut restricted: BTreeMap<Uuid, Decimal> = Default::default();
        for b in buckets {
            let code = AccountCode::parse(&b.chart_code);
            if code == Some(AccountCode::InTransit) {
                f.handed_over += b.balance;
                continue;
            }
            match code {
                Some(AccountCode::Cash) => f.cash += b.balance,
                Some(AccountCode::Bank) => f.bank += b.balance,
                _ => f.in_kind += b.balance,
            }
            if b.campaign_id == UNRESTRICTED {
                if code.is_some_and(AccountCode::is_liquid) {
                    f.unrestricted_liquid += b.balance;
                }
            } else {
                *restricted.entry(b.campaign_id).or_default() += b.balance;
            }
        }
        f.restricted = restricted.into_iter().collect();
        f
    }
}

impl FundBalances {
    fn view(
        self,
        reserved_for: impl Fn(Uuid) -> Decimal,
        reserved_unrestricted: Decimal,
        in_transit: Decimal,
    ) -> FundBalancesView {
        FundBalancesView {
            cash: money::format(self.cash),
            bank: money::format(self.bank),
            in_kind: money::format(self.in_kind),
            restricted: self
                .restricted
                .into_iter()
                .map(|(campaign_id, balance)| RestrictedBalanceView {
                    campaign_id,
                    balance: money::format(balance),
                    available: money::format(balance - reserved_for(campaign_id)),
                })
                .collect(),
            available_unrestricted: money::format(self.unrestricted_liquid - reserved_unrestricted),
            in_transit: money::format(in_transit + self.handed_over),
        }
    }
}

/// The unit `unit_id` when the caller may audit its books (verify the seal chain, export the
/// ledger): an auditor or administrator in scope, or the fund's own finance officer — but the
/// funds below it (`with_descendants`) are for auditors only.
pub async fn auditable(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    unit_id: Uuid,
    with_descendants: bool,
) -> AppResult<UnitRow> {
    let unit = crate::db::units::find(conn, unit_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if with_descendants || !actor.scope.allows(Right::ActAs(Role::Accountant), &unit) {
        super::lookups::authorize(conn, &actor.scope, Right::Audit, &unit).await?;
    }
    Ok(unit)
}
