//! `POST /v1/units/successions`: the succession file of the 2025 reform.

use actix_web::{web, HttpRequest};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;

use crate::app::successions::{self, SuccessionCounts, SuccessionFailure};
use crate::app::units;
use crate::app::users::Operator;
use crate::auth::Admin;
use crate::domain::field::FieldError;
use crate::domain::succession_file;
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::file_body::media_type;
use crate::messages::units as messages;
use crate::state::AppState;

/// The national file is about 0.4 MB; leave room for richer ones.
pub const SUCCESSION_FILE_LIMIT: usize = 16 << 20;

/// Records who took over whom (`tier,predecessor_code,successor_code,share,effective_on`) and
/// marks every unit that ended — each predecessor that is not its own successor, and each
/// district whose communes all moved away — `dissolving` from `effective_on`. Idempotent. Any line
/// that cannot be placed makes the whole import 422, naming every such line; nothing is recorded.
#[utoipa::path(
    operation_id = "importUnitSuccessions",
    post,
    path = "/v1/units/successions",
    tag = "units",
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 200, description = "How many rows were recorded, were already recorded, and how many units began dissolving", body = SuccessionCounts),
        (status = 422, description = "`invalid_csv`: `errors` names each line (`line`, `field`, `message`)", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
pub async fn import(
    admin: Admin,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> ApiResult<web::Json<SuccessionCounts>> {
    if media_type(&req).as_deref() != Some("text/csv") {
        return Err(messages::not_csv().into());
    }
    let mut conn = state.pools.write.get().await?;
    units::central_for_import(&mut conn, &admin).await?;
    let file = succession_file::parse(&body);
    let admin = &admin;
    let counts = conn
        .transaction::<_, ApiError, _>(|tx| {
            async move {
                successions::import(tx, Operator::User(admin), file)
                    .await
                    .map_err(|e| match e {
                        SuccessionFailure::Lines(errors) => lines_error(errors),
                        SuccessionFailure::App(e) => e.into(),
                    })
            }
            .scope_boxed()
        })
        .await?;
    Ok(web::Json(counts))
}

/// 422 `invalid_csv` with every line that cannot be placed.
fn lines_error(errors: Vec<FieldError>) -> ApiError {
    ApiError {
        errors,
        ..ApiError::new(Code::InvalidCsv)
    }
}
