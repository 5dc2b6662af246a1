//! Matching statement lines to journal entries: automatically on import (set-based, in the
//! import's transaction) and by hand. A line is `unmatched`, `matched` (to one entry) or
//! `ignored`; an entry is matched to at most one line (unique index
//! `statement_lines_matched_entry_key`).

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Numeric, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::schema::statement_lines;
use super::statements::StatementLineRow;
use crate::domain::statement::LineStatus;

type SqlUuid = diesel::sql_types::Uuid;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// A bank reference is looked for in a line's description only when it is at least this long:
/// a short one ("12") appears in unrelated descriptions by chance. In the document number it
/// is looked for whatever its length.
/// Pass 2 considers a line only when this few donations of its amount fall in its window.
const MAX_WINDOW_CANDIDATES: usize = 5;

const MIN_REFERENCE_IN_DESCRIPTION: i32 = 6;

/// Automatic matching of the credit lines `statement` brought to `account` (its new lines),
/// to the journal entries of recorded bank-transfer donations into that account whose entry no
/// line matches yet. Two passes, each one statement:
///
/// 1. bank reference: the donation's `bank_reference` appears in the line's document number
///    (or, when at least 6 characters long, in its description) and its amount equals the
///    credit;
/// 2. amount, date and donor: same amount, `received_on` within ±3 days of the line's date,
///    and the donor's folded name contained in the folded description or trigram-similar to it
///    (`similarity` ≥ 0.4).
///
/// In either pass a pair is kept only when the line has exactly one candidate entry and the
/// entry exactly one candidate line; anything ambiguous stays unmatched for a person to decide.
/// Returns how many lines were matched.
pub async fn auto_match(
    conn: &mut AsyncPgConnection,
    account: Uuid,
    statement: Uuid,
    by: Uuid,
) -> QueryResult<i64> {
    // The lines were inserted by this very transaction, so the planner's statistics still see
    // an empty table and would pick nested loops (lines × donations); both passes are set
    // joins, so make it hash them.
    conn.batch_execute("SET LOCAL enable_nestloop = off")
        .await?;
    // Pass 1, the bank reference: the line's document number, or a word of its description
    // of 6+ characters, equals a donation's reference. Equality, so PostgreSQL hash-joins the
    // words of a whole statement with the account's references in one pass, however many
    // donations the account holds.
    let by_reference: Count = diesel::sql_query(format!(
        "WITH lines AS (
           SELECT l.id, l.credit, l.doc_no, l.description
             FROM statement_lines l
            WHERE l.bank_account_id = $1 AND l.statement_id = $2
              AND l.status = 'unmatched' AND l.credit > 0
         ), words AS (
           SELECT id, credit, upper(doc_no) AS word FROM lines WHERE doc_no IS NOT NULL
           UNION
           SELECT id, credit, w FROM lines,
                  unnest(regexp_split_to_array(upper(description), '[^A-Z0-9]+')) AS w
            WHERE length(w) >= {MIN_REFERENCE_IN_DESCRIPTION}
         ), cand AS (
           SELECT DISTINCT w.id AS line_id, d.journal_entry_id AS entry_id
             FROM words w
             JOIN donations d
               ON d.bank_account_id = $1
              AND upper(d.bank_reference) = w.word
              AND d.amount_vnd = w.credit
              AND d.channel = 'bank_transfer'
              AND d.status = 'recorded'
            WHERE NOT EXISTS (SELECT 1 FROM statement_lines m
                               WHERE m.matched_entry_id = d.journal_entry_id)
         ), {PICK_AND_UPDATE}"
    ))
    .bind::<SqlUuid, _>(account)
    .bind::<SqlUuid, _>(statement)
    .bind::<SqlUuid, _>(by)
    .get_result(conn)
    .await?;
    // Pass 2, amount + date + name: only for lines with at most MAX_WINDOW_CANDIDATES
    // unmatched donations of the same amount within ±3 days (counted per day and amount
    // first, so an account with thousands of identical gifts a day stays cheap); a line with
    // more is left for the finance officer, as it would be ambiguous anyway.
    let by_amount_and_name: Count = diesel::sql_query(format!(
        "WITH lines AS (
           SELECT l.id, l.credit, l.line_date, l.description_search
             FROM statement_lines l
            WHERE l.bank_account_id = $1 AND l.statement_id = $2
              AND l.status = 'unmatched' AND l.credit > 0
         ), open_donations AS (
           SELECT d.journal_entry_id, d.amount_vnd, d.received_on, d.donor_search
             FROM donations d
            WHERE d.bank_account_id = $1
              AND d.channel = 'bank_transfer' AND d.status = 'recorded'
              AND d.received_on BETWEEN (SELECT min(line_date) - 3 FROM lines)
                                    AND (SELECT max(line_date) + 3 FROM lines)
              AND NOT EXISTS (SELECT 1 FROM statement_lines m
                               WHERE m.matched_entry_id = d.journal_entry_id)
         ), per_day AS (
           SELECT amount_vnd, received_on, count(*) AS n
             FROM open_donations GROUP BY amount_vnd, received_on
         ), few AS (
           SELECT l.id
             FROM lines l
             JOIN per_day p ON p.amount_vnd = l.credit
                           AND p.received_on BETWEEN l.line_date - 3 AND l.line_date + 3
            GROUP BY l.id
           HAVING sum(p.n) <= {MAX_WINDOW_CANDIDATES}
         ), cand AS (
           SELECT l.id AS line_id, d.journal_entry_id AS entry_id
             FROM lines l
             JOIN few f ON f.id = l.id
             JOIN open_donations d
               ON d.amount_vnd = l.credit
              AND d.received_on BETWEEN l.line_date - 3 AND l.line_date + 3
              AND d.donor_search <> ''
              AND (strpos(l.description_search, d.donor_search) > 0
                   OR similarity(d.donor_search, l.description_search) >= 0.4)
         ), {PICK_AND_UPDATE}"
    ))
    .bind::<SqlUuid, _>(account)
    .bind::<SqlUuid, _>(statement)
    .bind::<SqlUuid, _>(by)
    .get_result(conn)
    .await?;
    conn.batch_execute("SET LOCAL enable_nestloop = on").await?;
    Ok(by_reference.n + by_amount_and_name.n)
}

/// The tail shared by both passes: keep the unambiguous pairs of `cand`, match them, count.
const PICK_AND_UPDATE: &str = "counted AS (
           SELECT line_id, entry_id,
                  count(*) OVER (PARTITION BY line_id) AS per_line,
                  count(*) OVER (PARTITION BY entry_id) AS per_entry
             FROM cand
         ), upd AS (
           UPDATE statement_lines l
              SET status = 'matched', matched_entry_id = c.entry_id, matched_by = $3,
                  matched_at = now()
             FROM counted c
            WHERE l.id = c.line_id AND c.per_line = 1 AND c.per_entry = 1
           RETURNING 1
         )
         SELECT count(*) AS n FROM upd";

pub async fn find_line(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Option<StatementLineRow>> {
    statement_lines::table
        .find(id)
        .select(StatementLineRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The line under a row lock: a concurrent change waits, then sees this one.
pub async fn lock_line(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<StatementLineRow> {
    statement_lines::table
        .find(id)
        .select(StatementLineRow::as_select())
        .for_update()
        .first(conn)
        .await
}

#[derive(QueryableByName)]
struct SideTotal {
    #[diesel(sql_type = diesel::sql_types::Nullable<Numeric>)]
    total: Option<Decimal>,
}

/// What entry `entry` of fund `unit` posts to ledger account `account` on `side` (`debit` or
/// `credit`), summed; `None` when the entry is not the fund's.
pub async fn entry_side_total(
    conn: &mut AsyncPgConnection,
    entry: Uuid,
    unit: Uuid,
    account: Uuid,
    side: &str,
) -> QueryResult<Option<Decimal>> {
    let row: Option<SideTotal> = diesel::sql_query(
        "SELECT coalesce((SELECT sum(p.amount) FROM postings p
                           WHERE p.entry_id = e.id AND p.account_id = $3 AND p.side = $4), 0)
                AS total
           FROM journal_entries e
          WHERE e.id = $1 AND e.unit_id = $2",
    )
    .bind::<SqlUuid, _>(entry)
    .bind::<SqlUuid, _>(unit)
    .bind::<SqlUuid, _>(account)
    .bind::<Text, _>(side)
    .get_result(conn)
    .await
    .optional()?;
    Ok(row.and_then(|r| r.total))
}

/// The line `entry` is matched to, if any.
pub async fn line_of_entry(conn: &mut AsyncPgConnection, entry: Uuid) -> QueryResult<Option<Uuid>> {
    statement_lines::table
        .filter(statement_lines::matched_entry_id.eq(entry))
        .select(statement_lines::id)
        .first(conn)
        .await
        .optional()
}

pub async fn set_matched(
    conn: &mut AsyncPgConnection,
    line: Uuid,
    entry: Uuid,
    by: Uuid,
) -> QueryResult<StatementLineRow> {
    diesel::update(statement_lines::table.find(line))
        .set((
            statement_lines::status.eq(LineStatus::Matched.as_str()),
            statement_lines::matched_entry_id.eq(Some(entry)),
            statement_lines::matched_by.eq(Some(by)),
            statement_lines::matched_at.eq(Some(chrono::Utc::now())),
            statement_lines::ignore_reason.eq(None::<String>),
        ))
        .returning(StatementLineRow::as_returning())
        .get_result(conn)
        .await
}

/// Back to `unmatched`, from `matched` or `ignored`.
pub async fn set_unmatched(
    conn: &mut AsyncPgConnection,
    line: Uuid,
) -> QueryResult<StatementLineRow> {
    diesel::update(statement_lines::table.find(line))
        .set((
            statement_lines::status.eq(LineStatus::Unmatched.as_str()),
            statement_lines::matched_entry_id.eq(None::<Uuid>),
            statement_lines::matched_by.eq(None::<Uuid>),
            statement_lines::matched_at.eq(None::<chrono::DateTime<chrono::Utc>>),
            statement_lines::ignore_reason.eq(None::<String>),
        ))
        .returning(StatementLineRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn set_ignored(
    conn: &mut AsyncPgConnection,
    line: Uuid,
    reason: &str,
) -> QueryResult<StatementLineRow> {
    diesel::update(statement_lines::table.find(line))
        .set((
            statement_lines::status.eq(LineStatus::Ignored.as_str()),
            statement_lines::ignore_reason.eq(Some(reason)),
        ))
        .returning(StatementLineRow::as_returning())
        .get_result(conn)
        .await
}
