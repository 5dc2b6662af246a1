use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::statements::{self, LineSelection};
use crate::auth::Accountant;
use crate::domain::money;
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::idempotency::{self, Begin, IdempotencyKey};
use crate::state::AppState;
use crate::views::statements::{listed, CreatedFromLines};

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
    let selection = LineSelection::new(
        value.line_ids,
        value.all_unmatched_debits,
        "all_unmatched_debits",
    )?;
    let mut conn = state.pools.write.get().await?;
    let (bank, unit) =
        statements::account_with_lines(&mut conn, &accountant, *id, &selection).await?;
    let claim = match idempotency::begin(&mut conn, accountant.id.0, &key, &hash).await? {
        Begin::Replay(response) => return Ok(response),
        Begin::Proceed(claim) => claim,
    };
    let made = statements::record_fees_from_lines(&mut conn, &accountant, &bank, &unit, &selection)
        .await
        .map_err(ApiError::from)
        .map(|made| CreatedFromLines {
            created: made.created,
            // named lines not made into fees; of all debits, those that are not fees
            skipped: selection
                .ids()
                .map_or(made.passed, |ids| ids.len() as i64 - made.created),
            amount_vnd: money::format(made.amount),
            donation_ids: None,
            entry_ids: listed(made.entry_ids),
            first_receipt_number: None,
            last_receipt_number: None,
        });
    idempotency::finish_in_steps(&mut conn, claim, StatusCode::CREATED, made).await
}
