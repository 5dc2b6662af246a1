//! Matching a statement line by hand: to a journal entry of the bank account's fund that posts
//! the line's amount to the account's 1121.N on the matching side, back to unmatched, or
//! ignored with a reason. The bank account's finance officer.

use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::StatementLineView;
use crate::app::spending::Decision;
use crate::app::{self, statements::LineChange};
use crate::auth::Accountant;
use crate::domain::text;
use crate::error::ApiResult;
use crate::extract::{JsonBody, OptionalJsonBody};
use crate::idempotency::{self, IdempotencyKey};
use crate::messages::journal::text_length;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchLine {
    /// An entry of the bank account's fund posting the line's amount to the account's 1121.N:
    /// a debit for a credit line, a credit for a debit line.
    pub journal_entry_id: Uuid,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IgnoreLine {
    #[schema(max_length = 1000)]
    pub reason: String,
}

/// Matches an unmatched line to a journal entry.
#[utoipa::path(
    operation_id = "matchStatementLine",
    context_path = "/v1",
    tag = "statements",
    params(("id" = Uuid, Path, description = "the statement line"), ("Idempotency-Key" = Option<String>, Header)),
    request_body = MatchLine,
    responses(
        (status = 200, description = "The line, matched to the entry", body = StatementLineView),
        (status = 409, description = "`invalid_state` (the line is not unmatched) or `conflict` (the entry is matched to another line)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: the entry is not the fund's, or does not post the line's amount to the account on the matching side", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/statement-lines/{id}/match")]
pub async fn match_line(
    accountant: Accountant,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<MatchLine>,
) -> ApiResult<HttpResponse> {
    let change = LineChange::Match {
        entry: body.value.journal_entry_id,
    };
    change_line(&accountant, &state, *id, &key, &body.hash, change).await
}

/// Puts a matched (or ignored) line back to unmatched.
#[utoipa::path(
    operation_id = "unmatchStatementLine",
    context_path = "/v1",
    tag = "statements",
    params(("id" = Uuid, Path, description = "the statement line"), ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = Option<Decision>, description = "Optional: `{\"reason\"?}`"),
    responses(
        (status = 200, description = "The line, unmatched", body = StatementLineView),
        (status = 409, description = "`invalid_state`: the line is unmatched", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/statement-lines/{id}/unmatch")]
pub async fn unmatch(
    accountant: Accountant,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: OptionalJsonBody<Decision>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let reason = body.value.reason()?;
    let change = LineChange::Unmatch {
        reason: reason.as_deref(),
    };
    change_line(&accountant, &state, *id, &key, &body.hash, change).await
}

/// Marks an unmatched line as not for the ledger (a transfer between the fund's own accounts
/// booked elsewhere, a bank correction reversed the next day, …), with the reason.
#[utoipa::path(
    operation_id = "ignoreStatementLine",
    context_path = "/v1",
    tag = "statements",
    params(("id" = Uuid, Path, description = "the statement line"), ("Idempotency-Key" = Option<String>, Header)),
    request_body = IgnoreLine,
    responses(
        (status = 200, description = "The line, ignored", body = StatementLineView),
        (status = 409, description = "`invalid_state`: the line is not unmatched", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/statement-lines/{id}/ignore")]
pub async fn ignore(
    accountant: Accountant,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<IgnoreLine>,
) -> ApiResult<HttpResponse> {
    let reason =
        text::clean(&body.value.reason, 1000).ok_or_else(|| text_length("reason", 1000))?;
    let change = LineChange::Ignore { reason: &reason };
    change_line(&accountant, &state, *id, &key, &body.hash, change).await
}

/// The line's bank account for its finance officer, then the change in the idempotent
/// transaction.
async fn change_line(
    accountant: &Accountant,
    state: &AppState,
    id: Uuid,
    key: &IdempotencyKey,
    hash: &[u8],
    change: LineChange<'_>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.pools.write.get().await?;
    let actor = &**accountant;
    let bank = &app::statements::bank_account_of_line(&mut conn, actor, id).await?;
    idempotency::ok(&mut conn, actor.id.0, key, hash, move |tx| {
        async move { Ok(app::statements::change_line(tx, actor, bank, id, change).await?) }
            .scope_boxed()
    })
    .await
}
