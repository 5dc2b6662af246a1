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
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Officer;
use crate::db::houses;
use crate::domain::house::{self, Step};
use crate::domain::spending::{Action, Kind};
use crate::domain::Role;
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::routes::attachments::check_evidence;
use crate::routes::spending::transition;
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
    let input = &body.value;
    if !input.meets_3_cung {
        return Err(ApiError::field(
            "meets_3_cung",
            "the house must have a hard roof, floor and walls to be accepted",
            "nhà phải đạt \"3 cứng\" (nền cứng, khung-tường cứng, mái cứng) mới được nghiệm thu",
        ));
    }
    let evidence = input.evidence_ids.clone().unwrap_or_default();
    let today = state.settings.clock.today();
    let mut conn = state.pools.write.get().await?;
    let (project, unit) = super::find_visible(&mut conn, &officer, *id).await?;
    officer
        .scope
        .authorize(Right::ActAs(Role::Officer), &unit)?;
    check_evidence(&mut conn, &officer, &unit, &evidence, "evidence_ids").await?;
    let officer = &officer;
    let id = project.id;
    let completed_on = input.completed_on;
    idempotency::transact(
        &mut conn,
        officer.id.0,
        &key,
        &body.hash,
        StatusCode::OK,
        |_| None,
        move |conn| {
            async move {
                let project = houses::lock(conn, id).await?;
                transition(Kind::House, &project.status, Action::Complete)?;
                super::check_stage_date("completed_on", completed_on, today, project.started_on)?;
                let evidence = house::with_evidence(&project.evidence, Step::Complete, &evidence);
                let row = houses::complete(
                    conn,
                    project.id,
                    officer.id.0,
                    completed_on,
                    true,
                    &evidence,
                )
                .await?;
                audit::record(
                    conn,
                    officer,
                    Change {
                        action: "house.complete",
                        target_type: "house",
                        target_id: Some(row.id),
                        unit_id: Some(row.funding_unit_id),
                        changes: serde_json::json!({
                            "from": project.status, "to": row.status,
                            "completed_on": completed_on, "meets_3_cung": true,
                            "evidence_ids": evidence.get(Step::Complete.as_str()),
                        }),
                    },
                )
                .await?;
                super::detail(conn, row).await
            }
            .scope_boxed()
        },
    )
    .await
}
