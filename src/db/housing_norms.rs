//! Support norms (định mức) for Great Unity houses: per kind from a date, national (no unit) or
//! set by a unit for its subtree. The norm in force for a unit on a date is the SQL function
//! `housing_norm(unit, kind, on_date)`: the deepest unit on the branch that set one wins, then the
//! latest date on or before that day.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Date, Nullable, Numeric, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::schema::{housing_norms, units};

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = housing_norms)]
pub struct NormRow {
    pub id: Uuid,
    /// None: the national programme's norm.
    pub unit_id: Option<Uuid>,
    /// `new|repair`
    pub kind: String,
    pub effective_from: NaiveDate,
    pub amount: Decimal,
    pub set_by: Option<Uuid>,
    pub set_at: DateTime<Utc>,
}

/// Sets the norm of `(unit, kind, effective_from)`, replacing the amount if one exists.
pub async fn upsert(
    conn: &mut AsyncPgConnection,
    unit_id: Option<Uuid>,
    kind: &str,
    effective_from: NaiveDate,
    amount: Decimal,
    set_by: Uuid,
) -> QueryResult<NormRow> {
    // the conflict target repeats the unique index's expression (`housing_norms_key`)
    diesel::sql_query(
        "INSERT INTO housing_norms (unit_id, kind, effective_from, amount, set_by) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT ((coalesce(unit_id, '00000000-0000-0000-0000-000000000000')), kind, effective_from) \
         DO UPDATE SET amount = EXCLUDED.amount, set_by = EXCLUDED.set_by, set_at = now() \
         RETURNING id, unit_id, kind, effective_from, amount, set_by, set_at",
    )
    .bind::<Nullable<SqlUuid>, _>(unit_id)
    .bind::<Text, _>(kind)
    .bind::<Date, _>(effective_from)
    .bind::<Numeric, _>(amount)
    .bind::<SqlUuid, _>(set_by)
    .get_result(conn)
    .await
}

/// National norms and those of units on `branch` (a unit's ancestry: itself and above).
pub async fn on_branch(conn: &mut AsyncPgConnection, branch: &[Uuid]) -> QueryResult<Vec<NormRow>> {
    housing_norms::table
        .filter(
            housing_norms::unit_id
                .is_null()
                .or(housing_norms::unit_id.eq_any(branch)),
        )
        .select(NormRow::as_select())
        .order((
            housing_norms::effective_from.asc(),
            housing_norms::kind.asc(),
            housing_norms::id.asc(),
        ))
        .load(conn)
        .await
}

/// National norms and those of units inside the subtrees of `roots` (the caller's scope).
pub async fn in_scope(conn: &mut AsyncPgConnection, roots: &[Uuid]) -> QueryResult<Vec<NormRow>> {
    let in_scope = units::table
        .filter(units::ancestry.overlaps_with(roots))
        .select(units::id.nullable());
    housing_norms::table
        .filter(
            housing_norms::unit_id
                .is_null()
                .or(housing_norms::unit_id.eq_any(in_scope)),
        )
        .select(NormRow::as_select())
        .order((
            housing_norms::effective_from.asc(),
            housing_norms::kind.asc(),
            housing_norms::id.asc(),
        ))
        .load(conn)
        .await
}

#[derive(QueryableByName)]
struct NormAmount {
    #[diesel(sql_type = Nullable<Numeric>)]
    amount: Option<Decimal>,
}

/// The norm in force for `unit` and `kind` (`new|repair`) on `on`, if any.
pub async fn in_force(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
    kind: &str,
    on: NaiveDate,
) -> QueryResult<Option<Decimal>> {
    diesel::sql_query("SELECT housing_norm($1, $2, $3) AS amount")
        .bind::<SqlUuid, _>(unit)
        .bind::<Text, _>(kind)
        .bind::<Date, _>(on)
        .get_result::<NormAmount>(conn)
        .await
        .map(|r| r.amount)
}
