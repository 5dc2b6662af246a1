use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Settle, TetBatchView};
use crate::auth::Accountant;
use crate::error::ApiResult;
use crate::extract::OptionalJsonBody;
use crate::idempotency::IdempotencyKey;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseTetBatch {
    /// Local date of the settlement; default today, not in the future nor before the
    /// disbursement.
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub closed_on: Option<NaiveDate>,
}

/// Closes a disbursed batch (finance officer of the paying unit): the gifts still undelivered
/// are returned — their recipients become `returned` and a settlement entry debits cash (or
/// the bank's 1121.N) and goods and credits 6121 with their value. When every gift was
/// delivered there is nothing to return and no entry (`settlement_entry_id` null).
#[utoipa::path(
    operation_id = "closeTetBatch",
    context_path = "/v1",
    tag = "tet batches",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = Option<CloseTetBatch>, description = "Optional: `{}` or no body"),
    responses(
        (status = 200, description = "The batch, closed, with its settlement entry when gifts came back", body = TetBatchView),
        (status = 409, description = "`invalid_state` or `period_closed`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/tet-batches/{id}/close")]
pub async fn close(
    accountant: Accountant,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: OptionalJsonBody<CloseTetBatch>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let what = (
        body.hash.as_slice(),
        Settle::Close,
        "closed_on",
        body.value.closed_on,
    );
    super::settle(&accountant, &state, *id, &key, what).await
}
