//! Extractors and their configuration: JSON bodies and query strings are parsed here, once, so
//! that every endpoint refuses a key sent twice (400 `duplicate_key`) and every complaint names
//! the field by its real path (`donor.kind`, `postings[1].amount`, `limit`) in words, not
//! serde's. Path errors become 404s.

use std::future::{ready, Future, Ready};
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::{JsonPayloadError, PathError, PayloadError, QueryPayloadError};
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;
use sha2::{Digest, Sha256};

use crate::domain::clock::Clock;
use crate::domain::fund_date;
#[cfg(test)]
use crate::error::Text;
use crate::error::{ApiError, Code, FieldError};
use crate::i18n::Lang;
use crate::input_errors::{self, Complaint, Expected, Place};
use crate::state::AppState;
use crate::unique_json::{self, Refusal};
use crate::vocabulary;
use chrono::NaiveDate;

pub mod file_body;
pub mod statement_file;

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
        // only `web::Query` comes here; `Query` names the parameter itself
        let complaint = input_errors::classify(&e.to_string());
        input_errors::problem(Place::Query, "", &complaint).into()
    })
}

/// A path that does not parse (e.g. an id that is not a UUID) names nothing that exists.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_err: PathError, _req| ApiError::not_found().into())
}

fn too_large() -> ApiError {
    ApiError::new(Code::PayloadTooLarge).detail(
        format!(
            "JSON bodies are limited to {} bytes.",
            vocabulary::number(JSON_LIMIT as i128, Lang::En)
        ),
        format!(
            "Nội dung JSON tối đa {} byte.",
            vocabulary::number(JSON_LIMIT as i128, Lang::Vi)
        ),
    )
}

fn json_error(err: JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            too_large()
        }
        JsonPayloadError::ContentType => ApiError::new(Code::UnsupportedMediaType).detail(
            "Send the body as application/json.",
            "Hãy gửi nội dung dạng application/json.",
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            input_errors::problem(Place::Body, "", &input_errors::classify(&e.to_string()))
        }
        JsonPayloadError::Deserialize(e) => malformed(&e),
        _ => ApiError::new(Code::MalformedJson),
    }
}

fn malformed(e: &serde_json::Error) -> ApiError {
    ApiError::new(Code::MalformedJson).detail(
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
    )
}

/// 400 `duplicate_key`: which of the two values counts is exactly what must not be guessed.
fn duplicate_key(path: &str) -> ApiError {
    ApiError {
        errors: vec![FieldError::new(
            path,
            "appears more than once",
            "xuất hiện nhiều lần",
        )],
        ..ApiError::new(Code::DuplicateKey).detail(
            format!("The key \"{path}\" appears more than once; send each key once."),
            format!("Khóa \"{path}\" xuất hiện nhiều lần; mỗi khóa chỉ được gửi một lần."),
        )
    }
}

/// `path` as a field name: `donor.kind`, `postings[1].amount`, `[0].household_id`; empty for
/// the input as a whole.
fn field_name(path: &serde_path_to_error::Path) -> String {
    let mut name = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => name.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !name.is_empty() {
                    name.push('.');
                }
                name.push_str(key);
            }
            Segment::Unknown => {}
        }
    }
    name
}

/// Deserializes `raw` into `T`, turning serde's complaint into a field error on its path. When
/// serde's words do not say enough (an enum given a number, a date or an instant), the field is
/// offered samples to learn what it takes — only on this error path.
fn from_value<T: DeserializeOwned>(
    raw: &serde_json::Value,
    today: NaiveDate,
) -> Result<T, ApiError> {
    // dates are held to the fund's range on the service's clock (`fund_date`)
    let attempt = |raw: &serde_json::Value| {
        fund_date::with_today(today, || serde_path_to_error::deserialize::<_, T>(raw))
    };
    // serde lets a struct be given as an array of its fields in order; a body that is an
    // object is sent as one
    if raw.is_array() && takes_an_object(attempt(&serde_json::json!({}))) {
        return Err(input_errors::problem(
            Place::Body,
            "",
            &Complaint::Expected(Expected::Object),
        ));
    }
    let error = match attempt(raw) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let path = error.path().clone();
    let complaint = input_errors::classify(&error.into_inner().to_string());
    let complaint = input_errors::resolve(complaint, |sample| {
        let mut probe = raw.clone();
        let slot = pointer_mut(&mut probe, &path)?;
        *slot = serde_json::Value::String(sample.to_owned());
        match attempt(&probe) {
            Err(e) if field_name(e.path()) == field_name(&path) => Some(e.into_inner().to_string()),
            _ => None,
        }
    });
    Err(input_errors::problem(
        Place::Body,
        &field_name(&path),
        &complaint,
    ))
}

/// Whether `T`, offered `{}`, took it or complained about something else than its shape.
fn takes_an_object<T>(offered: Result<T, serde_path_to_error::Error<serde_json::Error>>) -> bool {
    match offered {
        Ok(_) => true,
        Err(e) => !matches!(
            input_errors::classify(&e.into_inner().to_string()),
            Complaint::Expected(Expected::List) | Complaint::WrongLength
        ),
    }
}

fn pointer_mut<'v>(
    value: &'v mut serde_json::Value,
    path: &serde_path_to_error::Path,
) -> Option<&'v mut serde_json::Value> {
    let mut at = value;
    for segment in path {
        at = match segment {
            Segment::Seq { index } => at.get_mut(*index)?,
            Segment::Map { key } => at.get_mut(key.as_str())?,
            _ => return None,
        };
    }
    Some(at)
}

/// A query string, parsed with the same care as a JSON body: every complaint names the
/// parameter (`tier`, `limit`) and says in words what it takes. Derefs to `T`.
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
    type Future = Ready<Result<Query<T>, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse_query(req.query_string(), service_today(req)).map(Query))
    }
}

pub fn parse_query<T: DeserializeOwned>(query: &str, today: NaiveDate) -> Result<T, ApiError> {
    let attempt = |query: &str| {
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        fund_date::with_today(today, || serde_path_to_error::deserialize::<_, T>(de))
    };
    let error = match attempt(query) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let field = field_name(error.path());
    let complaint = input_errors::classify(&error.into_inner().to_string());
    let complaint = input_errors::resolve(complaint, |sample| {
        let pairs = form_urlencoded::parse(query.as_bytes()).map(|(k, v)| {
            let v = if k == field { sample.into() } else { v };
            (k, v)
        });
        let probe = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        match attempt(&probe) {
            Err(e) if field_name(e.path()) == field => Some(e.into_inner().to_string()),
            _ => None,
        }
    });
    Err(input_errors::problem(Place::Query, &field, &complaint))
}

/// A JSON body parsed with exact field paths in errors (`donor.kind`, `postings[1].amount`),
/// plus a hash of its canonical form (keys sorted, whitespace dropped) bound to the method and
/// path, for idempotency.
pub struct JsonBody<T> {
    pub value: T,
    pub hash: Vec<u8>,
}

impl<T> JsonBody<T> {
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> std::ops::Deref for JsonBody<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
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

/// An action named by its path alone (`approve`, `approve-all`), which takes no body: the hash
/// that binds an `Idempotency-Key` to its method and path, as an empty `JsonBody` would, so a
/// key used on one endpoint is refused on another instead of replaying the first's response.
pub struct Action {
    pub hash: Vec<u8>,
}

impl FromRequest for Action {
    type Error = ApiError;
    type Future = Ready<Result<Action, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Action {
            hash: body_hash(&route(req), &serde_json::json!({})),
        }))
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

/// The service's date (its clock, `settings.clock`) for the range of dates a request may name.
fn service_today(req: &HttpRequest) -> NaiveDate {
    req.app_data::<web::Data<AppState>>()
        .map_or_else(|| Clock::system().today(), |s| s.settings.clock.today())
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
    let bytes = bytes.map_err(|e| match e.as_error::<PayloadError>() {
        Some(PayloadError::Overflow) | None => too_large(),
        // the client stopped sending or sent a broken transfer encoding
        Some(_) => ApiError::new(Code::MalformedJson).detail(
            "The body could not be read to its end.",
            "Không đọc được hết nội dung yêu cầu.",
        ),
    })?;
    if bytes.len() > JSON_LIMIT {
        return Err(too_large());
    }
    let raw = unique_json::parse(&bytes).map_err(|refusal| match refusal {
        Refusal::Syntax(e) => malformed(&e),
        Refusal::DuplicateKey(path) => duplicate_key(&path),
    })?;
    let hash = body_hash(route, &raw);
    let value = from_value(&raw, today)?;
    Ok(JsonBody { value, hash })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    /// actix's own `web::Json` and `web::Query` would let a key sent twice through (the last
    /// wins) and name no field: handlers take `JsonBody` and `Query` instead.
    #[test]
    fn no_handler_reads_a_body_or_query_past_these_extractors() {
        fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        sources(
            std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src/routes")),
            &mut files,
        );
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for bypass in [
                ": web::Json<",
                "web::Query<",
                "serde_json::from_slice",
                "serde_json::from_str",
            ] {
                assert!(!text.contains(bypass), "{} uses {bypass}", f.display());
            }
        }
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Donation {
        channel: crate::domain::donation::Channel,
        donor: Donor,
        received_on: chrono::NaiveDate,
        #[serde(default)]
        postings: Vec<Posting>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Donor {
        kind: crate::domain::donation::DonorKind,
        name: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Posting {
        amount: String,
        members: Option<u32>,
    }

    fn refusal(body: serde_json::Value) -> (String, Text) {
        let e = from_value::<Donation>(&body, Clock::system().today()).unwrap_err();
        assert_eq!(e.code, Code::ValidationFailed);
        let field = e.errors.into_iter().next().expect("a field error");
        (field.field, field.message)
    }

    fn valid() -> serde_json::Value {
        serde_json::json!({"channel": "cash", "donor": {"kind": "individual"},
                           "received_on": "2026-03-10"})
    }

    #[test]
    fn names_unknown_and_missing_fields_on_their_paths() {
        let mut body = valid();
        body["colour"] = "red".into();
        assert_eq!(refusal(body).0, "colour");
        let mut body = valid();
        body["donor"]["nickname"] = "A".into();
        assert_eq!(refusal(body).0, "donor.nickname");
        let mut body = valid();
        body["donor"].as_object_mut().unwrap().remove("kind");
        let (field, message) = refusal(body);
        assert_eq!(field, "donor.kind");
        assert_eq!(message.en, "is required");
        let mut body = valid();
        body["postings"] = serde_json::json!([{"amount": "1"}, {"amount": 5}]);
        let (field, message) = refusal(body);
        assert_eq!(field, "postings[1].amount");
        assert_eq!(message.en, "must be a string");
        assert_eq!(message.vi, "phải là một chuỗi ký tự");
    }

    #[test]
    fn an_object_given_as_an_array_is_refused_as_a_whole() {
        let e = from_value::<Donation>(
            &serde_json::json!(["cash", {"kind": "individual"}, "2026-03-10"]),
            Clock::system().today(),
        )
        .unwrap_err();
        assert!(e.errors.is_empty());
        assert_eq!(e.detail.unwrap().en, "The body must be a JSON object.");
        // a list body is still judged item by item
        let e = from_value::<Vec<Posting>>(
            &serde_json::json!([{"amount": 1}]),
            Clock::system().today(),
        )
        .unwrap_err();
        assert_eq!(e.errors[0].field, "[0].amount");
    }

    #[test]
    fn an_enum_given_a_number_still_lists_its_values() {
        let mut body = valid();
        body["channel"] = 5.into();
        let (field, message) = refusal(body);
        assert_eq!(field, "channel");
        assert_eq!(
            message.vi,
            "phải là một trong: tiền mặt (cash), chuyển khoản (bank_transfer), hiện vật (in_kind)"
        );
    }

    #[test]
    fn dates_and_numbers_are_described_in_words() {
        let mut body = valid();
        body["received_on"] = "2026-02-30".into();
        let (field, message) = refusal(body);
        assert_eq!(field, "received_on");
        assert!(
            message.en.starts_with("must be a date written YYYY-MM-DD"),
            "{message:?}"
        );
        let mut body = valid();
        body["postings"] = serde_json::json!([{"amount": "1", "members": -1}]);
        let (field, message) = refusal(body);
        assert_eq!(field, "postings[0].members");
        assert_eq!(message.en, "must be a whole number from 0 to 4,294,967,295");
        assert_eq!(message.vi, "phải là một số nguyên từ 0 đến 4.294.967.295");
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Search {
        tier: Option<crate::domain::Tier>,
        limit: Option<i64>,
        from: Option<chrono::DateTime<chrono::Utc>>,
        unit_id: Option<uuid::Uuid>,
    }

    fn query_refusal(query: &str) -> (String, Text) {
        let e = parse_query::<Search>(query, Clock::system().today()).unwrap_err();
        let field = e.errors.into_iter().next().expect("a field error");
        (field.field, field.message)
    }

    #[test]
    fn query_errors_name_the_parameter() {
        let (field, message) = query_refusal("tier=village");
        assert_eq!(field, "tier");
        assert!(message.vi.contains("xã (commune)"), "{message:?}");
        let (field, message) = query_refusal("limit=many");
        assert_eq!(
            (field.as_str(), message.en.as_str()),
            ("limit", "must be a whole number")
        );
        let (field, message) = query_refusal("from=yesterday");
        assert_eq!(field, "from");
        assert!(
            message.en.starts_with("must be an RFC 3339 instant"),
            "{message:?}"
        );
        let (field, message) = query_refusal("unit_id=nope");
        assert_eq!(field, "unit_id");
        assert!(message.en.starts_with("must be a UUID"), "{message:?}");
        let (field, _) = query_refusal("colour=red");
        assert_eq!(field, "colour");
        let (field, message) = query_refusal("limit=1&limit=2");
        assert_eq!(
            (field.as_str(), message.en.as_str()),
            ("limit", "is given more than once")
        );
        assert!(parse_query::<Search>("tier=commune&limit=5", Clock::system().today()).is_ok());
    }
}
