use actix_web::{get, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::{InForce, NormView, NormsView};
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::{housing_norms, units};
use crate::domain::house::HouseKind;
use crate::domain::money;
use crate::error::{ApiError, ApiResult};
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
    let Some(unit_id) = query.unit_id else {
        let rows = housing_norms::in_scope(&mut conn, &user.scope.roots()).await?;
        return Ok(web::Json(NormsView {
            items: rows.into_iter().map(NormView::from).collect(),
            in_force: None,
        }));
    };
    let unit = units::find(&mut conn, unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    user.scope.authorize(Right::Read, &unit)?;
    let on = query.on.unwrap_or_else(|| state.settings.clock.today());
    let rows = housing_norms::on_branch(&mut conn, &unit.ancestry).await?;
    let new = housing_norms::in_force(&mut conn, unit.id, HouseKind::New.as_str(), on).await?;
    let repair =
        housing_norms::in_force(&mut conn, unit.id, HouseKind::Repair.as_str(), on).await?;
    Ok(web::Json(NormsView {
        items: rows.into_iter().map(NormView::from).collect(),
        in_force: Some(InForce {
            new: new.map(money::format),
            repair: repair.map(money::format),
        }),
    }))
}
