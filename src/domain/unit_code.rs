//! A unit's code: `TW` for the centre, the statistics office codes below it (2 digits for a
//! province, 3 for a district, 5 for a commune), or another short upper-case code.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct UnitCode(String);

/// The code of the central unit, the root of every tree.
pub const CENTRAL_CODE: &str = "TW";

impl UnitCode {
    pub fn parse(raw: &str) -> Option<UnitCode> {
        let s = raw.trim();
        let ok = !s.is_empty()
            && s.len() <= 32
            && s.chars()
                .next()
                .is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && s.chars().all(|c| {
                c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
            });
        ok.then(|| UnitCode(s.to_owned()))
    }

    pub fn central() -> UnitCode {
        UnitCode(CENTRAL_CODE.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl std::fmt::Display for UnitCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_official_codes() {
        for c in ["TW", "20", "183", "06001", "HN-01"] {
            assert!(UnitCode::parse(c).is_some(), "{c}");
        }
    }

    #[test]
    fn rejects_anything_else() {
        for c in ["", "tw", "-1", "06 001", "Lạng", &"9".repeat(33)] {
            assert!(UnitCode::parse(c).is_none(), "{c}");
        }
    }
}
