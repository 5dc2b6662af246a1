//! The handover (bàn giao) of an ending unit's fund (reform.md, "Handover"): the fund's parts,
//! the successors' fractions, and the split of every part by them, whole đồng by largest
//! remainder, so the lines of each part add up to it exactly.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::field::FieldError;
use super::money::split_largest_remainder;

/// Which money or goods a part of the fund is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Pool {
    /// 1111
    Cash,
    /// one bank account's 1121.N
    Bank,
    /// 1131: bank money the unit received in a handover and had not recorded, passed on
    InTransit,
    /// 1551
    Goods,
}

impl Pool {
    pub fn as_str(self) -> &'static str {
        match self {
            Pool::Cash => "cash",
            Pool::Bank => "bank",
            Pool::InTransit => "in_transit",
            Pool::Goods => "goods",
        }
    }

    pub fn parse(s: &str) -> Option<Pool> {
        [Pool::Cash, Pool::Bank, Pool::InTransit, Pool::Goods]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

/// One part of a fund: a pool (a bank account's own), with or without an earmark, and its
/// balance.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Part {
    pub pool: Pool,
    pub bank_account_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    pub amount: Decimal,
}

/// A successor's fraction of the fund.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    pub to_unit_id: Uuid,
    pub fraction: Decimal,
}

/// One line of the split: what of a part goes to a successor.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Line {
    pub to_unit_id: Uuid,
    pub pool: Pool,
    pub bank_account_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    pub amount: Decimal,
}

/// Decimal places a fraction may have (the column is `numeric(12, 10)`).
pub const FRACTION_SCALE: u32 = 10;

/// A fraction between 0 and 1 as a decimal string (`"1"`, `"0.5"`, `"0.3333333333"`).
pub fn parse_fraction(raw: &str, field: &str) -> Result<Decimal, FieldError> {
    let bad = || {
        FieldError::new(
            field,
            format!("a decimal string from 0 to 1 with at most {FRACTION_SCALE} decimals"),
            format!(
                "một số thập phân dạng chuỗi từ 0 đến 1, tối đa {FRACTION_SCALE} chữ số thập phân"
            ),
        )
    };
    let plain = !raw.is_empty()
        && raw.chars().all(|c| c.is_ascii_digit() || c == '.')
        && raw.matches('.').count() <= 1
        && !raw.starts_with('.')
        && !raw.ends_with('.');
    if !plain {
        return Err(bad());
    }
    let d: Decimal = raw.parse().map_err(|_| bad())?;
    if d < Decimal::ZERO || d > Decimal::ONE || d.normalize().scale() > FRACTION_SCALE {
        return Err(bad());
    }
    Ok(d.normalize())
}

/// Whether the fractions add up to exactly one.
pub fn sum_to_one(shares: &[Share]) -> bool {
    shares.iter().map(|s| s.fraction).sum::<Decimal>() == Decimal::ONE
}

/// Splits every non-zero part over the shares (whose fractions sum to one): amount × fraction in
/// whole đồng, the remainders going to the largest fractional parts, so the lines of a part add
/// up to it exactly. Lines for `keeper` (a continuing unit's own share: it keeps that part) and
/// lines of zero đồng are left out.
pub fn split(parts: &[Part], shares: &[Share], keeper: Option<Uuid>) -> Vec<Line> {
    let scale = Decimal::from(10u64.pow(FRACTION_SCALE));
    let weights: Vec<u64> = shares
        .iter()
        .map(|s| {
            // a fraction has at most FRACTION_SCALE decimals, so this is a whole number
            u64::try_from((s.fraction * scale).trunc().mantissa()).unwrap_or(0)
        })
        .collect();
    let mut lines = Vec::new();
    for part in parts.iter().filter(|p| p.amount > Decimal::ZERO) {
        let total = i64::try_from(part.amount.trunc().mantissa()).unwrap_or(0);
        let Some(amounts) = split_largest_remainder(total, &weights) else {
            continue;
        };
        for (share, amount) in shares.iter().zip(amounts) {
            if amount == 0 || Some(share.to_unit_id) == keeper {
                continue;
            }
            lines.push(Line {
                to_unit_id: share.to_unit_id,
                pool: part.pool,
                bank_account_id: part.bank_account_id,
                campaign_id: part.campaign_id,
                amount: Decimal::from(amount),
            });
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(pool: Pool, amount: i64, campaign: Option<Uuid>) -> Part {
        Part {
            pool,
            bank_account_id: (pool == Pool::Bank).then(|| Uuid::from_u128(9)),
            campaign_id: campaign,
            amount: Decimal::from(amount),
        }
    }

    fn share(n: u128, fraction: &str) -> Share {
        Share {
            to_unit_id: Uuid::from_u128(n),
            fraction: parse_fraction(fraction, "f").unwrap(),
        }
    }

    #[test]
    fn each_parts_lines_add_up_to_it_exactly() {
        let parts = [
            part(Pool::Cash, 1_000_001, None),
            part(Pool::Bank, 7, None),
            part(Pool::Cash, 300, Some(Uuid::from_u128(5))),
        ];
        let shares = [
            share(1, "0.3333333333"),
            share(2, "0.3333333333"),
            share(3, "0.3333333334"),
        ];
        assert!(sum_to_one(&shares));

        let lines = split(&parts, &shares, None);

        for p in &parts {
            let total: Decimal = lines
                .iter()
                .filter(|l| l.pool == p.pool && l.campaign_id == p.campaign_id)
                .map(|l| l.amount)
                .sum();
            assert_eq!(total, p.amount, "{p:?}");
        }
        // the earmark stays with its campaign on every line of its part
        assert_eq!(lines.iter().filter(|l| l.campaign_id.is_some()).count(), 3);
    }

    #[test]
    fn a_whole_share_takes_everything_and_a_keeper_keeps_its_part() {
        let parts = [part(Pool::Goods, 500, None)];
        let lines = split(&parts, &[share(1, "1")], None);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].amount, Decimal::from(500));

        let lines = split(
            &parts,
            &[share(1, "0.6"), share(2, "0.4")],
            Some(Uuid::from_u128(1)),
        );
        assert_eq!(lines.len(), 1, "only what leaves the continuing unit moves");
        assert_eq!(lines[0].amount, Decimal::from(200));
    }

    #[test]
    fn fractions_are_plain_decimals_from_zero_to_one() {
        for good in ["1", "0", "0.5", "1.0", "0.3333333333"] {
            assert!(parse_fraction(good, "f").is_ok(), "{good}");
        }
        for bad in ["", "-0.5", "1.5", "0.33333333333", "1e-1", ".5", "0,5", "½"] {
            assert!(parse_fraction(bad, "f").is_err(), "{bad}");
        }
        assert!(!sum_to_one(&[share(1, "0.5"), share(2, "0.4")]));
    }
}
