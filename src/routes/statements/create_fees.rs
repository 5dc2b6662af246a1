use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::create_donations::{account_for, claim, finish, selection, CreatedFromLines, Selection};
use crate::app::{self, AppError};
use crate::auth::{Accountant, AuthUser};
use crate::domain::money;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::IdempotencyKey;
use crate::ledger::bulk::Target;
use crate::state::AppState;

/// Ids of what was created are listed up to this many.
const MAX_LISTED: usize = 1_000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateFeesBody {
    /// These debit lines, whatever their description (lines already matched or ignored, or
    /// credits, are skipped)…
    pub line_ids: Option<Vec<Uuid>>,
    /// …or every unmatched debit line that reads as a fee (`PHI`, `FEE`, `SMS`); exactly one of
    /// the two.
    pub all_unmatched_debits: Option<bool>,
}

/// Records bank fees from the account's debit lines: one entry per line (`bank_fee`, 6411 debited,
/// the bank account's 1121.N credited), dated the line's date, each line matched to its entry.
/// Lines already matched or ignored are skipped, so a repeated request creates nothing more.
#[utoipa::path(
    operation_id = "createFeesFromStatementLines",
    context_path = "/v1",
    tag = "statements",
    params(
        ("id" = Uuid, Path, description = "the bank account"),
        ("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key and body returns the first response"),
    ),
    request_body = CreateFeesBody,
    responses(
        (status = 201, description = "The fee entries posted from the lines", body = CreatedFromLines),
        (status = 409, description = "`insufficient_funds`, `period_closed` or `idempotency_in_progress`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/bank-accounts/{id}/statement-lines/create-fees")]
pub async fn create_fees(
    accountant: Accountant,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<CreateFeesBody>,
) -> ApiResult<HttpResponse> {
    let JsonBody { value, hash } = body;
    let selection = selection(
        value.line_ids,
        value.all_unmatched_debits,
        "all_unmatched_debits",
    )?;
    let mut conn = state.pools.write.get().await?;
    let (bank, unit) = account_for(&mut conn, &accountant, *id, &selection).await?;
    let fees = app::statements::fees_account(&mut conn, unit.id).await?;
    let target = Target {
        unit_id: unit.id,
        unit_code: &unit.code,
        bank_account_id: bank.id,
        debit_account: fees,
        credit_account: bank.account_id,
        earmark: None,
        created_by: accountant.id.0,
    };
    let claim = match claim(&mut conn, accountant.id.0, &key, &hash).await? {
        Ok(claim) => claim,
        Err(replay) => return Ok(replay),
    };
    let result = run(&mut conn, &accountant, &target, &selection).await;
    finish(&mut conn, claim, result).await
}

/// The chunks, one transaction each (`app::statements::post_fee_chunk`).
async fn run(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    target: &Target<'_>,
    selection: &Selection,
) -> ApiResult<CreatedFromLines> {
    let only = match selection {
        Selection::Ids(ids) => Some(ids.as_slice()),
        Selection::All => None,
    };
    let mut view = CreatedFromLines {
        created: 0,
        skipped: 0,
        amount_vnd: String::new(),
        donation_ids: None,
        entry_ids: Some(Vec::new()),
        first_receipt_number: None,
        last_receipt_number: None,
    };
    let mut total = Decimal::ZERO;
    let mut after = None;
    while let Some(chunk) = conn
        .transaction::<_, AppError, _>(|tx| {
            app::statements::post_fee_chunk(tx, user, target, only, after).scope_boxed()
        })
        .await?
    {
        view.created += chunk.entries.len() as i64;
        view.skipped += chunk.passed as i64;
        total += chunk.amount;
        if let Some(listed) = view.entry_ids.as_mut() {
            if listed.len() + chunk.entries.len() > MAX_LISTED {
                view.entry_ids = None;
            } else {
                listed.extend(chunk.entries);
            }
        }
        after = Some(chunk.last);
    }
    if let Selection::Ids(ids) = selection {
        view.skipped = ids.len() as i64 - view.created;
    }
    view.amount_vnd = money::format(total);
    Ok(view)
}
