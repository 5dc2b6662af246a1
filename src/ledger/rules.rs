//! Posting rules of ledger.md: which accounts an event debits and credits.

use rust_decimal::Decimal;
use uuid::Uuid;

use super::{NewPosting, Side};

/// Where a donation's money arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Receipt {
    /// 1111 Tiền mặt
    Cash,
    /// 1121.N, the bank account's own sub-account
    Bank(Uuid),
    /// 1551 Hàng hóa hiện vật
    InKind,
}

/// The accounts of a fund a donation posts to.
#[derive(Debug, Clone, Copy)]
pub struct DonationAccounts {
    pub cash: Uuid,
    pub in_kind: Uuid,
    pub cash_income: Uuid,
    pub in_kind_income: Uuid,
}

/// cash 1111/5111, bank 1121.N/5111, in kind 1551/5112; a restricted campaign's earmark rides
/// on both postings so the restricted balance follows the money.
pub fn donation(
    receipt: Receipt,
    accounts: &DonationAccounts,
    amount_vnd: Decimal,
    earmark: Option<Uuid>,
) -> Vec<NewPosting> {
    let (debit, credit) = match receipt {
        Receipt::Cash => (accounts.cash, accounts.cash_income),
        Receipt::Bank(account) => (account, accounts.cash_income),
        Receipt::InKind => (accounts.in_kind, accounts.in_kind_income),
    };
    vec![
        NewPosting {
            account_id: debit,
            side: Side::Debit,
            amount: amount_vnd,
            campaign_id: earmark,
        },
        NewPosting {
            account_id: credit,
            side: Side::Credit,
            amount: amount_vnd,
            campaign_id: earmark,
        },
    ]
}

/// Spending paid (grant, Tết batch, house tranche, transfer sent): the expense account debited
/// with the total, each source (cash, bank, goods) credited with its part; the earmark rides on
/// every posting so restricted money is consumed where it was given.
pub fn spend(expense: Uuid, sources: &[(Uuid, Decimal)], earmark: Option<Uuid>) -> Vec<NewPosting> {
    let total: Decimal = sources.iter().map(|(_, a)| *a).sum();
    let mut postings = vec![NewPosting {
        account_id: expense,
        side: Side::Debit,
        amount: total,
        campaign_id: earmark,
    }];
    postings.extend(
        sources
            .iter()
            .filter(|(_, a)| !a.is_zero())
            .map(|(account, amount)| NewPosting {
                account_id: *account,
                side: Side::Credit,
                amount: *amount,
                campaign_id: earmark,
            }),
    );
    postings
}

/// Spending that comes back (a Tết batch's undelivered gifts at settlement): the exact mirror
/// of `spend` for the returned parts.
pub fn give_back(
    expense: Uuid,
    sources: &[(Uuid, Decimal)],
    earmark: Option<Uuid>,
) -> Vec<NewPosting> {
    super::mirror(&spend(expense, sources, earmark))
}

/// A transfer received: the receiving bank sub-account debited, 5113 credited, with the
/// earmark the transfer carries.
pub fn transfer_in(
    bank: Uuid,
    transfers_in: Uuid,
    amount: Decimal,
    earmark: Option<Uuid>,
) -> Vec<NewPosting> {
    vec![
        NewPosting {
            account_id: bank,
            side: Side::Debit,
            amount,
            campaign_id: earmark,
        },
        NewPosting {
            account_id: transfers_in,
            side: Side::Credit,
            amount,
            campaign_id: earmark,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bank_donation_debits_the_bank_sub_account_and_credits_income() {
        let a = DonationAccounts {
            cash: Uuid::now_v7(),
            in_kind: Uuid::now_v7(),
            cash_income: Uuid::now_v7(),
            in_kind_income: Uuid::now_v7(),
        };
        let bank = Uuid::now_v7();
        let earmark = Some(Uuid::now_v7());
        let p = donation(Receipt::Bank(bank), &a, Decimal::from(500_000), earmark);
        assert_eq!((p[0].account_id, p[0].side), (bank, Side::Debit));
        assert_eq!((p[1].account_id, p[1].side), (a.cash_income, Side::Credit));
        assert!(p
            .iter()
            .all(|x| x.campaign_id == earmark && x.amount == Decimal::from(500_000)));
        let goods = donation(Receipt::InKind, &a, Decimal::from(1), None);
        assert_eq!(
            (goods[0].account_id, goods[1].account_id),
            (a.in_kind, a.in_kind_income)
        );
    }

    #[test]
    fn spending_debits_the_expense_with_the_total_of_its_sources() {
        let (expense, cash, goods) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let p = spend(
            expense,
            &[
                (cash, Decimal::from(500_000)),
                (goods, Decimal::from(200_000)),
            ],
            None,
        );
        assert_eq!(p.len(), 3);
        assert_eq!((p[0].account_id, p[0].side), (expense, Side::Debit));
        assert_eq!(p[0].amount, Decimal::from(700_000));
        assert!(crate::ledger::imbalance(&p).is_zero());
        // a zero part (no goods in the gift) posts no line
        assert_eq!(
            spend(
                expense,
                &[(cash, Decimal::ONE), (goods, Decimal::ZERO)],
                None
            )
            .len(),
            2
        );
        let back = give_back(expense, &[(cash, Decimal::from(500_000))], None);
        assert_eq!((back[0].account_id, back[0].side), (expense, Side::Credit));
        assert_eq!((back[1].account_id, back[1].side), (cash, Side::Debit));
    }
}
