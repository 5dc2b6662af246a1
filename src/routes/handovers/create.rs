use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;

use super::HandoverView;
use crate::app::handovers::{self, ProposeHandover};
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Proposes the handover of an ending unit's fund (an officer or admin of a unit above it): the
/// split of every balance by the successors' fractions is computed now and shown for approval.
#[utoipa::path(
    operation_id = "createHandover",
    context_path = "/v1",
    tag = "handovers",
    request_body = ProposeHandover,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 characters; a retry with the same key and body returns the first response")),
    responses(
        (status = 201, description = "The handover proposed, with its lines", body = HandoverView),
        (status = 409, description = "`open_obligations` (member `obligations`), `unassigned_households` (member `villages`), `unit_dissolved`, `invalid_state` (the unit has not ended) or `conflict` (it already has a handover)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`, `fractions_must_sum_to_one` or `not_a_successor`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/handovers")]
pub async fn create(
    user: AuthUser,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<ProposeHandover>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.pools.write.get().await?;
    let (user, value) = (&user, &body.value);
    idempotency::created(
        &mut conn,
        user.id.0,
        &key,
        &body.hash,
        super::location,
        move |tx| async move { Ok(handovers::propose(tx, user, value).await?) }.scope_boxed(),
    )
    .await
}
