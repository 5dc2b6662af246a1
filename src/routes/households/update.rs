use actix_web::{patch, web};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use uuid::Uuid;

use super::HouseholdView;
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Officer;
use crate::db::households::{self, HouseholdChangeset, HouseholdRow};
use crate::db::units;
use crate::domain::household::{HouseholdChanges, UpdateHousehold};
use crate::domain::{text, Role};
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::state::AppState;

/// Corrects a household (an officer of its commune or above). Only the fields sent change;
/// `null` clears `poverty_cert_no`, `ethnicity` or `phone`. The national ID and the commune
/// cannot change: register again instead.
#[utoipa::path(
    operation_id = "updateHousehold",
    context_path = "/v1",
    tag = "households",
    params(("id" = Uuid, Path)),
    request_body = UpdateHousehold,
    responses(
        (status = 200, description = "The household as updated", body = HouseholdView),
        (status = 422, description = "`validation_failed`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[patch("/households/{id}")]
pub async fn update(
    officer: Officer,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: JsonBody<UpdateHousehold>,
) -> ApiResult<web::Json<HouseholdView>> {
    let changes = body
        .value
        .parse(state.settings.clock.today())
        .map_err(ApiError::validation)?;
    let mut conn = state.pools.write.get().await?;
    let household = households::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let unit = units::find(&mut conn, household.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    officer
        .scope
        .authorize(Right::ActWithin(Role::Officer), &unit)?;
    let personal = officer.scope.allows(Right::ReadPersonal, &unit);
    let (changes, actor) = (&changes, &officer);
    let row = conn
        .transaction::<_, ApiError, _>(|conn| {
            async move {
                let current = households::find_for_update(conn, household.id)
                    .await?
                    .ok_or_else(ApiError::not_found)?;
                let (set, fields) = changeset(&current, changes);
                if fields.is_empty() {
                    return Ok(current);
                }
                let row = households::update(conn, current.id, &set).await?;
                audit::record(
                    conn,
                    actor,
                    Change {
                        action: "household.update",
                        target_type: "household",
                        target_id: Some(row.id),
                        unit_id: Some(row.unit_id),
                        // field names only: the values are personal data
                        changes: serde_json::json!({ "fields": fields }),
                    },
                )
                .await?;
                Ok(row)
            }
            .scope_boxed()
        })
        .await?;
    Ok(web::Json(HouseholdView::new(row, personal)))
}

/// The columns to set, only for the fields whose value differs from `current`, and the names of
/// those fields.
fn changeset<'a>(
    current: &HouseholdRow,
    c: &'a HouseholdChanges,
) -> (HouseholdChangeset<'a>, Vec<&'static str>) {
    let mut fields = Vec::new();
    let mut changed = |name: &'static str, differs: bool| {
        if differs {
            fields.push(name);
        }
        differs
    };
    let head_name = c
        .head_name
        .as_deref()
        .filter(|v| changed("head_name", *v != current.head_name));
    let village = c
        .village
        .as_deref()
        .filter(|v| changed("village", *v != current.village));
    let address = c
        .address
        .as_deref()
        .filter(|v| changed("address", *v != current.address));
    let members = c
        .members
        .filter(|v| changed("members", *v != current.members));
    let status = c
        .status
        .map(|s| s.as_str())
        .filter(|v| changed("status", *v != current.status));
    let status_year = c
        .status_year
        .filter(|v| changed("status_year", *v != current.status_year));
    let poverty_cert_no = c
        .poverty_cert_no
        .as_ref()
        .map(Option::as_deref)
        .filter(|v| changed("poverty_cert_no", *v != current.poverty_cert_no.as_deref()));
    let ethnicity = c
        .ethnicity
        .as_ref()
        .map(Option::as_deref)
        .filter(|v| changed("ethnicity", *v != current.ethnicity.as_deref()));
    let phone = c
        .phone
        .as_ref()
        .map(Option::as_deref)
        .filter(|v| changed("phone", *v != current.phone.as_deref()));
    let set = HouseholdChangeset {
        head_name,
        name_key: head_name.map(text::fold),
        village,
        village_key: village.map(text::fold),
        address,
        members,
        status,
        status_year,
        poverty_cert_no,
        ethnicity,
        phone,
    };
    (set, fields)
}
