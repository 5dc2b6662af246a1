use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::UnitView;
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Admin;
use crate::db::units::{self, NewUnit};
use crate::domain::{text, Tier, UnitCode};
use crate::error::{ApiError, ApiResult, Code, FieldError};
use crate::state::AppState;

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
    let body = body.into_inner();
    let mut errors = Vec::new();
    let code = UnitCode::parse(&body.code);
    if code.is_none() {
        errors.push(FieldError::new(
            "code",
            "upper-case letters and digits, at most 32",
            "chữ in hoa và chữ số, tối đa 32 ký tự",
        ));
    }
    let name = text::clean(&body.name, 200);
    if name.is_none() {
        errors.push(FieldError::new(
            "name",
            "1 to 200 characters",
            "từ 1 đến 200 ký tự",
        ));
    }
    let full_name = text::clean(&body.full_name, 300);
    if full_name.is_none() {
        errors.push(FieldError::new(
            "full_name",
            "1 to 300 characters",
            "từ 1 đến 300 ký tự",
        ));
    }
    let kind = match body.kind.as_deref() {
        None => None,
        Some(k) => {
            let k = text::clean(k, 100);
            if k.is_none() {
                errors.push(FieldError::new(
                    "kind",
                    "1 to 100 characters",
                    "từ 1 đến 100 ký tự",
                ));
            }
            k
        }
    };
    let (Some(code), Some(name), Some(full_name), true) =
        (code, name, full_name, errors.is_empty())
    else {
        return Err(ApiError::validation(errors));
    };

    let mut conn = state.pools.write.get().await?;
    let parent = units::find(&mut conn, body.parent_id)
        .await?
        .filter(|p| admin.scope.can_see(p))
        .ok_or_else(|| ApiError::field("parent_id", "unknown unit", "không tìm thấy đơn vị"))?;
    admin.scope.authorize(Right::Administer, &parent)?;
    if !body.tier.fits_under(parent.tier()) {
        return Err(ApiError::new(Code::InvalidTier).detail(
            format!(
                "A {} cannot be placed under a {}.",
                body.tier,
                parent.tier()
            ),
            format!(
                "Đơn vị cấp {} không thể trực thuộc cấp {}.",
                body.tier,
                parent.tier()
            ),
        ));
    }
    if units::find_by_code(&mut conn, code.as_str())
        .await?
        .is_some()
    {
        return Err(ApiError::new(Code::DuplicateUnitCode));
    }

    let admin = &admin;
    let unit = conn
        .transaction::<_, ApiError, _>(|conn| {
            async move {
                let unit = units::insert(
                    conn,
                    &NewUnit {
                        id: Uuid::now_v7(),
                        code: code.as_str(),
                        name: &name,
                        full_name: &full_name,
                        kind: kind.as_deref(),
                        tier: body.tier.as_str(),
                        parent_id: Some(parent.id),
                        search_text: units::search_text(code.as_str(), &name, &full_name),
                    },
                )
                .await
                .map_err(|e| match e {
                    // a concurrent request took the code between our check and the insert
                    diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
                        ApiError::new(Code::DuplicateUnitCode)
                    }
                    e => e.into(),
                })?;
                audit::record(
                    conn,
                    admin,
                    Change {
                        action: "unit.create",
                        target_type: "unit",
                        target_id: Some(unit.id),
                        unit_id: Some(unit.id),
                        changes: serde_json::json!({"code": unit.code, "tier": unit.tier, "parent_id": parent.id}),
                    },
                )
                .await?;
                Ok(unit)
            }
            .scope_boxed()
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/units/{}", unit.id)))
        .json(UnitView::from(unit)))
}
