use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use uuid::Uuid;

use crate::app::tet_batches;
use crate::auth::scope::Right;
use crate::auth::Officer;
use crate::domain::tet::{parse_deliveries, DeliveryInput};
use crate::domain::Role;
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;
use crate::views::tet_batches::DeliveriesView;

/// Records deliveries synced from the field (officer of the paying unit), for a disbursed
/// batch. Idempotent per household: a household whose delivery is already recorded keeps its
/// first record and counts as `already_recorded`, so a client may resend a whole sync.
#[utoipa::path(
    operation_id = "recordTetDeliveries",
    context_path = "/v1",
    tag = "tet batches",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = Vec<DeliveryInput>,
    responses(
        (status = 200, description = "What the sync recorded, and what was recorded before", body = DeliveriesView),
        (status = 409, description = "`invalid_state`: the batch is not disbursed (or already closed)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: households not in the batch are listed as `[i].household_id`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/tet-batches/{id}/deliveries")]
pub async fn deliveries(
    officer: Officer,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<Vec<DeliveryInput>>,
) -> ApiResult<HttpResponse> {
    let JsonBody { value, hash } = body;
    tet_batches::check_delivery_count(value.len())?;
    let list =
        parse_deliveries(value, state.settings.clock.today()).map_err(ApiError::validation)?;
    let id = *id;
    let mut conn = state.pools.write.get().await?;
    tet_batches::load(&mut conn, id, &officer, Right::ActAs(Role::Officer)).await?;
    let (officer, list) = (&officer, &list);
    idempotency::ok(&mut conn, officer.id.0, &key, &hash, |tx| {
        async move { Ok(tet_batches::deliveries(tx, officer, id, list).await?) }.scope_boxed()
    })
    .await
}
