use actix_web::{patch, web};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use uuid::Uuid;

use super::HouseholdView;
use crate::app::households;
use crate::auth::scope::Right;
use crate::auth::Officer;
use crate::domain::household::UpdateHousehold;
use crate::domain::Role;
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::state::AppState;

/// Corrects a household (an officer of its commune or above). Only the fields sent change;
/// `null` clears `poverty_cert_no`, `ethnicity` or `phone`. The national ID and the commune
/// cannot change: register again instead.
#[utoipa::path(
    operation_id = "updateHousehold",
    context_path = "/v1",
    tag = "households",
    params(("id" = Uuid, Path)),
    request_body = UpdateHousehold,
    responses(
        (status = 200, description = "The household as updated", body = HouseholdView),
        (status = 422, description = "`validation_failed`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[patch("/households/{id}")]
pub async fn update(
    officer: Officer,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: JsonBody<UpdateHousehold>,
) -> ApiResult<web::Json<HouseholdView>> {
    let changes = body
        .value
        .parse(state.settings.clock.today())
        .map_err(ApiError::validation)?;
    let mut conn = state.pools.write.get().await?;
    let right = Right::ActWithin(Role::Officer);
    let (household, unit) = households::find(&mut conn, &officer, *id, right).await?;
    let personal = officer.scope.allows(Right::ReadPersonal, &unit);
    let (changes, officer, id) = (&changes, &officer, household.id);
    let row = conn
        .transaction::<_, ApiError, _>(|tx| {
            async move { Ok(households::update(tx, officer, id, changes).await?) }.scope_boxed()
        })
        .await?;
    Ok(web::Json(HouseholdView::new(row, personal)))
}
