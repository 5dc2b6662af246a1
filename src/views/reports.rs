//! The reports' bodies: the fund statement (from one snapshot of the ledger).

use std::collections::BTreeMap;

use crate::views::campaigns::CampaignKind;
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
    /// With `include_predecessors=true`: the dissolved units whose figures the statement
    /// carries (see the operation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predecessors: Option<Vec<ReportPredecessor>>,
}

/// A dissolved predecessor whose figures a report carries (`include_predecessors=true`): all of
/// them, up to its last day, whatever part of it went to this unit; `share` and `fraction` say
/// how much did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportPredecessor {
    pub unit_id: Uuid,
    #[schema(example = "05998")]
    pub code: String,
    pub name: String,
    /// Its last day: its postings count up to it.
    pub dissolved_on: NaiveDate,
    /// `whole` (all of it went to the unit it was succeeded by) or `part` (it was split).
    #[schema(example = "whole")]
    pub share: String,
    /// The fraction of its fund its executed handover gave that successor, e.g. `"1"` or
    /// `"0.4"`.
    #[schema(example = "1")]
    pub fraction: Option<String>,
    /// The unit it went to: the report's unit, or another predecessor (transitively).
    pub successor_id: Uuid,
}

impl From<crate::db::successions::Forebear> for ReportPredecessor {
    fn from(f: crate::db::successions::Forebear) -> Self {
        ReportPredecessor {
            unit_id: f.unit_id,
            code: f.code,
            name: f.name,
            dissolved_on: f.dissolved_on,
            share: f.share,
            fraction: f.fraction.map(|d| d.normalize().to_string()),
            successor_id: f.successor_id,
        }
    }
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
            predecessors: None,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrialBalanceLine {
    /// The fund the account belongs to (a predecessor's, with `include_predecessors=true`).
    pub unit_id: Uuid,
    pub account_id: Uuid,
    /// `1111`, `1121.1`, `5111`…
    pub code: String,
    pub name: String,
    /// `asset|liability|net_assets|income|expense`
    pub account_type: String,
    #[schema(example = "1500000")]
    pub debit: String,
    #[schema(example = "0")]
    pub credit: String,
    /// In the account's natural direction (assets and expenses debit − credit).
    #[schema(example = "1500000")]
    pub balance: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrialBalance {
    pub unit_id: Uuid,
    pub as_of: Option<NaiveDate>,
    pub accounts: Vec<TrialBalanceLine>,
    /// Σ debits of every account; always equal to `total_credit`.
    #[schema(example = "1500000")]
    pub total_debit: String,
    #[schema(example = "1500000")]
    pub total_credit: String,
    /// With `include_predecessors=true`: the dissolved units whose accounts are listed too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predecessors: Option<Vec<ReportPredecessor>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HousingStateCountView {
    /// `proposed|approved|started|completed|handed_over|cancelled`
    pub state: String,
    /// `new|repair`
    pub kind: String,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HousingSupportView {
    /// Σ support of the projects approved and not cancelled, whole đồng.
    #[schema(example = "60000000")]
    pub approved: String,
    /// Σ tranches the fund paid to those projects (whenever paid), whole đồng.
    #[schema(example = "18000000")]
    pub paid: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HousingFundingView {
    /// `fund|state_budget|sponsor|community|household`
    pub source: String,
    /// Σ of the funding plans' amounts for this source.
    #[schema(example = "60000000")]
    pub planned: String,
    /// The fund: Σ tranches paid; other sources: Σ the value of their contributions (cash,
    /// materials, labour).
    #[schema(example = "18000000")]
    pub actual: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HousingCountView {
    /// Every project of the year, cancelled ones included.
    pub count: i64,
}

/// Great Unity houses of a unit in one year.
#[derive(Debug, Serialize, ToSchema)]
pub struct HousingReportView {
    pub unit_id: Uuid,
    pub year: i32,
    pub include_descendants: bool,
    /// Projects per state and kind (only pairs that occur).
    pub by_state: Vec<HousingStateCountView>,
    pub support: HousingSupportView,
    /// One row per source, every source listed even when zero.
    pub funding: Vec<HousingFundingView>,
    pub houses: HousingCountView,
}

/// An amount of one unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitAmount {
    pub unit_id: Uuid,
    #[schema(example = "06001")]
    pub code: String,
    #[schema(example = "1500000")]
    pub amount: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportReceived {
    /// Σ recorded (not void) donations to the campaign, in every unit's fund.
    #[schema(example = "1500000")]
    pub total: String,
    pub by_channel: ByChannel,
    /// Per receiving unit, by code.
    pub by_unit: Vec<UnitAmount>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportSpent {
    #[schema(example = "500000")]
    pub total: String,
    /// Whole đồng per spending category.
    pub by_category: BTreeMap<String, String>,
    /// Per spending unit, by code.
    pub by_unit: Vec<UnitAmount>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignReport {
    pub campaign_id: Uuid,
    pub name: String,
    #[schema(value_type = CampaignKind)]
    pub kind: String,
    pub restricted: bool,
    pub received: ReportReceived,
    /// Recorded (not void) donations.
    pub donation_count: i64,
    pub spent: ReportSpent,
    /// Distinct households the campaign's money reached.
    pub households_reached: i64,
    /// Moved between tiers under the campaign; the money stays the campaign's.
    #[schema(example = "0")]
    pub transferred: String,
    /// received − spent
    #[schema(example = "1000000")]
    pub balance: String,
}
