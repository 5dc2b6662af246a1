//! Users as other users see them: never the password or its hash, and only the roles inside the
//! viewer's scope.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::scope::Scope;
use crate::db::users::{AssignmentRow, UserRow};
use crate::domain::{Role, Tier, UnitId, UserId};

#[derive(Debug, Serialize, ToSchema)]
pub struct RoleView {
    pub role: Role,
    pub unit_id: UnitId,
    pub unit_code: String,
    pub tier: Tier,
}

/// A user as other users see it: never the password or its hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub disabled: bool,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The user's roles inside the caller's scope.
    pub roles: Vec<RoleView>,
}

impl UserView {
    /// Builds the view, showing only the assignments the viewer can see.
    pub fn new(user: UserRow, assignments: &[AssignmentRow], viewer: &Scope) -> UserView {
        let roots = viewer.roots();
        let roles = assignments
            .iter()
            .filter(|a| a.user_id == user.id && a.ancestry.iter().any(|id| roots.contains(id)))
            .filter_map(|a| {
                Some(RoleView {
                    role: Role::parse(&a.role)?,
                    unit_id: UnitId(a.unit_id),
                    unit_code: a.unit_code.clone(),
                    tier: Tier::parse(&a.tier)?,
                })
            })
            .collect();
        UserView {
            id: UserId(user.id),
            username: user.username,
            full_name: user.full_name,
            disabled: user.disabled_at.is_some(),
            disabled_at: user.disabled_at,
            created_at: user.created_at,
            roles,
        }
    }
}
