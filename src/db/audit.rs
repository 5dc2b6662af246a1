//! The audit trail: rows are only ever inserted (the table rejects UPDATE and DELETE).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::audit_events;

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_events)]
pub struct NewAuditEvent<'a> {
    pub id: Uuid,
    pub actor_id: Option<Uuid>,
    pub actor_roles: serde_json::Value,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    pub request_id: Option<&'a str>,
    pub client_ip: Option<&'a str>,
    pub changes: serde_json::Value,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditEventRow {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_roles: serde_json::Value,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    pub request_id: Option<String>,
    pub client_ip: Option<String>,
    pub changes: serde_json::Value,
}

/// Inserts the event; the database copies the unit's ancestry onto it (trigger
/// `audit_events_fill_ancestry`) so scope filters need no join later.
pub async fn insert(conn: &mut AsyncPgConnection, event: &NewAuditEvent<'_>) -> QueryResult<()> {
    diesel::insert_into(audit_events::table)
        .values(event)
        .execute(conn)
        .await?;
    Ok(())
}

pub struct AuditFilter<'a> {
    pub scope: &'a [Uuid],
    pub unit_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub action: Option<&'a str>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Keyset: events strictly after this id (ids are time-ordered).
    pub after: Option<Uuid>,
    pub limit: i64,
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    f: AuditFilter<'_>,
) -> QueryResult<Vec<AuditEventRow>> {
    let mut q = audit_events::table
        .filter(audit_events::unit_ancestry.overlaps_with(f.scope))
        .select(AuditEventRow::as_select())
        .order(audit_events::id.asc())
        .limit(f.limit)
        .into_boxed();
    if let Some(unit) = f.unit_id {
        q = q.filter(audit_events::unit_ancestry.contains(vec![unit]));
    }
    if let Some(actor) = f.actor_id {
        q = q.filter(audit_events::actor_id.eq(actor));
    }
    if let Some(action) = f.action {
        q = q.filter(audit_events::action.eq(action));
    }
    if let Some(from) = f.from {
        q = q.filter(audit_events::occurred_at.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(audit_events::occurred_at.lt(to));
    }
    if let Some(after) = f.after {
        q = q.filter(audit_events::id.gt(after));
    }
    q.load(conn).await
}
