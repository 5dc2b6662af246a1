//! Amounts and dates as the banks print them: `3.884.000` (Vietcombank, Agribank),
//! `3,884,000` (BIDV, VietinBank) or `3884000` (generic); dates `dd/mm/yyyy` with an optional
//! time, or ISO. VND has no minor unit, so a decimal part is accepted only when it is zero (the
//! banks print `,00`). Grouping and that zero part are the file format's own; the digits left are
//! then read by the same rule as every amount of the API (`money::parse_exact`).

use chrono::NaiveDate;

use crate::domain::field::Text;
use crate::domain::money::{self, MoneyError};

/// How a format groups thousands; the other mark is its decimal separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// `1.250.000` (decimal comma)
    Dot,
    /// `1,250,000` (decimal point)
    Comma,
    /// `1250000` (decimal point)
    Plain,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    /// `17/10/2026`, `17-10-2026`, optionally followed by a time `10:19:55`
    DayMonthYear,
    /// `2026-10-17`, optionally followed by a time
    Iso,
}

/// An amount cell: `None` when blank; an error names what is wrong in both languages.
/// `signed` allows a leading `-` (balances of an overdrawn account).
pub fn parse_amount(cell: &str, grouping: Grouping, signed: bool) -> Result<Option<i64>, Text> {
    let s = cell.trim();
    let s = s
        .strip_suffix("VND")
        .or_else(|| s.strip_suffix("vnd"))
        .unwrap_or(s)
        .trim_end();
    if s.is_empty() {
        return Ok(None);
    }
    let bad = || {
        Text::new(
            format!("`{}` is not an amount", shorten(cell)),
            format!("`{}` không phải số tiền", shorten(cell)),
        )
    };
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) if signed => (true, rest.trim_start()),
        Some(_) => return Err(bad()),
        None => (false, s),
    };
    let (group, decimal) = match grouping {
        Grouping::Dot => (Some('.'), ','),
        Grouping::Comma => (Some(','), '.'),
        Grouping::Plain => (None, '.'),
    };
    let (int, frac) = match s.split_once(decimal) {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if frac.is_some_and(|f| !all_digits(f)) {
        return Err(bad());
    }
    let mut digits: String = match group {
        Some(g) if int.contains(g) => {
            let mut parts = int.split(g);
            let first = parts.next().unwrap_or("");
            let ok = all_digits(first)
                && first.len() <= 3
                && parts.all(|p| p.len() == 3 && all_digits(p));
            if !ok {
                return Err(bad());
            }
            int.chars().filter(char::is_ascii_digit).collect()
        }
        _ if all_digits(int) => int.to_owned(),
        _ => return Err(bad()),
    };
    // `,00` is how these files write a whole amount; any other fraction goes to the rule
    if let Some(frac) = frac.filter(|f| f.bytes().any(|b| b != b'0')) {
        digits = format!("{digits}.{frac}");
    }
    let value = match money::parse_exact(&digits, money::VND.scale) {
        Ok(v) => i64::try_from(v).map_err(|_| bad())?,
        Err(MoneyError::Decimals(_)) => {
            return Err(Text::new(
                format!(
                    "`{}` has a fraction of a đồng; VND amounts are whole",
                    shorten(cell)
                ),
                format!(
                    "`{}` có phần lẻ của đồng; số tiền VND là số nguyên",
                    shorten(cell)
                ),
            ))
        }
        Err(MoneyError::TooLarge) => {
            return Err(Text::new(
                format!("`{}` is too large", shorten(cell)),
                format!("`{}` quá lớn", shorten(cell)),
            ))
        }
        Err(_) => return Err(bad()),
    };
    Ok(Some(if negative { -value } else { value }))
}

/// A date cell (not blank). A time after the date is allowed and dropped.
pub fn parse_date(cell: &str, style: DateStyle) -> Result<NaiveDate, Text> {
    let s = cell.trim();
    let bad = || {
        let expected = match style {
            DateStyle::DayMonthYear => "dd/mm/yyyy",
            DateStyle::Iso => "yyyy-mm-dd",
        };
        Text::new(
            format!("`{}` is not a date ({expected})", shorten(cell)),
            format!("`{}` không phải ngày ({expected})", shorten(cell)),
        )
    };
    let (day, time) = match s.split_once([' ', 'T']) {
        Some((d, t)) => (d, Some(t.trim())),
        None => (s, None),
    };
    if time.is_some_and(|t| {
        t.is_empty()
            || !t
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b':' || b == b'.')
    }) {
        return Err(bad());
    }
    let numbers: Vec<&str> = day.split(['/', '-', '.']).collect();
    let [a, b, c] = numbers.as_slice() else {
        return Err(bad());
    };
    let num = |p: &str, len: std::ops::RangeInclusive<usize>| -> Option<u32> {
        (len.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let (y, m, d) = match style {
        DateStyle::DayMonthYear => (num(c, 4..=4), num(b, 1..=2), num(a, 1..=2)),
        DateStyle::Iso => (num(a, 4..=4), num(b, 2..=2), num(c, 2..=2)),
    };
    let (Some(y), Some(m), Some(d)) = (y, m, d) else {
        return Err(bad());
    };
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(bad)
}

/// A cell quoted in an error message, cut to a readable length.
pub fn shorten(cell: &str) -> String {
    let cell = cell.trim();
    if cell.chars().count() <= 40 {
        cell.to_owned()
    } else {
        let head: String = cell.chars().take(40).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(s: &str, g: Grouping) -> Option<i64> {
        parse_amount(s, g, false).unwrap()
    }

    #[test]
    fn reads_each_grouping() {
        assert_eq!(amount("3.884.000", Grouping::Dot), Some(3_884_000));
        assert_eq!(amount("3,884,000", Grouping::Comma), Some(3_884_000));
        assert_eq!(amount("3884000", Grouping::Plain), Some(3_884_000));
        assert_eq!(amount("500", Grouping::Dot), Some(500));
        assert_eq!(amount("1250000", Grouping::Dot), Some(1_250_000));
        assert_eq!(amount("  ", Grouping::Dot), None);
        assert_eq!(amount("11.000 VND", Grouping::Dot), Some(11_000));
    }

    #[test]
    fn accepts_zero_decimals_and_refuses_others() {
        assert_eq!(amount("3.884.000,00", Grouping::Dot), Some(3_884_000));
        assert_eq!(amount("3,884,000.00", Grouping::Comma), Some(3_884_000));
        assert_eq!(amount("3884000.0", Grouping::Plain), Some(3_884_000));
        let e = parse_amount("3,884,000.50", Grouping::Comma, false).unwrap_err();
        assert!(e.en.contains("fraction"), "{e:?}");
        assert!(parse_amount("100,5", Grouping::Dot, false).is_err());
    }

    #[test]
    fn refuses_misplaced_separators_signs_and_text() {
        for bad in [
            "3.88.000",
            "3884.000,",
            "1.2345",
            ".500",
            "abc",
            "1 000",
            "3,884,000",
        ] {
            assert!(parse_amount(bad, Grouping::Dot, false).is_err(), "{bad}");
        }
        assert!(parse_amount("3.884.000", Grouping::Comma, false).is_err());
        assert!(parse_amount("-5.000", Grouping::Dot, false).is_err());
        assert_eq!(
            parse_amount("-5.000", Grouping::Dot, true).unwrap(),
            Some(-5000)
        );
        assert!(parse_amount("99999999999999999999", Grouping::Plain, false).is_err());
    }

    #[test]
    fn reads_dates_with_or_without_time() {
        let d = NaiveDate::from_ymd_opt(2026, 10, 17).unwrap();
        assert_eq!(
            parse_date("17/10/2026", DateStyle::DayMonthYear).unwrap(),
            d
        );
        assert_eq!(
            parse_date("17/10/2026 10:19:55", DateStyle::DayMonthYear).unwrap(),
            d
        );
        assert_eq!(
            parse_date("17-10-2026", DateStyle::DayMonthYear).unwrap(),
            d
        );
        assert_eq!(parse_date("2026-10-17", DateStyle::Iso).unwrap(), d);
        assert!(parse_date("32/10/2026", DateStyle::DayMonthYear).is_err());
        assert!(parse_date("10/17/26", DateStyle::DayMonthYear).is_err());
        assert!(parse_date("17/10/2026", DateStyle::Iso).is_err());
        assert!(parse_date("17/10/2026 noon", DateStyle::DayMonthYear).is_err());
    }
}
