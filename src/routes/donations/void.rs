use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::DonationView;
use crate::app::donations;
use crate::auth::Accountant;
use crate::domain::text;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::messages::donations::void_reason;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidDonation {
    #[schema(max_length = 1000)]
    pub reason: String,
}

/// Voids a mistaken donation (finance officer): a reversing entry dated today, status `void`.
/// The receipt number stays in the register, marked void.
#[utoipa::path(
    operation_id = "voidDonation",
    context_path = "/v1",
    tag = "donations",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = VoidDonation,
    responses(
        (status = 200, description = "The donation, now void, with its reversing entry", body = DonationView),
        (status = 409, description = "`already_void` or `period_closed`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/donations/{id}/void")]
pub async fn void(
    accountant: Accountant,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<VoidDonation>,
) -> ApiResult<HttpResponse> {
    let reason = text::clean(&body.value.reason, 1000).ok_or_else(|| void_reason("reason"))?;
    let mut conn = state.pools.write.get().await?;
    let (donation, unit) = donations::voidable(&mut conn, &accountant, *id).await?;
    let today = state.settings.clock.today();
    let (donation, unit, reason) = (&donation, &unit, &reason);
    idempotency::ok(&mut conn, accountant.id.0, &key, &body.hash, |tx| {
        async move { Ok(donations::void(tx, &accountant, donation, unit, reason, today).await?) }
            .scope_boxed()
    })
    .await
}
