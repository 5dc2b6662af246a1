use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;

use super::HouseView;
use crate::app::houses;
use crate::auth::Officer;
use crate::domain::house::CreateHouse;
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Proposes a house project (officer of the funding unit). It moves no money until approved
/// (which reserves the support) and paid in tranches.
#[utoipa::path(
    operation_id = "createHouse",
    context_path = "/v1",
    tag = "houses",
    request_body = CreateHouse,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 characters; a retry with the same key and body returns the first response")),
    responses(
        (status = 201, description = "The project proposed", body = HouseView),
        (status = 409, description = "`active_house_project` or `recent_house_support`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` or `campaign_purpose_mismatch`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/houses")]
pub async fn create(
    officer: Officer,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<CreateHouse>,
) -> ApiResult<HttpResponse> {
    let today = state.settings.clock.today();
    let proposal = body.value.parse(today).map_err(ApiError::validation)?;
    let mut conn = state.pools.write.get().await?;
    let checked = houses::check_proposal(&mut conn, &officer, proposal, today).await?;
    let years = state.settings.new_house_interval_years;
    let (officer, checked) = (&officer, &checked);
    idempotency::created(
        &mut conn,
        officer.id.0,
        &key,
        &body.hash,
        super::location,
        move |tx| {
            async move { Ok(houses::create(tx, officer, checked, years).await?) }.scope_boxed()
        },
    )
    .await
}
