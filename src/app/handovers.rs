//! The handover (bàn giao) of an ending unit's fund to its successors (reform.md, "Handover"):
//! proposed by an officer or admin above the unit with the split computed from the fund's
//! balances, decided by an approver where it was proposed (four eyes), executed by a finance
//! officer above the unit in one transaction, and the bank money's arrival recorded by each
//! successor.
//!
//! Accounting (README, "The 2025 reform"): the ending fund posts Dr 6221 / Cr 1111, 1121.N, 1551
//! for every line, each successor Dr 1111, 1131 (bank money in transit), 1551 / Cr 5114, every
//! earmark staying on its campaign; a receipt moves 1131 into the bank account, Dr 1121.N /
//! Cr 1131. The entries are dated the day of execution (closed months never change).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{lookups, AppError, AppResult, Code};
use crate::audit::{self, Change};
use crate::auth::scope::{self, Right};
use crate::auth::AuthUser;
use crate::db::bank_accounts;
use crate::db::handovers::{
    self as rows, HandoverFilter, HandoverRow, NewHandover, ObligationRow, OpenObligation,
};
use crate::db::successions;
use crate::db::units::{self, UnitRow};
use crate::domain::field::FieldError;
use crate::domain::handover::{self as split, Line, Pool, Share};
use crate::domain::spending::Kind;
use crate::domain::unit_life::UnitLife;
use crate::domain::{text, Role, Tier};
use crate::ledger::chart::{AccountCode, Chart};
use crate::ledger::{entries, NewEntry, NewPosting, Side, SourceType};
use crate::messages::handovers as says;
use crate::views::handovers::HandoverView;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposeHandover {
    pub from_unit_id: Uuid,
    /// Must equal the succession's `effective_on`.
    pub effective_on: NaiveDate,
    /// The decision (resolution) the handover follows, e.g. `1673/NQ-UBTVQH15`.
    pub decision_no: Option<String>,
    pub shares: Vec<ShareInput>,
    /// With several successors, every village of the commune's households is assigned.
    pub households: Option<Vec<VillageInput>>,
    /// Every open obligation of the ending unit, with the successor that takes it over.
    pub obligations: Option<Vec<ObligationInput>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareInput {
    pub to_unit_id: Uuid,
    /// A decimal string from 0 to 1; the fractions sum to exactly 1.
    pub fraction: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VillageInput {
    pub village: String,
    pub to_unit_id: Uuid,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObligationInput {
    /// `disbursement`, `tet_batch`, `house` or `transfer`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Uuid,
    pub to_unit_id: Uuid,
    /// For a grant or Tết batch paid by bank: the successor's bank account that will pay it.
    pub bank_account_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiveHandover {
    pub to_unit_id: Uuid,
    pub bank_account_id: Uuid,
    pub received_on: NaiveDate,
}

/// The unit where `user` may propose the handover of `unit`: the nearest unit above it where
/// they are an officer or admin (403 otherwise).
fn proposing_unit(user: &AuthUser, unit: &UnitRow) -> AppResult<Uuid> {
    let above = &unit.ancestry[..unit.ancestry.len().saturating_sub(1)];
    above
        .iter()
        .rev()
        .find(|id| {
            user.scope
                .assignments
                .iter()
                .any(|a| a.unit_id == **id && matches!(a.role, Role::Officer | Role::Admin))
        })
        .copied()
        .ok_or_else(|| scope::needs(&[Role::Officer, Role::Admin], &parent_code(unit), true))
}

fn parent_code(unit: &UnitRow) -> String {
    unit.path
        .iter()
        .rev()
        .nth(1)
        .cloned()
        .unwrap_or_else(|| unit.code.clone())
}

/// The units that may take over `unit`: its recorded successors, and a district's province.
async fn successors_of(
    conn: &mut AsyncPgConnection,
    unit: &UnitRow,
) -> AppResult<Vec<(Uuid, NaiveDate)>> {
    let mut out: Vec<(Uuid, NaiveDate)> = successions::successors(conn, unit.id)
        .await?
        .into_iter()
        .map(|l| (l.unit_id, l.effective_on))
        .collect();
    if let Some(own) = successions::continuing(conn, unit.id).await? {
        out.push((unit.id, own));
    }
    if unit.tier() == Tier::District {
        if let (Some(parent), Some(from)) = (unit.parent_id, unit.life().ended_from()) {
            out.push((parent, from));
        }
    }
    Ok(out)
}

/// Proposes the handover of `body.from_unit_id`, computing its split from the fund's balances.
pub async fn propose(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    body: &ProposeHandover,
) -> AppResult<HandoverView> {
    let id = propose_id(conn, user, body).await?;
    view(conn, id).await
}

/// [`propose`], answering the new handover's id (the bulk plan proposes thousands).
pub async fn propose_id(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    body: &ProposeHandover,
) -> AppResult<Uuid> {
    let unit = units::find(conn, body.from_unit_id)
        .await?
        .filter(|u| user.scope.can_see(u))
        .ok_or(AppError::NotFound)?;
    let proposed_at = proposing_unit(user, &unit)?;
    let successors = successors_of(conn, &unit).await?;
    let continuing = successors.iter().any(|(s, _)| *s == unit.id);
    // an active unit hands over only parts (a continuing unit that was split, or a unit whose
    // code the new list reused for another), and stays active
    match unit.life() {
        UnitLife::Dissolved { .. } => {
            return Err(crate::messages::units::unit_dissolved(
                &unit.code,
                unit.life(),
            ))
        }
        UnitLife::Active if !successors.iter().any(|(s, _)| *s != unit.id) => {
            return Err(says::has_not_ended(&unit.code))
        }
        _ => {}
    }
    if let Some(id) = rows::live_of(conn, unit.id).await? {
        return Err(says::already_proposed(id));
    }
    let expected = successors.iter().map(|(_, on)| *on).min();
    if expected != Some(body.effective_on) {
        return Err(says::wrong_effective_on(expected).into());
    }

    let decision_no = match body.decision_no.as_deref() {
        None => None,
        Some(raw) => Some(text::clean(raw, 100).ok_or_else(|| {
            FieldError::new("decision_no", "1 to 100 characters", "từ 1 đến 100 ký tự")
        })?),
    };
    let shares = check_shares(body, &successors)?;
    let keeper = continuing.then_some(unit.id);
    let targets: BTreeSet<Uuid> = shares
        .iter()
        .filter(|s| s.fraction > Decimal::ZERO)
        .map(|s| s.to_unit_id)
        .collect();
    let obligations = check_obligations(conn, &unit, body, &targets).await?;
    let (villages, households_moved) =
        check_households(conn, &unit, body, &targets, keeper).await?;
    let parts = rows::fund_parts(conn, unit.id).await?;
    let lines = split::split(&parts, &shares, keeper);

    let id = Uuid::now_v7();
    let share_rows: Vec<(Uuid, Decimal)> =
        shares.iter().map(|s| (s.to_unit_id, s.fraction)).collect();
    rows::insert(
        conn,
        &NewHandover {
            id,
            from_unit_id: unit.id,
            proposed_at_unit_id: proposed_at,
            effective_on: body.effective_on,
            decision_no: decision_no.as_deref(),
            households_moved,
            submitted_by: user.id.0,
            shares: &share_rows,
            lines: &lines,
            villages: &villages,
            obligations: &obligations,
        },
    )
    .await?;
    audit::record(
        conn,
        user,
        Change {
            action: "handover.propose",
            target_type: "handover",
            target_id: Some(id),
            unit_id: Some(unit.id),
            changes: serde_json::json!({"lines": lines.len(), "households_moved": households_moved}),
        },
    )
    .await?;
    Ok(id)
}

/// The shares: fractions that parse and sum to one, each to a successor of the unit.
fn check_shares(body: &ProposeHandover, successors: &[(Uuid, NaiveDate)]) -> AppResult<Vec<Share>> {
    if body.shares.is_empty() {
        return Err(FieldError::new("shares", "at least one share", "ít nhất một phần").into());
    }
    let mut errors = Vec::new();
    let mut shares = Vec::new();
    let mut seen = HashSet::new();
    for (i, s) in body.shares.iter().enumerate() {
        if !seen.insert(s.to_unit_id) {
            errors.push(FieldError::new(
                format!("shares[{i}].to_unit_id"),
                "named twice",
                "bị nêu hai lần",
            ));
        }
        match split::parse_fraction(&s.fraction, &format!("shares[{i}].fraction")) {
            Ok(fraction) => shares.push(Share {
                to_unit_id: s.to_unit_id,
                fraction,
            }),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    if !split::sum_to_one(&shares) {
        return Err(says::fractions_do_not_sum_to_one());
    }
    for (i, s) in shares.iter().enumerate() {
        if !successors.iter().any(|(id, _)| *id == s.to_unit_id) {
            return Err(says::not_a_successor(&format!("shares[{i}].to_unit_id")));
        }
    }
    Ok(shares)
}

/// Every open obligation named once, with a successor that takes a share (and, paid by bank,
/// a bank account of that successor's fund); 409 `open_obligations` naming those left out.
async fn check_obligations(
    conn: &mut AsyncPgConnection,
    unit: &UnitRow,
    body: &ProposeHandover,
    targets: &BTreeSet<Uuid>,
) -> AppResult<Vec<(Kind, Uuid, Uuid, Option<Uuid>)>> {
    let open: Vec<OpenObligation> = rows::open_obligations(conn, unit.id).await?;
    let by_id: HashMap<(Kind, Uuid), &OpenObligation> =
        open.iter().map(|o| ((o.kind, o.id), o)).collect();
    let mut named = Vec::new();
    let mut errors = Vec::new();
    for (i, o) in body.obligations.iter().flatten().enumerate() {
        let Some(kind) = Kind::from_record_name(&o.kind) else {
            errors.push(says::obligation_type(i));
            continue;
        };
        let Some(open) = by_id.get(&(kind, o.id)) else {
            errors.push(says::not_an_open_obligation(i));
            continue;
        };
        if !targets.contains(&o.to_unit_id) {
            return Err(says::not_a_successor(&format!(
                "obligations[{i}].to_unit_id"
            )));
        }
        let moves = o.to_unit_id != unit.id;
        let bank = match (open.method.as_deref(), o.bank_account_id) {
            (Some("bank"), None) if moves => {
                errors.push(says::bank_account_needed(i));
                None
            }
            (_, Some(b)) => {
                let ok = bank_accounts::find(conn, b)
                    .await?
                    .is_some_and(|a| a.unit_id == o.to_unit_id && a.closed_on.is_none());
                if !ok {
                    errors.push(says::bank_account_of_successor(i));
                }
                Some(b)
            }
            _ => None,
        };
        if named.iter().any(|(k, id, _, _)| (*k, *id) == (kind, o.id)) {
            errors.push(FieldError::new(
                format!("obligations[{i}].id"),
                "named twice",
                "bị nêu hai lần",
            ));
        }
        named.push((kind, o.id, o.to_unit_id, bank));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let missing: Vec<&OpenObligation> = open
        .iter()
        .filter(|o| {
            !named
                .iter()
                .any(|(k, id, _, _)| (*k, *id) == (o.kind, o.id))
        })
        .collect();
    if !missing.is_empty() {
        return Err(says::open_obligations(&missing));
    }
    Ok(named)
}

/// Where each village's households go: all to the one successor, or as assigned (409
/// `unassigned_households` naming the villages left out). Returns the assignment and how many
/// households leave the unit.
async fn check_households(
    conn: &mut AsyncPgConnection,
    unit: &UnitRow,
    body: &ProposeHandover,
    targets: &BTreeSet<Uuid>,
    keeper: Option<Uuid>,
) -> AppResult<(Vec<(String, String, Uuid)>, i32)> {
    let villages = rows::villages(conn, unit.id).await?;
    let mut assigned: BTreeMap<String, Uuid> = BTreeMap::new();
    for (i, v) in body.households.iter().flatten().enumerate() {
        if !targets.contains(&v.to_unit_id) {
            return Err(says::not_a_successor(&format!(
                "households[{i}].to_unit_id"
            )));
        }
        assigned.insert(text::fold(v.village.trim()), v.to_unit_id);
    }
    let single = (targets.len() == 1).then(|| *targets.iter().next().unwrap_or(&unit.id));
    let mut out = Vec::new();
    let mut unassigned = Vec::new();
    let mut moved = 0i64;
    for (key, village, n) in villages {
        let to = assigned.get(&key).copied().or(single);
        match to {
            Some(to) => {
                if Some(to) != keeper {
                    moved += n;
                }
                out.push((key, village, to));
            }
            None => unassigned.push(village),
        }
    }
    if !unassigned.is_empty() {
        return Err(says::unassigned_households(&unassigned));
    }
    Ok((out, i32::try_from(moved).unwrap_or(i32::MAX)))
}

/// A handover the caller may see: its unit or one of its successors is in their scope.
async fn visible(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    h: &HandoverRow,
) -> AppResult<UnitRow> {
    let from = units::find(conn, h.from_unit_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if user.scope.can_see(&from) {
        return Ok(from);
    }
    let parts = rows::parts(conn, h.id).await?;
    let ids: Vec<Uuid> = parts.shares.iter().map(|s| s.to_unit_id).collect();
    let successors = units::find_many(conn, &ids).await?;
    if successors.iter().any(|u| user.scope.can_see(u)) {
        Ok(from)
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn view(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<HandoverView> {
    let h = rows::find(conn, id).await?.ok_or(AppError::NotFound)?;
    let parts = rows::parts(conn, id).await?;
    Ok(HandoverView::new(h, &parts))
}

pub async fn get(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
) -> AppResult<HandoverView> {
    let h = rows::find(conn, id).await?.ok_or(AppError::NotFound)?;
    visible(conn, user, &h).await?;
    let parts = rows::parts(conn, id).await?;
    Ok(HandoverView::new(h, &parts))
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    unit_id: Option<Uuid>,
    status: Option<&str>,
    after: Option<Uuid>,
    limit: i64,
) -> AppResult<Vec<HandoverView>> {
    if let Some(id) = unit_id {
        lookups::unit_authorized(conn, &user.scope, Right::Read, id).await?;
    }
    let roots = user.scope.roots();
    let found = rows::list(
        conn,
        HandoverFilter {
            scope: &roots,
            unit_id,
            status,
            after,
            limit,
        },
    )
    .await?;
    let mut out = Vec::with_capacity(found.len());
    for h in found {
        let parts = rows::parts(conn, h.id).await?;
        out.push(HandoverView::new(h, &parts));
    }
    Ok(out)
}

/// What a person decides about a submitted handover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
    Cancel,
}

/// Approves or rejects (an approver where it was proposed, not the proposer), or cancels (an
/// officer, admin or approver there): 404 → 403 → 403 `same_person` → 409 `invalid_state`.
pub async fn decide(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
    decision: Decision,
) -> AppResult<HandoverView> {
    decide_only(conn, user, id, decision).await?;
    view(conn, id).await
}

/// [`decide`] without reading the handover back (the bulk approval decides thousands).
pub async fn decide_only(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
    decision: Decision,
) -> AppResult<()> {
    let h = rows::lock(conn, id).await?.ok_or(AppError::NotFound)?;
    visible(conn, user, &h).await?;
    let at = units::find(conn, h.proposed_at_unit_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let roles: &[Role] = match decision {
        Decision::Approve | Decision::Reject => &[Role::Approver],
        Decision::Cancel => &[Role::Officer, Role::Admin, Role::Approver],
    };
    if !roles
        .iter()
        .any(|r| user.scope.allows(Right::ActAs(*r), &at))
    {
        return Err(scope::needs(roles, &at.code, false));
    }
    if decision != Decision::Cancel && h.submitted_by == Some(user.id.0) {
        return Err(AppError::refused(Code::SamePerson));
    }
    let (allowed, to): (&[&str], &str) = match decision {
        Decision::Approve => (&["submitted"], "approved"),
        Decision::Reject => (&["submitted"], "rejected"),
        Decision::Cancel => (&["submitted", "approved"], "cancelled"),
    };
    if !allowed.contains(&h.status.as_str()) {
        return Err(says::invalid_state(&h.status));
    }
    rows::set_status(conn, id, to, user.id.0, None).await?;
    audit::record(
        conn,
        user,
        Change {
            action: match decision {
                Decision::Approve => "handover.approve",
                Decision::Reject => "handover.reject",
                Decision::Cancel => "handover.cancel",
            },
            target_type: "handover",
            target_id: Some(id),
            unit_id: Some(h.from_unit_id),
            changes: serde_json::json!({"status": to}),
        },
    )
    .await?;
    Ok(())
}

/// What an execution came to.
pub enum Execution {
    Executed(Box<HandoverView>),
    /// The fund changed since the proposal: the handover is cancelled (commit it), and the
    /// caller answers 409 `stale_handover`.
    Stale,
}

/// Executes an approved handover in the caller's transaction (a finance officer of the unit's
/// parent or above). Executing an executed handover answers it again.
pub async fn execute(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
    today: NaiveDate,
) -> AppResult<Execution> {
    let h = rows::lock(conn, id).await?.ok_or(AppError::NotFound)?;
    let from = visible(conn, user, &h).await?;
    let parent = match from.parent_id {
        Some(p) => units::find(conn, p).await?.ok_or(AppError::NotFound)?,
        None => return Err(AppError::NotFound),
    };
    if !user
        .scope
        .allows(Right::ActWithin(Role::Accountant), &parent)
    {
        return Err(scope::lacking(Right::ActWithin(Role::Accountant), &parent));
    }
    if h.status == "executed" {
        return Ok(Execution::Executed(Box::new(view(conn, id).await?)));
    }
    if h.status != "approved" {
        return Err(says::invalid_state(&h.status));
    }
    // writes racing this one into the unit wait for it, then meet the dissolved unit
    rows::lock_unit(conn, from.id).await?;
    let parts = rows::parts(conn, id).await?;
    let shares: Vec<Share> = parts
        .shares
        .iter()
        .map(|s| Share {
            to_unit_id: s.to_unit_id,
            fraction: s.fraction,
        })
        .collect();
    let keeper = shares
        .iter()
        .any(|s| s.to_unit_id == from.id)
        .then_some(from.id);
    let mut now: Vec<Line> = split::split(&rows::fund_parts(conn, from.id).await?, &shares, keeper);
    let mut then: Vec<Line> = parts.lines.iter().map(|l| l.line()).collect();
    now.sort();
    then.sort();
    let open: BTreeSet<(Kind, Uuid)> = rows::open_obligations(conn, from.id)
        .await?
        .into_iter()
        .map(|o| (o.kind, o.id))
        .collect();
    let named: BTreeSet<(Kind, Uuid)> = parts
        .obligations
        .iter()
        .map(|o| (o.kind, o.obligation_id))
        .collect();
    if now != then || open != named {
        rows::set_status(
            conn,
            id,
            "cancelled",
            user.id.0,
            Some("the fund or its open obligations changed since the proposal"),
        )
        .await?;
        return Ok(Execution::Stale);
    }

    if from.tier() == Tier::District {
        rows::record_district_succession(conn, from.id, parent.id, h.effective_on, user.id.0)
            .await?;
    }
    // obligations first: their reservations leave the fund before its money does
    for o in parts.obligations.iter().filter(|o| o.to_unit_id != from.id) {
        move_obligation(conn, from.id, o).await?;
    }
    let ends = matches!(from.life(), UnitLife::Dissolving { .. });
    if ends {
        rows::cancel_submitted(conn, from.id).await?;
    }
    let mut moved = 0usize;
    let mut by_target: BTreeMap<Uuid, Vec<String>> = BTreeMap::new();
    for v in parts.villages.iter().filter(|v| v.to_unit_id != from.id) {
        by_target
            .entry(v.to_unit_id)
            .or_default()
            .push(v.village_key.clone());
    }
    for (to, keys) in &by_target {
        moved += rows::move_households(conn, from.id, keys, *to).await?;
    }
    post_entries(conn, user, &h, &from, &then, today).await?;
    if ends {
        rows::dissolve(conn, from.id, today).await?;
    }
    rows::set_households_moved(conn, id, i32::try_from(moved).unwrap_or(i32::MAX)).await?;
    rows::set_status(conn, id, "executed", user.id.0, None).await?;
    rows::check_deferred_rules(conn).await?;
    audit::record(
        conn,
        user,
        Change {
            action: "handover.execute",
            target_type: "handover",
            target_id: Some(id),
            unit_id: Some(from.id),
            changes: serde_json::json!({"lines": then.len(), "households_moved": moved}),
        },
    )
    .await?;
    Ok(Execution::Executed(Box::new(view(conn, id).await?)))
}

async fn move_obligation(
    conn: &mut AsyncPgConnection,
    from: Uuid,
    o: &ObligationRow,
) -> AppResult<()> {
    Ok(rows::move_obligation(conn, from, o).await?)
}

/// The ending fund's entry emptying every line, and each successor's receiving its lines.
async fn post_entries(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    h: &HandoverRow,
    from: &UnitRow,
    lines: &[Line],
    today: NaiveDate,
) -> AppResult<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let chart = Chart::load(
        conn,
        from.id,
        &[
            AccountCode::Cash,
            AccountCode::InTransit,
            AccountCode::Goods,
            AccountCode::HandedOver,
        ],
    )
    .await?;
    let mut out = Vec::new();
    for l in lines {
        let source = match l.pool {
            Pool::Cash => chart.account(AccountCode::Cash)?,
            Pool::InTransit => chart.account(AccountCode::InTransit)?,
            Pool::Goods => chart.account(AccountCode::Goods)?,
            Pool::Bank => {
                let bank = l
                    .bank_account_id
                    .ok_or_else(|| AppError::internal("bank line without its account"))?;
                bank_accounts::find(conn, bank)
                    .await?
                    .ok_or_else(|| AppError::internal("bank line's account is gone"))?
                    .account_id
            }
        };
        out.push(NewPosting {
            account_id: chart.account(AccountCode::HandedOver)?,
            side: Side::Debit,
            amount: l.amount,
            campaign_id: l.campaign_id,
        });
        out.push(NewPosting {
            account_id: source,
            side: Side::Credit,
            amount: l.amount,
            campaign_id: l.campaign_id,
        });
    }
    let what = h
        .decision_no
        .as_deref()
        .map(|d| format!(" theo {d}"))
        .unwrap_or_default();
    entries::post(
        conn,
        &NewEntry {
            id: Uuid::now_v7(),
            unit_id: from.id,
            effective_date: today,
            source_type: SourceType::Handover,
            source_id: Some(h.id),
            description: format!("Bàn giao quỹ của {} cho đơn vị kế thừa{what}", from.code),
            reason: None,
            reverses_id: None,
            created_by: Some(user.id.0),
            postings: out,
        },
    )
    .await?;

    let mut by_target: BTreeMap<Uuid, Vec<&Line>> = BTreeMap::new();
    for l in lines {
        by_target.entry(l.to_unit_id).or_default().push(l);
    }
    for (to, lines) in by_target {
        let chart = Chart::load(
            conn,
            to,
            &[
                AccountCode::Cash,
                AccountCode::InTransit,
                AccountCode::Goods,
                AccountCode::ReceivedInHandover,
            ],
        )
        .await?;
        let mut postings = Vec::new();
        for l in lines {
            let into = match l.pool {
                Pool::Cash => AccountCode::Cash,
                Pool::Bank | Pool::InTransit => AccountCode::InTransit,
                Pool::Goods => AccountCode::Goods,
            };
            postings.push(NewPosting {
                account_id: chart.account(into)?,
                side: Side::Debit,
                amount: l.amount,
                campaign_id: l.campaign_id,
            });
            postings.push(NewPosting {
                account_id: chart.account(AccountCode::ReceivedInHandover)?,
                side: Side::Credit,
                amount: l.amount,
                campaign_id: l.campaign_id,
            });
        }
        entries::post(
            conn,
            &NewEntry {
                id: Uuid::now_v7(),
                unit_id: to,
                effective_date: today,
                source_type: SourceType::Handover,
                source_id: Some(h.id),
                description: format!("Nhận bàn giao quỹ của {}{what}", from.code),
                reason: None,
                reverses_id: None,
                created_by: Some(user.id.0),
                postings,
            },
        )
        .await?;
    }
    Ok(())
}

/// Records which of the successor's bank accounts received its handed-over bank money (its
/// finance officer): Dr 1121.N / Cr 1131 for every line not yet received.
pub async fn receive(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
    body: &ReceiveHandover,
    today: NaiveDate,
) -> AppResult<HandoverView> {
    let h = rows::lock(conn, id).await?.ok_or(AppError::NotFound)?;
    visible(conn, user, &h).await?;
    let to = lookups::unit_authorized(
        conn,
        &user.scope,
        Right::ActAs(Role::Accountant),
        body.to_unit_id,
    )
    .await?;
    let bank = lookups::bank_account_of(conn, &to, body.bank_account_id, "bank_account_id").await?;
    if body.received_on > today {
        return Err(crate::messages::common::in_the_future("received_on").into());
    }
    if h.status != "executed" {
        return Err(says::invalid_state(&h.status));
    }
    let parts = rows::parts(conn, id).await?;
    let waiting: Vec<_> = parts
        .lines
        .iter()
        .filter(|l| {
            l.to_unit_id == to.id
                && matches!(l.pool, Pool::Bank | Pool::InTransit)
                && l.receipt_entry_id.is_none()
        })
        .collect();
    if waiting.is_empty() {
        return Err(says::nothing_in_transit(&to.code));
    }
    let transit = crate::ledger::chart::account_id(conn, to.id, AccountCode::InTransit).await?;
    let mut postings = Vec::new();
    for l in &waiting {
        postings.push(NewPosting {
            account_id: bank.account_id,
            side: Side::Debit,
            amount: l.amount,
            campaign_id: l.campaign_id,
        });
        postings.push(NewPosting {
            account_id: transit,
            side: Side::Credit,
            amount: l.amount,
            campaign_id: l.campaign_id,
        });
    }
    let entry = entries::post(
        conn,
        &NewEntry {
            id: Uuid::now_v7(),
            unit_id: to.id,
            effective_date: body.received_on,
            source_type: SourceType::HandoverReceipt,
            source_id: Some(id),
            description: "Tiền bàn giao đã về tài khoản ngân hàng".to_owned(),
            reason: None,
            reverses_id: None,
            created_by: Some(user.id.0),
            postings,
        },
    )
    .await?;
    let positions: Vec<i32> = waiting.iter().map(|l| l.position).collect();
    rows::record_receipt(conn, id, &positions, bank.id, body.received_on, entry).await?;
    audit::record(
        conn,
        user,
        Change {
            action: "handover.receive",
            target_type: "handover",
            target_id: Some(id),
            unit_id: Some(to.id),
            changes: serde_json::json!({"bank_account_id": bank.id, "lines": positions.len()}),
        },
    )
    .await?;
    view(conn, id).await
}
