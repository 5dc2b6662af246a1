//! `Settings`: everything the service reads from its environment, in one place. Each variable
//! is documented in the README; nothing else reads the environment.
//!
//! Why not `envy` or `figment` (issue 12, item 6): they deserialise flat variables into a
//! struct, and most of this module is not that: rules across variables (production needs
//! signing keys and refuses the embedded database; the embedded cluster only without
//! `DATABASE_URL`), keys read from files or split from PEM blocks, and a message for each bad
//! value that names the variable and what it accepts (`DOANKET_ENV must be development or
//! production, not …`), which `doanket` prints as its one line on stderr. A crate would replace
//! the twenty lines of `env`/`parse` lookups and give serde's wording for bad values instead.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};

/// The server tried when `DATABASE_URL` is not set (`DOANKET_DEFAULT_DATABASE_URL` overrides it).
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/doanket";

/// Where the embedded PostgreSQL keeps its cluster unless `DOANKET_EMBEDDED_PG_DIR` says.
pub const DEFAULT_EMBEDDED_PG_DIR: &str = "data/pg";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Clone)]
pub struct Settings {
    pub environment: Environment,
    /// `DATABASE_URL`, or when it is unset the default server's URL; `db::locate` may replace
    /// it with the embedded cluster's before anything connects.
    pub database_url: String,
    /// Whether `DATABASE_URL` named the database (then it is used as it is, nothing else tried).
    pub database_url_given: bool,
    /// The private cluster to start when `DATABASE_URL` is unset and the default server cannot
    /// be used; `None` when `DOANKET_EMBEDDED_PG=0`, in production, or with `DATABASE_URL` set.
    pub embedded_pg: Option<EmbeddedPgSettings>,
    /// Replica for exports, reports and public pages; the primary when unset.
    pub database_read_url: Option<String>,
    pub database_pool_size: usize,
    /// How long a request waits for a connection before answering 503.
    pub database_timeout: Duration,
    pub bind: SocketAddr,
    pub jwt: JwtSettings,
    pub cors_allowed_origins: Vec<String>,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    pub sign_in_per_minute_per_user: u32,
    pub sign_in_per_minute_per_ip: u32,
    pub log_format: LogFormat,
    /// HTTP worker threads; the number of cores when unset.
    pub workers: Option<usize>,
    /// Public endpoints: requests per minute per client address.
    pub public_per_minute_per_ip: u32,
    /// Key of the HMAC that stands in for national IDs (CCCD); the ID itself is never stored.
    pub national_id_key: NationalIdKey,
    /// Where uploaded attachments are stored, content-addressed by SHA-256.
    pub attachments_dir: PathBuf,
    /// A household that got a new house within this many years gets no new-house support.
    pub new_house_interval_years: u32,
    /// How long the sealer rests when the queue is empty.
    pub seal_interval: Duration,
    /// A fixed "now" for tests; never read from the environment.
    pub clock: crate::domain::clock::Clock,
}

#[derive(Clone)]
pub struct JwtSettings {
    pub issuer: String,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    /// PKCS#8 PEM Ed25519 private keys; the first signs, all verify (rotation).
    pub private_keys_pem: Vec<String>,
}

/// The embedded PostgreSQL: a cluster of the service's own, made from the machine's server
/// binaries (see `db::embedded`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedPgSettings {
    /// The cluster's data directory, kept between runs (`DOANKET_EMBEDDED_PG_DIR`).
    pub data_dir: PathBuf,
    /// The directories of `PATH`, searched for `initdb` and `pg_ctl` after
    /// `/usr/lib/postgresql/*/bin`.
    pub search_path: Vec<PathBuf>,
}

/// The national-ID HMAC key; never printed.
#[derive(Clone)]
pub struct NationalIdKey(pub Vec<u8>);

impl std::fmt::Debug for NationalIdKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NationalIdKey([redacted])")
    }
}

/// Development only: a fixed key so demo data and tests are repeatable. Production refuses it.
const DEVELOPMENT_NATIONAL_ID_KEY: &str = "doanket-development-national-id-key-not-secret";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

impl std::fmt::Debug for JwtSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtSettings")
            .field("issuer", &self.issuer)
            .field("access_ttl", &self.access_ttl)
            .field("refresh_ttl", &self.refresh_ttl)
            .field(
                "private_keys",
                &format!("[{} redacted]", self.private_keys_pem.len()),
            )
            .finish()
    }
}

impl Settings {
    pub fn from_env() -> anyhow::Result<Settings> {
        Settings::from_map(&std::env::vars().collect())
    }

    /// Reads settings from `vars` (the process environment, or a map in tests).
    pub fn from_map(vars: &HashMap<String, String>) -> anyhow::Result<Settings> {
        let get = |k: &str| vars.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
        let parse_num = |k: &str, default: u64| -> anyhow::Result<u64> {
            get(k).map_or(Ok(default), |v| {
                v.parse()
                    .with_context(|| format!("{k} must be a whole number"))
            })
        };

        let environment = match get("DOANKET_ENV").unwrap_or("development") {
            "development" | "dev" => Environment::Development,
            "production" | "prod" => Environment::Production,
            other => bail!("DOANKET_ENV must be development or production, not {other}"),
        };

        let mut private_keys_pem = Vec::new();
        if let Some(pems) = get("DOANKET_JWT_KEYS") {
            private_keys_pem.extend(split_pem_blocks(pems));
        }
        if let Some(files) = get("DOANKET_JWT_KEY_FILES") {
            for path in files.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let pem = std::fs::read_to_string(PathBuf::from(path))
                    .with_context(|| format!("reading JWT key file {path}"))?;
                private_keys_pem.extend(split_pem_blocks(&pem));
            }
        }
        if environment == Environment::Production && private_keys_pem.is_empty() {
            bail!("DOANKET_ENV=production needs signing keys: set DOANKET_JWT_KEY_FILES or DOANKET_JWT_KEYS");
        }

        let national_id_key = match get("DOANKET_NATIONAL_ID_KEY") {
            Some(k) if k.len() >= 32 => NationalIdKey(k.as_bytes().to_vec()),
            Some(_) => bail!("DOANKET_NATIONAL_ID_KEY must be at least 32 characters"),
            None if environment == Environment::Production => {
                bail!(
                    "DOANKET_ENV=production needs DOANKET_NATIONAL_ID_KEY (at least 32 characters)"
                )
            }
            None => NationalIdKey(DEVELOPMENT_NATIONAL_ID_KEY.as_bytes().to_vec()),
        };

        let log_format = match get("DOANKET_LOG_FORMAT").unwrap_or("json") {
            "json" => LogFormat::Json,
            "pretty" | "text" => LogFormat::Pretty,
            other => bail!("DOANKET_LOG_FORMAT must be json or pretty, not {other}"),
        };

        let given_url = get("DATABASE_URL");
        let embedded_wanted = match get("DOANKET_EMBEDDED_PG").unwrap_or("1") {
            "1" | "true" | "yes" | "on" => true,
            "0" | "false" | "no" | "off" => false,
            other => bail!("DOANKET_EMBEDDED_PG must be 0 or 1, not {other}"),
        };
        // production names its database; a private cluster there would hide a misconfiguration
        let embedded_pg =
            (given_url.is_none() && embedded_wanted && environment != Environment::Production)
                .then(|| EmbeddedPgSettings {
                    data_dir: PathBuf::from(
                        get("DOANKET_EMBEDDED_PG_DIR").unwrap_or(DEFAULT_EMBEDDED_PG_DIR),
                    ),
                    search_path: vars
                        .get("PATH")
                        .map(|p| std::env::split_paths(p).collect())
                        .unwrap_or_default(),
                });

        Ok(Settings {
            environment,
            database_url: given_url
                .or(get("DOANKET_DEFAULT_DATABASE_URL"))
                .unwrap_or(DEFAULT_DATABASE_URL)
                .to_owned(),
            database_url_given: given_url.is_some(),
            embedded_pg,
            database_read_url: get("DATABASE_READ_URL").map(str::to_owned),
            database_pool_size: parse_num("DOANKET_DB_POOL_SIZE", 16)? as usize,
            database_timeout: Duration::from_millis(parse_num("DOANKET_DB_TIMEOUT_MS", 1500)?),
            bind: get("DOANKET_BIND")
                .unwrap_or("0.0.0.0:8080")
                .parse()
                .context("DOANKET_BIND must be host:port")?,
            jwt: JwtSettings {
                issuer: get("DOANKET_JWT_ISSUER").unwrap_or("doanket").to_owned(),
                access_ttl: Duration::from_secs(parse_num("DOANKET_ACCESS_TOKEN_TTL_SECS", 900)?),
                refresh_ttl: Duration::from_secs(
                    parse_num("DOANKET_REFRESH_TOKEN_TTL_DAYS", 30)? * 86_400,
                ),
                private_keys_pem,
            },
            cors_allowed_origins: get("DOANKET_CORS_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|o| o.trim().to_owned())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            trust_proxy: matches!(get("DOANKET_TRUST_PROXY"), Some("1" | "true" | "yes")),
            sign_in_per_minute_per_user: parse_num("DOANKET_SIGNIN_PER_MINUTE_PER_USER", 10)?
                as u32,
            sign_in_per_minute_per_ip: parse_num("DOANKET_SIGNIN_PER_MINUTE_PER_IP", 60)? as u32,
            log_format,
            workers: match get("DOANKET_WORKERS") {
                Some(v) => Some(
                    v.parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .context("DOANKET_WORKERS must be a positive whole number")?,
                ),
                None => None,
            },
            public_per_minute_per_ip: parse_num("DOANKET_PUBLIC_PER_MINUTE_PER_IP", 300)? as u32,
            national_id_key,
            attachments_dir: PathBuf::from(
                get("DOANKET_ATTACHMENTS_DIR").unwrap_or("data/attachments"),
            ),
            new_house_interval_years: parse_num("DOANKET_NEW_HOUSE_INTERVAL_YEARS", 10)? as u32,
            seal_interval: Duration::from_millis(parse_num("DOANKET_SEAL_INTERVAL_MS", 1000)?),
            clock: crate::domain::clock::Clock::system(),
        })
    }

    /// The connection string for read-heavy work.
    pub fn read_url(&self) -> &str {
        self.database_read_url
            .as_deref()
            .unwrap_or(&self.database_url)
    }
}

/// Splits text holding one or more PEM blocks into the blocks.
fn split_pem_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("-----BEGIN") {
            current.clear();
        }
        current.push_str(line);
        current.push('\n');
        if line.starts_with("-----END") {
            blocks.push(std::mem::take(&mut current));
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> anyhow::Result<Settings> {
        Settings::from_map(
            &pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn defaults_are_local_and_safe() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(s.bind.to_string(), "0.0.0.0:8080");
        assert_eq!(s.read_url(), DEFAULT_DATABASE_URL);
        assert_eq!(s.jwt.access_ttl, Duration::from_secs(900));
        assert_eq!(s.environment, Environment::Development);
    }

    #[test]
    fn without_database_url_the_default_server_comes_first_then_the_embedded_cluster() {
        let s = settings(&[("PATH", "/opt/pg/bin:/usr/bin")]).unwrap();
        assert!(!s.database_url_given);
        assert_eq!(
            s.embedded_pg,
            Some(EmbeddedPgSettings {
                data_dir: PathBuf::from("data/pg"),
                search_path: vec![PathBuf::from("/opt/pg/bin"), PathBuf::from("/usr/bin")],
            })
        );
        let s = settings(&[
            (
                "DOANKET_DEFAULT_DATABASE_URL",
                "postgres://postgres@127.0.0.1:1/doanket",
            ),
            ("DOANKET_EMBEDDED_PG_DIR", "/var/tmp/pg"),
        ])
        .unwrap();
        assert_eq!(s.database_url, "postgres://postgres@127.0.0.1:1/doanket");
        assert_eq!(
            s.embedded_pg.unwrap().data_dir,
            PathBuf::from("/var/tmp/pg")
        );
    }

    #[test]
    fn a_database_url_production_or_embedded_pg_0_never_starts_a_cluster() {
        let given = settings(&[("DATABASE_URL", "postgres://app@db/doanket")]).unwrap();
        assert!(given.database_url_given);
        assert_eq!(given.database_url, "postgres://app@db/doanket");
        assert!(given.embedded_pg.is_none());
        assert!(settings(&[("DOANKET_EMBEDDED_PG", "0")])
            .unwrap()
            .embedded_pg
            .is_none());
        let production = settings(&[
            ("DOANKET_ENV", "production"),
            (
                "DOANKET_JWT_KEYS",
                "-----BEGIN PRIVATE KEY-----\nAAA\n-----END PRIVATE KEY-----",
            ),
            (
                "DOANKET_NATIONAL_ID_KEY",
                "a-production-key-of-at-least-32-characters",
            ),
        ])
        .unwrap();
        assert!(production.embedded_pg.is_none());
        assert!(settings(&[("DOANKET_EMBEDDED_PG", "maybe")]).is_err());
    }

    #[test]
    fn production_refuses_to_start_without_keys() {
        assert!(settings(&[("DOANKET_ENV", "production")]).is_err());
    }

    #[test]
    fn splits_several_pem_blocks() {
        let two = "-----BEGIN PRIVATE KEY-----\nAAA\n-----END PRIVATE KEY-----\n-----BEGIN PRIVATE KEY-----\nBBB\n-----END PRIVATE KEY-----";
        assert_eq!(split_pem_blocks(two).len(), 2);
    }

    #[test]
    fn rejects_nonsense() {
        assert!(settings(&[("DOANKET_BIND", "nowhere")]).is_err());
        assert!(settings(&[("DOANKET_DB_POOL_SIZE", "many")]).is_err());
        assert!(settings(&[("DOANKET_WORKERS", "0")]).is_err());
        assert!(settings(&[("DOANKET_NATIONAL_ID_KEY", "short")]).is_err());
        assert_eq!(
            settings(&[("DOANKET_WORKERS", "3")]).unwrap().workers,
            Some(3)
        );
    }
}
