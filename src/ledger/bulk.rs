//! Donations and bank fees created in bulk from statement lines. A statement of a Tết campaign
//! brings hundreds of thousands of transfers; posting them one request-sized transaction at a
//! time would take the unit's receipt counter once per donation. Here one transaction per chunk
//! of lines inserts every entry, posting and donation with one `unnest` statement each, takes
//! the counter once per receipt year for the whole chunk, and marks the lines matched — so a
//! line becomes a donation exactly once, and a repeated request finds nothing left to do.
//! PostgreSQL's per-row invariants (balanced entries, open periods, no overdraft) still run on
//! every row at commit.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use diesel::sql_types::{Array, Date, Int4, Nullable, Numeric, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::SourceType;

/// Lines per transaction. Small on purpose: every posting upserts its account's balance bucket
/// (a per-row trigger), and repeated updates of one row inside one transaction grow a version
/// chain that each next update walks — the cost per chunk is quadratic in its size (measured:
/// 2,000 upserts of one row 64 ms, 10,000 975 ms). 1,000 keeps that small against the commits.
pub const CHUNK: i64 = 1_000;

/// Which side of the statement a bulk creation reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineSide {
    Credit,
    Debit,
}

/// An unmatched line, locked for the chunk's transaction.
#[derive(Debug, Clone, QueryableByName)]
pub struct OpenLine {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Date)]
    pub line_date: NaiveDate,
    #[diesel(sql_type = Nullable<Text>)]
    pub doc_no: Option<String>,
    /// The credit or the debit, by the side asked for.
    #[diesel(sql_type = Numeric)]
    pub amount: Decimal,
    #[diesel(sql_type = Text)]
    pub description: String,
    /// The sender's name from a column of its own, when the export had one.
    #[diesel(sql_type = Nullable<Text>)]
    pub counterparty: Option<String>,
}

/// The next `limit` unmatched lines of `side` on `bank_account`, after `after` in (date, id)
/// order, limited to `only` when given; locked (`FOR UPDATE`) until the transaction ends so two
/// requests cannot turn one line into two donations. A line that already made a donation (its
/// reference ends in the line's id) or a fee entry not reversed since is not open, even when it
/// was unmatched by hand afterwards: it is matched again by hand, never booked twice.
pub async fn open_lines(
    conn: &mut AsyncPgConnection,
    bank_account: Uuid,
    side: LineSide,
    only: Option<&[Uuid]>,
    after: Option<(NaiveDate, Uuid)>,
    limit: i64,
) -> QueryResult<Vec<OpenLine>> {
    let (amount, filter, made) = match side {
        LineSide::Credit => (
            "credit",
            "credit > 0",
            "SELECT 1 FROM donations d WHERE d.bank_account_id = $1
                AND d.bank_reference = coalesce(l.doc_no || '/', '') || l.id::text",
        ),
        LineSide::Debit => (
            "debit",
            "debit > 0",
            "SELECT 1 FROM journal_entries e WHERE e.source_type = 'bank_fee' AND e.source_id = l.id
                AND NOT EXISTS (SELECT 1 FROM journal_entries r WHERE r.reverses_id = e.id)",
        ),
    };
    // a scalar subquery, not NOT EXISTS: it stays one index probe per line read in (date, id)
    // order up to the limit; an anti-join would hash every donation of the account per chunk
    let sql = format!(
        "SELECT id, line_date, doc_no, {amount} AS amount, description, counterparty FROM statement_lines l
          WHERE bank_account_id = $1 AND status = 'unmatched' AND {filter}
            AND ({made} LIMIT 1) IS NULL
            AND ($2::uuid[] IS NULL OR id = ANY ($2))
            AND ($3::date IS NULL OR (line_date, id) > ($3, $4))
          ORDER BY line_date, id LIMIT $5 FOR UPDATE"
    );
    let (date, id) = after.unzip();
    diesel::sql_query(sql)
        .bind::<SqlUuid, _>(bank_account)
        .bind::<Nullable<Array<SqlUuid>>, _>(only)
        .bind::<Nullable<Date>, _>(date)
        .bind::<Nullable<SqlUuid>, _>(id)
        .bind::<diesel::sql_types::BigInt, _>(limit)
        .load(conn)
        .await
}

#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
}

/// Which of `ids` are lines of `bank_account` (any status, any side).
pub async fn lines_of_account(
    conn: &mut AsyncPgConnection,
    bank_account: Uuid,
    ids: &[Uuid],
) -> QueryResult<Vec<Uuid>> {
    let rows: Vec<Found> = diesel::sql_query(
        "SELECT id FROM statement_lines WHERE bank_account_id = $1 AND id = ANY ($2)",
    )
    .bind::<SqlUuid, _>(bank_account)
    .bind::<Array<SqlUuid>, _>(ids)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// The fund and accounts every entry of one bulk creation posts to.
pub struct Target<'a> {
    pub unit_id: Uuid,
    pub unit_code: &'a str,
    pub bank_account_id: Uuid,
    /// Debited (donations: 1121.N; fees: 6411).
    pub debit_account: Uuid,
    /// Credited (donations: 5111; fees: 1121.N).
    pub credit_account: Uuid,
    /// The restricted campaign's earmark, on both postings.
    pub earmark: Option<Uuid>,
    pub created_by: Uuid,
}

/// One entry per line: posts `lines` (in their order) as balanced two-posting entries of
/// `source_type`, each with `source_ids[i]` as its source, and marks each line matched to its
/// entry. Returns the entry ids.
pub async fn post_lines(
    conn: &mut AsyncPgConnection,
    t: &Target<'_>,
    source_type: SourceType,
    description: &str,
    lines: &[OpenLine],
    source_ids: &[Uuid],
) -> QueryResult<Vec<Uuid>> {
    let entry_ids: Vec<Uuid> = lines.iter().map(|_| Uuid::now_v7()).collect();
    let dates: Vec<NaiveDate> = lines.iter().map(|l| l.line_date).collect();
    let amounts: Vec<Decimal> = lines.iter().map(|l| l.amount).collect();
    let line_ids: Vec<Uuid> = lines.iter().map(|l| l.id).collect();
    diesel::sql_query(
        "INSERT INTO journal_entries (id, unit_id, effective_date, source_type, source_id,
                                      description, created_by)
         SELECT u.id, $1, u.day, $2, u.source, $3, $4
           FROM unnest($5::uuid[], $6::date[], $7::uuid[]) AS u(id, day, source)",
    )
    .bind::<SqlUuid, _>(t.unit_id)
    .bind::<Text, _>(source_type.as_str())
    .bind::<Text, _>(description)
    .bind::<SqlUuid, _>(t.created_by)
    .bind::<Array<SqlUuid>, _>(&entry_ids)
    .bind::<Array<Date>, _>(&dates)
    .bind::<Array<SqlUuid>, _>(source_ids)
    .execute(conn)
    .await?;
    // the trigger copies each entry's unit, date and chart code onto its postings
    diesel::sql_query(
        "INSERT INTO postings (entry_id, account_id, side, amount, campaign_id, unit_id,
                               effective_date)
         SELECT u.id, s.account, s.side, u.amount, $3, $4, u.day
           FROM unnest($5::uuid[], $6::numeric[], $7::date[]) WITH ORDINALITY AS u(id, amount, day, n)
          CROSS JOIN (VALUES ($1::uuid, 'debit', 1), ($2::uuid, 'credit', 2)) AS s(account, side, k)
          ORDER BY u.n, s.k",
    )
    .bind::<SqlUuid, _>(t.debit_account)
    .bind::<SqlUuid, _>(t.credit_account)
    .bind::<Nullable<SqlUuid>, _>(t.earmark)
    .bind::<SqlUuid, _>(t.unit_id)
    .bind::<Array<SqlUuid>, _>(&entry_ids)
    .bind::<Array<Numeric>, _>(&amounts)
    .bind::<Array<Date>, _>(&dates)
    .execute(conn)
    .await?;
    let matched = diesel::sql_query(
        "UPDATE statement_lines AS l
            SET status = 'matched', matched_entry_id = u.entry, matched_by = $3, matched_at = now()
           FROM unnest($1::uuid[], $2::uuid[]) AS u(line, entry)
          WHERE l.id = u.line AND l.status = 'unmatched'",
    )
    .bind::<Array<SqlUuid>, _>(&line_ids)
    .bind::<Array<SqlUuid>, _>(&entry_ids)
    .bind::<SqlUuid, _>(t.created_by)
    .execute(conn)
    .await?;
    if matched != lines.len() {
        // the lines are locked by `open_lines`; anything else is a bug, not a race
        return Err(diesel::result::Error::RollbackTransaction);
    }
    Ok(entry_ids)
}

/// A donation made from a credit line.
pub struct LineDonation {
    pub id: Uuid,
    pub donor_kind: &'static str,
    pub donor_name: Option<String>,
    pub donor_search: String,
    pub public_display: &'static str,
    pub bank_reference: String,
    pub note: String,
}

/// Inserts the donations of `lines` (already posted as `entry_ids`), numbering their receipts
/// in line order: the unit's counter of each receipt year is advanced once by that year's count,
/// so the numbers are gapless and the counter row is taken once per chunk. Returns the receipt
/// numbers in line order.
pub async fn insert_donations(
    conn: &mut AsyncPgConnection,
    t: &Target<'_>,
    campaign_id: Option<Uuid>,
    lines: &[OpenLine],
    entry_ids: &[Uuid],
    donations: &[LineDonation],
) -> QueryResult<Vec<String>> {
    // years in ascending order, so concurrent chunks take the counter rows in one order
    let mut years: Vec<i32> = lines.iter().map(|l| l.line_date.year()).collect();
    years.sort_unstable();
    years.dedup();
    let mut seqs = vec![0i32; lines.len()];
    for year in years {
        let idx: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].line_date.year() == year)
            .collect();
        let n = idx.len() as i32;
        let last: Last = diesel::sql_query(
            "INSERT INTO receipt_counters AS rc (unit_id, year, last_seq) VALUES ($1, $2, $3)
             ON CONFLICT (unit_id, year) DO UPDATE SET last_seq = rc.last_seq + excluded.last_seq
             RETURNING last_seq",
        )
        .bind::<SqlUuid, _>(t.unit_id)
        .bind::<Int4, _>(year)
        .bind::<Int4, _>(n)
        .get_result(conn)
        .await?;
        for (k, i) in idx.into_iter().enumerate() {
            seqs[i] = last.last_seq - n + 1 + k as i32;
        }
    }
    let years: Vec<i32> = lines.iter().map(|l| l.line_date.year()).collect();
    let ids: Vec<Uuid> = donations.iter().map(|d| d.id).collect();
    let amounts: Vec<Decimal> = lines.iter().map(|l| l.amount).collect();
    let dates: Vec<NaiveDate> = lines.iter().map(|l| l.line_date).collect();
    let kinds: Vec<&str> = donations.iter().map(|d| d.donor_kind).collect();
    let names: Vec<Option<&str>> = donations.iter().map(|d| d.donor_name.as_deref()).collect();
    let searches: Vec<&str> = donations.iter().map(|d| d.donor_search.as_str()).collect();
    let displays: Vec<&str> = donations.iter().map(|d| d.public_display).collect();
    let references: Vec<&str> = donations
        .iter()
        .map(|d| d.bank_reference.as_str())
        .collect();
    let notes: Vec<&str> = donations.iter().map(|d| d.note.as_str()).collect();
    // the receipt number is the database's `receipt_number` (migration 000103): the format's
    // one definition, shared with the single donation's statement
    let rows: Vec<Numbered> = diesel::sql_query(
        "WITH u AS (
           SELECT * FROM unnest($5::uuid[], $6::numeric[], $7::date[], $8::text[], $9::text[],
                                $10::text[], $11::text[], $12::text[], $13::text[], $14::uuid[],
                                $15::int4[], $16::int4[]) WITH ORDINALITY
             AS u(id, amount, day, kind, name, search, display, reference, note, entry, year,
                  seq, n)),
         d AS (
           INSERT INTO donations (id, unit_id, campaign_id, channel, amount, currency, amount_vnd,
                                  received_on, donor_kind, donor_name, donor_search, public_display,
                                  bank_account_id, bank_reference, note, journal_entry_id, created_by,
                                  receipt_year, receipt_seq, receipt_number)
           SELECT u.id, $1, $2, 'bank_transfer', u.amount, 'VND', u.amount, u.day, u.kind, u.name,
                  u.search, u.display, $3, u.reference, u.note, u.entry, $4, u.year, u.seq,
                  receipt_number($17, u.year, u.seq)
             FROM u ORDER BY u.n
           RETURNING id, receipt_number)
         SELECT d.receipt_number FROM d JOIN u ON u.id = d.id ORDER BY u.n",
    )
    .bind::<SqlUuid, _>(t.unit_id)
    .bind::<Nullable<SqlUuid>, _>(campaign_id)
    .bind::<SqlUuid, _>(t.bank_account_id)
    .bind::<SqlUuid, _>(t.created_by)
    .bind::<Array<SqlUuid>, _>(&ids)
    .bind::<Array<Numeric>, _>(&amounts)
    .bind::<Array<Date>, _>(&dates)
    .bind::<Array<Text>, _>(&kinds)
    .bind::<Array<Nullable<Text>>, _>(&names)
    .bind::<Array<Text>, _>(&searches)
    .bind::<Array<Text>, _>(&displays)
    .bind::<Array<Text>, _>(&references)
    .bind::<Array<Text>, _>(&notes)
    .bind::<Array<SqlUuid>, _>(entry_ids)
    .bind::<Array<Int4>, _>(&years)
    .bind::<Array<Int4>, _>(&seqs)
    .bind::<Text, _>(t.unit_code)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.receipt_number).collect())
}

#[derive(QueryableByName)]
struct Numbered {
    #[diesel(sql_type = Text)]
    receipt_number: String,
}

#[derive(QueryableByName)]
struct Last {
    #[diesel(sql_type = Int4)]
    last_seq: i32,
}
