//! Transfers between tiers (api.md "Spending", ledger.md posting rules): an officer of the
//! sending unit submits (one transfer, or a weighted allocation over several descendants), an
//! approver of the sender approves (reserving the money) or rejects — the one decision of
//! `app::spending` — the sender's finance officer sends (6211 / 1121.N in the sender's fund) and
//! the receiver's finance officer receives (1121.N / 5113 in the receiver's fund). A restricted
//! campaign's earmark travels with the money.
//!
//! Each step is asked in two parts, in the order a client sees its answers: `check_*` /
//! `authorize_*` before the idempotent transaction (404, 403, 422 on what the request names),
//! then the step itself inside it, on the row locked there.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::spending::{self, acting_unit, authorize_as};
use super::{lookups, AppError, AppResult, Code};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::bank_accounts::BankAccountRow;
use crate::db::campaigns;
use crate::db::transfers::{self, NewTransfer, TransferRow};
use crate::db::units::{self, UnitRow};
use crate::domain::spending::{campaign_allows, Action, Direction, Kind, Purpose};
use crate::domain::{money, text, Role};
use crate::ledger::chart::{self, AccountCode};
use crate::ledger::reservations::{Holder, Pool};
use crate::ledger::{entries, rules, NewEntry, SourceType};
use crate::messages::spending as say;
use crate::messages::transfers as words;
use crate::views::transfers::{AllocationView, TransferView};

/// At most this many shares in one allocation.
pub const MAX_SHARES: usize = 1000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTransfer {
    /// The sending unit; the caller is one of its officers.
    pub from_unit_id: Uuid,
    /// An ancestor (remittance) or a descendant (allocation) of the sender.
    pub to_unit_id: Uuid,
    #[schema(example = "1000000")]
    pub amount: String,
    /// A campaign usable by both units; if restricted, its earmark travels with the money.
    pub campaign_id: Option<Uuid>,
    #[schema(max_length = 500)]
    pub purpose: String,
    #[schema(max_length = 100)]
    pub decision_no: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Share {
    /// A descendant of the sending unit.
    pub to_unit_id: Uuid,
    /// A positive whole number; the unit gets amount × weight / Σ weights (largest remainder).
    #[schema(minimum = 1, example = 1)]
    pub weight: u32,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllocateTransfers {
    pub from_unit_id: Uuid,
    /// The total, split exactly over the shares.
    #[schema(example = "1000000")]
    pub amount: String,
    pub campaign_id: Option<Uuid>,
    #[schema(max_length = 500)]
    pub purpose: String,
    #[schema(max_length = 100)]
    pub decision_no: Option<String>,
    /// 1 to 1000 shares, each to a different descendant.
    pub shares: Vec<Share>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendTransfer {
    /// Local date the money left the bank; today when omitted, never in the future.
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub sent_on: Option<NaiveDate>,
    /// A bank account of the sending fund.
    pub bank_account_id: Uuid,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiveTransfer {
    /// Local date the money arrived; today when omitted, not before `sent_on`, never in the
    /// future.
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub received_on: Option<NaiveDate>,
    /// A bank account of the receiving fund.
    pub bank_account_id: Uuid,
}

/// The fields every submission checks the same way: amount, purpose, decision number.
#[derive(Debug)]
pub struct Terms {
    pub amount: Decimal,
    pub purpose: String,
    pub decision_no: Option<String>,
}

impl Terms {
    fn parse(amount: &str, purpose: &str, decision_no: Option<&str>) -> AppResult<Terms> {
        let amount = money::parse_vnd(amount).map_err(say::bad_amount)?;
        let purpose = text::clean(purpose, 500).ok_or_else(|| say::text_length("purpose", 500))?;
        let decision_no = decision_no
            .map(|d| text::clean(d, 100).ok_or_else(|| say::text_length("decision_no", 100)))
            .transpose()?;
        Ok(Terms {
            amount,
            purpose,
            decision_no,
        })
    }
}

impl CreateTransfer {
    /// 422 on the amount, the purpose or the decision number.
    pub fn parse(&self) -> AppResult<Terms> {
        Terms::parse(&self.amount, &self.purpose, self.decision_no.as_deref())
    }
}

impl AllocateTransfers {
    /// The terms and each share's part of the amount (largest remainder); 422 on the terms, on
    /// no shares or too many, on a weight of 0, a unit named twice, or a part that would be 0.
    pub fn parse(&self) -> AppResult<(Terms, Vec<i64>)> {
        let terms = Terms::parse(&self.amount, &self.purpose, self.decision_no.as_deref())?;
        if self.shares.is_empty() || self.shares.len() > MAX_SHARES {
            return Err(words::share_count(MAX_SHARES).into());
        }
        let mut seen = HashSet::new();
        for (i, s) in self.shares.iter().enumerate() {
            if s.weight == 0 {
                return Err(words::weight_not_positive(i).into());
            }
            if !seen.insert(s.to_unit_id) {
                return Err(words::share_repeated(i).into());
            }
        }
        let total = terms
            .amount
            .to_i64()
            .ok_or_else(|| AppError::internal("amount beyond i64"))?;
        let weights: Vec<u64> = self.shares.iter().map(|s| u64::from(s.weight)).collect();
        let parts = money::split_largest_remainder(total, &weights)
            .ok_or_else(|| AppError::internal("no positive weight"))?;
        if let Some(i) = parts.iter().position(|p| *p == 0) {
            return Err(words::part_would_be_zero(i).into());
        }
        Ok((terms, parts))
    }
}

/// Transfers checked and ready to submit: one, or the shares of an allocation.
#[derive(Debug)]
pub struct Submission {
    from: Uuid,
    campaign_id: Option<Uuid>,
    terms: Terms,
    /// (receiver, direction, amount) in the order asked
    to: Vec<(Uuid, Direction, Decimal)>,
}

/// Which way money goes from `from` to `to`, when the two are related.
fn direction(from: &UnitRow, to: &UnitRow) -> Option<Direction> {
    Direction::between((from.id, &from.ancestry), (to.id, &to.ancestry))
}

/// One transfer asked: the caller is an officer of the sender (404, 403), the receiver an
/// ancestor or a descendant of it, the campaign usable by both (422).
pub async fn check(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    asked: &CreateTransfer,
    terms: Terms,
    today: NaiveDate,
) -> AppResult<Submission> {
    let from = sender(conn, user, asked.from_unit_id, today).await?;
    let to = units::find(conn, asked.to_unit_id)
        .await?
        .ok_or_else(words::not_related)?;
    let direction = direction(&from, &to).ok_or_else(words::not_related)?;
    lookups::unit_takes(&to, today)?;
    check_campaign(conn, asked.campaign_id, &[&from, &to]).await?;
    Ok(Submission {
        from: from.id,
        campaign_id: asked.campaign_id,
        to: vec![(to.id, direction, terms.amount)],
        terms,
    })
}

/// An allocation asked: the caller is an officer of the sender, every share's unit lies below
/// it (422 naming the share), the campaign usable by all of them.
pub async fn check_allocation(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    asked: &AllocateTransfers,
    terms: Terms,
    parts: &[i64],
    today: NaiveDate,
) -> AppResult<Submission> {
    let from = sender(conn, user, asked.from_unit_id, today).await?;
    let ids: Vec<Uuid> = asked.shares.iter().map(|s| s.to_unit_id).collect();
    let found: HashMap<Uuid, UnitRow> = units::find_many(conn, &ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut receivers = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        let to = found
            .get(id)
            .filter(|to| direction(&from, to) == Some(Direction::Allocation))
            .ok_or_else(|| words::share_not_below(i))?;
        lookups::unit_takes(to, today)?;
        receivers.push(to);
    }
    let mut all = receivers.clone();
    all.push(&from);
    check_campaign(conn, asked.campaign_id, &all).await?;
    let to = receivers
        .iter()
        .zip(parts)
        .map(|(to, part)| (to.id, Direction::Allocation, Decimal::from(*part)))
        .collect();
    Ok(Submission {
        from: from.id,
        campaign_id: asked.campaign_id,
        terms,
        to,
    })
}

/// The sending unit, when the caller is one of its officers (404, 403) and it still sends on
/// `today` (409 `unit_dissolved`).
async fn sender(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
    today: NaiveDate,
) -> AppResult<UnitRow> {
    let unit = lookups::unit_authorized(conn, &user.scope, Right::ActAs(Role::Officer), id).await?;
    lookups::unit_takes(&unit, today)?;
    Ok(unit)
}

/// 422 unless the campaign exists and is usable by every unit in `units` (its unit is an
/// ancestor of each, or the unit itself); 422 `campaign_purpose_mismatch` when its restricted
/// money may not move.
async fn check_campaign(
    conn: &mut AsyncPgConnection,
    campaign_id: Option<Uuid>,
    units: &[&UnitRow],
) -> AppResult<()> {
    let Some(id) = campaign_id else {
        return Ok(());
    };
    let c = campaigns::find(conn, id)
        .await?
        .filter(|c| units.iter().all(|u| u.ancestry.contains(&c.unit_id)))
        .ok_or_else(words::no_campaign_for_both)?;
    if c.restricted && !campaign_allows(&c.kind, Purpose::Transfer) {
        return Err(AppError::refused(Code::CampaignPurposeMismatch));
    }
    Ok(())
}

/// Inserts the submission's transfers in one statement, in the order asked.
async fn insert(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    s: &Submission,
    allocation_id: Option<Uuid>,
) -> AppResult<Vec<TransferRow>> {
    let rows: Vec<NewTransfer> =
        s.to.iter()
            .map(|(to, direction, amount)| NewTransfer {
                id: Uuid::now_v7(),
                from_unit_id: s.from,
                to_unit_id: *to,
                direction: direction.as_str(),
                amount: *amount,
                campaign_id: s.campaign_id,
                purpose: &s.terms.purpose,
                decision_no: s.terms.decision_no.as_deref(),
                allocation_id,
                submitted_by: user.id.0,
            })
            .collect();
    let mut created = transfers::insert(conn, &rows).await?;
    // RETURNING gives no order guarantee: answer in the order asked
    let position: HashMap<Uuid, usize> = rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    created.sort_by_key(|r| position.get(&r.id).copied());
    Ok(created)
}

/// Submits one transfer; nothing is reserved until an approver of the sender approves it.
pub async fn create(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    s: &Submission,
) -> AppResult<TransferView> {
    let row = insert(conn, user, s, None)
        .await?
        .pop()
        .ok_or_else(|| AppError::internal("insert returned no row"))?;
    audit::record(
        conn,
        user,
        Change {
            action: "transfer.create",
            target_type: Kind::Transfer.record_name(),
            target_id: Some(row.id),
            unit_id: Some(row.from_unit_id),
            changes: serde_json::json!({
                "to_unit_id": row.to_unit_id,
                "direction": row.direction,
                "amount": money::format(row.amount),
                "campaign_id": row.campaign_id,
            }),
        },
    )
    .await?;
    Ok(row.into())
}

/// Submits every share of an allocation together (or none).
pub async fn allocate(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    s: &Submission,
) -> AppResult<AllocationView> {
    let allocation_id = Uuid::now_v7();
    let created = insert(conn, user, s, Some(allocation_id)).await?;
    audit::record(
        conn,
        user,
        Change {
            action: "transfer.allocate",
            target_type: "allocation",
            target_id: Some(allocation_id),
            unit_id: Some(s.from),
            changes: serde_json::json!({
                "amount": money::format(s.terms.amount),
                "campaign_id": s.campaign_id,
                "transfers": created
                    .iter()
                    .map(|t| serde_json::json!({
                        "id": t.id,
                        "to_unit_id": t.to_unit_id,
                        "amount": money::format(t.amount),
                    }))
                    .collect::<Vec<_>>(),
            }),
        },
    )
    .await?;
    Ok(AllocationView {
        allocation_id,
        items: created.into_iter().map(TransferView::from).collect(),
    })
}

/// The earmark the transfer carries: its campaign when that campaign is restricted.
pub async fn earmark(conn: &mut AsyncPgConnection, t: &TransferRow) -> AppResult<Option<Uuid>> {
    Ok(match t.campaign_id {
        None => None,
        Some(id) => campaigns::find(conn, id)
            .await?
            .and_then(|c| c.restricted.then_some(c.id)),
    })
}

/// Who may send the transfer `id`: a finance officer of the sender (404 when the caller sees
/// neither end, 403 without the role); the bank account must be the sender's (422).
pub async fn authorize_send(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
    bank_account: Uuid,
) -> AppResult<BankAccountRow> {
    let (_, from) = authorize_as(conn, user, Kind::Transfer, id, Role::Accountant).await?;
    lookups::bank_account_of(conn, &from, bank_account, "bank_account_id").await
}

/// Who may record the transfer `id`'s arrival: a finance officer of the receiver; the bank
/// account must be the receiver's.
pub async fn authorize_receive(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
    bank_account: Uuid,
) -> AppResult<BankAccountRow> {
    let t = transfers::find(conn, id).await?.ok_or(AppError::NotFound)?;
    let right = Right::ActAs(Role::Accountant);
    let to = acting_unit(conn, user, right, t.to_unit_id, Some(t.from_unit_id)).await?;
    lookups::bank_account_of(conn, &to, bank_account, "bank_account_id").await
}

/// Sends an approved transfer: posts 6211 / 1121.N in the sender's fund with the transfer's
/// earmark and uses up its reservation. Until the receiver records it, the money is in transit.
pub async fn send(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
    sent_on: NaiveDate,
    bank: &BankAccountRow,
) -> AppResult<TransferView> {
    let t = transfers::lock(conn, id).await?;
    spending::transition(Kind::Transfer, t.status, Action::Send)?;
    let earmark = earmark(conn, &t).await?;
    let expense = chart::account_id(conn, t.from_unit_id, AccountCode::TransfersOut).await?;
    let entry = NewEntry {
        id: Uuid::now_v7(),
        unit_id: t.from_unit_id,
        effective_date: sent_on,
        source_type: SourceType::TransferSend,
        source_id: Some(t.id),
        description: words::sent_entry(&t.purpose),
        reason: None,
        reverses_id: None,
        created_by: Some(user.id.0),
        postings: rules::spend(expense, &[(bank.account_id, t.amount)], earmark),
    };
    let holder = Holder::Transfer(t.id);
    let entry_id = spending::pay_out(conn, holder, Pool::Money, t.amount, &entry).await?;
    let row = transfers::mark_sent(conn, t.id, user.id.0, sent_on, bank.id, entry_id).await?;
    moved(
        conn,
        user,
        "transfer.send",
        row.from_unit_id,
        &row,
        ("sent_on", sent_on),
        bank,
        entry_id,
    )
    .await
}

/// Records a sent transfer's arrival: posts 1121.N / 5113 in the receiver's fund, with the
/// earmark the transfer carries.
pub async fn receive(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
    received_on: NaiveDate,
    bank: &BankAccountRow,
) -> AppResult<TransferView> {
    let t = transfers::lock(conn, id).await?;
    spending::transition(Kind::Transfer, t.status, Action::Receive)?;
    if t.sent_on.is_some_and(|sent_on| received_on < sent_on) {
        return Err(words::received_before_sent().into());
    }
    let earmark = earmark(conn, &t).await?;
    let income = chart::account_id(conn, t.to_unit_id, AccountCode::TransfersIn).await?;
    let entry = NewEntry {
        id: Uuid::now_v7(),
        unit_id: t.to_unit_id,
        effective_date: received_on,
        source_type: SourceType::TransferReceive,
        source_id: Some(t.id),
        description: words::received_entry(&t.purpose),
        reason: None,
        reverses_id: None,
        created_by: Some(user.id.0),
        postings: rules::transfer_in(bank.account_id, income, t.amount, earmark),
    };
    let entry_id = entries::post(conn, &entry).await?;
    let row =
        transfers::mark_received(conn, t.id, user.id.0, received_on, bank.id, entry_id).await?;
    let on = ("received_on", received_on);
    moved(
        conn,
        user,
        "transfer.receive",
        row.to_unit_id,
        &row,
        on,
        bank,
        entry_id,
    )
    .await
}

/// The audit of money moved by a send or a receipt, and the transfer's answer.
#[allow(clippy::too_many_arguments)]
async fn moved(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    action: &str,
    unit: Uuid,
    row: &TransferRow,
    (date_field, date): (&str, NaiveDate),
    bank: &BankAccountRow,
    entry_id: Uuid,
) -> AppResult<TransferView> {
    let mut changes = serde_json::json!({
        "amount": money::format(row.amount),
        "bank_account_id": bank.id,
        "journal_entry_id": entry_id,
    });
    changes[date_field] = serde_json::json!(date);
    audit::record(
        conn,
        user,
        Change {
            action,
            target_type: Kind::Transfer.record_name(),
            target_id: Some(row.id),
            unit_id: Some(unit),
            changes,
        },
    )
    .await?;
    Ok(row.clone().into())
}
