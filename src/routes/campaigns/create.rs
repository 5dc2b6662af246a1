use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{CampaignKind, CampaignView};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::campaigns::{self, NewCampaign};
use crate::db::units;
use crate::domain::{text, Role};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::extract::JsonBody;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCampaign {
    pub unit_id: Uuid,
    pub kind: CampaignKind,
    #[schema(max_length = 300)]
    pub name: String,
    #[serde(deserialize_with = "crate::domain::fund_date::plan")]
    pub starts_on: NaiveDate,
    #[serde(deserialize_with = "crate::domain::fund_date::plan")]
    pub ends_on: NaiveDate,
    #[serde(default)]
    pub restricted: bool,
}

/// Opens a campaign of a unit (its officer or approver).
#[utoipa::path(
    operation_id = "createCampaign",
    context_path = "/v1",
    tag = "campaigns",
    request_body = CreateCampaign,
    responses((status = 201, description = "The campaign opened", body = CampaignView), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[post("/campaigns")]
pub async fn create(
    user: AuthUser,
    state: web::Data<AppState>,
    body: JsonBody<CreateCampaign>,
) -> ApiResult<HttpResponse> {
    let body = body.value;
    let name = text::clean(&body.name, 300);
    let mut errors = Vec::new();
    if name.is_none() {
        errors.push(FieldError::new(
            "name",
            "1 to 300 characters",
            "từ 1 đến 300 ký tự",
        ));
    }
    if body.ends_on < body.starts_on {
        errors.push(FieldError::new(
            "ends_on",
            "must not be before starts_on",
            "không được trước starts_on",
        ));
    }
    let (Some(name), true) = (name, errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    let mut conn = state.pools.write.get().await?;
    let unit = units::find(&mut conn, body.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if !user.scope.allows(Right::ActAs(Role::Approver), &unit) {
        user.scope.authorize(Right::ActAs(Role::Officer), &unit)?;
    }
    let user = &user;
    let campaign = conn
        .transaction::<_, ApiError, _>(|conn| {
            async move {
                let campaign = campaigns::insert(
                    conn,
                    &NewCampaign {
                        id: Uuid::now_v7(),
                        unit_id: unit.id,
                        kind: body.kind.as_str(),
                        name: &name,
                        starts_on: body.starts_on,
                        ends_on: body.ends_on,
                        restricted: body.restricted,
                        search_text: text::fold(&name),
                        created_by: Some(user.id.0),
                    },
                )
                .await?;
                audit::record(
                    conn,
                    user,
                    Change {
                        action: "campaign.create",
                        target_type: "campaign",
                        target_id: Some(campaign.id),
                        unit_id: Some(unit.id),
                        changes: serde_json::json!({"kind": campaign.kind, "restricted": campaign.restricted}),
                    },
                )
                .await?;
                Ok(campaign)
            }
            .scope_boxed()
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/campaigns/{}", campaign.id)))
        .json(CampaignView::from(campaign)))
}
