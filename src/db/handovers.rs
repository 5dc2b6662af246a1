//! Handovers of ending units (reform.md): the proposal and its parts, the fund's parts to split,
//! the open obligations and households that go with it, and the moves its execution makes.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::schema::{
    bank_accounts, handover_lines, handover_obligations, handover_shares, handover_villages,
    handovers, journal_entries, unit_successions, units,
};
use super::word::{words, Stored};
use crate::domain::handover::{Line, Part, Pool};
use crate::domain::spending::Kind;

words! {
    Pool => "handover pool", Pool::parse;
    Kind => "spending kind", Kind::from_record_name;
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = handovers)]
pub struct HandoverRow {
    pub id: Uuid,
    pub from_unit_id: Uuid,
    pub proposed_at_unit_id: Uuid,
    pub effective_on: NaiveDate,
    pub decision_no: Option<String>,
    pub status: String,
    pub households_moved: i32,
    pub submitted_by: Option<Uuid>,
    pub submitted_at: DateTime<Utc>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub executed_by: Option<Uuid>,
    pub executed_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = handover_lines)]
pub struct LineRow {
    pub position: i32,
    pub to_unit_id: Uuid,
    #[diesel(deserialize_as = Stored<Pool>)]
    pub pool: Pool,
    pub bank_account_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    pub amount: Decimal,
    pub received_bank_account_id: Option<Uuid>,
    pub received_on: Option<NaiveDate>,
    pub receipt_entry_id: Option<Uuid>,
}

impl LineRow {
    pub fn line(&self) -> Line {
        Line {
            to_unit_id: self.to_unit_id,
            pool: self.pool,
            bank_account_id: self.bank_account_id,
            campaign_id: self.campaign_id,
            amount: self.amount,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = handover_shares)]
pub struct ShareRow {
    pub to_unit_id: Uuid,
    pub fraction: Decimal,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = handover_obligations)]
pub struct ObligationRow {
    #[diesel(deserialize_as = Stored<Kind>)]
    pub kind: Kind,
    pub obligation_id: Uuid,
    pub to_unit_id: Uuid,
    pub bank_account_id: Option<Uuid>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = handover_villages)]
pub struct VillageRow {
    pub village_key: String,
    pub village: String,
    pub to_unit_id: Uuid,
}

/// Everything a handover was proposed with.
pub struct NewHandover<'a> {
    pub id: Uuid,
    pub from_unit_id: Uuid,
    pub proposed_at_unit_id: Uuid,
    pub effective_on: NaiveDate,
    pub decision_no: Option<&'a str>,
    pub households_moved: i32,
    pub submitted_by: Uuid,
    pub shares: &'a [(Uuid, Decimal)],
    pub lines: &'a [Line],
    pub villages: &'a [(String, String, Uuid)],
    pub obligations: &'a [(Kind, Uuid, Uuid, Option<Uuid>)],
}

pub async fn insert(conn: &mut AsyncPgConnection, h: &NewHandover<'_>) -> QueryResult<()> {
    diesel::insert_into(handovers::table)
        .values((
            handovers::id.eq(h.id),
            handovers::from_unit_id.eq(h.from_unit_id),
            handovers::proposed_at_unit_id.eq(h.proposed_at_unit_id),
            handovers::effective_on.eq(h.effective_on),
            handovers::decision_no.eq(h.decision_no),
            handovers::households_moved.eq(h.households_moved),
            handovers::submitted_by.eq(h.submitted_by),
        ))
        .execute(conn)
        .await?;
    let shares: Vec<_> = h
        .shares
        .iter()
        .map(|(to, fraction)| {
            (
                handover_shares::handover_id.eq(h.id),
                handover_shares::to_unit_id.eq(*to),
                handover_shares::fraction.eq(*fraction),
            )
        })
        .collect();
    diesel::insert_into(handover_shares::table)
        .values(shares)
        .execute(conn)
        .await?;
    if !h.lines.is_empty() {
        let lines: Vec<_> = h
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                (
                    handover_lines::handover_id.eq(h.id),
                    handover_lines::position.eq(i as i32),
                    handover_lines::to_unit_id.eq(l.to_unit_id),
                    handover_lines::pool.eq(l.pool.as_str()),
                    handover_lines::bank_account_id.eq(l.bank_account_id),
                    handover_lines::campaign_id.eq(l.campaign_id),
                    handover_lines::amount.eq(l.amount),
                )
            })
            .collect();
        diesel::insert_into(handover_lines::table)
            .values(lines)
            .execute(conn)
            .await?;
    }
    if !h.villages.is_empty() {
        let villages: Vec<_> = h
            .villages
            .iter()
            .map(|(key, village, to)| {
                (
                    handover_villages::handover_id.eq(h.id),
                    handover_villages::village_key.eq(key),
                    handover_villages::village.eq(village),
                    handover_villages::to_unit_id.eq(*to),
                )
            })
            .collect();
        diesel::insert_into(handover_villages::table)
            .values(villages)
            .execute(conn)
            .await?;
    }
    if !h.obligations.is_empty() {
        let obligations: Vec<_> = h
            .obligations
            .iter()
            .map(|(kind, id, to, bank)| {
                (
                    handover_obligations::handover_id.eq(h.id),
                    handover_obligations::kind.eq(kind.record_name()),
                    handover_obligations::obligation_id.eq(*id),
                    handover_obligations::to_unit_id.eq(*to),
                    handover_obligations::bank_account_id.eq(*bank),
                )
            })
            .collect();
        diesel::insert_into(handover_obligations::table)
            .values(obligations)
            .execute(conn)
            .await?;
    }
    Ok(())
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<HandoverRow>> {
    handovers::table
        .find(id)
        .select(HandoverRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The handover, locked for a decision or its execution.
pub async fn lock(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<HandoverRow>> {
    handovers::table
        .find(id)
        .select(HandoverRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// The parts of a handover, in their order.
pub struct Parts {
    pub shares: Vec<ShareRow>,
    pub lines: Vec<LineRow>,
    pub obligations: Vec<ObligationRow>,
    pub villages: Vec<VillageRow>,
    pub journal_entry_ids: Vec<Uuid>,
}

pub async fn parts(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Parts> {
    Ok(Parts {
        shares: handover_shares::table
            .filter(handover_shares::handover_id.eq(id))
            .select(ShareRow::as_select())
            .order(handover_shares::to_unit_id.asc())
            .load(conn)
            .await?,
        lines: handover_lines::table
            .filter(handover_lines::handover_id.eq(id))
            .select(LineRow::as_select())
            .order(handover_lines::position.asc())
            .load(conn)
            .await?,
        obligations: handover_obligations::table
            .filter(handover_obligations::handover_id.eq(id))
            .select(ObligationRow::as_select())
            .order((
                handover_obligations::kind.asc(),
                handover_obligations::obligation_id.asc(),
            ))
            .load(conn)
            .await?,
        villages: handover_villages::table
            .filter(handover_villages::handover_id.eq(id))
            .select(VillageRow::as_select())
            .order(handover_villages::village_key.asc())
            .load(conn)
            .await?,
        journal_entry_ids: journal_entries::table
            .filter(journal_entries::source_id.eq(id))
            .filter(journal_entries::source_type.eq("handover"))
            .select(journal_entries::id)
            .order(journal_entries::id.asc())
            .load(conn)
            .await?,
    })
}

pub struct HandoverFilter<'a> {
    /// Handovers of units in the subtrees of these roots (the caller's scope).
    pub scope: &'a [Uuid],
    pub unit_id: Option<Uuid>,
    pub status: Option<&'a str>,
    pub after: Option<Uuid>,
    pub limit: i64,
}

/// Handovers of units in scope, or to a successor in scope, oldest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    f: HandoverFilter<'_>,
) -> QueryResult<Vec<HandoverRow>> {
    let in_scope = units::table
        .filter(units::ancestry.overlaps_with(f.scope))
        .select(units::id);
    let successors = diesel::alias!(units as successors);
    let to_scope = handover_shares::table
        .inner_join(successors.on(successors.field(units::id).eq(handover_shares::to_unit_id)))
        .filter(successors.field(units::ancestry).overlaps_with(f.scope))
        .select(handover_shares::handover_id);
    let mut query = handovers::table
        .filter(
            handovers::from_unit_id
                .eq_any(in_scope)
                .or(handovers::id.eq_any(to_scope)),
        )
        .select(HandoverRow::as_select())
        .order(handovers::id.asc())
        .limit(f.limit)
        .into_boxed();
    if let Some(unit) = f.unit_id {
        query = query.filter(
            handovers::from_unit_id.eq(unit).or(handovers::id.eq_any(
                handover_shares::table
                    .filter(handover_shares::to_unit_id.eq(unit))
                    .select(handover_shares::handover_id),
            )),
        );
    }
    if let Some(status) = f.status {
        query = query.filter(handovers::status.eq(status));
    }
    if let Some(after) = f.after {
        query = query.filter(handovers::id.gt(after));
    }
    query.load(conn).await
}

#[derive(Debug, Clone, QueryableByName)]
struct PartRow {
    #[diesel(sql_type = Text)]
    chart_code: String,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    bank_account_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    campaign_id: Option<Uuid>,
    #[diesel(sql_type = diesel::sql_types::Numeric)]
    amount: Decimal,
}

/// The fund's non-zero parts: cash, each bank account, money in transit and goods, each with
/// and without every earmark, from the running totals.
pub async fn fund_parts(conn: &mut AsyncPgConnection, unit: Uuid) -> QueryResult<Vec<Part>> {
    let rows: Vec<PartRow> = diesel::sql_query(
        "SELECT b.chart_code, ba.id AS bank_account_id, \
                NULLIF(b.campaign_id, '00000000-0000-0000-0000-000000000000') AS campaign_id, \
                sum(b.debit - b.credit) AS amount \
           FROM balance_buckets b LEFT JOIN bank_accounts ba ON ba.account_id = b.account_id \
          WHERE b.unit_id = $1 AND b.chart_code IN ('1111', '1121', '1131', '1551') \
          GROUP BY b.chart_code, ba.id, b.campaign_id \
         HAVING sum(b.debit - b.credit) <> 0",
    )
    .bind::<SqlUuid, _>(unit)
    .load(conn)
    .await?;
    let mut parts: Vec<Part> = rows
        .into_iter()
        .map(|r| Part {
            pool: match r.chart_code.as_str() {
                "1111" => Pool::Cash,
                "1131" => Pool::InTransit,
                "1551" => Pool::Goods,
                _ => Pool::Bank,
            },
            bank_account_id: r.bank_account_id,
            campaign_id: r.campaign_id,
            amount: r.amount,
        })
        .collect();
    parts.sort();
    Ok(parts)
}

/// An open obligation of a unit: spending approved and not yet paid, a Tết batch paid but not
/// closed, a house project not handed over, a transfer not yet received.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, QueryableByName)]
pub struct OpenObligation {
    #[diesel(sql_type = Text, deserialize_as = Stored<Kind>)]
    pub kind: Kind,
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    /// How it is paid, for spending paid by bank (it needs a bank account of its new fund).
    #[diesel(sql_type = Nullable<Text>)]
    pub method: Option<String>,
}

pub async fn open_obligations(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
) -> QueryResult<Vec<OpenObligation>> {
    let mut rows: Vec<OpenObligation> = diesel::sql_query(
        "SELECT 'disbursement' AS kind, id, method FROM disbursements \
          WHERE unit_id = $1 AND status = 'approved' \
         UNION ALL SELECT 'tet_batch', id, method FROM tet_batches \
          WHERE unit_id = $1 AND status IN ('approved', 'paid') \
         UNION ALL SELECT 'house', id, NULL FROM houses \
          WHERE funding_unit_id = $1 AND status IN ('approved', 'started', 'completed') \
         UNION ALL SELECT 'transfer', id, NULL FROM transfers \
          WHERE (from_unit_id = $1 AND status = 'approved') \
             OR (to_unit_id = $1 AND status IN ('approved', 'sent'))",
    )
    .bind::<SqlUuid, _>(unit)
    .load(conn)
    .await?;
    rows.sort();
    Ok(rows)
}

/// The villages of the commune's households: (folded key, as written, how many households).
pub async fn villages(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
) -> QueryResult<Vec<(String, String, i64)>> {
    use super::schema::households;
    use diesel::dsl::count_star;
    let rows: Vec<(String, Option<String>, i64)> = households::table
        .filter(households::unit_id.eq(unit))
        .group_by(households::village_key)
        .select((
            households::village_key,
            diesel::dsl::min(households::village),
            count_star(),
        ))
        .order(households::village_key.asc())
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(key, village, n)| (key.clone(), village.unwrap_or(key), n))
        .collect())
}

/// Moves the commune's households of the villages `keys` to `to` (ids, hashes and history
/// unchanged); how many moved.
pub async fn move_households(
    conn: &mut AsyncPgConnection,
    from: Uuid,
    keys: &[String],
    to: Uuid,
) -> QueryResult<usize> {
    use super::schema::households;
    diesel::update(
        households::table
            .filter(households::unit_id.eq(from))
            .filter(households::village_key.eq_any(keys)),
    )
    .set(households::unit_id.eq(to))
    .execute(conn)
    .await
}

/// Moves one obligation, with its reservation, from `from` to its successor; a bank-paid grant
/// or Tết batch is then paid from `o.bank_account_id`, an account of its new fund.
pub async fn move_obligation(
    conn: &mut AsyncPgConnection,
    from: Uuid,
    o: &ObligationRow,
) -> QueryResult<()> {
    let (to, id, bank) = (o.to_unit_id, o.obligation_id, o.bank_account_id);
    match o.kind {
        Kind::Grant => {
            diesel::sql_query(
                "UPDATE disbursements SET unit_id = $2, \
                        bank_account_id = coalesce($3, bank_account_id) WHERE id = $1",
            )
            .bind::<SqlUuid, _>(id)
            .bind::<SqlUuid, _>(to)
            .bind::<Nullable<SqlUuid>, _>(bank)
            .execute(conn)
            .await?;
        }
        Kind::TetBatch => {
            diesel::sql_query(
                "UPDATE tet_batches SET unit_id = $2, \
                        bank_account_id = coalesce($3, bank_account_id) WHERE id = $1",
            )
            .bind::<SqlUuid, _>(id)
            .bind::<SqlUuid, _>(to)
            .bind::<Nullable<SqlUuid>, _>(bank)
            .execute(conn)
            .await?;
        }
        Kind::House => {
            diesel::sql_query("UPDATE houses SET funding_unit_id = $2 WHERE id = $1")
                .bind::<SqlUuid, _>(id)
                .bind::<SqlUuid, _>(to)
                .execute(conn)
                .await?;
        }
        Kind::Transfer => {
            diesel::sql_query(
                "UPDATE transfers SET \
                        from_unit_id = CASE WHEN from_unit_id = $3 THEN $2 ELSE from_unit_id END, \
                        to_unit_id = CASE WHEN to_unit_id = $3 THEN $2 ELSE to_unit_id END \
                  WHERE id = $1",
            )
            .bind::<SqlUuid, _>(id)
            .bind::<SqlUuid, _>(to)
            .bind::<SqlUuid, _>(from)
            .execute(conn)
            .await?;
        }
    }
    diesel::sql_query(
        "UPDATE reservations SET unit_id = $2 \
          WHERE source_type = $3 AND source_id = $1 AND unit_id = $4 AND released_at IS NULL",
    )
    .bind::<SqlUuid, _>(id)
    .bind::<SqlUuid, _>(to)
    .bind::<Text, _>(o.kind.record_name())
    .bind::<SqlUuid, _>(from)
    .execute(conn)
    .await?;
    Ok(())
}

/// Cancels what the unit had submitted and nobody approved (it ends with the unit); how many.
pub async fn cancel_submitted(conn: &mut AsyncPgConnection, unit: Uuid) -> QueryResult<usize> {
    let mut n = 0;
    for sql in [
        "UPDATE disbursements SET status = 'cancelled' WHERE unit_id = $1 AND status = 'submitted'",
        "UPDATE tet_batches SET status = 'cancelled' WHERE unit_id = $1 AND status = 'submitted'",
        "UPDATE transfers SET status = 'cancelled' \
          WHERE (from_unit_id = $1 OR to_unit_id = $1) AND status = 'submitted'",
        "UPDATE houses SET status = 'cancelled', cancelled_at = now(), \
                cancel_reason = 'the funding unit ended (handover)' \
          WHERE funding_unit_id = $1 AND status = 'proposed'",
    ] {
        n += diesel::sql_query(sql)
            .bind::<SqlUuid, _>(unit)
            .execute(conn)
            .await?;
    }
    Ok(n)
}

/// Records that a district hands over to its province (the succession file names no district).
pub async fn record_district_succession(
    conn: &mut AsyncPgConnection,
    district: Uuid,
    province: Uuid,
    effective_on: NaiveDate,
    by: Uuid,
) -> QueryResult<()> {
    diesel::insert_into(unit_successions::table)
        .values((
            unit_successions::predecessor_id.eq(district),
            unit_successions::successor_id.eq(province),
            unit_successions::share.eq("whole"),
            unit_successions::effective_on.eq(effective_on),
            unit_successions::recorded_by.eq(by),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// Checks the deferred rules (a dissolved fund is empty, entries balance) now, inside the
/// transaction: a refusal is then an ordinary error the caller rolls back, not a failed commit.
/// They are deferred again after, for whatever the transaction writes next.
pub async fn check_deferred_rules(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    diesel::sql_query("SET CONSTRAINTS ALL IMMEDIATE")
        .execute(conn)
        .await?;
    diesel::sql_query("SET CONSTRAINTS ALL DEFERRED")
        .execute(conn)
        .await?;
    Ok(())
}

/// The unit, locked: a write racing the execution waits for it (`unit_refuse_ended`).
pub async fn lock_unit(conn: &mut AsyncPgConnection, unit: Uuid) -> QueryResult<()> {
    units::table
        .find(unit)
        .select(units::id)
        .for_update()
        .first::<Uuid>(conn)
        .await?;
    Ok(())
}

/// Ends the unit: dissolved, its last day the day before `effective_on`; its bank accounts take
/// no more statements.
pub async fn dissolve(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
    closed_on: NaiveDate,
) -> QueryResult<()> {
    diesel::sql_query(
        "UPDATE units SET status = 'dissolved', dissolved_on = dissolving_from - 1, \
                updated_at = now() WHERE id = $1",
    )
    .bind::<SqlUuid, _>(unit)
    .execute(conn)
    .await?;
    diesel::update(bank_accounts::table.filter(bank_accounts::unit_id.eq(unit)))
        .set(bank_accounts::closed_on.eq(closed_on))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_status(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    status: &str,
    by: Uuid,
    reason: Option<&str>,
) -> QueryResult<HandoverRow> {
    let now = Utc::now();
    let row = diesel::update(handovers::table.find(id));
    match status {
        "executed" => {
            row.set((
                handovers::status.eq(status),
                handovers::executed_by.eq(by),
                handovers::executed_at.eq(now),
            ))
            .returning(HandoverRow::as_returning())
            .get_result(conn)
            .await
        }
        _ => {
            row.set((
                handovers::status.eq(status),
                handovers::decided_by.eq(by),
                handovers::decided_at.eq(now),
                handovers::cancel_reason.eq(reason),
            ))
            .returning(HandoverRow::as_returning())
            .get_result(conn)
            .await
        }
    }
}

pub async fn set_households_moved(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    n: i32,
) -> QueryResult<()> {
    diesel::update(handovers::table.find(id))
        .set(handovers::households_moved.eq(n))
        .execute(conn)
        .await?;
    Ok(())
}

/// Records where a bank line arrived.
pub async fn record_receipt(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    positions: &[i32],
    bank_account: Uuid,
    received_on: NaiveDate,
    entry: Uuid,
) -> QueryResult<()> {
    diesel::update(
        handover_lines::table
            .filter(handover_lines::handover_id.eq(id))
            .filter(handover_lines::position.eq_any(positions)),
    )
    .set((
        handover_lines::received_bank_account_id.eq(bank_account),
        handover_lines::received_on.eq(received_on),
        handover_lines::receipt_entry_id.eq(entry),
    ))
    .execute(conn)
    .await?;
    Ok(())
}

/// The live handover of a unit (submitted, approved or executed), if any.
pub async fn live_of(conn: &mut AsyncPgConnection, unit: Uuid) -> QueryResult<Option<Uuid>> {
    handovers::table
        .filter(handovers::from_unit_id.eq(unit))
        .filter(handovers::status.eq_any(["submitted", "approved", "executed"]))
        .select(handovers::id)
        .first(conn)
        .await
        .optional()
}

/// A dissolving unit below a root with its recorded successors, for the bulk plan.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub unit_id: Uuid,
    pub tier: String,
    pub parent_id: Option<Uuid>,
    /// (successor, share), itself included when it continues.
    pub successors: Vec<(Uuid, String)>,
}

#[derive(QueryableByName)]
struct CandidateRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    tier: String,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    parent_id: Option<Uuid>,
    #[diesel(sql_type = diesel::sql_types::Array<SqlUuid>)]
    successors: Vec<Uuid>,
    #[diesel(sql_type = diesel::sql_types::Array<Text>)]
    shares: Vec<String>,
}

/// The units below `root` that end on `effective_on` with no live handover, deepest first.
pub async fn candidates(
    conn: &mut AsyncPgConnection,
    root: Uuid,
    effective_on: NaiveDate,
) -> QueryResult<Vec<Candidate>> {
    let rows: Vec<CandidateRow> = diesel::sql_query(
        "SELECT u.id, u.tier, u.parent_id, \
                coalesce(array_agg(s.successor_id ORDER BY s.successor_id) \
                           FILTER (WHERE s.successor_id IS NOT NULL), '{}') AS successors, \
                coalesce(array_agg(s.share ORDER BY s.successor_id) \
                           FILTER (WHERE s.successor_id IS NOT NULL), '{}') AS shares \
           FROM units u LEFT JOIN unit_successions s ON s.predecessor_id = u.id \
          WHERE $1 = ANY (u.ancestry) AND u.id <> $1 AND u.status = 'dissolving' \
            AND u.dissolving_from = $2 \
            AND NOT EXISTS (SELECT 1 FROM handovers h WHERE h.from_unit_id = u.id \
                               AND h.status IN ('submitted', 'approved', 'executed')) \
          GROUP BY u.id \
          ORDER BY tier_rank(u.tier) DESC, u.code",
    )
    .bind::<SqlUuid, _>(root)
    .bind::<diesel::sql_types::Date, _>(effective_on)
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Candidate {
            unit_id: r.id,
            tier: r.tier,
            parent_id: r.parent_id,
            successors: r.successors.into_iter().zip(r.shares).collect(),
        })
        .collect())
}

/// The handovers in `status` of the units below `root` (itself included), deepest units first.
pub async fn in_subtree(
    conn: &mut AsyncPgConnection,
    root: Uuid,
    status: &str,
) -> QueryResult<Vec<Uuid>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = SqlUuid)]
        id: Uuid,
    }
    let rows: Vec<Id> = diesel::sql_query(
        "SELECT h.id FROM handovers h JOIN units u ON u.id = h.from_unit_id \
          WHERE $1 = ANY (u.ancestry) AND h.status = $2 \
          ORDER BY tier_rank(u.tier) DESC, u.code, h.id",
    )
    .bind::<SqlUuid, _>(root)
    .bind::<Text, _>(status)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}
