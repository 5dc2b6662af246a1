use actix_web::{web, HttpRequest};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;

use crate::app::units::{self, ImportFailure};
use crate::app::users::Operator;
use crate::auth::Admin;
use crate::db::units::ImportCounts;
use crate::domain::field::FieldError;
use crate::domain::unit_file;
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::file_body::media_type;
use crate::messages::units as messages;
use crate::state::AppState;

/// The 2025-03 list is about 0.6 MB; leave room for richer files.
pub const UNIT_FILE_LIMIT: usize = 16 << 20;

/// Imports an official unit list (`code,parent_code,tier,name,full_name,kind`) under the
/// central unit. Idempotent: a second import of the same file changes nothing. A file with any
/// bad line is refused whole (422 naming the line).
#[utoipa::path(
    operation_id = "importUnits",
    post,
    path = "/v1/units/import",
    tag = "units",
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 200, description = "How many units the file created, updated and left unchanged", body = ImportCounts),
        (status = 422, description = "`invalid_csv`: the problem names the line", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
pub async fn import(
    admin: Admin,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> ApiResult<web::Json<ImportCounts>> {
    if media_type(&req).as_deref() != Some("text/csv") {
        return Err(messages::not_csv().into());
    }
    let mut conn = state.pools.write.get().await?;
    units::central_for_import(&mut conn, &admin).await?;
    let records = unit_file::parse(&body).map_err(csv_error)?;
    let admin = &admin;
    let counts = conn
        .transaction::<_, ApiError, _>(|tx| {
            async move {
                units::import(tx, Operator::User(admin), records, true)
                    .await
                    .map_err(|e| match e {
                        ImportFailure::File(e) => csv_error(e),
                        ImportFailure::App(e) => e.into(),
                    })
            }
            .scope_boxed()
        })
        .await?;
    Ok(web::Json(counts))
}

/// 422 `invalid_csv` naming the line, in the problem's `errors` and as its `line` member.
fn csv_error(e: unit_file::UnitFileError) -> ApiError {
    ApiError {
        errors: vec![FieldError::new(
            format!("line {}", e.line),
            e.message,
            e.message_vi,
        )],
        ..ApiError::new(Code::InvalidCsv)
    }
    .with_extension("line", serde_json::json!(e.line))
}
