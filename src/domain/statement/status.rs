//! Where a statement line stands against the ledger: not yet matched, matched to one journal
//! entry, or ignored with a reason.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineStatus {
    Unmatched,
    Matched,
    Ignored,
}

impl LineStatus {
    pub const ALL: [LineStatus; 3] = [
        LineStatus::Unmatched,
        LineStatus::Matched,
        LineStatus::Ignored,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LineStatus::Unmatched => "unmatched",
            LineStatus::Matched => "matched",
            LineStatus::Ignored => "ignored",
        }
    }

    pub fn parse(s: &str) -> Option<LineStatus> {
        LineStatus::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// A stored status; anything else is broken data.
impl TryFrom<String> for LineStatus {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        LineStatus::parse(&s).ok_or_else(|| format!("unknown statement line status {s:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for s in LineStatus::ALL {
            assert_eq!(LineStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(LineStatus::parse("done"), None);
    }
}
