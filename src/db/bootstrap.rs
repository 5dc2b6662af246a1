//! Creating the database itself when it does not exist, so `doanket serve` works on a fresh
//! machine with nothing but a PostgreSQL server.

use anyhow::Context;

/// Connects to the server's maintenance database and creates the one named in `url`.
pub async fn ensure_database(url: &str) -> anyhow::Result<()> {
    let config: tokio_postgres::Config = url
        .parse()
        .context("DATABASE_URL is not a PostgreSQL URL")?;
    let name = config.get_dbname().unwrap_or("postgres").to_owned();
    if name == "postgres" {
        return Ok(());
    }
    let mut admin = config.clone();
    admin.dbname("postgres");
    let (client, connection) = admin
        .connect(tokio_postgres::NoTls)
        .await
        .context("cannot reach PostgreSQL (is it running? is DATABASE_URL right?)")?;
    let task = tokio::spawn(connection);
    let exists = client
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .await?
        .is_some();
    if !exists {
        let sql = format!("CREATE DATABASE \"{}\"", name.replace('"', "\"\""));
        match client.batch_execute(&sql).await {
            Ok(()) => tracing::info!(database = %name, "created database"),
            // another process created it at the same moment
            Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::DUPLICATE_DATABASE) => {}
            Err(e) => return Err(e).context("creating the database"),
        }
    }
    drop(client);
    let _ = task.await;
    Ok(())
}
