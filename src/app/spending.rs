//! The spending lifecycle, once for every kind of spending (api.md "Spending"): grants
//! (`/v1/disbursements`), Tết batches, transfers and house projects are submitted by one person
//! and approved, rejected or cancelled by another, an approver of the unit that pays.
//!
//! Every four-eyes decision answers in one order: outside the caller's scope 404, without the
//! approver role at the deciding unit 403 `forbidden` (both asked by [`authorize`], before the
//! decision's transaction, so an idempotent replay is answered only to whom may decide), then,
//! on the row locked in the decision's own transaction, the submitter 403 `same_person` and a
//! state that does not allow it 409 `invalid_state`. Who may decide is a right of the caller
//! (security.md: "never their own submission"), so it is answered before the item's state.
//!
//! [`decide`] is the one decision: lock → four eyes → transition → reserve (approval) or
//! release (rejection, cancellation) → record → audit. What differs per kind is data, in the
//! arms of [`SpendingRow`]: which table, which unit pays, what an approval reserves, what the
//! audit trail adds. Paying out of a reservation (a grant paid, a transfer sent) is
//! [`pay_out`].

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{AppError, AppResult};
use crate::audit::{self, Change};
use crate::auth::scope::{self, Right};
use crate::auth::AuthUser;
use crate::db::houses::{self, HouseRow, PaymentRow};
use crate::db::spending::{self as rows, SpendingRow};
use crate::db::tet_batches::{self, Counts, TetBatchRow};
use crate::db::units::{self, UnitRow};
use crate::domain::house::{self, Step};
use crate::domain::spending::{self as lifecycle, Action, Kind, Status};
use crate::domain::{money, text, Role};
use crate::ledger::payouts;
use crate::ledger::reservations::{self, Holder, Pool};
use crate::ledger::{entries, NewEntry};
use crate::messages::spending as say;
use crate::views::grants::DisbursementView;
use crate::views::transfers::TransferView;

/// Body of approve, reject and cancel: an optional reason (recorded and audited).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

impl Decision {
    /// The cleaned reason; 422 when it is empty or too long.
    pub fn reason(&self) -> AppResult<Option<String>> {
        self.reason.as_deref().map(reason).transpose()
    }
}

/// A decision's reason, cleaned: 1 to 1000 characters, or 422 on `reason`.
pub fn reason(raw: &str) -> AppResult<String> {
    text::clean(raw, 1000).ok_or_else(|| say::text_length("reason", 1000).into())
}

/// A date given for a step (`paid_on`, `sent_on`, ...), or today; never in the future (422 on
/// `field`).
pub fn date_or_today(
    field: &str,
    given: Option<NaiveDate>,
    today: NaiveDate,
) -> AppResult<NaiveDate> {
    let date = given.unwrap_or(today);
    if date > today {
        return Err(say::in_the_future(field).into());
    }
    Ok(date)
}

/// The state `action` leads to from `from`, or 409 `invalid_state`.
pub fn transition(kind: Kind, from: Status, action: Action) -> AppResult<Status> {
    lifecycle::next(kind, from, action).ok_or_else(|| say::invalid_state(from.as_str()))
}

/// The same from a status stored as text (a value the lifecycle does not know allows nothing).
pub fn transition_from(kind: Kind, status: &str, action: Action) -> AppResult<Status> {
    match Status::parse(status) {
        Some(from) => transition(kind, from, action),
        None => Err(say::invalid_state(status)),
    }
}

/// The unit `acting`, when the caller holds `right` there: 404 when the caller sees neither
/// `acting` nor `other` (a transfer's other end), 403 naming the role when they see the
/// spending but lack the right at `acting`.
pub async fn acting_unit(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    right: Right,
    acting: Uuid,
    other: Option<Uuid>,
) -> AppResult<UnitRow> {
    let mut ends = vec![units::find(conn, acting).await?.ok_or(AppError::NotFound)?];
    if let Some(other) = other {
        ends.push(units::find(conn, other).await?.ok_or(AppError::NotFound)?);
    }
    if !ends.iter().any(|u| user.scope.can_see(u)) {
        return Err(AppError::NotFound);
    }
    let acting = ends.swap_remove(0);
    if !user.scope.allows(right, &acting) {
        return Err(scope::lacking(right, &acting));
    }
    Ok(acting)
}

/// The spending `id` of `kind` and its paying unit, when the caller is `role` there (404
/// outside their scope, 403 without the role): asked before a step's transaction.
pub async fn authorize_as(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    kind: Kind,
    id: Uuid,
    role: Role,
) -> AppResult<(SpendingRow, UnitRow)> {
    let row = rows::row(conn, kind, id, false)
        .await?
        .ok_or(AppError::NotFound)?;
    let unit = acting_unit(
        conn,
        user,
        Right::ActAs(role),
        row.unit_id(),
        row.other_unit_id(),
    )
    .await?;
    Ok((row, unit))
}

/// Whether the caller may decide on the spending `id` of `kind`: an approver of the unit that
/// pays (404, 403 `forbidden`). Gives that unit.
pub async fn authorize(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    kind: Kind,
    id: Uuid,
) -> AppResult<UnitRow> {
    Ok(authorize_as(conn, user, kind, id, Role::Approver).await?.1)
}

/// What a decision is: the action, the reason given, and (a house's approval) the attachments
/// of the committee's decision, already checked.
#[derive(Debug, Clone, Copy)]
pub struct Verdict<'a> {
    pub action: Action,
    pub reason: Option<&'a str>,
    pub evidence: &'a [Uuid],
}

impl<'a> Verdict<'a> {
    pub fn new(action: Action, reason: Option<&'a str>) -> Self {
        Verdict {
            action,
            reason,
            evidence: &[],
        }
    }
}

/// The spending after a decision, with what its answer shows.
#[derive(Debug)]
pub enum Decided {
    Grant(DisbursementView),
    TetBatch(TetBatchRow, Counts),
    Transfer(TransferView),
    House(HouseRow, Vec<PaymentRow>),
}

impl Decided {
    pub fn grant(self) -> AppResult<DisbursementView> {
        match self {
            Decided::Grant(view) => Ok(view),
            other => Err(other.mismatch()),
        }
    }

    pub fn transfer(self) -> AppResult<TransferView> {
        match self {
            Decided::Transfer(view) => Ok(view),
            other => Err(other.mismatch()),
        }
    }

    pub fn tet_batch(self) -> AppResult<(TetBatchRow, Counts)> {
        match self {
            Decided::TetBatch(row, counts) => Ok((row, counts)),
            other => Err(other.mismatch()),
        }
    }

    pub fn house(self) -> AppResult<(HouseRow, Vec<PaymentRow>)> {
        match self {
            Decided::House(row, payments) => Ok((row, payments)),
            other => Err(other.mismatch()),
        }
    }

    fn mismatch(&self) -> AppError {
        AppError::internal(format!("a decision answered another kind: {self:?}"))
    }
}

/// The one four-eyes decision, in the caller's transaction: lock the row, refuse the submitter
/// (403 `same_person`) and a state that does not allow it (409 `invalid_state`), reserve what an
/// approval holds (409 `insufficient_funds` when the fund cannot cover it, even with approvals
/// racing) or release what a rejection or cancellation frees (a Tết batch's households are
/// withdrawn too), record the decision and audit it.
#[tracing::instrument(name = "spending.decide", skip_all, fields(kind = ?kind, id = %id, action = ?verdict.action))]
pub async fn decide(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    kind: Kind,
    id: Uuid,
    verdict: Verdict<'_>,
) -> AppResult<Decided> {
    // the state is read under the row lock: a concurrent decision waits, then sees ours
    let row = rows::row(conn, kind, id, true)
        .await?
        .ok_or(AppError::NotFound)?;
    if !lifecycle::may_decide(user.id.0, row.submitted_by()) {
        return Err(say::same_person());
    }
    let to = transition_from(kind, row.status(), verdict.action)?;
    let holder = Holder::of(kind, id);
    if to == Status::Approved {
        let (earmark, parts) = reservation(conn, &row).await?;
        for (pool, amount) in parts {
            reservations::reserve(conn, row.unit_id(), earmark, pool, holder, amount).await?;
        }
    } else {
        reservations::release(conn, holder).await?;
        if kind == Kind::TetBatch {
            tet_batches::withdraw_recipients(conn, id).await?;
        }
    }
    let evidence = match &row {
        SpendingRow::House(h) => house::with_evidence(&h.evidence, Step::Approve, verdict.evidence),
        _ => serde_json::Value::Null,
    };
    let after = rows::decide(conn, &row, to, user.id.0, verdict.reason, &evidence).await?;
    let verb = match verdict.action {
        Action::Approve => "approve",
        Action::Reject => "reject",
        _ => "cancel",
    };
    audit::record(
        conn,
        user,
        Change {
            action: &format!("{}.{verb}", kind.record_name()),
            target_type: kind.record_name(),
            target_id: Some(id),
            unit_id: Some(after.unit_id()),
            changes: audit_changes(&row, &after, verdict),
        },
    )
    .await?;
    Ok(match after {
        SpendingRow::Grant(g) => Decided::Grant(g.into()),
        SpendingRow::Transfer(t) => Decided::Transfer(t.into()),
        SpendingRow::TetBatch(b) => {
            let counts = tet_batches::counts_of(conn, b.id).await?;
            Decided::TetBatch(b, counts)
        }
        SpendingRow::House(h) => {
            let payments = houses::payments(conn, h.id).await?;
            Decided::House(h, payments)
        }
    })
}

/// Pays spending out of its reservation: the reservation is used first (and what is left of it
/// released), then the entry posts, so the overdraft guard does not count this spending's own
/// reservation against it. Gives the entry's id.
pub async fn pay_out(
    conn: &mut AsyncPgConnection,
    holder: Holder,
    pool: Pool,
    amount: Decimal,
    entry: &NewEntry,
) -> AppResult<Uuid> {
    if !reservations::consume(conn, holder, pool, amount).await? {
        return Err(AppError::internal(format!(
            "{holder:?}: approved without a reservation"
        )));
    }
    reservations::release(conn, holder).await?;
    Ok(entries::post(conn, entry).await?)
}

/// What approving `row` reserves in the paying fund, and with which earmark: a grant its amount
/// from the pool its method draws on; a Tết batch households × cash from money and households
/// × goods value from goods (a zero part reserves nothing); a transfer its amount from money,
/// with its campaign's earmark when restricted; a house what its support still allows.
async fn reservation(
    conn: &mut AsyncPgConnection,
    row: &SpendingRow,
) -> AppResult<(Option<Uuid>, Vec<(Pool, Decimal)>)> {
    Ok(match row {
        SpendingRow::Grant(g) => (g.earmark_id, vec![(payouts::pool(g.method), g.amount)]),
        SpendingRow::TetBatch(b) => {
            let n = Decimal::from(b.household_count);
            let parts = [(Pool::Money, b.cash_amount), (Pool::Goods, b.in_kind_value)]
                .into_iter()
                .filter(|(_, each)| !each.is_zero())
                .map(|(pool, each)| (pool, n * each))
                .collect();
            (b.earmark_id, parts)
        }
        SpendingRow::Transfer(t) => (
            super::transfers::earmark(conn, t).await?,
            vec![(Pool::Money, t.amount)],
        ),
        SpendingRow::House(h) => (h.earmark_id, vec![(Pool::Money, h.remaining_support())]),
    })
}

/// The audit trail's summary of a decision: from and to which state, why, and per kind what
/// moved (a batch's amount, a house's reservation and evidence, or what a cancelled house had
/// been paid).
fn audit_changes(
    before: &SpendingRow,
    after: &SpendingRow,
    verdict: Verdict<'_>,
) -> serde_json::Value {
    let mut changes = serde_json::json!({
        "from": before.status(), "to": after.status(), "reason": verdict.reason,
    });
    match after {
        SpendingRow::TetBatch(b) => changes["amount"] = money::format(b.amount).into(),
        SpendingRow::House(h) if verdict.action == Action::Approve => {
            changes["reserved"] = money::format(h.remaining_support()).into();
            changes["evidence_ids"] = serde_json::json!(h.evidence.get(Step::Approve.as_str()));
        }
        SpendingRow::House(h) => changes["paid_amount"] = money::format(h.paid_amount).into(),
        SpendingRow::Grant(_) | SpendingRow::Transfer(_) => {}
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Code;

    fn code(e: AppError) -> Option<Code> {
        match e {
            AppError::Refused { code, .. } => Some(code),
            _ => None,
        }
    }

    #[test]
    fn a_decision_the_lifecycle_does_not_allow_is_invalid_state() {
        let approve = transition_from(Kind::Grant, "submitted", Action::Approve);
        assert_eq!(approve.ok(), Some(Status::Approved));
        let late = transition_from(Kind::Grant, "paid", Action::Cancel);
        assert_eq!(late.err().and_then(code), Some(Code::InvalidState));
        let unknown = transition_from(Kind::House, "demolished", Action::Cancel);
        assert_eq!(unknown.err().and_then(code), Some(Code::InvalidState));
        let house = transition(Kind::House, Status::Started, Action::Cancel);
        assert_eq!(house.ok(), Some(Status::Cancelled));
    }

    #[test]
    fn a_decision_reason_is_cleaned_or_refused() {
        let body = Decision {
            reason: Some("  đủ điều kiện  ".into()),
        };
        assert_eq!(body.reason().unwrap().as_deref(), Some("đủ điều kiện"));
        assert_eq!(Decision::default().reason().unwrap(), None);
        assert!(matches!(reason("   "), Err(AppError::Invalid(_))));
        assert!(matches!(
            reason(&"x".repeat(1001)),
            Err(AppError::Invalid(_))
        ));
    }

    #[test]
    fn a_spending_step_is_dated_today_or_earlier() {
        let today = NaiveDate::from_ymd_opt(2026, 2, 10).unwrap();
        let yesterday = today.pred_opt().unwrap();
        assert_eq!(date_or_today("paid_on", None, today).unwrap(), today);
        assert_eq!(
            date_or_today("paid_on", Some(yesterday), today).unwrap(),
            yesterday
        );
        let tomorrow = today.succ_opt();
        assert!(date_or_today("paid_on", tomorrow, today).is_err());
    }
}
