//! Which PostgreSQL a command uses: the one `DATABASE_URL` names, as it is; without it the
//! default server (`DOANKET_DEFAULT_DATABASE_URL`, normally postgres@127.0.0.1:5432) when it
//! lets us in; and when it does not, the embedded cluster (`db::embedded`), so the first
//! `cargo run -- serve --demo` on a fresh machine works without setting anything up.

use std::time::Duration;

use super::bootstrap;
use super::embedded::{Cluster, Unavailable};
use crate::config::Settings;

/// What the command will do with the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `serve` and `migrate`: may make the embedded cluster (and, later, the database).
    Create,
    /// Every other command: uses what exists, never makes a cluster or a database.
    Use,
}

/// The database chosen, and the embedded cluster behind it when there is one (stopped when
/// this value is closed or dropped, if this process owns it).
#[derive(Debug)]
pub struct Database {
    pub url: String,
    /// For the banner: where the data is, never a password.
    pub description: String,
    cluster: Option<Cluster>,
}

impl Database {
    /// Stops the embedded cluster if this process started it; nothing otherwise.
    pub fn close(mut self) -> anyhow::Result<()> {
        match self.cluster.as_mut() {
            Some(cluster) => cluster.stop(),
            None => Ok(()),
        }
    }
}

/// Chooses the database for a command (see the module's comment).
pub async fn database(settings: &Settings, purpose: Purpose) -> anyhow::Result<Database> {
    let url = settings.database_url.clone();
    if settings.database_url_given {
        return Ok(Database {
            description: format!("{} (DATABASE_URL)", bootstrap::describe(&url)),
            url,
            cluster: None,
        });
    }
    let default = || Database {
        description: format!("{} (the default server)", bootstrap::describe(&url)),
        url: url.clone(),
        cluster: None,
    };
    let Some(embedded) = &settings.embedded_pg else {
        return Ok(default());
    };
    let refused = match usable(&url).await {
        Ok(()) => return Ok(default()),
        Err(reason) => reason,
    };
    tracing::info!(default = %bootstrap::describe(&url), reason = %refused, "the default PostgreSQL cannot be used: trying the embedded one");
    let may_create = purpose == Purpose::Create;
    let dir = embedded.data_dir.display().to_string();
    // initdb and pg_ctl block: off the async workers
    let settings = embedded.clone();
    let opened = tokio::task::spawn_blocking(move || Cluster::open(&settings, may_create)).await?;
    match opened {
        Ok(cluster) => Ok(Database {
            url: cluster.url(),
            description: cluster.describe(),
            cluster: Some(cluster),
        }),
        Err(Unavailable::NoBinaries) => Err(anyhow::anyhow!(no_postgresql(&url, &refused, &dir))),
        Err(Unavailable::NotCreated(dir)) => Err(anyhow::anyhow!(
            "no database to use: DATABASE_URL is not set, the default server {} cannot be used \
             ({refused}), and there is no embedded PostgreSQL in {dir} yet: run doanket migrate \
             first (or set DATABASE_URL)",
            bootstrap::describe(&url)
        )),
        Err(Unavailable::Broken(why)) => Err(anyhow::anyhow!(why)),
    }
}

/// Whether the server of `url` lets us in: a database that does not exist yet counts as
/// usable (`serve` creates it; the other commands then say to run `migrate`).
async fn usable(url: &str) -> Result<(), String> {
    let mut config: tokio_postgres::Config = url.parse().map_err(|e| format!("{e}"))?;
    config.connect_timeout(Duration::from_secs(3));
    match config.connect(tokio_postgres::NoTls).await {
        Ok(_) => Ok(()),
        Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::INVALID_CATALOG_NAME) => {
            Ok(())
        }
        Err(e) => Err(match e.as_db_error() {
            Some(db) => db.message().to_owned(),
            None => std::error::Error::source(&e)
                .map_or_else(|| e.to_string(), |cause| cause.to_string()),
        }),
    }
}

/// The one message for a machine with neither a usable server nor the binaries to start one.
fn no_postgresql(url: &str, refused: &str, dir: &str) -> String {
    format!(
        "no PostgreSQL to use:\n  \
         - DATABASE_URL is not set, and the default server {} cannot be used ({refused});\n  \
         - this machine has no PostgreSQL server binaries (initdb, pg_ctl in \
         /usr/lib/postgresql/*/bin or on PATH) to start a private one in {dir}.\n\
         Do one of:\n  \
         - install PostgreSQL's server (Debian/Ubuntu: sudo apt-get install postgresql; macOS: \
         brew install postgresql@16) and run this again;\n  \
         - or set DATABASE_URL to a server you can use, e.g. \
         DATABASE_URL=postgres://user:password@host:5432/doanket",
        bootstrap::describe(url)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_no_postgresql_message_names_both_ways_out() {
        let text = no_postgresql(
            "postgres://postgres@127.0.0.1:5432/doanket",
            "Connection refused",
            "data/pg",
        );
        assert!(text.contains("apt-get install postgresql"), "{text}");
        assert!(text.contains("set DATABASE_URL"), "{text}");
        assert!(text.contains("data/pg"), "{text}");
    }

    #[tokio::test]
    async fn nothing_listening_is_not_usable() {
        // a port of this machine that nothing listens on
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let reason = usable(&format!("postgres://postgres@127.0.0.1:{port}/doanket"))
            .await
            .unwrap_err();
        assert!(reason.to_lowercase().contains("refused"), "{reason}");
    }
}
