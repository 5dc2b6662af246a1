//! What a refused overdraft tells the client. PostgreSQL refuses money leaving a fund, or a
//! reservation, that the fund cannot cover (`no_overdraft`), and says in the error's DETAIL
//! `available=<đồng> asked=<đồng>`; this turns that into 409 `insufficient_funds` naming both
//! amounts, in words and as problem members (`available`, `requested`, whole đồng as strings).

use rust_decimal::Decimal;

use super::{ApiError, Code};
use crate::domain::money;
use crate::vocabulary;

/// The problem for a `no_overdraft` refusal with PostgreSQL's DETAIL, if it came with one.
pub fn insufficient_funds(detail: Option<&str>) -> ApiError {
    let Some((available, asked)) = detail.and_then(figures) else {
        return ApiError::new(Code::InsufficientFunds).detail(
            "The fund does not hold enough available money for this.",
            "Quỹ không đủ số dư khả dụng cho thao tác này.",
        );
    };
    let (available_en, available_vi) = vocabulary::amounts(available);
    let (asked_en, asked_vi) = vocabulary::amounts(asked);
    ApiError::new(Code::InsufficientFunds)
        .detail(
            format!("{available_en} is available; {asked_en} was asked."),
            format!("Số dư khả dụng là {available_vi}; số yêu cầu là {asked_vi}."),
        )
        .with_extension("available", money::format(available).into())
        .with_extension("requested", money::format(asked).into())
}

/// `available=1500000 asked=2000000` → (1500000, 2000000); what is available is never shown
/// below zero (reservations can exceed a balance that a concurrent payment lowered).
fn figures(detail: &str) -> Option<(Decimal, Decimal)> {
    let mut available = None;
    let mut asked = None;
    for part in detail.split_whitespace() {
        match part.split_once('=') {
            Some(("available", v)) => available = v.parse::<Decimal>().ok(),
            Some(("asked", v)) => asked = v.parse::<Decimal>().ok(),
            _ => {}
        }
    }
    let (available, asked) = (available?, asked?);
    (asked > Decimal::ZERO).then_some((available.max(Decimal::ZERO), asked))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn names_both_amounts_in_each_language() {
        let e = insufficient_funds(Some("available=1500000 asked=2000000"));
        assert_eq!(e.code, Code::InsufficientFunds);
        let detail = e.detail.unwrap();
        assert_eq!(
            detail.get(Lang::En),
            "1,500,000 VND is available; 2,000,000 VND was asked."
        );
        assert_eq!(
            detail.get(Lang::Vi),
            "Số dư khả dụng là 1.500.000 ₫; số yêu cầu là 2.000.000 ₫."
        );
        assert_eq!(e.extensions["available"], "1500000");
        assert_eq!(e.extensions["requested"], "2000000");
    }

    #[test]
    fn without_figures_it_still_explains() {
        let e = insufficient_funds(None);
        assert!(e.detail.is_some());
        assert!(e.extensions.is_empty());
        assert!(insufficient_funds(Some("available=-5 asked=0"))
            .extensions
            .is_empty());
        let e = insufficient_funds(Some("available=-5 asked=10"));
        assert_eq!(e.extensions["available"], "0");
    }
}
