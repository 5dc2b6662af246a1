//! Users and their role grants: create (the `POST /v1/users` route, `doanket users create` and
//! the demo seed), replace roles, disable, and who may see whom. An admin grants and takes
//! roles only on units they administer; a user is visible where they hold a role, or, holding
//! none, at their home unit.

use std::collections::HashMap;

use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::{AppError, AppResult, Code};
use crate::audit::{self, Change};
use crate::auth::scope::{self, Right, Scope};
use crate::auth::AuthUser;
use crate::db::refresh_tokens;
use crate::db::units::{self, UnitRow};
use crate::db::users::{self, AssignmentRow, NewUser, UserRow};
use crate::domain::field::FieldError;
use crate::domain::{Role, Username};
use crate::messages::{units as unit_messages, users as messages};
use crate::middleware::request_id::RequestMeta;
use crate::views::users::UserView;

/// Who makes a change: a signed-in user, or the operator of the `doanket` command (the CLI and
/// the demo seed), who has no account and acts with no role.
#[derive(Clone, Copy)]
pub enum Operator<'a> {
    User(&'a AuthUser),
    Console(&'a RequestMeta),
}

impl Operator<'_> {
    pub fn user_id(&self) -> Option<Uuid> {
        match self {
            Operator::User(user) => Some(user.id.0),
            Operator::Console(_) => None,
        }
    }

    /// Records `change` in the audit trail as made by this operator.
    pub async fn record(
        &self,
        conn: &mut AsyncPgConnection,
        change: Change<'_>,
    ) -> QueryResult<()> {
        match self {
            Operator::User(user) => audit::record(conn, user, change).await,
            Operator::Console(meta) => audit::record_as(conn, None, meta, change).await,
        }
    }
}

/// A user to create, parsed; the password already hashed (`auth::password::hash`, off the
/// executor, before the transaction).
pub struct NewAccount {
    pub username: Username,
    pub full_name: String,
    pub password_hash: String,
    /// (role, unit id), checked by the caller (`check_grants`, or resolved from codes by the CLI).
    pub roles: Vec<(Role, Uuid)>,
}

/// Creates a user with their roles: 409 `duplicate_username` when the name is taken (also when
/// a concurrent request takes it first: the unique constraint answers the same).
pub async fn create(
    conn: &mut AsyncPgConnection,
    by: Operator<'_>,
    account: NewAccount,
) -> AppResult<(UserRow, Vec<AssignmentRow>)> {
    if users::find_by_username(conn, account.username.as_str())
        .await?
        .is_some()
    {
        return Err(AppError::refused(Code::DuplicateUsername));
    }
    let user = users::insert(
        conn,
        &NewUser {
            id: Uuid::now_v7(),
            username: account.username.as_str(),
            password_hash: &account.password_hash,
            full_name: &account.full_name,
            created_by: by.user_id(),
        },
    )
    .await?;
    let grants: Vec<(String, Uuid)> = account
        .roles
        .iter()
        .map(|(role, unit)| (role.as_str().to_owned(), *unit))
        .collect();
    users::set_assignments(conn, user.id, &grants, by.user_id()).await?;
    let assignments = users::assignments(conn, &[user.id]).await?;
    by.record(
        conn,
        Change {
            action: "user.create",
            target_type: "user",
            target_id: Some(user.id),
            unit_id: grants.first().map(|g| g.1),
            changes: serde_json::json!({"username": user.username, "roles": grants}),
        },
    )
    .await?;
    Ok((user, assignments))
}

/// Checks that the admin may grant every role in `grants`: units they cannot see are
/// "unknown" (422, revealing nothing), units they see but do not administer are 403.
pub async fn check_grants(
    conn: &mut AsyncPgConnection,
    admin: &Scope,
    grants: &[(Role, Uuid)],
) -> AppResult<()> {
    if grants.len() > 50 {
        return Err(messages::too_many_roles().into());
    }
    let ids: Vec<Uuid> = grants.iter().map(|g| g.1).collect();
    let found: HashMap<Uuid, UnitRow> = units::find_many(conn, &ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut errors: Vec<FieldError> = Vec::new();
    for (i, (_, unit_id)) in grants.iter().enumerate() {
        match found.get(unit_id) {
            Some(u) if admin.can_see(u) => {
                if !admin.allows(Right::Administer, u) {
                    return Err(scope::lacking(Right::Administer, u));
                }
            }
            _ => errors.push(unit_messages::unknown_unit(&format!("roles[{i}].unit_id"))),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// A user and their assignments, when `viewer` may see them (404 otherwise), with their home
/// unit while they hold no role.
pub async fn visible_to(
    conn: &mut AsyncPgConnection,
    viewer: &AuthUser,
    id: Uuid,
) -> AppResult<(UserRow, Vec<AssignmentRow>, Option<UnitRow>)> {
    let target = users::find(conn, id).await?.ok_or(AppError::NotFound)?;
    let assignments = users::assignments(conn, &[target.id]).await?;
    // their home unit counts only while they hold no role (the highest unit of their last roles)
    let home = match target.home_unit_id {
        Some(home) if assignments.is_empty() => units::find(conn, home).await?,
        _ => None,
    };
    let roots = viewer.scope.roots();
    let visible = viewer.id.0 == target.id
        || assignments
            .iter()
            .any(|a| a.ancestry.iter().any(|id| roots.contains(id)))
        || home.as_ref().is_some_and(|unit| viewer.scope.can_see(unit));
    if !visible {
        return Err(AppError::NotFound);
    }
    Ok((target, assignments, home))
}

/// One user as `viewer` sees them.
pub async fn get(conn: &mut AsyncPgConnection, viewer: &AuthUser, id: Uuid) -> AppResult<UserView> {
    let (target, assignments, _) = visible_to(conn, viewer, id).await?;
    Ok(UserView::new(target, &assignments, &viewer.scope))
}

/// Replaces the user's roles on units `admin` administers; roles elsewhere stay. A user left
/// with no role loses their refresh tokens at once.
pub async fn set_roles(
    conn: &mut AsyncPgConnection,
    admin: &AuthUser,
    id: Uuid,
    roles: &[(Role, Uuid)],
) -> AppResult<UserView> {
    let (target, current, home) = visible_to(conn, admin, id).await?;
    // as with disabling: an admin cannot lock themselves out (the last admin of a unit would)
    if target.id == admin.id.0 {
        return Err(messages::own_roles());
    }
    check_grants(conn, &admin.scope, roles).await?;

    // Keep what the caller does not administer; replace the rest with the request.
    let current_units =
        units::find_many(conn, &current.iter().map(|a| a.unit_id).collect::<Vec<_>>()).await?;
    let administered = |unit: Uuid| {
        current_units
            .iter()
            .any(|u| u.id == unit && admin.scope.allows(Right::Administer, u))
    };
    let mut grants: Vec<(String, Uuid)> = current
        .iter()
        .filter(|a| !administered(a.unit_id))
        .map(|a| (a.role.clone(), a.unit_id))
        .collect();
    grants.extend(
        roles
            .iter()
            .map(|(role, unit)| (role.as_str().to_owned(), *unit)),
    );
    grants.sort();
    grants.dedup();
    let before: Vec<(String, Uuid)> = current
        .iter()
        .map(|a| (a.role.clone(), a.unit_id))
        .collect();

    users::set_assignments(conn, target.id, &grants, Some(admin.id.0)).await?;
    let assignments = users::assignments(conn, &[target.id]).await?;
    // no role, no session: what they were signed in with stops working now
    let revoked = if assignments.is_empty() {
        refresh_tokens::revoke_all_for_user(conn, target.id).await?
    } else {
        0
    };
    audit::record(
        conn,
        admin,
        Change {
            action: "user.set_roles",
            target_type: "user",
            target_id: Some(target.id),
            unit_id: roles
                .first()
                .map(|g| g.1)
                .or(before.first().map(|b| b.1))
                .or(home.as_ref().map(|u| u.id)),
            changes: serde_json::json!({
                "before": before,
                "after": grants,
                "refresh_tokens_revoked": revoked,
            }),
        },
    )
    .await?;
    Ok(UserView::new(target, &assignments, &admin.scope))
}

/// Disables a user: their tokens stop working at once and they cannot sign in. `admin` must
/// administer every unit where the user holds a role (a user holding none: their home unit).
/// Disabling a disabled user changes nothing but revokes any refresh token left.
pub async fn disable(
    conn: &mut AsyncPgConnection,
    admin: &AuthUser,
    id: Uuid,
) -> AppResult<UserView> {
    let (target, assignments, home) = visible_to(conn, admin, id).await?;
    if target.id == admin.id.0 {
        return Err(messages::disable_self());
    }
    let mut held = units::find_many(
        conn,
        &assignments.iter().map(|a| a.unit_id).collect::<Vec<_>>(),
    )
    .await?;
    held.extend(home.clone());
    if let Some(unit) = held
        .iter()
        .find(|u| !admin.scope.allows(Right::Administer, u))
    {
        return Err(scope::lacking(Right::Administer, unit));
    }
    let unit_id = assignments
        .first()
        .map(|a| a.unit_id)
        .or(home.map(|u| u.id));
    let already = target.disabled_at.is_some();
    let target = if already {
        target
    } else {
        users::disable(conn, target.id).await?
    };
    let revoked = refresh_tokens::revoke_all_for_user(conn, target.id).await?;
    if !already {
        audit::record(
            conn,
            admin,
            Change {
                action: "user.disable",
                target_type: "user",
                target_id: Some(target.id),
                unit_id,
                changes: serde_json::json!({"refresh_tokens_revoked": revoked}),
            },
        )
        .await?;
    }
    Ok(UserView::new(target, &assignments, &admin.scope))
}
