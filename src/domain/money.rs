//! Money: exact decimal amounts in a currency, parsed only from strings. VND has no minor unit;
//! the ledger keeps whole đồng. No floating point anywhere.

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

/// The largest amount accepted anywhere: 10^15 VND (a quadrillion đồng).
pub const MAX_VND: i64 = 1_000_000_000_000_000;

/// A currency and its number of decimal places. The table is the extension point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Currency {
    pub code: &'static str,
    pub scale: u32,
}

pub const VND: Currency = Currency {
    code: "VND",
    scale: 0,
};

const CURRENCIES: &[Currency] = &[
    VND,
    Currency {
        code: "JPY",
        scale: 0,
    },
    Currency {
        code: "KRW",
        scale: 0,
    },
    Currency {
        code: "USD",
        scale: 2,
    },
    Currency {
        code: "EUR",
        scale: 2,
    },
    Currency {
        code: "AUD",
        scale: 2,
    },
    Currency {
        code: "CAD",
        scale: 2,
    },
    Currency {
        code: "GBP",
        scale: 2,
    },
    Currency {
        code: "SGD",
        scale: 2,
    },
    Currency {
        code: "CHF",
        scale: 2,
    },
    Currency {
        code: "CNY",
        scale: 2,
    },
];

impl Currency {
    pub fn parse(code: &str) -> Option<Currency> {
        CURRENCIES.iter().copied().find(|c| c.code == code)
    }

    pub fn is_vnd(self) -> bool {
        self == VND
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("must be a decimal string of digits, e.g. \"1500000\"")]
    Format,
    #[error("must be greater than zero")]
    NotPositive,
    #[error("has more decimal places than {0} allows ({1})")]
    Scale(&'static str, u32),
    #[error("has more than {0} decimal places")]
    Decimals(u32),
    #[error("exceeds the maximum of 10^15 VND")]
    TooLarge,
    #[error("unknown currency")]
    UnknownCurrency,
}

impl MoneyError {
    pub fn vi(&self) -> String {
        match self {
            MoneyError::Format => "phải là chuỗi số thập phân, ví dụ \"1500000\"".into(),
            MoneyError::NotPositive => "phải lớn hơn 0".into(),
            MoneyError::Scale(c, s) => format!("{c} chỉ cho phép {s} chữ số thập phân"),
            MoneyError::Decimals(s) => format!("tối đa {s} chữ số thập phân"),
            MoneyError::TooLarge => "vượt quá mức tối đa 10^15 đồng".into(),
            MoneyError::UnknownCurrency => "đơn vị tiền tệ không được hỗ trợ".into(),
        }
    }
}

/// The most decimals any quantity may be written with: what `Decimal` keeps exactly.
pub const MAX_DECIMALS: u32 = 28;

/// The one reading of a decimal written as text, which every amount, rate and quantity of the
/// API and of statement files goes through (`ledger.md`): ASCII digits with at most one `.`, no
/// sign, exponent, spaces or separators; at most `decimals` digits after the point *as written*
/// (`"100.000"` is not a hundred đồng written with spare zeros but, to a Vietnamese reader,
/// maybe a hundred thousand, so it is refused, never guessed); at most 10^15; and every digit
/// kept: a value `Decimal` could only hold rounded is refused, never rounded. Zero passes; the
/// callers say whether they take it.
pub fn parse_exact(s: &str, decimals: u32) -> Result<Decimal, MoneyError> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return Err(MoneyError::Format);
    }
    let written = frac.map_or(0, str::len);
    if written > decimals.min(MAX_DECIMALS) as usize {
        return Err(MoneyError::Decimals(decimals.min(MAX_DECIMALS)));
    }
    // 10^15 has 16 digits: a longer whole part (leading zeros aside) is too large, and is never
    // handed to a parser that might overflow or round it
    if int.trim_start_matches('0').len() > 16 {
        return Err(MoneyError::TooLarge);
    }
    let d = Decimal::from_str(s).map_err(|_| MoneyError::Format)?;
    if d > Decimal::from(MAX_VND) {
        return Err(MoneyError::TooLarge);
    }
    // `Decimal` holds 28 or 29 significant digits and silently rounds the rest away
    if d.scale() as usize != written {
        return Err(MoneyError::Decimals(d.scale()));
    }
    Ok(d)
}

/// A non-negative decimal with at most `decimals` places, e.g. an exchange rate (8) or an area
/// (2); see [`parse_exact`].
pub fn parse_decimal(s: &str, decimals: u32) -> Result<Decimal, MoneyError> {
    parse_exact(s, decimals).map(|d| d.normalize())
}

/// A positive amount in `currency`, at most 10^15 (in that currency's units; VND-equivalence is
/// checked on conversion), with no more decimals than the currency has.
pub fn parse_amount(s: &str, currency: Currency) -> Result<Decimal, MoneyError> {
    let d = parse_exact(s, currency.scale).map_err(|e| match e {
        MoneyError::Decimals(_) => MoneyError::Scale(currency.code, currency.scale),
        e => e,
    })?;
    if d.is_zero() {
        return Err(MoneyError::NotPositive);
    }
    Ok(d.normalize())
}

/// A positive whole-đồng amount.
pub fn parse_vnd(s: &str) -> Result<Decimal, MoneyError> {
    parse_amount(s, VND)
}

/// A whole-đồng amount that may be zero (a bound, a gift without cash, a labour contribution).
pub fn parse_vnd_or_zero(s: &str) -> Result<Decimal, MoneyError> {
    match parse_vnd(s) {
        Err(MoneyError::NotPositive) => Ok(Decimal::ZERO),
        other => other,
    }
}

/// `#[serde(deserialize_with = "money::deserialize_vnd")]`: a positive whole-đồng amount as a
/// string, read by [`parse_vnd`] (the ledger exports `doanket ledger check-export` reads back: a
/// digit rounded away there could hide an altered amount from the seal check).
pub fn deserialize_vnd<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
    parse_vnd(&s).map_err(serde::de::Error::custom)
}

/// `amount × fx_rate`, rounded half away from zero to a whole đồng.
pub fn to_vnd(amount: Decimal, fx_rate: Decimal) -> Result<Decimal, MoneyError> {
    let vnd = amount
        .checked_mul(fx_rate)
        .ok_or(MoneyError::TooLarge)?
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    if vnd > Decimal::from(MAX_VND) {
        return Err(MoneyError::TooLarge);
    }
    if vnd.is_zero() {
        return Err(MoneyError::NotPositive);
    }
    Ok(vnd)
}

/// Formats an amount for JSON: plain digits, no exponent, no trailing zeros beyond the scale.
pub fn format(d: Decimal) -> String {
    d.normalize().to_string()
}

/// Formats an amount with exactly its currency's decimals: `"100.50"` USD, `"1500000"` VND.
pub fn format_in(d: Decimal, currency_code: &str) -> String {
    let scale = Currency::parse(currency_code).map_or(d.scale(), |c| c.scale);
    let mut rounded = d.round_dp(scale);
    rounded.rescale(scale);
    rounded.to_string()
}

/// Splits a whole-đồng `total` over `weights` by the largest-remainder method: the parts sum to
/// exactly `total`, and parts of equal weight differ by at most 1 đồng. Ties in remainder go to
/// the earlier part, so the split is deterministic.
pub fn split_largest_remainder(total: i64, weights: &[u64]) -> Option<Vec<i64>> {
    let sum: u128 = weights.iter().map(|w| *w as u128).sum();
    if sum == 0 || total < 0 {
        return None;
    }
    let total_u = total as u128;
    let mut parts: Vec<i64> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(u128, usize)> = Vec::with_capacity(weights.len());
    let mut assigned: u128 = 0;
    for (i, w) in weights.iter().enumerate() {
        let exact = total_u * (*w as u128);
        let floor = exact / sum;
        parts.push(floor as i64);
        remainders.push((exact % sum, i));
        assigned += floor;
    }
    let mut left = (total_u - assigned) as usize;
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_plain_decimal_strings_only() {
        assert_eq!(parse_vnd("1500000").unwrap(), Decimal::from(1_500_000));
        assert_eq!(
            parse_amount("12.50", Currency::parse("USD").unwrap())
                .unwrap()
                .to_string(),
            "12.5"
        );
        for bad in [
            "",
            " 1",
            "1 ",
            "-5",
            "+5",
            "1e6",
            "1,000",
            "1.000.000",
            "0x10",
            "½",
            "1.",
            ".5",
            "NaN",
        ] {
            assert_eq!(parse_vnd(bad), Err(MoneyError::Format), "{bad:?}");
        }
    }

    #[test]
    fn rejects_zero_fractions_of_a_dong_and_huge_amounts() {
        assert_eq!(parse_vnd("0"), Err(MoneyError::NotPositive));
        assert_eq!(parse_vnd("0.5"), Err(MoneyError::Scale("VND", 0)));
        assert_eq!(parse_vnd("1000000000000001"), Err(MoneyError::TooLarge));
        assert!(parse_vnd("1000000000000000").is_ok());
        assert_eq!(
            parse_amount("1.005", Currency::parse("EUR").unwrap()),
            Err(MoneyError::Scale("EUR", 2))
        );
    }

    #[test]
    fn counts_decimals_as_written_before_any_normalising() {
        // a Vietnamese client writes a dot for thousands: "100.000" is never a hundred đồng
        assert_eq!(parse_vnd("100.000"), Err(MoneyError::Scale("VND", 0)));
        assert_eq!(parse_vnd("100.00"), Err(MoneyError::Scale("VND", 0)));
        assert_eq!(parse_vnd("100.0"), Err(MoneyError::Scale("VND", 0)));
        let usd = Currency::parse("USD").unwrap();
        assert_eq!(
            parse_amount("12.500", usd),
            Err(MoneyError::Scale("USD", 2))
        );
        assert_eq!(parse_amount("12.50", usd).unwrap(), Decimal::new(125, 1));
        assert_eq!(parse_decimal("45.50", 2).unwrap(), Decimal::new(455, 1));
        assert_eq!(parse_decimal("45.505", 2), Err(MoneyError::Decimals(2)));
    }

    #[test]
    fn never_rounds_a_digit_away() {
        // more digits than `Decimal` holds: refused, not read as 1
        let long = "1.000000000000000000000000000001";
        assert!(parse_vnd(long).is_err());
        assert!(parse_amount(long, Currency::parse("USD").unwrap()).is_err());
        assert!(parse_decimal(long, MAX_DECIMALS).is_err());
        assert!(parse_decimal("1.0000000000000000000000000001", MAX_DECIMALS).is_ok());
        assert!(parse_decimal("999999999999999.9999999999999999", MAX_DECIMALS).is_err());
        assert_eq!(parse_vnd(&"9".repeat(60)), Err(MoneyError::TooLarge));
        assert_eq!(
            parse_vnd(&format!("{}1", "0".repeat(60))).unwrap(),
            Decimal::ONE
        );
        assert_eq!(parse_vnd_or_zero("0").unwrap(), Decimal::ZERO);
        assert_eq!(parse_vnd_or_zero("0.0"), Err(MoneyError::Scale("VND", 0)));
    }

    #[test]
    fn converts_foreign_currency_half_away_from_zero() {
        let usd = parse_amount("10.05", Currency::parse("USD").unwrap()).unwrap();
        assert_eq!(
            to_vnd(usd, parse_decimal("25450.5", 8).unwrap()).unwrap(),
            Decimal::from(255_778)
        );
        // 0.5 đồng exactly rounds away from zero
        assert_eq!(
            to_vnd(Decimal::from(1), parse_decimal("2.5", 8).unwrap()).unwrap(),
            Decimal::from(3)
        );
        assert_eq!(
            to_vnd(Decimal::from(1), parse_decimal("0.4", 8).unwrap()),
            Err(MoneyError::NotPositive)
        );
    }

    #[test]
    fn formats_with_the_currency_scale() {
        assert_eq!(format_in(Decimal::new(1005, 1), "USD"), "100.50");
        assert_eq!(format_in(Decimal::from(1_500_000), "VND"), "1500000");
        assert_eq!(format_in(Decimal::from(12), "EUR"), "12.00");
    }

    #[test]
    fn currencies_have_their_scales() {
        assert_eq!(Currency::parse("VND").unwrap().scale, 0);
        assert_eq!(Currency::parse("JPY").unwrap().scale, 0);
        assert_eq!(Currency::parse("USD").unwrap().scale, 2);
        assert_eq!(Currency::parse("usd"), None);
        assert_eq!(Currency::parse("XAU"), None);
    }

    #[test]
    fn splits_a_total_exactly() {
        assert_eq!(
            split_largest_remainder(100, &[1, 1, 1]).unwrap(),
            [34, 33, 33]
        );
        assert_eq!(split_largest_remainder(10, &[1, 2, 2]).unwrap(), [2, 4, 4]);
        assert_eq!(split_largest_remainder(0, &[1, 1]).unwrap(), [0, 0]);
        assert_eq!(split_largest_remainder(5, &[0, 0]), None);
    }

    proptest! {
        #[test]
        fn splits_always_sum_to_the_total(total in 0i64..=MAX_VND, weights in prop::collection::vec(0u64..1_000_000, 1..50)) {
            prop_assume!(weights.iter().any(|w| *w > 0));
            let parts = split_largest_remainder(total, &weights).unwrap();
            prop_assert_eq!(parts.iter().sum::<i64>(), total);
            prop_assert!(parts.iter().all(|p| *p >= 0));
            // equal weights get parts at most 1 đồng apart
            for i in 0..weights.len() {
                for j in 0..weights.len() {
                    if weights[i] == weights[j] {
                        prop_assert!((parts[i] - parts[j]).abs() <= 1);
                    }
                }
            }
        }

        #[test]
        fn parse_and_format_round_trip(n in 1i64..=MAX_VND) {
            let s = n.to_string();
            prop_assert_eq!(format(parse_vnd(&s).unwrap()), s);
        }

        #[test]
        fn two_decimal_amounts_round_trip(units in 1i64..1_000_000_000_000, cents in 0u32..100) {
            let s = if cents == 0 { units.to_string() } else { format!("{units}.{cents:02}") };
            let usd = Currency::parse("USD").unwrap();
            let parsed = parse_amount(&s, usd).unwrap();
            prop_assert_eq!(parse_amount(&format(parsed), usd).unwrap(), parsed);
        }

        #[test]
        fn conversion_is_within_half_a_dong(cents in 1i64..100_000_000, rate in 1i64..40_000_000) {
            let amount = Decimal::new(cents, 2);
            let fx = Decimal::new(rate, 3);
            let vnd = to_vnd(amount, fx);
            let exact = amount * fx;
            if let Ok(v) = vnd {
                prop_assert!((v - exact).abs() <= Decimal::new(5, 1));
            }
        }
    }
}

/// "No floating point anywhere": the crate's own sources must not name a binary float type, so no
/// amount (or anything else) can pass through one by accident.
#[cfg(test)]
mod no_floats {
    fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn the_crate_has_no_float_types() {
        let mut files = Vec::new();
        sources(
            std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
            &mut files,
        );
        let float = ["f3", "2"].concat();
        let double = ["f6", "4"].concat();
        let float_duration = ["as_secs_", "f"].concat();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for token in text.split(|c: char| !c.is_alphanumeric() && c != '_') {
                assert!(
                    token != float && token != double,
                    "{} uses {token}",
                    f.display()
                );
                assert!(
                    !token.starts_with(&float_duration),
                    "{} uses {token}",
                    f.display()
                );
            }
        }
    }
}
