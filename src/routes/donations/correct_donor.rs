use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use uuid::Uuid;

use super::DonationView;
use crate::app::donations::{self, CorrectDonor};
use crate::auth::Accountant;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Corrects or confirms who gave (the finance officer of the donation's unit), typically a
/// donor read from a bank statement line with too little confidence to publish
/// (`donor_name_to_check`): the check closes and the public display follows. Audited.
#[utoipa::path(
    operation_id = "correctDonationDonor",
    context_path = "/v1",
    tag = "donations",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = CorrectDonor,
    responses(
        (status = 200, description = "The donation with its donor as corrected", body = DonationView),
        (status = 409, description = "`already_void`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/donations/{id}/donor")]
pub async fn correct_donor(
    accountant: Accountant,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<CorrectDonor>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.pools.write.get().await?;
    let (actor, input, id) = (&*accountant, &body.value, *id);
    idempotency::ok(&mut conn, actor.id.0, &key, &body.hash, |tx| {
        async move { Ok(donations::correct_donor(tx, actor, id, input).await?) }.scope_boxed()
    })
    .await
}
