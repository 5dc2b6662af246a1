//! Great Unity houses (`/v1/houses`): a project to build (`new`) or repair (`repair`) a poor
//! household's house, proposed by an officer of the funding unit with the norm as its default
//! support, approved by another person (reserving the support; `app::spending`), started,
//! accepted ("3 cứng") and handed over (releasing what was not paid), or cancelled before
//! acceptance; paid in tranches by the finance officer (posting 6111 or 6112), never beyond the
//! support.

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::tet_batches::transition;
use super::{lookups, AppError, AppResult};
use crate::audit::{self, Change};
use crate::auth::scope::{self, Right};
use crate::auth::AuthUser;
use crate::db::houses::{self, HouseFilter, HouseRow, NewHouse, NewPayment};
use crate::db::units::UnitRow;
use crate::db::{households, housing_norms, units};
use crate::domain::house::{self, checked_support, HouseKind, Proposal, Stage, Step, Tranche};
use crate::domain::spending::{self, Action, Kind, Purpose, Status};
use crate::domain::{money, Role};
use crate::ledger::chart::{AccountCode, Chart};
use crate::ledger::reservations::{self, Holder, Pool};
use crate::ledger::{entries, rules, NewEntry, SourceType};
use crate::messages::houses as says;
use crate::views::houses::{HouseView, PaymentView};

/// The expense account a tranche of a `kind` project debits (ledger.md chart).
pub fn expense_account(kind: HouseKind) -> AccountCode {
    match kind {
        HouseKind::New => AccountCode::NewHouses,
        HouseKind::Repair => AccountCode::HouseRepairs,
    }
}

/// The project and its funding unit, if the caller may see them (404 otherwise, as if the
/// project did not exist); the right to act is checked by the caller.
pub async fn find_visible(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
) -> AppResult<(HouseRow, UnitRow)> {
    let house = houses::find(conn, id).await?.ok_or(AppError::NotFound)?;
    let unit =
        lookups::unit_authorized(conn, &user.scope, Right::Read, house.funding_unit_id).await?;
    Ok((house, unit))
}

/// The project with its tranches, as single-project answers give it.
pub async fn detail(conn: &mut AsyncPgConnection, row: HouseRow) -> AppResult<HouseView> {
    let payments = houses::payments(conn, row.id).await?;
    Ok(HouseView::with_payments(row, payments))
}

/// One project with its tranches (404 outside the caller's scope).
pub async fn get(conn: &mut AsyncPgConnection, user: &AuthUser, id: Uuid) -> AppResult<HouseView> {
    let (project, _) = find_visible(conn, user, id).await?;
    detail(conn, project).await
}

/// What the list asks for.
pub struct ListQuery {
    pub unit_id: Option<Uuid>,
    pub status: Option<Status>,
    pub kind: Option<HouseKind>,
    pub household_id: Option<Uuid>,
    pub after: Option<Uuid>,
    /// Rows to read (the page size and one more).
    pub limit: i64,
}

/// Projects in the caller's scope, oldest first (without their tranches).
pub async fn list(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    q: ListQuery,
) -> AppResult<Vec<HouseView>> {
    // one unit the caller may read (a predecessor through its successor too), or their scope
    let roots = match q.unit_id {
        Some(id) => vec![
            lookups::unit_authorized(conn, &user.scope, Right::Read, id)
                .await?
                .id,
        ],
        None => user.scope.roots(),
    };
    let rows = houses::list(
        conn,
        HouseFilter {
            scope_roots: &roots,
            unit_id: q.unit_id,
            status: q.status.map(|s| s.as_str()),
            kind: q.kind.map(HouseKind::as_str),
            household_id: q.household_id,
            after: q.after,
            limit: q.limit,
        },
    )
    .await?;
    Ok(rows.into_iter().map(HouseView::from).collect())
}

/// A proposal checked against the database, ready to be recorded.
pub struct Checked {
    proposal: Proposal,
    unit_id: Uuid,
    earmark: Option<Uuid>,
    norm: Option<rust_decimal::Decimal>,
    support: rust_decimal::Decimal,
}

/// The checks of a proposal before its idempotent transaction, in the order a client meets
/// them: the funding unit (404/403 for an officer there), the household in its area, the
/// campaign, the norm and the support.
pub async fn check_proposal(
    conn: &mut AsyncPgConnection,
    officer: &AuthUser,
    proposal: Proposal,
    today: NaiveDate,
) -> AppResult<Checked> {
    let right = Right::ActAs(Role::Officer);
    let unit =
        lookups::unit_authorized(conn, &officer.scope, right, proposal.funding_unit_id).await?;
    lookups::unit_takes(&unit, today)?;
    check_household(conn, &unit, proposal.household_id).await?;
    let earmark = check_campaign(conn, &unit, proposal.campaign_id).await?;
    let norm = housing_norms::in_force(conn, unit.id, proposal.kind.as_str(), proposal.proposed_on)
        .await?;
    let support = checked_support(&proposal, norm)?;
    Ok(Checked {
        proposal,
        unit_id: unit.id,
        earmark,
        norm,
        support,
    })
}

/// Records a checked proposal. It moves no money until approved (which reserves the support)
/// and paid in tranches.
pub async fn create(
    conn: &mut AsyncPgConnection,
    officer: &AuthUser,
    c: &Checked,
    interval_years: u32,
) -> AppResult<HouseView> {
    let p = &c.proposal;
    // inside the idempotent transaction: a retry of a proposal that was made must replay its
    // 201, not meet its own house as the household's active project
    check_history(conn, p.household_id, p.kind, p.proposed_on, interval_years).await?;
    let row = houses::insert(
        conn,
        &NewHouse {
            id: Uuid::now_v7(),
            household_id: p.household_id,
            funding_unit_id: c.unit_id,
            kind: p.kind.as_str(),
            campaign_id: p.campaign_id,
            earmark_id: c.earmark,
            proposed_on: p.proposed_on,
            norm_amount: c.norm,
            support_amount: c.support,
            norm_override_reason: p.reason.as_deref(),
            estimated_cost: p.estimated_cost,
            area_m2: p.area,
            funding_plan: p.plan.to_json(),
            submitted_by: officer.id.0,
        },
    )
    .await?;
    audit::record(
        conn,
        officer,
        Change {
            action: "house.create",
            target_type: "house",
            target_id: Some(row.id),
            unit_id: Some(c.unit_id),
            changes: serde_json::json!({
                "kind": row.kind, "household_id": row.household_id,
                "support_amount": money::format(row.support_amount),
                "norm_amount": row.norm_amount.map(money::format),
                "campaign_id": row.campaign_id,
            }),
        },
    )
    .await?;
    Ok(HouseView::from(row))
}

/// 422 on `household_id` unless it lives in the funding unit's subtree; a household outside
/// it reads as one that does not exist.
async fn check_household(
    conn: &mut AsyncPgConnection,
    unit: &UnitRow,
    household_id: Uuid,
) -> AppResult<()> {
    let home = match households::find(conn, household_id).await? {
        Some(household) => units::find(conn, household.unit_id).await?,
        None => None,
    };
    home.filter(|u| u.is_within(unit.id))
        .ok_or_else(says::household_outside)?;
    Ok(())
}

/// The earmark the project spends: the campaign, when it is restricted (and meant for houses).
async fn check_campaign(
    conn: &mut AsyncPgConnection,
    unit: &UnitRow,
    campaign_id: Option<Uuid>,
) -> AppResult<Option<Uuid>> {
    let Some(c) = campaign_id else {
        return Ok(None);
    };
    let campaign = lookups::campaign_usable_by(conn, unit, c, "campaign_id").await?;
    if !campaign.restricted {
        return Ok(None);
    }
    if !spending::campaign_allows(&campaign.kind, Purpose::House) {
        return Err(says::campaign_not_for_houses(&campaign.kind));
    }
    Ok(Some(campaign.id))
}

/// 409 `active_house_project` while the household has a project going (the unique index is
/// the safety net for a race), and 409 `recent_house_support` for a new house when one was
/// handed over to it less than `years` years before.
async fn check_history(
    conn: &mut AsyncPgConnection,
    household_id: Uuid,
    kind: HouseKind,
    proposed_on: NaiveDate,
    years: u32,
) -> AppResult<()> {
    if let Some(active) = houses::active_of_household(conn, household_id).await? {
        return Err(says::active_project(active.id));
    }
    if kind == HouseKind::New {
        if let Some(last) = houses::last_new_house_handed_over(conn, household_id).await? {
            if house::is_recent_new_house(last, proposed_on, years) {
                return Err(says::recent_new_house(last, years));
            }
        }
    }
    Ok(())
}

/// The project and its unit when the caller may take `step` there: an officer starts and
/// accepts; an officer or an approver hands over.
pub async fn authorize_step(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
    step: Step,
) -> AppResult<(HouseRow, UnitRow)> {
    let (project, unit) = find_visible(conn, user, id).await?;
    if step == Step::HandOver {
        if !(user.scope.allows(Right::ActAs(Role::Officer), &unit)
            || user.scope.allows(Right::ActAs(Role::Approver), &unit))
        {
            return Err(scope::needs(
                &[Role::Officer, Role::Approver],
                &unit.code,
                false,
            ));
        }
    } else {
        lookups::authorize(conn, &user.scope, Right::ActAs(Role::Officer), &unit).await?;
    }
    Ok((project, unit))
}

/// Records a step of the works — started, accepted (the "3 cứng" already checked) or handed
/// over — on the locked project: its date (not in the future, not before the previous stage)
/// and evidence. Handing over releases what the reservation still held beyond the tranches.
pub async fn record_step(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
    step: Step,
    on: NaiveDate,
    today: NaiveDate,
    evidence_ids: &[Uuid],
) -> AppResult<HouseView> {
    let project = houses::lock(conn, id).await?;
    let (action, name, field, not_before) = match step {
        Step::Start => (
            Action::Start,
            "house.start",
            "started_on",
            Some(project.proposed_on),
        ),
        Step::Complete => (
            Action::Complete,
            "house.complete",
            "completed_on",
            project.started_on,
        ),
        Step::HandOver => (
            Action::HandOver,
            "house.hand_over",
            "handed_over_on",
            project.completed_on,
        ),
        Step::Approve => return Err(AppError::internal("approval is a decision, not a step")),
    };
    transition(Kind::House, &project.status, action)?;
    house::check_stage_date(field, on, today, not_before)?;
    if step == Step::HandOver {
        reservations::release(conn, Holder::House(project.id)).await?;
    }
    let evidence = house::with_evidence(&project.evidence, step, evidence_ids);
    let by = user.id.0;
    let row = match step {
        Step::Start => houses::start(conn, project.id, by, on, &evidence).await?,
        Step::Complete => houses::complete(conn, project.id, by, on, true, &evidence).await?,
        _ => houses::hand_over(conn, project.id, by, on, &evidence).await?,
    };
    let mut changes = serde_json::json!({"from": project.status, "to": row.status});
    changes[field] = serde_json::json!(on);
    match step {
        Step::Complete => changes["meets_3_cung"] = true.into(),
        Step::HandOver => changes["released"] = money::format(row.remaining_support()).into(),
        _ => {}
    }
    changes["evidence_ids"] = serde_json::json!(evidence.get(step.as_str()));
    audit::record(
        conn,
        user,
        Change {
            action: name,
            target_type: "house",
            target_id: Some(row.id),
            unit_id: Some(row.funding_unit_id),
            changes,
        },
    )
    .await?;
    detail(conn, row).await
}

/// The checks of a tranche before its idempotent transaction: the project visible, the
/// caller its funding unit's finance officer, the bank account the fund's. Gives the bank
/// account's ledger account.
pub async fn check_tranche(
    conn: &mut AsyncPgConnection,
    accountant: &AuthUser,
    id: Uuid,
    t: &Tranche,
) -> AppResult<Option<Uuid>> {
    let (_, unit) = find_visible(conn, accountant, id).await?;
    lookups::authorize(
        conn,
        &accountant.scope,
        Right::ActAs(Role::Accountant),
        &unit,
    )
    .await?;
    Ok(match t.bank_account_id {
        None => None,
        Some(b) => Some(
            lookups::bank_account_of(conn, &unit, b, "bank_account_id")
                .await?
                .account_id,
        ),
    })
}

/// Pays a tranche of an approved, started or completed project. With the project locked: the
/// paid amount grows (never beyond the support: 409 `exceeds_support`, and concurrent payments
/// queue on the lock), the approval's reservation is used, and the entry posts 6111 (new) or
/// 6112 (repair) against 1111 or 1121.N.
pub async fn pay(
    conn: &mut AsyncPgConnection,
    accountant: &AuthUser,
    id: Uuid,
    t: &Tranche,
    bank: Option<Uuid>,
) -> AppResult<PaymentView> {
    // concurrent tranches of one project queue here and see each other's amounts
    let project = houses::lock(conn, id).await?;
    let status = Status::parse(&project.status);
    if !matches!(
        status,
        Some(Status::Approved | Status::Started | Status::Completed)
    ) {
        return Err(says::no_payment_while(&project.status));
    }
    if t.stage == Stage::Final && status != Some(Status::Completed) {
        return Err(AppError::refused(super::Code::NotCompleted));
    }
    if project.paid_amount + t.amount > project.support_amount {
        return Err(says::exceeds_support(project.remaining_support()));
    }
    let unit = project.funding_unit_id;
    let expense_code = expense_account(project.kind);
    let chart = Chart::load(conn, unit, &[AccountCode::Cash, expense_code]).await?;
    let source = match bank {
        Some(account) => account,
        None => chart.account(AccountCode::Cash)?,
    };
    let expense = chart.account(expense_code)?;
    let entry = NewEntry {
        id: Uuid::now_v7(),
        unit_id: unit,
        effective_date: t.paid_on,
        source_type: SourceType::HousePayment,
        source_id: Some(project.id),
        description: format!(
            "Chi hỗ trợ nhà Đại đoàn kết ({}, {})",
            project.kind.as_str(),
            t.stage.as_str()
        ),
        reason: None,
        reverses_id: None,
        created_by: Some(accountant.id.0),
        postings: rules::spend(expense, &[(source, t.amount)], project.earmark_id),
    };
    // use the reservation first: the entry's overdraft check (run at once by `post`) counts
    // what is still reserved
    if !reservations::consume(conn, Holder::House(project.id), Pool::Money, t.amount).await? {
        return Err(AppError::internal("approved house without a reservation"));
    }
    entries::post(conn, &entry).await?;
    let row = houses::add_paid(conn, project.id, t.amount).await?;
    let payment = houses::insert_payment(
        conn,
        &NewPayment {
            id: Uuid::now_v7(),
            house_id: project.id,
            stage: t.stage.as_str(),
            amount: t.amount,
            method: t.method.as_str(),
            bank_account_id: t.bank_account_id,
            paid_on: t.paid_on,
            journal_entry_id: entry.id,
            paid_by: accountant.id.0,
        },
    )
    .await?;
    audit::record(
        conn,
        accountant,
        Change {
            action: "house.pay",
            target_type: "house",
            target_id: Some(project.id),
            unit_id: Some(unit),
            changes: serde_json::json!({
                "payment_id": payment.id, "stage": payment.stage,
                "amount": money::format(t.amount), "method": payment.method,
                "paid_on": payment.paid_on, "journal_entry_id": entry.id,
                "paid_amount": money::format(row.paid_amount),
            }),
        },
    )
    .await?;
    Ok(PaymentView::from(payment))
}
