//! The embedded PostgreSQL: a private cluster made with the machine's own server binaries
//! (`initdb`, `pg_ctl`), for a first run where no server can be used. It lives in a data
//! directory of the service's own (`data/pg` by default), kept between runs, and listens only on
//! a Unix socket inside that directory, so nobody else on the machine can reach it. `fsync` stays
//! on: the demo's data must survive a crash like any other.
//!
//! A run that starts the cluster (or finds one that a killed run left behind) owns it and stops
//! it when it ends; a run that finds it serving another live `doanket` leaves it alone. As root,
//! where `initdb` refuses to run, the cluster runs as `postgres` (or `nobody`), like
//! `scripts/test.sh` does.

use std::ffi::CString;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use anyhow::{bail, Context};

use crate::config::EmbeddedPgSettings;

/// The oldest PostgreSQL the migrations run on.
const MINIMUM_MAJOR: u32 = 14;

/// The socket's port number: with no TCP listener it only names the socket file.
const SOCKET_PORT: u16 = 5432;

/// The database the service uses inside the cluster.
pub const DATABASE: &str = "doanket";

/// Names the `doanket` process that owns a running cluster (inside the data directory).
const OWNER_FILE: &str = "doanket.owner";

/// A directory holding `initdb`, `pg_ctl` and `postgres` of one PostgreSQL major version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerBinaries {
    pub dir: PathBuf,
    pub major: u32,
}

/// Why there is no cluster to use.
#[derive(Debug, thiserror::Error)]
pub enum Unavailable {
    #[error("this machine has no PostgreSQL server binaries (initdb, pg_ctl)")]
    NoBinaries,
    #[error("no database yet in {0}")]
    NotCreated(String),
    #[error("{0}")]
    Broken(String),
}

/// The unprivileged account the cluster runs as when `doanket` runs as root.
#[derive(Debug, Clone)]
struct RunAs {
    name: String,
    uid: u32,
    gid: u32,
}

/// A running cluster this process uses.
#[derive(Debug)]
pub struct Cluster {
    bin: ServerBinaries,
    data_dir: PathBuf,
    /// The data directory as the user wrote it, for messages.
    shown_dir: String,
    run_as: Option<RunAs>,
    /// This process started it or took it over: it stops it when done.
    owned: bool,
    /// Whether it was already running when this process came.
    reused: bool,
}

impl Cluster {
    /// Finds the cluster in the configured directory and makes sure it runs: `initdb` first when
    /// there is none and `may_create`, start it when it is stopped (or its `postmaster.pid` is
    /// stale), reuse it when it runs.
    pub fn open(settings: &EmbeddedPgSettings, may_create: bool) -> Result<Cluster, Unavailable> {
        let shown_dir = settings.data_dir.display().to_string();
        let data_dir = std::path::absolute(&settings.data_dir)
            .map_err(|e| Unavailable::Broken(format!("{shown_dir}: {e}")))?;
        let existing = std::fs::read_to_string(data_dir.join("PG_VERSION"))
            .ok()
            .and_then(|v| v.trim().parse::<u32>().ok());
        if existing.is_none() && !may_create {
            return Err(Unavailable::NotCreated(shown_dir));
        }
        let candidates = server_binaries(&search_dirs(&settings.search_path));
        let bin = choose_binaries(&candidates, existing, &shown_dir)?;
        let socket = data_dir.join(format!(".s.PGSQL.{SOCKET_PORT}"));
        // sun_path holds 107 bytes and a quote would end the setting pg_ctl passes on
        if socket.as_os_str().len() > 107 || data_dir.to_string_lossy().contains('\'') {
            return Err(Unavailable::Broken(format!(
                "the embedded PostgreSQL's socket would be {}, too long for a Unix socket (or \
                 holding a quote): set DOANKET_EMBEDDED_PG_DIR to a shorter path",
                socket.display()
            )));
        }
        let mut cluster = Cluster {
            bin,
            data_dir,
            shown_dir,
            run_as: unprivileged_user().map_err(Unavailable::Broken)?,
            owned: false,
            reused: false,
        };
        if existing.is_none() {
            cluster
                .init()
                .map_err(|e| Unavailable::Broken(format!("{e:#}")))?;
        }
        cluster
            .ensure_running()
            .map_err(|e| Unavailable::Broken(format!("{e:#}")))?;
        Ok(cluster)
    }

    /// The connection URL of the service's database (the socket directory as the host).
    pub fn url(&self) -> String {
        format!(
            "postgres://postgres@{}:{SOCKET_PORT}/{DATABASE}",
            percent_encode(&self.data_dir.to_string_lossy())
        )
    }

    /// What the banner says: which cluster, and whether it was already running.
    pub fn describe(&self) -> String {
        format!(
            "embedded PostgreSQL {} in {} ({}, Unix socket only; DOANKET_EMBEDDED_PG=0 turns it off)",
            self.bin.major,
            self.shown_dir,
            if self.reused {
                "already running, reused"
            } else {
                "started for this run"
            }
        )
    }

    /// Stops the cluster if this process owns it (`pg_ctl stop -m fast`: open sessions are
    /// ended, nothing committed is lost).
    pub fn stop(&mut self) -> anyhow::Result<()> {
        if !self.owned {
            return Ok(());
        }
        self.owned = false;
        let out = self.pg_ctl(&["stop", "-m", "fast", "-w", "-t", "60"])?;
        let _ = std::fs::remove_file(self.data_dir.join(OWNER_FILE));
        if !out.status.success() && self.status()? {
            bail!(
                "pg_ctl stop failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        tracing::info!(data_dir = %self.shown_dir, "embedded PostgreSQL stopped");
        Ok(())
    }

    fn init(&mut self) -> anyhow::Result<()> {
        let dir = &self.data_dir;
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", self.shown_dir))?;
        if std::fs::read_dir(dir)?.next().is_some() {
            bail!(
                "{} is not empty and holds no PostgreSQL cluster: move it away, or set \
                 DOANKET_EMBEDDED_PG_DIR to another directory",
                self.shown_dir
            );
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        if let Some(user) = &self.run_as {
            std::os::unix::fs::chown(dir, Some(user.uid), Some(user.gid))
                .with_context(|| format!("chown {} to {}", dir.display(), user.name))?;
            let reachable = self
                .command(Path::new("test"))
                .args(["-w".as_ref(), dir.as_os_str()])
                .status()
                .is_ok_and(|s| s.success());
            if !reachable {
                bail!(
                    "the embedded PostgreSQL runs as user {} (initdb refuses root), and {} is out \
                     of that user's reach: set DOANKET_EMBEDDED_PG_DIR to a directory it can \
                     reach, e.g. /var/lib/doanket/pg",
                    user.name,
                    self.shown_dir
                );
            }
        }
        tracing::info!(data_dir = %self.shown_dir, version = self.bin.major, "initdb: a new embedded PostgreSQL cluster");
        let base = [
            "-D".as_ref(),
            dir.as_os_str(),
            "-U".as_ref(),
            "postgres".as_ref(),
            "--auth=trust".as_ref(),
            "--encoding=UTF8".as_ref(),
        ];
        let mut out = self
            .command(&self.bin.dir.join("initdb"))
            .args(base)
            .arg("--locale=C.UTF-8")
            .output()?;
        if !out.status.success() {
            // no C.UTF-8 locale here (macOS): the encoding alone
            let _ = std::fs::remove_dir_all(dir);
            self.init_dir_again()?;
            out = self
                .command(&self.bin.dir.join("initdb"))
                .args(base)
                .arg("--no-locale")
                .output()?;
        }
        if !out.status.success() {
            bail!(
                "initdb failed:\n{}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(())
    }

    /// The empty data directory again after a failed `initdb` (which removes what it made).
    fn init_dir_again(&self) -> anyhow::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir_all(&self.data_dir)?;
        std::fs::set_permissions(&self.data_dir, std::fs::Permissions::from_mode(0o700))?;
        if let Some(user) = &self.run_as {
            std::os::unix::fs::chown(&self.data_dir, Some(user.uid), Some(user.gid))?;
        }
        Ok(())
    }

    fn ensure_running(&mut self) -> anyhow::Result<()> {
        if self.status()? {
            self.reused = true;
            // a run that was killed left it behind: take it over, so it is stopped at the end
            if !owner_alive(&self.data_dir.join(OWNER_FILE)) {
                self.take_ownership()?;
            }
            tracing::info!(data_dir = %self.shown_dir, owned = self.owned, "embedded PostgreSQL already running: reused");
            return Ok(());
        }
        let options = format!(
            "-c listen_addresses='' -c unix_socket_directories='{}' -c port={SOCKET_PORT} -c fsync=on",
            self.data_dir.display()
        );
        let log = self.data_dir.join("server.log");
        let out = self.pg_ctl(&[
            "start".as_ref(),
            "-w".as_ref(),
            "-t".as_ref(),
            "60".as_ref(),
            "-l".as_ref(),
            log.as_os_str(),
            "-o".as_ref(),
            options.as_ref(),
        ])?;
        if !out.status.success() {
            let tail = std::fs::read_to_string(&log)
                .unwrap_or_default()
                .lines()
                .rev()
                .take(10)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n");
            bail!(
                "the embedded PostgreSQL in {} did not start: {}\n{tail}",
                self.shown_dir,
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        self.take_ownership()?;
        tracing::info!(data_dir = %self.shown_dir, version = self.bin.major, "embedded PostgreSQL started");
        Ok(())
    }

    fn take_ownership(&mut self) -> anyhow::Result<()> {
        std::fs::write(
            self.data_dir.join(OWNER_FILE),
            format!("{}\n", std::process::id()),
        )
        .with_context(|| format!("writing {OWNER_FILE} in {}", self.shown_dir))?;
        self.owned = true;
        Ok(())
    }

    /// Whether the cluster runs (`pg_ctl status`: reads `postmaster.pid` and asks whether that
    /// process lives, so a stale file after a crash or reboot reads as stopped).
    fn status(&self) -> anyhow::Result<bool> {
        Ok(self.pg_ctl(&["status"])?.status.success())
    }

    fn pg_ctl<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> anyhow::Result<Output> {
        self.command(&self.bin.dir.join("pg_ctl"))
            .arg("-D")
            .arg(&self.data_dir)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .context("running pg_ctl")
    }

    /// A command run as the cluster's user, from `/` (the caller's directory may be out of that
    /// user's reach, which initdb and postgres do not like).
    fn command(&self, program: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir("/");
        if let Some(user) = &self.run_as {
            // std drops the supplementary groups before setuid when it runs as root
            cmd.uid(user.uid).gid(user.gid);
        }
        cmd
    }
}

impl Drop for Cluster {
    /// An error path that ends the process early still stops what it started.
    fn drop(&mut self) {
        if let Err(e) = self.stop() {
            tracing::warn!(error = %format!("{e:#}"), "stopping the embedded PostgreSQL failed");
        }
    }
}

/// Where to look for server binaries, in order: `/usr/lib/postgresql/<version>/bin`, newest
/// version first (Debian and Ubuntu), then `PATH`.
pub fn search_dirs(path: &[PathBuf]) -> Vec<PathBuf> {
    let mut versioned: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let major = e.file_name().to_str()?.parse().ok()?;
            Some((major, e.path().join("bin")))
        })
        .collect();
    versioned.sort_by_key(|(major, _)| std::cmp::Reverse(*major));
    versioned
        .into_iter()
        .map(|(_, dir)| dir)
        .chain(path.iter().cloned())
        .collect()
}

/// The directories of `dirs` that hold a PostgreSQL server, with its major version.
pub fn server_binaries(dirs: &[PathBuf]) -> Vec<ServerBinaries> {
    let mut found: Vec<ServerBinaries> = Vec::new();
    for dir in dirs {
        let complete = ["initdb", "pg_ctl", "postgres"]
            .iter()
            .all(|b| is_executable(&dir.join(b)));
        if !complete {
            continue;
        }
        let Some(major) = Command::new(dir.join("pg_ctl"))
            .arg("--version")
            .output()
            .ok()
            .and_then(|o| major_version(&String::from_utf8_lossy(&o.stdout)))
        else {
            continue;
        };
        // /usr/bin/pg_ctl on Debian is a wrapper of the same binaries: keep the first of each
        if !found.iter().any(|f| f.major == major) {
            found.push(ServerBinaries {
                dir: dir.clone(),
                major,
            });
        }
    }
    found
}

/// The binaries to run: those of the existing cluster's version, else the first (newest).
pub fn choose_binaries(
    candidates: &[ServerBinaries],
    existing: Option<u32>,
    shown_dir: &str,
) -> Result<ServerBinaries, Unavailable> {
    let usable: Vec<&ServerBinaries> = candidates
        .iter()
        .filter(|c| c.major >= MINIMUM_MAJOR)
        .collect();
    match existing {
        Some(major) => candidates
            .iter()
            .find(|c| c.major == major)
            .cloned()
            .ok_or_else(|| {
                Unavailable::Broken(format!(
                    "{shown_dir} holds a PostgreSQL {major} cluster, and PostgreSQL {major}'s \
                     server binaries are not installed{}: install them (Debian: \
                     apt-get install postgresql-{major}), or move {shown_dir} away to start afresh",
                    found_list(candidates)
                ))
            }),
        None if usable.is_empty() && !candidates.is_empty() => Err(Unavailable::Broken(format!(
            "the embedded PostgreSQL needs PostgreSQL {MINIMUM_MAJOR} or newer{}",
            found_list(candidates)
        ))),
        None => usable
            .first()
            .map(|c| (*c).clone())
            .ok_or(Unavailable::NoBinaries),
    }
}

fn found_list(candidates: &[ServerBinaries]) -> String {
    if candidates.is_empty() {
        return String::new();
    }
    let list: Vec<String> = candidates
        .iter()
        .map(|c| format!("{} in {}", c.major, c.dir.display()))
        .collect();
    format!(" (found {})", list.join(", "))
}

/// `pg_ctl (PostgreSQL) 16.4 (Debian 16.4-1)` → 16; `pg_ctl (PostgreSQL) 9.6.24` → 9.
pub fn major_version(text: &str) -> Option<u32> {
    let version = text.split(')').nth(1)?.split_whitespace().next()?;
    version
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// As root: `postgres` if that account exists, else `nobody`. Otherwise nobody else.
fn unprivileged_user() -> Result<Option<RunAs>, String> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(None);
    }
    for name in ["postgres", "nobody"] {
        let c_name = CString::new(name).expect("no NUL");
        // SAFETY: getpwnam takes a NUL-terminated name and returns NULL or a pointer to static
        // storage, read at once before any other call could overwrite it.
        let entry = unsafe { libc::getpwnam(c_name.as_ptr()) };
        if !entry.is_null() {
            // SAFETY: non-null, points at a valid passwd record.
            let (uid, gid) = unsafe { ((*entry).pw_uid, (*entry).pw_gid) };
            return Ok(Some(RunAs {
                name: name.to_owned(),
                uid,
                gid,
            }));
        }
    }
    Err(
        "running as root, the embedded PostgreSQL needs an unprivileged account to run as \
         (postgres or nobody), and there is neither"
            .to_owned(),
    )
}

/// Whether the `doanket` process named in `file` still runs.
fn owner_alive(file: &Path) -> bool {
    let Some(pid) = std::fs::read_to_string(file)
        .ok()
        .and_then(|t| t.trim().parse::<i32>().ok())
    else {
        return false;
    };
    if pid <= 0 || pid as u32 == std::process::id() {
        return false;
    }
    // SAFETY: signal 0 only asks whether the process exists.
    let exists = unsafe { libc::kill(pid, 0) } == 0
        || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
    // after a reboot the number may belong to another program
    exists
        && std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .map_or(true, |comm| comm.trim() == "doanket")
}

/// Percent-encodes everything but unreserved characters (a socket directory as a URL host).
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bins(major: u32) -> ServerBinaries {
        ServerBinaries {
            dir: PathBuf::from(format!("/usr/lib/postgresql/{major}/bin")),
            major,
        }
    }

    #[test]
    fn reads_the_major_version_pg_ctl_prints() {
        assert_eq!(
            major_version("pg_ctl (PostgreSQL) 16.4 (Debian 16.4-1.pgdg120+1)\n"),
            Some(16)
        );
        assert_eq!(major_version("pg_ctl (PostgreSQL) 15.8\n"), Some(15));
        assert_eq!(major_version("pg_ctl (PostgreSQL) 17beta2\n"), Some(17));
        assert_eq!(major_version("nonsense"), None);
    }

    #[test]
    fn a_new_cluster_takes_the_newest_binaries_an_existing_one_its_own() {
        let found = [bins(17), bins(15)];
        assert_eq!(choose_binaries(&found, None, "data/pg").unwrap(), bins(17));
        assert_eq!(
            choose_binaries(&found, Some(15), "data/pg").unwrap(),
            bins(15)
        );
        let missing = choose_binaries(&found, Some(14), "data/pg").unwrap_err();
        assert!(
            missing.to_string().contains("PostgreSQL 14 cluster"),
            "{missing}"
        );
    }

    #[test]
    fn no_binaries_or_only_old_ones_are_named() {
        assert!(matches!(
            choose_binaries(&[], None, "data/pg"),
            Err(Unavailable::NoBinaries)
        ));
        let old = choose_binaries(&[bins(12)], None, "data/pg").unwrap_err();
        assert!(old.to_string().contains("14 or newer"), "{old}");
    }

    #[test]
    fn finds_binaries_only_where_all_three_are() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("initdb"), "").unwrap();
        assert!(server_binaries(&[dir.path().to_owned()]).is_empty());
    }

    #[test]
    fn the_socket_directory_is_the_urls_host() {
        let url = format!(
            "postgres://postgres@{}:5432/doanket",
            percent_encode("/home/an/doanket/data/pg")
        );
        let config: tokio_postgres::Config = url.parse().unwrap();
        assert_eq!(
            config.get_hosts(),
            [tokio_postgres::config::Host::Unix(PathBuf::from(
                "/home/an/doanket/data/pg"
            ))]
        );
        assert_eq!(config.get_dbname(), Some("doanket"));
    }

    #[test]
    fn a_dead_or_foreign_owner_does_not_hold_the_cluster() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(OWNER_FILE);
        assert!(!owner_alive(&file), "no file");
        std::fs::write(&file, format!("{}\n", std::process::id())).unwrap();
        assert!(!owner_alive(&file), "this process itself");
        std::fs::write(&file, "999999999\n").unwrap();
        assert!(!owner_alive(&file), "no such process");
    }
}
