//! The bulk path of the reform (reform.md, "Handover", last item): for a province or the whole
//! country at once, `plan` proposes the handover of every dissolving unit whose successor the data
//! alone gives (one `whole` successor, or a district's province) and lists those that need a
//! person's decision; `approve-all` and `execute-all` take the proposed ones through, each under
//! the same rules as one at a time (four eyes for each approval; each execution in its own
//! transaction, so a stale one is cancelled alone and the rest go on).
//!
//! Deepest units go first. A district hands its money to its province; when that province ended
//! too, its own handover (proposed before) meets the district's money as a change and is
//! cancelled as stale: a second round (plan, approve-all, execute-all) hands it over.

use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::handovers::{self, Decision, Execution, ProposeHandover, ShareInput};
use super::{lookups, AppError, AppResult, Code};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::handovers::{self as rows, Candidate};
use crate::domain::Tier;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanHandovers {
    /// The reform's effective date; units ending on another day are left alone.
    pub effective_on: NaiveDate,
    pub decision_no: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NeedsDecision {
    pub unit_id: Uuid,
    /// `parts` (split among several successors), `open_obligations` or `unassigned_households`.
    pub reason: &'static str,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct Plan {
    pub proposed: Vec<Uuid>,
    pub needs_decision: Vec<NeedsDecision>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Skipped {
    pub handover_id: Uuid,
    /// The problem code the approval met (`same_person`, `forbidden`, …).
    pub reason: &'static str,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct Approvals {
    pub approved: Vec<Uuid>,
    pub skipped: Vec<Skipped>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Failed {
    pub handover_id: Uuid,
    pub code: &'static str,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct Executions {
    pub executed: Vec<Uuid>,
    /// Cancelled: the fund changed since the proposal (plan again).
    pub stale: Vec<Uuid>,
    pub failed: Vec<Failed>,
}

/// The root of a bulk run: a province or the central unit the caller administers (404 outside
/// scope, 403 without the right).
async fn root(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
    right: Right,
) -> AppResult<crate::db::units::UnitRow> {
    let unit = lookups::unit_authorized(conn, &user.scope, right, id).await?;
    if !matches!(unit.tier(), Tier::Central | Tier::Province) {
        return Err(AppError::field(
            "id",
            "the bulk path runs for a province or the central unit",
            "chỉ chạy cho một tỉnh hoặc đơn vị trung ương",
        ));
    }
    Ok(unit)
}

/// Proposes every handover the data alone decides, in the caller's transaction; one refused
/// leaves the others.
pub async fn plan(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
    body: &PlanHandovers,
) -> AppResult<Plan> {
    let root = root(conn, user, id, Right::Administer).await?;
    let candidates = rows::candidates(conn, root.id, body.effective_on).await?;
    let mut plan = Plan::default();
    for c in candidates {
        let Some(to) = single_successor(&c) else {
            plan.needs_decision.push(NeedsDecision {
                unit_id: c.unit_id,
                reason: "parts",
            });
            continue;
        };
        let proposal = ProposeHandover {
            from_unit_id: c.unit_id,
            effective_on: body.effective_on,
            decision_no: body.decision_no.clone(),
            shares: vec![ShareInput {
                to_unit_id: to,
                fraction: "1".to_owned(),
            }],
            households: None,
            obligations: None,
        };
        // No savepoint per proposal: every refusal the plan lists is found before the proposal
        // writes anything, and any other error fails the whole plan. Thousands of savepoints in
        // one transaction made each later insert slower than the one before (the P9 bench).
        match handovers::propose_id(conn, user, &proposal).await {
            Ok(id) => plan.proposed.push(id),
            Err(AppError::Refused { code, .. }) if needs_a_person(code).is_some() => {
                plan.needs_decision.push(NeedsDecision {
                    unit_id: c.unit_id,
                    reason: needs_a_person(code).unwrap_or("parts"),
                })
            }
            Err(e) => return Err(e),
        }
    }
    record(
        conn,
        user,
        "handover.plan",
        root.id,
        serde_json::json!({
            "proposed": plan.proposed.len(), "needs_decision": plan.needs_decision.len()
        }),
    )
    .await?;
    Ok(plan)
}

/// One audit event for a bulk run, beside the events of each handover it touched.
async fn record(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    action: &'static str,
    root: Uuid,
    changes: serde_json::Value,
) -> AppResult<()> {
    audit::record(
        conn,
        user,
        Change {
            action,
            target_type: "unit",
            target_id: Some(root),
            unit_id: Some(root),
            changes,
        },
    )
    .await?;
    Ok(())
}

/// The one successor the data gives: a `whole` share's unit, or (no line names one) a
/// district's province.
fn single_successor(c: &Candidate) -> Option<Uuid> {
    match c.successors.as_slice() {
        [(to, share)] if share == "whole" && *to != c.unit_id => Some(*to),
        [] if c.tier == Tier::District.as_str() => c.parent_id,
        _ => None,
    }
}

/// The refusals of a proposal that a person resolves, as the plan names them.
fn needs_a_person(code: Code) -> Option<&'static str> {
    match code {
        Code::OpenObligations => Some("open_obligations"),
        Code::UnassignedHouseholds => Some("unassigned_households"),
        Code::NotASuccessor | Code::FractionsMustSumToOne => Some("parts"),
        _ => None,
    }
}

/// Approves every submitted handover of the units below `id` that the caller may approve; the
/// others are listed with the code that stopped them.
pub async fn approve_all(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
) -> AppResult<Approvals> {
    let root = root(conn, user, id, Right::Read).await?;
    let mut out = Approvals::default();
    for h in rows::in_subtree(conn, root.id, "submitted").await? {
        // no savepoint, as in `plan`: every refusal comes before the approval writes
        match handovers::decide_only(conn, user, h, Decision::Approve).await {
            Ok(()) => out.approved.push(h),
            Err(AppError::Forbidden(_)) => out.skipped.push(Skipped {
                handover_id: h,
                reason: Code::Forbidden.as_str(),
            }),
            Err(AppError::Refused { code, .. }) => out.skipped.push(Skipped {
                handover_id: h,
                reason: code.as_str(),
            }),
            Err(e) => return Err(e),
        }
    }
    record(
        conn,
        user,
        "handover.approve_all",
        root.id,
        serde_json::json!({
            "approved": out.approved.len(), "skipped": out.skipped.len()
        }),
    )
    .await?;
    Ok(out)
}

/// Executes every approved handover of the units below `id`, deepest units first, each in its
/// own transaction (this command commits as it goes: call it outside a transaction).
pub async fn execute_all(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
    today: NaiveDate,
) -> AppResult<Executions> {
    let root = root(conn, user, id, Right::Read).await?;
    let mut out = Executions::default();
    for h in rows::in_subtree(conn, root.id, "approved").await? {
        let outcome = conn
            .transaction::<_, AppError, _>(|tx| {
                async move { handovers::execute(tx, user, h, today).await }.scope_boxed()
            })
            .await;
        match outcome {
            Ok(Execution::Executed(_)) => out.executed.push(h),
            Ok(Execution::Stale) => out.stale.push(h),
            Err(AppError::Forbidden(_)) => out.failed.push(Failed {
                handover_id: h,
                code: Code::Forbidden.as_str(),
            }),
            Err(AppError::Refused { code, .. }) => out.failed.push(Failed {
                handover_id: h,
                code: code.as_str(),
            }),
            Err(AppError::Store(e)) => match super::error::code_of_store_error(&e) {
                Some(code) => out.failed.push(Failed {
                    handover_id: h,
                    code: code.as_str(),
                }),
                None => return Err(AppError::Store(e)),
            },
            Err(e) => return Err(e),
        }
    }
    record(
        conn,
        user,
        "handover.execute_all",
        root.id,
        serde_json::json!({
            "executed": out.executed.len(), "stale": out.stale.len(), "failed": out.failed.len()
        }),
    )
    .await?;
    Ok(out)
}
