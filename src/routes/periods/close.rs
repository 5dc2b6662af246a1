use actix_web::{post, web};
use chrono::{Months, NaiveDate};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use uuid::Uuid;

use super::{month_label, month_param, PeriodView};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Accountant;
use crate::db::units;
use crate::domain::clock::month_start;
use crate::domain::{money, Role};
use crate::error::{ApiError, ApiResult, Code};
use crate::ledger::{balances, natural_balance, periods};
use crate::state::AppState;

/// Closes a month that has ended (finance officer of the unit). Every child unit must have
/// closed it first. Records the closing trial balance; postings into the month are refused
/// from then on.
#[utoipa::path(
    operation_id = "closePeriod",
    context_path = "/v1",
    tag = "periods",
    params(
        ("id" = Uuid, Path, description = "The unit (its fund)"),
        ("month" = String, Path, description = "`YYYY-MM`", example = "2026-03"),
    ),
    responses(
        (status = 200, description = "The month, closed", body = PeriodView),
        (status = 409, description = "`period_not_ended`, `children_open` (the detail names them), or `conflict` when already closed", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/units/{id}/periods/{month}/close")]
pub async fn close(
    accountant: Accountant,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
) -> ApiResult<web::Json<PeriodView>> {
    let (unit_id, raw_month) = path.into_inner();
    let mut conn = state.pools.write.get().await?;
    let unit = units::find(&mut conn, unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    accountant
        .scope
        .authorize(Right::ActAs(Role::Accountant), &unit)?;
    let month = month_param(&raw_month, state.settings.clock.today())?;
    if month >= month_start(state.settings.clock.today()) {
        return Err(ApiError::new(Code::PeriodNotEnded).detail(
            format!("{} has not ended yet.", month_label(month)),
            format!("Tháng {} chưa kết thúc.", month_label(month)),
        ));
    }
    let accountant = &accountant;
    let row = conn
        .transaction::<_, ApiError, _>(|conn| {
            async move {
                // postings in flight into the month commit first; later ones wait and then fail
                periods::lock_month(conn, unit.id, month).await?;
                if periods::find(conn, unit.id, month)
                    .await?
                    .is_some_and(|p| p.state == "closed")
                {
                    return Err(ApiError::new(Code::Conflict).detail(
                        format!("{} is already closed.", month_label(month)),
                        format!("Tháng {} đã được khóa sổ.", month_label(month)),
                    ));
                }
                let open = periods::open_children(conn, unit.id, month).await?;
                if !open.is_empty() {
                    return Err(ApiError::new(Code::ChildrenOpen)
                        .detail(
                            format!("Not closed yet by: {}.", open.join(", ")),
                            format!("Các đơn vị chưa khóa sổ: {}.", open.join(", ")),
                        )
                        .with_extension("open_children", serde_json::json!(open)));
                }
                let trial_balance = trial_balance(conn, unit.id, month).await?;
                let row =
                    periods::close(conn, unit.id, month, accountant.id.0, trial_balance).await?;
                audit::record(
                    conn,
                    accountant,
                    Change {
                        action: "period.close",
                        target_type: "period",
                        target_id: None,
                        unit_id: Some(unit.id),
                        changes: serde_json::json!({"month": month_label(month)}),
                    },
                )
                .await?;
                Ok(row)
            }
            .scope_boxed()
        })
        .await?;
    Ok(web::Json(PeriodView::new(month, Some(row))))
}

/// Every account's totals over postings up to the month's last day, keyed by account code.
async fn trial_balance(
    conn: &mut diesel_async::AsyncPgConnection,
    unit: Uuid,
    month: NaiveDate,
) -> ApiResult<serde_json::Value> {
    let last_day = (month + Months::new(1))
        .pred_opt()
        .ok_or_else(|| ApiError::internal("month out of range"))?;
    let accounts = balances::as_of(conn, unit, Some(last_day)).await?;
    let map: serde_json::Map<String, serde_json::Value> = accounts
        .into_iter()
        .map(|a| {
            let balance = natural_balance(&a.account_type, a.debit, a.credit);
            (
                a.code,
                serde_json::json!({
                    "debit": money::format(a.debit),
                    "credit": money::format(a.credit),
                    "balance": money::format(balance),
                }),
            )
        })
        .collect();
    Ok(serde_json::Value::Object(map))
}
