use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::statements::{self, LineSelection};
use crate::app::{donations, lookups};
use crate::auth::Accountant;
use crate::domain::money;
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::idempotency::{self, Begin, IdempotencyKey};
use crate::state::AppState;
use crate::views::statements::{listed, CreatedFromLines};

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
    let selection = LineSelection::new(
        value.line_ids,
        value.all_unmatched_credits,
        "all_unmatched_credits",
    )?;
    let mut conn = state.pools.write.get().await?;
    let (bank, unit) =
        statements::account_with_lines(&mut conn, &accountant, *id, &selection).await?;
    if let Some(campaign) = value.campaign_id {
        // checked before the key is claimed, as a client sees it
        lookups::campaign_usable_by(&mut conn, &unit, campaign, "campaign_id").await?;
    }
    let claim = match idempotency::begin(&mut conn, accountant.id.0, &key, &hash).await? {
        Begin::Replay(response) => return Ok(response),
        Begin::Proceed(claim) => claim,
    };
    let made = donations::record_from_lines(
        &mut conn,
        &accountant,
        &bank,
        &unit,
        value.campaign_id,
        &selection,
    )
    .await
    .map_err(ApiError::from)
    .map(|made| CreatedFromLines {
        created: made.created,
        skipped: selection
            .ids()
            .map_or(0, |ids| ids.len() as i64 - made.created),
        amount_vnd: money::format(made.amount_vnd),
        donation_ids: listed(made.donation_ids),
        entry_ids: None,
        first_receipt_number: made.first_receipt_number,
        last_receipt_number: made.last_receipt_number,
    });
    idempotency::finish_in_steps(&mut conn, claim, StatusCode::CREATED, made).await
}
