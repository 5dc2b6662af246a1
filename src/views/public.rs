//! What the public record shows: a unit, totals per channel, a donor as they agreed to be
//! shown, a bank reference masked. Nothing here carries a donor's contact details, an anonymous
//! donor's name, or a full account number or bank reference.

use crate::views::campaigns::CampaignKind;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::donations::{ChannelTotal, DonationRow};
use crate::domain::donation::Channel;
use crate::domain::donation::ANONYMOUS_DISPLAY;
use crate::domain::money;
use crate::domain::Tier;

/// A unit as the public sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicUnit {
    pub id: Uuid,
    #[schema(example = "06001")]
    pub code: String,
    pub name: String,
}

/// Whole đồng per channel, as strings.
#[derive(Debug, Serialize, ToSchema)]
pub struct ByChannel {
    #[schema(example = "1500000")]
    pub cash: String,
    #[schema(example = "0")]
    pub bank_transfer: String,
    #[schema(example = "0")]
    pub in_kind: String,
}

/// Totals of recorded donations: (sum, count, per channel).
pub fn summarise(totals: &[ChannelTotal]) -> (Decimal, i64, ByChannel) {
    let of = |channel: &str| {
        totals
            .iter()
            .filter(|t| t.channel == channel)
            .filter_map(|t| t.amount_vnd)
            .sum::<Decimal>()
    };
    let total = totals.iter().filter_map(|t| t.amount_vnd).sum();
    let count = totals.iter().map(|t| t.count).sum();
    let by_channel = ByChannel {
        cash: money::format(of("cash")),
        bank_transfer: money::format(of("bank_transfer")),
        in_kind: money::format(of("in_kind")),
    };
    (total, count, by_channel)
}

/// The donor's name when they agreed to be named, otherwise "Nhà hảo tâm".
pub fn donor_display(d: &DonationRow) -> String {
    match (&d.donor_name, d.public_display.as_str()) {
        (Some(name), "name") => name.clone(),
        _ => ANONYMOUS_DISPLAY.to_owned(),
    }
}

/// `******1234`: the last four characters of a bank reference, never the whole of it.
pub fn mask_reference(reference: &str) -> String {
    let chars: Vec<char> = reference.chars().collect();
    let last4: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("******{last4}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_keep_only_their_last_four_characters() {
        assert_eq!(mask_reference("FT26069123456"), "******3456");
        assert_eq!(mask_reference("12"), "******12");
        // characters, not bytes: a Vietnamese reference cannot split a letter
        assert_eq!(mask_reference("ỦNG HỘ ĐỒNG BÀO"), "****** BÀO");
    }
}

/// What a campaign received, in every unit's fund.
#[derive(Debug, Serialize, ToSchema)]
pub struct Received {
    /// Σ recorded (not void) donations, whole đồng.
    #[schema(example = "1500000")]
    pub total: String,
    pub by_channel: ByChannel,
}

/// What a campaign's money was spent on.
#[derive(Debug, Serialize, ToSchema)]
pub struct Spent {
    #[schema(example = "0")]
    pub total: String,
    /// Whole đồng per spending category (`medical`, `education`, …).
    pub by_category: BTreeMap<String, String>,
}

/// A campaign's public account: received, spent, transferred and what is left.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCampaign {
    pub id: Uuid,
    pub name: String,
    #[schema(value_type = CampaignKind)]
    pub kind: String,
    /// The unit that runs the campaign.
    pub unit: PublicUnit,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub restricted: bool,
    pub received: Received,
    /// Recorded (not void) donations.
    pub donation_count: i64,
    pub spent: Spent,
    /// Moved between tiers under the campaign (allocations and remittances sent): the money
    /// stays the campaign's, so this does not lower the balance.
    #[schema(example = "0")]
    pub transferred: String,
    /// received − spent
    #[schema(example = "1500000")]
    pub balance: String,
}

/// One donation as the public sees it: no contact details, no account numbers.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicDonation {
    pub received_on: NaiveDate,
    #[schema(example = "500000")]
    pub amount_vnd: String,
    /// The donor's name if they chose to be named, otherwise "Nhà hảo tâm".
    #[schema(example = "Nhà hảo tâm")]
    pub donor_display: String,
    /// The bank reference's last four characters, e.g. `******3456`; null when there is none.
    #[schema(example = "******3456")]
    pub reference_masked: Option<String>,
    #[schema(value_type = Channel)]
    pub channel: String,
    #[schema(example = "06001-2026-000001")]
    pub receipt_number: String,
}

/// What one unit spent of the campaign's money on one category.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpendingLine {
    pub unit: PublicUnit,
    /// `tet_gifts`, `medical`, `education`, `livelihood`, `emergency_relief`,
    /// `community_works` or `other`.
    pub category: String,
    #[schema(example = "52000000")]
    pub amount: String,
    /// Grants or gifts paid.
    pub count: i64,
    /// Distinct households supported (never who they are).
    pub household_count: i64,
}

/// Where a campaign's money went.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicSpending {
    pub campaign_id: Uuid,
    #[schema(example = "52000000")]
    pub total: String,
    /// Distinct households the campaign's money reached.
    pub household_count: i64,
    pub items: Vec<SpendingLine>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReceiptUnit {
    #[schema(example = "06001")]
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReceiptCampaign {
    pub id: Uuid,
    pub name: String,
}

/// A receipt as the donor can check it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicReceipt {
    #[schema(example = "06001-2026-000001")]
    pub receipt_number: String,
    /// `recorded`, or `void` when the donation was cancelled.
    #[schema(example = "recorded")]
    pub status: String,
    pub received_on: NaiveDate,
    #[schema(example = "500000")]
    pub amount_vnd: String,
    /// The fund that issued the receipt.
    pub unit: ReceiptUnit,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub campaign: Option<ReceiptCampaign>,
    /// The donor's name if they chose to be named, otherwise "Nhà hảo tâm".
    pub donor_display: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryUnit {
    pub id: Uuid,
    #[schema(example = "06001")]
    pub code: String,
    pub name: String,
    pub tier: Tier,
}

/// A fund's donations in one year.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitSummary {
    pub unit: SummaryUnit,
    pub year: i32,
    /// Σ recorded (not void) donations received in the year, whole đồng.
    #[schema(example = "1500000")]
    pub received_total: String,
    pub donation_count: i64,
    pub by_channel: ByChannel,
    /// The units this one took over in the 2025 reform (itself left out); empty for most.
    pub succeeded: Vec<SuccessionUnit>,
    /// The units that took this one over, when it has ended (`dissolving` or `dissolved`).
    pub succeeded_by: Vec<SuccessionUnit>,
}

/// A unit on the other side of a succession, as the public pages show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuccessionUnit {
    pub unit_id: Uuid,
    #[schema(example = "05998")]
    pub code: String,
    pub name: String,
}

impl From<crate::db::successions::Link> for SuccessionUnit {
    fn from(l: crate::db::successions::Link) -> Self {
        SuccessionUnit {
            unit_id: l.unit_id,
            code: l.unit_code,
            name: l.unit_name,
        }
    }
}

impl From<crate::db::campaign_spending::SpendingRow> for SpendingLine {
    fn from(r: crate::db::campaign_spending::SpendingRow) -> Self {
        SpendingLine {
            unit: PublicUnit {
                id: r.unit_id,
                code: r.unit_code,
                name: r.unit_name,
            },
            category: r.category,
            amount: money::format(r.amount),
            count: r.items,
            household_count: r.households,
        }
    }
}
