use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::donations::{self, Lines};
use crate::app::lookups;
use crate::auth::scope::Right;
use crate::auth::{Accountant, AuthUser};
use crate::db::bank_accounts::BankAccountRow;
use crate::db::units::UnitRow;
use crate::db::{bank_accounts, units};
use crate::domain::{money, Role};
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::idempotency::{self, Begin, Claim, IdempotencyKey};
use crate::ledger::bulk;
use crate::messages::donations as messages;
use crate::state::AppState;

/// Most line ids one request may name.
pub const MAX_LINE_IDS: usize = 200_000;
/// Ids of what was created are listed up to this many.
const MAX_LISTED: usize = 1_000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDonationsBody {
    /// These credit lines (lines already matched or ignored, or debits, are skipped)…
    pub line_ids: Option<Vec<Uuid>>,
    /// …or every unmatched credit line of the account; exactly one of the two.
    pub all_unmatched_credits: Option<bool>,
    /// The campaign the donations go to; a restricted campaign earmarks them.
    pub campaign_id: Option<Uuid>,
}

/// What a creation from statement lines made. Amounts are whole đồng as strings.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedFromLines {
    pub created: i64,
    /// Lines asked for that were not turned into anything: already matched or ignored, the
    /// wrong side, or (for fees from all debits) not a fee.
    pub skipped: i64,
    pub amount_vnd: String,
    /// Absent when more than 1,000 were created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub donation_ids: Option<Vec<Uuid>>,
    /// The fee entries; absent when more than 1,000 were created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_ids: Option<Vec<Uuid>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_receipt_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_receipt_number: Option<String>,
}

/// Lines named, or all of one side.
pub(super) enum Selection {
    Ids(Vec<Uuid>),
    All,
}

/// Exactly one of `line_ids` (non-empty) and `all = true`.
pub(super) fn selection(
    line_ids: Option<Vec<Uuid>>,
    all: Option<bool>,
    all_field: &str,
) -> ApiResult<Selection> {
    match (line_ids, all) {
        (Some(ids), None | Some(false)) => {
            if ids.is_empty() || ids.len() > MAX_LINE_IDS {
                return Err(messages::line_ids_count().into());
            }
            let mut ids = ids;
            ids.sort_unstable();
            ids.dedup();
            Ok(Selection::Ids(ids))
        }
        (None, Some(true)) => Ok(Selection::All),
        (Some(_), Some(true)) => Err(messages::lines_twice(all_field).into()),
        (None, _) => Err(messages::no_lines(all_field).into()),
    }
}

/// The bank account and its fund, for a finance officer of that fund (404 outside the caller's
/// scope, 403 inside it without the role); named line ids must all be lines of the account.
pub(super) async fn account_for(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
    selection: &Selection,
) -> ApiResult<(BankAccountRow, UnitRow)> {
    let bank = bank_accounts::find(conn, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let unit = units::find(conn, bank.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    lookups::authorize(conn, &user.scope, Right::ActAs(Role::Accountant), &unit).await?;
    if let Selection::Ids(ids) = selection {
        let found = bulk::lines_of_account(conn, bank.id, ids).await?;
        if found.len() != ids.len() {
            return Err(messages::lines_of_another_account().into());
        }
    }
    Ok((bank, unit))
}

/// Claims the Idempotency-Key, if any: `Err(response)` is a replay to send as is.
pub(super) async fn claim(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    key: &IdempotencyKey,
    hash: &[u8],
) -> ApiResult<Result<Claim, HttpResponse>> {
    Ok(match idempotency::begin(conn, user, key, hash).await? {
        Begin::Replay(response) => Err(response),
        Begin::Proceed(claim) => Ok(claim),
    })
}

/// Stores the response for the key once every chunk has committed (a replay answers it), or
/// frees the key when the work failed. The chunks commit one by one, so a request that fails
/// midway keeps what it made; repeating it skips the lines already matched.
pub(super) async fn finish(
    conn: &mut AsyncPgConnection,
    claim: Claim,
    result: ApiResult<CreatedFromLines>,
) -> ApiResult<HttpResponse> {
    let view = match result {
        Ok(view) => view,
        Err(e) => {
            claim.release(conn).await;
            return Err(e);
        }
    };
    let claim_ref = &claim;
    let view_ref = &view;
    let stored = conn
        .transaction::<_, ApiError, _>(|conn| {
            async move {
                claim_ref
                    .complete(conn, StatusCode::CREATED, view_ref)
                    .await
            }
            .scope_boxed()
        })
        .await;
    if let Err(e) = stored {
        claim.release(conn).await;
        return Err(e);
    }
    Ok(HttpResponse::Created().json(view))
}

/// Creates bank-transfer donations from the account's credit lines: one per line, dated the
/// line's date, for its amount, with the donor read from the description (capitals as the bank
/// printed them; anonymous when there is no name), each posted 1121.N/5111 (earmarked when the
/// campaign is restricted), numbered in line order, and each line matched to its entry. Lines
/// already matched or ignored are skipped, so a repeated request creates nothing more. Works in
/// transactions of 1,000 lines with one audit event (`statement_line.create_donations`) each.
#[utoipa::path(
    operation_id = "createDonationsFromStatementLines",
    context_path = "/v1",
    tag = "statements",
    params(
        ("id" = Uuid, Path, description = "the bank account"),
        ("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key and body returns the first response"),
    ),
    request_body = CreateDonationsBody,
    responses(
        (status = 201, description = "The donations created from the lines, with their receipt numbers", body = CreatedFromLines),
        (status = 409, description = "`period_closed` or `idempotency_in_progress`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/bank-accounts/{id}/statement-lines/create-donations")]
pub async fn create_donations(
    accountant: Accountant,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<CreateDonationsBody>,
) -> ApiResult<HttpResponse> {
    let JsonBody { value, hash } = body;
    let selection = selection(
        value.line_ids,
        value.all_unmatched_credits,
        "all_unmatched_credits",
    )?;
    let mut conn = state.pools.write.get().await?;
    let (bank, unit) = account_for(&mut conn, &accountant, *id, &selection).await?;
    if let Some(campaign) = value.campaign_id {
        // checked before the key is claimed, as a client sees it
        lookups::campaign_usable_by(&mut conn, &unit, campaign, "campaign_id").await?;
    }
    let claim = match claim(&mut conn, accountant.id.0, &key, &hash).await? {
        Ok(claim) => claim,
        Err(replay) => return Ok(replay),
    };
    let lines = match &selection {
        Selection::Ids(ids) => Lines::Ids(ids),
        Selection::All => Lines::All,
    };
    let made = donations::record_from_lines(
        &mut conn,
        &accountant,
        &bank,
        &unit,
        value.campaign_id,
        lines,
    )
    .await
    .map_err(ApiError::from)
    .map(|made| CreatedFromLines {
        created: made.created,
        skipped: match &selection {
            Selection::Ids(ids) => ids.len() as i64 - made.created,
            Selection::All => 0,
        },
        amount_vnd: money::format(made.amount_vnd),
        donation_ids: (made.donation_ids.len() <= MAX_LISTED).then_some(made.donation_ids),
        entry_ids: None,
        first_receipt_number: made.first_receipt_number,
        last_receipt_number: made.last_receipt_number,
    });
    finish(&mut conn, claim, made).await
}
