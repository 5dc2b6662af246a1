//! Successions of the 2025 reform (who took over whom) and the units' lives they start: the
//! recorded rows, the units they mark `dissolving`, and the reads of a unit's predecessors and
//! successors.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Array, Date, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{unit_successions, units};
use super::units::UnitRow;
use super::word::{words, Stored};
use crate::domain::succession_file::Share;

words! {
    Share => "succession share", Share::parse;
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = unit_successions)]
pub struct NewSuccession {
    pub predecessor_id: Uuid,
    pub successor_id: Uuid,
    pub share: &'static str,
    pub effective_on: NaiveDate,
    pub recorded_by: Option<Uuid>,
}

/// What is recorded of one (predecessor, successor) pair: its share and date.
pub type Recorded = HashMap<(Uuid, Uuid), (String, NaiveDate)>;

/// The recorded successions of the predecessors `ids`.
pub async fn recorded_for(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Recorded> {
    let rows: Vec<(Uuid, Uuid, String, NaiveDate)> = unit_successions::table
        .filter(unit_successions::predecessor_id.eq_any(ids))
        .select((
            unit_successions::predecessor_id,
            unit_successions::successor_id,
            unit_successions::share,
            unit_successions::effective_on,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(p, s, share, on)| ((p, s), (share, on)))
        .collect())
}

/// The units among `ids` recorded as the successor of another unit (not of themselves).
pub async fn successors_of_others(
    conn: &mut AsyncPgConnection,
    ids: &[Uuid],
) -> QueryResult<Vec<Uuid>> {
    unit_successions::table
        .filter(unit_successions::successor_id.eq_any(ids))
        .filter(unit_successions::predecessor_id.ne(unit_successions::successor_id))
        .select(unit_successions::successor_id)
        .distinct()
        .load(conn)
        .await
}

pub async fn insert(conn: &mut AsyncPgConnection, rows: &[NewSuccession]) -> QueryResult<usize> {
    let mut n = 0;
    // 5 columns a row: chunks stay far below PostgreSQL's 65,535 bind parameters
    for chunk in rows.chunks(5_000) {
        n += diesel::insert_into(unit_successions::table)
            .values(chunk)
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    Ok(n)
}

/// Marks the still active units among `ids` dissolving from the paired date; how many it
/// changed.
pub async fn mark_dissolving(
    conn: &mut AsyncPgConnection,
    ids: &[Uuid],
    from: &[NaiveDate],
) -> QueryResult<usize> {
    diesel::sql_query(
        "UPDATE units u SET status = 'dissolving', dissolving_from = v.from_day, updated_at = now() \
           FROM unnest($1::uuid[], $2::date[]) AS v(id, from_day) \
          WHERE u.id = v.id AND u.status = 'active'",
    )
    .bind::<Array<SqlUuid>, _>(ids)
    .bind::<Array<Date>, _>(from)
    .execute(conn)
    .await
}

/// Marks dissolving every active district left without an active commune (its communes all
/// moved away or ended), from the earliest succession of a commune that was under it — now, or
/// before it moved (`unit_names` keeps the parent a unit had). How many it changed.
pub async fn mark_empty_districts_dissolving(conn: &mut AsyncPgConnection) -> QueryResult<usize> {
    diesel::sql_query(
        "WITH ended AS ( \
           SELECT d.id, \
                  (SELECT min(s.effective_on) FROM unit_successions s \
                    WHERE s.predecessor_id IN (SELECT c.id FROM units c WHERE c.parent_id = d.id \
                                               UNION SELECT n.unit_id FROM unit_names n \
                                                      WHERE n.parent_id = d.id)) AS from_day \
             FROM units d \
            WHERE d.tier = 'district' AND d.status = 'active' \
              AND NOT EXISTS (SELECT 1 FROM units c WHERE c.parent_id = d.id AND c.status = 'active')) \
         UPDATE units u SET status = 'dissolving', dissolving_from = e.from_day, updated_at = now() \
           FROM ended e WHERE u.id = e.id AND e.from_day IS NOT NULL",
    )
    .execute(conn)
    .await
}

/// One side of a unit's successions: the other unit and the recorded share and date.
#[derive(Debug, Clone, Queryable)]
pub struct Link {
    pub unit_id: Uuid,
    pub unit_code: String,
    pub unit_name: String,
    #[diesel(deserialize_as = Stored<Share>)]
    pub share: Share,
    pub effective_on: NaiveDate,
}

/// The day a continuing unit's own succession took effect, when it has one.
pub async fn continuing(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<NaiveDate>> {
    unit_successions::table
        .filter(unit_successions::predecessor_id.eq(id))
        .filter(unit_successions::successor_id.eq(id))
        .select(unit_successions::effective_on)
        .first(conn)
        .await
        .optional()
}

/// The units `id` succeeded (not itself: a continuing unit's own row says only that it goes on).
pub async fn predecessors(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Vec<Link>> {
    unit_successions::table
        .inner_join(units::table.on(units::id.eq(unit_successions::predecessor_id)))
        .filter(unit_successions::successor_id.eq(id))
        .filter(unit_successions::predecessor_id.ne(id))
        .select((
            units::id,
            units::code,
            units::name,
            unit_successions::share,
            unit_successions::effective_on,
        ))
        .order(units::code.asc())
        .load(conn)
        .await
}

/// The units that took `id` over (not itself).
pub async fn successors(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Vec<Link>> {
    unit_successions::table
        .inner_join(units::table.on(units::id.eq(unit_successions::successor_id)))
        .filter(unit_successions::predecessor_id.eq(id))
        .filter(unit_successions::successor_id.ne(id))
        .select((
            units::id,
            units::code,
            units::name,
            unit_successions::share,
            unit_successions::effective_on,
        ))
        .order(units::code.asc())
        .load(conn)
        .await
}

/// The units with these codes, by code.
pub async fn units_by_code(
    conn: &mut AsyncPgConnection,
    codes: &[&str],
) -> QueryResult<HashMap<String, UnitRow>> {
    let rows: Vec<UnitRow> = units::table
        .filter(units::code.eq_any(codes))
        .select(UnitRow::as_select())
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|u| (u.code.clone(), u)).collect())
}

#[derive(Debug, Clone, QueryableByName)]
struct Id {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
}

/// Every unit that took `id` over, directly or through a successor that ended in its turn (a
/// commune's successor district, whose successor is its province): a continuing unit's own row
/// and an active successor's own successions are not followed (what an active unit handed on
/// is a part of it, not of `id`).
pub async fn heirs(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Vec<UnitRow>> {
    let ids: Vec<Id> = diesel::sql_query(
        "WITH RECURSIVE h(id) AS ( \
           SELECT s.successor_id FROM unit_successions s \
            WHERE s.predecessor_id = $1 AND s.successor_id <> s.predecessor_id \
           UNION \
           SELECT s.successor_id FROM h \
             JOIN units u ON u.id = h.id AND u.status <> 'active' \
             JOIN unit_successions s ON s.predecessor_id = h.id \
            WHERE s.successor_id <> s.predecessor_id) \
         SELECT id FROM h WHERE id <> $1",
    )
    .bind::<SqlUuid, _>(id)
    .load(conn)
    .await?;
    let ids: Vec<Uuid> = ids.into_iter().map(|r| r.id).collect();
    super::units::find_many(conn, &ids).await
}

/// A dissolved unit whose records a successor's reports carry (`include_predecessors`).
#[derive(Debug, Clone, QueryableByName)]
pub struct Forebear {
    #[diesel(sql_type = SqlUuid)]
    pub unit_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub code: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub name: String,
    /// Its last day: its figures count up to it.
    #[diesel(sql_type = Date)]
    pub dissolved_on: NaiveDate,
    /// Its recorded share towards the unit it went to on the way to the report's unit
    /// (`whole|part`); a district's own row is `whole`.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub share: String,
    /// The fraction its executed handover gave the unit it went to (null without an executed
    /// handover naming it, e.g. a district's province before the rows existed).
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Numeric>)]
    pub fraction: Option<rust_decimal::Decimal>,
    /// The unit it went to (the report's unit, or a predecessor of it).
    #[diesel(sql_type = SqlUuid)]
    pub successor_id: Uuid,
}

/// The dissolved predecessors of `id`, transitively (the predecessors of a dissolved
/// predecessor too), by code: a unit still active or dissolving keeps its own records and is
/// not one of them, and a continuing unit's own row adds nothing.
pub async fn forebears(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Vec<Forebear>> {
    diesel::sql_query(
        "WITH RECURSIVE f(unit_id, successor_id, share) AS ( \
           SELECT s.predecessor_id, s.successor_id, s.share FROM unit_successions s \
             JOIN units u ON u.id = s.predecessor_id AND u.status = 'dissolved' \
            WHERE s.successor_id = $1 AND s.predecessor_id <> s.successor_id \
           UNION \
           SELECT s.predecessor_id, s.successor_id, s.share FROM f \
             JOIN unit_successions s ON s.successor_id = f.unit_id \
             JOIN units u ON u.id = s.predecessor_id AND u.status = 'dissolved' \
            WHERE s.predecessor_id <> s.successor_id AND s.predecessor_id <> $1) \
         SELECT DISTINCT ON (u.code) f.unit_id, u.code, u.name, u.dissolved_on, f.share, \
                (SELECT hs.fraction FROM handovers h \
                   JOIN handover_shares hs ON hs.handover_id = h.id \
                  WHERE h.from_unit_id = f.unit_id AND h.status = 'executed' \
                    AND hs.to_unit_id = f.successor_id) AS fraction, \
                f.successor_id \
           FROM f JOIN units u ON u.id = f.unit_id \
          ORDER BY u.code, f.successor_id",
    )
    .bind::<SqlUuid, _>(id)
    .load(conn)
    .await
}
