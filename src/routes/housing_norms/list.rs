use actix_web::{get, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::NormsView;
use crate::app::housing_norms;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::extract::Query;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NormQuery {
    /// Only the norms on this unit's branch (national, its ancestors' and its own), with the
    /// ones in force for it in `in_force`.
    pub unit_id: Option<Uuid>,
    /// The date `in_force` is for; default today.
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional_plan")]
    pub on: Option<NaiveDate>,
}

/// Support norms: national ones and those of units in the caller's scope.
#[utoipa::path(
    operation_id = "listHousingNorms",
    context_path = "/v1",
    tag = "houses",
    params(NormQuery),
    responses((status = 200, description = "The support norms in force for the unit, and their history", body = NormsView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/housing-norms")]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    query: Query<NormQuery>,
) -> ApiResult<web::Json<NormsView>> {
    let mut conn = state.pools.read.get().await?;
    let on = query.on.unwrap_or_else(|| state.settings.clock.today());
    Ok(web::Json(
        housing_norms::list(&mut conn, &user, query.unit_id, on).await?,
    ))
}
