use actix_web::{web, HttpRequest, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::ImportView;
use crate::app::{self, statements::KEEPER};
use crate::auth::Accountant;
use crate::domain::statement::Format;
use crate::error::{ApiError, ApiResult};
use crate::extract::statement_file::{self, StatementBody, StatementForm};
use crate::extract::Query;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

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
    let shape = StatementBody::of(&req)?;
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
    let body = shape.read(&req, payload).await?;

    // parsing and hashing a large file is CPU work: keep it off the async workers
    let account = bank.id;
    let today = state.settings.clock.today();
    let prepared = tokio::task::spawn_blocking(move || {
        app::statements::prepare(format, account, today, &body)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(statement_file::invalid_statement)?;
    let mut prepared = prepared;
    app::statements::check_format(&bank, &mut prepared, query.force.unwrap_or(false))?;

    let request_hash = statement_file::request_hash(&req, &prepared.sha256);

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
