//! Tết gift batches (api.md "Spending"): an officer proposes one gift for many households of a
//! Tết campaign, an approver reserves the money (`app::spending`'s decisions), the finance
//! officer disburses the batch total in one journal entry, officers sync deliveries from the
//! field, and closing the batch returns the undelivered gifts to the fund (ledger.md "Tết batch
//! disbursed" and "settled"). One gift per household per campaign holds across the whole tree.

use std::collections::HashSet;

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{lookups, AppError, AppResult};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::bank_accounts;
use crate::db::campaigns;
use crate::db::tet_batches::{
    self, Counts, NewTetBatch, RecipientRow, TetBatchFilter, TetBatchRow,
};
use crate::db::units::UnitRow;
use crate::domain::money;
use crate::domain::spending::{self, Action, Kind, Method, Purpose, Status};
use crate::domain::tet::{Delivery, Proposal, MAX_HOUSEHOLDS};
use crate::ledger::chart::{AccountCode, Chart};
use crate::ledger::reservations::{self, Holder, Pool};
use crate::ledger::{entries, rules, NewEntry, SourceType};
use crate::messages::tet_batches as says;
use crate::views::tet_batches::{DeliveriesView, RecipientView, TetBatchView};

/// The batch and its paying unit, if the caller holds `right` there (404 outside the scope,
/// 403 inside it without the right).
pub async fn load(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    user: &AuthUser,
    right: Right,
) -> AppResult<(TetBatchRow, UnitRow)> {
    let batch = tet_batches::find(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let unit = lookups::unit_authorized(conn, &user.scope, right, batch.unit_id).await?;
    Ok((batch, unit))
}

/// The view of a batch after a change, with fresh counts and without the recipient list.
pub async fn view(conn: &mut AsyncPgConnection, row: TetBatchRow) -> AppResult<TetBatchView> {
    let counts = tet_batches::counts_of(conn, row.id).await?;
    Ok(TetBatchView::new(row, counts, None))
}

pub fn holder(batch: &TetBatchRow) -> Holder {
    Holder::TetBatch(batch.id)
}

pub use super::spending::transition_from as transition;

/// One batch with its totals and every recipient's status, in list order; heads of household
/// named only for callers who may read personal data in the paying unit's area.
pub async fn get(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
) -> AppResult<TetBatchView> {
    let (batch, unit) = load(conn, id, user, Right::Read).await?;
    let personal = lookups::allows(conn, &user.scope, Right::ReadPersonal, &unit).await?;
    let counts = tet_batches::counts_of(conn, batch.id).await?;
    let recipients = tet_batches::recipients(conn, batch.id)
        .await?
        .into_iter()
        .map(|r| RecipientView::new(r, personal))
        .collect();
    Ok(TetBatchView::new(batch, counts, Some(recipients)))
}

/// What the list asks for.
pub struct ListQuery {
    pub unit_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    pub status: Option<Status>,
    pub after: Option<Uuid>,
    /// Rows to read (the page size and one more, to tell whether there is a next page).
    pub limit: i64,
}

/// Batches in the caller's scope, oldest first, with their totals (no recipients).
pub async fn list(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    q: ListQuery,
) -> AppResult<Vec<TetBatchView>> {
    // one unit the caller may read (a predecessor through its successor too), or their scope
    let roots = match q.unit_id {
        Some(id) => vec![
            lookups::unit_authorized(conn, &user.scope, Right::Read, id)
                .await?
                .id,
        ],
        None => user.scope.roots(),
    };
    if roots.is_empty() {
        return Ok(vec![]);
    }
    let rows = tet_batches::list(
        conn,
        TetBatchFilter {
            scope_roots: &roots,
            unit_id: q.unit_id,
            campaign_id: q.campaign_id,
            status: q.status.map(Status::as_str),
            after: q.after,
            limit: q.limit,
        },
    )
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let counts = tet_batches::counts(conn, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|b| {
            let c = counts.get(&b.id).copied().unwrap_or_default();
            TetBatchView::new(b, c, None)
        })
        .collect())
}

/// Proposes a batch for `unit` (already authorised for the officer): the campaign must be a
/// Tết campaign usable by the unit, the households in the unit's area, and none may hold a
/// pending or delivered gift of the campaign from any unit's batch.
#[tracing::instrument(name = "tet_batches.create", skip_all, fields(unit.id = %unit.id, households = p.household_ids.len()))]
pub async fn create(
    conn: &mut AsyncPgConnection,
    officer: &AuthUser,
    unit: &UnitRow,
    p: &Proposal,
) -> AppResult<TetBatchView> {
    let campaign = lookups::campaign_usable_by(conn, unit, p.campaign_id, "campaign_id").await?;
    if campaign.kind != "tet" {
        return Err(says::not_a_tet_campaign().into());
    }
    if campaign.restricted && !spending::campaign_allows(&campaign.kind, Purpose::TetGifts) {
        return Err(AppError::refused(super::Code::CampaignPurposeMismatch));
    }
    let earmark = campaign.restricted.then_some(campaign.id);
    if let Some(id) = p.bank_account_id {
        lookups::bank_account_of(conn, unit, id, "bank_account_id").await?;
    }

    // Households outside the unit's area — elsewhere, outside the caller's scope, or not
    // registered at all — get the same answer, so nothing leaks about the rest of the tree.
    let within: HashSet<Uuid> = tet_batches::households_within(conn, unit.id, &p.household_ids)
        .await?
        .into_iter()
        .collect();
    let outside: Vec<_> = p
        .household_ids
        .iter()
        .enumerate()
        .filter(|(_, id)| !within.contains(id))
        .map(|(i, _)| says::household_outside(i))
        .collect();
    if !outside.is_empty() {
        return Err(outside.into());
    }
    let received: HashSet<Uuid> =
        tet_batches::already_received(conn, campaign.id, &p.household_ids)
            .await?
            .into_iter()
            .collect();
    if !received.is_empty() {
        return Err(already_received(&p.household_ids, &received));
    }

    let count = p.household_ids.len();
    let row = tet_batches::insert(
        conn,
        &NewTetBatch {
            id: Uuid::now_v7(),
            unit_id: unit.id,
            campaign_id: campaign.id,
            earmark_id: earmark,
            cash_amount: p.cash,
            in_kind_description: p.in_kind.as_ref().map(|(d, _)| d.as_str()),
            in_kind_value: p.in_kind.as_ref().map_or(Decimal::ZERO, |(_, v)| *v),
            method: p.method.as_str(),
            bank_account_id: p.bank_account_id,
            household_count: count as i32,
            amount: p.amount,
            submitted_by: officer.id.0,
        },
    )
    .await?;
    // a concurrent batch may have taken a household since the check above: the unique index
    // `tet_gift_once_per_campaign` leaves it out, and the whole batch is refused naming it
    let added: HashSet<Uuid> =
        tet_batches::insert_recipients(conn, row.id, campaign.id, &p.household_ids)
            .await?
            .into_iter()
            .collect();
    if added.len() < p.household_ids.len() {
        let taken = p
            .household_ids
            .iter()
            .filter(|id| !added.contains(id))
            .copied()
            .collect();
        return Err(already_received(&p.household_ids, &taken));
    }
    audit::record(
        conn,
        officer,
        Change {
            action: "tet_batch.create",
            target_type: "tet_batch",
            target_id: Some(row.id),
            unit_id: Some(unit.id),
            changes: serde_json::json!({
                "campaign_id": campaign.id,
                "household_count": count,
                "cash_amount": money::format(p.cash),
                "in_kind_value": money::format(row.in_kind_value),
                "amount": money::format(p.amount),
                "method": p.method,
            }),
        },
    )
    .await?;
    let counts = Counts {
        pending: count as i64,
        ..Default::default()
    };
    Ok(TetBatchView::new(row, counts, None))
}

/// 409 `household_already_received`, listing the households (in the order asked) that hold a
/// gift of the campaign. They are all in the caller's area, so naming them reveals nothing.
fn already_received(asked: &[Uuid], received: &HashSet<Uuid>) -> AppError {
    let listed: Vec<Uuid> = asked
        .iter()
        .filter(|id| received.contains(id))
        .copied()
        .collect();
    says::already_received(&listed)
}

/// 1 to `MAX_HOUSEHOLDS` deliveries a request; the list as a whole has no field to name.
pub fn check_delivery_count(n: usize) -> AppResult<()> {
    if n == 0 || n > MAX_HOUSEHOLDS {
        return Err(says::delivery_count(MAX_HOUSEHOLDS));
    }
    Ok(())
}

/// Records deliveries synced from the field for a disbursed batch. Idempotent per household:
/// a household whose delivery is already recorded keeps its first record and counts as
/// `already_recorded`, so a client may resend a whole sync.
#[tracing::instrument(name = "tet_batches.deliveries", skip_all, fields(tet_batch.id = %id, deliveries = list.len()))]
pub async fn deliveries(
    conn: &mut AsyncPgConnection,
    officer: &AuthUser,
    id: Uuid,
    list: &[Delivery],
) -> AppResult<DeliveriesView> {
    let batch = tet_batches::lock(conn, id).await?;
    if batch.status != Status::Paid.as_str() {
        return Err(says::deliveries_not_paid(&batch.status));
    }
    let mut errors = Vec::new();
    if let Some(disbursed_on) = batch.disbursed_on {
        errors.extend(
            list.iter()
                .enumerate()
                .filter(|(_, d)| d.delivered_on < disbursed_on)
                .map(|(i, _)| says::before_disbursement(format!("[{i}].delivered_on"))),
        );
    }
    let ids: Vec<Uuid> = list.iter().map(|d| d.household_id).collect();
    let members: HashSet<Uuid> = tet_batches::recipients_among(conn, batch.id, &ids)
        .await?
        .into_iter()
        .collect();
    errors.extend(
        ids.iter()
            .enumerate()
            .filter(|(_, h)| !members.contains(h))
            .map(|(i, _)| says::not_a_recipient(i)),
    );
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let rows: Vec<tet_batches::Delivery<'_>> = list
        .iter()
        .map(|d| tet_batches::Delivery {
            household_id: d.household_id,
            delivered_on: d.delivered_on,
            ack_method: d.method.as_str(),
            evidence_sha256: d.evidence_sha256.as_deref(),
            witness_name: d.witness_name.as_deref(),
        })
        .collect();
    let recorded = tet_batches::record_deliveries(conn, batch.id, officer.id.0, &rows).await?;
    let counts = tet_batches::counts_of(conn, batch.id).await?;
    let view = DeliveriesView {
        delivered: recorded.len() as i64,
        already_recorded: (list.len() - recorded.len()) as i64,
        pending: counts.pending,
    };
    audit::record(
        conn,
        officer,
        Change {
            action: "tet_batch.deliveries",
            target_type: "tet_batch",
            target_id: Some(batch.id),
            unit_id: Some(batch.unit_id),
            changes: serde_json::json!({
                "delivered": view.delivered,
                "already_recorded": view.already_recorded,
                "pending": view.pending,
            }),
        },
    )
    .await?;
    Ok(view)
}

/// Disburses an approved batch: one journal entry debits 6121 with the batch total and credits
/// cash (1111) or the bank's 1121.N with the cash part and donated goods (1551) with the goods
/// part, using what the approval reserved.
#[tracing::instrument(name = "tet_batches.disburse", skip_all, fields(tet_batch.id = %id))]
pub async fn disburse(
    conn: &mut AsyncPgConnection,
    accountant: &AuthUser,
    id: Uuid,
    on: NaiveDate,
) -> AppResult<TetBatchView> {
    let batch = tet_batches::lock(conn, id).await?;
    transition(Kind::TetBatch, &batch.status, Action::Pay)?;
    let n = Decimal::from(batch.household_count);
    let (expense, sources) = gift_accounts(conn, &batch, n).await?;
    // the approval's reservations pay for this: use them, so the credits below do not eat
    // into money other approvals hold
    for (pool, per_household) in [
        (Pool::Money, batch.cash_amount),
        (Pool::Goods, batch.in_kind_value),
    ] {
        if !per_household.is_zero()
            && !reservations::consume(conn, holder(&batch), pool, n * per_household).await?
        {
            return Err(AppError::internal(format!(
                "approved Tết batch {} has no open {} reservation",
                batch.id,
                pool.as_str()
            )));
        }
    }
    reservations::release(conn, holder(&batch)).await?;
    let entry = NewEntry {
        id: Uuid::now_v7(),
        unit_id: batch.unit_id,
        effective_date: on,
        source_type: SourceType::TetBatch,
        source_id: Some(batch.id),
        description: format!("Chi quà Tết cho {} hộ", batch.household_count),
        reason: None,
        reverses_id: None,
        created_by: Some(accountant.id.0),
        postings: rules::spend(expense, &sources, batch.earmark_id),
    };
    entries::post(conn, &entry).await?;
    let row = tet_batches::mark_disbursed(conn, batch.id, accountant.id.0, on, entry.id).await?;
    audit::record(
        conn,
        accountant,
        Change {
            action: "tet_batch.disburse",
            target_type: "tet_batch",
            target_id: Some(row.id),
            unit_id: Some(row.unit_id),
            changes: serde_json::json!({
                "amount": money::format(row.amount),
                "disbursed_on": on,
                "journal_entry_id": entry.id,
            }),
        },
    )
    .await?;
    view(conn, row).await
}

/// Closes a disbursed batch: the gifts still undelivered are returned — their recipients
/// become `returned` and a settlement entry debits cash (or the bank's 1121.N) and goods and
/// credits 6121 with their value. When every gift was delivered there is nothing to return
/// and no entry.
#[tracing::instrument(name = "tet_batches.close", skip_all, fields(tet_batch.id = %id))]
pub async fn close(
    conn: &mut AsyncPgConnection,
    accountant: &AuthUser,
    id: Uuid,
    on: NaiveDate,
) -> AppResult<TetBatchView> {
    // the lock keeps delivery syncs out while the undelivered gifts are counted and returned
    let batch = tet_batches::lock(conn, id).await?;
    transition(Kind::TetBatch, &batch.status, Action::Close)?;
    if batch.disbursed_on.is_some_and(|d| on < d) {
        return Err(says::before_disbursement("closed_on").into());
    }
    let k = tet_batches::return_pending(conn, batch.id).await?;
    let settlement = if k == 0 {
        None
    } else {
        let (expense, sources) = gift_accounts(conn, &batch, Decimal::from(k)).await?;
        let entry = NewEntry {
            id: Uuid::now_v7(),
            unit_id: batch.unit_id,
            effective_date: on,
            source_type: SourceType::TetSettlement,
            source_id: Some(batch.id),
            description: format!("Thu hồi quà Tết chưa phát cho {k} hộ"),
            reason: None,
            reverses_id: None,
            created_by: Some(accountant.id.0),
            postings: rules::give_back(expense, &sources, batch.earmark_id),
        };
        Some(entries::post(conn, &entry).await?)
    };
    let row = tet_batches::mark_closed(conn, batch.id, accountant.id.0, on, settlement).await?;
    audit::record(
        conn,
        accountant,
        Change {
            action: "tet_batch.close",
            target_type: "tet_batch",
            target_id: Some(row.id),
            unit_id: Some(row.unit_id),
            changes: serde_json::json!({
                "returned_count": k,
                "returned_amount": money::format(row.gift_value() * Decimal::from(k)),
                "closed_on": on,
                "settlement_entry_id": settlement,
            }),
        },
    )
    .await?;
    view(conn, row).await
}

/// The accounts `k` gifts of the batch move between: 6121 and, for each non-zero part, where
/// it leaves from or returns to (cash 1111 or the bank's 1121.N for the cash part, 1551 for
/// the goods), with the amounts for `k` households.
async fn gift_accounts(
    conn: &mut AsyncPgConnection,
    batch: &TetBatchRow,
    k: Decimal,
) -> AppResult<(Uuid, Vec<(Uuid, Decimal)>)> {
    use AccountCode::{Cash, Goods, TetGifts};
    let chart = Chart::load(conn, batch.unit_id, &[TetGifts, Cash, Goods]).await?;
    let account = |code: AccountCode| {
        chart
            .account(code)
            .map_err(|_| AppError::internal(format!("fund lacks account {code}")))
    };
    let mut sources = Vec::with_capacity(2);
    if !batch.cash_amount.is_zero() {
        let source = match (batch.method, batch.bank_account_id) {
            (Method::Bank, Some(id)) => {
                bank_accounts::find(conn, id)
                    .await?
                    .ok_or_else(|| AppError::internal("the batch's bank account is gone"))?
                    .account_id
            }
            (Method::InKind, _) => account(Goods)?,
            _ => account(Cash)?,
        };
        sources.push((source, k * batch.cash_amount));
    }
    if !batch.in_kind_value.is_zero() {
        sources.push((account(Goods)?, k * batch.in_kind_value));
    }
    Ok((account(TetGifts)?, sources))
}

/// What the signed paper list (C-02Q) of a batch shows.
pub struct RecipientList {
    pub unit: UnitRow,
    pub campaign: String,
    pub batch: TetBatchRow,
    pub recipients: Vec<RecipientRow>,
}

/// The batch's C-02Q list; needs the right to read personal data in the paying unit's area.
pub async fn recipient_list(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
) -> AppResult<RecipientList> {
    let (batch, unit) = load(conn, id, user, Right::ReadPersonal).await?;
    let campaign = campaigns::find(conn, batch.campaign_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let recipients = tet_batches::recipients(conn, batch.id).await?;
    Ok(RecipientList {
        unit,
        campaign: campaign.name,
        batch,
        recipients,
    })
}
