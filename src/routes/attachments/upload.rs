use actix_multipart::{Field, Multipart};
use actix_web::{post, web, HttpRequest, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use futures_util::StreamExt;
use uuid::Uuid;

use crate::app::attachments;
use crate::auth::AuthUser;
use crate::db::attachments::NewAttachment;
use crate::domain::attachment::{clean_filename, FileType, MAX_SIZE};
use crate::error::{ApiError, ApiResult};
use crate::extract::file_body;
use crate::messages::attachments as messages;
use crate::state::AppState;
use crate::storage::{FileStore, Upload};
use crate::views::attachments::AttachmentView;

/// The whole request body: the file plus room for the boundaries, part headers and `unit_id`.
const BODY_LIMIT: u64 = MAX_SIZE + file_body::MULTIPART_OVERHEAD;
/// The longest text part read (`unit_id`).
const TEXT_LIMIT: usize = 256;

/// The form of an upload (documentation only; the body is read as a stream).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file: JPEG, PNG or PDF (told by its first bytes, not its name), 1 byte to 10 MiB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// The unit the evidence belongs to; who may read that unit may read the file.
    unit_id: Uuid,
}

/// Uploads a photo or scanned document as `multipart/form-data`: the bytes in part `file`,
/// the unit they belong to in part `unit_id`. The type is read from the file's first bytes;
/// the same bytes uploaded again are stored once but get a row (and an id) of their own. Needs
/// the role of an officer, approver or finance officer at that unit or above (auditors and
/// admins handle no money and upload no evidence).
#[utoipa::path(
    operation_id = "uploadAttachment",
    context_path = "/v1",
    tag = "attachments",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The file stored", body = AttachmentView, headers(("Location" = String, description = "The attachment's URL"))),
        (status = 413, description = "`payload_too_large`: the file is over 10 MiB", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`: not multipart, or the file is not JPEG, PNG or PDF", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: `file` or `unit_id` missing, empty or repeated, or an unknown part", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/attachments")]
#[tracing::instrument(name = "attachments.upload", skip_all)]
pub async fn upload(
    user: AuthUser,
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    if file_body::media_type(&req).as_deref() != Some("multipart/form-data") {
        return Err(messages::not_multipart().into());
    }
    if file_body::declared_length(&req).is_some_and(|n| n > BODY_LIMIT) {
        return Err(too_large());
    }
    // bounds everything the parser may buffer, whatever the parts look like
    let limited = file_body::bounded(payload, BODY_LIMIT);
    let store = FileStore::new(&state.settings.attachments_dir);
    let form = read_form(Multipart::new(req.headers(), limited), &store).await?;

    let (file, filename, unit_id) = form.parse()?;

    let mut conn = state.pools.write.get().await?;
    let unit = attachments::upload_target(&mut conn, &user, unit_id).await?;
    let file_type = FileType::sniff(file.head()).ok_or_else(messages::not_a_known_file_type)?;
    let stored = file.finish().await.map_err(ApiError::internal)?;

    let new = NewAttachment {
        id: Uuid::now_v7(),
        unit_id: unit.id,
        sha256: &stored.sha256,
        size: i64::try_from(stored.size).map_err(ApiError::internal)?,
        content_type: file_type.content_type(),
        filename: filename.as_deref(),
        uploaded_by: user.id.0,
    };
    let (user, new) = (&user, &new);
    let view = conn
        .transaction::<_, ApiError, _>(|tx| {
            async move { Ok(attachments::record(tx, user, new).await?) }.scope_boxed()
        })
        .await?;
    tracing::info!(attachment.id = %view.id, size = view.size, content_type = %view.content_type, "attachment stored");
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/attachments/{}", view.id)))
        .json(view))
}

struct Form {
    /// The file being written to the store, and its cleaned name.
    file: Option<(Upload, Option<String>)>,
    unit_id: Option<String>,
}

impl Form {
    /// The file, its name and the unit, or every field error at once.
    fn parse(self) -> ApiResult<(Upload, Option<String>, Uuid)> {
        let mut errors = Vec::new();
        match &self.file {
            None => errors.push(messages::file_missing()),
            Some((file, _)) if file.size() == 0 => errors.push(messages::file_empty()),
            Some(_) => {}
        }
        let unit_id = match self.unit_id.as_deref().map(|v| v.trim().parse::<Uuid>()) {
            Some(Ok(id)) => Some(id),
            Some(Err(_)) => {
                errors.push(messages::unit_id_invalid());
                None
            }
            None => {
                errors.push(messages::unit_id_missing());
                None
            }
        };
        match (self.file, unit_id) {
            (Some((file, filename)), Some(unit_id)) if errors.is_empty() => {
                Ok((file, filename, unit_id))
            }
            _ => Err(ApiError::validation(errors)),
        }
    }
}

/// Reads the parts in whatever order they come: the file streams to a temporary file in the
/// store (never held in memory), the text parts are small and bounded.
async fn read_form(mut multipart: Multipart, store: &FileStore) -> ApiResult<Form> {
    let mut form = Form {
        file: None,
        unit_id: None,
    };
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(multipart_error)?;
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" if form.file.is_none() => {
                let filename = field
                    .content_disposition()
                    .and_then(|cd| cd.get_filename())
                    .and_then(clean_filename);
                let mut file = store.create().await.map_err(ApiError::internal)?;
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(multipart_error)?;
                    if file.size() + chunk.len() as u64 > MAX_SIZE {
                        return Err(too_large());
                    }
                    file.write(&chunk).await.map_err(ApiError::internal)?;
                }
                form.file = Some((file, filename));
            }
            "unit_id" if form.unit_id.is_none() => {
                form.unit_id = Some(read_text(&mut field, "unit_id").await?);
            }
            "file" | "unit_id" => return Err(messages::part_repeated(&name).into()),
            _ => {
                // a part without a name stands where `file` should
                let field_name = if name.is_empty() { "file" } else { &name };
                return Err(messages::unknown_part(field_name).into());
            }
        }
    }
    Ok(form)
}

/// A small text part, as UTF-8.
async fn read_text(field: &mut Field, name: &str) -> ApiResult<String> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(multipart_error)?;
        if bytes.len() + chunk.len() > TEXT_LIMIT {
            return Err(messages::part_too_long(name).into());
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| messages::part_not_utf8(name).into())
}

fn multipart_error(e: actix_multipart::MultipartError) -> ApiError {
    file_body::multipart_error(e, too_large)
}

fn too_large() -> ApiError {
    messages::too_large().into()
}
