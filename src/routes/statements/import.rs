use actix_multipart::Multipart;
use actix_web::error::PayloadError;
use actix_web::{web, HttpRequest, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;
use uuid::Uuid;

use super::ImportView;
use crate::app::{self, statements::KEEPER};
use crate::auth::Accountant;
use crate::domain::statement::{Format, StatementError};
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::file_body;
use crate::extract::Query;
use crate::idempotency::{self, IdempotencyKey};
use crate::messages::statements as refusals;
use crate::state::AppState;

/// Statement files are at most 64 MiB (`security.md`); 200,000 lines take about 30 MB.
pub const STATEMENT_LIMIT: u64 = 64 << 20;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The bank's export layout.
    #[param(value_type = Format, inline)]
    pub format: Option<String>,
    /// Import a file in the layout of another bank than the account's (some banks export in
    /// another's layout); without it such a file is 422 `format_mismatch`. Audited.
    pub force: Option<bool>,
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
        (status = 422, description = "`invalid_statement`: `errors[0].field` names the line (`line 17`); `format_mismatch`: the layout of another bank than the account's, without `force=true`", body = crate::error::Problem, content_type = "application/problem+json"),
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
        _ => return Err(refusals::unsupported_media_type().into()),
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

    let bank = {
        let mut conn = state.pools.write.get().await?;
        let (bank, _) =
            app::statements::bank_account_for(&mut conn, &accountant, *id, KEEPER).await?;
        bank
    };

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
    let prepared = tokio::task::spawn_blocking(move || {
        app::statements::prepare(format, account, today, &body)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(invalid_statement)?;
    let mut prepared = prepared;
    app::statements::check_format(&bank, &mut prepared, query.force.unwrap_or(false))?;

    // the body's hash for Idempotency-Key, bound to the method, path and query
    let mut hasher = Sha256::new();
    hasher.update(format!("{} {}", req.method(), req.path()).as_bytes());
    hasher.update([0]);
    hasher.update(req.query_string().as_bytes());
    hasher.update([0]);
    hasher.update(prepared.sha256);
    let request_hash = hasher.finalize().to_vec();

    let mut conn = state.pools.write.get().await?;
    let (actor, bank, prepared) = (&*accountant, &bank, &prepared);
    idempotency::created(
        &mut conn,
        actor.id.0,
        &key,
        &request_hash,
        |_: &ImportView| None,
        move |tx| {
            async move { Ok(app::statements::import(tx, actor, bank, prepared).await?) }
                .scope_boxed()
        },
    )
    .await
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
            return Err(refusals::unexpected_part(&name).into());
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
    file.ok_or_else(|| refusals::missing_file().into())
}

fn payload_error(e: PayloadError) -> ApiError {
    match e {
        PayloadError::Overflow => too_large(),
        other => {
            tracing::info!(reason = %other, "statement body cut short");
            refusals::cut_short().into()
        }
    }
}

fn multipart_error(e: actix_multipart::MultipartError) -> ApiError {
    file_body::multipart_error(e, too_large)
}

fn too_large() -> ApiError {
    refusals::too_large().into()
}

/// 422 `invalid_statement` naming the line (field `line 17`, member `line`).
fn invalid_statement(e: StatementError) -> ApiError {
    let line = e.line;
    let (field, detail) = refusals::unreadable(e);
    ApiError {
        errors: vec![field],
        detail: Some(detail),
        ..ApiError::new(Code::InvalidStatement)
    }
    .with_extension("line", serde_json::json!(line))
}
