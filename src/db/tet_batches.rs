//! Tết gift batches and their recipients. A batch moves only along the lifecycle the database
//! allows (`spending_guard`); a recipient moves once, from `pending`; the unique partial index
//! `tet_gift_once_per_campaign` holds "one gift per household per campaign" across the tree.
//! Every query over recipients is one statement over arrays, so a batch of thousands of
//! households costs a handful of round trips, never one per household.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Nullable, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::schema::{households, tet_batch_recipients, tet_batches, units};
use super::word::{words, Stored, StoredOption};
use crate::domain::spending::Method;
use crate::domain::tet::{AckMethod, RecipientStatus};

words! {
    Method => "payment method", Method::parse;
    RecipientStatus => "Tết recipient status", RecipientStatus::parse;
    AckMethod => "acknowledgement method", AckMethod::parse;
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tet_batches)]
pub struct TetBatchRow {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub campaign_id: Uuid,
    pub earmark_id: Option<Uuid>,
    pub cash_amount: Decimal,
    pub in_kind_description: Option<String>,
    pub in_kind_value: Decimal,
    #[diesel(deserialize_as = Stored<Method>)]
    pub method: Method,
    pub bank_account_id: Option<Uuid>,
    pub household_count: i32,
    pub amount: Decimal,
    pub status: String,
    pub submitted_by: Uuid,
    pub submitted_at: DateTime<Utc>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    pub disbursed_by: Option<Uuid>,
    pub disbursed_at: Option<DateTime<Utc>>,
    pub disbursed_on: Option<NaiveDate>,
    pub journal_entry_id: Option<Uuid>,
    pub closed_by: Option<Uuid>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_on: Option<NaiveDate>,
    pub settlement_entry_id: Option<Uuid>,
}

impl TetBatchRow {
    /// One household's gift: cash plus the value of the goods.
    pub fn gift_value(&self) -> Decimal {
        self.cash_amount + self.in_kind_value
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = tet_batches)]
pub struct NewTetBatch<'a> {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub campaign_id: Uuid,
    pub earmark_id: Option<Uuid>,
    pub cash_amount: Decimal,
    pub in_kind_description: Option<&'a str>,
    pub in_kind_value: Decimal,
    pub method: &'a str,
    pub bank_account_id: Option<Uuid>,
    pub household_count: i32,
    pub amount: Decimal,
    pub submitted_by: Uuid,
}

pub async fn insert(
    conn: &mut AsyncPgConnection,
    new: &NewTetBatch<'_>,
) -> QueryResult<TetBatchRow> {
    diesel::insert_into(tet_batches::table)
        .values(new)
        .returning(TetBatchRow::as_returning())
        .get_result(conn)
        .await
}

/// Adds the households as pending recipients, in the order given (their `position`), in one
/// statement, and returns those that got in. A household that already holds a pending or
/// delivered gift of the campaign (`tet_gift_once_per_campaign`), even from a batch committed
/// while this one was being made, is left out, so the caller can name it.
pub async fn insert_recipients(
    conn: &mut AsyncPgConnection,
    batch: Uuid,
    campaign: Uuid,
    household_ids: &[Uuid],
) -> QueryResult<Vec<Uuid>> {
    let rows: Vec<IdRow> = diesel::sql_query(
        "INSERT INTO tet_batch_recipients (batch_id, household_id, campaign_id, position) \
         SELECT $1, h.id, $2, h.ord::int FROM unnest($3::uuid[]) WITH ORDINALITY AS h(id, ord) \
         ON CONFLICT (campaign_id, household_id) WHERE status IN ('pending', 'delivered') \
         DO NOTHING RETURNING household_id AS id",
    )
    .bind::<SqlUuid, _>(batch)
    .bind::<SqlUuid, _>(campaign)
    .bind::<Array<SqlUuid>, _>(household_ids)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

#[derive(Debug, QueryableByName)]
struct IdRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
}

/// Which of `ids` are households registered in the subtree of `unit` (itself included).
pub async fn households_within(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
    ids: &[Uuid],
) -> QueryResult<Vec<Uuid>> {
    let rows: Vec<IdRow> = diesel::sql_query(
        "SELECT h.id FROM households h JOIN units u ON u.id = h.unit_id \
          WHERE h.id = ANY ($1::uuid[]) AND $2 = ANY (u.ancestry)",
    )
    .bind::<Array<SqlUuid>, _>(ids)
    .bind::<SqlUuid, _>(unit)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Which of `ids` already hold a pending or delivered gift of `campaign`, in any batch.
pub async fn already_received(
    conn: &mut AsyncPgConnection,
    campaign: Uuid,
    ids: &[Uuid],
) -> QueryResult<Vec<Uuid>> {
    let rows: Vec<IdRow> = diesel::sql_query(
        "SELECT household_id AS id FROM tet_batch_recipients \
          WHERE campaign_id = $1 AND household_id = ANY ($2::uuid[]) \
            AND status IN ('pending', 'delivered')",
    )
    .bind::<SqlUuid, _>(campaign)
    .bind::<Array<SqlUuid>, _>(ids)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

super::spending::keyed_row!(tet_batches, TetBatchRow);

/// A rejected or cancelled batch gives nobody a gift: its pending recipients are withdrawn,
/// which frees them for another batch of the campaign.
pub async fn withdraw_recipients(conn: &mut AsyncPgConnection, batch: Uuid) -> QueryResult<usize> {
    diesel::update(
        tet_batch_recipients::table
            .filter(tet_batch_recipients::batch_id.eq(batch))
            .filter(tet_batch_recipients::status.eq("pending")),
    )
    .set(tet_batch_recipients::status.eq("withdrawn"))
    .execute(conn)
    .await
}

pub async fn mark_disbursed(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    by: Uuid,
    on: NaiveDate,
    entry: Uuid,
) -> QueryResult<TetBatchRow> {
    diesel::update(tet_batches::table.find(id))
        .set((
            tet_batches::status.eq("paid"),
            tet_batches::disbursed_by.eq(by),
            tet_batches::disbursed_at.eq(diesel::dsl::now),
            tet_batches::disbursed_on.eq(on),
            tet_batches::journal_entry_id.eq(entry),
        ))
        .returning(TetBatchRow::as_returning())
        .get_result(conn)
        .await
}

/// Marks the undelivered gifts returned; how many there were.
pub async fn return_pending(conn: &mut AsyncPgConnection, batch: Uuid) -> QueryResult<usize> {
    diesel::update(
        tet_batch_recipients::table
            .filter(tet_batch_recipients::batch_id.eq(batch))
            .filter(tet_batch_recipients::status.eq("pending")),
    )
    .set(tet_batch_recipients::status.eq("returned"))
    .execute(conn)
    .await
}

pub async fn mark_closed(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    by: Uuid,
    on: NaiveDate,
    settlement: Option<Uuid>,
) -> QueryResult<TetBatchRow> {
    diesel::update(tet_batches::table.find(id))
        .set((
            tet_batches::status.eq("closed"),
            tet_batches::closed_by.eq(by),
            tet_batches::closed_at.eq(diesel::dsl::now),
            tet_batches::closed_on.eq(on),
            tet_batches::settlement_entry_id.eq(settlement),
        ))
        .returning(TetBatchRow::as_returning())
        .get_result(conn)
        .await
}

/// One household's delivery as recorded in the field.
pub struct Delivery<'a> {
    pub household_id: Uuid,
    pub delivered_on: NaiveDate,
    pub ack_method: &'a str,
    pub evidence_sha256: Option<&'a str>,
    pub witness_name: Option<&'a str>,
}

/// Records the deliveries of still-pending recipients in one statement; a recipient already
/// delivered keeps its first record. Returns the households newly recorded.
pub async fn record_deliveries(
    conn: &mut AsyncPgConnection,
    batch: Uuid,
    by: Uuid,
    deliveries: &[Delivery<'_>],
) -> QueryResult<Vec<Uuid>> {
    let ids: Vec<Uuid> = deliveries.iter().map(|d| d.household_id).collect();
    let dates: Vec<NaiveDate> = deliveries.iter().map(|d| d.delivered_on).collect();
    let methods: Vec<&str> = deliveries.iter().map(|d| d.ack_method).collect();
    let evidence: Vec<Option<&str>> = deliveries.iter().map(|d| d.evidence_sha256).collect();
    let witnesses: Vec<Option<&str>> = deliveries.iter().map(|d| d.witness_name).collect();
    let rows: Vec<IdRow> = diesel::sql_query(
        "UPDATE tet_batch_recipients r \
            SET status = 'delivered', delivered_on = d.delivered_on, ack_method = d.ack_method, \
                evidence_sha256 = d.evidence_sha256, witness_name = d.witness_name, \
                delivered_by = $2, delivered_at = now() \
           FROM unnest($3::uuid[], $4::date[], $5::text[], $6::text[], $7::text[]) \
                AS d(household_id, delivered_on, ack_method, evidence_sha256, witness_name) \
          WHERE r.batch_id = $1 AND r.household_id = d.household_id AND r.status = 'pending' \
      RETURNING r.household_id AS id",
    )
    .bind::<SqlUuid, _>(batch)
    .bind::<SqlUuid, _>(by)
    .bind::<Array<SqlUuid>, _>(&ids)
    .bind::<Array<Date>, _>(&dates)
    .bind::<Array<Text>, _>(&methods)
    .bind::<Array<Nullable<Text>>, _>(&evidence)
    .bind::<Array<Nullable<Text>>, _>(&witnesses)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Which of `ids` are recipients of the batch (in any state).
pub async fn recipients_among(
    conn: &mut AsyncPgConnection,
    batch: Uuid,
    ids: &[Uuid],
) -> QueryResult<Vec<Uuid>> {
    tet_batch_recipients::table
        .filter(tet_batch_recipients::batch_id.eq(batch))
        .filter(tet_batch_recipients::household_id.eq_any(ids))
        .select(tet_batch_recipients::household_id)
        .load(conn)
        .await
}

/// How many recipients of a batch are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub pending: i64,
    pub delivered: i64,
    pub returned: i64,
    pub withdrawn: i64,
}

#[derive(Debug, QueryableByName)]
struct CountRow {
    #[diesel(sql_type = SqlUuid)]
    batch_id: Uuid,
    #[diesel(sql_type = Text, deserialize_as = Stored<RecipientStatus>)]
    status: RecipientStatus,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The recipient counts of each of `batches` (absent: no recipients, which cannot happen).
pub async fn counts(
    conn: &mut AsyncPgConnection,
    batches: &[Uuid],
) -> QueryResult<std::collections::HashMap<Uuid, Counts>> {
    let rows: Vec<CountRow> = diesel::sql_query(
        "SELECT batch_id, status, count(*) AS n FROM tet_batch_recipients \
          WHERE batch_id = ANY ($1::uuid[]) GROUP BY batch_id, status",
    )
    .bind::<Array<SqlUuid>, _>(batches)
    .load(conn)
    .await?;
    let mut out = std::collections::HashMap::new();
    for r in rows {
        let c: &mut Counts = out.entry(r.batch_id).or_default();
        match r.status {
            RecipientStatus::Pending => c.pending = r.n,
            RecipientStatus::Delivered => c.delivered = r.n,
            RecipientStatus::Returned => c.returned = r.n,
            RecipientStatus::Withdrawn => c.withdrawn = r.n,
        }
    }
    Ok(out)
}

/// The counts of one batch.
pub async fn counts_of(conn: &mut AsyncPgConnection, batch: Uuid) -> QueryResult<Counts> {
    Ok(counts(conn, &[batch])
        .await?
        .remove(&batch)
        .unwrap_or_default())
}

/// A recipient with what the list shows of its household.
#[derive(Debug, Clone, Queryable)]
pub struct RecipientRow {
    pub household_id: Uuid,
    pub position: i32,
    #[diesel(deserialize_as = Stored<RecipientStatus>)]
    pub status: RecipientStatus,
    pub delivered_on: Option<NaiveDate>,
    #[diesel(deserialize_as = StoredOption<AckMethod>)]
    pub ack_method: Option<AckMethod>,
    pub head_name: String,
    pub village: String,
    pub national_id_last4: String,
}

/// The batch's recipients in list order.
pub async fn recipients(
    conn: &mut AsyncPgConnection,
    batch: Uuid,
) -> QueryResult<Vec<RecipientRow>> {
    tet_batch_recipients::table
        .inner_join(households::table)
        .filter(tet_batch_recipients::batch_id.eq(batch))
        .select((
            tet_batch_recipients::household_id,
            tet_batch_recipients::position,
            tet_batch_recipients::status,
            tet_batch_recipients::delivered_on,
            tet_batch_recipients::ack_method,
            households::head_name,
            households::village,
            households::national_id_last4,
        ))
        .order(tet_batch_recipients::position.asc())
        .load(conn)
        .await
}

pub struct TetBatchFilter<'a> {
    /// Roots of the caller's scope: batches of units at or below any of them.
    pub scope_roots: &'a [Uuid],
    /// Batches paid by exactly this unit.
    pub unit_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    pub status: Option<&'a str>,
    pub after: Option<Uuid>,
    pub limit: i64,
}

/// Batches in scope, oldest first (ids are UUIDv7: creation order).
pub async fn list(
    conn: &mut AsyncPgConnection,
    f: TetBatchFilter<'_>,
) -> QueryResult<Vec<TetBatchRow>> {
    let in_scope = units::table
        .filter(units::ancestry.overlaps_with(f.scope_roots))
        .select(units::id);
    let mut q = tet_batches::table
        .filter(tet_batches::unit_id.eq_any(in_scope))
        .select(TetBatchRow::as_select())
        .order(tet_batches::id.asc())
        .limit(f.limit)
        .into_boxed();
    if let Some(unit) = f.unit_id {
        q = q.filter(tet_batches::unit_id.eq(unit));
    }
    if let Some(campaign) = f.campaign_id {
        q = q.filter(tet_batches::campaign_id.eq(campaign));
    }
    if let Some(status) = f.status {
        q = q.filter(tet_batches::status.eq(status));
    }
    if let Some(after) = f.after {
        q = q.filter(tet_batches::id.gt(after));
    }
    q.load(conn).await
}
