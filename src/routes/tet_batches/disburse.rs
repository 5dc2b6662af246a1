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
pub struct DisburseTetBatch {
    /// Local date the money and goods left the fund; default today, never in the future.
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub disbursed_on: Option<NaiveDate>,
}

/// Disburses an approved batch (finance officer of the paying unit): one journal entry debits
/// 6121 with the batch total and credits cash (1111) or the bank's 1121.N with the cash part
/// and donated goods (1551) with the goods part, using what the approval reserved.
#[utoipa::path(
    operation_id = "disburseTetBatch",
    context_path = "/v1",
    tag = "tet batches",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = Option<DisburseTetBatch>, description = "Optional: `{}` or no body"),
    responses(
        (status = 200, description = "The batch, disbursed, with its journal entry", body = TetBatchView),
        (status = 409, description = "`invalid_state`, `period_closed` or `insufficient_funds`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/tet-batches/{id}/disburse")]
pub async fn disburse(
    accountant: Accountant,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: OptionalJsonBody<DisburseTetBatch>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let what = (
        body.hash.as_slice(),
        Settle::Disburse,
        "disbursed_on",
        body.value.disbursed_on,
    );
    super::settle(&accountant, &state, *id, &key, what).await
}
