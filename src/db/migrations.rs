//! Embedded migrations, run by `doanket migrate` and at start-up by `serve`.

use diesel::migration::MigrationSource;
use diesel::pg::Pg;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Runs every pending migration; returns how many ran. Processes that start at once against one
/// database (replicas of a new release) take turns: the first runs the migrations, the others
/// then find none pending.
pub async fn run_pending(database_url: &str) -> anyhow::Result<usize> {
    let url = database_url.to_owned();
    // The migration harness is synchronous: run it on a blocking thread, never on a worker.
    tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
        use diesel::Connection;
        let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::establish(&url)?;
        // held by this session until it ends, when the connection drops
        diesel::RunQueryDsl::execute(
            diesel::sql_query("SELECT pg_advisory_lock(hashtext('doanket migrations'), 0)"),
            &mut conn,
        )?;
        let ran = conn
            .run_pending_migrations(MIGRATIONS)
            .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
        Ok(ran.len())
    })
    .await?
}

/// The newest migration version compiled into this binary.
pub fn latest_version() -> String {
    MigrationSource::<Pg>::migrations(&MIGRATIONS)
        .ok()
        .and_then(|ms| ms.iter().map(|m| m.name().version().to_string()).max())
        .unwrap_or_default()
}

#[derive(diesel::QueryableByName)]
struct Version {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    version: Option<String>,
}

/// Whether the database has every migration this binary knows (readiness).
pub async fn is_current(conn: &mut AsyncPgConnection) -> diesel::QueryResult<bool> {
    let applied: Version =
        diesel::sql_query("SELECT max(version)::text AS version FROM __diesel_schema_migrations")
            .get_result(conn)
            .await?;
    Ok(applied.version.as_deref() >= Some(latest_version().as_str()))
}
