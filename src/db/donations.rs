//! Donations and their receipt numbers.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Date, Int4, Jsonb, Nullable, Numeric, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::schema::donations;

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = donations)]
pub struct DonationRow {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub campaign_id: Option<Uuid>,
    pub channel: String,
    pub amount: Decimal,
    pub currency: String,
    pub fx_rate: Option<Decimal>,
    pub amount_vnd: Decimal,
    pub received_on: NaiveDate,
    pub donor_kind: String,
    pub donor_name: Option<String>,
    pub donor_phone: Option<String>,
    pub donor_email: Option<String>,
    pub donor_address: Option<String>,
    pub donor_tax_code: Option<String>,
    pub public_display: String,
    pub bank_account_id: Option<Uuid>,
    pub bank_reference: Option<String>,
    pub in_kind_items: Option<serde_json::Value>,
    pub note: Option<String>,
    pub receipt_number: String,
    pub status: String,
    pub journal_entry_id: Uuid,
    pub void_entry_id: Option<Uuid>,
    pub void_reason: Option<String>,
    pub voided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

pub struct NewDonation<'a> {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub unit_code: &'a str,
    pub campaign_id: Option<Uuid>,
    pub channel: &'a str,
    pub amount: Decimal,
    pub currency: &'a str,
    pub fx_rate: Option<Decimal>,
    pub amount_vnd: Decimal,
    pub received_on: NaiveDate,
    pub donor_kind: &'a str,
    pub donor_name: Option<&'a str>,
    pub donor_search: String,
    pub donor_phone: Option<&'a str>,
    pub donor_email: Option<&'a str>,
    pub donor_address: Option<&'a str>,
    pub donor_tax_code: Option<&'a str>,
    pub public_display: &'a str,
    pub bank_account_id: Option<Uuid>,
    pub bank_reference: Option<&'a str>,
    pub in_kind_items: Option<serde_json::Value>,
    pub note: Option<&'a str>,
    pub journal_entry_id: Uuid,
    pub created_by: Uuid,
}

/// Takes the next receipt number of the unit's year and inserts the donation, in one statement:
/// the counter row is the one lock every donation of a unit shares, so it is taken last in the
/// transaction and held only until commit. A rollback gives the number back (gapless).
pub async fn insert_with_receipt(conn: &mut AsyncPgConnection, d: &NewDonation<'_>) -> QueryResult<DonationRow> {
    use chrono::Datelike;
    let year = d.received_on.year();
    diesel::sql_query(
        "WITH c AS ( \
           INSERT INTO receipt_counters AS rc (unit_id, year, last_seq) VALUES ($2, $12, 1) \
           ON CONFLICT (unit_id, year) DO UPDATE SET last_seq = rc.last_seq + 1 \
           RETURNING last_seq) \
         INSERT INTO donations (id, unit_id, campaign_id, channel, amount, currency, fx_rate, amount_vnd, \
                received_on, donor_kind, donor_name, donor_search, donor_phone, donor_email, donor_address, \
                donor_tax_code, public_display, bank_account_id, bank_reference, in_kind_items, note, \
                journal_entry_id, created_by, receipt_year, receipt_seq, receipt_number) \
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $13, $14, $15, $16, $17, $18, $19, $20, $21, \
                $22, $23, $24, $12, c.last_seq, \
                $25 || '-' || $12 || '-' || lpad(c.last_seq::text, greatest(6, length(c.last_seq::text)), '0') \
           FROM c \
         RETURNING *",
    )
    .bind::<SqlUuid, _>(d.id)
    .bind::<SqlUuid, _>(d.unit_id)
    .bind::<Nullable<SqlUuid>, _>(d.campaign_id)
    .bind::<Text, _>(d.channel)
    .bind::<Numeric, _>(d.amount)
    .bind::<Text, _>(d.currency)
    .bind::<Nullable<Numeric>, _>(d.fx_rate)
    .bind::<Numeric, _>(d.amount_vnd)
    .bind::<Date, _>(d.received_on)
    .bind::<Text, _>(d.donor_kind)
    .bind::<Nullable<Text>, _>(d.donor_name)
    .bind::<Int4, _>(year)
    .bind::<Text, _>(&d.donor_search)
    .bind::<Nullable<Text>, _>(d.donor_phone)
    .bind::<Nullable<Text>, _>(d.donor_email)
    .bind::<Nullable<Text>, _>(d.donor_address)
    .bind::<Nullable<Text>, _>(d.donor_tax_code)
    .bind::<Text, _>(d.public_display)
    .bind::<Nullable<SqlUuid>, _>(d.bank_account_id)
    .bind::<Nullable<Text>, _>(d.bank_reference)
    .bind::<Nullable<Jsonb>, _>(&d.in_kind_items)
    .bind::<Nullable<Text>, _>(d.note)
    .bind::<SqlUuid, _>(d.journal_entry_id)
    .bind::<SqlUuid, _>(d.created_by)
    .bind::<Text, _>(d.unit_code)
    .get_result(conn)
    .await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<DonationRow>> {
    donations::table.find(id).select(DonationRow::as_select()).first(conn).await.optional()
}

pub async fn find_by_receipt(conn: &mut AsyncPgConnection, number: &str) -> QueryResult<Option<DonationRow>> {
    donations::table
        .filter(donations::receipt_number.eq(number))
        .select(DonationRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Whether a bank reference is already recorded for the bank account.
pub async fn bank_reference_exists(conn: &mut AsyncPgConnection, bank_account: Uuid, reference: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        donations::table
            .filter(donations::bank_account_id.eq(bank_account))
            .filter(donations::bank_reference.eq(reference)),
    ))
    .get_result(conn)
    .await
}

pub async fn mark_void(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    void_entry: Uuid,
    reason: &str,
    by: Uuid,
) -> QueryResult<DonationRow> {
    diesel::update(donations::table.find(id).filter(donations::status.eq("recorded")))
        .set((
            donations::status.eq("void"),
            donations::void_entry_id.eq(void_entry),
            donations::void_reason.eq(reason),
            donations::voided_at.eq(Some(Utc::now())),
            donations::voided_by.eq(by),
        ))
        .returning(DonationRow::as_returning())
        .get_result(conn)
        .await
}

pub struct DonationFilter<'a> {
    /// Donations of funds of these units.
    pub units: &'a [Uuid],
    pub campaign_id: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub channel: Option<&'a str>,
    pub status: Option<&'a str>,
    /// Folded donor name fragment.
    pub q: Option<String>,
    /// Only donors who agreed to be named (public listings search names only there).
    pub public_names_only: bool,
    pub min_amount: Option<Decimal>,
    pub max_amount: Option<Decimal>,
    /// Keyset on (received_on, id).
    pub after: Option<(NaiveDate, Uuid)>,
    pub limit: i64,
}

pub async fn list(conn: &mut AsyncPgConnection, f: DonationFilter<'_>) -> QueryResult<Vec<DonationRow>> {
    let mut q = donations::table
        .select(DonationRow::as_select())
        .order((donations::received_on.asc(), donations::id.asc()))
        .limit(f.limit)
        .into_boxed();
    if !f.units.is_empty() {
        q = q.filter(donations::unit_id.eq_any(f.units));
    }
    if let Some(c) = f.campaign_id {
        q = q.filter(donations::campaign_id.eq(c));
    }
    if let Some(from) = f.from {
        q = q.filter(donations::received_on.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(donations::received_on.le(to));
    }
    if let Some(channel) = f.channel {
        q = q.filter(donations::channel.eq(channel));
    }
    if let Some(status) = f.status {
        q = q.filter(donations::status.eq(status));
    }
    if let Some(text) = f.q {
        q = q.filter(donations::donor_search.like(format!("%{}%", super::units::escape_like(&text))));
    }
    if f.public_names_only {
        q = q.filter(donations::public_display.eq("name"));
    }
    if let Some(min) = f.min_amount {
        q = q.filter(donations::amount_vnd.ge(min));
    }
    if let Some(max) = f.max_amount {
        q = q.filter(donations::amount_vnd.le(max));
    }
    if let Some((date, id)) = f.after {
        q = q.filter(donations::received_on.gt(date).or(donations::received_on.eq(date).and(donations::id.gt(id))));
    }
    q.load(conn).await
}

#[derive(Debug, Clone, Queryable)]
pub struct ReceiptRow {
    pub receipt_number: String,
    pub donation_id: Uuid,
    pub status: String,
    pub amount_vnd: Decimal,
    pub received_on: NaiveDate,
    pub receipt_seq: i32,
}

/// The receipt register of a unit's year, in number order (keyset on the sequence).
pub async fn receipts(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
    year: i32,
    after_seq: i32,
    limit: i64,
) -> QueryResult<Vec<ReceiptRow>> {
    donations::table
        .filter(donations::unit_id.eq(unit))
        .filter(donations::receipt_year.eq(year))
        .filter(donations::receipt_seq.gt(after_seq))
        .select((
            donations::receipt_number,
            donations::id,
            donations::status,
            donations::amount_vnd,
            donations::received_on,
            donations::receipt_seq,
        ))
        .order(donations::receipt_seq.asc())
        .limit(limit)
        .load(conn)
        .await
}

/// Recorded (not void) donations of one channel: how many, and their sum in VND.
#[derive(Debug, Clone, Queryable)]
pub struct ChannelTotal {
    pub channel: String,
    pub count: i64,
    pub amount_vnd: Option<Decimal>,
}

/// Recorded donations to a campaign, in every unit's fund, per channel.
pub async fn campaign_totals(conn: &mut AsyncPgConnection, campaign: Uuid) -> QueryResult<Vec<ChannelTotal>> {
    donations::table
        .filter(donations::campaign_id.eq(campaign))
        .filter(donations::status.eq("recorded"))
        .group_by(donations::channel)
        .select((donations::channel, diesel::dsl::count_star(), diesel::dsl::sum(donations::amount_vnd)))
        .load(conn)
        .await
}

/// Recorded donations into a unit's fund received between `from` and `to` (inclusive), per
/// channel.
pub async fn unit_totals(conn: &mut AsyncPgConnection, unit: Uuid, from: NaiveDate, to: NaiveDate) -> QueryResult<Vec<ChannelTotal>> {
    donations::table
        .filter(donations::unit_id.eq(unit))
        .filter(donations::received_on.between(from, to))
        .filter(donations::status.eq("recorded"))
        .group_by(donations::channel)
        .select((donations::channel, diesel::dsl::count_star(), diesel::dsl::sum(donations::amount_vnd)))
        .load(conn)
        .await
}
