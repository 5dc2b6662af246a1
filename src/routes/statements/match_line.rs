//! Matching a statement line by hand: to a journal entry of the bank account's fund that posts
//! the line's amount to the account's 1121.N on the matching side, back to unmatched, or
//! ignored with a reason. The bank account's finance officer.

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::scoped_futures::ScopedFutureExt;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::StatementLineView;
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Accountant;
use crate::db::bank_accounts::BankAccountRow;
use crate::db::statements::StatementLineRow;
use crate::db::{bank_accounts, matching, units};
use crate::domain::{text, Role};
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::{JsonBody, OptionalJsonBody};
use crate::idempotency::{self, IdempotencyKey};
use crate::routes::spending::Decision;
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
    let entry = body.value.journal_entry_id;
    let mut conn = state.pools.write.get().await?;
    let (_, bank) = authorize(&mut conn, &accountant, *id).await?;
    let accountant = &accountant;
    idempotency::transact(
        &mut conn,
        accountant.id.0,
        &key,
        &body.hash,
        StatusCode::OK,
        |_: &StatementLineView| None,
        move |conn| {
            async move {
                let line = matching::lock_line(conn, id.into_inner()).await?;
                if line.status != "unmatched" {
                    return Err(invalid_state(&line.status));
                }
                let (side, amount) = if line.credit > Decimal::ZERO {
                    ("debit", line.credit)
                } else {
                    ("credit", line.debit)
                };
                let posted =
                    matching::entry_side_total(conn, entry, bank.unit_id, bank.account_id, side)
                        .await?;
                if posted != Some(amount) {
                    return Err(ApiError::field(
                        "journal_entry_id",
                        format!(
                            "an entry of this fund posting {amount} as a {side} to the bank account"
                        ),
                        format!(
                            "một bút toán của quỹ này ghi {} {amount} vào tài khoản ngân hàng",
                            if side == "debit" { "Nợ" } else { "Có" }
                        ),
                    ));
                }
                if matching::line_of_entry(conn, entry).await?.is_some() {
                    return Err(entry_taken());
                }
                let row = matching::set_matched(conn, line.id, entry, accountant.id.0)
                    .await
                    .map_err(|e| match e {
                        // a concurrent match of the same entry to another line won
                        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info)
                            if info.constraint_name()
                                == Some("statement_lines_matched_entry_key") =>
                        {
                            entry_taken()
                        }
                        e => e.into(),
                    })?;
                record(
                    conn,
                    accountant,
                    "statement_line.match",
                    &row,
                    &bank,
                    serde_json::json!({"status": {"from": "unmatched", "to": "matched"},
                                       "journal_entry_id": entry}),
                )
                .await?;
                Ok(StatementLineView::from(row))
            }
            .scope_boxed()
        },
    )
    .await
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
    let mut conn = state.pools.write.get().await?;
    let (_, bank) = authorize(&mut conn, &accountant, *id).await?;
    let accountant = &accountant;
    idempotency::transact(
        &mut conn,
        accountant.id.0,
        &key,
        &body.hash,
        StatusCode::OK,
        |_: &StatementLineView| None,
        move |conn| {
            async move {
                let line = matching::lock_line(conn, id.into_inner()).await?;
                if line.status == "unmatched" {
                    return Err(invalid_state(&line.status));
                }
                let row = matching::set_unmatched(conn, line.id).await?;
                record(
                    conn,
                    accountant,
                    "statement_line.unmatch",
                    &row,
                    &bank,
                    serde_json::json!({"status": {"from": line.status, "to": "unmatched"},
                                       "journal_entry_id": line.matched_entry_id,
                                       "reason": reason}),
                )
                .await?;
                Ok(StatementLineView::from(row))
            }
            .scope_boxed()
        },
    )
    .await
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
    let reason = text::clean(&body.value.reason, 1000)
        .ok_or_else(|| ApiError::field("reason", "1 to 1000 characters", "từ 1 đến 1000 ký tự"))?;
    let mut conn = state.pools.write.get().await?;
    let (_, bank) = authorize(&mut conn, &accountant, *id).await?;
    let (accountant, reason) = (&accountant, reason.as_str());
    idempotency::transact(
        &mut conn,
        accountant.id.0,
        &key,
        &body.hash,
        StatusCode::OK,
        |_: &StatementLineView| None,
        move |conn| {
            async move {
                let line = matching::lock_line(conn, id.into_inner()).await?;
                if line.status != "unmatched" {
                    return Err(invalid_state(&line.status));
                }
                let row = matching::set_ignored(conn, line.id, reason).await?;
                record(
                    conn,
                    accountant,
                    "statement_line.ignore",
                    &row,
                    &bank,
                    serde_json::json!({"status": {"from": "unmatched", "to": "ignored"},
                                       "reason": reason}),
                )
                .await?;
                Ok(StatementLineView::from(row))
            }
            .scope_boxed()
        },
    )
    .await
}

/// The line and its bank account, when the caller is the finance officer of the account's
/// unit: 404 outside the caller's scope, 403 inside without the role.
async fn authorize(
    conn: &mut diesel_async::AsyncPgConnection,
    accountant: &Accountant,
    id: Uuid,
) -> ApiResult<(StatementLineRow, BankAccountRow)> {
    let line = matching::find_line(conn, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let bank = bank_accounts::find(conn, line.bank_account_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let unit = units::find(conn, bank.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    accountant
        .scope
        .authorize(Right::ActAs(Role::Accountant), &unit)?;
    Ok((line, bank))
}

fn invalid_state(status: &str) -> ApiError {
    ApiError::new(Code::InvalidState).detail(
        format!("The line is {status}."),
        format!(
            "Dòng sao kê đang ở trạng thái {}.",
            crate::vocabulary::term(status, crate::i18n::Lang::Vi)
        ),
    )
}

fn entry_taken() -> ApiError {
    ApiError::new(Code::Conflict).detail(
        "The entry is already matched to another statement line.",
        "Bút toán đã được đối chiếu với một dòng sao kê khác.",
    )
}

/// The audit event; amounts and ids only (descriptions carry donors' names).
async fn record(
    conn: &mut diesel_async::AsyncPgConnection,
    accountant: &Accountant,
    action: &'static str,
    row: &StatementLineRow,
    bank: &BankAccountRow,
    changes: serde_json::Value,
) -> ApiResult<()> {
    let mut changes = changes;
    changes["bank_account_id"] = serde_json::json!(bank.id);
    audit::record(
        conn,
        accountant,
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
