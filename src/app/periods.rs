//! Closing and re-opening a fund's months, and the list of its months. A month closes bottom-up
//! (every child unit first) once it has ended, recording its closing trial balance; it re-opens
//! with a reason while the parent unit has it open (the database refuses otherwise). The locks
//! are the `periods_guard` trigger's, taken in its order.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::lookups::{unit_authorized, unit_for_records};
use super::{AppError, AppResult};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::balances;
use crate::db::periods::{self, PeriodRow};
use crate::domain::clock::month_start;
use crate::domain::period::{month_label, month_param, PeriodState};
use crate::domain::{money, text, Role};
use crate::ledger::natural_balance;
use crate::messages::{journal as words, periods as refusals};
use crate::views::periods::PeriodView;

/// Closes the month `raw_month` of the fund of `unit_id` (its finance officer).
pub async fn close(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    unit_id: Uuid,
    raw_month: &str,
    today: NaiveDate,
) -> AppResult<PeriodView> {
    let unit =
        unit_for_records(conn, &actor.scope, Right::ActAs(Role::Accountant), unit_id).await?;
    let month = month_param(raw_month, today)?;
    if month >= month_start(today) {
        return Err(refusals::not_ended(month));
    }
    // postings in flight into the month commit first; later ones wait and then fail
    periods::lock_month(conn, unit.id, month).await?;
    if is_closed(conn, unit.id, month).await? {
        return Err(refusals::already_closed(month));
    }
    let open = periods::open_children(conn, unit.id, month).await?;
    if !open.is_empty() {
        return Err(refusals::children_open(&open));
    }
    let trial_balance = trial_balance(conn, unit.id, month).await?;
    let row = periods::close(conn, unit.id, month, actor.id.0, trial_balance).await?;
    audit::record(
        conn,
        actor,
        Change {
            action: "period.close",
            target_type: "period",
            target_id: None,
            unit_id: Some(unit.id),
            changes: serde_json::json!({"month": month_label(month)}),
        },
    )
    .await?;
    Ok(row.into())
}

/// Re-opens the closed month `raw_month` of the fund of `unit_id` (its approver), with a reason.
pub async fn reopen(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    unit_id: Uuid,
    raw_month: &str,
    raw_reason: &str,
    today: NaiveDate,
) -> AppResult<PeriodView> {
    let unit = unit_for_records(conn, &actor.scope, Right::ActAs(Role::Approver), unit_id).await?;
    let month = month_param(raw_month, today)?;
    let reason = text::clean(raw_reason, 1000).ok_or_else(|| words::text_length("reason", 1000))?;
    periods::lock_month(conn, unit.id, month).await?;
    if !is_closed(conn, unit.id, month).await? {
        return Err(refusals::not_closed(month));
    }
    // the database refuses (parent_closed) while the parent has the month closed
    let row = periods::reopen(conn, unit.id, month, actor.id.0, &reason).await?;
    audit::record(
        conn,
        actor,
        Change {
            action: "period.reopen",
            target_type: "period",
            target_id: None,
            unit_id: Some(unit.id),
            changes: serde_json::json!({"month": month_label(month), "reason": reason}),
        },
    )
    .await?;
    Ok(row.into())
}

/// The fund's months, newest first, before `before` and at most `take` of them: every month
/// from its first posting (or the current month) to the current local month, and any month
/// ever closed.
pub async fn list(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    unit_id: Uuid,
    today: NaiveDate,
    before: Option<NaiveDate>,
    take: usize,
) -> AppResult<Vec<PeriodView>> {
    let unit = unit_authorized(conn, &actor.scope, Right::Read, unit_id).await?;
    let current = month_start(today);
    let first = periods::first_posting_month(conn, unit.id)
        .await?
        .map(month_start)
        .unwrap_or(current);
    let mut months: BTreeMap<NaiveDate, Option<PeriodRow>> = BTreeMap::new();
    let mut m = first.min(current);
    while m <= current {
        months.insert(m, None);
        m = m + Months::new(1);
    }
    for row in periods::list(conn, unit.id).await? {
        months.insert(row.month, Some(row));
    }
    Ok(months
        .into_iter()
        .rev()
        .filter(|(month, _)| !matches!(before, Some(b) if *month >= b))
        .take(take)
        .map(|(month, row)| PeriodView::new(month, row))
        .collect())
}

async fn is_closed(conn: &mut AsyncPgConnection, unit: Uuid, month: NaiveDate) -> AppResult<bool> {
    Ok(periods::find(conn, unit, month)
        .await?
        .is_some_and(|p| p.state == PeriodState::Closed))
}

/// Every account's totals over postings up to the month's last day, keyed by account code.
async fn trial_balance(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
    month: NaiveDate,
) -> AppResult<serde_json::Value> {
    let last_day = (month + Months::new(1))
        .pred_opt()
        .ok_or_else(|| AppError::internal("month out of range"))?;
    let accounts = balances::as_of(conn, unit, Some(last_day)).await?;
    let map: serde_json::Map<String, serde_json::Value> = accounts
        .into_iter()
        .map(|a| {
            let balance = natural_balance(&a.account_type, a.debit, a.credit);
            (
                a.code,
                serde_json::json!({
                    "debit": money::format(a.debit),
                    "credit": money::format(a.credit),
                    "balance": money::format(balance),
                }),
            )
        })
        .collect();
    Ok(serde_json::Value::Object(map))
}
