//! The one error type of the HTTP API, rendered as an RFC 9457 problem document.
//!
//! Every failure a client can see carries a stable machine `code` and a human title in English
//! or Vietnamese. Database and pool errors are classified here, once: constraint violations the
//! domain expects become 4xx with a domain code, an unreachable database becomes 503, and
//! anything else becomes an opaque 500 whose cause is logged (never sent).

mod shortfall;

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

pub use crate::domain::field::{FieldError, Text};
use crate::i18n::Lang;

use crate::app::error::code_for_constraint;
pub use crate::app::error::Code;

/// How each code is answered over HTTP.
impl Code {
    pub fn status(self) -> StatusCode {
        match self {
            Code::MalformedJson | Code::DuplicateKey | Code::CorsRefused => StatusCode::BAD_REQUEST,
            Code::Unauthenticated | Code::InvalidCredentials | Code::InvalidRefreshToken => {
                StatusCode::UNAUTHORIZED
            }
            Code::Forbidden | Code::SamePerson => StatusCode::FORBIDDEN,
            Code::NotFound => StatusCode::NOT_FOUND,
            Code::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Code::Conflict
            | Code::DuplicateUnitCode
            | Code::DuplicateUsername
            | Code::InsufficientFunds
            | Code::PeriodClosed
            | Code::PeriodNotEnded
            | Code::ChildrenOpen
            | Code::ParentClosed
            | Code::AlreadyReversed
            | Code::AlreadyVoid
            | Code::DuplicateBankReference
            | Code::DuplicateBankAccount
            | Code::IdempotencyInProgress
            | Code::DuplicateHousehold
            | Code::InvalidState
            | Code::HouseholdAlreadyReceived
            | Code::ExceedsSupport
            | Code::NotCompleted
            | Code::ActiveHouseProject
            | Code::RecentHouseSupport
            | Code::UnitDissolved
            | Code::OpenObligations
            | Code::UnassignedHouseholds
            | Code::StaleHandover
            | Code::StatementLinesMatched
            | Code::OpeningBalanceBooked => StatusCode::CONFLICT,
            Code::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Code::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Code::ValidationFailed
            | Code::InvalidTier
            | Code::InvalidCsv
            | Code::InvalidStatement
            | Code::UserDisabled
            | Code::UnbalancedEntry
            | Code::CampaignPurposeMismatch
            | Code::IdempotencyKeyReused
            | Code::FractionsMustSumToOne
            | Code::NotASuccessor
            | Code::FormatMismatch => StatusCode::UNPROCESSABLE_ENTITY,
            Code::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Code::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Code::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{}: {}", code.as_str(), detail.as_ref().map(|d| d.en.as_str()).unwrap_or(""))]
pub struct ApiError {
    pub code: Code,
    pub detail: Option<Text>,
    pub errors: Vec<FieldError>,
    /// Extra members of the problem document (e.g. `existing_household_id`).
    pub extensions: serde_json::Map<String, serde_json::Value>,
    /// `Retry-After` in seconds, when the service knows how long the client should wait.
    pub retry_after: Option<u64>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: Code) -> Self {
        ApiError {
            code,
            detail: None,
            errors: Vec::new(),
            extensions: serde_json::Map::new(),
            retry_after: None,
        }
    }

    /// Says how long to wait before retrying (429, 503), rounded up to whole seconds.
    pub fn retry_after(mut self, wait: std::time::Duration) -> Self {
        self.retry_after = Some(crate::auth::rate_limit::retry_after_seconds(wait));
        self
    }

    pub fn detail(mut self, en: impl Into<String>, vi: impl Into<String>) -> Self {
        self.detail = Some(Text::new(en, vi));
        self
    }

    pub fn with_extension(mut self, key: &str, value: serde_json::Value) -> Self {
        self.extensions.insert(key.to_owned(), value);
        self
    }

    pub fn not_found() -> Self {
        ApiError::new(Code::NotFound)
    }

    pub fn forbidden() -> Self {
        ApiError::new(Code::Forbidden)
    }

    pub fn unauthenticated() -> Self {
        ApiError::new(Code::Unauthenticated)
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        ApiError {
            errors,
            ..ApiError::new(Code::ValidationFailed)
        }
    }

    pub fn field(field: &str, en: impl Into<String>, vi: impl Into<String>) -> Self {
        ApiError::validation(vec![FieldError::new(field, en, vi)])
    }

    pub fn unavailable() -> Self {
        ApiError::new(Code::ServiceUnavailable)
    }

    /// An unexpected failure: logged here with its cause, opaque to the client.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        ApiError::new(Code::Internal)
    }

    pub fn render(&self, lang: Lang) -> Problem {
        Problem {
            problem_type: format!("urn:doanket:problem:{}", self.code.as_str()),
            title: self.code.title(lang).to_owned(),
            status: self.code.status().as_u16(),
            detail: self.detail.as_ref().map(|d| d.get(lang).to_owned()),
            code: self.code.as_str().to_owned(),
            errors: self
                .errors
                .iter()
                .map(|e| ProblemField {
                    line: e.line,
                    field: e.field.clone(),
                    message: e.message.get(lang).to_owned(),
                })
                .collect(),
            extensions: self.extensions.clone(),
        }
    }

    pub fn to_response(&self, lang: Lang) -> HttpResponse {
        let mut builder = HttpResponse::build(self.code.status());
        builder.content_type("application/problem+json");
        if self.code.status() == StatusCode::UNAUTHORIZED {
            builder.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        match (self.retry_after, self.code) {
            (Some(seconds), _) => {
                builder.insert_header((header::RETRY_AFTER, seconds.to_string()));
            }
            // the database or its pool is briefly out of reach: a quick retry usually works
            (None, Code::ServiceUnavailable) => {
                builder.insert_header((header::RETRY_AFTER, "1"));
            }
            _ => {}
        }
        builder.json(self.render(lang))
    }
}

/// The RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stable machine word, e.g. `insufficient_funds`; never translated.
    pub code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extensions: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    /// The line of an uploaded file (1 = its header), for errors about a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    pub field: String,
    pub message: String,
}

/// Carried in the response extensions so the problem middleware can re-render the body in the
/// language the request asked for (`ResponseError` does not see the request).
#[derive(Clone)]
pub struct RenderedError(pub std::sync::Arc<ApiError>);

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = self.to_response(Lang::En);
        let copy = ApiError {
            code: self.code,
            detail: self.detail.clone(),
            errors: self.errors.clone(),
            extensions: self.extensions.clone(),
            retry_after: self.retry_after,
        };
        response
            .extensions_mut()
            .insert(RenderedError(std::sync::Arc::new(copy)));
        response
    }
}

/// A domain rule's refusal of one field (`?` in a handler) is a 422 naming it.
impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::validation(vec![e])
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        if let Error::DatabaseError(kind, info) = &e {
            // the refusal carries the figures: how much there was, how much was asked
            if info.constraint_name() == Some("no_overdraft") {
                return shortfall::insufficient_funds(info.details());
            }
            if let Some(code) = info.constraint_name().and_then(code_for_constraint) {
                return ApiError::new(code);
            }
            if let Some(code) = code_for_kind(kind) {
                // a rule the routes should have checked first: worth a look, not a 500
                tracing::warn!(
                    constraint = info.constraint_name().unwrap_or(""),
                    "database refused a row"
                );
                return ApiError::new(code);
            }
        }
        match &e {
            Error::NotFound => ApiError::not_found(),
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                tracing::warn!("database connection closed");
                ApiError::unavailable()
            }
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                ApiError::new(Code::Conflict).detail(
                    "A concurrent change won; retry the request.",
                    "Có thay đổi đồng thời; vui lòng thử lại.",
                )
            }
            Error::DatabaseError(DatabaseErrorKind::UnableToSendCommand, info) => {
                tracing::warn!(error = %info.message(), "database unreachable");
                ApiError::unavailable()
            }
            // PostgreSQL going away mid-request (shutdown, failover, a killed backend) is an
            // outage, not a bug: 503 like an unreachable database, so clients retry
            Error::DatabaseError(_, info) if is_connection_lost(info.message()) => {
                tracing::warn!(error = %info.message(), "database connection lost");
                ApiError::unavailable()
            }
            // Input the edge should have refused (a NUL byte, a number out of range) must still
            // be the client's error, never a 500 (diesel gives no SQLSTATE, only the message).
            Error::DatabaseError(_, info) if is_data_exception(info.message()) => {
                tracing::warn!(error = %info.message(), "database refused a value");
                ApiError::new(Code::ValidationFailed)
            }
            _ => ApiError::internal(e),
        }
    }
}

/// Messages PostgreSQL and libpq-style clients give when the server ends the connection
/// (SQLSTATE 57P01–57P03 and a dropped socket); diesel passes only the text.
fn is_connection_lost(message: &str) -> bool {
    message.starts_with("terminating connection")
        || [
            "the database system is shutting down",
            "the database system is starting up",
            "the database system is in recovery mode",
            "server closed the connection unexpectedly",
            "connection closed",
        ]
        .iter()
        .any(|m| message.contains(m))
}

fn is_data_exception(message: &str) -> bool {
    [
        "invalid byte sequence",
        "out of range",
        "numeric field overflow",
        "value too long",
        "invalid input syntax",
    ]
    .iter()
    .any(|m| message.contains(m))
}

/// Constraints PostgreSQL names by itself (a column's `CHECK`, `UNIQUE`, `REFERENCES`) carry no
/// domain meaning of their own: their kind says whose error it is. A value the edge should have
/// refused is the client's (422); a duplicate is a conflict with what exists (409).
fn code_for_kind(kind: &diesel::result::DatabaseErrorKind) -> Option<Code> {
    use diesel::result::DatabaseErrorKind as Kind;
    match kind {
        Kind::CheckViolation | Kind::NotNullViolation | Kind::ForeignKeyViolation => {
            Some(Code::ValidationFailed)
        }
        Kind::UniqueViolation => Some(Code::Conflict),
        _ => None,
    }
}

impl From<crate::db::PoolError> for ApiError {
    fn from(e: crate::db::PoolError) -> Self {
        tracing::warn!(error = %e, "database pool unavailable");
        ApiError::unavailable()
    }
}

/// The one way an application error becomes a problem response.
impl From<crate::app::AppError> for ApiError {
    fn from(e: crate::app::AppError) -> Self {
        use crate::app::AppError;
        match e {
            AppError::NotFound => ApiError::not_found(),
            AppError::Forbidden(detail) => ApiError {
                detail: Some(detail),
                ..ApiError::forbidden()
            },
            AppError::Invalid(errors) => ApiError::validation(errors),
            AppError::Refused {
                code,
                detail,
                members,
            } => ApiError {
                detail,
                extensions: members,
                ..ApiError::new(code)
            },
            AppError::Store(e) => e.into(),
            AppError::Unavailable(e) => e.into(),
            AppError::Internal(cause) => ApiError::internal(cause),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_going_away_is_an_outage_not_a_bug() {
        assert!(is_connection_lost(
            "terminating connection due to administrator command"
        ));
        assert!(is_connection_lost(
            "FATAL: the database system is shutting down"
        ));
        assert!(!is_connection_lost(
            "duplicate key value violates unique constraint"
        ));
        assert!(!is_data_exception("terminating connection"));
    }

    /// The migrations, in the order they run, without their `--` comments.
    fn migrations() -> Vec<(String, String)> {
        let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"));
        let mut dirs: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.join("up.sql").exists())
            .collect();
        dirs.sort();
        dirs.into_iter()
            .map(|d| {
                let sql = std::fs::read_to_string(d.join("up.sql")).unwrap();
                let sql: Vec<&str> = sql.lines().map(|l| l.split("--").next().unwrap()).collect();
                (d.display().to_string(), sql.join("\n"))
            })
            .collect()
    }

    /// The words after each `marker` (case as written), e.g. the name after `CONSTRAINT `.
    fn names_after<'a>(sql: &'a str, marker: &str) -> Vec<&'a str> {
        sql.match_indices(marker)
            .map(|(at, _)| {
                let rest = sql[at + marker.len()..].trim_start_matches([' ', '\'', '=']);
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                &rest[..end]
            })
            .collect()
    }

    /// Each `RAISE EXCEPTION … ;` of the functions as the last migration defining them leaves
    /// them (a later `CREATE OR REPLACE FUNCTION` replaces an earlier one).
    fn raises() -> Vec<(String, String, String)> {
        let mut functions: std::collections::BTreeMap<String, (String, String)> =
            Default::default();
        for (file, sql) in migrations() {
            let mut rest = sql.as_str();
            while let Some(at) = rest.find("FUNCTION ") {
                let after = &rest[at + "FUNCTION ".len()..];
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                let is_definition = rest[..at].trim_end().ends_with("CREATE")
                    || rest[..at].trim_end().ends_with("OR REPLACE");
                match (is_definition, after.split_once("$$")) {
                    (true, Some((_, body))) => {
                        let (body, tail) = body.split_once("$$").unwrap_or((body, ""));
                        functions.insert(name, (file.clone(), body.to_owned()));
                        rest = tail;
                    }
                    _ => rest = after,
                }
            }
        }
        let mut out = Vec::new();
        for (name, (file, body)) in functions {
            for (at, _) in body.match_indices("RAISE EXCEPTION") {
                let statement = body[at..].split_once(';').map_or(&body[at..], |(s, _)| s);
                out.push((file.clone(), name.clone(), statement.to_owned()));
            }
        }
        out
    }

    #[test]
    fn every_error_a_trigger_raises_names_its_constraint() {
        let raises = raises();
        assert!(raises.len() > 20, "found only {} RAISEs", raises.len());
        for (file, function, statement) in raises {
            assert!(
                statement.contains("CONSTRAINT ="),
                "{file}: {function} raises without a constraint name, so no stable code can \
                 be given to: {statement}"
            );
        }
    }

    #[test]
    fn every_named_constraint_of_the_migrations_has_a_stable_code() {
        let mut names = Vec::new();
        for (file, sql) in migrations() {
            for marker in ["CONSTRAINT = ", "CONSTRAINT ", "CREATE UNIQUE INDEX "] {
                for name in names_after(&sql, marker) {
                    // `CREATE CONSTRAINT TRIGGER x`: a trigger, whose errors are named above
                    if !name.is_empty() && name != "TRIGGER" {
                        names.push((file.clone(), name.to_owned()));
                    }
                }
            }
        }
        assert!(names.len() > 40, "found only {} names", names.len());
        assert!(names
            .iter()
            .any(|(_, n)| n == "houses_paid_is_the_tranches"));
        for (file, name) in names {
            let code = code_for_constraint(&name);
            assert!(
                code.is_some(),
                "{file}: constraint `{name}` has no code in `code_for_constraint`"
            );
            let status = code.unwrap().status().as_u16();
            assert!(
                status == 409 || status == 422 || status == 403,
                "{name} maps to {status}"
            );
        }
    }

    #[test]
    fn constraints_postgresql_names_itself_map_by_kind() {
        use diesel::result::DatabaseErrorKind as Kind;
        assert_eq!(
            code_for_kind(&Kind::CheckViolation),
            Some(Code::ValidationFailed)
        );
        assert_eq!(
            code_for_kind(&Kind::ForeignKeyViolation),
            Some(Code::ValidationFailed)
        );
        assert_eq!(code_for_kind(&Kind::UniqueViolation), Some(Code::Conflict));
        assert_eq!(code_for_kind(&Kind::SerializationFailure), None);
    }
}
