use actix_web::{put, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;

use super::NormsView;
use crate::app::housing_norms::{self, SetNorm};
use crate::auth::Approver;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Sets support norms (1 to 50): each replaces the amount of the same unit, kind and date, or
/// adds a norm. National norms need `approver` at the central unit, a unit's norm `approver` at
/// that unit. Answers the norms as written.
#[utoipa::path(
    operation_id = "setHousingNorms",
    context_path = "/v1",
    tag = "houses",
    request_body = Vec<SetNorm>,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 characters; a retry with the same key and body returns the first response")),
    responses((status = 200, description = "The norms as now set", body = NormsView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[put("/housing-norms")]
pub async fn put(
    approver: Approver,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<Vec<SetNorm>>,
) -> ApiResult<HttpResponse> {
    let items = &body.value;
    let amounts = housing_norms::parse(items)?;
    let mut conn = state.pools.write.get().await?;
    let owners = housing_norms::owners(&mut conn, &approver, items).await?;
    let (approver, amounts, owners) = (&approver, &amounts, &owners);
    idempotency::ok(&mut conn, approver.id.0, &key, &body.hash, move |tx| {
        async move { Ok(housing_norms::put(tx, approver, items, amounts, owners).await?) }
            .scope_boxed()
    })
    .await
}
