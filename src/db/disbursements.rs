//! Grants (`disbursements`): one row per grant, its status moved only along the lifecycle the
//! database allows (`spending_guard`), four-eyes held by a CHECK. The row reads its category,
//! method and status as enums; decisions are recorded through `db::spending`.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::schema::{disbursements, units};
use crate::domain::spending::{Category, Method, Status};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = disbursements)]
pub struct DisbursementRow {
    pub id: Uuid,
    pub unit_id: Uuid,
    #[diesel(deserialize_as = String)]
    pub category: Category,
    pub household_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    pub earmark_id: Option<Uuid>,
    pub amount: Decimal,
    #[diesel(deserialize_as = String)]
    pub method: Method,
    pub bank_account_id: Option<Uuid>,
    pub description: String,
    #[diesel(deserialize_as = String)]
    pub status: Status,
    pub submitted_by: Uuid,
    pub submitted_at: DateTime<Utc>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    pub paid_by: Option<Uuid>,
    pub paid_at: Option<DateTime<Utc>>,
    pub paid_on: Option<NaiveDate>,
    pub journal_entry_id: Option<Uuid>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = disbursements)]
pub struct NewDisbursement<'a> {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub category: &'a str,
    pub household_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    pub earmark_id: Option<Uuid>,
    pub amount: Decimal,
    pub method: &'a str,
    pub bank_account_id: Option<Uuid>,
    pub description: &'a str,
    pub submitted_by: Uuid,
}

pub async fn insert(
    conn: &mut AsyncPgConnection,
    new: &NewDisbursement<'_>,
) -> QueryResult<DisbursementRow> {
    diesel::insert_into(disbursements::table)
        .values(new)
        .returning(DisbursementRow::as_returning())
        .get_result(conn)
        .await
}

super::spending::keyed_row!(disbursements, DisbursementRow);

pub async fn mark_paid(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    paid_by: Uuid,
    paid_on: NaiveDate,
    entry: Uuid,
) -> QueryResult<DisbursementRow> {
    diesel::update(disbursements::table.find(id))
        .set((
            disbursements::status.eq(Status::Paid.as_str()),
            disbursements::paid_by.eq(paid_by),
            disbursements::paid_at.eq(diesel::dsl::now),
            disbursements::paid_on.eq(paid_on),
            disbursements::journal_entry_id.eq(entry),
        ))
        .returning(DisbursementRow::as_returning())
        .get_result(conn)
        .await
}

pub struct DisbursementFilter<'a> {
    /// Roots of the caller's scope: grants of units at or below any of them.
    pub scope_roots: &'a [Uuid],
    /// Grants of exactly this unit.
    pub unit_id: Option<Uuid>,
    pub status: Option<Status>,
    pub category: Option<Category>,
    pub household_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    pub after: Option<Uuid>,
    pub limit: i64,
}

/// Grants in scope, oldest first (ids are UUIDv7: creation order).
pub async fn list(
    conn: &mut AsyncPgConnection,
    f: DisbursementFilter<'_>,
) -> QueryResult<Vec<DisbursementRow>> {
    let in_scope = units::table
        .filter(units::ancestry.overlaps_with(f.scope_roots))
        .select(units::id);
    let mut q = disbursements::table
        .filter(disbursements::unit_id.eq_any(in_scope))
        .select(DisbursementRow::as_select())
        .order(disbursements::id.asc())
        .limit(f.limit)
        .into_boxed();
    if let Some(unit) = f.unit_id {
        q = q.filter(disbursements::unit_id.eq(unit));
    }
    if let Some(status) = f.status {
        q = q.filter(disbursements::status.eq(status.as_str()));
    }
    if let Some(category) = f.category {
        q = q.filter(disbursements::category.eq(category.as_str()));
    }
    if let Some(h) = f.household_id {
        q = q.filter(disbursements::household_id.eq(h));
    }
    if let Some(c) = f.campaign_id {
        q = q.filter(disbursements::campaign_id.eq(c));
    }
    if let Some(after) = f.after {
        q = q.filter(disbursements::id.gt(after));
    }
    q.load(conn).await
}
