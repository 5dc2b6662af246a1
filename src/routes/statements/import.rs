use actix_multipart::Multipart;
use actix_web::error::PayloadError;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use futures_util::{Stream, StreamExt};
use rust_decimal::Decimal;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;
use uuid::Uuid;

use super::ImportView;
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Accountant;
use crate::db::statements::{self, NewLine, NewStatement};
use crate::db::{bank_accounts, matching, units};
use crate::domain::statement::{self, Format, ParsedStatement, StatementError};
use crate::domain::{money, Role};
use crate::error::{ApiError, ApiResult, Code, FieldError};
use crate::extract::Query;
use crate::idempotency::{self, IdempotencyKey};
use crate::routes::file_body;
use crate::state::AppState;

/// Statement files are at most 64 MiB (`security.md`); 200,000 lines take about 30 MB.
pub const STATEMENT_LIMIT: u64 = 64 << 20;

/// Lines per `INSERT`: large enough that round trips do not count, small enough to keep each
/// statement's parameters modest.
const BATCH: usize = 20_000;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The bank's export layout.
    #[param(value_type = Format, inline)]
    pub format: Option<String>,
}

/// Imports a bank statement (the bank's CSV export: the body as `text/csv` or
/// `application/octet-stream`, or the part `file` of a `multipart/form-data` body) into the bank
/// account. Lines already imported — by this file before, or by an overlapping statement — are
/// skipped; identical lines on one day are distinct transfers and are all kept. A file with any
/// line it cannot read imports nothing (422 naming the line).
#[utoipa::path(
    operation_id = "importStatement",
    post,
    path = "/v1/bank-accounts/{id}/statements",
    tag = "statements",
    params(
        ("id" = Uuid, Path, description = "the bank account"),
        ImportQuery,
        ("Idempotency-Key" = Option<String>, Header),
    ),
    request_body(description = "The statement file, UTF-8 with or without a BOM, at most 64 MiB: the whole body, or the part `file` of a form", content(
        (String = "text/csv"),
        (StatementForm = "multipart/form-data"),
    )),
    responses(
        (status = 201, description = "The statement imported: lines new and already known, totals, lines matched", body = ImportView),
        (status = 413, description = "`payload_too_large`: over 64 MiB", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`: not `text/csv`, `application/octet-stream` or `multipart/form-data`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_statement`: `errors[0].field` names the line (`line 17`)", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
pub async fn import(
    accountant: Accountant,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: Query<ImportQuery>,
    key: IdempotencyKey,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let form = match file_body::media_type(&req).as_deref() {
        Some("text/csv" | "application/octet-stream") => false,
        Some("multipart/form-data") => true,
        _ => return Err(ApiError::new(Code::UnsupportedMediaType).detail(
            "Send the statement file as text/csv, application/octet-stream or multipart/form-data.",
            "Hãy gửi tệp sao kê dạng text/csv, application/octet-stream hoặc multipart/form-data.",
        )),
    };
    // a form's boundaries and part headers need a little room beyond the file
    let body_limit = if form {
        STATEMENT_LIMIT + file_body::MULTIPART_OVERHEAD
    } else {
        STATEMENT_LIMIT
    };
    if file_body::declared_length(&req).is_some_and(|n| n > body_limit) {
        return Err(too_large());
    }
    let format = query
        .format
        .as_deref()
        .and_then(Format::parse)
        .ok_or_else(|| {
            crate::input_errors::not_one_of(
                "format",
                &["vietcombank", "bidv", "vietinbank", "agribank", "generic"],
            )
        })?;

    let (bank, unit) = {
        let mut conn = state.pools.write.get().await?;
        let bank = bank_accounts::find(&mut conn, *id)
            .await?
            .ok_or_else(ApiError::not_found)?;
        let unit = units::find(&mut conn, bank.unit_id)
            .await?
            .ok_or_else(ApiError::not_found)?;
        (bank, unit)
    };
    accountant
        .scope
        .authorize(Right::ActAs(Role::Accountant), &unit)?;

    // read only once the caller may import here
    let body = file_body::bounded(payload, body_limit);
    let body = if form {
        file_part(Multipart::new(req.headers(), body)).await?
    } else {
        collect(body).await?
    };

    // parsing and hashing a large file is CPU work: keep it off the async workers
    let account = bank.id;
    let today = state.settings.clock.today();
    let prepared = tokio::task::spawn_blocking(move || prepare(format, account, today, &body))
        .await
        .map_err(ApiError::internal)?
        .map_err(invalid_statement)?;

    // the body's hash for Idempotency-Key, bound to the method, path and query
    let mut hasher = Sha256::new();
    hasher.update(format!("{} {}", req.method(), req.path()).as_bytes());
    hasher.update([0]);
    hasher.update(req.query_string().as_bytes());
    hasher.update([0]);
    hasher.update(prepared.sha256);
    let request_hash = hasher.finalize().to_vec();

    let mut conn = state.pools.write.get().await?;
    let accountant = &accountant;
    let prepared = &prepared;
    idempotency::transact(
        &mut conn,
        accountant.id.0,
        &key,
        &request_hash,
        StatusCode::CREATED,
        |_| None,
        move |conn| {
            async move {
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
                        })
                        .collect();
                    lines_new +=
                        statements::insert_lines(conn, account, statement_id, &batch).await?;
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
                        imported_by: accountant.id.0,
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
                // the new credit lines, to the entries of recorded bank-transfer donations
                let auto_matched =
                    matching::auto_match(conn, account, statement_id, accountant.id.0).await?;
                audit::record(
                    conn,
                    accountant,
                    Change {
                        action: "statement.import",
                        target_type: "bank_statement",
                        target_id: Some(statement_id),
                        unit_id: Some(unit.id),
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
                })
            }
            .scope_boxed()
        },
    )
    .await
}

/// The parsed file with what its insert needs, worked out off the async workers.
struct Prepared {
    statement: ParsedStatement,
    occurrences: Vec<i32>,
    identities: Vec<[u8; 32]>,
    searches: Vec<String>,
    sha256: [u8; 32],
}

fn prepare(
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
    Ok(Prepared {
        statement: parsed,
        occurrences,
        identities,
        searches,
        sha256: Sha256::digest(body).into(),
    })
}

/// The form of a multipart import (documentation only; the body is read as a stream).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct StatementForm {
    /// The bank's CSV export.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// The whole body, at most 64 MiB.
async fn collect(
    mut body: impl Stream<Item = Result<web::Bytes, PayloadError>> + Unpin,
) -> ApiResult<Vec<u8>> {
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next().await {
        bytes.extend_from_slice(&chunk.map_err(payload_error)?);
    }
    Ok(bytes)
}

/// The one part `file` of a form, at most 64 MiB; any other part is refused by name.
async fn file_part(mut form: Multipart) -> ApiResult<Vec<u8>> {
    let mut file: Option<Vec<u8>> = None;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(multipart_error)?;
        let name = field.name().unwrap_or_default().to_owned();
        if name != "file" || file.is_some() {
            let (field, message, vi) = match name.as_str() {
                "file" => ("file", "sent more than once", "được gửi nhiều lần"),
                // a part without a name stands where `file` should
                "" => (
                    "file",
                    "unknown part; send `file`",
                    "phần không được hỗ trợ; hãy gửi `file`",
                ),
                other => (
                    other,
                    "unknown part; send `file`",
                    "phần không được hỗ trợ; hãy gửi `file`",
                ),
            };
            return Err(ApiError::field(field, message, vi));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            bytes.extend_from_slice(&chunk.map_err(multipart_error)?);
            if bytes.len() as u64 > STATEMENT_LIMIT {
                return Err(too_large());
            }
        }
        file = Some(bytes);
    }
    file.ok_or_else(|| ApiError::field("file", "the statement file is missing", "thiếu tệp sao kê"))
}

fn payload_error(e: PayloadError) -> ApiError {
    match e {
        PayloadError::Overflow => too_large(),
        other => {
            tracing::info!(reason = %other, "statement body cut short");
            ApiError::new(Code::MalformedJson).detail(
                "The request body could not be read to its end.",
                "Không đọc được hết nội dung yêu cầu.",
            )
        }
    }
}

fn multipart_error(e: actix_multipart::MultipartError) -> ApiError {
    file_body::multipart_error(e, too_large)
}

fn too_large() -> ApiError {
    ApiError::new(Code::PayloadTooLarge).detail(
        "Statement files are limited to 64 MiB.",
        "Tệp sao kê tối đa 64 MiB.",
    )
}

fn invalid_statement(e: StatementError) -> ApiError {
    ApiError {
        errors: vec![FieldError {
            field: format!("line {}", e.line),
            message: e.message,
        }],
        ..ApiError::new(Code::InvalidStatement)
    }
    .detail(
        format!("Nothing was imported: line {} cannot be read.", e.line),
        format!("Chưa nhập gì: không đọc được dòng {}.", e.line),
    )
    .with_extension("line", serde_json::json!(e.line))
}
