use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::units::{self, UnitDraft};
use crate::auth::Admin;
use crate::domain::{text, Tier, UnitCode};
use crate::error::{ApiError, ApiResult};
use crate::messages::units as messages;
use crate::state::AppState;
use crate::views::units::UnitView;
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUnit {
    /// Upper-case letters, digits, `.`, `_`, `-`; at most 32.
    #[schema(max_length = 32)]
    pub code: String,
    #[schema(max_length = 200)]
    pub name: String,
    #[schema(max_length = 300)]
    pub full_name: String,
    pub tier: Tier,
    pub parent_id: Uuid,
    #[schema(max_length = 100)]
    pub kind: Option<String>,
}

/// Creates a unit below one the caller administers, with its fund and chart of accounts.
#[utoipa::path(
    operation_id = "createUnit",
    context_path = "/v1",
    tag = "units",
    request_body = CreateUnit,
    responses(
        (status = 201, description = "The unit created, with its fund and chart of accounts", body = UnitView),
        (status = 409, description = "`duplicate_unit_code`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_tier` or `validation_failed`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/units")]
pub async fn create(
    admin: Admin,
    state: web::Data<AppState>,
    body: crate::extract::JsonBody<CreateUnit>,
) -> ApiResult<HttpResponse> {
    let draft = body.into_inner().parse()?;
    let mut conn = state.pools.write.get().await?;
    let admin = &admin;
    let unit = conn
        .transaction::<_, ApiError, _>(|tx| {
            async move { Ok(units::create(tx, admin, draft).await?) }.scope_boxed()
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/units/{}", unit.id)))
        .json(unit))
}

impl CreateUnit {
    /// Every field checked at once, so the client sees all that is wrong.
    fn parse(self) -> ApiResult<UnitDraft> {
        let mut errors = Vec::new();
        let code = UnitCode::parse(&self.code);
        if code.is_none() {
            errors.push(messages::code_format());
        }
        let name = text::clean(&self.name, 200);
        if name.is_none() {
            errors.push(messages::length("name", 200));
        }
        let full_name = text::clean(&self.full_name, 300);
        if full_name.is_none() {
            errors.push(messages::length("full_name", 300));
        }
        let kind = match self.kind.as_deref() {
            None => None,
            Some(k) => {
                let k = text::clean(k, 100);
                if k.is_none() {
                    errors.push(messages::length("kind", 100));
                }
                k
            }
        };
        match (code, name, full_name, errors.is_empty()) {
            (Some(code), Some(name), Some(full_name), true) => Ok(UnitDraft {
                code,
                name,
                full_name,
                kind,
                tier: self.tier,
                parent_id: self.parent_id,
            }),
            _ => Err(ApiError::validation(errors)),
        }
    }
}
