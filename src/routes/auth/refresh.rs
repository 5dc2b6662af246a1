use actix_web::{post, web, HttpMessage, HttpRequest, HttpResponse};
use chrono::Utc;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::audit::{self, Change};
use crate::auth::{refresh as refresh_token, session};
use crate::db::{refresh_tokens, users};
use crate::error::{ApiError, ApiResult, Code};
use crate::middleware::request_id::RequestMeta;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[schema(max_length = 4096)]
    pub refresh_token: String,
}

enum Outcome {
    Issued(session::TokenPair),
    /// A used token came back: the family is revoked (committed), the caller gets 401.
    Reused,
}

/// Exchanges a refresh token for a new pair. The old refresh token stops working; presenting
/// it again revokes every token of its family (theft detection).
#[utoipa::path(
    operation_id = "refreshToken",
    context_path = "/v1",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new token pair; the refresh token sent is used up", body = session::TokenPair),
        (status = 401, description = "`invalid_refresh_token`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: crate::extract::JsonBody<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let meta = req
        .extensions()
        .get::<RequestMeta>()
        .cloned()
        .unwrap_or_default();
    if body.refresh_token.len() > 4096 {
        return Err(ApiError::field(
            "refresh_token",
            "at most 4096 characters",
            "tối đa 4096 ký tự",
        ));
    }
    let digest = refresh_token::digest(&body.refresh_token);
    let invalid = || ApiError::new(Code::InvalidRefreshToken);
    let mut conn = state.pools.write.get().await?;
    let outcome = conn
        .transaction::<_, ApiError, _>(|conn| {
            async move {
                let token = refresh_tokens::find_by_hash(conn, &digest).await?.ok_or_else(invalid)?;
                if token.revoked_at.is_some() || token.expires_at <= Utc::now() {
                    return Err(invalid());
                }
                if token.used_at.is_some() || !refresh_tokens::mark_used(conn, token.id).await? {
                    refresh_tokens::revoke_family(conn, token.family_id).await?;
                    audit::record_as(
                        conn,
                        Some(token.user_id),
                        &meta,
                        Change {
                            action: "auth.refresh_token_reused",
                            target_type: "user",
                            target_id: Some(token.user_id),
                            unit_id: None,
                            changes: serde_json::json!({"family_revoked": token.family_id}),
                        },
                    )
                    .await?;
                    tracing::warn!(user.id = %token.user_id, "refresh token reused: family revoked");
                    return Ok(Outcome::Reused);
                }
                // disabled, or left with no role (who may not sign in either): no new pair
                let Some((_, assignments)) = users::load_active(conn, token.user_id)
                    .await?
                    .filter(|(_, assignments)| !assignments.is_empty())
                else {
                    return Err(invalid());
                };
                let pair = session::issue(conn, &state, token.user_id, &assignments, token.family_id).await?;
                Ok(Outcome::Issued(pair))
            }
            .scope_boxed()
        })
        .await?;
    match outcome {
        Outcome::Issued(pair) => Ok(HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(pair)),
        Outcome::Reused => Err(invalid()),
    }
}
