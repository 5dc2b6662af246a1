use actix_web::http::header::CONTENT_TYPE;
use actix_web::{web, HttpRequest};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;

use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Admin;
use crate::db::units::{self, ImportCounts, ImportError};
use crate::domain::unit_file;
use crate::error::{ApiError, ApiResult, Code, FieldError};
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
    let is_csv = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/csv"))
        });
    if !is_csv {
        return Err(ApiError::new(Code::UnsupportedMediaType)
            .detail("Send the file as text/csv.", "Hãy gửi tệp dạng text/csv."));
    }
    let mut conn = state.pools.write.get().await?;
    let central = units::ensure_central(&mut conn).await?;
    // Only an admin of the central unit imports the national list. The endpoint and TW are no
    // secret, so an admin elsewhere gets 403 rather than the 404 of an out-of-scope unit.
    if !admin.scope.allows(Right::Administer, &central) {
        return Err(crate::auth::scope::lacking(Right::Administer, &central).into());
    }
    let records = unit_file::parse(&body).map_err(csv_error)?;
    let admin = &admin;
    let counts = conn
        .transaction::<_, ApiError, _>(|conn| {
            async move {
                let counts = units::import(conn, records).await.map_err(|e| match e {
                    ImportError::File(e) => csv_error(e),
                    ImportError::Db(e) => e.into(),
                })?;
                audit::record(
                    conn,
                    admin,
                    Change {
                        action: "unit.import",
                        target_type: "unit",
                        target_id: Some(central.id),
                        unit_id: Some(central.id),
                        changes: serde_json::to_value(counts).unwrap_or_default(),
                    },
                )
                .await?;
                Ok(counts)
            }
            .scope_boxed()
        })
        .await?;
    Ok(web::Json(counts))
}

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
