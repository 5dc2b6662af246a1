//! Local dates. Periods and receipts are decided by the date in Asia/Ho_Chi_Minh (UTC+7), so a
//! donation recorded at 23:30 UTC on 31 December belongs to 1 January.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;

/// The local calendar date of an instant.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Ho_Chi_Minh).date_naive()
}

/// The first day of the month holding `date`.
pub fn month_start(date: NaiveDate) -> NaiveDate {
    date.with_day(1).expect("day 1 exists in every month")
}

/// The service's clock: the system clock, or a fixed instant in tests.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    fixed: Option<DateTime<Utc>>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    pub fn fixed(at: DateTime<Utc>) -> Clock {
        Clock { fixed: Some(at) }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.fixed.unwrap_or_else(Utc::now)
    }

    pub fn today(&self) -> NaiveDate {
        local_date(self.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_on_new_years_eve_utc_is_new_year_locally() {
        let at = DateTime::parse_from_rfc3339("2025-12-31T23:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(local_date(at), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        let before = DateTime::parse_from_rfc3339("2025-12-31T16:59:59Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            local_date(before),
            NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()
        );
    }

    #[test]
    fn months_start_on_the_first() {
        let d = NaiveDate::from_ymd_opt(2026, 2, 28).unwrap();
        assert_eq!(month_start(d), NaiveDate::from_ymd_opt(2026, 2, 1).unwrap());
    }
}
