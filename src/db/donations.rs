//! Donations and their receipt numbers.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Date, Int4, Jsonb, Nullable, Numeric, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::schema::donations;
use crate::domain::text;

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

/// The Idempotency-Key a donation claims and completes, with the response to store for replays
/// (its `receipt_number` is filled in by the statement itself).
pub struct Completion<'a> {
    pub key: &'a str,
    pub hash: &'a [u8],
    pub response: &'a serde_json::Value,
    /// The `Location` of the 201, replayed with it.
    pub location: &'a str,
}

/// The journal entry and the audit event written with a donation.
pub struct DonationWrite<'a> {
    pub donation: &'a NewDonation<'a>,
    pub description: &'a str,
    pub debit: Uuid,
    pub credit: Uuid,
    pub earmark: Option<Uuid>,
    pub audit_id: Uuid,
    pub actor_roles: &'a serde_json::Value,
    pub request_id: Option<&'a str>,
    pub client_ip: Option<&'a str>,
    pub changes: &'a serde_json::Value,
    pub ancestry: &'a [Uuid],
    pub completion: Option<Completion<'a>>,
}

/// Pushes `value`s as bind parameters of their SQL types, separated by commas.
macro_rules! bind_list {
    ($out:ident; $first_ty:ty => $first:expr, $($ty:ty => $value:expr),* $(,)?) => {
        $out.push_bind_param::<$first_ty, _>($first)?;
        $(
            $out.push_sql(", ");
            $out.push_bind_param::<$ty, _>($value)?;
        )*
    };
}

/// Records a donation in one statement (the database function `record_donation`, migration
/// 000103): claims the key when one is given, posts the entry and its two postings (checking
/// balance and overdraft at once), writes the audit event, then takes the next receipt number of
/// the unit's year, inserts the donation and stores the response. Sent outside a transaction it
/// commits on its own: one round trip. `None` when the key is taken (nothing was written); the
/// caller reads the key to answer. The counter row is the one lock every donation of a unit
/// shares, taken last and held only to the end of the statement; a failure gives the number back.
pub async fn record(
    conn: &mut AsyncPgConnection,
    w: &DonationWrite<'_>,
) -> QueryResult<Option<DonationRow>> {
    let c = w.completion.as_ref();
    RecordDonation {
        w,
        key: c.map(|c| c.key),
        hash: c.map(|c| c.hash),
        response: c.map(|c| c.response),
        location: c.map(|c| c.location),
    }
    .get_result(conn)
    .await
    .optional()
}

/// The statement of `record`, as a query fragment with a static id so diesel keeps it prepared
/// on each connection (a raw `sql_query` would be parsed and planned every time).
struct RecordDonation<'a> {
    w: &'a DonationWrite<'a>,
    key: Option<&'a str>,
    hash: Option<&'a [u8]>,
    response: Option<&'a serde_json::Value>,
    location: Option<&'a str>,
}

/// Columns in the order of `DonationRow`'s fields.
const ROW_COLUMNS: &str =
    "id, unit_id, campaign_id, channel, amount, currency, fx_rate, amount_vnd, \
    received_on, donor_kind, donor_name, donor_phone, donor_email, donor_address, donor_tax_code, \
    public_display, bank_account_id, bank_reference, in_kind_items, note, receipt_number, status, \
    journal_entry_id, void_entry_id, void_reason, voided_at, created_at";

impl diesel::query_builder::QueryId for RecordDonation<'_> {
    type QueryId = RecordDonationId;
    const HAS_STATIC_QUERY_ID: bool = true;
}

struct RecordDonationId;

impl diesel::query_builder::Query for RecordDonation<'_> {
    type SqlType = diesel::dsl::SqlTypeOf<diesel::dsl::AsSelect<DonationRow, diesel::pg::Pg>>;
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for RecordDonation<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        use diesel::sql_types::{Array, Bytea, Timestamptz};
        let w = self.w;
        let d = w.donation;
        out.push_sql("SELECT ");
        out.push_sql(ROW_COLUMNS);
        out.push_sql(" FROM record_donation(");
        bind_list!(out;
            SqlUuid => &d.created_by,
            Nullable<Text> => &self.key,
            Nullable<Bytea> => &self.hash,
            Int4 => &super::idempotency::CLAIM_SECONDS,
            Int4 => &super::idempotency::RETENTION_HOURS,
            Nullable<Jsonb> => &self.response,
            Nullable<Text> => &self.location,
            SqlUuid => &d.journal_entry_id,
            Text => &w.description,
            SqlUuid => &w.debit,
            SqlUuid => &w.credit,
            Nullable<SqlUuid> => &w.earmark,
            SqlUuid => &w.audit_id,
            Jsonb => w.actor_roles,
            Nullable<Text> => &w.request_id,
            Nullable<Text> => &w.client_ip,
            Jsonb => w.changes,
            Array<SqlUuid> => &w.ancestry,
            SqlUuid => &d.id,
            SqlUuid => &d.unit_id,
            Text => &d.unit_code,
            Nullable<SqlUuid> => &d.campaign_id,
            Text => &d.channel,
            Numeric => &d.amount,
            Text => &d.currency,
            Nullable<Numeric> => &d.fx_rate,
            Numeric => &d.amount_vnd,
            Date => &d.received_on,
            Text => &d.donor_kind,
            Nullable<Text> => &d.donor_name,
            Text => &d.donor_search,
            Nullable<Text> => &d.donor_phone,
            Nullable<Text> => &d.donor_email,
            Nullable<Text> => &d.donor_address,
            Nullable<Text> => &d.donor_tax_code,
            Text => &d.public_display,
            Nullable<SqlUuid> => &d.bank_account_id,
            Nullable<Text> => &d.bank_reference,
            Nullable<Jsonb> => &d.in_kind_items,
            Nullable<Text> => &d.note,
            Timestamptz => &d.created_at,
        );
        out.push_sql(")");
        Ok(())
    }
}

/// Everything recording a donation reads, in one statement: the caller (name and role
/// assignments, read fresh: a disabled user gets no row), the unit, the campaign and bank account
/// named, the fund's accounts among `codes`, and the caller's Idempotency-Key.
#[derive(Debug, QueryableByName)]
pub struct DonationContext {
    #[diesel(sql_type = Text)]
    pub username: String,
    #[diesel(sql_type = diesel::sql_types::Array<Text>)]
    pub roles: Vec<String>,
    #[diesel(sql_type = diesel::sql_types::Array<SqlUuid>)]
    pub role_units: Vec<Uuid>,
    #[diesel(sql_type = diesel::sql_types::Array<Text>)]
    pub role_unit_codes: Vec<String>,
    #[diesel(sql_type = diesel::sql_types::Array<Text>)]
    pub role_tiers: Vec<String>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub unit_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    pub unit_code: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub unit_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub unit_full_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub unit_kind: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub unit_tier: Option<String>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub unit_parent_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Array<SqlUuid>>)]
    pub unit_ancestry: Option<Vec<Uuid>>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Array<Text>>)]
    pub unit_path: Option<Vec<String>>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Timestamptz>)]
    pub unit_created_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Text>)]
    pub unit_status: Option<String>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Date>)]
    pub unit_dissolving_from: Option<chrono::NaiveDate>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Date>)]
    pub unit_dissolved_on: Option<chrono::NaiveDate>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub campaign_unit_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Bool>)]
    pub campaign_restricted: Option<bool>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub bank_unit_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub bank_ledger_id: Option<Uuid>,
    #[diesel(sql_type = diesel::sql_types::Array<Text>)]
    pub account_codes: Vec<String>,
    #[diesel(sql_type = diesel::sql_types::Array<SqlUuid>)]
    pub account_ids: Vec<Uuid>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Bytea>)]
    pub key_hash: Option<Vec<u8>>,
    #[diesel(sql_type = Nullable<Text>)]
    pub key_state: Option<String>,
    #[diesel(sql_type = Nullable<Int4>)]
    pub key_status: Option<i32>,
    #[diesel(sql_type = Nullable<Jsonb>)]
    pub key_body: Option<serde_json::Value>,
    #[diesel(sql_type = Nullable<Text>)]
    pub key_location: Option<String>,
    /// The key exists and a claim would take it over (expired, or abandoned by this request).
    #[diesel(sql_type = Nullable<diesel::sql_types::Bool>)]
    pub key_claimable: Option<bool>,
}

impl DonationContext {
    /// The unit named, when it exists.
    pub fn unit(&self) -> Option<super::units::UnitRow> {
        Some(super::units::UnitRow {
            id: self.unit_id?,
            code: self.unit_code.clone()?,
            name: self.unit_name.clone()?,
            full_name: self.unit_full_name.clone()?,
            kind: self.unit_kind.clone(),
            tier: self.unit_tier.clone()?,
            parent_id: self.unit_parent_id,
            ancestry: self.unit_ancestry.clone()?,
            path: self.unit_path.clone()?,
            created_at: self.unit_created_at?,
            status: self.unit_status.clone()?,
            dissolving_from: self.unit_dissolving_from,
            dissolved_on: self.unit_dissolved_on,
        })
    }

    /// The caller's key, when it exists and cannot be claimed (someone holds or used it).
    pub fn key_taken(&self) -> Option<super::idempotency::KeyRow> {
        if self.key_claimable != Some(false) {
            return None;
        }
        Some(super::idempotency::KeyRow {
            request_hash: self.key_hash.clone()?,
            state: self.key_state.clone()?,
            response_status: self.key_status,
            response_body: self.key_body.clone(),
            locked_until: Utc::now(),
            response_location: self.key_location.clone(),
        })
    }
}

/// What `context` looks up.
pub struct ContextOf<'a> {
    pub user: Uuid,
    pub unit: Uuid,
    pub campaign: Option<Uuid>,
    pub bank_account: Option<Uuid>,
    pub codes: &'a [&'a str],
    pub key: Option<&'a str>,
    /// The request's hash, to tell an abandoned claim of this very request (taken over).
    pub hash: Option<&'a [u8]>,
}

/// The one read of the donation path; `None` when the user is disabled or gone (401).
pub async fn context(
    conn: &mut AsyncPgConnection,
    of: &ContextOf<'_>,
) -> QueryResult<Option<DonationContext>> {
    ContextQuery { of }.get_result(conn).await.optional()
}

struct ContextQuery<'a> {
    of: &'a ContextOf<'a>,
}

impl diesel::query_builder::QueryId for ContextQuery<'_> {
    type QueryId = ContextQueryId;
    const HAS_STATIC_QUERY_ID: bool = true;
}

struct ContextQueryId;

impl diesel::query_builder::Query for ContextQuery<'_> {
    type SqlType = diesel::sql_types::Untyped;
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for ContextQuery<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        use diesel::sql_types::Array;
        let of = self.of;
        out.push_sql(
            "SELECT u.username, r.roles, r.role_units, r.role_unit_codes, r.role_tiers, \
                    un.id AS unit_id, un.code AS unit_code, un.name AS unit_name, \
                    un.full_name AS unit_full_name, un.kind AS unit_kind, un.tier AS unit_tier, \
                    un.parent_id AS unit_parent_id, un.ancestry AS unit_ancestry, \
                    un.path AS unit_path, un.created_at AS unit_created_at, \
                    un.status AS unit_status, un.dissolving_from AS unit_dissolving_from, \
                    un.dissolved_on AS unit_dissolved_on, \
                    c.unit_id AS campaign_unit_id, c.restricted AS campaign_restricted, \
                    b.unit_id AS bank_unit_id, b.account_id AS bank_ledger_id, \
                    a.account_codes, a.account_ids, \
                    k.request_hash AS key_hash, k.state AS key_state, k.response_status AS key_status, \
                    k.response_body AS key_body, k.response_location AS key_location, \
                    (k.created_at < now() - make_interval(hours => ",
        );
        out.push_bind_param::<Int4, _>(&super::idempotency::RETENTION_HOURS)?;
        out.push_sql(
            ") OR (k.state = 'in_progress' AND k.locked_until < now() AND k.request_hash = ",
        );
        out.push_bind_param::<Nullable<diesel::sql_types::Bytea>, _>(&of.hash)?;
        out.push_sql(
            ")) AS key_claimable FROM users u \
             CROSS JOIN LATERAL (SELECT coalesce(array_agg(ra.role), '{}') AS roles, \
                    coalesce(array_agg(ru.id), '{}') AS role_units, \
                    coalesce(array_agg(ru.code), '{}') AS role_unit_codes, \
                    coalesce(array_agg(ru.tier), '{}') AS role_tiers \
               FROM role_assignments ra JOIN units ru ON ru.id = ra.unit_id \
              WHERE ra.user_id = u.id) r \
             CROSS JOIN LATERAL (SELECT coalesce(array_agg(ac.code), '{}') AS account_codes, \
                    coalesce(array_agg(ac.id), '{}') AS account_ids \
               FROM accounts ac WHERE ac.unit_id = ",
        );
        out.push_bind_param::<SqlUuid, _>(&of.unit)?;
        out.push_sql(" AND ac.code = ANY (");
        out.push_bind_param::<Array<Text>, _>(&of.codes)?;
        out.push_sql(")) a LEFT JOIN units un ON un.id = ");
        out.push_bind_param::<SqlUuid, _>(&of.unit)?;
        out.push_sql(" LEFT JOIN campaigns c ON c.id = ");
        out.push_bind_param::<Nullable<SqlUuid>, _>(&of.campaign)?;
        out.push_sql(" LEFT JOIN bank_accounts b ON b.id = ");
        out.push_bind_param::<Nullable<SqlUuid>, _>(&of.bank_account)?;
        out.push_sql(" LEFT JOIN idempotency_keys k ON k.user_id = u.id AND k.key = ");
        out.push_bind_param::<Nullable<Text>, _>(&of.key)?;
        out.push_sql(" WHERE u.id = ");
        out.push_bind_param::<SqlUuid, _>(&of.user)?;
        out.push_sql(" AND u.disabled_at IS NULL");
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

/// Corrects who gave a recorded donation (an officer's check of a name read from a statement);
/// `NotFound` when it is void. The database lets these four columns change and nothing else.
pub async fn set_donor(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    kind: &str,
    name: Option<&str>,
    public_display: &str,
) -> QueryResult<DonationRow> {
    diesel::update(
        donations::table
            .find(id)
            .filter(donations::status.eq("recorded")),
    )
    .set((
        donations::donor_kind.eq(kind),
        donations::donor_name.eq(name),
        donations::donor_search.eq(name.map(text::fold).unwrap_or_default()),
        donations::public_display.eq(public_display),
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
    /// A bank reference as kept (`reference::normalise_query`): the donation's own, or one of
    /// the statement line its entry is matched to; exactly, never a part of one.
    pub reference: Option<String>,
    /// Only donations whose donor name waits for an officer's check.
    pub name_to_check: bool,
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
    if f.name_to_check {
        use super::schema::donor_name_checks as checks;
        q = q.filter(
            donations::id.eq_any(
                checks::table
                    .filter(checks::checked_at.is_null())
                    .select(checks::donation_id),
            ),
        );
    }
    if let Some(reference) = f.reference {
        use super::schema::statement_lines as lines;
        let matched = lines::table
            .filter(lines::bank_references.contains(vec![reference.clone()]))
            .select(lines::matched_entry_id);
        q = q.filter(
            donations::bank_reference
                .eq(reference)
                .or(donations::journal_entry_id.nullable().eq_any(matched)),
        );
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

/// The bank's own reference (the first of its statement line's) of each of `entries` that is
/// matched to a statement line: what the public sees masked instead of an internal one.
pub async fn line_references(
    conn: &mut AsyncPgConnection,
    entries: &[Uuid],
) -> QueryResult<Vec<(Uuid, String)>> {
    use super::schema::statement_lines as lines;
    let rows: Vec<(Option<Uuid>, Vec<String>)> = lines::table
        .filter(lines::matched_entry_id.eq_any(entries))
        .select((lines::matched_entry_id, lines::bank_references))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(entry, refs)| Some((entry?, refs.into_iter().next()?)))
        .collect())
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
