//! Extractor configuration: JSON, query and path errors become problem responses with stable
//! codes instead of actix's plain-text defaults.

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{web, HttpRequest};

use crate::error::{ApiError, Code, FieldError};

/// JSON bodies are at most 1 MiB (`security.md`).
pub const JSON_LIMIT: usize = 1 << 20;

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_LIMIT)
        .error_handler(|err, _req: &HttpRequest| json_error(err).into())
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        let QueryPayloadError::Deserialize(e) = &err else {
            return ApiError::new(Code::ValidationFailed).into();
        };
        serde_error("query", &e.to_string()).into()
    })
}

/// A path that does not parse (e.g. an id that is not a UUID) names nothing that exists.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_err: PathError, _req| ApiError::not_found().into())
}

fn json_error(err: JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            ApiError::new(Code::PayloadTooLarge).detail(
                format!("JSON bodies are limited to {JSON_LIMIT} bytes."),
                format!("Nội dung JSON tối đa {JSON_LIMIT} byte."),
            )
        }
        JsonPayloadError::ContentType => ApiError::new(Code::UnsupportedMediaType).detail(
            "Send the body as application/json.",
            "Hãy gửi nội dung dạng application/json.",
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => serde_error("body", &e.to_string()),
        JsonPayloadError::Deserialize(e) => ApiError::new(Code::MalformedJson).detail(
            format!("The body is not valid JSON (line {}, column {}).", e.line(), e.column()),
            format!("Nội dung không phải JSON hợp lệ (dòng {}, cột {}).", e.line(), e.column()),
        ),
        _ => ApiError::new(Code::MalformedJson),
    }
}

/// Turns serde's message into a field error; serde names the field for unknown, missing and
/// mistyped fields, which is what a client developer needs.
fn serde_error(default_field: &str, message: &str) -> ApiError {
    let quoted = |prefix: &str| {
        message
            .split_once(prefix)
            .and_then(|(_, rest)| rest.split('`').next())
            .map(str::to_owned)
    };
    let field = quoted("unknown field `")
        .or_else(|| quoted("missing field `"))
        .unwrap_or_else(|| default_field.to_owned());
    // serde_json appends " at line N column M"; the position is noise for a field error
    let clean = message.split(" at line ").next().unwrap_or(message).to_owned();
    let vi = if message.starts_with("unknown field") {
        "Trường không được hỗ trợ.".to_owned()
    } else if message.starts_with("missing field") {
        "Thiếu trường bắt buộc.".to_owned()
    } else {
        format!("Giá trị không hợp lệ: {clean}")
    };
    ApiError::validation(vec![FieldError::new(field, clean, vi)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_unknown_and_missing_fields() {
        let e = serde_error("body", "unknown field `colour`, expected one of `a`, `b` at line 1 column 9");
        assert_eq!(e.errors[0].field, "colour");
        assert_eq!(e.code, Code::ValidationFailed);
        let e = serde_error("body", "missing field `name` at line 1 column 2");
        assert_eq!(e.errors[0].field, "name");
        assert!(!e.errors[0].message.en.contains("line"));
    }
}
