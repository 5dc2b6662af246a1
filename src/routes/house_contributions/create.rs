use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::ContributionView;
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Officer;
use crate::db::house_contributions::{self, NewContribution};
use crate::db::{houses, units};
use crate::domain::{money, text, Role};
use crate::error::{ApiError, ApiResult, Code, FieldError};
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

/// Who gave it: anyone but the fund (the fund's share is paid as tranches).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContributionSource {
    StateBudget,
    Sponsor,
    Community,
    Household,
}

impl ContributionSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ContributionSource::StateBudget => "state_budget",
            ContributionSource::Sponsor => "sponsor",
            ContributionSource::Community => "community",
            ContributionSource::Household => "household",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContributionKind {
    Cash,
    Materials,
    Labour,
}

impl ContributionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ContributionKind::Cash => "cash",
            ContributionKind::Materials => "materials",
            ContributionKind::Labour => "labour",
        }
    }
}

/// Body of `POST /v1/houses/{id}/contributions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateContribution {
    pub source: ContributionSource,
    pub kind: ContributionKind,
    /// Whole đồng, a string: the cash, or the value of the materials or labour. Positive, but
    /// `"0"` is allowed for labour.
    #[schema(example = "5000000")]
    pub value: String,
    /// Required for labour, and only then: the days worked (at most one decimal place), as a
    /// string or a number.
    #[serde(default, deserialize_with = "decimal_text")]
    #[schema(value_type = Option<String>, example = "20")]
    pub labour_days: Option<String>,
    /// Who gave it (a sponsor, an organisation).
    #[schema(max_length = 200)]
    pub name: Option<String>,
    #[schema(max_length = 1000)]
    pub description: Option<String>,
    /// Not after today.
    #[serde(deserialize_with = "crate::domain::fund_date::deserialize")]
    pub contributed_on: NaiveDate,
}

/// Accepts `"12.5"` or `12.5`, keeping the text as written.
fn decimal_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        S(String),
        N(serde_json::Number),
    }
    Ok(Option::<Text>::deserialize(d)?.map(|t| match t {
        Text::S(s) => s,
        Text::N(n) => n.to_string(),
    }))
}

/// The contribution, checked.
struct Contribution {
    source: ContributionSource,
    kind: ContributionKind,
    value: Decimal,
    labour_days: Option<Decimal>,
    name: Option<String>,
    description: Option<String>,
    contributed_on: NaiveDate,
}

impl CreateContribution {
    fn parse(&self, today: NaiveDate) -> Result<Contribution, Vec<FieldError>> {
        let mut errors = Vec::new();
        let labour = self.kind == ContributionKind::Labour;
        let value = match money::parse_vnd_or_zero(&self.value) {
            Ok(v) if v.is_zero() && !labour => {
                errors.push(FieldError::new(
                    "value",
                    "must be greater than zero (only labour may be 0)",
                    "phải lớn hơn 0 (chỉ ngày công được bằng 0)",
                ));
                None
            }
            Ok(v) => Some(v),
            Err(e) => {
                errors.push(FieldError::new("value", e.to_string(), e.vi()));
                None
            }
        };
        let labour_days = match (labour, self.labour_days.as_deref()) {
            (true, None) => {
                errors.push(FieldError::new(
                    "labour_days",
                    "required for labour",
                    "bắt buộc với đóng góp ngày công",
                ));
                None
            }
            (false, Some(_)) => {
                errors.push(FieldError::new(
                    "labour_days",
                    "only for labour",
                    "chỉ dùng cho đóng góp ngày công",
                ));
                None
            }
            (false, None) => None,
            (true, Some(days)) => match money::parse_decimal(days, 1) {
                Ok(d) if !d.is_zero() && d < Decimal::from(10_000_000) => Some(d),
                _ => {
                    errors.push(FieldError::new(
                        "labour_days",
                        "a positive number of days below 10000000, at most one decimal place",
                        "số ngày dương, nhỏ hơn 10000000, tối đa một chữ số thập phân",
                    ));
                    None
                }
            },
        };
        let optional =
            |raw: &Option<String>, field: &str, max: usize, errors: &mut Vec<FieldError>| {
                raw.as_deref().and_then(|r| {
                    let cleaned = text::clean(r, max);
                    if cleaned.is_none() {
                        errors.push(FieldError::new(
                            field,
                            format!("1 to {max} characters"),
                            format!("từ 1 đến {max} ký tự"),
                        ));
                    }
                    cleaned
                })
            };
        let name = optional(&self.name, "name", 200, &mut errors);
        let description = optional(&self.description, "description", 1000, &mut errors);
        if self.contributed_on > today {
            errors.push(FieldError::new(
                "contributed_on",
                "not after today",
                "không được sau ngày hôm nay",
            ));
        }
        match value {
            Some(value) if errors.is_empty() => Ok(Contribution {
                source: self.source,
                kind: self.kind,
                value,
                labour_days,
                name,
                description,
                contributed_on: self.contributed_on,
            }),
            _ => Err(errors),
        }
    }
}

/// Records a contribution to a house project from outside the fund (an officer of the funding
/// unit), while the project is approved, started or completed. It moves no fund money: no
/// journal entry is posted. Send an `Idempotency-Key` so a retry cannot record it twice.
#[utoipa::path(
    operation_id = "createHouseContribution",
    context_path = "/v1",
    tag = "houses",
    params(
        ("id" = Uuid, Path, description = "The house project"),
        ("Idempotency-Key" = Option<String>, Header, description = "1–255 characters; a retry with the same key and body returns the first response"),
    ),
    request_body = CreateContribution,
    responses(
        (status = 201, description = "The contribution recorded", body = ContributionView),
        (status = 409, description = "`invalid_state` (the project is not approved, started or completed) or `idempotency_in_progress`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` (e.g. labour without `labour_days`) or `idempotency_key_reused`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/houses/{id}/contributions")]
pub async fn create(
    officer: Officer,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<CreateContribution>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.pools.write.get().await?;
    let house = houses::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let unit = units::find(&mut conn, house.funding_unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    officer
        .scope
        .authorize(Right::ActAs(Role::Officer), &unit)?;
    let c = body
        .value
        .parse(state.settings.clock.today())
        .map_err(ApiError::validation)?;

    let (officer, c, house_id, unit_id) = (&officer, &c, house.id, unit.id);
    idempotency::transact(
        &mut conn,
        officer.id.0,
        &key,
        &body.hash,
        StatusCode::CREATED,
        |v: &ContributionView| Some(format!("/v1/houses/{}/contributions", v.house_id)),
        move |conn| {
            async move {
                // the state is read under the row lock, so a step taken meanwhile is seen
                let house = houses::lock(conn, house_id).await?;
                if !matches!(house.status.as_str(), "approved" | "started" | "completed") {
                    return Err(ApiError::new(Code::InvalidState).detail(
                        format!(
                            "contributions are recorded while a project is approved, started or completed, not while {}",
                            house.status
                        ),
                        format!(
                            "chỉ ghi nhận đóng góp khi công trình đã duyệt, đang thi công hoặc đã hoàn thành, không phải khi {}",
                            crate::vocabulary::term(&house.status, crate::i18n::Lang::Vi)
                        ),
                    ));
                }
                let row = house_contributions::insert(
                    conn,
                    &NewContribution {
                        id: Uuid::now_v7(),
                        house_id,
                        source: c.source.as_str(),
                        kind: c.kind.as_str(),
                        value: c.value,
                        labour_days: c.labour_days,
                        name: c.name.as_deref(),
                        description: c.description.as_deref(),
                        contributed_on: c.contributed_on,
                        recorded_by: officer.id.0,
                    },
                )
                .await?;
                audit::record(
                    conn,
                    officer,
                    Change {
                        action: "house.contribution",
                        target_type: "house",
                        target_id: Some(house_id),
                        unit_id: Some(unit_id),
                        // no names: a contributor may be a person
                        changes: serde_json::json!({
                            "contribution_id": row.id,
                            "source": row.source,
                            "kind": row.kind,
                            "value": row.value.to_string(),
                            "labour_days": row.labour_days.map(|d| d.to_string()),
                        }),
                    },
                )
                .await?;
                Ok(ContributionView::from(row))
            }
            .scope_boxed()
        },
    )
    .await
}
