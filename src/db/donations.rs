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
    /// Set by the caller so the stored idempotent response and the returned row agree.
    pub created_at: DateTime<Utc>,
}

impl NewDonation<'_> {
    /// The row this insert will return, but for the receipt number the statement assigns: the
    /// response stored for idempotent replays is built from it before the insert.
    pub fn as_recorded(&self) -> DonationRow {
        DonationRow {
            id: self.id,
            unit_id: self.unit_id,
            campaign_id: self.campaign_id,
            channel: self.channel.to_owned(),
            amount: self.amount,
            currency: self.currency.to_owned(),
            fx_rate: self.fx_rate,
            amount_vnd: self.amount_vnd,
            received_on: self.received_on,
            donor_kind: self.donor_kind.to_owned(),
            donor_name: self.donor_name.map(str::to_owned),
            donor_phone: self.donor_phone.map(str::to_owned),
            donor_email: self.donor_email.map(str::to_owned),
            donor_address: self.donor_address.map(str::to_owned),
            donor_tax_code: self.donor_tax_code.map(str::to_owned),
            public_display: self.public_display.to_owned(),
            bank_account_id: self.bank_account_id,
            bank_reference: self.bank_reference.map(str::to_owned),
            in_kind_items: self.in_kind_items.clone(),
            note: self.note.map(str::to_owned),
            receipt_number: String::new(),
            status: "recorded".to_owned(),
            journal_entry_id: self.journal_entry_id,
            void_entry_id: None,
            void_reason: None,
            voided_at: None,
            created_at: self.created_at,
        }
    }
}

/// The idempotency key a donation completes, with the response to store for replays (its
/// `receipt_number` is filled in by the statement itself).
pub struct Completion<'a> {
    pub user_id: Uuid,
    pub key: &'a str,
    pub response: &'a serde_json::Value,
    /// The `Location` of the 201, replayed with it.
    pub location: &'a str,
}

/// Takes the next receipt number of the unit's year, inserts the donation and, when the request
/// carried an Idempotency-Key, stores its response — all in one statement. The counter row is
/// the one lock every donation of a unit shares, so it is taken last in the transaction and held
/// only for this statement and the commit; a rollback gives the number back (gapless).
pub async fn insert_with_receipt(
    conn: &mut AsyncPgConnection,
    d: &NewDonation<'_>,
    completion: Option<Completion<'_>>,
) -> QueryResult<DonationRow> {
    use chrono::Datelike;
    InsertWithReceipt {
        d,
        year: d.received_on.year(),
        user: completion.as_ref().map(|c| c.user_id),
        key: completion.as_ref().map(|c| c.key),
        response: completion.as_ref().map(|c| c.response),
        location: completion.as_ref().map(|c| c.location),
    }
    .get_result(conn)
    .await
}

/// The statement of `insert_with_receipt`, as a query fragment with a static id so diesel keeps
/// it prepared on each connection (a raw `sql_query` would be parsed and planned every time).
struct InsertWithReceipt<'a> {
    d: &'a NewDonation<'a>,
    year: i32,
    user: Option<Uuid>,
    key: Option<&'a str>,
    response: Option<&'a serde_json::Value>,
    location: Option<&'a str>,
}

/// Columns in the order of `DonationRow`'s fields.
const ROW_COLUMNS: &str =
    "id, unit_id, campaign_id, channel, amount, currency, fx_rate, amount_vnd, \
    received_on, donor_kind, donor_name, donor_phone, donor_email, donor_address, donor_tax_code, \
    public_display, bank_account_id, bank_reference, in_kind_items, note, receipt_number, status, \
    journal_entry_id, void_entry_id, void_reason, voided_at, created_at";

impl diesel::query_builder::QueryId for InsertWithReceipt<'_> {
    type QueryId = InsertWithReceiptId;
    const HAS_STATIC_QUERY_ID: bool = true;
}

struct InsertWithReceiptId;

impl diesel::query_builder::Query for InsertWithReceipt<'_> {
    type SqlType = diesel::dsl::SqlTypeOf<diesel::dsl::AsSelect<DonationRow, diesel::pg::Pg>>;
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for InsertWithReceipt<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        let d = self.d;
        out.push_sql(
            "WITH c AS (INSERT INTO receipt_counters AS rc (unit_id, year, last_seq) VALUES (",
        );
        out.push_bind_param::<SqlUuid, _>(&d.unit_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Int4, _>(&self.year)?;
        out.push_sql(
            ", 1) ON CONFLICT (unit_id, year) DO UPDATE SET last_seq = rc.last_seq + 1 RETURNING year, last_seq), \
             d AS (INSERT INTO donations (id, unit_id, campaign_id, channel, amount, currency, fx_rate, \
             amount_vnd, received_on, donor_kind, donor_name, donor_search, donor_phone, donor_email, \
             donor_address, donor_tax_code, public_display, bank_account_id, bank_reference, in_kind_items, \
             note, journal_entry_id, created_by, created_at, receipt_year, receipt_seq, receipt_number) SELECT ",
        );
        out.push_bind_param::<SqlUuid, _>(&d.id)?;
        out.push_sql(", ");
        out.push_bind_param::<SqlUuid, _>(&d.unit_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<SqlUuid>, _>(&d.campaign_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&d.channel)?;
        out.push_sql(", ");
        out.push_bind_param::<Numeric, _>(&d.amount)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&d.currency)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Numeric>, _>(&d.fx_rate)?;
        out.push_sql(", ");
        out.push_bind_param::<Numeric, _>(&d.amount_vnd)?;
        out.push_sql(", ");
        out.push_bind_param::<Date, _>(&d.received_on)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&d.donor_kind)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, _>(&d.donor_name)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&d.donor_search)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, _>(&d.donor_phone)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, _>(&d.donor_email)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, _>(&d.donor_address)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, _>(&d.donor_tax_code)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&d.public_display)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<SqlUuid>, _>(&d.bank_account_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, _>(&d.bank_reference)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Jsonb>, _>(&d.in_kind_items)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, _>(&d.note)?;
        out.push_sql(", ");
        out.push_bind_param::<SqlUuid, _>(&d.journal_entry_id)?;
        out.push_sql(", ");
        out.push_bind_param::<SqlUuid, _>(&d.created_by)?;
        out.push_sql(", ");
        out.push_bind_param::<diesel::sql_types::Timestamptz, _>(&d.created_at)?;
        out.push_sql(", c.year, c.last_seq, ");
        out.push_bind_param::<Text, _>(&d.unit_code)?;
        out.push_sql(
            " || '-' || c.year || '-' || lpad(c.last_seq::text, greatest(6, length(c.last_seq::text)), '0') \
             FROM c RETURNING *), \
             k AS (UPDATE idempotency_keys SET state = 'done', response_status = 201, \
             response_location = ",
        );
        out.push_bind_param::<Nullable<Text>, _>(&self.location)?;
        out.push_sql(", response_body = jsonb_set(");
        out.push_bind_param::<Nullable<Jsonb>, _>(&self.response)?;
        out.push_sql(", '{receipt_number}', to_jsonb(d.receipt_number)) FROM d WHERE user_id = ");
        out.push_bind_param::<Nullable<SqlUuid>, _>(&self.user)?;
        out.push_sql(" AND key = ");
        out.push_bind_param::<Nullable<Text>, _>(&self.key)?;
        out.push_sql(") SELECT ");
        out.push_sql(ROW_COLUMNS);
        out.push_sql(" FROM d");
        Ok(())
    }
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<DonationRow>> {
    donations::table
        .find(id)
        .select(DonationRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn find_by_receipt(
    conn: &mut AsyncPgConnection,
    number: &str,
) -> QueryResult<Option<DonationRow>> {
    donations::table
        .filter(donations::receipt_number.eq(number))
        .select(DonationRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn mark_void(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    void_entry: Uuid,
    reason: &str,
    by: Uuid,
) -> QueryResult<DonationRow> {
    diesel::update(
        donations::table
            .find(id)
            .filter(donations::status.eq("recorded")),
    )
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

pub async fn list(
    conn: &mut AsyncPgConnection,
    f: DonationFilter<'_>,
) -> QueryResult<Vec<DonationRow>> {
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
        q = q.filter(
            donations::donor_search.like(format!("%{}%", super::units::escape_like(&text))),
        );
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
        q = q.filter(
            donations::received_on
                .gt(date)
                .or(donations::received_on.eq(date).and(donations::id.gt(id))),
        );
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
pub async fn campaign_totals(
    conn: &mut AsyncPgConnection,
    campaign: Uuid,
) -> QueryResult<Vec<ChannelTotal>> {
    donations::table
        .filter(donations::campaign_id.eq(campaign))
        .filter(donations::status.eq("recorded"))
        .group_by(donations::channel)
        .select((
            donations::channel,
            diesel::dsl::count_star(),
            diesel::dsl::sum(donations::amount_vnd),
        ))
        .load(conn)
        .await
}

/// Recorded donations into a unit's fund received between `from` and `to` (inclusive), per
/// channel.
pub async fn unit_totals(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<ChannelTotal>> {
    donations::table
        .filter(donations::unit_id.eq(unit))
        .filter(donations::received_on.between(from, to))
        .filter(donations::status.eq("recorded"))
        .group_by(donations::channel)
        .select((
            donations::channel,
            diesel::dsl::count_star(),
            diesel::dsl::sum(donations::amount_vnd),
        ))
        .load(conn)
        .await
}
