use actix_web::{post, web, HttpResponse};

use super::DonationView;
use crate::app::donations::{self, Key, Recorded, ToRecord};
use crate::auth::extractor::Bearer;
use crate::domain::donation::CreateDonation;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Records a donation: its balanced journal entry and its gapless receipt number commit
/// together. Send an `Idempotency-Key` so a retry after a timeout cannot record it twice.
#[utoipa::path(
    operation_id = "createDonation",
    context_path = "/v1",
    tag = "donations",
    request_body = CreateDonation,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 characters; a retry with the same key and body returns the first response")),
    responses(
        (status = 201, description = "The donation recorded, with its receipt number and journal entry", body = DonationView),
        (status = 409, description = "`duplicate_bank_reference`, `period_closed` or `idempotency_in_progress`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` or `idempotency_key_reused`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/donations")]
pub async fn create(
    caller: Bearer,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<CreateDonation>,
) -> ApiResult<HttpResponse> {
    let JsonBody { value, hash } = body;
    let input = ToRecord {
        unit_id: value.unit_id,
        campaign_id: value.campaign_id,
        bank_account_id: value.bank_account_id,
        donation: value.parse(state.settings.clock.today()),
    };
    let key = key.0.as_deref().map(|key| Key { key, hash: &hash });
    let mut conn = state.pools.write.get().await?;
    match donations::record(&mut conn, &caller, key, input).await? {
        Recorded::Created(view) => Ok(HttpResponse::Created()
            .insert_header(("Location", donations::location(view.id)))
            .json(view)),
        Recorded::Taken(taken) => idempotency::answer(taken),
    }
}
