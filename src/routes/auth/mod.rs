//! Sign-in, token refresh and revocation, the caller's identity, and the public keys.

pub mod jwks;
pub mod me;
pub mod refresh;
pub mod revoke;
pub mod token;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(token::token)
        .service(refresh::refresh)
        .service(revoke::revoke)
        .service(me::me);
}
