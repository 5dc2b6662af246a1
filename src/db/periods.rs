//! The queries of monthly periods per fund. A month is open until closed; closing records the
//! closing trial balance and needs every child unit closed first; re-opening needs a reason.
//! The database enforces the order and blocks postings into closed months; the decisions are
//! `app::periods`'.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::{periods, units};
use crate::domain::period::PeriodState;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = periods)]
pub struct PeriodRow {
    pub unit_id: Uuid,
    pub month: NaiveDate,
    #[diesel(deserialize_as = String)]
    pub state: PeriodState,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<Uuid>,
    pub reopened_at: Option<DateTime<Utc>>,
    pub reopened_by: Option<Uuid>,
    pub reopen_reason: Option<String>,
}

pub async fn list(conn: &mut AsyncPgConnection, unit: Uuid) -> QueryResult<Vec<PeriodRow>> {
    periods::table
        .filter(periods::unit_id.eq(unit))
        .select(PeriodRow::as_select())
        .order(periods::month.desc())
        .load(conn)
        .await
}

pub async fn find(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
    month: NaiveDate,
) -> QueryResult<Option<PeriodRow>> {
    periods::table
        .find((unit, month))
        .select(PeriodRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Codes of the child units that have not closed `month` (for the 409's detail).
pub async fn open_children(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
    month: NaiveDate,
) -> QueryResult<Vec<String>> {
    let closed = periods::table
        .filter(periods::month.eq(month))
        .filter(periods::state.eq(PeriodState::Closed.as_str()))
        .select(periods::unit_id);
    // a child dissolved before the month (its last day earlier) does not hold it back
    units::table
        .filter(units::parent_id.eq(unit))
        .filter(
            units::dissolved_on
                .is_null()
                .or(units::dissolved_on.ge(month)),
        )
        .filter(units::id.ne_all(closed))
        .select(units::code)
        .order(units::code.asc())
        .limit(20)
        .load(conn)
        .await
}

/// Takes the locks a close needs, in the order the `periods_guard` trigger takes them (every
/// period change of the month, then the fund's month exclusive): postings in flight into the
/// month commit first and later ones wait, so a trial balance read after this is the final one.
pub async fn lock_month(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
    month: NaiveDate,
) -> QueryResult<()> {
    use diesel::sql_types::{Date, Uuid as SqlUuid};
    diesel::sql_query(
        "SELECT pg_advisory_xact_lock(hashtext('periods'), (extract(year FROM $1::date) * 100 + extract(month FROM $1::date))::int)",
    )
    .bind::<Date, _>(month)
    .execute(conn)
    .await?;
    diesel::sql_query(
        "SELECT pg_advisory_xact_lock(k[1], k[2]) FROM (SELECT period_lock_key($1, $2) AS k) AS l",
    )
    .bind::<SqlUuid, _>(unit)
    .bind::<Date, _>(month)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn close(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
    month: NaiveDate,
    by: Uuid,
    trial_balance: serde_json::Value,
) -> QueryResult<PeriodRow> {
    let now = Utc::now();
    diesel::insert_into(periods::table)
        .values((
            periods::unit_id.eq(unit),
            periods::month.eq(month),
            periods::state.eq(PeriodState::Closed.as_str()),
            periods::closed_at.eq(now),
            periods::closed_by.eq(by),
            periods::closing_trial_balance.eq(&trial_balance),
        ))
        .on_conflict((periods::unit_id, periods::month))
        .do_update()
        .set((
            periods::state.eq(PeriodState::Closed.as_str()),
            periods::closed_at.eq(now),
            periods::closed_by.eq(by),
            periods::closing_trial_balance.eq(&trial_balance),
        ))
        .returning(PeriodRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn reopen(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
    month: NaiveDate,
    by: Uuid,
    reason: &str,
) -> QueryResult<PeriodRow> {
    diesel::update(periods::table.find((unit, month)))
        .set((
            periods::state.eq(PeriodState::Open.as_str()),
            periods::reopened_at.eq(Some(Utc::now())),
            periods::reopened_by.eq(by),
            periods::reopen_reason.eq(reason),
        ))
        .returning(PeriodRow::as_returning())
        .get_result(conn)
        .await
}

/// Whether the fund has any posting in `month` or later (a month with no activity at all can
/// still be closed; this is for listing).
pub async fn first_posting_month(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
) -> QueryResult<Option<NaiveDate>> {
    use crate::db::schema::postings;
    postings::table
        .filter(postings::unit_id.eq(unit))
        .select(diesel::dsl::min(postings::effective_date))
        .first::<Option<NaiveDate>>(conn)
        .await
}
