//! An attachment (evidence file) as the API shows it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::attachments::AttachmentRow;

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: Uuid,
    /// SHA-256 of the bytes, lower-case hex (also the download's `ETag`).
    pub sha256: String,
    /// Bytes.
    pub size: i64,
    /// From the file's first bytes: `image/jpeg`, `image/png` or `application/pdf`.
    pub content_type: String,
    /// The unit the evidence belongs to: who may see it.
    pub unit_id: Uuid,
    /// The name the client gave, cleaned; informational only.
    pub filename: Option<String>,
    pub uploaded_at: DateTime<Utc>,
}

impl From<AttachmentRow> for AttachmentView {
    fn from(a: AttachmentRow) -> Self {
        AttachmentView {
            id: a.id,
            sha256: a.sha256,
            size: a.size,
            content_type: a.content_type,
            unit_id: a.unit_id,
            filename: a.filename,
            uploaded_at: a.uploaded_at,
        }
    }
}
