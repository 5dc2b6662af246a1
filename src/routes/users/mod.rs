//! Users and their role grants, administered inside the admin's scope.

pub mod create;
pub mod disable;
pub mod get;
pub mod list;
pub mod set_roles;

use std::collections::HashMap;

use actix_web::web;
use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::auth::me::RoleView;
use crate::auth::scope::{Right, Scope};
use crate::db::units::{self, UnitRow};
use crate::db::users::{AssignmentRow, UserRow};
use crate::domain::{Role, Tier, UnitId, UserId};
use crate::error::{ApiError, ApiResult, FieldError};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create::create)
        .service(list::list)
        .service(get::get)
        .service(set_roles::set_roles)
        .service(disable::disable);
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

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    pub role: Role,
    pub unit_id: Uuid,
}

/// Checks that the admin may grant every role in `grants`: units they cannot see are
/// "unknown" (422, revealing nothing), units they see but do not administer are 403.
pub async fn check_grants(
    conn: &mut AsyncPgConnection,
    admin: &Scope,
    grants: &[Grant],
) -> ApiResult<HashMap<Uuid, UnitRow>> {
    if grants.len() > 50 {
        return Err(ApiError::field(
            "roles",
            "at most 50 roles",
            "tối đa 50 vai trò",
        ));
    }
    let ids: Vec<Uuid> = grants.iter().map(|g| g.unit_id).collect();
    let found: HashMap<Uuid, UnitRow> = units::find_many(conn, &ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut errors = Vec::new();
    for (i, g) in grants.iter().enumerate() {
        match found.get(&g.unit_id) {
            Some(u) if admin.can_see(u) => {
                if !admin.allows(Right::Administer, u) {
                    return Err(crate::auth::scope::lacking(Right::Administer, u).into());
                }
            }
            _ => errors.push(FieldError::new(
                format!("roles[{i}].unit_id"),
                "unknown unit",
                "không tìm thấy đơn vị",
            )),
        }
    }
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(ApiError::validation(errors))
    }
}

/// Where `target` sits for other users' scope, besides their roles: their home unit while they
/// hold no role (the highest unit of the roles they held last). `None` while they hold a role.
pub async fn home_unit(
    conn: &mut AsyncPgConnection,
    target: &UserRow,
    assignments: &[AssignmentRow],
) -> ApiResult<Option<UnitRow>> {
    match target.home_unit_id {
        Some(id) if assignments.is_empty() => Ok(units::find(conn, id).await?),
        _ => Ok(None),
    }
}

/// Whether `viewer` may see `target`: the viewer themselves, a user holding a role inside the
/// viewer's scope, or a user holding none whose home unit is inside it.
pub fn visible(
    viewer_id: Uuid,
    viewer: &Scope,
    target: Uuid,
    assignments: &[AssignmentRow],
    home: Option<&UnitRow>,
) -> bool {
    let roots = viewer.roots();
    viewer_id == target
        || assignments
            .iter()
            .any(|a| a.ancestry.iter().any(|id| roots.contains(id)))
        || home.is_some_and(|unit| viewer.can_see(unit))
}
