//! The acceptance (nghiệm thu): an officer of the funding unit records that the works are done
//! and the house has a hard roof, floor and walls ("3 cứng"); a house without them is not
//! accepted (422).

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::HouseView;
use crate::app::houses;
use crate::auth::Officer;
use crate::domain::house::Step;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::messages::houses as says;
use crate::routes::attachments::check_evidence;
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
    let evidence = body.value.evidence_ids.clone().unwrap_or_default();
    let (today, on) = (state.settings.clock.today(), body.value.completed_on);
    let mut conn = state.pools.write.get().await?;
    let (project, unit) = houses::authorize_step(&mut conn, &officer, *id, Step::Complete).await?;
    check_evidence(&mut conn, &officer, &unit, &evidence, "evidence_ids").await?;
    let (officer, evidence, id) = (&officer, &evidence, project.id);
    idempotency::transact(
        &mut conn,
        officer.id.0,
        &key,
        &body.hash,
        StatusCode::OK,
        |_: &HouseView| None,
        move |tx| {
            async move {
                let step = Step::Complete;
                Ok(houses::record_step(tx, officer, id, step, on, today, evidence).await?)
            }
            .scope_boxed()
        },
    )
    .await
}
