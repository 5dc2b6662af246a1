//! The household registry: registrations, search by folded name, and the support each
//! household received. The national ID is stored only as its HMAC (unique) and last four digits;
//! `HouseholdRow` does not even select the HMAC.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Date, Nullable, Numeric, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::schema::{households, units};
use super::word::{words, Stored};
use crate::domain::household::HouseholdStatus;

words! {
    HouseholdStatus => "household status", HouseholdStatus::parse;
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = households)]
pub struct HouseholdRow {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub head_name: String,
    pub village: String,
    pub national_id_last4: String,
    pub address: String,
    pub members: i32,
    #[diesel(deserialize_as = Stored<HouseholdStatus>)]
    pub status: HouseholdStatus,
    pub status_year: i32,
    pub poverty_cert_no: Option<String>,
    pub ethnicity: Option<String>,
    pub phone: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = households)]
pub struct NewHousehold<'a> {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub head_name: &'a str,
    /// `text::fold(head_name)`.
    pub name_key: String,
    pub village: &'a str,
    /// `text::fold(village)`.
    pub village_key: String,
    pub national_id_hmac: &'a [u8],
    pub national_id_last4: &'a str,
    pub address: &'a str,
    pub members: i32,
    pub status: &'a str,
    pub status_year: i32,
    pub poverty_cert_no: Option<&'a str>,
    pub ethnicity: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub created_by: Uuid,
}

/// Inserts a registration; a national ID registered before fails on the unique constraint
/// `households_national_id_key`.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    new: &NewHousehold<'_>,
) -> QueryResult<HouseholdRow> {
    diesel::insert_into(households::table)
        .values(new)
        .returning(HouseholdRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<HouseholdRow>> {
    households::table
        .find(id)
        .select(HouseholdRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The row, locked until the caller's transaction ends.
pub async fn find_for_update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Option<HouseholdRow>> {
    households::table
        .find(id)
        .select(HouseholdRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// `(id, unit_id)` of the household registered with this national-ID HMAC.
pub async fn find_by_national_id(
    conn: &mut AsyncPgConnection,
    hmac: &[u8],
) -> QueryResult<Option<(Uuid, Uuid)>> {
    households::table
        .filter(households::national_id_hmac.eq(hmac))
        .select((households::id, households::unit_id))
        .first(conn)
        .await
        .optional()
}

/// Whether the unit already has a household with this folded head name in this folded village.
pub async fn has_same_name_in_village(
    conn: &mut AsyncPgConnection,
    unit_id: Uuid,
    village_key: &str,
    name_key: &str,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        households::table
            .filter(households::unit_id.eq(unit_id))
            .filter(households::village_key.eq(village_key))
            .filter(households::name_key.eq(name_key)),
    ))
    .get_result(conn)
    .await
}

pub struct HouseholdFilter<'a> {
    /// Households of units in the subtrees of these units.
    pub roots: &'a [Uuid],
    pub status: Option<&'a str>,
    /// Folded head-name fragment (see `domain::text::fold`).
    pub q: Option<String>,
    /// Keyset: ids after this one (v7 ids, so registration order).
    pub after: Option<Uuid>,
    pub limit: i64,
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    f: HouseholdFilter<'_>,
) -> QueryResult<Vec<HouseholdRow>> {
    let in_scope = units::table
        .filter(units::ancestry.overlaps_with(f.roots))
        .select(units::id);
    let mut q = households::table
        .filter(households::unit_id.eq_any(in_scope))
        .select(HouseholdRow::as_select())
        .order(households::id.asc())
        .limit(f.limit)
        .into_boxed();
    if let Some(status) = f.status {
        q = q.filter(households::status.eq(status));
    }
    if let Some(text) = f.q {
        q = q.filter(households::name_key.ilike(format!("%{}%", super::units::escape_like(&text))));
    }
    if let Some(after) = f.after {
        q = q.filter(households::id.gt(after));
    }
    q.load(conn).await
}

/// The fields a PATCH may change; `None` leaves a column alone, and for the nullable columns
/// `Some(None)` sets NULL.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = households)]
pub struct HouseholdChangeset<'a> {
    pub head_name: Option<&'a str>,
    pub name_key: Option<String>,
    pub village: Option<&'a str>,
    pub village_key: Option<String>,
    pub address: Option<&'a str>,
    pub members: Option<i32>,
    pub status: Option<&'a str>,
    pub status_year: Option<i32>,
    pub poverty_cert_no: Option<Option<&'a str>>,
    pub ethnicity: Option<Option<&'a str>>,
    pub phone: Option<Option<&'a str>>,
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: &HouseholdChangeset<'_>,
) -> QueryResult<HouseholdRow> {
    diesel::update(households::table.find(id))
        .set((changes, households::updated_at.eq(diesel::dsl::now)))
        .returning(HouseholdRow::as_returning())
        .get_result(conn)
        .await
}

/// One piece of support a household received.
#[derive(Debug, Clone, QueryableByName)]
pub struct SupportRow {
    /// `tet_gift`, `grant` or `house`.
    #[diesel(sql_type = Text)]
    pub kind: String,
    /// The Tết batch, the grant, or the house project.
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    /// The unit whose fund paid.
    #[diesel(sql_type = SqlUuid)]
    pub unit_id: Uuid,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub campaign_id: Option<Uuid>,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Numeric)]
    pub amount: Decimal,
    /// Delivered on (gifts), paid on (grants), or handed over, else completed, else started on
    /// (houses).
    #[diesel(sql_type = Nullable<Date>)]
    pub date: Option<NaiveDate>,
    /// Grants: their category; houses: `new` or `repair`.
    #[diesel(sql_type = Nullable<Text>)]
    pub category: Option<String>,
}

/// Everything the household received or is due to receive, newest first: Tết gifts (a gift
/// withdrawn with its rejected or cancelled batch never reached it), grants still proposed,
/// approved or paid (a rejected or cancelled grant was never support), and house projects in
/// every state (a cancelled one may have been paid tranches before it stopped).
/// Ordered by the day it was delivered, paid or handed over (else completed, else started),
/// else the local day it was submitted.
pub async fn history(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Vec<SupportRow>> {
    diesel::sql_query(
        "SELECT kind, id, unit_id, campaign_id, status, amount, date, category FROM ( \
           SELECT 'tet_gift'::text AS kind, b.id, b.unit_id, b.campaign_id, r.status, \
                  b.cash_amount + b.in_kind_value AS amount, r.delivered_on AS date, \
                  NULL::text AS category, b.submitted_at \
             FROM tet_batch_recipients r JOIN tet_batches b ON b.id = r.batch_id \
            WHERE r.household_id = $1 AND r.status <> 'withdrawn' \
           UNION ALL \
           SELECT 'grant', d.id, d.unit_id, d.campaign_id, d.status, d.amount, d.paid_on, \
                  d.category, d.submitted_at \
             FROM disbursements d \
            WHERE d.household_id = $1 AND d.status NOT IN ('rejected', 'cancelled') \
           UNION ALL \
           SELECT 'house', h.id, h.funding_unit_id, h.campaign_id, h.status, h.support_amount, \
                  coalesce(h.handed_over_on, h.completed_on, h.started_on), h.kind, \
                  h.submitted_at \
             FROM houses h \
            WHERE h.household_id = $1 \
         ) s \
         ORDER BY coalesce(date, (submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) DESC, \
                  submitted_at DESC, id DESC",
    )
    .bind::<SqlUuid, _>(id)
    .load(conn)
    .await
}
