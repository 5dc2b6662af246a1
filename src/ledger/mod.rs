//! The posting engine. Every capability that moves money builds a `NewEntry` and posts it here;
//! PostgreSQL itself holds the journal's invariants (balanced at commit, append-only, closed
//! months, no overdraft), this module only speaks to them. What reads the books (balances,
//! periods) lives in `crate::db`, the exports auditors take away in `crate::export`.

pub mod bulk;
pub mod chart;
pub mod entries;
pub mod payouts;
pub mod reservations;
pub mod rules;
pub mod sealing;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Debit,
    Credit,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Debit => "debit",
            Side::Credit => "credit",
        }
    }

    pub fn parse(s: &str) -> Option<Side> {
        match s {
            "debit" => Some(Side::Debit),
            "credit" => Some(Side::Credit),
            _ => None,
        }
    }

    pub fn opposite(self) -> Side {
        match self {
            Side::Debit => Side::Credit,
            Side::Credit => Side::Debit,
        }
    }
}

/// What an entry records; the journal's `source_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceType {
    Donation,
    DonationVoid,
    Disbursement,
    TetBatch,
    TetSettlement,
    TransferSend,
    TransferReceive,
    HousePayment,
    BankFee,
    BankInterest,
    Manual,
    Reversal,
    /// The handover of an ending fund to its successors (both sides).
    Handover,
    /// A successor records which bank account received handed-over bank money.
    HandoverReceipt,
    /// A bank account's opening balance (`app::opening_balances`).
    OpeningBalance,
}

impl SourceType {
    pub const ALL: [SourceType; 15] = [
        SourceType::Donation,
        SourceType::DonationVoid,
        SourceType::Disbursement,
        SourceType::TetBatch,
        SourceType::TetSettlement,
        SourceType::TransferSend,
        SourceType::TransferReceive,
        SourceType::HousePayment,
        SourceType::BankFee,
        SourceType::BankInterest,
        SourceType::Manual,
        SourceType::Reversal,
        SourceType::Handover,
        SourceType::HandoverReceipt,
        SourceType::OpeningBalance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SourceType::Donation => "donation",
            SourceType::DonationVoid => "donation_void",
            SourceType::Disbursement => "disbursement",
            SourceType::TetBatch => "tet_batch",
            SourceType::TetSettlement => "tet_settlement",
            SourceType::TransferSend => "transfer_send",
            SourceType::TransferReceive => "transfer_receive",
            SourceType::HousePayment => "house_payment",
            SourceType::BankFee => "bank_fee",
            SourceType::BankInterest => "bank_interest",
            SourceType::Manual => "manual",
            SourceType::Reversal => "reversal",
            SourceType::Handover => "handover",
            SourceType::HandoverReceipt => "handover_receipt",
            SourceType::OpeningBalance => "opening_balance",
        }
    }

    pub fn parse(s: &str) -> Option<SourceType> {
        SourceType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// One line of an entry: an account, a side, a positive whole-đồng amount, and an earmark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPosting {
    pub account_id: Uuid,
    pub side: Side,
    pub amount: Decimal,
    pub campaign_id: Option<Uuid>,
}

#[derive(Debug, Clone)]
pub struct NewEntry {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub effective_date: chrono::NaiveDate,
    pub source_type: SourceType,
    pub source_id: Option<Uuid>,
    pub description: String,
    pub reason: Option<String>,
    pub reverses_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub postings: Vec<NewPosting>,
}

/// Σ debits − Σ credits; zero for a balanced entry.
pub fn imbalance(postings: &[NewPosting]) -> Decimal {
    postings
        .iter()
        .map(|p| match p.side {
            Side::Debit => p.amount,
            Side::Credit => -p.amount,
        })
        .sum()
}

/// The entry that undoes `postings`: every side flipped, amounts and earmarks kept.
pub fn mirror(postings: &[NewPosting]) -> Vec<NewPosting> {
    postings
        .iter()
        .map(|p| NewPosting {
            side: p.side.opposite(),
            ..p.clone()
        })
        .collect()
}

/// Balance of an account in its natural direction: assets and expenses grow with debits,
/// the rest with credits.
pub fn natural_balance(account_type: &str, debit: Decimal, credit: Decimal) -> Decimal {
    match account_type {
        "asset" | "expense" => debit - credit,
        _ => credit - debit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(side: Side, amount: i64) -> NewPosting {
        NewPosting {
            account_id: Uuid::nil(),
            side,
            amount: Decimal::from(amount),
            campaign_id: None,
        }
    }

    #[test]
    fn a_mirror_undoes_the_entry() {
        let entry = vec![
            p(Side::Debit, 100),
            p(Side::Credit, 60),
            p(Side::Credit, 40),
        ];
        assert!(imbalance(&entry).is_zero());
        let reversal = mirror(&entry);
        assert_eq!(reversal[0].side, Side::Credit);
        assert!(imbalance(&reversal).is_zero());
        let mut both = entry.clone();
        both.extend(reversal);
        assert!(imbalance(&both).is_zero());
    }

    #[test]
    fn natural_balances_follow_the_account_type() {
        assert_eq!(
            natural_balance("asset", Decimal::from(10), Decimal::from(3)),
            Decimal::from(7)
        );
        assert_eq!(
            natural_balance("income", Decimal::from(3), Decimal::from(10)),
            Decimal::from(7)
        );
    }

    #[test]
    fn source_types_round_trip() {
        for t in SourceType::ALL {
            assert_eq!(SourceType::parse(t.as_str()), Some(t));
        }
    }
}
