//! Makes every error response an RFC 9457 problem document in the caller's language: our own
//! `ApiError`s are re-rendered when the client asked for Vietnamese, and whatever actix produces
//! by itself (405 for a wrong method, a plain-text extractor error) is replaced by a problem
//! with a stable code. CORS refusals, which actix-cors answers in plain text before any route
//! runs, get the same treatment from the layer just outside it.

use actix_cors::CorsError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::CONTENT_TYPE;
use actix_web::http::StatusCode;
use actix_web::middleware::Next;

use crate::error::{ApiError, Code, RenderedError};
use crate::i18n::Lang;

pub fn code_for_status(status: StatusCode) -> Code {
    match status.as_u16() {
        400 => Code::MalformedJson,
        401 => Code::Unauthenticated,
        403 => Code::Forbidden,
        404 => Code::NotFound,
        405 => Code::MethodNotAllowed,
        409 => Code::Conflict,
        413 => Code::PayloadTooLarge,
        415 => Code::UnsupportedMediaType,
        422 => Code::ValidationFailed,
        429 => Code::RateLimited,
        503 => Code::ServiceUnavailable,
        s if s >= 500 => Code::Internal,
        _ => Code::MalformedJson,
    }
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let lang = Lang::from_headers(req.headers());
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return Ok(res);
    }
    let rendered = res.response().extensions().get::<RenderedError>().cloned();
    if let Some(RenderedError(error)) = rendered {
        if lang == Lang::En {
            return Ok(res);
        }
        return Ok(res.into_response(error.to_response(lang)));
    }
    let is_problem = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"));
    if is_problem {
        return Ok(res);
    }
    let mut replacement = ApiError::new(code_for_status(status)).to_response(lang);
    // keep the original status even when our code table maps it to a neighbour
    *replacement.status_mut() = status;
    for (name, value) in res.headers() {
        if name.as_str().starts_with("x-") || name == actix_web::http::header::ALLOW {
            replacement
                .headers_mut()
                .insert(name.clone(), value.clone());
        }
    }
    Ok(res.into_response(replacement))
}

/// Wraps the CORS layer: a refused preflight (an origin, method or header that is not allowed)
/// becomes 400 `cors_refused` as problem+json, saying what was refused.
pub async fn cors_refusals(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let lang = Lang::from_headers(req.headers());
    let res = next.call(req).await?.map_into_boxed_body();
    let refusal = res
        .response()
        .error()
        .and_then(|e| e.as_error::<CorsError>())
        .map(cors_problem);
    let Some(problem) = refusal else {
        return Ok(res);
    };
    let mut replacement = problem.to_response(lang);
    for (name, value) in res.headers() {
        if name == actix_web::http::header::VARY || name.as_str().starts_with("x-") {
            replacement
                .headers_mut()
                .append(name.clone(), value.clone());
        }
    }
    Ok(res.into_response(replacement))
}

fn cors_problem(e: &CorsError) -> ApiError {
    let problem = ApiError::new(Code::CorsRefused);
    match e {
        CorsError::OriginNotAllowed => problem.detail(
            "This origin may not call the API from a browser.",
            "Nguồn (Origin) này không được phép gọi API từ trình duyệt.",
        ),
        CorsError::MissingOrigin => problem.detail(
            "A CORS preflight request needs an Origin header.",
            "Yêu cầu kiểm tra trước (preflight) CORS cần tiêu đề Origin.",
        ),
        CorsError::MissingRequestMethod | CorsError::BadRequestMethod => problem.detail(
            "A CORS preflight request needs a valid Access-Control-Request-Method header.",
            "Yêu cầu kiểm tra trước (preflight) CORS cần tiêu đề Access-Control-Request-Method hợp lệ.",
        ),
        CorsError::MethodNotAllowed => problem.detail(
            format!("That method is not allowed from a browser; allowed: {CORS_METHODS}."),
            format!("Phương thức này không được phép từ trình duyệt; được phép: {CORS_METHODS}."),
        ),
        CorsError::HeadersNotAllowed | CorsError::BadRequestHeaders => problem.detail(
            format!("A requested header is not allowed from a browser; allowed: {CORS_HEADERS}."),
            format!(
                "Có tiêu đề không được phép từ trình duyệt; được phép: {CORS_HEADERS}."
            ),
        ),
        other => ApiError::internal(format!("CORS is misconfigured: {other}")),
    }
}

/// What the CORS layer of `startup` lets a browser use, named in refusals.
pub const CORS_METHODS: &str = "GET, POST, PUT, PATCH, DELETE";
pub const CORS_HEADERS: &str =
    "Authorization, Content-Type, Accept-Language, Idempotency-Key, X-Request-Id";
