//! Construction starts: an officer of the funding unit records the date (not in the future,
//! not before the proposal) and any photos.

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
use crate::routes::attachments::check_evidence;
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
    let evidence = body.value.evidence_ids.clone().unwrap_or_default();
    let (today, on) = (state.settings.clock.today(), body.value.started_on);
    let mut conn = state.pools.write.get().await?;
    let (project, unit) = houses::authorize_step(&mut conn, &officer, *id, Step::Start).await?;
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
                let step = Step::Start;
                Ok(houses::record_step(tx, officer, id, step, on, today, evidence).await?)
            }
            .scope_boxed()
        },
    )
    .await
}
