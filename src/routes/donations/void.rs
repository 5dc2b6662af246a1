use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::DonationView;
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Accountant;
use crate::db::{donations, units};
use crate::domain::{text, Role};
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::JsonBody;
use crate::idempotency::{self, Begin, Claim, IdempotencyKey};
use crate::ledger::{entries, SourceType};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidDonation {
    #[schema(max_length = 1000)]
    pub reason: String,
}

/// Voids a mistaken donation (finance officer): a reversing entry dated today, status `void`.
/// The receipt number stays in the register, marked void.
#[utoipa::path(
    operation_id = "voidDonation",
    context_path = "/v1",
    tag = "donations",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = VoidDonation,
    responses(
        (status = 200, description = "The donation, now void, with its reversing entry", body = DonationView),
        (status = 409, description = "`already_void` or `period_closed`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/donations/{id}/void")]
pub async fn void(
    accountant: Accountant,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<VoidDonation>,
) -> ApiResult<HttpResponse> {
    let reason = text::clean(&body.value.reason, 1000)
        .ok_or_else(|| ApiError::field("reason", "1 to 1000 characters", "từ 1 đến 1000 ký tự"))?;
    let mut conn = state.pools.write.get().await?;
    let donation = donations::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let unit = units::find(&mut conn, donation.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    accountant
        .scope
        .authorize(Right::ActAs(Role::Accountant), &unit)?;
    let claim = match idempotency::begin(&mut conn, accountant.id.0, &key, &body.hash).await? {
        Begin::Replay(response) => return Ok(response),
        Begin::Proceed(claim) => claim,
    };
    let today = state.settings.clock.today();
    let result = void_in_tx(
        &mut conn,
        &accountant,
        donation.id,
        donation.journal_entry_id,
        unit.id,
        reason,
        today,
        &claim,
    )
    .await;
    if result.is_err() {
        claim.release(&mut conn).await;
    }
    Ok(HttpResponse::Ok().json(result?))
}

#[allow(clippy::too_many_arguments)]
async fn void_in_tx(
    conn: &mut AsyncPgConnection,
    accountant: &Accountant,
    donation_id: Uuid,
    entry_id: Uuid,
    unit_id: Uuid,
    reason: String,
    today: chrono::NaiveDate,
    claim: &Claim,
) -> ApiResult<DonationView> {
    conn.transaction::<_, ApiError, _>(|conn| {
        async move {
            let entry = entries::find(conn, entry_id).await?.ok_or_else(ApiError::not_found)?;
            let void_entry = entries::reverse(
                conn,
                &entry,
                SourceType::DonationVoid,
                today,
                format!("Hủy khoản ủng hộ {donation_id}"),
                Some(reason.clone()),
                Some(accountant.id.0),
            )
            .await
            .map_err(|e| match ApiError::from(e) {
                // the donation's entry can be reversed once: that is the void
                err if err.code == Code::AlreadyReversed => ApiError::new(Code::AlreadyVoid),
                err => err,
            })?;
            let row = donations::mark_void(conn, donation_id, void_entry, &reason, accountant.id.0)
                .await
                .map_err(|e| match e {
                    diesel::result::Error::NotFound => ApiError::new(Code::AlreadyVoid),
                    e => e.into(),
                })?;
            audit::record(
                conn,
                accountant,
                Change {
                    action: "donation.void",
                    target_type: "donation",
                    target_id: Some(donation_id),
                    unit_id: Some(unit_id),
                    changes: serde_json::json!({"receipt_number": row.receipt_number, "void_entry_id": void_entry}),
                },
            )
            .await?;
            let view = DonationView::new(row, true);
            claim.complete(conn, StatusCode::OK, &view).await?;
            Ok(view)
        }
        .scope_boxed()
    })
    .await
}
