use actix_web::{post, web};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{month_label, month_param, PeriodView};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Approver;
use crate::db::units;
use crate::domain::{text, Role};
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::JsonBody;
use crate::ledger::periods;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenPeriod {
    #[schema(max_length = 1000)]
    pub reason: String,
}

/// Re-opens a closed month (approver of the unit), with a reason. Refused while the parent
/// unit has the month closed: its reports must not change.
#[utoipa::path(
    operation_id = "reopenPeriod",
    context_path = "/v1",
    tag = "periods",
    params(
        ("id" = Uuid, Path, description = "The unit (its fund)"),
        ("month" = String, Path, description = "`YYYY-MM`", example = "2026-03"),
    ),
    request_body = ReopenPeriod,
    responses(
        (status = 200, description = "The month, open again", body = PeriodView),
        (status = 409, description = "`parent_closed`, or `conflict` when the month is not closed", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/units/{id}/periods/{month}/reopen")]
pub async fn reopen(
    approver: Approver,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
    body: JsonBody<ReopenPeriod>,
) -> ApiResult<web::Json<PeriodView>> {
    let (unit_id, raw_month) = path.into_inner();
    let mut conn = state.pools.write.get().await?;
    let unit = units::find(&mut conn, unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    approver
        .scope
        .authorize(Right::ActAs(Role::Approver), &unit)?;
    let month = month_param(&raw_month, state.settings.clock.today())?;
    let reason = text::clean(&body.value.reason, 1000)
        .ok_or_else(|| ApiError::field("reason", "1 to 1000 characters", "từ 1 đến 1000 ký tự"))?;
    let approver = &approver;
    let row = conn
        .transaction::<_, ApiError, _>(|conn| {
            async move {
                periods::lock_month(conn, unit.id, month).await?;
                if periods::find(conn, unit.id, month)
                    .await?
                    .is_none_or(|p| p.state != "closed")
                {
                    return Err(ApiError::new(Code::Conflict).detail(
                        format!("{} is not closed.", month_label(month)),
                        format!("Tháng {} chưa khóa sổ.", month_label(month)),
                    ));
                }
                // the database refuses (parent_closed) while the parent has the month closed
                let row = periods::reopen(conn, unit.id, month, approver.id.0, &reason).await?;
                audit::record(
                    conn,
                    approver,
                    Change {
                        action: "period.reopen",
                        target_type: "period",
                        target_id: None,
                        unit_id: Some(unit.id),
                        changes: serde_json::json!({"month": month_label(month), "reason": reason}),
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
