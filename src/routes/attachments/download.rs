use actix_web::body::SizedStream;
use actix_web::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, ETAG, IF_NONE_MATCH, X_CONTENT_TYPE_OPTIONS,
};
use actix_web::web::Bytes;
use actix_web::{get, web, HttpRequest, HttpResponse};
use tokio::io::AsyncReadExt;
use uuid::Uuid;

use crate::app::lookups;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::{attachments, units};
use crate::domain::attachment::FileType;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::storage::FileStore;

const CHUNK: usize = 64 * 1024;

/// The bytes of a file (documentation only).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct FileBytes(Vec<u8>);

/// Streams an attachment's bytes, if its unit is in the caller's scope. The `ETag` is the
/// SHA-256; `If-None-Match` with it answers 304.
#[utoipa::path(
    operation_id = "downloadAttachment",
    context_path = "/v1",
    tag = "attachments",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The file, as `image/jpeg`, `image/png` or `application/pdf`", content(
            (FileBytes = "image/jpeg"),
            (FileBytes = "image/png"),
            (FileBytes = "application/pdf"),
        ), headers(
            ("ETag" = String, description = "The SHA-256 of the bytes, quoted"),
            ("Content-Disposition" = String, description = "`inline; filename=\"<id>.<ext>\"`"),
        )),
        (status = 304, description = "Not modified: `If-None-Match` named the current `ETag`"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[get("/attachments/{id}")]
#[tracing::instrument(name = "attachments.download", skip_all, fields(attachment.id = %id))]
pub async fn download(
    user: AuthUser,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.pools.read.get().await?;
    let attachment = attachments::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let unit = units::find(&mut conn, attachment.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    lookups::authorize(&mut conn, &user.scope, Right::Read, &unit).await?;
    drop(conn);

    let file_type = FileType::from_content_type(&attachment.content_type)
        .ok_or_else(|| ApiError::internal("attachment with an unknown content type"))?;
    let etag = format!("\"{}\"", attachment.sha256);
    let headers = [
        (CONTENT_TYPE, file_type.content_type().to_owned()),
        (
            CONTENT_DISPOSITION,
            format!(
                "inline; filename=\"{}.{}\"",
                attachment.id,
                file_type.extension()
            ),
        ),
        (ETAG, etag.clone()),
        (X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        (CACHE_CONTROL, "private".to_owned()),
    ];

    if matches_etag(&req, &etag) {
        let mut res = HttpResponse::NotModified();
        for (name, value) in headers.into_iter().filter(|(n, _)| *n != CONTENT_TYPE) {
            res.insert_header((name, value));
        }
        return Ok(res.finish());
    }

    let store = FileStore::new(&state.settings.attachments_dir);
    let Some((file, len)) = store
        .open(&attachment.sha256)
        .await
        .map_err(ApiError::internal)?
    else {
        tracing::warn!(attachment.id = %attachment.id, sha256 = %attachment.sha256, "attachment file missing from the store");
        return Err(ApiError::not_found());
    };
    if i64::try_from(len).ok() != Some(attachment.size) {
        tracing::warn!(attachment.id = %attachment.id, on_disk = len, recorded = attachment.size, "attachment file size differs from its row");
    }
    let stream = futures_util::stream::try_unfold(file, |mut file| async move {
        let mut buf = vec![0u8; CHUNK];
        let n = file.read(&mut buf).await?;
        if n == 0 {
            return Ok::<_, std::io::Error>(None);
        }
        buf.truncate(n);
        Ok(Some((Bytes::from(buf), file)))
    });
    let mut res = HttpResponse::Ok();
    for header in headers {
        res.insert_header(header);
    }
    Ok(res.body(SizedStream::new(len, Box::pin(stream))))
}

/// Whether `If-None-Match` names `etag` (or is `*`).
fn matches_etag(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get_all(IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == etag)
}
