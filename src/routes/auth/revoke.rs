use actix_web::{post, web, HttpMessage, HttpRequest, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;

use super::refresh::RefreshRequest;
use crate::audit::{self, Change};
use crate::auth::refresh as refresh_token;
use crate::db::refresh_tokens;
use crate::error::{ApiError, ApiResult};
use crate::middleware::request_id::RequestMeta;
use crate::state::AppState;

/// Revokes a refresh token and every token rotated from the same sign-in. Answers 204 whether
/// or not the token was known, so the endpoint cannot be used to test tokens.
#[utoipa::path(
    operation_id = "revokeToken",
    context_path = "/v1",
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 204, description = "Revoked"), crate::openapi::Problems)
)]
#[post("/auth/revoke")]
pub async fn revoke(
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
    let mut conn = state.pools.write.get().await?;
    conn.transaction::<_, ApiError, _>(|conn| {
        async move {
            if let Some(token) = refresh_tokens::find_by_hash(conn, &digest).await? {
                let revoked = refresh_tokens::revoke_family(conn, token.family_id).await?;
                if revoked > 0 {
                    audit::record_as(
                        conn,
                        Some(token.user_id),
                        &meta,
                        Change {
                            action: "auth.revoke",
                            target_type: "user",
                            target_id: Some(token.user_id),
                            unit_id: None,
                            changes: serde_json::json!({"tokens_revoked": revoked}),
                        },
                    )
                    .await?;
                }
            }
            Ok(())
        }
        .scope_boxed()
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
