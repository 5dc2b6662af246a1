//! The acceptance (nghiệm thu): an officer of the funding unit records that the works are done
//! and the house has a hard roof, floor and walls ("3 cứng"); a house without them is not
//! accepted (422).

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
use crate::messages::houses as says;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteHouse {
    /// Not in the future, not before `started_on`.
    #[serde(deserialize_with = "crate::domain::fund_date::deserialize")]
    pub completed_on: NaiveDate,
    /// Hard roof, floor and walls; must be true to accept the house.
    pub meets_3_cung: bool,
    /// The signed acceptance minutes, photos: attachments of the funding unit or below.
    pub evidence_ids: Option<Vec<Uuid>>,
}

/// Accepts the finished works of a started project.
#[utoipa::path(
    operation_id = "completeHouse",
    context_path = "/v1",
    tag = "houses",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = CompleteHouse,
    responses(
        (status = 200, description = "The project, completed (accepted)", body = HouseView),
        (status = 409, description = "`invalid_state`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`, e.g. `meets_3_cung` false", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/houses/{id}/complete")]
pub async fn complete(
    officer: Officer,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<CompleteHouse>,
) -> ApiResult<HttpResponse> {
    if !body.value.meets_3_cung {
        return Err(says::not_3_cung().into());
    }
    let v = &body.value;
    let what = (body.hash.as_slice(), Step::Complete, v.completed_on);
    super::step(&officer, &state, *id, &key, what, &v.evidence_ids).await
}
