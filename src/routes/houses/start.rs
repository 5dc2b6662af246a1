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
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Officer;
use crate::db::houses;
use crate::domain::house::{self, Step};
use crate::domain::spending::{Action, Kind};
use crate::domain::Role;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::routes::attachments::check_evidence;
use crate::routes::spending::transition;
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
    let input = &body.value;
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
    let started_on = input.started_on;
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
                transition(Kind::House, &project.status, Action::Start)?;
                super::check_stage_date(
                    "started_on",
                    started_on,
                    today,
                    Some(project.proposed_on),
                )?;
                let evidence = house::with_evidence(&project.evidence, Step::Start, &evidence);
                let row =
                    houses::start(conn, project.id, officer.id.0, started_on, &evidence).await?;
                audit::record(
                    conn,
                    officer,
                    Change {
                        action: "house.start",
                        target_type: "house",
                        target_id: Some(row.id),
                        unit_id: Some(row.funding_unit_id),
                        changes: serde_json::json!({
                            "from": project.status, "to": row.status, "started_on": started_on,
                            "evidence_ids": evidence.get(Step::Start.as_str()),
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
