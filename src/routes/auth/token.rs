use actix_web::{post, web, HttpMessage, HttpRequest, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::{self, Change};
use crate::auth::{password, session};
use crate::db::users;
use crate::domain::Username;
use crate::error::{ApiError, ApiResult, Code};
use crate::middleware::request_id::RequestMeta;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    #[schema(max_length = 64)]
    pub username: String,
    #[schema(max_length = 256)]
    pub password: String,
}

/// Signs in with username and password; returns an access token and a refresh token.
#[utoipa::path(
    operation_id = "signIn",
    context_path = "/v1",
    tag = "auth",
    request_body = SignIn,
    responses(
        (status = 200, description = "Signed in: an access token and a refresh token", body = session::TokenPair),
        (status = 401, description = "`invalid_credentials`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    )
)]
#[post("/auth/token")]
pub async fn token(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: crate::extract::JsonBody<SignIn>,
) -> ApiResult<HttpResponse> {
    let meta = req
        .extensions()
        .get::<RequestMeta>()
        .cloned()
        .unwrap_or_default();
    let body = body.into_inner();
    let username = Username::parse(&body.username);
    let limiter_key = username.as_ref().map_or("", |u| u.as_str());
    if let Err(wait) = state
        .sign_in_limiter
        .check(limiter_key, meta.client_ip.as_deref().unwrap_or(""))
    {
        let seconds = crate::auth::rate_limit::retry_after_seconds(wait);
        return Err(ApiError::new(Code::RateLimited)
            .detail(
                format!("Too many sign-in attempts; retry in {seconds} s."),
                format!("Quá nhiều lần đăng nhập; thử lại sau {seconds} giây."),
            )
            .retry_after(wait));
    }

    let mut conn = state.pools.write.get().await?;
    let user = match &username {
        Some(u) => users::find_by_username(&mut conn, u.as_str()).await?,
        None => None,
    };
    // Verify against a real hash even when the user is unknown, so the answer takes as long.
    let hash = user
        .as_ref()
        .map_or(state.dummy_password_hash.clone(), |u| {
            u.password_hash.clone()
        });
    let password_ok = body.password.len() <= 256 && password::verify(body.password, hash).await;
    let user = match user {
        Some(u) if password_ok && u.disabled_at.is_none() => u,
        _ => {
            tracing::info!("sign-in refused");
            return Err(ApiError::new(Code::InvalidCredentials));
        }
    };

    // A user with no role may do nothing: refused like any bad credential, so the answer does
    // not tell whether the password was right.
    let assignments = users::assignments(&mut conn, &[user.id]).await?;
    if assignments.is_empty() {
        tracing::info!("sign-in refused");
        return Err(ApiError::new(Code::InvalidCredentials));
    }

    let pair = conn
        .transaction::<_, ApiError, _>(|conn| {
            async move {
                let pair =
                    session::issue(conn, &state, user.id, &assignments, Uuid::now_v7()).await?;
                audit::record_sign_in(
                    conn,
                    user.id,
                    &assignments,
                    &meta,
                    Change {
                        action: "auth.sign_in",
                        target_type: "user",
                        target_id: Some(user.id),
                        unit_id: assignments.first().map(|a| a.unit_id),
                        changes: serde_json::json!({}),
                    },
                )
                .await?;
                Ok(pair)
            }
            .scope_boxed()
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(pair))
}
