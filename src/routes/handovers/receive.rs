use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use uuid::Uuid;

use super::HandoverView;
use crate::app::handovers::{self, ReceiveHandover};
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Records which of a successor's bank accounts received the bank money handed over to it (its
/// finance officer): the money leaves `in_transit` for that account.
#[utoipa::path(
    operation_id = "receiveHandover",
    context_path = "/v1",
    tag = "handovers",
    request_body = ReceiveHandover,
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 200, description = "The handover, its bank lines to that successor received", body = HandoverView),
        (status = 409, description = "`invalid_state` (not executed, or nothing in transit to that unit)", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/handovers/{id}/receive")]
pub async fn receive(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<ReceiveHandover>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.pools.write.get().await?;
    let (user, id, value, today) = (&user, *id, &body.value, state.settings.clock.today());
    idempotency::ok(&mut conn, user.id.0, &key, &body.hash, move |tx| {
        async move { Ok(handovers::receive(tx, user, id, value, today).await?) }.scope_boxed()
    })
    .await
}
