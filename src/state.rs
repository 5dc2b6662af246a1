//! The per-process state every request handler reads: settings, the database pools, the signing
//! keys, the rate limiters and the metrics. It lives apart from `startup` so that the layers below
//! the HTTP wiring (auth, middleware, extractors) can read it without importing the server.

use std::sync::Arc;

use crate::auth::rate_limit::{PublicLimiter, SignInLimiter};
use crate::auth::KeySet;
use crate::config::Settings;
use crate::db::Pools;
use crate::metrics::Metrics;

/// Shared, immutable per-process state (no global mutable state: tests run many apps at once).
pub struct AppState {
    pub settings: Arc<Settings>,
    pub pools: Pools,
    pub keys: Arc<KeySet>,
    pub sign_in_limiter: SignInLimiter,
    /// Throttles `/v1/public` per client address.
    pub public_limiter: PublicLimiter,
    /// A real argon2id hash of a random password: verified against when the username does not
    /// exist, so sign-in takes the same time either way.
    pub dummy_password_hash: String,
    pub metrics: Metrics,
}
