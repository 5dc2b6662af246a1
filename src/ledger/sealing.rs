//! Tamper evidence (ledger.md): every fund's journal is sealed in a hash chain over canonical
//! entry bytes. Posting an entry only queues it (a trigger, in the entry's transaction); the
//! sealer here takes the queue in blocks, in the order entries were committed, and appends them
//! to their fund's chain. Sealing therefore never makes donations wait on a chain head.
//! Verification recomputes every link and names the first entry that does not match: an entry
//! or posting changed, removed, or slipped in behind the chain.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::entries::{self, EntryRow, PostingRow};
use crate::db::schema::{journal_entries, journal_seals, seal_queue};

/// How many entries one sealing transaction takes.
pub const BLOCK: i64 = 2_000;

pub type Hash = [u8; 32];

/// The link before the first one.
pub const GENESIS: Hash = [0; 32];

/// The bytes an entry is sealed by: a fixed-order JSON document of everything that makes the
/// entry what it is, postings in posting order. Version 1; any change to this layout is a new
/// version so old seals keep verifying.
#[derive(Serialize)]
struct Canonical<'a> {
    v: u8,
    id: Uuid,
    unit_id: Uuid,
    effective_date: String,
    recorded_at: String,
    source_type: &'a str,
    source_id: Option<Uuid>,
    description: &'a str,
    reason: Option<&'a str>,
    reverses_id: Option<Uuid>,
    created_by: Option<Uuid>,
    postings: Vec<CanonicalPosting<'a>>,
}

#[derive(Serialize)]
struct CanonicalPosting<'a> {
    account_id: Uuid,
    account_code: &'a str,
    side: &'a str,
    amount: String,
    campaign_id: Option<Uuid>,
}

/// How a recording time is written in the canonical bytes, and so in every export that must let
/// an auditor rebuild them: UTC with exactly six decimals (PostgreSQL keeps microseconds).
pub fn recorded_at_text(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

pub fn canonical_bytes(entry: &EntryRow, postings: &[&PostingRow]) -> Vec<u8> {
    let mut lines: Vec<&&PostingRow> = postings.iter().collect();
    lines.sort_by_key(|p| p.id);
    let doc = Canonical {
        v: 1,
        id: entry.id,
        unit_id: entry.unit_id,
        effective_date: entry.effective_date.to_string(),
        recorded_at: recorded_at_text(&entry.recorded_at),
        source_type: &entry.source_type,
        source_id: entry.source_id,
        description: &entry.description,
        reason: entry.reason.as_deref(),
        reverses_id: entry.reverses_id,
        created_by: entry.created_by,
        postings: lines
            .into_iter()
            .map(|p| CanonicalPosting {
                account_id: p.account_id,
                account_code: &p.account_code,
                side: &p.side,
                amount: p.amount.normalize().to_string(),
                campaign_id: p.campaign_id,
            })
            .collect(),
    };
    serde_json::to_vec(&doc).expect("a canonical entry serialises")
}

pub fn entry_hash(entry: &EntryRow, postings: &[&PostingRow]) -> Hash {
    Sha256::digest(canonical_bytes(entry, postings)).into()
}

pub fn link(previous: &Hash, entry_hash: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update(previous);
    h.update(entry_hash);
    h.finalize().into()
}

fn to_hash(bytes: &[u8]) -> Hash {
    bytes.try_into().unwrap_or([0xff; 32])
}

/// Seals one block of queued entries; how many it sealed. Only one sealer runs at a time
/// across every replica (a transaction-scoped advisory lock); others return 0 at once.
pub async fn seal_block(conn: &mut AsyncPgConnection) -> QueryResult<usize> {
    seal_block_when(conn, false).await
}

/// `seal_block`, waiting for the lock when `wait` (another sealer is busy) instead of
/// returning 0.
async fn seal_block_when(conn: &mut AsyncPgConnection, wait: bool) -> QueryResult<usize> {
    conn.transaction(|conn| {
        async move {
            #[derive(QueryableByName)]
            struct Locked {
                #[diesel(sql_type = diesel::sql_types::Bool)]
                locked: bool,
            }
            let l: Locked = diesel::sql_query(if wait {
                "SELECT true AS locked FROM pg_advisory_xact_lock(hashtext('sealer'), 0)"
            } else {
                "SELECT pg_try_advisory_xact_lock(hashtext('sealer'), 0) AS locked"
            })
            .get_result(conn)
            .await?;
            if !l.locked {
                return Ok(0);
            }
            // the queue's order is insertion order; an entry only becomes visible here once
            // committed, so a block never seals around a transaction still in flight
            let queued: Vec<(Uuid, i64)> = seal_queue::table
                .select((seal_queue::entry_id, seal_queue::queued))
                .order(seal_queue::queued.asc())
                .limit(BLOCK)
                .load(conn)
                .await?;
            if queued.is_empty() {
                return Ok(0);
            }
            let ids: Vec<Uuid> = queued.iter().map(|(id, _)| *id).collect();
            let mut rows: Vec<EntryRow> = journal_entries::table
                .filter(journal_entries::id.eq_any(&ids))
                .select(EntryRow::as_select())
                .load(conn)
                .await?;
            let order: HashMap<Uuid, i64> = queued.iter().copied().collect();
            rows.sort_by_key(|e| order.get(&e.id).copied().unwrap_or(i64::MAX));
            let postings = entries::postings_of(conn, &ids).await?;
            let mut by_entry: HashMap<Uuid, Vec<&PostingRow>> = HashMap::new();
            for p in &postings {
                by_entry.entry(p.entry_id).or_default().push(p);
            }

            // the head of each fund's chain the block extends
            let units: Vec<Uuid> = {
                let mut u: Vec<Uuid> = rows.iter().map(|e| e.unit_id).collect();
                u.sort();
                u.dedup();
                u
            };
            let heads: Vec<(Uuid, i64, Vec<u8>)> = journal_seals::table
                .filter(journal_seals::unit_id.eq_any(&units))
                .distinct_on(journal_seals::unit_id)
                .order((journal_seals::unit_id, journal_seals::seq.desc()))
                .select((
                    journal_seals::unit_id,
                    journal_seals::seq,
                    journal_seals::chain_hash,
                ))
                .load(conn)
                .await?;
            let mut head: HashMap<Uuid, (i64, Hash)> = heads
                .into_iter()
                .map(|(u, seq, h)| (u, (seq, to_hash(&h))))
                .collect();

            let mut seals = Vec::with_capacity(rows.len());
            for e in &rows {
                let lines = by_entry.get(&e.id).map(Vec::as_slice).unwrap_or(&[]);
                let eh = entry_hash(e, lines);
                let (seq, prev) = head.get(&e.unit_id).copied().unwrap_or((0, GENESIS));
                let chain = link(&prev, &eh);
                head.insert(e.unit_id, (seq + 1, chain));
                seals.push((
                    journal_seals::unit_id.eq(e.unit_id),
                    journal_seals::seq.eq(seq + 1),
                    journal_seals::entry_id.eq(e.id),
                    journal_seals::entry_hash.eq(eh.to_vec()),
                    journal_seals::chain_hash.eq(chain.to_vec()),
                ));
            }
            for chunk in seals.chunks(1_000) {
                diesel::insert_into(journal_seals::table)
                    .values(chunk)
                    .execute(conn)
                    .await?;
            }
            diesel::delete(seal_queue::table.filter(seal_queue::entry_id.eq_any(&ids)))
                .execute(conn)
                .await?;
            Ok(seals.len())
        }
        .scope_boxed()
    })
    .await
}

/// Seals in the background until the process ends: a block at a time while the queue has
/// entries, then a short rest.
pub fn spawn_sealer(pool: crate::db::Pool, idle: std::time::Duration) {
    tokio::spawn(async move {
        loop {
            let sealed = match pool.get().await {
                Ok(mut conn) => match seal_block(&mut conn).await {
                    Ok(n) => n,
                    Err(e) => {
                        tracing::warn!(error = %e, "sealing failed; will retry");
                        0
                    }
                },
                Err(_) => 0,
            };
            if (sealed as i64) < BLOCK {
                tokio::time::sleep(idle).await;
            }
        }
    });
}

/// Where verification found the chain broken.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Mismatch {
    /// The first entry whose seal does not match.
    pub entry_id: Uuid,
    /// Its place in the fund's chain (absent for an entry that is in no chain).
    pub seq: Option<i64>,
    /// `entry_changed` (its bytes no longer hash to the seal), `chain_broken` (the link does
    /// not follow from the one before) or `unsealed_entry` (in the journal but in no chain and
    /// not waiting to be sealed: slipped in behind the sealer).
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Verification {
    pub ok: bool,
    pub entries_checked: i64,
    /// The last link checked: its sequence number, entry and seal time.
    pub sealed_through: Option<SealHead>,
    /// Hex SHA-256 of the chain's last link; what an export states it covers.
    pub head_hash: Option<String>,
    /// Entries posted and waiting for the sealer (not yet covered).
    pub pending: i64,
    pub first_mismatch: Option<Mismatch>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SealHead {
    pub seq: i64,
    pub entry_id: Uuid,
    pub sealed_at: DateTime<Utc>,
}

/// (seq, entry, entry hash, chain hash, sealed at) of one link.
type SealRow = (i64, Uuid, Vec<u8>, Vec<u8>, DateTime<Utc>);

/// Recomputes `unit`'s whole chain, a page at a time, from one snapshot (the caller should run
/// it in a REPEATABLE READ transaction for a consistent answer).
pub async fn verify(conn: &mut AsyncPgConnection, unit: Uuid) -> QueryResult<Verification> {
    let mut checked = 0i64;
    let mut prev = GENESIS;
    let mut last: Option<SealHead> = None;
    let mut after = 0i64;
    loop {
        let seals: Vec<SealRow> = journal_seals::table
            .filter(journal_seals::unit_id.eq(unit))
            .filter(journal_seals::seq.gt(after))
            .order(journal_seals::seq.asc())
            .limit(BLOCK)
            .select((
                journal_seals::seq,
                journal_seals::entry_id,
                journal_seals::entry_hash,
                journal_seals::chain_hash,
                journal_seals::sealed_at,
            ))
            .load(conn)
            .await?;
        if seals.is_empty() {
            break;
        }
        let ids: Vec<Uuid> = seals.iter().map(|s| s.1).collect();
        let rows: HashMap<Uuid, EntryRow> = journal_entries::table
            .filter(journal_entries::id.eq_any(&ids))
            .select(EntryRow::as_select())
            .load(conn)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let postings = entries::postings_of(conn, &ids).await?;
        let mut by_entry: HashMap<Uuid, Vec<&PostingRow>> = HashMap::new();
        for p in &postings {
            by_entry.entry(p.entry_id).or_default().push(p);
        }
        for (seq, entry_id, stored_entry, stored_chain, sealed_at) in &seals {
            let mismatch = |reason: &str| Mismatch {
                entry_id: *entry_id,
                seq: Some(*seq),
                reason: reason.to_owned(),
            };
            let fail = |m: Mismatch, checked: i64, last: Option<SealHead>| Verification {
                ok: false,
                entries_checked: checked,
                sealed_through: last,
                head_hash: Some(hex::encode(prev)),
                pending: 0,
                first_mismatch: Some(m),
            };
            let Some(entry) = rows.get(entry_id) else {
                return Ok(fail(mismatch("entry_changed"), checked, last));
            };
            let lines = by_entry.get(entry_id).map(Vec::as_slice).unwrap_or(&[]);
            let eh = entry_hash(entry, lines);
            if eh.as_slice() != stored_entry.as_slice() {
                return Ok(fail(mismatch("entry_changed"), checked, last));
            }
            let chain = link(&prev, &eh);
            if *seq != checked + 1 || chain.as_slice() != stored_chain.as_slice() {
                return Ok(fail(mismatch("chain_broken"), checked, last));
            }
            prev = chain;
            checked += 1;
            last = Some(SealHead {
                seq: *seq,
                entry_id: *entry_id,
                sealed_at: *sealed_at,
            });
        }
        after = seals.last().map(|s| s.0).unwrap_or(after);
    }

    let pending: i64 = seal_queue::table
        .filter(seal_queue::unit_id.eq(unit))
        .count()
        .get_result(conn)
        .await?;
    // an entry in neither the chain nor the queue was slipped in with the triggers off
    let slipped: Option<Uuid> = journal_entries::table
        .filter(journal_entries::unit_id.eq(unit))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            journal_seals::table.filter(journal_seals::entry_id.eq(journal_entries::id)),
        )))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            seal_queue::table.filter(seal_queue::entry_id.eq(journal_entries::id)),
        )))
        .select(journal_entries::id)
        .order(journal_entries::recorded_at.asc())
        .first(conn)
        .await
        .optional()?;
    Ok(Verification {
        ok: slipped.is_none(),
        entries_checked: checked,
        sealed_through: last,
        head_hash: (checked > 0).then(|| hex::encode(prev)),
        pending,
        first_mismatch: slipped.map(|id| Mismatch {
            entry_id: id,
            seq: None,
            reason: "unsealed_entry".to_owned(),
        }),
    })
}

/// Every fund, as (unit id, unit code) ordered by code: what `ledger verify` goes through.
pub async fn all_funds(conn: &mut AsyncPgConnection) -> QueryResult<Vec<(Uuid, String)>> {
    use crate::db::schema::{funds, units};
    funds::table
        .inner_join(units::table)
        .select((funds::unit_id, units::code))
        .order(units::code.asc())
        .load(conn)
        .await
}

/// Funds with anything to verify: an entry, or a seal (whose entry may have been removed).
pub async fn funds_with_entries(
    conn: &mut AsyncPgConnection,
) -> QueryResult<std::collections::HashSet<Uuid>> {
    let mut ids: std::collections::HashSet<Uuid> = journal_entries::table
        .select(journal_entries::unit_id)
        .distinct()
        .load::<Uuid>(conn)
        .await?
        .into_iter()
        .collect();
    ids.extend(
        journal_seals::table
            .select(journal_seals::unit_id)
            .distinct()
            .load::<Uuid>(conn)
            .await?,
    );
    Ok(ids)
}

/// Seals everything queued now (the CLI does this before verifying, so nothing is pending),
/// waiting its turn when the background sealer of a running service holds the lock.
pub async fn seal_all(conn: &mut AsyncPgConnection) -> QueryResult<usize> {
    let mut total = 0;
    loop {
        let n = seal_block_when(conn, true).await?;
        total += n;
        if n == 0 {
            return Ok(total);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    fn entry() -> EntryRow {
        EntryRow {
            id: Uuid::nil(),
            unit_id: Uuid::nil(),
            effective_date: NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(),
            recorded_at: DateTime::from_timestamp(1_773_100_800, 123_456_000).unwrap(),
            source_type: "donation".into(),
            source_id: None,
            description: "Ủng hộ".into(),
            reason: None,
            reverses_id: None,
            created_by: None,
        }
    }

    fn posting(id: i64, side: &str, amount: i64) -> PostingRow {
        PostingRow {
            id,
            entry_id: Uuid::nil(),
            account_id: Uuid::nil(),
            account_code: "1111".into(),
            side: side.into(),
            amount: Decimal::from(amount),
            campaign_id: None,
            effective_date: NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(),
        }
    }

    #[test]
    fn the_hash_covers_every_posting_whatever_the_order_they_are_read_in() {
        let (a, b) = (posting(1, "debit", 500), posting(2, "credit", 500));
        let h = entry_hash(&entry(), &[&a, &b]);
        assert_eq!(h, entry_hash(&entry(), &[&b, &a]));
        let changed = posting(2, "credit", 501);
        assert_ne!(h, entry_hash(&entry(), &[&a, &changed]));
        let mut e = entry();
        e.description = "Ủng hộ.".into();
        assert_ne!(h, entry_hash(&e, &[&a, &b]));
    }

    #[test]
    fn an_amount_hashes_the_same_however_postgres_scales_it() {
        let mut scaled = posting(1, "debit", 500);
        scaled.amount = Decimal::new(50000, 2);
        let plain = posting(1, "debit", 500);
        assert_eq!(
            entry_hash(&entry(), &[&scaled]),
            entry_hash(&entry(), &[&plain])
        );
    }

    #[test]
    fn links_depend_on_everything_before() {
        let (x, y) = ([1u8; 32], [2u8; 32]);
        let one = link(&GENESIS, &x);
        assert_ne!(link(&one, &y), link(&GENESIS, &y));
        assert_eq!(link(&one, &y), link(&link(&GENESIS, &x), &y));
    }
}
