//! Attachments: photos and scanned documents (JPEG, PNG, PDF, at most 10 MiB) that evidence
//! house stages and Tết deliveries. Uploaded as multipart, typed by their first bytes, stored
//! once per content (`crate::storage`), streamed back to whoever may read their unit.

pub mod download;
pub mod upload;

use std::collections::HashMap;

use actix_web::web;
use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::db::attachments::{self, AttachmentRow};
use crate::db::units::{self, UnitRow};
use crate::error::{ApiError, ApiResult};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(upload::upload).service(download::download);
}

/// The most attachments one record may point to.
pub const MAX_EVIDENCE: usize = 50;

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

/// Checks the attachments a record (a house stage, a Tết delivery) points to as evidence:
/// each must exist, belong to `unit` or a unit below it (so everyone who may read the record
/// may read its evidence), and be visible to `user`. Anything else is a 422 on `field`, worded
/// the same whether the attachment does not exist or is out of scope. Duplicate ids are fine.
pub async fn check_evidence(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    unit: &UnitRow,
    ids: &[Uuid],
    field: &str,
) -> ApiResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    if ids.len() > MAX_EVIDENCE {
        return Err(ApiError::field(
            field,
            format!("at most {MAX_EVIDENCE} attachments"),
            format!("tối đa {MAX_EVIDENCE} tệp đính kèm"),
        ));
    }
    let unknown = || {
        ApiError::field(
            field,
            "no such attachment for this unit",
            "không có tệp đính kèm này cho đơn vị",
        )
    };
    let mut wanted = ids.to_vec();
    wanted.sort();
    wanted.dedup();
    let rows = attachments::find_many(conn, &wanted).await?;
    if rows.len() != wanted.len() {
        return Err(unknown());
    }
    let mut unit_ids: Vec<Uuid> = rows.iter().map(|a| a.unit_id).collect();
    unit_ids.sort();
    unit_ids.dedup();
    let owners: HashMap<Uuid, UnitRow> = units::find_many(conn, &unit_ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let fits = |a: &AttachmentRow| {
        owners
            .get(&a.unit_id)
            .is_some_and(|owner| owner.is_within(unit.id) && user.scope.can_see(owner))
    };
    if rows.iter().all(fits) {
        Ok(())
    } else {
        Err(unknown())
    }
}
