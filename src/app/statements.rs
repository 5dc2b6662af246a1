//! Bank statements of a fund's bank accounts: importing a statement (its lines, the totals, the
//! automatic matching), the lines, matching a line by hand (to an entry, back to unmatched, or
//! ignored), bank fees from debit lines, and the reconciliation of the book against the bank.
//! Every command acts for the finance officer of the bank account's unit, except reading
//! (anyone in scope) and reconciliation (the finance officer, auditors and administrators).

use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::lookups::unit_authorized;
use super::{AppError, AppResult};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::bank_accounts::{self, BankAccountRow};
use crate::db::reconciliation as recon;
use crate::db::statements::{self, LineFilter, NewLine, NewStatement, StatementLineRow};
use crate::db::units::UnitRow;
use crate::db::{matching, opening_balances};
use crate::domain::statement::{
    self, donor, reference, Format, LineStatus, ParsedStatement, StatementError,
};
use crate::domain::{money, Role};
use crate::ledger::bulk::{self, LineSide, Target};
use crate::ledger::chart::{AccountCode, Chart};
use crate::ledger::{Side, SourceType};
use crate::messages::donations as line_refusals;
use crate::messages::statements as refusals;
use crate::views::statements::{
    ImportView, OpeningBalanceOffer, ReconciliationView, StatementLineView, StatementView,
    MAX_LISTED,
};

/// Lines per `INSERT`: large enough that round trips do not count, small enough to keep each
/// statement's parameters modest.
const BATCH: usize = 20_000;

/// The bank account `id` and its unit, when the caller may act there as `role` (404 outside
/// the caller's scope, 403 inside without the role).
pub async fn bank_account_for(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    id: Uuid,
    right: Right,
) -> AppResult<(BankAccountRow, UnitRow)> {
    let bank = bank_accounts::find(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let unit = unit_authorized(conn, &actor.scope, right, bank.unit_id).await?;
    Ok((bank, unit))
}

/// The right to import, match and post from the lines of a bank account.
pub const KEEPER: Right = Right::ActAs(Role::Accountant);

/// A parsed statement file with what its insert needs, worked out off the async workers (it
/// is CPU work: call it in `spawn_blocking`).
pub struct Prepared {
    format: Format,
    statement: ParsedStatement,
    occurrences: Vec<i32>,
    identities: Vec<[u8; 32]>,
    searches: Vec<String>,
    /// Each line's bank references, space-separated.
    references: Vec<String>,
    pub sha256: [u8; 32],
    /// Imported in another bank's layout on purpose (`force=true`), recorded in the audit.
    pub forced: bool,
}

/// Parses the file `body` of bank account `account` in `format`: every line readable and dated
/// within the fund's dates, or the first line that is not.
pub fn prepare(
    format: Format,
    account: Uuid,
    today: NaiveDate,
    body: &[u8],
) -> Result<Prepared, StatementError> {
    let parsed = statement::parse(format, body)?;
    parsed.check_dates(today)?;
    let occurrences = statement::occurrences(&parsed.lines);
    let identities = statement::identities(account, &parsed.lines, &occurrences);
    let searches = parsed
        .lines
        .iter()
        .map(|l| statement::search_key(&l.description))
        .collect();
    let references = parsed
        .lines
        .iter()
        .map(|l| reference::references(l.doc_no.as_deref(), &l.description).join(" "))
        .collect();
    Ok(Prepared {
        format,
        statement: parsed,
        occurrences,
        identities,
        searches,
        references,
        sha256: Sha256::digest(body).into(),
        forced: false,
    })
}

/// Records a prepared statement of `bank`: the lines not seen before on the account, the
/// statement with its totals, the automatic matching of the new credit lines, the audit event.
pub async fn import(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    bank: &BankAccountRow,
    prepared: &Prepared,
) -> AppResult<ImportView> {
    let (account, format) = (bank.id, prepared.format);
    let statement_id = Uuid::now_v7();
    let parsed = &prepared.statement;
    let mut lines_new = 0i64;
    for (start, chunk) in (0..).step_by(BATCH).zip(parsed.lines.chunks(BATCH)) {
        let batch: Vec<NewLine<'_>> = chunk
            .iter()
            .enumerate()
            .map(|(i, l)| NewLine {
                id: Uuid::now_v7(),
                line_date: l.date,
                doc_no: l.doc_no.as_deref(),
                debit: l.debit,
                credit: l.credit,
                balance: l.balance,
                description: &l.description,
                description_search: &prepared.searches[start + i],
                occurrence: prepared.occurrences[start + i],
                identity: &prepared.identities[start + i],
                references: &prepared.references[start + i],
                counterparty: l.counterparty.as_deref(),
            })
            .collect();
        lines_new += statements::insert_lines(conn, account, statement_id, &batch).await?;
    }
    let lines_total = parsed.lines.len() as i64;
    let lines_duplicate = lines_total - lines_new;
    let (first_date, last_date) = parsed.date_range();
    let (credits, debits) = (parsed.credits_total(), parsed.debits_total());
    statements::insert_statement(
        conn,
        &NewStatement {
            id: statement_id,
            bank_account_id: account,
            format: format.as_str(),
            imported_by: actor.id.0,
            lines_total: lines_total as i32,
            lines_new: lines_new as i32,
            lines_duplicate: lines_duplicate as i32,
            credits_total: Decimal::from(credits),
            debits_total: Decimal::from(debits),
            opening_balance: parsed.opening_balance.map(Decimal::from),
            closing_balance: parsed.closing_balance.map(Decimal::from),
            first_date,
            last_date,
            sha256: &prepared.sha256,
        },
    )
    .await?;
    let opening_balance_offer =
        match super::opening_balances::offer(parsed.opening_balance, first_date) {
            Some((as_of, amount)) if opening_balances::find(conn, account).await?.is_none() => {
                Some(OpeningBalanceOffer {
                    as_of,
                    amount: money::format(amount),
                })
            }
            _ => None,
        };
    // the new credit lines, to the entries of recorded bank-transfer donations
    let auto_matched = matching::auto_match(conn, account, statement_id, actor.id.0).await?;
    audit::record(
        conn,
        actor,
        Change {
            action: "statement.import",
            target_type: "bank_statement",
            target_id: Some(statement_id),
            unit_id: Some(bank.unit_id),
            // counts only: descriptions carry donors' names
            changes: serde_json::json!({
                "bank_account_id": account,
                "format": format.as_str(),
                "lines_total": lines_total,
                "lines_new": lines_new,
                "lines_duplicate": lines_duplicate,
                "credits_total": credits.to_string(),
                "debits_total": debits.to_string(),
                "first_date": first_date,
                "last_date": last_date,
                "sha256": hex::encode(prepared.sha256),
                "auto_matched": auto_matched,
                "forced_format": prepared.forced,
            }),
        },
    )
    .await?;
    Ok(ImportView {
        statement_id,
        lines_total,
        lines_new,
        lines_duplicate,
        credits_total: money::format(Decimal::from(credits)),
        debits_total: money::format(Decimal::from(debits)),
        opening_balance: parsed.opening_balance.map(|b| b.to_string()),
        closing_balance: parsed.closing_balance.map(|b| b.to_string()),
        auto_matched,
        opening_balance_offer,
    })
}

/// The bank account's lines, oldest first (anyone who may read the fund).
pub async fn lines(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    bank_id: Uuid,
    filter: LineFilter,
) -> AppResult<Vec<StatementLineRow>> {
    let (bank, _) = bank_account_for(conn, actor, bank_id, Right::Read).await?;
    Ok(statements::list_lines(conn, bank.id, filter).await?)
}

/// The bank account of line `id`, when the caller is the account's finance officer: 404
/// outside the caller's scope, 403 inside without the role.
pub async fn bank_account_of_line(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    id: Uuid,
) -> AppResult<BankAccountRow> {
    let line = matching::find_line(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (bank, _) = bank_account_for(conn, actor, line.bank_account_id, KEEPER).await?;
    Ok(bank)
}

/// What a finance officer does to a line by hand.
pub enum LineChange<'a> {
    /// Match the unmatched line to an entry of the fund posting the line's amount to the
    /// account's 1121.N on the matching side (a debit for a credit line).
    Match { entry: Uuid },
    /// Put a matched (or ignored) line back to unmatched, with an optional reason.
    Unmatch { reason: Option<&'a str> },
    /// Mark an unmatched line as not for the ledger, with the (cleaned) reason.
    Ignore { reason: &'a str },
}

/// Changes line `id` of `bank` by hand: locks it, checks its status allows the change (409
/// `invalid_state`), makes it, and records the audit event.
pub async fn change_line(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    bank: &BankAccountRow,
    id: Uuid,
    change: LineChange<'_>,
) -> AppResult<StatementLineView> {
    let line = matching::lock_line(conn, id).await?;
    let allowed = match change {
        LineChange::Unmatch { .. } => line.status != LineStatus::Unmatched,
        LineChange::Match { .. } | LineChange::Ignore { .. } => {
            line.status == LineStatus::Unmatched
        }
    };
    if !allowed {
        return Err(refusals::line_state(line.status));
    }
    let (action, row, changes) = match change {
        LineChange::Match { entry } => {
            let row = set_matched(conn, actor, bank, &line, entry).await?;
            let changes = serde_json::json!({"status": {"from": "unmatched", "to": "matched"},
                                             "journal_entry_id": entry});
            ("statement_line.match", row, changes)
        }
        LineChange::Unmatch { reason } => {
            let row = matching::set_unmatched(conn, line.id).await?;
            let changes = serde_json::json!({"status": {"from": line.status.as_str(), "to": "unmatched"},
                                             "journal_entry_id": line.matched_entry_id,
                                             "reason": reason});
            ("statement_line.unmatch", row, changes)
        }
        LineChange::Ignore { reason } => {
            let row = matching::set_ignored(conn, line.id, reason).await?;
            let changes = serde_json::json!({"status": {"from": "unmatched", "to": "ignored"},
                                             "reason": reason});
            ("statement_line.ignore", row, changes)
        }
    };
    record(conn, actor, action, &row, bank, changes).await?;
    Ok(row.into())
}

/// Matches `line` to `entry` once the entry is the fund's, posts the line's amount on the
/// matching side, and is matched to no other line.
async fn set_matched(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    bank: &BankAccountRow,
    line: &StatementLineRow,
    entry: Uuid,
) -> AppResult<StatementLineRow> {
    let (side, amount) = if line.credit > Decimal::ZERO {
        (Side::Debit, line.credit)
    } else {
        (Side::Credit, line.debit)
    };
    let posted =
        matching::entry_side_total(conn, entry, bank.unit_id, bank.account_id, side.as_str())
            .await?;
    if posted != Some(amount) {
        return Err(refusals::entry_does_not_match(amount, side).into());
    }
    if matching::line_of_entry(conn, entry).await?.is_some() {
        return Err(refusals::entry_taken());
    }
    matching::set_matched(conn, line.id, entry, actor.id.0)
        .await
        .map_err(|e| match e {
            // a concurrent match of the same entry to another line won
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                info,
            ) if info.constraint_name() == Some("statement_lines_matched_entry_key") => {
                refusals::entry_taken()
            }
            e => e.into(),
        })
}

/// The audit event of a change to a line; amounts and ids only (descriptions carry donors'
/// names).
async fn record(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    action: &'static str,
    row: &StatementLineRow,
    bank: &BankAccountRow,
    mut changes: serde_json::Value,
) -> AppResult<()> {
    changes["bank_account_id"] = serde_json::json!(bank.id);
    audit::record(
        conn,
        actor,
        Change {
            action,
            target_type: "statement_line",
            target_id: Some(row.id),
            unit_id: Some(bank.unit_id),
            changes,
        },
    )
    .await?;
    Ok(())
}

/// Most line ids one request may name.
pub const MAX_LINE_IDS: usize = 200_000;

/// The lines of a bank account a bulk command acts on: named ones (sorted, each once), or every
/// unmatched line of the command's side.
pub enum LineSelection {
    Ids(Vec<Uuid>),
    All,
}

impl LineSelection {
    /// Exactly one of `line_ids` (1 to [`MAX_LINE_IDS`]) and `all = true`; `all_field` names the
    /// latter in a refusal.
    pub fn new(line_ids: Option<Vec<Uuid>>, all: Option<bool>, all_field: &str) -> AppResult<Self> {
        match (line_ids, all) {
            (Some(mut ids), None | Some(false)) => {
                if ids.is_empty() || ids.len() > MAX_LINE_IDS {
                    return Err(line_refusals::line_ids_count().into());
                }
                ids.sort_unstable();
                ids.dedup();
                Ok(LineSelection::Ids(ids))
            }
            (None, Some(true)) => Ok(LineSelection::All),
            (Some(_), Some(true)) => Err(line_refusals::lines_twice(all_field).into()),
            (None, _) => Err(line_refusals::no_lines(all_field).into()),
        }
    }

    /// The lines named, if they were.
    pub fn ids(&self) -> Option<&[Uuid]> {
        match self {
            LineSelection::Ids(ids) => Some(ids),
            LineSelection::All => None,
        }
    }
}

/// The bank account `id` and its unit, for its finance officer (404 outside the caller's scope,
/// 403 inside it without the role), when every line named is one of the account's.
pub async fn account_with_lines(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    id: Uuid,
    selection: &LineSelection,
) -> AppResult<(BankAccountRow, UnitRow)> {
    let (bank, unit) = bank_account_for(conn, actor, id, KEEPER).await?;
    if let Some(ids) = selection.ids() {
        let found = bulk::lines_of_account(conn, bank.id, ids).await?;
        if found.len() != ids.len() {
            return Err(line_refusals::lines_of_another_account().into());
        }
    }
    Ok((bank, unit))
}

/// The fund's bank-fee account (6411), debited by every fee entry.
pub async fn fees_account(conn: &mut AsyncPgConnection, unit: Uuid) -> AppResult<Uuid> {
    Chart::load(conn, unit, &[AccountCode::BankFees])
        .await?
        .account(AccountCode::BankFees)
        .map_err(|_| AppError::internal("fund lacks account 6411"))
}

/// What one chunk of fee lines made.
pub struct FeeChunk {
    pub entries: Vec<Uuid>,
    pub amount: Decimal,
    /// Lines read and passed over (not fees).
    pub passed: usize,
    /// The keyset of the last line read.
    pub last: (NaiveDate, Uuid),
}

/// One chunk of bank fees, in the caller's transaction: the next unmatched debit lines after
/// `after` (the lines `only`, whatever they say; otherwise those that read as fees), one
/// `bank_fee` entry per line (6411 debited, the account's 1121.N credited), each line matched
/// to its entry, and the audit event. `None` when no line is left.
pub async fn post_fee_chunk(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    target: &Target<'_>,
    only: Option<&[Uuid]>,
    after: Option<(NaiveDate, Uuid)>,
) -> AppResult<Option<FeeChunk>> {
    let lines = bulk::open_lines(
        conn,
        target.bank_account_id,
        LineSide::Debit,
        only,
        after,
        bulk::CHUNK,
    )
    .await?;
    let Some(last) = lines.last() else {
        return Ok(None);
    };
    let last = (last.line_date, last.id);
    let seen = lines.len();
    // named lines are taken as fees whatever they say; otherwise only fees
    let lines: Vec<_> = match only {
        Some(_) => lines,
        None => lines
            .into_iter()
            .filter(|l| donor::looks_like_fee(&l.description))
            .collect(),
    };
    let passed = seen - lines.len();
    if lines.is_empty() {
        return Ok(Some(FeeChunk {
            entries: Vec::new(),
            amount: Decimal::ZERO,
            passed,
            last,
        }));
    }
    let sources: Vec<Uuid> = lines.iter().map(|l| l.id).collect();
    let entries = bulk::post_lines(
        conn,
        target,
        SourceType::BankFee,
        "Phí ngân hàng (sao kê)",
        &lines,
        &sources,
    )
    .await?;
    let amount: Decimal = lines.iter().map(|l| l.amount).sum();
    audit::record(
        conn,
        actor,
        Change {
            action: "statement_line.create_fees",
            target_type: "bank_account",
            target_id: Some(target.bank_account_id),
            unit_id: Some(target.unit_id),
            changes: serde_json::json!({
                "count": lines.len(),
                "amount_vnd": amount.to_string(),
            }),
        },
    )
    .await?;
    Ok(Some(FeeChunk {
        entries,
        amount,
        passed,
        last,
    }))
}

/// What bank fees from statement lines made.
#[derive(Debug, Default)]
pub struct FeesMade {
    pub created: i64,
    /// Lines read and passed over, not being fees (when every unmatched debit was asked for).
    pub passed: i64,
    pub amount: Decimal,
    /// Every fee entry's id, in line order.
    pub entry_ids: Vec<Uuid>,
}

/// Records bank fees from the lines of `bank` that `selection` picks, chunk by chunk, each in a
/// transaction of its own ([`post_fee_chunk`]); a failure keeps the chunks already committed, and
/// a repeat skips the lines they matched.
pub async fn record_fees_from_lines(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    bank: &BankAccountRow,
    unit: &UnitRow,
    selection: &LineSelection,
) -> AppResult<FeesMade> {
    let target = Target {
        unit_id: unit.id,
        unit_code: &unit.code,
        bank_account_id: bank.id,
        debit_account: fees_account(conn, unit.id).await?,
        credit_account: bank.account_id,
        earmark: None,
        created_by: actor.id.0,
    };
    let (target, only) = (&target, selection.ids());
    let mut made = FeesMade::default();
    let mut after = None;
    while let Some(chunk) = conn
        .transaction::<_, AppError, _>(|tx| {
            post_fee_chunk(tx, actor, target, only, after).scope_boxed()
        })
        .await?
    {
        made.created += chunk.entries.len() as i64;
        made.passed += chunk.passed as i64;
        made.amount += chunk.amount;
        made.entry_ids.extend(chunk.entries);
        after = Some(chunk.last);
    }
    Ok(made)
}

/// The bank account `id` when the caller may reconcile it: its finance officer, or an auditor
/// or administrator in scope.
pub async fn reconcilable(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    id: Uuid,
) -> AppResult<BankAccountRow> {
    let bank = bank_accounts::find(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    super::accounts::auditable(conn, actor, bank.unit_id, false).await?;
    Ok(bank)
}

/// The reconciliation of `bank` as of the end of `as_of`; run it in one REPEATABLE READ
/// snapshot.
pub async fn reconciliation(
    conn: &mut AsyncPgConnection,
    bank: &BankAccountRow,
    as_of: NaiveDate,
) -> AppResult<ReconciliationView> {
    let (bank_id, account) = (bank.id, bank.account_id);
    let book = recon::book_balance(conn, account, as_of).await?;
    let (bank_balance, source) = recon::bank_balance(conn, bank_id, as_of).await?;
    let lines = recon::unmatched_lines(conn, bank_id, as_of).await?;
    let entries = recon::unmatched_entries(conn, bank_id, account, as_of).await?;
    Ok(ReconciliationView {
        bank_account_id: bank_id,
        as_of,
        book_balance: money::format(book),
        bank_balance: money::format(bank_balance),
        bank_balance_source: source.as_str().to_owned(),
        difference: money::format(book - bank_balance),
        unmatched_bank_lines: lines.into(),
        unmatched_book_entries: entries.into(),
    })
}

/// The imports of bank account `id`, newest first (anyone who may read the fund).
pub async fn statements_of(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    id: Uuid,
    before: Option<Uuid>,
    limit: i64,
) -> AppResult<Vec<StatementView>> {
    let (bank, _) = bank_account_for(conn, actor, id, Right::Read).await?;
    let rows = statements::list_statements(conn, bank.id, before, limit).await?;
    Ok(rows
        .into_iter()
        .map(|(s, w)| StatementView::new(s, w))
        .collect())
}

/// Withdraws import `id` (the account's finance officer), while none of its lines is matched:
/// the lines it brought go, the statement stays listed as withdrawn with the reason, so the
/// right file can be imported. 409 `statement_lines_matched` listing the matched lines, or
/// `invalid_state` when already withdrawn.
pub async fn withdraw(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    id: Uuid,
    reason: &str,
) -> AppResult<StatementView> {
    let (statement, withdrawal) = statements::find_statement(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (bank, unit) = bank_account_for(conn, actor, statement.bank_account_id, KEEPER).await?;
    let reason = crate::domain::text::clean(reason, 1000)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| {
            crate::domain::field::FieldError::new(
                "reason",
                "1 to 1,000 characters",
                "từ 1 đến 1.000 ký tự",
            )
        })?;
    if withdrawal.is_some() {
        return Err(refusals::statement_withdrawn());
    }
    // the account's lines are locked against a match racing the withdrawal by the delete
    // itself: a line matched meanwhile makes the database refuse it (`statement_line_kept`)
    let matched = statements::matched_lines_of(conn, statement.id, MAX_LISTED as i64).await?;
    if !matched.is_empty() {
        return Err(refusals::statement_lines_matched(&matched));
    }
    let w = statements::withdraw(conn, statement.id, &reason, actor.id.0).await?;
    audit::record(
        conn,
        actor,
        Change {
            action: "statement.withdraw",
            target_type: "bank_statement",
            target_id: Some(statement.id),
            unit_id: Some(unit.id),
            changes: serde_json::json!({
                "bank_account_id": bank.id,
                "lines_removed": w.lines_removed,
            }),
        },
    )
    .await?;
    Ok(StatementView::new(statement, Some(w)))
}

/// 422 `format_mismatch` when the file was read in the layout of another bank than `bank`'s
/// (the generic layout fits every bank), unless `force`: some banks export in another's
/// layout. A forced import says so in its audit event.
pub fn check_format(bank: &BankAccountRow, prepared: &mut Prepared, force: bool) -> AppResult<()> {
    let format = prepared.format;
    match format.bank_bin() {
        Some(bin) if bin != bank.bank_bin => {
            if !force {
                return Err(refusals::format_mismatch(format.as_str(), &bank.bank_bin));
            }
            prepared.forced = true;
            Ok(())
        }
        _ => Ok(()),
    }
}
