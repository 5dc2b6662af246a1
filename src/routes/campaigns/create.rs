use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::campaigns::{self, CampaignDraft};
use crate::auth::AuthUser;
use crate::domain::text;
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::messages::campaigns as messages;
use crate::messages::units::length;
use crate::state::AppState;
use crate::views::campaigns::{CampaignKind, CampaignView};

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
    let draft = body.value.parse()?;
    let mut conn = state.pools.write.get().await?;
    let user = &user;
    let campaign = conn
        .transaction::<_, ApiError, _>(|tx| {
            async move { Ok(campaigns::create(tx, user, draft).await?) }.scope_boxed()
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/campaigns/{}", campaign.id)))
        .json(campaign))
}

impl CreateCampaign {
    fn parse(self) -> ApiResult<CampaignDraft> {
        let name = text::clean(&self.name, 300);
        let mut errors = Vec::new();
        if name.is_none() {
            errors.push(length("name", 300));
        }
        if self.ends_on < self.starts_on {
            errors.push(messages::ends_before_it_starts());
        }
        match (name, errors.is_empty()) {
            (Some(name), true) => Ok(CampaignDraft {
                unit_id: self.unit_id,
                kind: self.kind,
                name,
                starts_on: self.starts_on,
                ends_on: self.ends_on,
                restricted: self.restricted,
            }),
            _ => Err(ApiError::validation(errors)),
        }
    }
}
