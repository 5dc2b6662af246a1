//! What the public record shows: a unit, totals per channel, a donor as they agreed to be
//! shown, a bank reference masked. Nothing here carries a donor's contact details, an anonymous
//! donor's name, or a full account number or bank reference.

use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::donations::{ChannelTotal, DonationRow};
use crate::domain::donation::ANONYMOUS_DISPLAY;
use crate::domain::money;

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
