//! The reports' bodies: the fund statement (from one snapshot of the ledger).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::fund_statement::Snapshot;
use crate::domain::money;
use crate::ledger::chart::AccountCode;
use crate::views::public::ByChannel;

/// Donations of one campaign (or of none) in the period.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignReceipts {
    /// `null` for donations to the fund itself.
    pub campaign_id: Option<Uuid>,
    pub name: Option<String>,
    #[schema(example = "1500000")]
    pub amount: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FundReceipts {
    /// Donations received in the period, less voids posted in it.
    #[schema(example = "1500000")]
    pub total: String,
    pub by_channel: ByChannel,
    pub by_campaign: Vec<CampaignReceipts>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FundSpending {
    #[schema(example = "500000")]
    pub total: String,
    /// Every category, net of money returned (a Tết settlement lowers `tet_gifts`):
    /// `houses_new`, `houses_repair`, `tet_gifts`, `medical`, `education`, `livelihood`,
    /// `emergency_relief`, `community_works`, `other`, `bank_fees`.
    pub by_category: BTreeMap<String, String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FundStatement {
    pub unit_id: Uuid,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub consolidated: bool,
    /// Money and goods of the fund (1111 + 1121.N + 1551) before `from`.
    #[schema(example = "0")]
    pub opening_balance: String,
    pub receipts: FundReceipts,
    /// Interest and other income (5118).
    #[schema(example = "0")]
    pub other_income: String,
    pub spending: FundSpending,
    /// Transfers received (5113).
    #[schema(example = "0")]
    pub transfers_in: String,
    /// Transfers sent (6211).
    #[schema(example = "0")]
    pub transfers_out: String,
    /// Sent by `to` and not received by `to`; consolidated, only between units of the subtree.
    #[schema(example = "0")]
    pub in_transit: String,
    /// What the lines above do not explain (manual entries; see the operation).
    #[schema(example = "0")]
    pub other_movements: String,
    /// Money and goods of the fund on `to`.
    #[schema(example = "1000000")]
    pub closing_balance: String,
}

/// Expense accounts and their spending categories.
const CATEGORIES: [(AccountCode, &str); 10] = [
    (AccountCode::NewHouses, "houses_new"),
    (AccountCode::HouseRepairs, "houses_repair"),
    (AccountCode::TetGifts, "tet_gifts"),
    (AccountCode::Medical, "medical"),
    (AccountCode::Education, "education"),
    (AccountCode::Livelihood, "livelihood"),
    (AccountCode::EmergencyRelief, "emergency_relief"),
    (AccountCode::CommunityWorks, "community_works"),
    (AccountCode::OtherSpending, "other"),
    (AccountCode::BankFees, "bank_fees"),
];

impl FundStatement {
/// The statement from one snapshot of the ledger (`db::fund_statement::snapshot`).
pub fn new(
    unit_id: Uuid,
    (from, to, consolidated): (NaiveDate, NaiveDate, bool),
    Snapshot {
        balances,
        receipts,
        flows,
        transit,
    }: Snapshot,
) -> FundStatement {
    let flow = |code: AccountCode| {
        flows
            .iter()
            .find(|f| f.chart_code == code.as_str())
            .map(|f| (f.debit, f.credit))
            .unwrap_or_default()
    };
    let net_debit = |code: AccountCode| {
        let (d, c) = flow(code);
        d - c
    };
    let net_credit = |code: AccountCode| {
        let (d, c) = flow(code);
        c - d
    };

    let channel = |name: &str| {
        receipts
            .iter()
            .filter(|r| r.channel == name)
            .map(|r| r.amount)
            .sum::<Decimal>()
    };
    let received: Decimal = receipts.iter().map(|r| r.amount).sum();
    let by_channel = ByChannel {
        cash: money::format(channel("cash")),
        bank_transfer: money::format(channel("bank_transfer")),
        in_kind: money::format(channel("in_kind")),
    };
    // rows come ordered by campaign: fold the channels of each campaign into one line
    let mut by_campaign: Vec<(Option<Uuid>, Option<String>, Decimal)> = Vec::new();
    for r in receipts {
        match by_campaign.last_mut() {
            Some(last) if last.0 == r.campaign_id => last.2 += r.amount,
            _ => by_campaign.push((r.campaign_id, r.campaign_name, r.amount)),
        }
    }

    let by_category: BTreeMap<String, Decimal> = CATEGORIES
        .iter()
        .map(|(code, category)| ((*category).to_owned(), net_debit(*code)))
        .collect();
    let spent: Decimal = by_category.values().copied().sum();
    let other_income = net_credit(AccountCode::OtherIncome);
    let transfers_in = net_credit(AccountCode::TransfersIn);
    let transfers_out = net_debit(AccountCode::TransfersOut);
    let explained = received + other_income + transfers_in - spent - transfers_out;
    // consolidated, money sent inside the subtree leaves both balances until it is received
    let parked = if consolidated {
        transit.closing - transit.opening
    } else {
        Decimal::ZERO
    };
    let other = balances.closing - balances.opening - explained + parked;

    FundStatement {
        unit_id,
        from,
        to,
        consolidated,
        opening_balance: money::format(balances.opening),
        receipts: FundReceipts {
            total: money::format(received),
            by_channel,
            by_campaign: by_campaign
                .into_iter()
                .map(|(campaign_id, name, amount)| CampaignReceipts {
                    campaign_id,
                    name,
                    amount: money::format(amount),
                })
                .collect(),
        },
        other_income: money::format(other_income),
        spending: FundSpending {
            total: money::format(spent),
            by_category: by_category
                .into_iter()
                .map(|(k, v)| (k, money::format(v)))
                .collect(),
        },
        transfers_in: money::format(transfers_in),
        transfers_out: money::format(transfers_out),
        in_transit: money::format(transit.closing),
        other_movements: money::format(other),
        closing_balance: money::format(balances.closing),
    }
}
}
