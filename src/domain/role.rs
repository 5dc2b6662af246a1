//! Roles of `security.md`. A role is held at a unit; its scope is that unit and everything below.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Creates units below their unit, users and role grants inside their scope; no money.
    Admin,
    /// Records donations and households, proposes spending, records deliveries.
    Officer,
    /// Standing committee: approves spending of their own unit, re-opens months.
    Approver,
    /// Finance officer (kế toán): voids, manual entries, payments, statements, close, exports.
    Accountant,
    /// Reads everything in scope, including the audit trail; writes nothing.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Officer,
        Role::Approver,
        Role::Accountant,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Officer => "officer",
            Role::Approver => "approver",
            Role::Accountant => "accountant",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
