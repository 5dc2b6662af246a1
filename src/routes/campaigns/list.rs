use actix_web::{get, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::app::lookups;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::campaigns;
use crate::error::ApiResult;
use crate::extract::Query;
use crate::pagination::{Page, Window};
use crate::state::AppState;
use crate::views::campaigns::{CampaignKind, CampaignView};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CampaignQuery {
    /// Campaigns usable by this unit: its own and its ancestors'.
    pub unit_id: Option<Uuid>,
    pub kind: Option<CampaignKind>,
    /// Campaigns running on this local date.
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional_plan")]
    pub active_on: Option<NaiveDate>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Campaigns the caller can use or see.
#[utoipa::path(
    operation_id = "listCampaigns",
    context_path = "/v1",
    tag = "campaigns",
    params(CampaignQuery),
    responses((status = 200, description = "A page of campaigns", body = Page<CampaignView>), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/campaigns")]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    query: Query<CampaignQuery>,
) -> ApiResult<web::Json<Page<CampaignView>>> {
    let window = Window::by_id(query.limit, query.cursor.as_deref())?;
    let mut conn = state.pools.read.get().await?;
    let owners = match query.unit_id {
        Some(id) => {
            lookups::unit_authorized(&mut conn, &user.scope, Right::Read, id)
                .await?
                .ancestry
        }
        None => campaigns::visible_owners(&mut conn, &user.scope.roots()).await?,
    };
    let rows = campaigns::list(
        &mut conn,
        campaigns::CampaignFilter {
            owners: &owners,
            kind: query.kind.map(|k| k.as_str()),
            active_on: query.active_on,
            after: window.after,
            limit: window.fetch(),
        },
    )
    .await?;
    Ok(web::Json(window.page(rows, |c| c.id, CampaignView::from)))
}
