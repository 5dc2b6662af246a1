use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use uuid::Uuid;

use super::ContributionView;
use crate::app::house_contributions;
use crate::auth::Officer;
use crate::domain::house::CreateContribution;
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Records a contribution to a house project from outside the fund (an officer of the funding
/// unit), while the project is approved, started or completed. It moves no fund money: no
/// journal entry is posted. Send an `Idempotency-Key` so a retry cannot record it twice.
#[utoipa::path(
    operation_id = "createHouseContribution",
    context_path = "/v1",
    tag = "houses",
    params(
        ("id" = Uuid, Path, description = "The house project"),
        ("Idempotency-Key" = Option<String>, Header, description = "1–255 characters; a retry with the same key and body returns the first response"),
    ),
    request_body = CreateContribution,
    responses(
        (status = 201, description = "The contribution recorded", body = ContributionView),
        (status = 409, description = "`invalid_state` (the project is not approved, started or completed) or `idempotency_in_progress`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` (e.g. labour without `labour_days`) or `idempotency_key_reused`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/houses/{id}/contributions")]
pub async fn create(
    officer: Officer,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<CreateContribution>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.pools.write.get().await?;
    let (house_id, unit_id) = house_contributions::authorize(&mut conn, &officer, *id).await?;
    let c = body
        .value
        .parse(state.settings.clock.today())
        .map_err(ApiError::validation)?;
    let (officer, c) = (&officer, &c);
    idempotency::created(
        &mut conn,
        officer.id.0,
        &key,
        &body.hash,
        |v: &ContributionView| Some(format!("/v1/houses/{}/contributions", v.house_id)),
        move |tx| {
            async move { Ok(house_contributions::record(tx, officer, house_id, unit_id, c).await?) }
                .scope_boxed()
        },
    )
    .await
}
