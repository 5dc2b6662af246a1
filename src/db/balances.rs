//! Reading balances (a read model of the books, beside the engine that writes them). Current
//! balances come from the sharded running totals (a few rows per account, whatever the number
//! of postings); balances as of a date come from the postings. Chart codes come from the
//! caller (`ledger::chart::AccountCode`), never spelled here.

use chrono::NaiveDate;
use diesel::sql_types::{Array, Date, Nullable, Numeric, Text, Uuid as SqlUuid};
use diesel::{QueryResult, QueryableByName};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use uuid::Uuid;

/// The nil UUID marks unrestricted money in `balance_buckets`.
pub const UNRESTRICTED: Uuid = Uuid::nil();

#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct AccountTotals {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub code: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub account_type: String,
    #[diesel(sql_type = Numeric)]
    pub debit: Decimal,
    #[diesel(sql_type = Numeric)]
    pub credit: Decimal,
}

/// Every account of the fund with its current debit and credit totals.
pub async fn current(conn: &mut AsyncPgConnection, unit: Uuid) -> QueryResult<Vec<AccountTotals>> {
    diesel::sql_query(
        "SELECT a.id, a.code, a.name, a.account_type, \
                coalesce(b.debit, 0) AS debit, coalesce(b.credit, 0) AS credit \
           FROM accounts a \
           LEFT JOIN (SELECT account_id, sum(debit) AS debit, sum(credit) AS credit \
                        FROM balance_buckets WHERE unit_id = $1 GROUP BY account_id) b \
                  ON b.account_id = a.id \
          WHERE a.unit_id = $1 \
          ORDER BY a.code",
    )
    .bind::<SqlUuid, _>(unit)
    .load(conn)
    .await
}

/// Every account with its totals over postings effective on or before `as_of` (or all time).
pub async fn as_of(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
    as_of: Option<NaiveDate>,
) -> QueryResult<Vec<AccountTotals>> {
    Ok(with_predecessors(conn, unit, as_of, &[], &[])
        .await?
        .into_iter()
        .map(|a| a.totals)
        .collect())
}

/// One account of a trial balance with the fund it belongs to.
#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct FundAccountTotals {
    #[diesel(sql_type = SqlUuid)]
    pub unit_id: Uuid,
    #[diesel(embed)]
    pub totals: AccountTotals,
}

/// As [`as_of`], with the accounts of the dissolved `predecessors` too, each over its postings
/// up to its last day (`last_days`, in the same order), and without the entries of their
/// handovers on either side (the predecessors' money counts where it was): the fund's accounts
/// first, then each predecessor's, by code.
pub async fn with_predecessors(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
    as_of: Option<NaiveDate>,
    predecessors: &[Uuid],
    last_days: &[NaiveDate],
) -> QueryResult<Vec<FundAccountTotals>> {
    diesel::sql_query(
        "SELECT a.unit_id, a.id, a.code, a.name, a.account_type, \
                coalesce(sum(p.amount) FILTER (WHERE p.side = 'debit'), 0) AS debit, \
                coalesce(sum(p.amount) FILTER (WHERE p.side = 'credit'), 0) AS credit \
           FROM accounts a \
           LEFT JOIN postings p ON p.account_id = a.id \
                AND ($2::date IS NULL OR p.effective_date <= $2) \
                AND (a.unit_id = $1 OR p.effective_date <= $4[array_position($3, a.unit_id)]) \
                AND (cardinality($3) = 0 OR NOT EXISTS ( \
                      SELECT 1 FROM journal_entries he JOIN handovers h ON h.id = he.source_id \
                       WHERE he.id = p.entry_id \
                         AND he.source_type IN ('handover', 'handover_receipt') \
                         AND h.from_unit_id = ANY($3))) \
          WHERE a.unit_id = $1 OR a.unit_id = ANY($3) \
          GROUP BY a.unit_id, a.id, a.code, a.name, a.account_type \
          ORDER BY a.unit_id <> $1, (SELECT u.code FROM units u WHERE u.id = a.unit_id), a.code",
    )
    .bind::<SqlUuid, _>(unit)
    .bind::<Nullable<Date>, _>(as_of)
    .bind::<Array<SqlUuid>, _>(predecessors)
    .bind::<Array<Date>, _>(last_days)
    .load(conn)
    .await
}

/// The money of one chart code and one earmark (`UNRESTRICTED` for none), from the running totals.
#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct MoneyBucket {
    /// The chart code (`1121` for every bank account of the fund).
    #[diesel(sql_type = Text)]
    pub chart_code: String,
    #[diesel(sql_type = SqlUuid)]
    pub campaign_id: Uuid,
    /// Σ (debit − credit).
    #[diesel(sql_type = Numeric)]
    pub balance: Decimal,
}

/// The fund's money on the chart codes `codes`, by code and earmark.
pub async fn fund(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
    codes: &[&str],
) -> QueryResult<Vec<MoneyBucket>> {
    diesel::sql_query(
        "SELECT chart_code, campaign_id, sum(debit - credit) AS balance \
           FROM balance_buckets \
          WHERE unit_id = $1 AND chart_code = ANY($2) \
          GROUP BY chart_code, campaign_id",
    )
    .bind::<SqlUuid, _>(unit)
    .bind::<Array<Text>, _>(codes)
    .load(conn)
    .await
}

/// The money on the chart codes `codes` of every fund in `root`'s subtree (`root` included),
/// added up by code and earmark: the consolidated view of a tier.
pub async fn subtree(
    conn: &mut AsyncPgConnection,
    root: Uuid,
    codes: &[&str],
) -> QueryResult<Vec<MoneyBucket>> {
    diesel::sql_query(
        "SELECT b.chart_code, b.campaign_id, sum(b.debit - b.credit) AS balance \
           FROM balance_buckets b \
           JOIN units u ON u.id = b.unit_id \
          WHERE u.ancestry @> ARRAY[$1]::uuid[] AND b.chart_code = ANY($2) \
          GROUP BY b.chart_code, b.campaign_id",
    )
    .bind::<SqlUuid, _>(root)
    .bind::<Array<Text>, _>(codes)
    .load(conn)
    .await
}

#[derive(Debug, Clone, diesel::QueryableByName)]
struct ReservedRow {
    #[diesel(sql_type = Text)]
    pool: String,
    #[diesel(sql_type = SqlUuid)]
    campaign_id: Uuid,
    #[diesel(sql_type = Numeric)]
    outstanding: Decimal,
}

/// What approvals still hold in the funds of `root`'s subtree, added up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubtreeReserved {
    /// Unrestricted money (cash and bank).
    pub unrestricted_money: Decimal,
    /// Per earmark, money and goods together.
    pub by_earmark: std::collections::HashMap<Uuid, Decimal>,
}

/// `money_pool` names the pool of cash and bank money (`Pool::Money` of the reservations).
pub async fn subtree_reserved(
    conn: &mut AsyncPgConnection,
    root: Uuid,
    money_pool: &str,
) -> QueryResult<SubtreeReserved> {
    let rows: Vec<ReservedRow> = diesel::sql_query(
        "SELECT r.pool, r.campaign_id, sum(r.amount - r.used) AS outstanding \
           FROM reservations r \
           JOIN units u ON u.id = r.unit_id \
          WHERE u.ancestry @> ARRAY[$1]::uuid[] AND r.released_at IS NULL \
          GROUP BY r.pool, r.campaign_id",
    )
    .bind::<SqlUuid, _>(root)
    .load(conn)
    .await?;
    let mut held = SubtreeReserved::default();
    for r in rows {
        if r.campaign_id == UNRESTRICTED {
            if r.pool == money_pool {
                held.unrestricted_money += r.outstanding;
            }
        } else {
            *held.by_earmark.entry(r.campaign_id).or_default() += r.outstanding;
        }
    }
    Ok(held)
}
