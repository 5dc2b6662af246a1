//! Donations: record one (an officer's `POST /v1/donations`, the demo), void one, and record
//! them in bulk from a bank statement's credit lines. The rules are written once here: the unit
//! the caller acts for, a campaign the unit may use (a restricted one earmarks the money), a
//! bank account of the fund, the posting rule (`ledger::rules::donation`), the audit event and
//! the receipt (numbered by the database's `receipt_number`, the format's one definition).
//!
//! Recording one donation costs two round trips: one statement reads everything the checks
//! need (the caller with their roles, read fresh so a demotion or a disabling takes effect at
//! once; the unit, campaign, bank account, chart accounts and Idempotency-Key), and one
//! statement — the database function `record_donation`, committed on its own — writes
//! everything (key claim, entry, postings, audit, receipt counter, donation, stored response).

use chrono::{NaiveDate, SubsecRound, Utc};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::statements::LineSelection;
use super::{lookups, AppError, AppResult, Code};
use crate::audit::{self, Change};
use crate::auth::extractor::Bearer;
use crate::auth::scope::Right;
use crate::auth::{AuthUser, Officer};
use crate::db::bank_accounts::BankAccountRow;
use crate::db::donations::{
    self, Completion, ContextOf, DonationFilter, DonationRow, DonationWrite, NewDonation,
};
use crate::db::donor_name_checks as name_checks;
use crate::db::idempotency::{self as keys, Taken};
use crate::db::units::{self, UnitRow};
use crate::domain::donation::{self as rules_of, Channel, Donation, DonorKind, PublicDisplay};
use crate::domain::field::FieldError;
use crate::domain::statement::donor;
use crate::domain::{text, Role};
use crate::ledger::bulk::{self, LineDonation, LineSide, OpenLine, Target};
use crate::ledger::chart::AccountCode;
use crate::ledger::rules::{self, DonationAccounts, Receipt};
use crate::ledger::{entries, SourceType};
use crate::messages::common;
use crate::views::donations::DonationView;

/// The chart accounts a donation may post to (besides a bank account's own 1121.N).
const DONATION_CODES: [AccountCode; 4] = [
    AccountCode::Cash,
    AccountCode::Goods,
    AccountCode::CashDonations,
    AccountCode::InKindDonations,
];

/// A request's `Idempotency-Key` and the hash of its method, path and body.
#[derive(Debug, Clone, Copy)]
pub struct Key<'a> {
    pub key: &'a str,
    pub hash: &'a [u8],
}

/// A donation to record, as the request named it: the ids the lookups need even when the rest
/// of the body is invalid (so 401/403/404 still come first), and the parsed donation.
pub struct ToRecord {
    pub unit_id: Uuid,
    pub campaign_id: Option<Uuid>,
    pub bank_account_id: Option<Uuid>,
    pub donation: Result<Donation, Vec<FieldError>>,
}

/// What recording answered.
pub enum Recorded {
    /// Recorded now: the 201 with its `Location`.
    Created(Box<DonationView>),
    /// The key was already used: its stored response, or why not.
    Taken(Taken),
}

/// The `Location` of a donation.
pub fn location(id: Uuid) -> String {
    format!("/v1/donations/{id}")
}

/// Records a donation for the caller: 401 when the user is disabled or gone, 403 when they are
/// an officer nowhere, 422 for an invalid body, 404/403 for the unit, the key's stored answer,
/// 422 for a campaign or bank account the unit may not use; then the write (409
/// `duplicate_bank_reference`, `period_closed`, … from the database).
pub async fn record(
    conn: &mut AsyncPgConnection,
    caller: &Bearer,
    key: Option<Key<'_>>,
    input: ToRecord,
) -> AppResult<Recorded> {
    let codes = DONATION_CODES.map(AccountCode::as_str);
    let ctx = donations::context(
        conn,
        &ContextOf {
            user: caller.user_id,
            unit: input.unit_id,
            campaign: input.campaign_id,
            bank_account: input.bank_account_id,
            codes: &codes,
            key: key.map(|k| k.key),
            hash: key.map(|k| k.hash),
        },
    )
    .await?
    .ok_or_else(|| AppError::refused(Code::Unauthenticated))?;
    let user = AuthUser::assemble(
        caller.user_id,
        ctx.username.clone(),
        ctx.roles
            .iter()
            .zip(&ctx.role_units)
            .zip(ctx.role_unit_codes.iter().zip(&ctx.role_tiers))
            .map(|((role, unit), (code, tier))| (role.clone(), *unit, code.clone(), tier.clone())),
        caller.meta.clone(),
    );
    let officer = Officer::admit(user)?;
    let d = input.donation?;
    let unit = ctx.unit().ok_or(AppError::NotFound)?;
    lookups::authorize(conn, &officer.scope, Right::ActAs(Role::Officer), &unit).await?;
    if let (Some(k), Some(row)) = (key, ctx.key_taken()) {
        return Ok(Recorded::Taken(row.taken(k.hash)));
    }
    lookups::unit_takes(&unit, d.received_on)?;
    // a campaign is usable by its unit and every unit below it
    let earmark = match d.campaign_id {
        None => None,
        Some(id) => {
            ctx.campaign_unit_id
                .filter(|u| unit.ancestry.contains(u))
                .ok_or_else(|| common::no_such_campaign("campaign_id"))?;
            (ctx.campaign_restricted == Some(true)).then_some(id)
        }
    };
    let receipt = match (d.channel, d.bank_account_id) {
        (Channel::BankTransfer, Some(_)) => Receipt::Bank(
            ctx.bank_unit_id
                .filter(|u| *u == unit.id)
                .and(ctx.bank_ledger_id)
                .ok_or_else(|| common::not_a_bank_account_of_the_fund("bank_account_id"))?,
        ),
        (Channel::InKind, _) => Receipt::InKind,
        _ => Receipt::Cash,
    };
    let chart = donation_accounts(&unit, ctx.account_codes.iter().zip(&ctx.account_ids))?;
    let written = write(conn, &officer, &unit, &chart, receipt, earmark, d, key).await?;
    Ok(match written {
        Some(row) => Recorded::Created(Box::new(DonationView::new(row, true))),
        None => Recorded::Taken(taken_now(conn, officer.id.0, key).await?),
    })
}

/// The key another request took between our read and our write: its answer now.
async fn taken_now(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    key: Option<Key<'_>>,
) -> AppResult<Taken> {
    let Some(k) = key else {
        return Err(AppError::internal(
            "a donation without a key was not recorded",
        ));
    };
    Ok(match keys::find(conn, user, k.key).await? {
        Some(row) => row.taken(k.hash),
        // released between the write and this read: the client may simply retry
        None => Taken::InProgress,
    })
}

/// The accounts of `unit`'s fund a donation posts to.
pub async fn chart(conn: &mut AsyncPgConnection, unit: &UnitRow) -> AppResult<DonationAccounts> {
    let codes = DONATION_CODES.map(AccountCode::as_str);
    let ids = crate::db::accounts::ids_by_code(conn, unit.id, &codes).await?;
    donation_accounts(unit, ids.iter())
}

/// The fund's donation accounts from (code, id) pairs; a fund without one is broken data.
fn donation_accounts<'a>(
    unit: &UnitRow,
    pairs: impl Iterator<Item = (&'a String, &'a Uuid)>,
) -> AppResult<DonationAccounts> {
    let found: Vec<(AccountCode, Uuid)> = pairs
        .filter_map(|(code, id)| Some((AccountCode::parse(code)?, *id)))
        .collect();
    let account = |code: AccountCode| {
        found
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, id)| *id)
            .ok_or_else(|| AppError::internal(format!("fund {} lacks account {code}", unit.code)))
    };
    Ok(DonationAccounts {
        cash: account(AccountCode::Cash)?,
        in_kind: account(AccountCode::Goods)?,
        cash_income: account(AccountCode::CashDonations)?,
        in_kind_income: account(AccountCode::InKindDonations)?,
    })
}

/// The write of one donation, checked: its entry by the posting rule, its audit event, its
/// receipt and (with a key) the stored response, in one statement. `None` when the key is taken.
#[allow(clippy::too_many_arguments)]
pub async fn write(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    unit: &UnitRow,
    chart: &DonationAccounts,
    receipt: Receipt,
    earmark: Option<Uuid>,
    d: Donation,
    key: Option<Key<'_>>,
) -> AppResult<Option<DonationRow>> {
    let postings = rules::donation(receipt, chart, d.amount_vnd, earmark);
    let (debit, credit) = match postings.as_slice() {
        [debit, credit] => (debit.account_id, credit.account_id),
        _ => return Err(AppError::internal("a donation posts two lines")),
    };
    let items = d
        .in_kind_items
        .as_ref()
        .map(serde_json::to_value)
        .transpose()
        .map_err(AppError::internal)?;
    let new = NewDonation {
        id: Uuid::now_v7(),
        unit_id: unit.id,
        unit_code: &unit.code,
        campaign_id: d.campaign_id,
        channel: d.channel.as_str(),
        amount: d.amount,
        currency: d.currency.code,
        fx_rate: d.fx_rate,
        amount_vnd: d.amount_vnd,
        received_on: d.received_on,
        donor_kind: d.donor_kind.as_str(),
        donor_name: d.donor_name.as_deref(),
        donor_search: d.donor_name.as_deref().map(text::fold).unwrap_or_default(),
        donor_phone: d.donor_phone.as_deref(),
        donor_email: d.donor_email.as_deref(),
        donor_address: d.donor_address.as_deref(),
        donor_tax_code: d.donor_tax_code.as_deref(),
        public_display: d.public_display.as_str(),
        bank_account_id: d.bank_account_id,
        bank_reference: d.bank_reference.as_deref(),
        in_kind_items: items,
        note: d.note.as_deref(),
        journal_entry_id: Uuid::now_v7(),
        created_by: actor.id.0,
        // PostgreSQL keeps microseconds: the stored replay must match the row
        created_at: Utc::now().trunc_subsecs(6),
    };
    let location = location(new.id);
    let response = match key {
        Some(_) => Some(
            serde_json::to_value(DonationView::new(new.as_recorded(), true))
                .map_err(AppError::internal)?,
        ),
        None => None,
    };
    let changes = serde_json::json!({
        "channel": d.channel,
        "amount_vnd": d.amount_vnd.to_string(),
        "journal_entry_id": new.journal_entry_id,
    });
    let roles = actor.roles_json();
    let description = rules_of::entry_description(d.channel);
    let meta = &actor.meta;
    let row = donations::record(
        conn,
        &DonationWrite {
            donation: &new,
            description: &description,
            debit,
            credit,
            earmark,
            audit_id: Uuid::now_v7(),
            actor_roles: &roles,
            request_id: (!meta.request_id.is_empty()).then_some(meta.request_id.as_str()),
            client_ip: meta.client_ip.as_deref(),
            changes: &changes,
            ancestry: &unit.ancestry,
            completion: key.zip(response.as_ref()).map(|(k, response)| Completion {
                key: k.key,
                hash: k.hash,
                response,
                location: &location,
            }),
        },
    )
    .await?;
    Ok(row)
}

/// The donation `id` and its unit, when the caller may void it there (404 outside their scope,
/// 403 without the finance officer's role at the unit).
pub async fn voidable(
    conn: &mut AsyncPgConnection,
    accountant: &AuthUser,
    id: Uuid,
) -> AppResult<(DonationRow, UnitRow)> {
    let donation = donations::find(conn, id).await?.ok_or(AppError::NotFound)?;
    let unit = super::lookups::unit_authorized(
        conn,
        &accountant.scope,
        Right::ActAs(Role::Accountant),
        donation.unit_id,
    )
    .await?;
    Ok((donation, unit))
}

/// Voids a donation (inside the caller's transaction): a reversing entry dated `today`, the
/// donation marked void with `reason`, the audit event. 409 `already_void` when it was voided
/// before.
pub async fn void(
    conn: &mut AsyncPgConnection,
    accountant: &AuthUser,
    donation: &DonationRow,
    unit: &UnitRow,
    reason: &str,
    today: NaiveDate,
) -> AppResult<DonationView> {
    let already_void = || AppError::refused(Code::AlreadyVoid);
    let entry = entries::find(conn, donation.journal_entry_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let void_entry = entries::reverse(
        conn,
        &entry,
        SourceType::DonationVoid,
        today,
        rules_of::void_description(donation.id),
        Some(reason.to_owned()),
        Some(accountant.id.0),
    )
    .await
    .map_err(|e| match e {
        // the donation's entry can be reversed once: that is the void
        diesel::result::Error::DatabaseError(_, ref info)
            if info.constraint_name() == Some("journal_entries_reverses_id_key") =>
        {
            already_void()
        }
        e => e.into(),
    })?;
    let row = donations::mark_void(conn, donation.id, void_entry, reason, accountant.id.0)
        .await
        .map_err(|e| match e {
            diesel::result::Error::NotFound => already_void(),
            e => e.into(),
        })?;
    audit::record(
        conn,
        accountant,
        Change {
            action: "donation.void",
            target_type: "donation",
            target_id: Some(donation.id),
            unit_id: Some(unit.id),
            changes: serde_json::json!({"receipt_number": row.receipt_number, "void_entry_id": void_entry}),
        },
    )
    .await?;
    Ok(DonationView::new(row, true))
}

/// One donation, if its fund is in the caller's scope; the donor's contact details only for
/// those who may read personal data there.
pub async fn get(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
) -> AppResult<DonationView> {
    let donation = donations::find(conn, id).await?.ok_or(AppError::NotFound)?;
    let unit = lookups::unit_authorized(conn, &user.scope, Right::Read, donation.unit_id).await?;
    let contact = lookups::allows(conn, &user.scope, Right::ReadPersonal, &unit).await?;
    let waiting = !name_checks::waiting(conn, &[donation.id]).await?.is_empty();
    Ok(DonationView::new(donation, contact).name_to_check(waiting))
}

/// The donations of `unit`'s fund, or of every fund in the caller's scope, as `filter` asks
/// (its `units` are set here); contact details only where the caller may read personal data.
pub async fn list(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    unit: Option<Uuid>,
    filter: DonationFilter<'_>,
) -> AppResult<Vec<DonationView>> {
    let units_in_scope: Vec<UnitRow> = match unit {
        Some(id) => vec![lookups::unit_authorized(conn, &user.scope, Right::Read, id).await?],
        None => units::in_subtrees(conn, &user.scope.roots()).await?,
    };
    let ids: Vec<Uuid> = units_in_scope.iter().map(|u| u.id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = donations::list(
        conn,
        DonationFilter {
            units: &ids,
            ..filter
        },
    )
    .await?;
    let listed: Vec<Uuid> = rows.iter().map(|d| d.id).collect();
    let waiting = name_checks::waiting(conn, &listed).await?;
    let mut personal = std::collections::HashSet::new();
    for u in &units_in_scope {
        if lookups::allows(conn, &user.scope, Right::ReadPersonal, u).await? {
            personal.insert(u.id);
        }
    }
    Ok(rows
        .into_iter()
        .map(|d| {
            let (contact, to_check) = (personal.contains(&d.unit_id), waiting.contains(&d.id));
            DonationView::new(d, contact).name_to_check(to_check)
        })
        .collect())
}

/// Who gave, as a finance officer corrects it after checking the statement line.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectDonor {
    pub kind: DonorKind,
    /// Required unless `kind` is `anonymous` (then absent): the name as it should be shown.
    #[schema(max_length = 200)]
    pub name: Option<String>,
    /// `name` to publish it; an anonymous donor is never published by name.
    pub public_display: PublicDisplay,
}

/// Corrects (or confirms) the donor of a recorded donation (its unit's finance officer), and
/// closes its name check if one was open: the public display follows at once. 409
/// `already_void` for a void donation. Audited without the name (personal data).
pub async fn correct_donor(
    conn: &mut AsyncPgConnection,
    accountant: &AuthUser,
    id: Uuid,
    input: &CorrectDonor,
) -> AppResult<DonationView> {
    let (donation, unit) = voidable(conn, accountant, id).await?;
    let name = match (input.kind, input.name.as_deref()) {
        (DonorKind::Anonymous, None) => None,
        (DonorKind::Anonymous, Some(_)) => {
            return Err(FieldError::new(
                "name",
                "an anonymous donor has no name",
                "nhà hảo tâm ẩn danh không có tên",
            )
            .into())
        }
        (_, name) => Some(text::clean(name.unwrap_or(""), 200).ok_or_else(|| {
            FieldError::new(
                "name",
                "1 to 200 characters, required unless the donor is anonymous",
                "từ 1 đến 200 ký tự, bắt buộc trừ khi nhà hảo tâm ẩn danh",
            )
        })?),
    };
    let display = match input.kind {
        DonorKind::Anonymous => PublicDisplay::Anonymous,
        _ => input.public_display,
    };
    let row = donations::set_donor(
        conn,
        donation.id,
        input.kind.as_str(),
        name.as_deref(),
        display.as_str(),
    )
    .await
    .map_err(|e| match e {
        diesel::result::Error::NotFound => AppError::refused(Code::AlreadyVoid),
        e => e.into(),
    })?;
    let was_to_check = name_checks::close(conn, donation.id, accountant.id.0).await?;
    audit::record(
        conn,
        accountant,
        Change {
            action: "donation.correct_donor",
            target_type: "donation",
            target_id: Some(donation.id),
            unit_id: Some(unit.id),
            // no name: it is personal data
            changes: serde_json::json!({
                "kind": input.kind.as_str(),
                "public_display": display.as_str(),
                "was_to_check": was_to_check,
            }),
        },
    )
    .await?;
    Ok(DonationView::new(row, true))
}

/// What a bulk creation made.
#[derive(Debug, Default)]
pub struct MadeFromLines {
    pub created: i64,
    pub amount_vnd: Decimal,
    /// Every donation's id, in line order (the caller lists them, or not, by their count).
    pub donation_ids: Vec<Uuid>,
    pub first_receipt_number: Option<String>,
    pub last_receipt_number: Option<String>,
}

/// Records a bank-transfer donation per open credit line of `bank` (the fund's account, already
/// authorized): dated the line's date, for its amount, the donor read from the description,
/// posted by the same rule as one donation (1121.N/5111, earmarked for a restricted campaign),
/// numbered in line order, each line matched to its entry. One transaction per chunk of lines
/// (`bulk::CHUNK`), each with one audit event; a failure keeps the chunks already committed.
pub async fn record_from_lines(
    conn: &mut AsyncPgConnection,
    accountant: &AuthUser,
    bank: &BankAccountRow,
    unit: &UnitRow,
    campaign_id: Option<Uuid>,
    selection: &LineSelection,
) -> AppResult<MadeFromLines> {
    // a campaign is usable by its unit and every unit below it
    let earmark = match campaign_id {
        None => None,
        Some(id) => super::lookups::campaign_usable_by(conn, unit, id, "campaign_id")
            .await?
            .restricted
            .then_some(id),
    };
    let chart = chart(conn, unit).await?;
    let postings = rules::donation(
        Receipt::Bank(bank.account_id),
        &chart,
        Decimal::ONE,
        earmark,
    );
    let target = Target {
        unit_id: unit.id,
        unit_code: &unit.code,
        bank_account_id: bank.id,
        debit_account: postings[0].account_id,
        credit_account: postings[1].account_id,
        earmark,
        created_by: accountant.id.0,
    };
    let only = selection.ids();
    let description = rules_of::entry_description(Channel::BankTransfer);
    let mut made = MadeFromLines::default();
    let mut after = None;
    loop {
        let (target, description) = (&target, description.as_str());
        let chunk = conn
            .transaction::<_, AppError, _>(|conn| {
                async move {
                    let lines =
                        bulk::open_lines(conn, bank.id, LineSide::Credit, only, after, bulk::CHUNK)
                            .await?;
                    if lines.is_empty() {
                        return Ok(None);
                    }
                    let (donations, to_check) = donations_of(&lines);
                    let ids: Vec<Uuid> = donations.iter().map(|d| d.id).collect();
                    let entries = bulk::post_lines(
                        conn,
                        target,
                        SourceType::Donation,
                        description,
                        &lines,
                        &ids,
                    )
                    .await?;
                    let amount: Decimal = lines.iter().map(|l| l.amount).sum();
                    audit::record(
                        conn,
                        accountant,
                        Change {
                            action: "statement_line.create_donations",
                            target_type: "bank_account",
                            target_id: Some(bank.id),
                            unit_id: Some(unit.id),
                            changes: serde_json::json!({
                                "count": lines.len(),
                                "amount_vnd": amount.to_string(),
                                "campaign_id": campaign_id,
                                "first_line_id": lines[0].id,
                                "last_line_id": lines[lines.len() - 1].id,
                            }),
                        },
                    )
                    .await?;
                    // last: the receipt counter is the unit's shared row, held to commit
                    let receipts = bulk::insert_donations(
                        conn,
                        target,
                        campaign_id,
                        &lines,
                        &entries,
                        &donations,
                    )
                    .await?;
                    let (checked, confidences): (Vec<Uuid>, Vec<i16>) =
                        to_check.into_iter().unzip();
                    name_checks::open(conn, &checked, &confidences).await?;
                    let last = &lines[lines.len() - 1];
                    Ok(Some((ids, receipts, amount, (last.line_date, last.id))))
                }
                .scope_boxed()
            })
            .await?;
        let Some((ids, receipts, amount, last)) = chunk else {
            break;
        };
        made.created += ids.len() as i64;
        made.amount_vnd += amount;
        if made.first_receipt_number.is_none() {
            made.first_receipt_number = receipts.first().cloned();
        }
        made.last_receipt_number = receipts.last().cloned();
        made.donation_ids.extend(ids);
        after = Some(last);
    }
    Ok(made)
}

/// One donation per line, its donor read from the description, and the reader's confidence
/// where it falls below the bar to publish (an officer checks those).
fn donations_of(lines: &[OpenLine]) -> (Vec<LineDonation>, Vec<(Uuid, i16)>) {
    let mut to_check = Vec::new();
    let donations = lines
        .iter()
        .map(|l| {
            let d = donor::read(&l.description, l.counterparty.as_deref());
            let id = Uuid::now_v7();
            if d.needs_check() {
                to_check.push((id, i16::from(d.confidence)));
            }
            LineDonation {
                id,
                donor_kind: d.kind.as_str(),
                donor_search: d.name.as_deref().map(text::fold).unwrap_or_default(),
                donor_name: d.name,
                public_display: d.public_display.as_str(),
                bank_reference: rules_of::line_reference(l.doc_no.as_deref(), l.id),
                note: rules_of::line_note(l.id),
            }
        })
        .collect();
    (donations, to_check)
}
