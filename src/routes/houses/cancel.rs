//! Cancelling a project before acceptance: an approver of the funding unit who did not submit
//! it, with a reason. What the reservation still holds goes back to the fund; tranches already
//! paid stay in the books.

use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::HouseView;
use crate::app::spending::{self, Verdict};
use crate::auth::Approver;
use crate::domain::spending::{Action, Kind};
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelHouse {
    #[schema(max_length = 1000)]
    pub reason: String,
}

/// Cancels a proposed, approved or started project and releases its reservation.
#[utoipa::path(
    operation_id = "cancelHouse",
    context_path = "/v1",
    tag = "houses",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = CancelHouse,
    responses(
        (status = 200, description = "The project, cancelled, its reservation released", body = HouseView),
        (status = 403, description = "`forbidden`, or `same_person` for the submitter", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_state`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/houses/{id}/cancel")]
pub async fn cancel(
    approver: Approver,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: JsonBody<CancelHouse>,
) -> ApiResult<HttpResponse> {
    let reason = spending::reason(&body.value.reason)?;
    let mut conn = state.pools.write.get().await?;
    spending::authorize(&mut conn, &approver, Kind::House, *id).await?;
    let verdict = Verdict::new(Action::Cancel, Some(&reason));
    let (approver, id) = (&approver, *id);
    idempotency::ok(&mut conn, approver.id.0, &key, &body.hash, move |tx| {
        async move {
            let decided = spending::decide(tx, approver, Kind::House, id, verdict).await?;
            let (row, payments) = decided.house()?;
            Ok(HouseView::with_payments(row, payments))
        }
        .scope_boxed()
    })
    .await
}
