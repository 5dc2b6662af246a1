//! Request bodies that carry a file (attachments, bank statements): the media type, a size bound
//! applied as the bytes arrive (a body sent without `Content-Length` cannot grow past it), and
//! what can go wrong reading a multipart body, answered as the client's error — never a 500.

use actix_multipart::MultipartError;
use actix_web::error::PayloadError;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::web::{self, Bytes};
use actix_web::HttpRequest;
use futures_util::{Stream, StreamExt};

use crate::error::{ApiError, Code};

/// Room a multipart body needs beyond its file: boundaries, part headers, small text parts.
pub const MULTIPART_OVERHEAD: u64 = 64 * 1024;

/// The request's media type without parameters, lowercase (`multipart/form-data`).
pub fn media_type(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
}

/// The `Content-Length` the client declared, when it did.
pub fn declared_length(req: &HttpRequest) -> Option<u64> {
    req.headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
}

/// The body, failing with `PayloadError::Overflow` as soon as more than `limit` bytes came.
pub fn bounded(
    payload: web::Payload,
    limit: u64,
) -> impl Stream<Item = Result<Bytes, PayloadError>> + Unpin + 'static {
    let mut seen = 0u64;
    payload.map(move |chunk| {
        let chunk = chunk?;
        seen += chunk.len() as u64;
        if seen > limit {
            Err(PayloadError::Overflow)
        } else {
            Ok(chunk)
        }
    })
}

/// 413 past the limit (`too_large` says which), 415 for a body that is not multipart, 400 for a
/// malformed one.
pub fn multipart_error(e: MultipartError, too_large: fn() -> ApiError) -> ApiError {
    match e {
        MultipartError::Payload(PayloadError::Overflow) => too_large(),
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible => ApiError::new(Code::UnsupportedMediaType)
            .detail(
                "Send the file as multipart/form-data.",
                "Hãy gửi tệp dạng multipart/form-data.",
            ),
        other => {
            tracing::info!(reason = %other, "malformed multipart body");
            ApiError::new(Code::MalformedJson).detail(
                "The multipart/form-data body is malformed.",
                "Nội dung multipart/form-data không đúng định dạng.",
            )
        }
    }
}
