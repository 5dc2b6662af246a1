//! The housing report of a unit for one year: house projects by state and kind, the support
//! approved and paid, and the funding plan against what each source actually gave.
//!
//! Which projects: those whose funding unit is the unit (or lies in its subtree, with
//! `include_descendants`) and whose `proposed_on` falls in the year. A project stays in the year
//! it was proposed in, with everything paid or contributed to it whenever that happened, so the
//! figures of a year add up project by project. Cancelled projects are counted by state only:
//! their plan is no longer a plan, and support never reached them as a project.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Date, Numeric, Text, Uuid as SqlUuid};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use uuid::Uuid;

/// The sources of a funding plan, in the order the report lists them.
pub const SOURCES: [&str; 5] = ["fund", "state_budget", "sponsor", "community", "household"];

/// The projects a report covers; `$1` unit, `$2` include descendants, `$3`..`$4` the year.
const PROJECTS: &str = "WITH h AS ( \
       SELECT h.* FROM houses h JOIN units u ON u.id = h.funding_unit_id \
        WHERE (h.funding_unit_id = $1 OR ($2 AND $1 = ANY (u.ancestry))) \
          AND h.proposed_on BETWEEN $3 AND $4)";

#[derive(Debug, Clone, QueryableByName)]
pub struct StateCount {
    #[diesel(sql_type = Text)]
    pub state: String,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

#[derive(Debug, Clone, QueryableByName)]
pub struct Support {
    /// Σ support of the projects that were approved and not cancelled.
    #[diesel(sql_type = Numeric)]
    pub approved: Decimal,
    /// Σ tranches paid to those projects.
    #[diesel(sql_type = Numeric)]
    pub paid: Decimal,
}

#[derive(Debug, Clone, QueryableByName)]
pub struct Funding {
    #[diesel(sql_type = Text)]
    pub source: String,
    #[diesel(sql_type = Numeric)]
    pub planned: Decimal,
    #[diesel(sql_type = Numeric)]
    pub actual: Decimal,
}

#[derive(Debug, Clone)]
pub struct HousingReport {
    pub by_state: Vec<StateCount>,
    pub support: Support,
    /// One row per source of `SOURCES`, zero when nothing was planned or given.
    pub funding: Vec<Funding>,
    /// Every project of the year, cancelled ones included.
    pub houses: i64,
}

pub struct ReportScope {
    pub unit_id: Uuid,
    pub include_descendants: bool,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

/// The report, from one snapshot (a read-only repeatable-read transaction), so its sections
/// agree with each other even while projects move on.
pub async fn report(
    conn: &mut AsyncPgConnection,
    scope: &ReportScope,
) -> QueryResult<HousingReport> {
    conn.build_transaction()
        .read_only()
        .repeatable_read()
        .run(|conn| async move { read(conn, scope).await }.scope_boxed())
        .await
}

async fn read(conn: &mut AsyncPgConnection, s: &ReportScope) -> QueryResult<HousingReport> {
    let by_state: Vec<StateCount> = diesel::sql_query(format!(
        "{PROJECTS} SELECT status AS state, kind, count(*) AS count FROM h \
          GROUP BY status, kind \
          ORDER BY array_position(ARRAY['proposed', 'approved', 'started', 'completed', \
                   'handed_over', 'cancelled'], status), kind"
    ))
    .bind::<SqlUuid, _>(s.unit_id)
    .bind::<Bool, _>(s.include_descendants)
    .bind::<Date, _>(s.first)
    .bind::<Date, _>(s.last)
    .load(conn)
    .await?;
    let support: Support = diesel::sql_query(format!(
        "{PROJECTS}, supported AS (SELECT id, support_amount FROM h \
          WHERE approved_at IS NOT NULL AND status <> 'cancelled') \
         SELECT (SELECT coalesce(sum(support_amount), 0) FROM supported) AS approved, \
                (SELECT coalesce(sum(p.amount), 0) FROM house_payments p \
                  WHERE p.house_id IN (SELECT id FROM supported)) AS paid"
    ))
    .bind::<SqlUuid, _>(s.unit_id)
    .bind::<Bool, _>(s.include_descendants)
    .bind::<Date, _>(s.first)
    .bind::<Date, _>(s.last)
    .get_result(conn)
    .await?;
    // planned: the plans' amounts (strings or numbers in the jsonb) per source; actual: the
    // fund's tranches, and what the other sources contributed
    let funding: Vec<Funding> = diesel::sql_query(format!(
        "{PROJECTS}, live AS (SELECT id, funding_plan FROM h WHERE status <> 'cancelled'), \
         planned AS (SELECT e->>'source' AS source, sum((e->>'amount')::numeric) AS amount \
                       FROM live, jsonb_array_elements(live.funding_plan) e GROUP BY 1), \
         actual AS (SELECT 'fund' AS source, sum(p.amount) AS amount FROM house_payments p \
                     WHERE p.house_id IN (SELECT id FROM live) \
                    UNION ALL \
                    SELECT c.source, sum(c.value) FROM house_contributions c \
                     WHERE c.house_id IN (SELECT id FROM live) GROUP BY c.source) \
         SELECT s.source, coalesce(pl.amount, 0) AS planned, coalesce(ac.amount, 0) AS actual \
           FROM unnest($5::text[]) WITH ORDINALITY AS s(source, ord) \
           LEFT JOIN planned pl ON pl.source = s.source \
           LEFT JOIN actual ac ON ac.source = s.source \
          ORDER BY s.ord"
    ))
    .bind::<SqlUuid, _>(s.unit_id)
    .bind::<Bool, _>(s.include_descendants)
    .bind::<Date, _>(s.first)
    .bind::<Date, _>(s.last)
    .bind::<diesel::sql_types::Array<Text>, _>(SOURCES.as_slice())
    .load(conn)
    .await?;
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let houses: Count = diesel::sql_query(format!("{PROJECTS} SELECT count(*) AS n FROM h"))
        .bind::<SqlUuid, _>(s.unit_id)
        .bind::<Bool, _>(s.include_descendants)
        .bind::<Date, _>(s.first)
        .bind::<Date, _>(s.last)
        .get_result(conn)
        .await?;
    Ok(HousingReport {
        by_state,
        support,
        funding,
        houses: houses.n,
    })
}
