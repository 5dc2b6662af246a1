//! Bank reconciliation of one bank account as of a date: the ledger's balance of its 1121.N
//! account against the bank's balance from the imported statements, and what is unmatched on
//! either side. Callers run these in one REPEATABLE READ snapshot.

use chrono::NaiveDate;
use diesel::sql_types::{BigInt, Date, Nullable, Numeric, Text};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use uuid::Uuid;

type SqlUuid = diesel::sql_types::Uuid;

#[derive(QueryableByName)]
struct Amount {
    #[diesel(sql_type = Numeric)]
    amount: Decimal,
}

#[derive(QueryableByName)]
pub struct Tally {
    #[diesel(sql_type = BigInt)]
    pub count: i64,
    #[diesel(sql_type = Numeric)]
    pub amount: Decimal,
}

/// Σ (debit − credit) of the postings to ledger account `account` dated on or before `as_of`.
pub async fn book_balance(
    conn: &mut AsyncPgConnection,
    account: Uuid,
    as_of: NaiveDate,
) -> diesel::QueryResult<Decimal> {
    let row: Amount = diesel::sql_query(
        "SELECT coalesce(sum(CASE side WHEN 'debit' THEN amount ELSE -amount END), 0) AS amount
           FROM postings WHERE account_id = $1 AND effective_date <= $2",
    )
    .bind::<SqlUuid, _>(account)
    .bind::<Date, _>(as_of)
    .get_result(conn)
    .await?;
    Ok(row.amount)
}

/// Where the bank balance comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BankSource {
    /// The running balance the bank printed on the last line that has one.
    LineBalance,
    /// The closing balance of the latest statement ending on or before the date.
    StatementClosing,
    /// The earliest statement's opening balance (or 0) plus the lines' movements.
    Computed,
}

impl BankSource {
    pub fn as_str(self) -> &'static str {
        match self {
            BankSource::LineBalance => "line_balance",
            BankSource::StatementClosing => "statement_closing",
            BankSource::Computed => "computed",
        }
    }
}

#[derive(QueryableByName)]
struct Anchor {
    #[diesel(sql_type = Text)]
    source: String,
    #[diesel(sql_type = Numeric)]
    balance: Decimal,
    /// Lines after this date (and, for a line anchor, after this line on the date) still move
    /// the balance.
    #[diesel(sql_type = Nullable<Date>)]
    after_date: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    after_id: Option<Uuid>,
}

/// The bank's balance of `bank_account` at the end of `as_of`, from the imported lines:
///
/// 1. the running balance of the last line dated on or before `as_of` (in (date, id) order,
///    which is the file's order within an import) that has one; else
/// 2. the closing balance of the latest statement whose last date is on or before `as_of`;
///    else
/// 3. the earliest statement's opening balance (0 when it printed none).
///
/// Withdrawn statements count for nothing (their lines are gone with them).
///
/// In each case the lines after the anchor, up to `as_of`, are added (credit − debit), so a
/// bank that prints balances on some lines only is still followed to the date.
pub async fn bank_balance(
    conn: &mut AsyncPgConnection,
    bank_account: Uuid,
    as_of: NaiveDate,
) -> diesel::QueryResult<(Decimal, BankSource)> {
    let line: Option<Anchor> = diesel::sql_query(
        "SELECT 'line' AS source, balance, line_date AS after_date, id AS after_id
           FROM statement_lines
          WHERE bank_account_id = $1 AND line_date <= $2 AND balance IS NOT NULL
          ORDER BY line_date DESC, id DESC LIMIT 1",
    )
    .bind::<SqlUuid, _>(bank_account)
    .bind::<Date, _>(as_of)
    .get_result(conn)
    .await
    .optional()?;
    let anchor = match line {
        Some(a) => a,
        None => {
            let closing: Option<Anchor> = diesel::sql_query(
                "SELECT 'closing' AS source, closing_balance AS balance, last_date AS after_date,
                        NULL::uuid AS after_id
                   FROM bank_statements
                  WHERE bank_account_id = $1 AND last_date <= $2 AND closing_balance IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM statement_withdrawals w
                                     WHERE w.statement_id = bank_statements.id)
                  ORDER BY last_date DESC, imported_at DESC, id DESC LIMIT 1",
            )
            .bind::<SqlUuid, _>(bank_account)
            .bind::<Date, _>(as_of)
            .get_result(conn)
            .await
            .optional()?;
            match closing {
                Some(a) => a,
                None => {
                    diesel::sql_query(
                        "SELECT 'computed' AS source,
                            coalesce((SELECT opening_balance FROM bank_statements
                                       WHERE bank_account_id = $1
                                         AND NOT EXISTS (SELECT 1 FROM statement_withdrawals w
                                                          WHERE w.statement_id = bank_statements.id)
                                       ORDER BY first_date, imported_at, id LIMIT 1), 0) AS balance,
                            NULL::date AS after_date, NULL::uuid AS after_id",
                    )
                    .bind::<SqlUuid, _>(bank_account)
                    .get_result(conn)
                    .await?
                }
            }
        }
    };
    let moved: Amount = diesel::sql_query(
        "SELECT coalesce(sum(credit - debit), 0) AS amount
           FROM statement_lines
          WHERE bank_account_id = $1 AND line_date <= $2
            AND ($3::date IS NULL
                 OR line_date > $3
                 OR ($4::uuid IS NOT NULL AND line_date = $3 AND id > $4))",
    )
    .bind::<SqlUuid, _>(bank_account)
    .bind::<Date, _>(as_of)
    .bind::<Nullable<Date>, _>(anchor.after_date)
    .bind::<Nullable<SqlUuid>, _>(anchor.after_id)
    .get_result(conn)
    .await?;
    let source = match anchor.source.as_str() {
        "line" => BankSource::LineBalance,
        "closing" => BankSource::StatementClosing,
        _ => BankSource::Computed,
    };
    Ok((anchor.balance + moved.amount, source))
}

/// Unmatched lines dated on or before `as_of`; amount Σ (credit − debit).
pub async fn unmatched_lines(
    conn: &mut AsyncPgConnection,
    bank_account: Uuid,
    as_of: NaiveDate,
) -> diesel::QueryResult<Tally> {
    diesel::sql_query(
        "SELECT count(*) AS count, coalesce(sum(credit - debit), 0) AS amount
           FROM statement_lines
          WHERE bank_account_id = $1 AND line_date <= $2 AND status = 'unmatched'",
    )
    .bind::<SqlUuid, _>(bank_account)
    .bind::<Date, _>(as_of)
    .get_result(conn)
    .await
}

/// Journal entries posting to ledger account `account` dated on or before `as_of` that no line
/// dated on or before `as_of` of `bank_account` is matched to; amount Σ (debit − credit) of
/// their postings to the account. The account's opening balance is not one of them: it stands
/// for the balance the bank's first statement opens with.
pub async fn unmatched_entries(
    conn: &mut AsyncPgConnection,
    bank_account: Uuid,
    account: Uuid,
    as_of: NaiveDate,
) -> diesel::QueryResult<Tally> {
    diesel::sql_query(
        "SELECT count(*) AS count, coalesce(sum(net), 0) AS amount
           FROM (SELECT p.entry_id,
                        sum(CASE p.side WHEN 'debit' THEN p.amount ELSE -p.amount END) AS net
                   FROM postings p
                  WHERE p.account_id = $2 AND p.effective_date <= $3
                    AND NOT EXISTS (SELECT 1 FROM statement_lines l
                                     WHERE l.matched_entry_id = p.entry_id
                                       AND l.bank_account_id = $1
                                       AND l.line_date <= $3)
                    -- the opening balance stands for the statement's own opening, not a line
                    AND NOT EXISTS (SELECT 1 FROM bank_opening_balances o
                                     WHERE o.journal_entry_id = p.entry_id)
                  GROUP BY p.entry_id) e",
    )
    .bind::<SqlUuid, _>(bank_account)
    .bind::<SqlUuid, _>(account)
    .bind::<Date, _>(as_of)
    .get_result(conn)
    .await
}
