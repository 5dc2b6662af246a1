//! Contributions to a house project from outside the fund (state budget, sponsors, the
//! community, the household itself): cash, materials or labour, recorded against the funding
//! plan. Append-only, and never in the fund's books.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::schema::house_contributions;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = house_contributions)]
pub struct ContributionRow {
    pub id: Uuid,
    pub house_id: Uuid,
    pub source: String,
    pub kind: String,
    pub value: Decimal,
    pub labour_days: Option<Decimal>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub contributed_on: NaiveDate,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = house_contributions)]
pub struct NewContribution<'a> {
    pub id: Uuid,
    pub house_id: Uuid,
    pub source: &'a str,
    pub kind: &'a str,
    pub value: Decimal,
    pub labour_days: Option<Decimal>,
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub contributed_on: NaiveDate,
    pub recorded_by: Uuid,
}

pub async fn insert(
    conn: &mut AsyncPgConnection,
    new: &NewContribution<'_>,
) -> QueryResult<ContributionRow> {
    diesel::insert_into(house_contributions::table)
        .values(new)
        .returning(ContributionRow::as_returning())
        .get_result(conn)
        .await
}

/// Contributions to one house in the order they were recorded (ids are UUIDv7), after the
/// cursor `after`.
pub async fn list_for_house(
    conn: &mut AsyncPgConnection,
    house_id: Uuid,
    after: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<ContributionRow>> {
    let mut q = house_contributions::table
        .filter(house_contributions::house_id.eq(house_id))
        .select(ContributionRow::as_select())
        .order(house_contributions::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(house_contributions::id.gt(after));
    }
    q.load(conn).await
}
