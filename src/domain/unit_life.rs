//! A unit's life since the 2025 reform (reform.md, "Unit lifecycle"): `active`, then — once the
//! succession data says it ended — `dissolving` from the first day it no longer exists, then
//! `dissolved` once its handover is executed, with `dissolved_on` its last day.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitStatus {
    Active,
    Dissolving,
    Dissolved,
}

impl UnitStatus {
    pub const ALL: [UnitStatus; 3] = [
        UnitStatus::Active,
        UnitStatus::Dissolving,
        UnitStatus::Dissolved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitStatus::Active => "active",
            UnitStatus::Dissolving => "dissolving",
            UnitStatus::Dissolved => "dissolved",
        }
    }

    pub fn parse(s: &str) -> Option<UnitStatus> {
        UnitStatus::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Where a unit stands in its life, with the dates that go with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitLife {
    Active,
    /// Ended in the real world on `from` (its succession's `effective_on`); the handover is not
    /// executed yet, so what is dated before `from` still posts.
    Dissolving {
        from: NaiveDate,
    },
    /// Handed over; `on` is its last day.
    Dissolved {
        on: NaiveDate,
    },
}

impl UnitLife {
    pub fn status(self) -> UnitStatus {
        match self {
            UnitLife::Active => UnitStatus::Active,
            UnitLife::Dissolving { .. } => UnitStatus::Dissolving,
            UnitLife::Dissolved { .. } => UnitStatus::Dissolved,
        }
    }

    /// Whether the unit takes something new dated `on` (a donation's day of receipt, a campaign's
    /// first day, the local day a household is registered or a proposal submitted): a dissolved
    /// unit takes nothing, a dissolving one only what is dated before its end.
    pub fn takes(self, on: NaiveDate) -> bool {
        match self {
            UnitLife::Active => true,
            UnitLife::Dissolving { from } => on < from,
            UnitLife::Dissolved { .. } => false,
        }
    }

    pub fn is_dissolved(self) -> bool {
        matches!(self, UnitLife::Dissolved { .. })
    }

    /// The first day the unit no longer exists, once it has ended.
    pub fn ended_from(self) -> Option<NaiveDate> {
        match self {
            UnitLife::Active => None,
            UnitLife::Dissolving { from } => Some(from),
            UnitLife::Dissolved { on } => on.succ_opt(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_dissolving_unit_takes_only_what_is_dated_before_its_end() {
        let life = UnitLife::Dissolving {
            from: d("2025-07-01"),
        };
        assert!(life.takes(d("2025-06-30")));
        assert!(!life.takes(d("2025-07-01")));
        assert!(!life.takes(d("2026-01-01")));
    }

    #[test]
    fn a_dissolved_unit_takes_nothing_and_an_active_one_everything() {
        let dissolved = UnitLife::Dissolved {
            on: d("2025-06-30"),
        };
        assert!(!dissolved.takes(d("2020-01-01")));
        assert_eq!(dissolved.ended_from(), Some(d("2025-07-01")));
        assert!(UnitLife::Active.takes(d("2030-01-01")));
    }

    #[test]
    fn statuses_read_back_from_their_words() {
        for s in UnitStatus::ALL {
            assert_eq!(UnitStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(UnitStatus::parse("gone"), None);
    }
}
