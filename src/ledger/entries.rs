//! Posting and reading journal entries.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{NewEntry, NewPosting, Side, SourceType};
use crate::db::schema::{accounts, journal_entries, postings, units};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = journal_entries)]
pub struct EntryRow {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub effective_date: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub source_type: String,
    pub source_id: Option<Uuid>,
    pub description: String,
    pub reason: Option<String>,
    pub reverses_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
}

#[derive(Debug, Clone, Queryable)]
pub struct PostingRow {
    pub id: i64,
    pub entry_id: Uuid,
    pub account_id: Uuid,
    pub account_code: String,
    pub side: String,
    pub amount: Decimal,
    pub campaign_id: Option<Uuid>,
    pub effective_date: NaiveDate,
}

/// Inserts the entry and its postings, then has PostgreSQL check the deferred invariants at
/// once (balance, overdraft) so a violation surfaces here, before the caller takes any shared
/// lock, rather than at commit. The database checks again at commit regardless.
pub async fn post(conn: &mut AsyncPgConnection, entry: &NewEntry) -> QueryResult<Uuid> {
    diesel::insert_into(journal_entries::table)
        .values((
            journal_entries::id.eq(entry.id),
            journal_entries::unit_id.eq(entry.unit_id),
            journal_entries::effective_date.eq(entry.effective_date),
            journal_entries::source_type.eq(entry.source_type.as_str()),
            journal_entries::source_id.eq(entry.source_id),
            journal_entries::description.eq(&entry.description),
            journal_entries::reason.eq(&entry.reason),
            journal_entries::reverses_id.eq(entry.reverses_id),
            journal_entries::created_by.eq(entry.created_by),
        ))
        .execute(conn)
        .await?;
    let rows: Vec<_> = entry
        .postings
        .iter()
        .map(|p| {
            (
                postings::entry_id.eq(entry.id),
                postings::account_id.eq(p.account_id),
                postings::side.eq(p.side.as_str()),
                postings::amount.eq(p.amount),
                postings::campaign_id.eq(p.campaign_id),
                // placeholders: the trigger copies the entry's unit and date
                postings::unit_id.eq(entry.unit_id),
                postings::effective_date.eq(entry.effective_date),
            )
        })
        .collect();
    // The common two-line entry goes in as a fixed-size batch, which diesel keeps prepared.
    match <[_; 2]>::try_from(rows) {
        Ok(pair) => {
            diesel::insert_into(postings::table)
                .values(&pair)
                .execute(conn)
                .await?
        }
        Err(rows) => {
            diesel::insert_into(postings::table)
                .values(&rows)
                .execute(conn)
                .await?
        }
    };
    // IMMEDIATE fires the pending checks now; DEFERRED again lets the same transaction post
    // another entry (its row comes before its postings). One round trip for both.
    conn.batch_execute(
        "SET CONSTRAINTS postings_check, journal_entries_check_postings IMMEDIATE; \
         SET CONSTRAINTS postings_check, journal_entries_check_postings DEFERRED",
    )
    .await?;
    Ok(entry.id)
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<EntryRow>> {
    journal_entries::table
        .find(id)
        .select(EntryRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Whether `id` has been reversed (or voided).
pub async fn reversal_of(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Uuid>> {
    journal_entries::table
        .filter(journal_entries::reverses_id.eq(id))
        .select(journal_entries::id)
        .first(conn)
        .await
        .optional()
}

/// For each of `ids` that has been reversed (or voided): (entry, the entry that reverses it).
pub async fn reversals_of(
    conn: &mut AsyncPgConnection,
    ids: &[Uuid],
) -> QueryResult<HashMap<Uuid, Uuid>> {
    let rows: Vec<(Option<Uuid>, Uuid)> = journal_entries::table
        .filter(journal_entries::reverses_id.eq_any(ids))
        .select((journal_entries::reverses_id, journal_entries::id))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(original, reversal)| Some((original?, reversal)))
        .collect())
}

pub async fn postings_of(
    conn: &mut AsyncPgConnection,
    entry_ids: &[Uuid],
) -> QueryResult<Vec<PostingRow>> {
    postings::table
        .inner_join(accounts::table)
        .filter(postings::entry_id.eq_any(entry_ids))
        .select((
            postings::id,
            postings::entry_id,
            postings::account_id,
            accounts::code,
            postings::side,
            postings::amount,
            postings::campaign_id,
            postings::effective_date,
        ))
        .order(postings::id.asc())
        .load(conn)
        .await
}

/// Posts the exact reverse of `original` (sides flipped), pointing back at it. The unique
/// `reverses_id` makes a second reversal fail in the database (`already_reversed`).
pub async fn reverse(
    conn: &mut AsyncPgConnection,
    original: &EntryRow,
    source_type: SourceType,
    effective_date: NaiveDate,
    description: String,
    reason: Option<String>,
    by: Option<Uuid>,
) -> QueryResult<Uuid> {
    let lines: Vec<NewPosting> = postings_of(conn, &[original.id])
        .await?
        .into_iter()
        .map(|p| NewPosting {
            account_id: p.account_id,
            side: Side::parse(&p.side).unwrap_or(Side::Debit).opposite(),
            amount: p.amount,
            campaign_id: p.campaign_id,
        })
        .collect();
    post(
        conn,
        &NewEntry {
            id: Uuid::now_v7(),
            unit_id: original.unit_id,
            effective_date,
            source_type,
            source_id: original.source_id,
            description,
            reason,
            reverses_id: Some(original.id),
            created_by: by,
            postings: lines,
        },
    )
    .await
}

pub struct JournalFilter<'a> {
    /// Entries of funds whose unit is in one of these subtrees (the caller's scope roots).
    pub units: &'a [Uuid],
    /// Only the entries of this one fund (which must itself lie in `units`).
    pub unit: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub source_type: Option<SourceType>,
    /// Keyset: (effective_date, id) strictly after.
    pub after: Option<(NaiveDate, Uuid)>,
    pub limit: i64,
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    f: JournalFilter<'_>,
) -> QueryResult<Vec<EntryRow>> {
    // the scope is a set of subtrees, not a list of funds: a province's scope holds its communes
    let in_scope = units::table
        .filter(units::ancestry.overlaps_with(f.units))
        .select(units::id);
    let mut q = journal_entries::table
        .filter(journal_entries::unit_id.eq_any(in_scope))
        .select(EntryRow::as_select())
        .order((
            journal_entries::effective_date.asc(),
            journal_entries::id.asc(),
        ))
        .limit(f.limit)
        .into_boxed();
    if let Some(unit) = f.unit {
        q = q.filter(journal_entries::unit_id.eq(unit));
    }
    if let Some(from) = f.from {
        q = q.filter(journal_entries::effective_date.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(journal_entries::effective_date.le(to));
    }
    if let Some(t) = f.source_type {
        q = q.filter(journal_entries::source_type.eq(t.as_str()));
    }
    if let Some((date, id)) = f.after {
        q = q.filter(
            journal_entries::effective_date
                .gt(date)
                .or(journal_entries::effective_date
                    .eq(date)
                    .and(journal_entries::id.gt(id))),
        );
    }
    q.load(conn).await
}

/// Postings of one account, by date, with keyset pagination on (effective_date, id).
pub async fn account_postings(
    conn: &mut AsyncPgConnection,
    account: Uuid,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    after: Option<(NaiveDate, i64)>,
    limit: i64,
) -> QueryResult<Vec<PostingRow>> {
    let mut q = postings::table
        .inner_join(accounts::table)
        .filter(postings::account_id.eq(account))
        .select((
            postings::id,
            postings::entry_id,
            postings::account_id,
            accounts::code,
            postings::side,
            postings::amount,
            postings::campaign_id,
            postings::effective_date,
        ))
        .order((postings::effective_date.asc(), postings::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some(from) = from {
        q = q.filter(postings::effective_date.ge(from));
    }
    if let Some(to) = to {
        q = q.filter(postings::effective_date.le(to));
    }
    if let Some((date, id)) = after {
        q = q.filter(
            postings::effective_date
                .gt(date)
                .or(postings::effective_date.eq(date).and(postings::id.gt(id))),
        );
    }
    q.load(conn).await
}
