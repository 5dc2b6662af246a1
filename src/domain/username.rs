//! Usernames: lower-case ASCII, 3–64 characters, so sign-in and rate limiting see one spelling.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Option<Username> {
        let s = raw.trim().to_ascii_lowercase();
        let ok = (3..=64).contains(&s.len())
            && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && s.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
            });
        ok.then_some(Username(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Password policy: long enough to resist guessing, short enough not to be a hashing DoS.
pub fn password_is_acceptable(p: &str) -> bool {
    (10..=256).contains(&p.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_rejects_odd_names() {
        assert_eq!(Username::parse(" Admin.TW ").unwrap().as_str(), "admin.tw");
        assert!(Username::parse("ab").is_none());
        assert!(Username::parse("_admin").is_none());
        assert!(Username::parse("ad min").is_none());
        assert!(Username::parse("quản trị").is_none());
    }

    #[test]
    fn password_length_bounds() {
        assert!(!password_is_acceptable("short"));
        assert!(password_is_acceptable("correct horse battery"));
        assert!(!password_is_acceptable(&"x".repeat(257)));
    }
}
