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

/// For the commands that use a database but never make one (`units import`, `users create`,
/// `ledger verify`): the database in `url` must exist and carry every migration this binary
/// knows. Connects to that database only, so nothing is created or migrated.
pub async fn require_current(url: &str) -> anyhow::Result<()> {
    let mut config: tokio_postgres::Config = url
        .parse()
        .context("DATABASE_URL is not a PostgreSQL URL")?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(std::time::Duration::from_secs(10));
    }
    let name = config.get_dbname().unwrap_or("postgres").to_owned();
    let client = match config.connect(tokio_postgres::NoTls).await {
        Ok((client, connection)) => {
            tokio::spawn(connection);
            client
        }
        Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::INVALID_CATALOG_NAME) => {
            anyhow::bail!(
                "database \"{name}\" does not exist on {}: run doanket migrate first (or is \
                 DATABASE_URL mistyped?)",
                describe(url)
            )
        }
        Err(e) => {
            return Err(e).with_context(|| {
                format!(
                    "cannot reach PostgreSQL at {} (is it running? is DATABASE_URL right?)",
                    describe(url)
                )
            })
        }
    };
    let migrated: bool = client
        .query_one(
            "SELECT to_regclass('__diesel_schema_migrations') IS NOT NULL",
            &[],
        )
        .await?
        .get(0);
    let applied: Option<String> = if migrated {
        client
            .query_one(
                "SELECT max(version)::text FROM __diesel_schema_migrations",
                &[],
            )
            .await?
            .get(0)
    } else {
        None
    };
    let needed = super::migrations::latest_version();
    match applied {
        None => anyhow::bail!(
            "database \"{name}\" on {} is not migrated: run doanket migrate first",
            describe(url)
        ),
        Some(v) if v < needed => anyhow::bail!(
            "database \"{name}\" on {} is at migration {v}, this doanket needs {needed}: run \
             doanket migrate first",
            describe(url)
        ),
        Some(_) => Ok(()),
    }
}

/// Where `url` points, for messages and the start-up banner: user, host (or socket
/// directory), port and database, never the password.
pub fn describe(url: &str) -> String {
    let Ok(config) = url.parse::<tokio_postgres::Config>() else {
        return "an unreadable DATABASE_URL".to_owned();
    };
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(tokio_postgres::config::Host::Unix(p)) => format!("socket {}", p.display()),
        None => "localhost".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "postgres://{}@{host}:{port}/{}",
        config.get_user().unwrap_or("postgres"),
        config.get_dbname().unwrap_or("postgres")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describing_a_url_leaves_the_password_out() {
        assert_eq!(
            describe("postgres://app:s3cret@db.internal:6432/doanket"),
            "postgres://app@db.internal:6432/doanket"
        );
        assert!(!describe("postgres://app:s3cret@db/doanket").contains("s3cret"));
    }
}
