use actix_web::{get, web};
use uuid::Uuid;

use crate::app::successions as reform;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::views::successions::SuccessionsView;

/// The units this unit took over in the 2025 reform, and the units that took it over.
#[utoipa::path(
    operation_id = "getUnitSuccessions",
    context_path = "/v1",
    tag = "units",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The unit's predecessors and successors", body = SuccessionsView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/units/{id}/successions")]
pub async fn successions(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<SuccessionsView>> {
    let mut conn = state.pools.read.get().await?;
    Ok(web::Json(reform::of_unit(&mut conn, &user, *id).await?))
}
