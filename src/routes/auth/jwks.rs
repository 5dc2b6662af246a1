use actix_web::{get, web, HttpResponse};

use crate::auth::keys::Jwks;
use crate::state::AppState;

/// The public keys that verify access tokens (EdDSA / Ed25519), for other services.
#[utoipa::path(
    operation_id = "getJwks",
    tag = "auth",
    responses((status = 200, description = "The JSON Web Key Set", body = Jwks))
)]
#[get("/.well-known/jwks.json")]
pub async fn jwks(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=300"))
        .json(state.keys.jwks())
}
