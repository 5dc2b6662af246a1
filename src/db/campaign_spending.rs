//! What a campaign's money paid for, across every unit that spent it: paid grants and the
//! gifts of disbursed Tết batches (less those returned undelivered at settlement). House
//! tranches join here when house projects exist. Counts of households only: no names.

use diesel::sql_types::{BigInt, Numeric, Text, Uuid as SqlUuid};
use diesel::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use uuid::Uuid;

/// Every spending item of the campaign: (unit, category, amount, household).
const ITEMS: &str = "\
    SELECT d.unit_id, d.category, d.amount, d.household_id \
      FROM disbursements d \
     WHERE d.campaign_id = $1 AND d.status = 'paid' \
    UNION ALL \
    SELECT b.unit_id, 'tet_gifts', b.cash_amount + b.in_kind_value, r.household_id \
      FROM tet_batches b JOIN tet_batch_recipients r ON r.batch_id = b.id \
     WHERE b.campaign_id = $1 AND b.status IN ('paid', 'closed') \
       AND r.status IN ('pending', 'delivered')";

#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct SpendingRow {
    #[diesel(sql_type = SqlUuid)]
    pub unit_id: Uuid,
    #[diesel(sql_type = Text)]
    pub unit_code: String,
    #[diesel(sql_type = Text)]
    pub unit_name: String,
    #[diesel(sql_type = Text)]
    pub category: String,
    #[diesel(sql_type = Numeric)]
    pub amount: Decimal,
    /// Grants or gifts.
    #[diesel(sql_type = BigInt)]
    pub items: i64,
    #[diesel(sql_type = BigInt)]
    pub households: i64,
}

/// Totals per spending unit and category, by unit code then category.
pub async fn by_unit_and_category(
    conn: &mut AsyncPgConnection,
    campaign: Uuid,
) -> QueryResult<Vec<SpendingRow>> {
    diesel::sql_query(format!(
        "SELECT i.unit_id, u.code AS unit_code, u.name AS unit_name, i.category, \
                sum(i.amount) AS amount, count(*) AS items, \
                count(DISTINCT i.household_id) AS households \
           FROM ({ITEMS}) i JOIN units u ON u.id = i.unit_id \
          GROUP BY i.unit_id, u.code, u.name, i.category \
          ORDER BY u.code, i.category"
    ))
    .bind::<SqlUuid, _>(campaign)
    .load(conn)
    .await
}

#[derive(Debug, diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Distinct households the campaign's money reached (a household supported twice counts once).
pub async fn households_reached(conn: &mut AsyncPgConnection, campaign: Uuid) -> QueryResult<i64> {
    let row: Count = diesel::sql_query(format!(
        "SELECT count(DISTINCT household_id) AS n FROM ({ITEMS}) i"
    ))
    .bind::<SqlUuid, _>(campaign)
    .get_result(conn)
    .await?;
    Ok(row.n)
}

#[derive(Debug, diesel::QueryableByName)]
struct Sum {
    #[diesel(sql_type = Numeric)]
    total: Decimal,
}

/// Money of the campaign moved between tiers (transfers sent or received under it).
pub async fn transferred(conn: &mut AsyncPgConnection, campaign: Uuid) -> QueryResult<Decimal> {
    let row: Sum = diesel::sql_query(
        "SELECT coalesce(sum(amount), 0) AS total FROM transfers \
          WHERE campaign_id = $1 AND status IN ('sent', 'received')",
    )
    .bind::<SqlUuid, _>(campaign)
    .get_result(conn)
    .await?;
    Ok(row.total)
}
