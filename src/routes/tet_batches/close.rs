use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{date_or_today, gift_accounts, load, view, TetBatchView};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Accountant;
use crate::db::tet_batches;
use crate::domain::spending::{Action, Kind};
use crate::domain::{money, Role};
use crate::error::{ApiError, ApiResult};
use crate::extract::OptionalJsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::ledger::{entries, rules, NewEntry, SourceType};
use crate::routes::spending::transition;
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
    let on = date_or_today(
        "closed_on",
        body.value.closed_on,
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
        |conn| async move { close_in_tx(conn, accountant, id, on).await }.scope_boxed(),
    )
    .await
}

#[tracing::instrument(name = "tet_batches.close", skip_all, fields(tet_batch.id = %id))]
async fn close_in_tx(
    conn: &mut AsyncPgConnection,
    accountant: &Accountant,
    id: Uuid,
    on: NaiveDate,
) -> ApiResult<TetBatchView> {
    // the lock keeps delivery syncs out while the undelivered gifts are counted and returned
    let batch = tet_batches::lock(conn, id).await?;
    transition(Kind::TetBatch, &batch.status, Action::Close)?;
    if batch.disbursed_on.is_some_and(|d| on < d) {
        return Err(ApiError::field(
            "closed_on",
            "cannot be before the disbursement",
            "không được trước ngày chi",
        ));
    }
    let k = tet_batches::return_pending(conn, batch.id).await?;
    let settlement = if k == 0 {
        None
    } else {
        let (expense, sources) = gift_accounts(conn, &batch, Decimal::from(k)).await?;
        let entry = NewEntry {
            id: Uuid::now_v7(),
            unit_id: batch.unit_id,
            effective_date: on,
            source_type: SourceType::TetSettlement,
            source_id: Some(batch.id),
            description: format!("Thu hồi quà Tết chưa phát cho {k} hộ"),
            reason: None,
            reverses_id: None,
            created_by: Some(accountant.id.0),
            postings: rules::give_back(expense, &sources, batch.earmark_id),
        };
        Some(entries::post(conn, &entry).await?)
    };
    let row = tet_batches::mark_closed(conn, batch.id, accountant.id.0, on, settlement).await?;
    audit::record(
        conn,
        accountant,
        Change {
            action: "tet_batch.close",
            target_type: "tet_batch",
            target_id: Some(row.id),
            unit_id: Some(row.unit_id),
            changes: serde_json::json!({
                "returned_count": k,
                "returned_amount": money::format(row.gift_value() * Decimal::from(k)),
                "closed_on": on,
                "settlement_entry_id": settlement,
            }),
        },
    )
    .await?;
    view(conn, row).await
}
