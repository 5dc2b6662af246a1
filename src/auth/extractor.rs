//! Extractors that authenticate a request. A handler's signature says what it needs:
//! `AuthUser` for any signed-in user, or a role extractor (`Admin`, `Officer`, …) that also
//! answers 403 when the caller holds that role nowhere. Unit-level checks use `Scope`.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use super::scope::{Assignment, Scope};
use crate::domain::{Role, Tier, UserId};
use crate::error::{ApiError, ApiResult};
use crate::middleware::request_id::RequestMeta;
use crate::state::AppState;

/// A signed-in, enabled user with their current role assignments (read fresh from the
/// database on every request, so disabling or re-granting takes effect at once).
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: UserId,
    pub username: String,
    pub scope: Scope,
    pub meta: RequestMeta,
}

impl AuthUser {
    pub fn roles_json(&self) -> serde_json::Value {
        self.scope
            .assignments
            .iter()
            .map(|a| serde_json::json!({"role": a.role, "unit_id": a.unit_id, "unit_code": a.unit_code}))
            .collect()
    }
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

async fn authenticate(
    state: web::Data<AppState>,
    token: Option<String>,
    meta: RequestMeta,
) -> ApiResult<AuthUser> {
    let token = token.ok_or_else(ApiError::unauthenticated)?;
    let claims = state.keys.verify(&token).map_err(|e| {
        tracing::info!(reason = %e, "access token rejected");
        ApiError::unauthenticated()
    })?;
    let mut conn = state.pools.write.get().await?;
    let (username, rows) = crate::db::users::load_active(&mut conn, claims.sub)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    Ok(AuthUser::assemble(
        claims.sub,
        username,
        rows.into_iter()
            .map(|r| (r.role, r.unit_id, r.unit_code, r.tier)),
        meta,
    ))
}

impl AuthUser {
    /// The user from what the database holds of them: their name and (role, unit id, unit code,
    /// tier) assignments, read in the request.
    pub fn assemble(
        id: uuid::Uuid,
        username: String,
        assignments: impl IntoIterator<Item = (String, uuid::Uuid, String, String)>,
        meta: RequestMeta,
    ) -> AuthUser {
        let assignments = assignments
            .into_iter()
            .filter_map(|(role, unit_id, unit_code, tier)| {
                Some(Assignment {
                    role: Role::parse(&role)?,
                    unit_id,
                    unit_code,
                    tier: Tier::parse(&tier)?,
                })
            })
            .collect();
        AuthUser {
            id: UserId(id),
            username,
            scope: Scope { assignments },
            meta,
        }
    }
}

/// A request with a valid access token whose user is not read yet: for a command that reads
/// the user and their roles itself, in its first statement (the donation path), so they are
/// still read fresh on every request but cost no round trip of their own. 401 without a valid
/// token; the command answers 401 for a user disabled or gone.
#[derive(Debug, Clone)]
pub struct Bearer {
    pub user_id: uuid::Uuid,
    pub meta: RequestMeta,
}

impl FromRequest for Bearer {
    type Error = ApiError;
    type Future = std::future::Ready<ApiResult<Bearer>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let meta = req
            .extensions()
            .get::<RequestMeta>()
            .cloned()
            .unwrap_or_default();
        let verified = (|| {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| ApiError::internal("AppState missing"))?;
            let token = bearer(req).ok_or_else(ApiError::unauthenticated)?;
            let claims = state.keys.verify(&token).map_err(|e| {
                tracing::info!(reason = %e, "access token rejected");
                ApiError::unauthenticated()
            })?;
            Ok(Bearer {
                user_id: claims.sub,
                meta,
            })
        })();
        std::future::ready(verified)
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = ApiResult<AuthUser>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        let meta = req
            .extensions()
            .get::<RequestMeta>()
            .cloned()
            .unwrap_or_default();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("AppState missing"))?;
            authenticate(state, token, meta).await
        })
    }
}

/// Declares a role extractor: the caller must hold one of `$roles` at some unit.
macro_rules! role_extractor {
    ($(#[$meta:meta])* $name:ident, [$($role:expr),+]) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $name(pub AuthUser);

        impl $name {
            pub const ROLES: &'static [Role] = &[$($role),+];

            /// The user, when they hold one of the roles at some unit (403 otherwise).
            pub fn admit(user: AuthUser) -> crate::app::AppResult<$name> {
                if Self::ROLES.iter().any(|r| user.scope.holds(*r)) {
                    Ok($name(user))
                } else {
                    Err(super::scope::needs_anywhere(Self::ROLES))
                }
            }
        }

        impl Deref for $name {
            type Target = AuthUser;
            fn deref(&self) -> &AuthUser {
                &self.0
            }
        }

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = Pin<Box<dyn Future<Output = ApiResult<$name>>>>;

            fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
                let user = AuthUser::from_request(req, payload);
                Box::pin(async move { Ok(Self::admit(user.await?)?) })
            }
        }
    };
}

role_extractor!(
    /// Holds `admin` somewhere.
    Admin, [Role::Admin]
);
role_extractor!(
    /// Holds `officer` somewhere.
    Officer, [Role::Officer]
);
role_extractor!(
    /// Holds `approver` somewhere.
    Approver, [Role::Approver]
);
role_extractor!(
    /// Holds `accountant` (finance officer) somewhere.
    Accountant, [Role::Accountant]
);
role_extractor!(
    /// Holds `admin` or `auditor` somewhere: may read the audit trail in scope.
    AuditReader, [Role::Admin, Role::Auditor]
);
