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
}
