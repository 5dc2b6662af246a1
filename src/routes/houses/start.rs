//! Construction starts: an officer of the funding unit records the date (not in the future,
//! not before the proposal) and any photos.

use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::HouseView;
use crate::auth::Officer;
use crate::domain::house::Step;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::IdempotencyKey;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartHouse {
    /// Not in the future, not before `proposed_on`.
    #[serde(deserialize_with = "crate::domain::fund_date::deserialize")]
    pub started_on: NaiveDate,
    /// Attachments of the funding unit or below.
    pub evidence_ids: Option<Vec<Uuid>>,
}

/// Records that works on an approved project started.
#[utoipa::path(
    operation_id = "startHouse",
    context_path = "/v1",
    tag = "houses",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = StartHouse,
    responses(
        (status = 200, description = "The project, started", body = HouseView),
        (status = 409, description = "`invalid_state`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/houses/{id}/start")]
pub async fn start(
    officer: Officer,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<StartHouse>,
) -> ApiResult<HttpResponse> {
    let v = &body.value;
    let what = (body.hash.as_slice(), Step::Start, v.started_on);
    super::step(&officer, &state, *id, &key, what, &v.evidence_ids).await
}
