//! Transfers between tiers: allocations down to a descendant's fund, remittances up to an
//! ancestor's. The database checks that the two units are related, the lifecycle and the
//! four-eyes rule; these queries only read and write rows.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Numeric;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::schema::{transfers, units};
use crate::domain::spending::{Direction, Status};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = transfers)]
pub struct TransferRow {
    pub id: Uuid,
    pub from_unit_id: Uuid,
    pub to_unit_id: Uuid,
    #[diesel(deserialize_as = String)]
    pub direction: Direction,
    pub amount: Decimal,
    pub campaign_id: Option<Uuid>,
    pub purpose: String,
    pub decision_no: Option<String>,
    pub allocation_id: Option<Uuid>,
    #[diesel(deserialize_as = String)]
    pub status: Status,
    pub submitted_by: Uuid,
    pub submitted_at: DateTime<Utc>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    pub sent_by: Option<Uuid>,
    pub sent_at: Option<DateTime<Utc>>,
    pub sent_on: Option<NaiveDate>,
    pub send_bank_account_id: Option<Uuid>,
    pub send_entry_id: Option<Uuid>,
    pub received_by: Option<Uuid>,
    pub received_at: Option<DateTime<Utc>>,
    pub received_on: Option<NaiveDate>,
    pub receive_bank_account_id: Option<Uuid>,
    pub receive_entry_id: Option<Uuid>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = transfers)]
pub struct NewTransfer<'a> {
    pub id: Uuid,
    pub from_unit_id: Uuid,
    pub to_unit_id: Uuid,
    pub direction: &'a str,
    pub amount: Decimal,
    pub campaign_id: Option<Uuid>,
    pub purpose: &'a str,
    pub decision_no: Option<&'a str>,
    pub allocation_id: Option<Uuid>,
    pub submitted_by: Uuid,
}

/// Inserts transfers in one statement (one, or every share of an allocation).
pub async fn insert(
    conn: &mut AsyncPgConnection,
    rows: &[NewTransfer<'_>],
) -> QueryResult<Vec<TransferRow>> {
    diesel::insert_into(transfers::table)
        .values(rows)
        .returning(TransferRow::as_returning())
        .get_results(conn)
        .await
}

super::spending::keyed_row!(transfers, TransferRow);

/// The money left the sender's bank account with entry `entry`.
pub async fn mark_sent(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    by: Uuid,
    sent_on: NaiveDate,
    bank_account: Uuid,
    entry: Uuid,
) -> QueryResult<TransferRow> {
    diesel::update(transfers::table.find(id))
        .set((
            transfers::status.eq(Status::Sent.as_str()),
            transfers::sent_by.eq(by),
            transfers::sent_at.eq(diesel::dsl::now),
            transfers::sent_on.eq(sent_on),
            transfers::send_bank_account_id.eq(bank_account),
            transfers::send_entry_id.eq(entry),
        ))
        .returning(TransferRow::as_returning())
        .get_result(conn)
        .await
}

/// The money arrived in the receiver's bank account with entry `entry`.
pub async fn mark_received(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    by: Uuid,
    received_on: NaiveDate,
    bank_account: Uuid,
    entry: Uuid,
) -> QueryResult<TransferRow> {
    diesel::update(transfers::table.find(id))
        .set((
            transfers::status.eq(Status::Received.as_str()),
            transfers::received_by.eq(by),
            transfers::received_at.eq(diesel::dsl::now),
            transfers::received_on.eq(received_on),
            transfers::receive_bank_account_id.eq(bank_account),
            transfers::receive_entry_id.eq(entry),
        ))
        .returning(TransferRow::as_returning())
        .get_result(conn)
        .await
}

pub struct TransferFilter<'a> {
    /// Transfers whose sender or receiver lies in one of these subtrees (the caller's scope).
    pub roots: &'a [Uuid],
    /// Only transfers this unit sends or receives.
    pub unit: Option<Uuid>,
    pub status: Option<Status>,
    /// Keyset: ids strictly after (ids are UUIDv7, so oldest first).
    pub after: Option<Uuid>,
    pub limit: i64,
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    f: TransferFilter<'_>,
) -> QueryResult<Vec<TransferRow>> {
    let in_scope = || {
        units::table
            .filter(units::ancestry.overlaps_with(f.roots))
            .select(units::id)
    };
    let mut q = transfers::table
        .filter(
            transfers::from_unit_id
                .eq_any(in_scope())
                .or(transfers::to_unit_id.eq_any(in_scope())),
        )
        .select(TransferRow::as_select())
        .order(transfers::id.asc())
        .limit(f.limit)
        .into_boxed();
    if let Some(unit) = f.unit {
        q = q.filter(
            transfers::from_unit_id
                .eq(unit)
                .or(transfers::to_unit_id.eq(unit)),
        );
    }
    if let Some(status) = f.status {
        q = q.filter(transfers::status.eq(status.as_str()));
    }
    if let Some(after) = f.after {
        q = q.filter(transfers::id.gt(after));
    }
    q.load(conn).await
}

/// Money sent and not yet received: by `unit` itself, or (`subtree`) by any unit in its
/// subtree, `unit` included.
pub async fn in_transit(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
    subtree: bool,
) -> QueryResult<Decimal> {
    let mut q = transfers::table
        .filter(transfers::status.eq(Status::Sent.as_str()))
        .select(sql::<Numeric>("coalesce(sum(amount), 0)"))
        .into_boxed();
    q = if subtree {
        q.filter(
            transfers::from_unit_id.eq_any(
                units::table
                    .filter(units::ancestry.contains(vec![unit]))
                    .select(units::id),
            ),
        )
    } else {
        q.filter(transfers::from_unit_id.eq(unit))
    };
    q.get_result(conn).await
}
