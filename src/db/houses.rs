//! Great Unity house projects (`houses`) and their tranche payments (`house_payments`). The
//! status moves only along the lifecycle the database allows (`houses_guard`); the paid amount
//! never passes the support (`houses_paid_within_support`), and a household has at most one
//! active project (`houses_one_active_per_household`). The caller owns the transaction; lock the
//! row with `lock` before any change that depends on what it holds.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::schema::{house_payments, houses, units};
use super::word::{words, Stored};
use crate::domain::house::{HouseKind, Stage, TrancheMethod};

words! {
    HouseKind => "house kind", HouseKind::parse;
    Stage => "tranche stage", Stage::parse;
    TrancheMethod => "tranche method", TrancheMethod::parse;
}

/// Statuses in which a project is still going (not `handed_over`, not `cancelled`).
pub const ACTIVE: [&str; 4] = ["proposed", "approved", "started", "completed"];

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = houses)]
pub struct HouseRow {
    pub id: Uuid,
    pub household_id: Uuid,
    pub funding_unit_id: Uuid,
    #[diesel(deserialize_as = Stored<HouseKind>)]
    pub kind: HouseKind,
    pub campaign_id: Option<Uuid>,
    pub earmark_id: Option<Uuid>,
    pub proposed_on: NaiveDate,
    /// The norm in force for the funding unit on `proposed_on`, if there was one.
    pub norm_amount: Option<Decimal>,
    pub support_amount: Decimal,
    pub norm_override_reason: Option<String>,
    pub estimated_cost: Decimal,
    pub area_m2: Option<Decimal>,
    /// `[{"source","amount","name"?}]` as given.
    pub funding_plan: serde_json::Value,
    /// `proposed|approved|started|completed|handed_over|cancelled`
    pub status: String,
    /// Fund money paid so far (tranches).
    pub paid_amount: Decimal,
    pub submitted_by: Uuid,
    pub submitted_at: DateTime<Utc>,
    pub approved_by: Option<Uuid>,
    pub approved_at: Option<DateTime<Utc>>,
    pub started_on: Option<NaiveDate>,
    pub started_by: Option<Uuid>,
    pub completed_on: Option<NaiveDate>,
    pub completed_by: Option<Uuid>,
    pub meets_3_cung: Option<bool>,
    pub handed_over_on: Option<NaiveDate>,
    pub handed_over_by: Option<Uuid>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancelled_by: Option<Uuid>,
    pub cancel_reason: Option<String>,
    /// Attachment ids per step: `{"approve": [...], "start": [...], ...}`.
    pub evidence: serde_json::Value,
}

impl HouseRow {
    /// What the fund still owes the project within its support.
    pub fn remaining_support(&self) -> Decimal {
        self.support_amount - self.paid_amount
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = houses)]
pub struct NewHouse<'a> {
    pub id: Uuid,
    pub household_id: Uuid,
    pub funding_unit_id: Uuid,
    pub kind: &'a str,
    pub campaign_id: Option<Uuid>,
    pub earmark_id: Option<Uuid>,
    pub proposed_on: NaiveDate,
    pub norm_amount: Option<Decimal>,
    pub support_amount: Decimal,
    pub norm_override_reason: Option<&'a str>,
    pub estimated_cost: Decimal,
    pub area_m2: Option<Decimal>,
    pub funding_plan: serde_json::Value,
    pub submitted_by: Uuid,
}

pub async fn insert(conn: &mut AsyncPgConnection, new: &NewHouse<'_>) -> QueryResult<HouseRow> {
    diesel::insert_into(houses::table)
        .values(new)
        .returning(HouseRow::as_returning())
        .get_result(conn)
        .await
}

super::spending::keyed_row!(houses, HouseRow);

/// Every project of a household, oldest first.
pub async fn of_household(
    conn: &mut AsyncPgConnection,
    household_id: Uuid,
) -> QueryResult<Vec<HouseRow>> {
    houses::table
        .filter(houses::household_id.eq(household_id))
        .select(HouseRow::as_select())
        .order(houses::id.asc())
        .load(conn)
        .await
}

/// The household's active project (not handed over, not cancelled), if any.
pub async fn active_of_household(
    conn: &mut AsyncPgConnection,
    household_id: Uuid,
) -> QueryResult<Option<HouseRow>> {
    houses::table
        .filter(houses::household_id.eq(household_id))
        .filter(houses::status.eq_any(ACTIVE))
        .select(HouseRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The latest hand-over date of a `new` house built for the household, if any.
pub async fn last_new_house_handed_over(
    conn: &mut AsyncPgConnection,
    household_id: Uuid,
) -> QueryResult<Option<NaiveDate>> {
    houses::table
        .filter(houses::household_id.eq(household_id))
        .filter(houses::kind.eq(HouseKind::New.as_str()))
        .filter(houses::status.eq("handed_over"))
        .select(diesel::dsl::max(houses::handed_over_on))
        .first::<Option<NaiveDate>>(conn)
        .await
}

/// `proposed → approved`.
pub async fn approve(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    by: Uuid,
    evidence: &serde_json::Value,
) -> QueryResult<HouseRow> {
    diesel::update(houses::table.find(id))
        .set((
            houses::status.eq("approved"),
            houses::approved_by.eq(by),
            houses::approved_at.eq(diesel::dsl::now),
            houses::evidence.eq(evidence),
        ))
        .returning(HouseRow::as_returning())
        .get_result(conn)
        .await
}

/// `approved → started`.
pub async fn start(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    by: Uuid,
    on: NaiveDate,
    evidence: &serde_json::Value,
) -> QueryResult<HouseRow> {
    diesel::update(houses::table.find(id))
        .set((
            houses::status.eq("started"),
            houses::started_by.eq(by),
            houses::started_on.eq(on),
            houses::evidence.eq(evidence),
        ))
        .returning(HouseRow::as_returning())
        .get_result(conn)
        .await
}

/// `started → completed`: the acceptance (nghiệm thu).
pub async fn complete(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    by: Uuid,
    on: NaiveDate,
    meets_3_cung: bool,
    evidence: &serde_json::Value,
) -> QueryResult<HouseRow> {
    diesel::update(houses::table.find(id))
        .set((
            houses::status.eq("completed"),
            houses::completed_by.eq(by),
            houses::completed_on.eq(on),
            houses::meets_3_cung.eq(meets_3_cung),
            houses::evidence.eq(evidence),
        ))
        .returning(HouseRow::as_returning())
        .get_result(conn)
        .await
}

/// `completed → handed_over`.
pub async fn hand_over(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    by: Uuid,
    on: NaiveDate,
    evidence: &serde_json::Value,
) -> QueryResult<HouseRow> {
    diesel::update(houses::table.find(id))
        .set((
            houses::status.eq("handed_over"),
            houses::handed_over_by.eq(by),
            houses::handed_over_on.eq(on),
            houses::evidence.eq(evidence),
        ))
        .returning(HouseRow::as_returning())
        .get_result(conn)
        .await
}

/// `proposed|approved|started → cancelled`.
pub async fn cancel(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    by: Uuid,
    reason: &str,
) -> QueryResult<HouseRow> {
    diesel::update(houses::table.find(id))
        .set((
            houses::status.eq("cancelled"),
            houses::cancelled_by.eq(by),
            houses::cancelled_at.eq(diesel::dsl::now),
            houses::cancel_reason.eq(reason),
        ))
        .returning(HouseRow::as_returning())
        .get_result(conn)
        .await
}

/// Adds a tranche to the paid amount; beyond the support the database refuses
/// (`houses_paid_within_support` → 409 `exceeds_support`).
pub async fn add_paid(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    amount: Decimal,
) -> QueryResult<HouseRow> {
    diesel::update(houses::table.find(id))
        .set(houses::paid_amount.eq(houses::paid_amount + amount))
        .returning(HouseRow::as_returning())
        .get_result(conn)
        .await
}

pub struct HouseFilter<'a> {
    /// Roots of the caller's scope: projects funded by units at or below any of them.
    pub scope_roots: &'a [Uuid],
    /// Projects funded by exactly this unit.
    pub unit_id: Option<Uuid>,
    pub status: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub household_id: Option<Uuid>,
    pub after: Option<Uuid>,
    pub limit: i64,
}

/// Projects in scope, oldest first (ids are UUIDv7: creation order).
pub async fn list(conn: &mut AsyncPgConnection, f: HouseFilter<'_>) -> QueryResult<Vec<HouseRow>> {
    let in_scope = units::table
        .filter(units::ancestry.overlaps_with(f.scope_roots))
        .select(units::id);
    let mut q = houses::table
        .filter(houses::funding_unit_id.eq_any(in_scope))
        .select(HouseRow::as_select())
        .order(houses::id.asc())
        .limit(f.limit)
        .into_boxed();
    if let Some(unit) = f.unit_id {
        q = q.filter(houses::funding_unit_id.eq(unit));
    }
    if let Some(status) = f.status {
        q = q.filter(houses::status.eq(status));
    }
    if let Some(kind) = f.kind {
        q = q.filter(houses::kind.eq(kind));
    }
    if let Some(h) = f.household_id {
        q = q.filter(houses::household_id.eq(h));
    }
    if let Some(after) = f.after {
        q = q.filter(houses::id.gt(after));
    }
    q.load(conn).await
}

// ---------------------------------------------------------------- tranche payments

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = house_payments)]
pub struct PaymentRow {
    pub id: Uuid,
    pub house_id: Uuid,
    #[diesel(deserialize_as = Stored<Stage>)]
    pub stage: Stage,
    pub amount: Decimal,
    #[diesel(deserialize_as = Stored<TrancheMethod>)]
    pub method: TrancheMethod,
    pub bank_account_id: Option<Uuid>,
    pub paid_on: NaiveDate,
    pub journal_entry_id: Uuid,
    pub paid_by: Uuid,
    pub paid_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = house_payments)]
pub struct NewPayment<'a> {
    pub id: Uuid,
    pub house_id: Uuid,
    pub stage: &'a str,
    pub amount: Decimal,
    pub method: &'a str,
    pub bank_account_id: Option<Uuid>,
    pub paid_on: NaiveDate,
    pub journal_entry_id: Uuid,
    pub paid_by: Uuid,
}

pub async fn insert_payment(
    conn: &mut AsyncPgConnection,
    new: &NewPayment<'_>,
) -> QueryResult<PaymentRow> {
    diesel::insert_into(house_payments::table)
        .values(new)
        .returning(PaymentRow::as_returning())
        .get_result(conn)
        .await
}

/// A project's tranches, oldest first.
pub async fn payments(
    conn: &mut AsyncPgConnection,
    house_id: Uuid,
) -> QueryResult<Vec<PaymentRow>> {
    house_payments::table
        .filter(house_payments::house_id.eq(house_id))
        .select(PaymentRow::as_select())
        .order(house_payments::id.asc())
        .load(conn)
        .await
}
