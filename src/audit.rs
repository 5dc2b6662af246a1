//! The audit helper every state-changing handler calls inside its own transaction, so a change
//! and the record of who made it commit or roll back together.

use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::db::audit::{self as queries, NewAuditEvent};
use crate::db::users::AssignmentRow;
use crate::middleware::request_id::RequestMeta;

/// What changed. `changes` is a short summary (ids, states, counts), never personal data.
pub struct Change<'a> {
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: Option<Uuid>,
    /// The unit whose scope the event belongs to (who may read it).
    pub unit_id: Option<Uuid>,
    pub changes: serde_json::Value,
}

/// Records a change made by a signed-in user.
pub async fn record(
    conn: &mut AsyncPgConnection,
    actor: &AuthUser,
    change: Change<'_>,
) -> QueryResult<()> {
    write(
        conn,
        Some(actor.id.0),
        actor.roles_json(),
        &actor.meta,
        change,
    )
    .await
}

/// Records a sign-in: the user has no token yet, so the roles they act with come from the
/// assignments just loaded (the trail must say in what capacity someone signed in).
pub async fn record_sign_in(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    assignments: &[AssignmentRow],
    meta: &RequestMeta,
    change: Change<'_>,
) -> QueryResult<()> {
    let roles = assignments
        .iter()
        .map(
            |a| serde_json::json!({"role": a.role, "unit_id": a.unit_id, "unit_code": a.unit_code}),
        )
        .collect();
    write(conn, Some(user_id), roles, meta, change).await
}

/// Records a change with no signed-in actor (token refresh and revocation, the CLI).
pub async fn record_as(
    conn: &mut AsyncPgConnection,
    actor_id: Option<Uuid>,
    meta: &RequestMeta,
    change: Change<'_>,
) -> QueryResult<()> {
    write(conn, actor_id, serde_json::json!([]), meta, change).await
}

async fn write(
    conn: &mut AsyncPgConnection,
    actor_id: Option<Uuid>,
    actor_roles: serde_json::Value,
    meta: &RequestMeta,
    change: Change<'_>,
) -> QueryResult<()> {
    let request_id = (!meta.request_id.is_empty()).then_some(meta.request_id.as_str());
    queries::insert(
        conn,
        &NewAuditEvent {
            id: Uuid::now_v7(),
            actor_id,
            actor_roles,
            action: change.action,
            target_type: change.target_type,
            target_id: change.target_id,
            unit_id: change.unit_id,
            request_id,
            client_ip: meta.client_ip.as_deref(),
            changes: change.changes,
        },
    )
    .await
}
