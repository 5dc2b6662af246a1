//! Extractor configuration: JSON, query and path errors become problem responses with stable
//! codes instead of actix's plain-text defaults.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{web, FromRequest, HttpRequest};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::domain::clock::Clock;
use crate::domain::fund_date;
use crate::error::{ApiError, Code, FieldError};
use crate::startup::AppState;

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
            format!(
                "The body is not valid JSON (line {}, column {}).",
                e.line(),
                e.column()
            ),
            format!(
                "Nội dung không phải JSON hợp lệ (dòng {}, cột {}).",
                e.line(),
                e.column()
            ),
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
    let prefix = |name: String| match default_field {
        "body" | "query" => name,
        parent => format!("{parent}.{name}"),
    };
    let field = match (quoted("unknown field `"), quoted("missing field `")) {
        // serde_path_to_error's path already ends at the unknown key (`donor.nickname`)
        (Some(name), _) if matches!(default_field, "body" | "query") => name,
        (Some(_), _) => default_field.to_owned(),
        // a missing field's path ends at the struct that lacks it
        (None, Some(name)) => prefix(name),
        (None, None) => default_field.to_owned(),
    };
    // serde_json appends " at line N column M"; the position is noise for a field error
    let clean = message
        .split(" at line ")
        .next()
        .unwrap_or(message)
        .to_owned();
    let vi = if message.starts_with("unknown field") {
        "Trường không được hỗ trợ.".to_owned()
    } else if message.starts_with("missing field") {
        "Thiếu trường bắt buộc.".to_owned()
    } else {
        format!("Giá trị không hợp lệ: {clean}")
    };
    ApiError::validation(vec![FieldError::new(field, clean, vi)])
}

/// A JSON body parsed with exact field paths in errors (`donor.kind`, `postings[1].amount`),
/// plus a hash of its canonical form (keys sorted, whitespace dropped) bound to the method and
/// path, for idempotency.
pub struct JsonBody<T> {
    pub value: T,
    pub hash: Vec<u8>,
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<JsonBody<T>, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let (is_json, route, today) = (is_json(req), route(req), service_today(req));
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move { parse(is_json, &route, today, bytes.await).await })
    }
}

/// A JSON body that may be left out (an action such as `approve` whose body is optional): no
/// body at all, or `null`, reads as `T::default()` (no body hashes like `{}` for idempotency);
/// a body that is sent is parsed exactly like `JsonBody` (content type, size, unknown fields).
pub struct OptionalJsonBody<T>(pub JsonBody<T>);

impl<T: DeserializeOwned + Default + 'static> FromRequest for OptionalJsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<OptionalJsonBody<T>, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let (is_json, route, today) = (is_json(req), route(req), service_today(req));
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = bytes.await;
            if matches!(&bytes, Ok(b) if b.is_empty()) {
                return Ok(OptionalJsonBody(JsonBody {
                    value: T::default(),
                    hash: body_hash(&route, &serde_json::json!({})),
                }));
            }
            // `null` reads as no body too
            let body = parse::<Option<T>>(is_json, &route, today, bytes).await?;
            Ok(OptionalJsonBody(JsonBody {
                value: body.value.unwrap_or_default(),
                hash: body.hash,
            }))
        })
    }
}

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| {
            let m = m.trim().to_ascii_lowercase();
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        })
}

fn route(req: &HttpRequest) -> String {
    format!("{} {}", req.method(), req.path())
}

fn body_hash(route: &str, raw: &serde_json::Value) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(route.as_bytes());
    hasher.update([0]);
    hasher.update(raw.to_string().as_bytes());
    hasher.finalize().to_vec()
}

async fn parse<T: DeserializeOwned>(
    is_json: bool,
    route: &str,
    today: NaiveDate,
    bytes: Result<web::Bytes, actix_web::Error>,
) -> Result<JsonBody<T>, ApiError> {
    if !is_json {
        return Err(json_error(JsonPayloadError::ContentType));
    }
    let bytes = bytes.map_err(|_| {
        ApiError::new(Code::PayloadTooLarge).detail(
            format!("JSON bodies are limited to {JSON_LIMIT} bytes."),
            format!("Nội dung JSON tối đa {JSON_LIMIT} byte."),
        )
    })?;
    if bytes.len() > JSON_LIMIT {
        return Err(json_error(JsonPayloadError::Overflow { limit: JSON_LIMIT }));
    }
    let raw: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| json_error(JsonPayloadError::Deserialize(e)))?;
    let hash = body_hash(route, &raw);
    let value =
        fund_date::with_today(today, || serde_path_to_error::deserialize(raw)).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner().to_string();
            let field = if path == "." { "body".to_owned() } else { path };
            serde_error(&field, &inner)
        })?;
    Ok(JsonBody { value, hash })
}

/// The service's date (its clock, `settings.clock`) for the range of dates a request may name.
fn service_today(req: &HttpRequest) -> NaiveDate {
    req.app_data::<web::Data<AppState>>()
        .map_or_else(|| Clock::system().today(), |s| s.settings.clock.today())
}

/// A query string parsed like a JSON body: the problem names the parameter that is wrong
/// (`from`, `limit`), and dates are held to the fund's range (`fund_date`). Named `Query` like
/// actix's, so the OpenAPI generator reads its parameters the same way.
pub struct Query<T>(pub T);

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Query<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Query<T>, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string(), service_today(req)).map(Query))
    }
}

fn parse_query<T: DeserializeOwned>(query: &str, today: NaiveDate) -> Result<T, ApiError> {
    let pairs = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    fund_date::with_today(today, || serde_path_to_error::deserialize(pairs)).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let field = if path == "." {
            "query".to_owned()
        } else {
            path
        };
        serde_error(&field, &inner)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_unknown_and_missing_fields() {
        let e = serde_error(
            "body",
            "unknown field `colour`, expected one of `a`, `b` at line 1 column 9",
        );
        assert_eq!(e.errors[0].field, "colour");
        assert_eq!(e.code, Code::ValidationFailed);
        let e = serde_error("body", "missing field `name` at line 1 column 2");
        assert_eq!(e.errors[0].field, "name");
        assert!(!e.errors[0].message.en.contains("line"));
    }

    #[test]
    fn nested_paths_name_the_field_once() {
        let e = serde_error(
            "donor.nickname",
            "unknown field `nickname`, expected one of `kind`, `name`",
        );
        assert_eq!(e.errors[0].field, "donor.nickname");
        let e = serde_error("donor", "missing field `kind`");
        assert_eq!(e.errors[0].field, "donor.kind");
    }
}
