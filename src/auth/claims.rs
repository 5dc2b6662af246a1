//! The access token's claims (`security.md`).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const AUDIENCE: &str = "doanket";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleClaim {
    pub role: String,
    pub unit: Uuid,
    pub tier: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: Uuid,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub jti: Uuid,
    pub roles: Vec<RoleClaim>,
}
