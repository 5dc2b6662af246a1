//! What every kind of spending shares (api.md "Spending"): the lifecycle `submitted →
//! approved → paid`, or `rejected` / `cancelled` (Tết batches add `closed`, transfers `sent` and
//! `received`), the four-eyes rule, grant categories and their expense accounts, and which
//! restricted campaigns may pay for what. The database holds the same transitions and the
//! four-eyes rule as constraints; these functions let a route answer with the right code first.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Submitted,
    Approved,
    Rejected,
    Cancelled,
    Paid,
    Closed,
    Sent,
    Received,
    /// houses: `proposed → approved → started → completed → handed_over`
    Proposed,
    Started,
    Completed,
    HandedOver,
}

impl Status {
    pub const ALL: [Status; 12] = [
        Status::Submitted,
        Status::Approved,
        Status::Rejected,
        Status::Cancelled,
        Status::Paid,
        Status::Closed,
        Status::Sent,
        Status::Received,
        Status::Proposed,
        Status::Started,
        Status::Completed,
        Status::HandedOver,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
            Status::Cancelled => "cancelled",
            Status::Paid => "paid",
            Status::Closed => "closed",
            Status::Sent => "sent",
            Status::Received => "received",
            Status::Proposed => "proposed",
            Status::Started => "started",
            Status::Completed => "completed",
            Status::HandedOver => "handed_over",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The enums of this module as stored: a row holds them as text, and a value the code does not
/// know is broken data, refused where the row is read (never read as some default).
macro_rules! stored_as_text {
    ($($name:ident),*) => {$(
        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(stored: String) -> Result<Self, String> {
                $name::parse(&stored)
                    .ok_or_else(|| format!("unknown stored {} '{stored}'", stringify!($name)))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}

stored_as_text!(Status, Category, Method, Direction);

/// The kinds of spending, each with its own lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `/v1/disbursements`
    Grant,
    TetBatch,
    Transfer,
    /// Great Unity house projects
    House,
}

impl Kind {
    /// The name records use for it: the audit trail's target type and a reservation's holder.
    pub fn record_name(self) -> &'static str {
        match self {
            Kind::Grant => "disbursement",
            Kind::TetBatch => "tet_batch",
            Kind::Transfer => "transfer",
            Kind::House => "house",
        }
    }

    /// The kind a record name names (a handover's obligation `type`).
    pub fn from_record_name(s: &str) -> Option<Kind> {
        [Kind::Grant, Kind::TetBatch, Kind::Transfer, Kind::House]
            .into_iter()
            .find(|k| k.record_name() == s)
    }
}

/// What a user asks to do to a piece of spending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Approve,
    Reject,
    Cancel,
    /// grants: pay; Tết batches: disburse
    Pay,
    /// Tết batches: settle and close
    Close,
    Send,
    Receive,
    /// houses: construction starts
    Start,
    /// houses: the acceptance (nghiệm thu)
    Complete,
    /// houses: handed to the household
    HandOver,
}

/// The state `action` leads to from `from`, or None when the lifecycle does not allow it
/// (409 `invalid_state`). Mirrors the `spending_transitions` table.
pub fn next(kind: Kind, from: Status, action: Action) -> Option<Status> {
    use Action as A;
    use Status as S;
    if kind == Kind::House {
        return match (from, action) {
            (S::Proposed, A::Approve) => Some(S::Approved),
            (S::Proposed | S::Approved | S::Started, A::Cancel) => Some(S::Cancelled),
            (S::Approved, A::Start) => Some(S::Started),
            (S::Started, A::Complete) => Some(S::Completed),
            (S::Completed, A::HandOver) => Some(S::HandedOver),
            _ => None,
        };
    }
    match (from, action) {
        (S::Submitted, A::Approve) => Some(S::Approved),
        (S::Submitted, A::Reject) => Some(S::Rejected),
        (S::Submitted | S::Approved, A::Cancel) => Some(S::Cancelled),
        (S::Approved, A::Pay) if kind != Kind::Transfer => Some(S::Paid),
        (S::Paid, A::Close) if kind == Kind::TetBatch => Some(S::Closed),
        (S::Approved, A::Send) if kind == Kind::Transfer => Some(S::Sent),
        (S::Sent, A::Receive) if kind == Kind::Transfer => Some(S::Received),
        _ => None,
    }
}

/// Four eyes: whoever approves, rejects or cancels is not who submitted (403 `same_person`).
pub fn may_decide(decider: Uuid, submitter: Uuid) -> bool {
    decider != submitter
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Medical,
    Education,
    Livelihood,
    EmergencyRelief,
    CommunityWorks,
    Other,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::Medical,
        Category::Education,
        Category::Livelihood,
        Category::EmergencyRelief,
        Category::CommunityWorks,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Medical => "medical",
            Category::Education => "education",
            Category::Livelihood => "livelihood",
            Category::EmergencyRelief => "emergency_relief",
            Category::CommunityWorks => "community_works",
            Category::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// How spending leaves the fund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// 1111
    Cash,
    /// 1121.N of the named bank account
    Bank,
    /// 1551, donated goods
    InKind,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Cash => "cash",
            Method::Bank => "bank",
            Method::InKind => "in_kind",
        }
    }

    pub fn parse(s: &str) -> Option<Method> {
        [Method::Cash, Method::Bank, Method::InKind]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// Which way the money goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Down, to a descendant's fund.
    Allocation,
    /// Up, to an ancestor's fund.
    Remittance,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Allocation => "allocation",
            Direction::Remittance => "remittance",
        }
    }

    pub fn parse(s: &str) -> Option<Direction> {
        [Direction::Allocation, Direction::Remittance]
            .into_iter()
            .find(|d| d.as_str() == s)
    }

    /// From the unit `from` to the unit `to`, given the ancestry of each (itself included):
    /// allocation when `to` is below `from`, remittance when above; None for unrelated units
    /// (siblings, cousins) and for the same unit.
    pub fn between(from: (Uuid, &[Uuid]), to: (Uuid, &[Uuid])) -> Option<Direction> {
        if from.0 == to.0 {
            None
        } else if to.1.contains(&from.0) {
            Some(Direction::Allocation)
        } else if from.1.contains(&to.0) {
            Some(Direction::Remittance)
        } else {
            None
        }
    }
}

/// What spending pays for, to match against a restricted campaign's purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Grant(Category),
    TetGifts,
    House,
    /// Moving money to another tier: the earmark travels with it.
    Transfer,
}

/// Whether a campaign of `kind` (`general|peak_month|tet|disaster|housing`) that is restricted
/// may pay for `purpose`. Donors gave restricted money for the campaign's purpose: Tết money
/// buys Tết gifts, housing money builds houses, disaster money relieves the disaster (relief,
/// medical care, livelihoods, community works and houses). General drives may pay for anything.
/// Unrestricted campaigns only label spending; they hold no money of their own.
pub fn campaign_allows(kind: &str, purpose: Purpose) -> bool {
    use Category as C;
    matches!(
        (kind, purpose),
        (_, Purpose::Transfer)
            | ("general" | "peak_month", _)
            | ("tet", Purpose::TetGifts)
            | ("housing" | "disaster", Purpose::House)
            | (
                "disaster",
                Purpose::Grant(C::EmergencyRelief | C::Medical | C::Livelihood | C::CommunityWorks)
            )
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lifecycle_allows_only_forward_steps() {
        use Action as A;
        use Status as S;
        assert_eq!(
            next(Kind::Grant, S::Submitted, A::Approve),
            Some(S::Approved)
        );
        assert_eq!(next(Kind::Grant, S::Approved, A::Pay), Some(S::Paid));
        assert_eq!(next(Kind::Grant, S::Paid, A::Cancel), None);
        assert_eq!(next(Kind::Grant, S::Submitted, A::Pay), None);
        assert_eq!(next(Kind::Grant, S::Approved, A::Approve), None);
        assert_eq!(next(Kind::Transfer, S::Approved, A::Pay), None);
        assert_eq!(next(Kind::Transfer, S::Approved, A::Send), Some(S::Sent));
        assert_eq!(next(Kind::Transfer, S::Sent, A::Receive), Some(S::Received));
        assert_eq!(next(Kind::TetBatch, S::Paid, A::Close), Some(S::Closed));
        assert_eq!(next(Kind::Grant, S::Paid, A::Close), None);
        assert_eq!(next(Kind::TetBatch, S::Rejected, A::Approve), None);
    }

    #[test]
    fn a_house_goes_from_proposal_to_hand_over_or_is_cancelled_before_completion() {
        use Action as A;
        use Status as S;
        let steps = [
            (S::Proposed, A::Approve, S::Approved),
            (S::Approved, A::Start, S::Started),
            (S::Started, A::Complete, S::Completed),
            (S::Completed, A::HandOver, S::HandedOver),
        ];
        for (from, action, to) in steps {
            assert_eq!(next(Kind::House, from, action), Some(to));
        }
        for from in [S::Proposed, S::Approved, S::Started] {
            assert_eq!(next(Kind::House, from, A::Cancel), Some(S::Cancelled));
        }
        assert_eq!(next(Kind::House, S::Completed, A::Cancel), None);
        assert_eq!(next(Kind::House, S::Approved, A::Pay), None);
        assert_eq!(next(Kind::House, S::Submitted, A::Approve), None);
        assert_eq!(next(Kind::House, S::Proposed, A::Start), None);
        assert_eq!(next(Kind::Grant, S::Approved, A::Start), None);
        assert_eq!(next(Kind::Grant, S::Proposed, A::Approve), None);
    }

    #[test]
    fn restricted_money_pays_only_for_its_purpose() {
        assert!(campaign_allows("tet", Purpose::TetGifts));
        assert!(!campaign_allows("tet", Purpose::Grant(Category::Medical)));
        assert!(!campaign_allows("housing", Purpose::TetGifts));
        assert!(campaign_allows("housing", Purpose::House));
        assert!(campaign_allows(
            "disaster",
            Purpose::Grant(Category::EmergencyRelief)
        ));
        assert!(!campaign_allows(
            "disaster",
            Purpose::Grant(Category::Education)
        ));
        assert!(campaign_allows("general", Purpose::Grant(Category::Other)));
        assert!(campaign_allows("tet", Purpose::Transfer));
    }

    #[test]
    fn a_transfer_goes_down_to_a_descendant_or_up_to_an_ancestor() {
        let (root, mid, leaf, other) = (
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
        );
        let root_unit = (root, &[root][..]);
        let mid_unit = (mid, &[root, mid][..]);
        let leaf_unit = (leaf, &[root, mid, leaf][..]);
        let cousin = (other, &[root, other][..]);
        assert_eq!(
            Direction::between(root_unit, leaf_unit),
            Some(Direction::Allocation)
        );
        assert_eq!(
            Direction::between(leaf_unit, mid_unit),
            Some(Direction::Remittance)
        );
        assert_eq!(Direction::between(mid_unit, cousin), None);
        assert_eq!(Direction::between(mid_unit, mid_unit), None);
    }

    #[test]
    fn a_stored_value_reads_back_or_is_refused() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        assert_eq!(Status::try_from("paid".to_owned()), Ok(Status::Paid));
        assert_eq!(Method::try_from("in_kind".to_owned()), Ok(Method::InKind));
        assert!(Method::try_from("cheque".to_owned()).is_err());
        assert_eq!(
            Direction::try_from("remittance".to_owned()),
            Ok(Direction::Remittance)
        );
    }
}
