//! Bank statements and their lines. Lines are written in bulk (`unnest` of column arrays, one
//! statement per batch) and skipped when their identity exists, so importing a statement again,
//! or one that overlaps an earlier one, adds only what is new.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bytea, Date, Integer, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::schema::{bank_statements, statement_lines, statement_withdrawals};
use crate::domain::statement::LineStatus;

/// One line to insert; `identity` is unique over all accounts.
pub struct NewLine<'a> {
    pub id: Uuid,
    pub line_date: NaiveDate,
    pub doc_no: Option<&'a str>,
    pub debit: i64,
    pub credit: i64,
    pub balance: Option<i64>,
    pub description: &'a str,
    /// `description` folded for search.
    pub description_search: &'a str,
    pub occurrence: i32,
    pub identity: &'a [u8],
    /// The bank's references (`reference::references`), space-separated (they hold no spaces).
    pub references: &'a str,
    pub counterparty: Option<&'a str>,
}

#[derive(QueryableByName)]
struct Inserted {
    #[diesel(sql_type = BigInt)]
    inserted: i64,
}

/// Inserts the lines of `statement` into `account` that are not there yet; returns how many
/// were new. One round trip per call: callers pass batches (tens of thousands of lines).
pub async fn insert_lines(
    conn: &mut AsyncPgConnection,
    account: Uuid,
    statement: Uuid,
    lines: &[NewLine<'_>],
) -> QueryResult<i64> {
    let ids: Vec<Uuid> = lines.iter().map(|l| l.id).collect();
    let dates: Vec<NaiveDate> = lines.iter().map(|l| l.line_date).collect();
    let doc_nos: Vec<Option<&str>> = lines.iter().map(|l| l.doc_no).collect();
    let debits: Vec<i64> = lines.iter().map(|l| l.debit).collect();
    let credits: Vec<i64> = lines.iter().map(|l| l.credit).collect();
    let balances: Vec<Option<i64>> = lines.iter().map(|l| l.balance).collect();
    let descriptions: Vec<&str> = lines.iter().map(|l| l.description).collect();
    let searches: Vec<&str> = lines.iter().map(|l| l.description_search).collect();
    let occurrences: Vec<i32> = lines.iter().map(|l| l.occurrence).collect();
    let identities: Vec<&[u8]> = lines.iter().map(|l| l.identity).collect();
    let references: Vec<&str> = lines.iter().map(|l| l.references).collect();
    let counterparties: Vec<Option<&str>> = lines.iter().map(|l| l.counterparty).collect();
    let row: Inserted = diesel::sql_query(
        "WITH ins AS (
           INSERT INTO statement_lines (id, bank_account_id, statement_id, line_date, doc_no,
                                        debit, credit, balance, description, description_search,
                                        occurrence, identity, bank_references, counterparty)
           SELECT u.id, $1, $2, u.line_date, u.doc_no, u.debit, u.credit, u.balance,
                  u.description, u.search, u.occurrence, u.identity,
                  string_to_array(u.refs, ' '), u.counterparty
             FROM unnest($3::uuid[], $4::date[], $5::text[], $6::int8[], $7::int8[], $8::int8[],
                         $9::text[], $10::text[], $11::int4[], $12::bytea[], $13::text[],
                         $14::text[])
                  AS u(id, line_date, doc_no, debit, credit, balance, description, search,
                       occurrence, identity, refs, counterparty)
           ON CONFLICT (identity) DO NOTHING
           RETURNING 1
         )
         SELECT count(*) AS inserted FROM ins",
    )
    .bind::<diesel::sql_types::Uuid, _>(account)
    .bind::<diesel::sql_types::Uuid, _>(statement)
    .bind::<Array<diesel::sql_types::Uuid>, _>(&ids)
    .bind::<Array<Date>, _>(&dates)
    .bind::<Array<Nullable<Text>>, _>(&doc_nos)
    .bind::<Array<BigInt>, _>(&debits)
    .bind::<Array<BigInt>, _>(&credits)
    .bind::<Array<Nullable<BigInt>>, _>(&balances)
    .bind::<Array<Text>, _>(&descriptions)
    .bind::<Array<Text>, _>(&searches)
    .bind::<Array<Integer>, _>(&occurrences)
    .bind::<Array<Bytea>, _>(&identities)
    .bind::<Array<Text>, _>(&references)
    .bind::<Array<Nullable<Text>>, _>(&counterparties)
    .get_result(conn)
    .await?;
    Ok(row.inserted)
}

#[derive(Insertable)]
#[diesel(table_name = bank_statements)]
pub struct NewStatement<'a> {
    pub id: Uuid,
    pub bank_account_id: Uuid,
    pub format: &'a str,
    pub imported_by: Uuid,
    pub lines_total: i32,
    pub lines_new: i32,
    pub lines_duplicate: i32,
    pub credits_total: Decimal,
    pub debits_total: Decimal,
    pub opening_balance: Option<Decimal>,
    pub closing_balance: Option<Decimal>,
    pub first_date: NaiveDate,
    pub last_date: NaiveDate,
    pub sha256: &'a [u8],
}

/// Records an import. Its lines may be inserted before it in the same transaction (the
/// lines' reference to it is checked at commit).
pub async fn insert_statement(
    conn: &mut AsyncPgConnection,
    s: &NewStatement<'_>,
) -> QueryResult<()> {
    diesel::insert_into(bank_statements::table)
        .values(s)
        .execute(conn)
        .await
        .map(drop)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = statement_lines)]
pub struct StatementLineRow {
    pub id: Uuid,
    pub bank_account_id: Uuid,
    pub statement_id: Uuid,
    pub line_date: NaiveDate,
    pub doc_no: Option<String>,
    pub debit: Decimal,
    pub credit: Decimal,
    pub balance: Option<Decimal>,
    pub description: String,
    pub occurrence: i32,
    #[diesel(deserialize_as = String)]
    pub status: LineStatus,
    pub matched_entry_id: Option<Uuid>,
    pub ignore_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub bank_references: Vec<String>,
    pub counterparty: Option<String>,
}

/// Which lines of a bank account a listing asks for.
pub struct LineFilter {
    pub status: Option<LineStatus>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Already folded (`text::fold`); matched as a substring of the folded description.
    pub q: Option<String>,
    /// The same search as a bank reference (`reference::normalise_query`), matched exactly
    /// against the line's document number and references.
    pub reference: Option<String>,
    /// Lines first brought by this statement.
    pub statement_id: Option<Uuid>,
    /// Keyset: lines after this (date, id).
    pub after: Option<(NaiveDate, Uuid)>,
    pub limit: i64,
}

/// Lines of one bank account by (date, id).
pub async fn list_lines(
    conn: &mut AsyncPgConnection,
    bank_account: Uuid,
    f: LineFilter,
) -> QueryResult<Vec<StatementLineRow>> {
    let mut query = statement_lines::table
        .filter(statement_lines::bank_account_id.eq(bank_account))
        .select(StatementLineRow::as_select())
        .order((statement_lines::line_date.asc(), statement_lines::id.asc()))
        .limit(f.limit)
        .into_boxed();
    if let Some(status) = f.status {
        query = query.filter(statement_lines::status.eq(status.as_str()));
    }
    if let Some(from) = f.from {
        query = query.filter(statement_lines::line_date.ge(from));
    }
    if let Some(to) = f.to {
        query = query.filter(statement_lines::line_date.le(to));
    }
    if let Some(statement) = f.statement_id {
        query = query.filter(statement_lines::statement_id.eq(statement));
    }
    match (f.q, f.reference) {
        (Some(q), Some(reference)) => {
            query = query.filter(
                statement_lines::description_search
                    .like(format!("%{}%", super::units::escape_like(&q)))
                    .or(statement_lines::bank_references.contains(vec![reference])),
            );
        }
        (Some(q), None) => {
            query = query.filter(
                statement_lines::description_search
                    .like(format!("%{}%", super::units::escape_like(&q))),
            );
        }
        (None, _) => {}
    }
    if let Some((date, id)) = f.after {
        query = query.filter(
            statement_lines::line_date
                .gt(date)
                .or(statement_lines::line_date
                    .eq(date)
                    .and(statement_lines::id.gt(id))),
        );
    }
    query.load(conn).await
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = bank_statements)]
pub struct StatementRow {
    pub id: Uuid,
    pub bank_account_id: Uuid,
    pub format: String,
    pub imported_by: Uuid,
    pub imported_at: DateTime<Utc>,
    pub lines_total: i32,
    pub lines_new: i32,
    pub lines_duplicate: i32,
    pub credits_total: Decimal,
    pub debits_total: Decimal,
    pub opening_balance: Option<Decimal>,
    pub closing_balance: Option<Decimal>,
    pub first_date: NaiveDate,
    pub last_date: NaiveDate,
    pub sha256: Vec<u8>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = statement_withdrawals)]
pub struct WithdrawalRow {
    pub statement_id: Uuid,
    pub reason: String,
    pub withdrawn_by: Uuid,
    pub withdrawn_at: DateTime<Utc>,
    pub lines_removed: i32,
}

/// One import with its withdrawal, if any.
pub async fn find_statement(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Option<(StatementRow, Option<WithdrawalRow>)>> {
    bank_statements::table
        .left_join(statement_withdrawals::table)
        .filter(bank_statements::id.eq(id))
        .select((
            StatementRow::as_select(),
            Option::<WithdrawalRow>::as_select(),
        ))
        .first(conn)
        .await
        .optional()
}

/// The imports of a bank account, newest first (keyset on the id, a UUIDv7: import order).
pub async fn list_statements(
    conn: &mut AsyncPgConnection,
    bank_account: Uuid,
    before: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<(StatementRow, Option<WithdrawalRow>)>> {
    let mut query = bank_statements::table
        .left_join(statement_withdrawals::table)
        .filter(bank_statements::bank_account_id.eq(bank_account))
        .select((
            StatementRow::as_select(),
            Option::<WithdrawalRow>::as_select(),
        ))
        .order(bank_statements::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(id) = before {
        query = query.filter(bank_statements::id.lt(id));
    }
    query.load(conn).await
}

/// The lines first brought by `statement` that are matched (a booked line is matched to what
/// it booked), in line order, at most `limit`.
pub async fn matched_lines_of(
    conn: &mut AsyncPgConnection,
    statement: Uuid,
    limit: i64,
) -> QueryResult<Vec<Uuid>> {
    statement_lines::table
        .filter(statement_lines::statement_id.eq(statement))
        .filter(statement_lines::status.eq(LineStatus::Matched.as_str()))
        .select(statement_lines::id)
        .order((statement_lines::line_date.asc(), statement_lines::id.asc()))
        .limit(limit)
        .load(conn)
        .await
}

/// Withdraws `statement`: records why, then removes the lines it brought (the database lets
/// them go only once the withdrawal exists, and never a matched one, `statement_line_kept`).
pub async fn withdraw(
    conn: &mut AsyncPgConnection,
    statement: Uuid,
    reason: &str,
    by: Uuid,
) -> QueryResult<WithdrawalRow> {
    let lines: i64 = statement_lines::table
        .filter(statement_lines::statement_id.eq(statement))
        .count()
        .get_result(conn)
        .await?;
    let row = diesel::insert_into(statement_withdrawals::table)
        .values((
            statement_withdrawals::statement_id.eq(statement),
            statement_withdrawals::reason.eq(reason),
            statement_withdrawals::withdrawn_by.eq(by),
            statement_withdrawals::lines_removed.eq(lines as i32),
        ))
        .returning(WithdrawalRow::as_returning())
        .get_result(conn)
        .await?;
    diesel::delete(statement_lines::table.filter(statement_lines::statement_id.eq(statement)))
        .execute(conn)
        .await?;
    Ok(row)
}
