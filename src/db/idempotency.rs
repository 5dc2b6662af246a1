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
/// was abandoned mid-flight with the same request. `true` when this caller now owns it. The
/// rule is the database function `claim_idempotency_key` (migration 000103), which the
/// one-statement donation write calls too.
pub async fn claim(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    key: &str,
    hash: &[u8],
) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Claimed {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        claimed: bool,
    }
    let row: Claimed =
        diesel::sql_query("SELECT claim_idempotency_key($1, $2, $3, $4, $5) AS claimed")
            .bind::<SqlUuid, _>(user)
            .bind::<Text, _>(key)
            .bind::<Bytea, _>(hash)
            .bind::<diesel::sql_types::Int4, _>(CLAIM_SECONDS)
            .bind::<diesel::sql_types::Int4, _>(RETENTION_HOURS)
            .get_result(conn)
            .await?;
    Ok(row.claimed)
}

/// What a key someone else holds means for a request that could not claim it.
#[derive(Debug, Clone, PartialEq)]
pub enum Taken {
    /// The work was done: answer its stored response again.
    Replay {
        status: u16,
        body: serde_json::Value,
        location: Option<String>,
    },
    /// The key was used for another request (422 `idempotency_key_reused`).
    Reused,
    /// The first request is still running (409 `idempotency_in_progress`).
    InProgress,
}

impl KeyRow {
    /// The meaning of this stored key for a request hashing to `hash` that could not claim it.
    pub fn taken(self, hash: &[u8]) -> Taken {
        if self.request_hash != hash {
            return Taken::Reused;
        }
        match (
            self.state.as_str(),
            self.response_status,
            self.response_body,
        ) {
            ("done", Some(status), Some(body)) => Taken::Replay {
                status: status as u16,
                body,
                location: self.response_location,
            },
            _ => Taken::InProgress,
        }
    }
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
