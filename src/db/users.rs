//! Users and their role assignments. `UserRow` holds the password hash and therefore never
//! leaves the server: routes build their own views from it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{role_assignments, units, users};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: Uuid,
    pub username: String,
    pub password_hash: String,
    pub full_name: String,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Set only while the user holds no role: the highest unit of the roles they held last
    /// (kept by triggers), so such a user stays in the sight of the admins there and above.
    pub home_unit_id: Option<Uuid>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub id: Uuid,
    pub username: &'a str,
    pub password_hash: &'a str,
    pub full_name: &'a str,
    pub created_by: Option<Uuid>,
}

/// A role held at a unit, with what the token and `/auth/me` tell about that unit.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct AssignmentRow {
    pub user_id: Uuid,
    pub role: String,
    pub unit_id: Uuid,
    pub unit_code: String,
    pub tier: String,
    pub ancestry: Vec<Uuid>,
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<UserRow>> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn find_by_username(
    conn: &mut AsyncPgConnection,
    username: &str,
) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn insert(conn: &mut AsyncPgConnection, user: &NewUser<'_>) -> QueryResult<UserRow> {
    diesel::insert_into(users::table)
        .values(user)
        .returning(UserRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn assignments(
    conn: &mut AsyncPgConnection,
    user_ids: &[Uuid],
) -> QueryResult<Vec<AssignmentRow>> {
    role_assignments::table
        .inner_join(units::table)
        .filter(role_assignments::user_id.eq_any(user_ids))
        .select((
            role_assignments::user_id,
            role_assignments::role,
            role_assignments::unit_id,
            units::code,
            units::tier,
            units::ancestry,
        ))
        .order((units::code.asc(), role_assignments::role.asc()))
        .load(conn)
        .await
}

/// The user (if enabled) and their assignments in one round trip: what every authenticated
/// request needs, so role changes and disabling take effect at once.
pub async fn load_active(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Option<(String, Vec<AssignmentRow>)>> {
    // (username, (role, unit id, unit code, tier, ancestry) when the user holds any role)
    type Row = (String, Option<(String, Uuid, String, String, Vec<Uuid>)>);
    let rows: Vec<Row> = users::table
        .left_join(role_assignments::table.inner_join(units::table))
        .filter(users::id.eq(id))
        .filter(users::disabled_at.is_null())
        .select((
            users::username,
            (
                role_assignments::role,
                role_assignments::unit_id,
                units::code,
                units::tier,
                units::ancestry,
            )
                .nullable(),
        ))
        .load(conn)
        .await?;
    let Some(username) = <[_]>::first(&rows).map(|(u, _)| u.clone()) else {
        return Ok(None);
    };
    let assignments = rows
        .into_iter()
        .filter_map(|(_, a)| a)
        .map(|(role, unit_id, unit_code, tier, ancestry)| AssignmentRow {
            user_id: id,
            role,
            unit_id,
            unit_code,
            tier,
            ancestry,
        })
        .collect();
    Ok(Some((username, assignments)))
}

/// Replaces every assignment of `user` with `grants` (role, unit).
pub async fn set_assignments(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    grants: &[(String, Uuid)],
    granted_by: Option<Uuid>,
) -> QueryResult<()> {
    diesel::delete(role_assignments::table.filter(role_assignments::user_id.eq(user)))
        .execute(conn)
        .await?;
    let rows: Vec<_> = grants
        .iter()
        .map(|(role, unit)| {
            (
                role_assignments::user_id.eq(user),
                role_assignments::role.eq(role),
                role_assignments::unit_id.eq(unit),
                role_assignments::granted_by.eq(granted_by),
            )
        })
        .collect();
    diesel::insert_into(role_assignments::table)
        .values(rows)
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn disable(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<UserRow> {
    diesel::update(users::table.find(id))
        .set((
            users::disabled_at.eq(Some(chrono::Utc::now())),
            users::updated_at.eq(chrono::Utc::now()),
        ))
        .returning(UserRow::as_returning())
        .get_result(conn)
        .await
}

/// Users inside `scope` (optionally under `unit`): those holding a role at a unit there, and
/// those holding none whose home unit is there; ordered by id for keyset pagination.
pub async fn list_in_scope(
    conn: &mut AsyncPgConnection,
    scope: &[Uuid],
    unit: Option<Uuid>,
    after: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<UserRow>> {
    let mut with_role = role_assignments::table
        .inner_join(units::table)
        .filter(units::ancestry.overlaps_with(scope))
        .select(role_assignments::user_id)
        .into_boxed();
    let mut homes = units::table
        .filter(units::ancestry.overlaps_with(scope))
        .select(units::id.nullable())
        .into_boxed();
    if let Some(unit) = unit {
        with_role = with_role.filter(units::ancestry.contains(vec![unit]));
        homes = homes.filter(units::ancestry.contains(vec![unit]));
    }
    let mut query = users::table
        .filter(
            users::id
                .eq_any(with_role)
                .or(users::home_unit_id.eq_any(homes)),
        )
        .select(UserRow::as_select())
        .order(users::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(users::id.gt(after));
    }
    query.load(conn).await
}
