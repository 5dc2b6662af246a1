use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::{HouseholdView, RegisteredHouseholdView};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Officer;
use crate::db::households::{self, NewHousehold};
use crate::db::units;
use crate::domain::household::CreateHousehold;
use crate::domain::{text, Role, Tier};
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

pub const POSSIBLE_DUPLICATE: &str = "possible_duplicate";

/// Registers a household in a commune (an officer of the commune or above). The national ID is
/// kept only as a keyed hash and its last four digits; an ID registered before, anywhere, is
/// 409 `duplicate_household`, naming the existing household only to a caller who may see it.
#[utoipa::path(
    operation_id = "createHousehold",
    context_path = "/v1",
    tag = "households",
    request_body = CreateHousehold,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 characters; a retry with the same key and body returns the first response")),
    responses(
        (status = 201, description = "The household registered (with `warnings` when it may be a duplicate)", body = RegisteredHouseholdView),
        (status = 409, description = "`duplicate_household` (with `existing_household_id` when that household is in the caller's scope) or `idempotency_in_progress`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` (e.g. `unit_id` is not a commune) or `idempotency_key_reused`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/households")]
pub async fn create(
    officer: Officer,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<CreateHousehold>,
) -> ApiResult<HttpResponse> {
    let JsonBody { value, hash } = body;
    let h = value
        .parse(state.settings.clock.today())
        .map_err(ApiError::validation)?;
    let mut conn = state.pools.write.get().await?;
    let unit = units::find(&mut conn, h.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    officer
        .scope
        .authorize(Right::ActWithin(Role::Officer), &unit)?;
    if unit.tier() != Tier::Commune {
        return Err(ApiError::field(
            "unit_id",
            "households are registered in a commune",
            "hộ gia đình được đăng ký tại cấp xã",
        ));
    }
    let hmac = h.national_id.hmac(&state.settings.national_id_key.0);
    let new = NewHousehold {
        id: Uuid::now_v7(),
        unit_id: unit.id,
        head_name: &h.head_name,
        name_key: text::fold(&h.head_name),
        village: &h.village,
        village_key: text::fold(&h.village),
        national_id_hmac: &hmac,
        national_id_last4: h.national_id.last4(),
        address: &h.address,
        members: h.members,
        status: h.status.as_str(),
        status_year: h.status_year,
        poverty_cert_no: h.poverty_cert_no.as_deref(),
        ethnicity: h.ethnicity.as_deref(),
        phone: h.phone.as_deref(),
        created_by: officer.id.0,
    };
    let (new, actor) = (&new, &officer);
    let result = idempotency::transact(
        &mut conn,
        officer.id.0,
        &key,
        &hash,
        StatusCode::CREATED,
        |v: &RegisteredHouseholdView| Some(format!("/v1/households/{}", v.household.id)),
        |conn| {
            async move {
                let similar = households::has_same_name_in_village(
                    conn,
                    new.unit_id,
                    &new.village_key,
                    &new.name_key,
                )
                .await?;
                // a national ID registered before fails here, and the whole transaction
                // (audit event and idempotency key included) rolls back
                let row = households::insert(conn, new).await?;
                audit::record(
                    conn,
                    actor,
                    Change {
                        action: "household.create",
                        target_type: "household",
                        target_id: Some(row.id),
                        unit_id: Some(row.unit_id),
                        // no name, national ID or phone in the trail
                        changes: serde_json::json!({
                            "status": row.status,
                            "status_year": row.status_year,
                            "members": row.members,
                            "possible_duplicate": similar,
                        }),
                    },
                )
                .await?;
                Ok(RegisteredHouseholdView {
                    household: HouseholdView::new(row, true),
                    warnings: if similar {
                        vec![POSSIBLE_DUPLICATE.to_owned()]
                    } else {
                        vec![]
                    },
                })
            }
            .scope_boxed()
        },
    )
    .await;
    match result {
        Err(e) if e.code == Code::DuplicateHousehold => {
            Err(duplicate(&mut conn, &officer, &hmac).await?)
        }
        other => other,
    }
}

/// The 409 for a national ID registered before: it names the existing household only when the
/// caller may see it; otherwise it says nothing about it (not even that it is out of scope).
async fn duplicate(
    conn: &mut AsyncPgConnection,
    officer: &Officer,
    hmac: &[u8],
) -> ApiResult<ApiError> {
    let error = ApiError::new(Code::DuplicateHousehold);
    let Some((id, unit_id)) = households::find_by_national_id(conn, hmac).await? else {
        return Ok(error);
    };
    let visible = units::find(conn, unit_id)
        .await?
        .is_some_and(|u| officer.scope.can_see(&u));
    Ok(if visible {
        error.with_extension("existing_household_id", serde_json::json!(id))
    } else {
        error
    })
}
