//! The tiers of the Front. Since 1 July 2025 communes sit directly under provinces, so a tree
//! may have three or four levels; the only rule is that a parent is of a strictly higher tier.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Central,
    Province,
    District,
    Commune,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Central, Tier::Province, Tier::District, Tier::Commune];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Central => "central",
            Tier::Province => "province",
            Tier::District => "district",
            Tier::Commune => "commune",
        }
    }

    pub fn parse(s: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// 0 for central, growing downwards.
    pub fn rank(self) -> u8 {
        self as u8
    }

    /// Whether a unit of tier `self` may hang directly under a unit of tier `parent`.
    pub fn fits_under(self, parent: Tier) -> bool {
        parent.rank() < self.rank()
    }
}

impl std::fmt::Display for Tier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parent_is_of_a_strictly_higher_tier() {
        assert!(Tier::Province.fits_under(Tier::Central));
        assert!(Tier::District.fits_under(Tier::Province));
        assert!(Tier::Commune.fits_under(Tier::District));
        // the 2025 reform: communes directly under provinces
        assert!(Tier::Commune.fits_under(Tier::Province));
        assert!(!Tier::Province.fits_under(Tier::Province));
        assert!(!Tier::Province.fits_under(Tier::Commune));
        assert!(!Tier::Central.fits_under(Tier::Central));
    }

    #[test]
    fn parses_its_own_names_only() {
        for t in Tier::ALL {
            assert_eq!(Tier::parse(t.as_str()), Some(t));
        }
        assert_eq!(Tier::parse("Province"), None);
        assert_eq!(Tier::parse("ward"), None);
    }
}
