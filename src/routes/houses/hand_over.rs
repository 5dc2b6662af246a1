//! Hand-over: an officer or approver of the funding unit records that the accepted house was
//! handed to the household. What the reservation still holds beyond the tranches paid goes
//! back to the fund.

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
use crate::auth::AuthUser;
use crate::db::houses;
use crate::domain::house::{self, Step};
use crate::domain::spending::{Action, Kind};
use crate::domain::{money, Role};
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::ledger::reservations::{self, Holder};
use crate::routes::attachments::check_evidence;
use crate::routes::spending::transition;
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
    let input = &body.value;
    let evidence = input.evidence_ids.clone().unwrap_or_default();
    let today = state.settings.clock.today();
    let mut conn = state.pools.write.get().await?;
    let (project, unit) = super::find_visible(&mut conn, &user, *id).await?;
    if !(user.scope.allows(Right::ActAs(Role::Officer), &unit)
        || user.scope.allows(Right::ActAs(Role::Approver), &unit))
    {
        return Err(
            crate::auth::scope::needs(&[Role::Officer, Role::Approver], &unit.code, false).into(),
        );
    }
    check_evidence(&mut conn, &user, &unit, &evidence, "evidence_ids").await?;
    let user = &user;
    let id = project.id;
    let handed_over_on = input.handed_over_on;
    idempotency::transact(
        &mut conn,
        user.id.0,
        &key,
        &body.hash,
        StatusCode::OK,
        |_| None,
        move |conn| {
            async move {
                let project = houses::lock(conn, id).await?;
                transition(Kind::House, &project.status, Action::HandOver)?;
                super::check_stage_date(
                    "handed_over_on",
                    handed_over_on,
                    today,
                    project.completed_on,
                )?;
                reservations::release(conn, Holder::House(project.id)).await?;
                let evidence = house::with_evidence(&project.evidence, Step::HandOver, &evidence);
                let row = houses::hand_over(conn, project.id, user.id.0, handed_over_on, &evidence)
                    .await?;
                audit::record(
                    conn,
                    user,
                    Change {
                        action: "house.hand_over",
                        target_type: "house",
                        target_id: Some(row.id),
                        unit_id: Some(row.funding_unit_id),
                        changes: serde_json::json!({
                            "from": project.status, "to": row.status,
                            "handed_over_on": handed_over_on,
                            "released": money::format(row.remaining_support()),
                            "evidence_ids": evidence.get(Step::HandOver.as_str()),
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
