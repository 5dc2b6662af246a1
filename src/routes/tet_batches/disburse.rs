use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{date_or_today, gift_accounts, holder, load, view, TetBatchView};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Accountant;
use crate::db::tet_batches;
use crate::domain::spending::{Action, Kind};
use crate::domain::{money, Role};
use crate::error::{ApiError, ApiResult};
use crate::extract::OptionalJsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::ledger::reservations::{self, Pool};
use crate::ledger::{entries, rules, NewEntry, SourceType};
use crate::routes::spending::transition;
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
    let on = date_or_today(
        "disbursed_on",
        body.value.disbursed_on,
        state.settings.clock.today(),
    )?;
    let id = *id;
    let mut conn = state.pools.write.get().await?;
    load(&mut conn, id, &accountant, Right::ActAs(Role::Accountant)).await?;
    let accountant = &accountant;
    idempotency::transact(
        &mut conn,
        accountant.id.0,
        &key,
        &body.hash,
        StatusCode::OK,
        |_| None,
        |conn| async move { disburse_in_tx(conn, accountant, id, on).await }.scope_boxed(),
    )
    .await
}

#[tracing::instrument(name = "tet_batches.disburse", skip_all, fields(tet_batch.id = %id))]
async fn disburse_in_tx(
    conn: &mut AsyncPgConnection,
    accountant: &Accountant,
    id: Uuid,
    on: NaiveDate,
) -> ApiResult<TetBatchView> {
    let batch = tet_batches::lock(conn, id).await?;
    transition(Kind::TetBatch, &batch.status, Action::Pay)?;
    let n = Decimal::from(batch.household_count);
    let (expense, sources) = gift_accounts(conn, &batch, n).await?;
    // the approval's reservations pay for this: use them, so the credits below do not eat
    // into money other approvals hold
    for (pool, per_household) in [
        (Pool::Money, batch.cash_amount),
        (Pool::Goods, batch.in_kind_value),
    ] {
        if !per_household.is_zero()
            && !reservations::consume(conn, holder(&batch), pool, n * per_household).await?
        {
            return Err(ApiError::internal(format!(
                "approved Tết batch {} has no open {} reservation",
                batch.id,
                pool.as_str()
            )));
        }
    }
    reservations::release(conn, holder(&batch)).await?;
    let entry = NewEntry {
        id: Uuid::now_v7(),
        unit_id: batch.unit_id,
        effective_date: on,
        source_type: SourceType::TetBatch,
        source_id: Some(batch.id),
        description: format!("Chi quà Tết cho {} hộ", batch.household_count),
        reason: None,
        reverses_id: None,
        created_by: Some(accountant.id.0),
        postings: rules::spend(expense, &sources, batch.earmark_id),
    };
    entries::post(conn, &entry).await?;
    let row = tet_batches::mark_disbursed(conn, batch.id, accountant.id.0, on, entry.id).await?;
    audit::record(
        conn,
        accountant,
        Change {
            action: "tet_batch.disburse",
            target_type: "tet_batch",
            target_id: Some(row.id),
            unit_id: Some(row.unit_id),
            changes: serde_json::json!({
                "amount": money::format(row.amount),
                "disbursed_on": on,
                "journal_entry_id": entry.id,
            }),
        },
    )
    .await?;
    view(conn, row).await
}
