//! Campaigns (đợt vận động). A campaign is usable by its unit and every unit below it.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{campaigns, units};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = campaigns)]
pub struct CampaignRow {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub kind: String,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub restricted: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = campaigns)]
pub struct NewCampaign<'a> {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub kind: &'a str,
    pub name: &'a str,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub restricted: bool,
    pub search_text: String,
    pub created_by: Option<Uuid>,
}

pub async fn insert(conn: &mut AsyncPgConnection, c: &NewCampaign<'_>) -> QueryResult<CampaignRow> {
    diesel::insert_into(campaigns::table)
        .values(c)
        .returning(CampaignRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<CampaignRow>> {
    campaigns::table
        .find(id)
        .select(CampaignRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub struct CampaignFilter<'a> {
    /// Campaigns owned by these units (their ids).
    pub owners: &'a [Uuid],
    pub kind: Option<&'a str>,
    pub active_on: Option<NaiveDate>,
    pub after: Option<Uuid>,
    pub limit: i64,
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    f: CampaignFilter<'_>,
) -> QueryResult<Vec<CampaignRow>> {
    let mut q = campaigns::table
        .filter(campaigns::unit_id.eq_any(f.owners))
        .select(CampaignRow::as_select())
        .order(campaigns::id.asc())
        .limit(f.limit)
        .into_boxed();
    if let Some(kind) = f.kind {
        q = q.filter(campaigns::kind.eq(kind));
    }
    if let Some(day) = f.active_on {
        q = q
            .filter(campaigns::starts_on.le(day))
            .filter(campaigns::ends_on.ge(day));
    }
    if let Some(after) = f.after {
        q = q.filter(campaigns::id.gt(after));
    }
    q.load(conn).await
}

/// Ids of units in the subtrees of `roots` plus their ancestors: the owners whose campaigns a
/// caller with that scope can use or see.
pub async fn visible_owners(
    conn: &mut AsyncPgConnection,
    roots: &[Uuid],
) -> QueryResult<Vec<Uuid>> {
    let ancestors: Vec<Vec<Uuid>> = units::table
        .filter(units::id.eq_any(roots))
        .select(units::ancestry)
        .load(conn)
        .await?;
    let below: Vec<Uuid> = units::table
        .filter(units::ancestry.overlaps_with(roots))
        .select(units::id)
        .load(conn)
        .await?;
    let mut ids: Vec<Uuid> = ancestors.into_iter().flatten().chain(below).collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}
