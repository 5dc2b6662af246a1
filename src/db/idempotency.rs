//! Idempotency keys: one row per (user, key), claimed before the work, completed in the work's
//! own transaction, so a stored response exists exactly when the work committed.

use diesel::prelude::*;
use diesel::sql_types::{Bytea, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::idempotency_keys;

/// How long a claim blocks retries before it counts as abandoned (the first attempt crashed).
pub const CLAIM_SECONDS: i32 = 30;
/// Keys are kept (and honoured) at least this long.
pub const RETENTION_HOURS: i32 = 24;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = idempotency_keys)]
pub struct KeyRow {
    pub request_hash: Vec<u8>,
    pub state: String,
    pub response_status: Option<i32>,
    pub response_body: Option<serde_json::Value>,
    pub locked_until: chrono::DateTime<chrono::Utc>,
    /// The `Location` header of a stored 201.
    pub response_location: Option<String>,
}

/// Claims the key: inserts it, or takes over one that expired (older than the retention) or
/// was abandoned mid-flight with the same request. `true` when this caller now owns it.
pub async fn claim(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    key: &str,
    hash: &[u8],
) -> QueryResult<bool> {
    let n = diesel::sql_query(format!(
        "INSERT INTO idempotency_keys AS k (user_id, key, request_hash, state, locked_until) \
         VALUES ($1, $2, $3, 'in_progress', now() + interval '{CLAIM_SECONDS} seconds') \
         ON CONFLICT (user_id, key) DO UPDATE \
            SET request_hash = excluded.request_hash, state = 'in_progress', response_status = NULL, \
                response_body = NULL, response_location = NULL, created_at = now(), locked_until = excluded.locked_until \
          WHERE k.created_at < now() - interval '{RETENTION_HOURS} hours' \
             OR (k.state = 'in_progress' AND k.locked_until < now() AND k.request_hash = excluded.request_hash)"
    ))
    .bind::<SqlUuid, _>(user)
    .bind::<Text, _>(key)
    .bind::<Bytea, _>(hash)
    .execute(conn)
    .await?;
    Ok(n == 1)
}

pub async fn find(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    key: &str,
) -> QueryResult<Option<KeyRow>> {
    idempotency_keys::table
        .find((user, key))
        .select(KeyRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn complete(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    key: &str,
    status: u16,
    body: &serde_json::Value,
    location: Option<&str>,
) -> QueryResult<()> {
    diesel::update(idempotency_keys::table.find((user, key)))
        .set((
            idempotency_keys::state.eq("done"),
            idempotency_keys::response_status.eq(Some(status as i32)),
            idempotency_keys::response_body.eq(Some(body)),
            idempotency_keys::response_location.eq(location),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Gives up a claim whose work did not commit, so a retry can run it.
pub async fn release(conn: &mut AsyncPgConnection, user: Uuid, key: &str) -> QueryResult<()> {
    diesel::delete(
        idempotency_keys::table
            .find((user, key))
            .filter(idempotency_keys::state.eq("in_progress")),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets keys past their retention (run periodically).
pub async fn purge_expired(conn: &mut AsyncPgConnection) -> QueryResult<usize> {
    diesel::sql_query(format!(
        "DELETE FROM idempotency_keys WHERE created_at < now() - interval '{} hours'",
        RETENTION_HOURS + 1
    ))
    .execute(conn)
    .await
}
