//! Attachments: one row per upload (who may see it is its unit's scope); the bytes live in the
//! content-addressed file store (`crate::storage`), so rows may share a file. Append-only.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::attachments;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = attachments)]
pub struct AttachmentRow {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub filename: Option<String>,
    pub uploaded_by: Uuid,
    pub uploaded_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = attachments)]
pub struct NewAttachment<'a> {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub sha256: &'a str,
    pub size: i64,
    pub content_type: &'a str,
    pub filename: Option<&'a str>,
    pub uploaded_by: Uuid,
}

pub async fn insert(
    conn: &mut AsyncPgConnection,
    a: &NewAttachment<'_>,
) -> QueryResult<AttachmentRow> {
    diesel::insert_into(attachments::table)
        .values(a)
        .returning(AttachmentRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<AttachmentRow>> {
    attachments::table
        .find(id)
        .select(AttachmentRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The rows among `ids` that exist (in no particular order).
pub async fn find_many(
    conn: &mut AsyncPgConnection,
    ids: &[Uuid],
) -> QueryResult<Vec<AttachmentRow>> {
    attachments::table
        .filter(attachments::id.eq_any(ids))
        .select(AttachmentRow::as_select())
        .load(conn)
        .await
}
