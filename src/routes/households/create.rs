use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;

use super::RegisteredHouseholdView;
use crate::app::households;
use crate::auth::Officer;
use crate::domain::household::CreateHousehold;
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Registers a household in a commune (an officer of the commune or above). The national ID is
/// kept only as a keyed hash and its last four digits; an ID registered before, anywhere, is
/// 409 `duplicate_household`, naming the existing household only to a caller who may see it.
#[utoipa::path(
    operation_id = "createHousehold",
    context_path = "/v1",
    tag = "households",
    request_body = CreateHousehold,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 characters; a retry with the same key and body returns the first response")),
    responses(
        (status = 201, description = "The household registered (with `warnings` when it may be a duplicate)", body = RegisteredHouseholdView),
        (status = 409, description = "`duplicate_household` (with `existing_household_id` when that household is in the caller's scope) or `idempotency_in_progress`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` (e.g. `unit_id` is not a commune) or `idempotency_key_reused`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/households")]
pub async fn create(
    officer: Officer,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<CreateHousehold>,
) -> ApiResult<HttpResponse> {
    let JsonBody { value, hash } = body;
    let h = value
        .parse(state.settings.clock.today())
        .map_err(ApiError::validation)?;
    let mut conn = state.pools.write.get().await?;
    let unit =
        households::commune_for(&mut conn, &officer, h.unit_id, state.settings.clock.today())
            .await?;
    let hmac = h.national_id.hmac(&state.settings.national_id_key.0);
    let (officer, unit, h, hmac) = (&officer, &unit, &h, &hmac);
    let result = idempotency::created(
        &mut conn,
        officer.id.0,
        &key,
        &hash,
        |v: &RegisteredHouseholdView| Some(format!("/v1/households/{}", v.household.id)),
        |tx| {
            async move { Ok(households::register(tx, officer, unit, h, hmac).await?) }.scope_boxed()
        },
    )
    .await;
    match result {
        Err(e) if e.code == Code::DuplicateHousehold => {
            Err(households::duplicate(&mut conn, officer, hmac)
                .await?
                .into())
        }
        other => other,
    }
}
