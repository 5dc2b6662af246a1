//! A bank statement file in a request: the bare body (`text/csv` or bytes) or the one part
//! `file` of a form, at most 64 MiB (`security.md`; 200,000 lines take about 30 MB). The media
//! type and a declared length are checked before anything is read ([`StatementBody::of`]); the
//! bytes are read only once the caller may import ([`StatementBody::read`]), bounded as they
//! arrive. Every way a body can be wrong is the client's error, never a 500.

use actix_multipart::Multipart;
use actix_web::error::PayloadError;
use actix_web::{web, HttpRequest};
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};

use super::file_body;
use crate::domain::statement::StatementError;
use crate::error::{ApiError, ApiResult, Code};
use crate::messages::statements as refusals;

pub const STATEMENT_LIMIT: u64 = 64 << 20;

/// The form of a multipart import (documentation only; the body is read as a stream).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct StatementForm {
    /// The bank's CSV export.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// How the request carries its statement, checked before the body is read.
pub struct StatementBody {
    form: bool,
    limit: u64,
}

impl StatementBody {
    /// 415 for a media type that carries no statement, 413 for a declared length over the limit.
    pub fn of(req: &HttpRequest) -> ApiResult<StatementBody> {
        let form = match file_body::media_type(req).as_deref() {
            Some("text/csv" | "application/octet-stream") => false,
            Some("multipart/form-data") => true,
            _ => return Err(refusals::unsupported_media_type().into()),
        };
        // a form's boundaries and part headers need a little room beyond the file
        let limit = STATEMENT_LIMIT
            + if form {
                file_body::MULTIPART_OVERHEAD
            } else {
                0
            };
        if file_body::declared_length(req).is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        Ok(StatementBody { form, limit })
    }

    /// The file's bytes.
    pub async fn read(self, req: &HttpRequest, payload: web::Payload) -> ApiResult<Vec<u8>> {
        let body = file_body::bounded(payload, self.limit);
        if self.form {
            file_part(Multipart::new(req.headers(), body)).await
        } else {
            collect(body).await
        }
    }
}

/// The hash an `Idempotency-Key` binds to: the method, path and query with the file's SHA-256.
pub fn request_hash(req: &HttpRequest, file_sha256: &[u8]) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(format!("{} {}", req.method(), req.path()).as_bytes());
    hasher.update([0]);
    hasher.update(req.query_string().as_bytes());
    hasher.update([0]);
    hasher.update(file_sha256);
    hasher.finalize().to_vec()
}

/// 422 `invalid_statement` naming the line (field `line 17`, member `line`).
pub fn invalid_statement(e: StatementError) -> ApiError {
    let line = e.line;
    let (field, detail) = refusals::unreadable(e);
    ApiError {
        errors: vec![field],
        detail: Some(detail),
        ..ApiError::new(Code::InvalidStatement)
    }
    .with_extension("line", serde_json::json!(line))
}

/// The whole body.
async fn collect(
    mut body: impl Stream<Item = Result<web::Bytes, PayloadError>> + Unpin,
) -> ApiResult<Vec<u8>> {
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next().await {
        bytes.extend_from_slice(&chunk.map_err(payload_error)?);
    }
    Ok(bytes)
}

/// The one part `file` of a form; any other part is refused by name.
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
