//! Hand-over: an officer or approver of the funding unit records that the accepted house was
//! handed to the household. What the reservation still holds beyond the tranches paid goes
//! back to the fund.

use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::HouseView;
use crate::auth::AuthUser;
use crate::domain::house::Step;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::IdempotencyKey;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandOverHouse {
    /// Not in the future, not before `completed_on`.
    #[serde(deserialize_with = "crate::domain::fund_date::deserialize")]
    pub handed_over_on: NaiveDate,
    /// The hand-over minutes, photos: attachments of the funding unit or below.
    pub evidence_ids: Option<Vec<Uuid>>,
}

/// Hands an accepted house over to the household and releases the unpaid reservation.
#[utoipa::path(
    operation_id = "handOverHouse",
    context_path = "/v1",
    tag = "houses",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = HandOverHouse,
    responses(
        (status = 200, description = "The project, handed over; what its reservation still held is released", body = HouseView),
        (status = 409, description = "`invalid_state`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/houses/{id}/hand-over")]
pub async fn hand_over(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<HandOverHouse>,
) -> ApiResult<HttpResponse> {
    let v = &body.value;
    let what = (body.hash.as_slice(), Step::HandOver, v.handed_over_on);
    super::step(&user, &state, *id, &key, what, &v.evidence_ids).await
}
