//! The journal of a fund: manual entries by the finance officer and reversing entries, and the
//! entries as views. A command is in two steps so the client sees the checks in their order:
//! `plan_*` does the lookups and every check that can be made before the idempotency claim;
//! `post_*` runs inside the claim's transaction (`idempotency::transact`), where the database
//! checks balance, closed months and overdraft.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::lookups::unit_authorized;
use super::{AppError, AppResult};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::units::UnitRow;
use crate::db::{accounts, campaigns};
use crate::domain::field::FieldError;
use crate::domain::{money, text, Role};
use crate::ledger::entries::{self, EntryRow, JournalFilter, PostingRow};
use crate::ledger::{NewEntry, NewPosting, Side, SourceType};
use crate::messages::journal as refusals;
use crate::pagination::{self, Page};
use crate::views::journal::EntryView;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualEntry {
    pub unit_id: Uuid,
    /// Local date in an open month, not in the future; today when omitted.
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub effective_date: Option<NaiveDate>,
    #[schema(max_length = 500)]
    pub description: String,
    /// Why the adjustment is needed (required).
    #[schema(max_length = 1000)]
    pub reason: String,
    /// Two or more lines; debits and credits must balance.
    #[schema(min_items = 2)]
    pub postings: Vec<ManualPosting>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualPosting {
    /// An account of the fund's chart: `1111`, `6191`, `1121.2`…
    pub account_code: String,
    pub side: Side,
    /// Whole đồng as a string, positive, at most 10^15.
    #[schema(example = "1500000")]
    pub amount: String,
    /// Earmark: a campaign of this unit or of a unit above it.
    pub campaign_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReverseEntry {
    #[schema(max_length = 1000)]
    pub reason: String,
    /// Local date of the reversing entry, in an open month, not before the original and not in
    /// the future; today when omitted.
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub effective_date: Option<NaiveDate>,
}

/// A manual entry that passed every check made before posting.
pub struct ManualPlan(NewEntry);

/// Checks a manual entry: the unit (404/403), its texts, date and amounts, that it balances,
/// then its accounts and earmarks.
pub async fn plan_manual(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    input: &ManualEntry,
    today: NaiveDate,
) -> AppResult<ManualPlan> {
    let unit = unit_authorized(
        conn,
        &actor.scope,
        Right::ActAs(Role::Accountant),
        input.unit_id,
    )
    .await?;
    let (description, reason, effective_date, amounts) = validate(input, today)?;
    let postings = resolve(conn, &unit, input, &amounts).await?;
    Ok(ManualPlan(NewEntry {
        id: Uuid::now_v7(),
        unit_id: unit.id,
        effective_date,
        source_type: SourceType::Manual,
        source_id: None,
        description,
        reason: Some(reason),
        reverses_id: None,
        created_by: Some(actor.id.0),
        postings,
    }))
}

/// Posts a planned manual entry with its audit event.
pub async fn post_manual(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    ManualPlan(entry): ManualPlan,
) -> AppResult<EntryView> {
    // the database checks balance, closed months and overdraft here, before the audit row
    entries::post(conn, &entry).await?;
    let total: Decimal = entry
        .postings
        .iter()
        .filter(|p| p.side == Side::Debit)
        .map(|p| p.amount)
        .sum();
    audit::record(
        conn,
        actor,
        Change {
            action: "journal.manual_entry",
            target_type: "journal_entry",
            target_id: Some(entry.id),
            unit_id: Some(entry.unit_id),
            changes: serde_json::json!({
                "effective_date": entry.effective_date,
                "total": money::format(total),
                "postings": entry.postings.len(),
            }),
        },
    )
    .await?;
    view(conn, entry.id).await
}

/// A reversal that passed every check made before posting.
pub struct ReversalPlan {
    original: EntryRow,
    effective_date: NaiveDate,
    reason: String,
}

/// Checks a reversal of entry `id`: the entry and its unit (404/403), the reason, the date
/// (not in the future, not before the original), and that the entry is the ledger's own to
/// reverse (a donation's is undone by its void; a spending's where it was recorded).
pub async fn plan_reversal(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    id: Uuid,
    input: &ReverseEntry,
    today: NaiveDate,
) -> AppResult<ReversalPlan> {
    let original = entries::find(conn, id).await?.ok_or(AppError::NotFound)?;
    unit_authorized(
        conn,
        &actor.scope,
        Right::ActAs(Role::Accountant),
        original.unit_id,
    )
    .await?;
    let reason =
        text::clean(&input.reason, 1000).ok_or_else(|| refusals::text_length("reason", 1000))?;
    let effective_date = input.effective_date.unwrap_or(today);
    if effective_date > today {
        return Err(refusals::in_the_future("effective_date").into());
    }
    if effective_date < original.effective_date {
        return Err(refusals::reversal_before_original().into());
    }
    match SourceType::parse(&original.source_type) {
        // the donation register must agree with the ledger: a donation is undone by its void,
        // and a void stays final
        Some(SourceType::Donation) => return Err(refusals::reverse_a_donation()),
        Some(SourceType::DonationVoid) => return Err(refusals::reverse_a_void()),
        // entries that only the ledger knows about may be corrected by reversal
        Some(
            SourceType::Manual
            | SourceType::Reversal
            | SourceType::BankFee
            | SourceType::BankInterest,
        ) => {}
        // the rest belong to a spending or transfer record, which has its own way back
        _ => return Err(refusals::reverse_a_record()),
    }
    Ok(ReversalPlan {
        original,
        effective_date,
        reason,
    })
}

/// Posts a planned reversal with its audit event.
pub async fn reverse(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    plan: ReversalPlan,
) -> AppResult<EntryView> {
    let ReversalPlan {
        original,
        effective_date,
        reason,
    } = plan;
    // checked here for a clear answer; the unique `reverses_id` decides under concurrency
    if entries::reversal_of(conn, original.id).await?.is_some() {
        return Err(AppError::refused(super::Code::AlreadyReversed));
    }
    let description: String = format!("Đảo bút toán: {}", original.description)
        .chars()
        .take(500)
        .collect();
    let id = entries::reverse(
        conn,
        &original,
        SourceType::Reversal,
        effective_date,
        description,
        Some(reason),
        Some(actor.id.0),
    )
    .await?;
    audit::record(
        conn,
        actor,
        Change {
            action: "journal.reverse",
            target_type: "journal_entry",
            target_id: Some(id),
            unit_id: Some(original.unit_id),
            changes: serde_json::json!({"reverses_id": original.id, "effective_date": effective_date}),
        },
    )
    .await?;
    view(conn, id).await
}

/// What a journal listing asks for.
pub struct Listing {
    /// Entries of this fund only; without it, of every fund in the caller's scope.
    pub unit_id: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub source_type: Option<SourceType>,
    pub after: Option<(NaiveDate, Uuid)>,
    pub limit: i64,
}

/// A page of entries with their postings, by effective date, in the caller's scope.
pub async fn list(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    q: Listing,
) -> AppResult<Page<EntryView>> {
    // one fund the caller may read (a predecessor's too, through its successor), or every fund
    // in their scope
    let scope = match q.unit_id {
        Some(unit_id) => vec![
            unit_authorized(conn, &actor.scope, Right::Read, unit_id)
                .await?
                .id,
        ],
        None => actor.scope.roots(),
    };
    let rows = entries::list(
        conn,
        JournalFilter {
            units: &scope,
            unit: q.unit_id,
            from: q.from,
            to: q.to,
            source_type: q.source_type,
            after: q.after,
            limit: q.limit + 1,
        },
    )
    .await?;
    let page = pagination::page(
        rows,
        q.limit,
        |e| pagination::cursor_key(e.effective_date, e.id),
        |e| e,
    );
    Ok(Page {
        items: views(conn, page.items).await?,
        next_cursor: page.next_cursor,
    })
}

/// One entry, if its fund is in the caller's scope.
pub async fn get(conn: &mut AsyncPgConnection, actor: &AuthUser, id: Uuid) -> AppResult<EntryView> {
    let entry = view(conn, id).await?;
    unit_authorized(conn, &actor.scope, Right::Read, entry.unit_id.0).await?;
    Ok(entry)
}

/// Views of `rows` with their postings and reversals, in the order given (two queries per page).
pub async fn views(conn: &mut AsyncPgConnection, rows: Vec<EntryRow>) -> AppResult<Vec<EntryView>> {
    let ids: Vec<Uuid> = rows.iter().map(|e| e.id).collect();
    let mut postings: HashMap<Uuid, Vec<PostingRow>> = HashMap::new();
    for p in entries::postings_of(conn, &ids).await? {
        postings.entry(p.entry_id).or_default().push(p);
    }
    let reversals = entries::reversals_of(conn, &ids).await?;
    rows.into_iter()
        .map(|e| {
            let lines = postings.remove(&e.id).unwrap_or_default();
            let reversed_by = reversals.get(&e.id).copied();
            EntryView::new(e, lines, reversed_by).map_err(AppError::Internal)
        })
        .collect()
}

/// One entry's view, or not found.
pub async fn view(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<EntryView> {
    let row = entries::find(conn, id).await?.ok_or(AppError::NotFound)?;
    views(conn, vec![row])
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// Checks that need no database: texts, date, amounts, and that the entry balances.
fn validate(
    input: &ManualEntry,
    today: NaiveDate,
) -> AppResult<(String, String, NaiveDate, Vec<Decimal>)> {
    let mut errors = Vec::new();
    let description = text::clean(&input.description, 500);
    if description.is_none() {
        errors.push(refusals::text_length("description", 500));
    }
    let reason = text::clean(&input.reason, 1000);
    if reason.is_none() {
        errors.push(refusals::text_length("reason", 1000));
    }
    let effective_date = input.effective_date.unwrap_or(today);
    if effective_date > today {
        errors.push(refusals::in_the_future("effective_date"));
    }
    if input.postings.len() < 2 {
        errors.push(refusals::too_few_postings());
    }
    let mut amounts = Vec::with_capacity(input.postings.len());
    for (i, p) in input.postings.iter().enumerate() {
        match money::parse_vnd(&p.amount) {
            Ok(a) => amounts.push(a),
            Err(e) => errors.push(FieldError::new(
                format!("postings[{i}].amount"),
                e.to_string(),
                e.vi(),
            )),
        }
    }
    let (Some(description), Some(reason), true) = (description, reason, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let total = |side: Side| -> Decimal {
        input
            .postings
            .iter()
            .zip(&amounts)
            .filter(|(p, _)| p.side == side)
            .map(|(_, a)| *a)
            .sum()
    };
    let (debits, credits) = (total(Side::Debit), total(Side::Credit));
    if debits != credits {
        return Err(refusals::unbalanced(debits, credits));
    }
    Ok((description, reason, effective_date, amounts))
}

/// Turns account codes into the fund's accounts and checks each earmark may be used here.
async fn resolve(
    conn: &mut AsyncPgConnection,
    unit: &UnitRow,
    input: &ManualEntry,
    amounts: &[Decimal],
) -> AppResult<Vec<NewPosting>> {
    let codes: Vec<&str> = input
        .postings
        .iter()
        .map(|p| p.account_code.as_str())
        .collect();
    let ids = accounts::ids_by_code(conn, unit.id, &codes).await?;
    let mut usable: HashMap<Uuid, bool> = HashMap::new();
    let mut errors = Vec::new();
    let mut lines = Vec::with_capacity(input.postings.len());
    for (i, (p, amount)) in input.postings.iter().zip(amounts).enumerate() {
        let account = ids.get(&p.account_code).copied();
        if account.is_none() {
            errors.push(refusals::no_such_account(format!(
                "postings[{i}].account_code"
            )));
        }
        if let Some(campaign) = p.campaign_id {
            let ok = match usable.get(&campaign) {
                Some(ok) => *ok,
                None => {
                    // an earmark is usable by the campaign's unit and every unit below it
                    let ok = campaigns::find(conn, campaign)
                        .await?
                        .is_some_and(|c| unit.is_within(c.unit_id));
                    usable.insert(campaign, ok);
                    ok
                }
            };
            if !ok {
                errors.push(refusals::no_usable_campaign(format!(
                    "postings[{i}].campaign_id"
                )));
            }
        }
        if let Some(account_id) = account {
            lines.push(NewPosting {
                account_id,
                side: p.side,
                amount: *amount,
                campaign_id: p.campaign_id,
            });
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(lines)
}
