//! The fund statement of a unit (or of a unit and every unit below it): balances of the
//! fund's money and goods at two dates and the movements between them, from the postings.
//! Every query reads the same snapshot when the caller runs them in one transaction. With
//! predecessors (reform.md, "After the handover"), the postings of each dissolved predecessor up
//! to its last day count too, and the entries of their handovers (`handover`,
//! `handover_receipt`) count on neither side: the predecessors' money is already counted where
//! it was.

use chrono::NaiveDate;
use diesel::sql_types::{Array, Bool, Date, Nullable, Numeric, Text, Uuid as SqlUuid};
use diesel::QueryResult;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use uuid::Uuid;

/// The units of the statement: `$1` alone, or `$1` and its subtree when `$2` is true.
const UNITS: &str = "SELECT id FROM units WHERE id = $1 OR ($2 AND ancestry @> ARRAY[$1]::uuid[])";

/// With predecessors, the postings `p` of the statement: those of [`UNITS`], and those of the
/// predecessors `$5` effective on or before their last days `$6`, less the handover entries of
/// those predecessors. (Without, plain `p.unit_id IN (UNITS)`, whose plan this would spoil.)
const WITH_PREDECESSORS: &str = "(p.unit_id IN (SELECT id FROM units WHERE id = $1 \
                                        OR ($2 AND ancestry @> ARRAY[$1]::uuid[])) \
       OR (p.unit_id = ANY($5) AND p.effective_date <= $6[array_position($5, p.unit_id)])) \
   AND NOT EXISTS ( \
         SELECT 1 FROM journal_entries he JOIN handovers h ON h.id = he.source_id \
          WHERE he.id = p.entry_id AND he.source_type IN ('handover', 'handover_receipt') \
            AND h.from_unit_id = ANY($5))";

/// What a statement covers: a unit (with its subtree when `consolidated`) and the dissolved
/// predecessors whose figures it carries, each up to its last day.
#[derive(Debug, Clone)]
pub struct Coverage {
    pub unit: Uuid,
    pub consolidated: bool,
    pub predecessors: Vec<Uuid>,
    /// The last day of each of `predecessors`, in the same order.
    pub last_days: Vec<NaiveDate>,
}

impl Coverage {
    /// The condition on the postings `p` the statement counts.
    fn postings(&self) -> String {
        if self.predecessors.is_empty() {
            format!("p.unit_id IN ({UNITS})")
        } else {
            WITH_PREDECESSORS.to_owned()
        }
    }

    /// The condition on the transfers `t` sent by what the statement covers.
    fn senders(&self) -> String {
        if self.predecessors.is_empty() {
            format!("t.from_unit_id IN ({UNITS})")
        } else {
            format!(
                "(t.from_unit_id IN ({UNITS}) OR (t.from_unit_id = ANY($5) \
                  AND t.sent_on <= $6[array_position($5, t.from_unit_id)]))"
            )
        }
    }
}

#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct Balances {
    /// Money and goods (1111 + 1121.N + 1551) before `from`.
    #[diesel(sql_type = Numeric)]
    pub opening: Decimal,
    /// Money and goods on `to`.
    #[diesel(sql_type = Numeric)]
    pub closing: Decimal,
}

/// Opening (postings effective before `from`) and closing (on or before `to`) balances.
pub async fn balances(
    conn: &mut AsyncPgConnection,
    c: &Coverage,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Balances> {
    let postings = c.postings();
    diesel::sql_query(format!(
        "SELECT coalesce(sum(s.amount) FILTER (WHERE s.effective_date < $3), 0) AS opening, \
                coalesce(sum(s.amount) FILTER (WHERE s.effective_date <= $4), 0) AS closing \
           FROM (SELECT p.effective_date, \
                        CASE p.side WHEN 'debit' THEN p.amount ELSE -p.amount END AS amount \
                   FROM postings p \
                  WHERE {postings} AND p.chart_code IN ('1111', '1121', '1551') \
                    AND p.effective_date <= $4) s"
    ))
    .bind::<SqlUuid, _>(c.unit)
    .bind::<Bool, _>(c.consolidated)
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .bind::<Array<SqlUuid>, _>(&c.predecessors)
    .bind::<Array<Date>, _>(&c.last_days)
    .get_result(conn)
    .await
}

#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct ReceiptRow {
    /// `cash|bank_transfer|in_kind`
    #[diesel(sql_type = Text)]
    pub channel: String,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub campaign_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    pub campaign_name: Option<String>,
    /// Net credit of 5111/5112 (a void in the range subtracts).
    #[diesel(sql_type = Numeric)]
    pub amount: Decimal,
}

/// Donations received in the range, net of voids posted in the range, per channel and campaign:
/// the 5111/5112 postings of `donation` entries (the donation is the entry's source) and of
/// `donation_void` entries (the donation is the source of the entry they reverse).
pub async fn receipts(
    conn: &mut AsyncPgConnection,
    c: &Coverage,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<ReceiptRow>> {
    let postings = c.postings();
    diesel::sql_query(format!(
        "SELECT d.channel, d.campaign_id, c.name AS campaign_name, \
                sum(CASE p.side WHEN 'credit' THEN p.amount ELSE -p.amount END) AS amount \
           FROM postings p \
           JOIN journal_entries e ON e.id = p.entry_id \
           LEFT JOIN journal_entries r ON r.id = e.reverses_id \
           JOIN donations d ON d.id = CASE WHEN e.source_type = 'donation' THEN e.source_id \
                                           ELSE r.source_id END \
           LEFT JOIN campaigns c ON c.id = d.campaign_id \
          WHERE {postings} AND p.chart_code IN ('5111', '5112') \
            AND p.effective_date BETWEEN $3 AND $4 \
            AND e.source_type IN ('donation', 'donation_void') \
          GROUP BY d.channel, d.campaign_id, c.name \
          ORDER BY c.name NULLS LAST, d.campaign_id, d.channel"
    ))
    .bind::<SqlUuid, _>(c.unit)
    .bind::<Bool, _>(c.consolidated)
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .bind::<Array<SqlUuid>, _>(&c.predecessors)
    .bind::<Array<Date>, _>(&c.last_days)
    .load(conn)
    .await
}

#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct FlowRow {
    #[diesel(sql_type = Text)]
    pub chart_code: String,
    #[diesel(sql_type = Numeric)]
    pub debit: Decimal,
    #[diesel(sql_type = Numeric)]
    pub credit: Decimal,
}

/// Debit and credit totals in the range of other income (5118), transfers (5113, 6211) and
/// the expense accounts (61xx, 6411). Consolidated, the legs of transfers between two units
/// of the subtree are left out (the transfer entry's source is the transfer).
pub async fn flows(
    conn: &mut AsyncPgConnection,
    c: &Coverage,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<FlowRow>> {
    let postings = c.postings();
    diesel::sql_query(format!(
        "SELECT p.chart_code, \
                coalesce(sum(p.amount) FILTER (WHERE p.side = 'debit'), 0) AS debit, \
                coalesce(sum(p.amount) FILTER (WHERE p.side = 'credit'), 0) AS credit \
           FROM postings p \
           JOIN journal_entries e ON e.id = p.entry_id \
           LEFT JOIN transfers t ON e.source_type IN ('transfer_send', 'transfer_receive') \
                                AND t.id = e.source_id \
          WHERE {postings} AND p.effective_date BETWEEN $3 AND $4 \
            AND p.chart_code IN ('5113', '5118', '6111', '6112', '6121', '6131', '6141', \
                                 '6151', '6161', '6171', '6191', '6211', '6411') \
            AND NOT ($2 AND t.id IS NOT NULL AND t.from_unit_id IN ({UNITS}) \
                     AND t.to_unit_id IN ({UNITS})) \
          GROUP BY p.chart_code"
    ))
    .bind::<SqlUuid, _>(c.unit)
    .bind::<Bool, _>(c.consolidated)
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .bind::<Array<SqlUuid>, _>(&c.predecessors)
    .bind::<Array<Date>, _>(&c.last_days)
    .load(conn)
    .await
}

#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct InTransit {
    /// Sent before `from` and not received before `from`.
    #[diesel(sql_type = Numeric)]
    pub opening: Decimal,
    /// Sent by `to` and not received by `to`.
    #[diesel(sql_type = Numeric)]
    pub closing: Decimal,
}

/// Transfers on their way: sent by the unit(s) and not yet received. Consolidated, only those
/// between two units of the subtree (what leaves the subtree is spent from its point of view).
pub async fn in_transit(
    conn: &mut AsyncPgConnection,
    c: &Coverage,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<InTransit> {
    let senders = c.senders();
    diesel::sql_query(format!(
        "SELECT coalesce(sum(t.amount) FILTER (WHERE t.sent_on < $3 \
                    AND (t.received_on IS NULL OR t.received_on >= $3)), 0) AS opening, \
                coalesce(sum(t.amount) FILTER (WHERE t.sent_on <= $4 \
                    AND (t.received_on IS NULL OR t.received_on > $4)), 0) AS closing \
           FROM transfers t \
          WHERE t.sent_on IS NOT NULL \
            AND {senders} \
            AND (NOT $2 OR t.to_unit_id IN ({UNITS}))"
    ))
    .bind::<SqlUuid, _>(c.unit)
    .bind::<Bool, _>(c.consolidated)
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .bind::<Array<SqlUuid>, _>(&c.predecessors)
    .bind::<Array<Date>, _>(&c.last_days)
    .get_result(conn)
    .await
}

#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct UnitReceived {
    #[diesel(sql_type = SqlUuid)]
    pub unit_id: Uuid,
    #[diesel(sql_type = Text)]
    pub code: String,
    #[diesel(sql_type = Numeric)]
    pub amount: Decimal,
}

/// Recorded (not voided) donations to a campaign per receiving unit, by unit code.
pub async fn campaign_received_by_unit(
    conn: &mut AsyncPgConnection,
    campaign: Uuid,
) -> QueryResult<Vec<UnitReceived>> {
    diesel::sql_query(
        "SELECT d.unit_id, u.code, sum(d.amount_vnd) AS amount \
           FROM donations d JOIN units u ON u.id = d.unit_id \
          WHERE d.campaign_id = $1 AND d.status = 'recorded' \
          GROUP BY d.unit_id, u.code \
          ORDER BY u.code",
    )
    .bind::<SqlUuid, _>(campaign)
    .load(conn)
    .await
}

/// Everything a fund statement needs, read in one snapshot.
pub struct Snapshot {
    pub balances: Balances,
    pub receipts: Vec<ReceiptRow>,
    pub flows: Vec<FlowRow>,
    pub transit: InTransit,
}

/// Balances and movements of what `c` covers over `from..=to`, as of one instant (a read-only
/// repeatable-read transaction).
pub async fn snapshot(
    conn: &mut AsyncPgConnection,
    c: &Coverage,
    (from, to): (NaiveDate, NaiveDate),
) -> QueryResult<Snapshot> {
    conn.build_transaction()
        .repeatable_read()
        .read_only()
        .run(|conn| {
            async move {
                Ok(Snapshot {
                    balances: balances(conn, c, from, to).await?,
                    receipts: receipts(conn, c, from, to).await?,
                    flows: flows(conn, c, from, to).await?,
                    transit: in_transit(conn, c, from, to).await?,
                })
            }
            .scope_boxed()
        })
        .await
}
