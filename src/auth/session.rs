//! Issuing a token pair: a short-lived EdDSA access token and a rotating refresh token in a
//! family (one family per sign-in).

use chrono::Utc;
use diesel_async::AsyncPgConnection;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::claims::{Claims, RoleClaim, AUDIENCE};
use crate::db::refresh_tokens;
use crate::db::users::AssignmentRow;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    pub refresh_token: String,
}

pub async fn issue(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    user_id: Uuid,
    assignments: &[AssignmentRow],
    family_id: Uuid,
) -> ApiResult<TokenPair> {
    let jwt = &state.settings.jwt;
    let now = Utc::now().timestamp();
    let claims = Claims {
        iss: state.keys.issuer().to_owned(),
        aud: AUDIENCE.to_owned(),
        sub: user_id,
        iat: now,
        nbf: now,
        exp: now + jwt.access_ttl.as_secs() as i64,
        jti: Uuid::now_v7(),
        roles: assignments
            .iter()
            .map(|a| RoleClaim {
                role: a.role.clone(),
                unit: a.unit_id,
                tier: a.tier.clone(),
            })
            .collect(),
    };
    let access_token = state.keys.sign(&claims).map_err(ApiError::internal)?;
    let refresh_token = super::refresh::generate();
    let expires_at = Utc::now() + chrono::Duration::seconds(jwt.refresh_ttl.as_secs() as i64);
    refresh_tokens::insert(
        conn,
        family_id,
        user_id,
        &super::refresh::digest(&refresh_token),
        expires_at,
    )
    .await?;
    Ok(TokenPair {
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in: jwt.access_ttl.as_secs(),
        refresh_token,
    })
}
