//! The `doanket` command: serve the API, run migrations, import units, create users.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use uuid::Uuid;

use doanket::app::users::{NewAccount, Operator};
use doanket::app::{self, AppError, Code};
use doanket::config::{Environment, Settings};
use doanket::db::locate::{self, Database, Purpose};
use doanket::db::{bootstrap, migrations, units, Pools};
use doanket::domain::username::password_is_acceptable;
use doanket::domain::{succession_file, text, unit_file, Role, Username};
use doanket::export::check;
use doanket::ledger::sealing;
use doanket::middleware::request_id::RequestMeta;
use doanket::startup::Application;
use doanket::{banner, demo, telemetry};

#[derive(Parser)]
#[command(
    name = "doanket",
    version,
    about = "Đoàn Kết: the Fund for the Poor as a REST API"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the database if needed (without DATABASE_URL, when the default server cannot be
    /// used, in an embedded PostgreSQL), run pending migrations, then serve the API on
    /// DOANKET_BIND.
    Serve {
        /// Seed demonstration units and users (idempotent) and print their passwords; refused
        /// with DOANKET_ENV=production.
        #[arg(long)]
        demo: bool,
    },
    /// Create the database if needed and run pending migrations.
    Migrate,
    /// Unit tree operations.
    Units {
        #[command(subcommand)]
        command: UnitsCommand,
    },
    /// User operations.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// Journal integrity.
    Ledger {
        #[command(subcommand)]
        command: LedgerCommand,
    },
    /// Print the OpenAPI document.
    Openapi,
}

#[derive(Subcommand)]
enum LedgerCommand {
    /// Recompute every fund's seal chain (or one fund's) and name the first entry that does not
    /// match, then print a summary; exit status 1 when one does not, 2 when nothing could be
    /// verified (no such database, not migrated, no funds, no such unit). Seals what is queued
    /// first. Never creates or migrates a database.
    Verify {
        /// The unit code of one fund; every fund with entries when absent.
        #[arg(long)]
        unit: Option<String>,
    },
    /// Check a ledger export offline, without a database: recompute every sealed entry's hash
    /// and every chain link, compare the chain's end with the seal head the export names, and
    /// print the file's trial balance; exit status 1 when anything does not match, 2 when the
    /// file cannot be checked (a CSV or XLSX export). Reads no settings.
    CheckExport {
        /// The file `GET /v1/units/{id}/ledger?format=hledger` (or `format=jsonl`) gave; `-` for
        /// standard input.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum UnitsCommand {
    /// Import an official unit list (code,parent_code,tier,name,full_name,kind); idempotent.
    /// The database must exist and be migrated (`doanket migrate`).
    Import { file: PathBuf },
    /// Import the succession file of the 2025 reform (tier,predecessor_code,successor_code,
    /// share,effective_on): records who took over whom and marks the units that ended
    /// `dissolving`; idempotent. Any line that cannot be placed fails the whole import, naming
    /// every such line. Import the unit lists first.
    Successions { file: PathBuf },
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Create a user; the password is read from standard input. The database must exist and
    /// be migrated (`doanket migrate`).
    Create {
        #[arg(long)]
        username: String,
        /// Read the password from standard input (required: never pass it as an argument).
        #[arg(long, required = true)]
        password_stdin: bool,
        #[arg(long)]
        full_name: String,
        /// ROLE@UNIT_CODE, e.g. admin@TW; repeat for several.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
    },
}

fn cli_meta() -> RequestMeta {
    RequestMeta {
        request_id: format!("cli-{}", Uuid::now_v7()),
        client_ip: None,
    }
}

/// `serve` and `migrate`: the database is created if it is missing, then migrated.
async fn prepare(settings: &Settings) -> anyhow::Result<()> {
    bootstrap::ensure_database(&settings.database_url).await?;
    let ran = migrations::run_pending(&settings.database_url).await?;
    if ran > 0 {
        tracing::info!(migrations = ran, "database migrated");
    }
    Ok(())
}

/// Chooses the database for a command (`db::locate`) and points the settings at it. For
/// `Purpose::Use` it must exist and be migrated: nothing but `serve` and `migrate` makes one,
/// so a mistyped `DATABASE_URL` is an error, never an empty database that "verifies".
async fn open_database(settings: &mut Settings, purpose: Purpose) -> anyhow::Result<Database> {
    let db = locate::database(settings, purpose).await?;
    settings.database_url = db.url.clone();
    match purpose {
        Purpose::Create => prepare(settings).await?,
        Purpose::Use => bootstrap::require_current(&settings.database_url).await?,
    }
    Ok(db)
}

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        // these two read no settings at all: they work in any environment
        Command::Openapi => exit_on_error(print_openapi(), 1),
        Command::Ledger {
            command: LedgerCommand::CheckExport { file },
        } => match check_export(&file) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::from(1),
            Err(e) => report(e, 2),
        },
        command => {
            // ledger verify: 1 when a fund does not verify, 2 when it could not verify at all
            let failure = if matches!(command, Command::Ledger { .. }) {
                2
            } else {
                1
            };
            let settings = match Settings::from_env() {
                Ok(s) => s,
                Err(e) => return report(e, failure),
            };
            telemetry::init(settings.log_format);
            exit_on_error(run(command, settings).await, failure)
        }
    }
}

fn exit_on_error(result: anyhow::Result<ExitCode>, failure: u8) -> ExitCode {
    result.unwrap_or_else(|e| report(e, failure))
}

/// One line (or one paragraph) on stderr, with the causes, and the exit status.
fn report(e: anyhow::Error, status: u8) -> ExitCode {
    eprintln!("doanket: {e:#}");
    ExitCode::from(status)
}

fn print_openapi() -> anyhow::Result<ExitCode> {
    use std::io::Write;
    // `doanket openapi | head` closes the pipe early: that is not an error
    match std::io::stdout().write_all(doanket::openapi::to_pretty_json().as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

async fn run(command: Command, mut settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        Command::Openapi
        | Command::Ledger {
            command: LedgerCommand::CheckExport { .. },
        } => {
            unreachable!("handled before the settings are read")
        }
        Command::Migrate => {
            open_database(&mut settings, Purpose::Create)
                .await?
                .close()?;
        }
        Command::Serve { demo } => serve(settings, demo).await?,
        Command::Ledger {
            command: LedgerCommand::Verify { unit },
        } => {
            let db = open_database(&mut settings, Purpose::Use).await?;
            let all_ok = verify_ledger(&settings, unit.as_deref()).await?;
            db.close()?;
            if !all_ok {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Units {
            command: UnitsCommand::Import { file },
        } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let records =
                unit_file::parse(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let db = open_database(&mut settings, Purpose::Use).await?;
            import_units(&settings, records).await?;
            db.close()?;
        }
        Command::Units {
            command: UnitsCommand::Successions { file },
        } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let parsed = succession_file::parse(&bytes);
            let db = open_database(&mut settings, Purpose::Use).await?;
            import_successions(&settings, &file, parsed).await?;
            db.close()?;
        }
        Command::Users {
            command:
                UsersCommand::Create {
                    username,
                    password_stdin: _,
                    full_name,
                    roles,
                },
        } => {
            let username = Username::parse(&username)
                .context("username: 3–64 lower-case letters, digits, . _ -")?;
            let full_name =
                text::clean(&full_name, 200).context("full name: 1 to 200 characters")?;
            let mut grants = Vec::new();
            for spec in &roles {
                let (role, code) = spec.split_once('@').context("a role is ROLE@UNIT_CODE")?;
                let role = Role::parse(role).with_context(|| format!("unknown role {role}"))?;
                grants.push((role, code.to_owned()));
            }
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            if !password_is_acceptable(&password) {
                bail!("password: 10 to 256 characters");
            }
            let db = open_database(&mut settings, Purpose::Use).await?;
            create_user(&settings, username, full_name, password, grants).await?;
            db.close()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `doanket serve [--demo]`: the database (embedded when nothing else can be used), the demo
/// seed, the banner, then serving until SIGTERM/SIGINT; an embedded cluster this run started
/// is stopped after the server has drained.
async fn serve(mut settings: Settings, demo: bool) -> anyhow::Result<()> {
    if demo && settings.environment == Environment::Production {
        bail!(
            "serve --demo refuses to run with DOANKET_ENV=production: the demo seeds accounts \
             whose password is public. Run `doanket serve` without --demo."
        );
    }
    let db = open_database(&mut settings, Purpose::Create).await?;
    let demo_text = if demo {
        let pools = Pools::new(&settings)?;
        let created = demo::seed(&pools.write, &settings).await?;
        Some(demo::banner(&created))
    } else {
        None
    };
    let app = Application::build(settings.clone()).await?;
    println!(
        "{}",
        banner::render(
            settings.bind,
            app.port(),
            &db.description,
            demo_text.as_deref()
        )
    );
    tracing::info!(bind = %settings.bind, port = app.port(), "serving");
    app.run_until_stopped().await?;
    tracing::info!("stopped");
    db.close()
}

async fn import_units(
    settings: &Settings,
    records: Vec<unit_file::UnitRecord>,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let pools = Pools::new(settings)?;
    let mut conn = pools.write.get().await?;
    let meta = cli_meta();
    let meta = &meta;
    let counts = conn
        .transaction::<_, anyhow::Error, _>(|tx| {
            async move {
                app::units::import(tx, Operator::Console(meta), records, true)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))
            }
            .scope_boxed()
        })
        .await?;
    println!(
        "created {} updated {} unchanged {} in {} ms",
        counts.created,
        counts.updated,
        counts.unchanged,
        started.elapsed().as_millis()
    );
    Ok(())
}

async fn import_successions(
    settings: &Settings,
    file: &std::path::Path,
    parsed: succession_file::Parsed,
) -> anyhow::Result<()> {
    let pools = Pools::new(settings)?;
    let mut conn = pools.write.get().await?;
    let meta = cli_meta();
    let meta = &meta;
    let counts = conn
        .transaction::<_, anyhow::Error, _>(|tx| {
            async move {
                app::successions::import(tx, Operator::Console(meta), parsed)
                    .await
                    .map_err(|e| match e {
                        app::successions::SuccessionFailure::Lines(errors) => {
                            lines_error(file, &errors)
                        }
                        app::successions::SuccessionFailure::App(e) => anyhow::anyhow!("{e}"),
                    })
            }
            .scope_boxed()
        })
        .await?;
    println!(
        "created {} unchanged {} dissolving {}",
        counts.created, counts.unchanged, counts.dissolving
    );
    for kept in &counts.kept_active {
        println!(
            "line {}: {} stays active (other units were merged into its code): decide its handover by hand",
            kept.line, kept.unit_code
        );
    }
    Ok(())
}

/// Every line of `file` that cannot be placed, one per row of the message.
fn lines_error(
    file: &std::path::Path,
    errors: &[doanket::domain::field::FieldError],
) -> anyhow::Error {
    let lines: Vec<String> = errors
        .iter()
        .map(|e| {
            format!(
                "{}:{}: {}: {}",
                file.display(),
                e.line.unwrap_or(0),
                e.field,
                e.message.en
            )
        })
        .collect();
    anyhow::anyhow!(
        "nothing recorded; {} line(s) cannot be placed:\n{}",
        errors.len(),
        lines.join("\n")
    )
}

async fn create_user(
    settings: &Settings,
    username: Username,
    full_name: String,
    password: String,
    grants: Vec<(Role, String)>,
) -> anyhow::Result<()> {
    let password_hash = doanket::auth::password::hash(password).await?;
    let pools = Pools::new(settings)?;
    let mut conn = pools.write.get().await?;
    let meta = cli_meta();
    let meta = &meta;
    let id = conn
        .transaction::<_, anyhow::Error, _>(|tx| {
            async move {
                if code_needs_central(&grants) {
                    units::ensure_central(tx).await?;
                }
                let mut roles = Vec::new();
                for (role, code) in &grants {
                    let unit = units::find_by_code(tx, code)
                        .await?
                        .with_context(|| format!("unknown unit {code}"))?;
                    roles.push((*role, unit.id));
                }
                let taken = format!("username {} is taken", username.as_str());
                let account = NewAccount {
                    username,
                    full_name,
                    password_hash,
                    roles,
                };
                match app::users::create(tx, Operator::Console(meta), account).await {
                    Ok((user, _)) => Ok(user.id),
                    Err(AppError::Refused {
                        code: Code::DuplicateUsername,
                        ..
                    }) => bail!(taken),
                    Err(e) => Err(e.into()),
                }
            }
            .scope_boxed()
        })
        .await?;
    println!("{id}");
    Ok(())
}

/// `doanket ledger check-export`: offline, no database, no settings; false when anything does
/// not match. A CSV or XLSX export is refused (an error: exit status 2), never "checked".
fn check_export(file: &std::path::Path) -> anyhow::Result<bool> {
    let mut input: Box<dyn Read> = if file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(file).with_context(|| format!("reading {}", file.display()))?)
    };
    let mut first = Vec::with_capacity(64);
    (&mut input).take(64).read_to_end(&mut first)?;
    if let Some(format) = check::unsupported_format(&first) {
        bail!(
            "cannot check {format}: only hledger and JSON lines exports carry the texts every \
             seal covers. Download the ledger with format=hledger or format=jsonl and check that."
        );
    }
    let input = std::io::BufReader::new(std::io::Cursor::new(first).chain(input));
    let report = check::check(input);
    print!("{}", check::render(&report));
    Ok(report.ok())
}

/// `doanket ledger verify`: one line per fund, then a summary line; false when any chain does
/// not verify. A database without funds, or a `--unit` naming none, is an error: there is
/// nothing to vouch for.
async fn verify_ledger(settings: &Settings, code: Option<&str>) -> anyhow::Result<bool> {
    let pools = Pools::new(settings)?;
    let mut conn = pools.write.get().await?;
    let funds: Vec<(Uuid, String)> = match code {
        Some(code) => {
            let unit = units::find_by_code(&mut conn, code)
                .await?
                .with_context(|| format!("no unit {code} in this database: nothing verified"))?;
            vec![(unit.id, unit.code)]
        }
        None => sealing::all_funds(&mut conn).await?,
    };
    if funds.is_empty() {
        bail!(
            "the database has no funds: nothing to verify (is DATABASE_URL the right database? \
             `doanket units import` creates the funds)"
        );
    }
    let sealed = sealing::seal_all(&mut conn).await?;
    if sealed > 0 {
        println!("sealed {sealed} queued entries first");
    }
    let with_entries = sealing::funds_with_entries(&mut conn).await?;
    let (mut entries, mut mismatches) = (0i64, 0usize);
    for (id, unit_code) in &funds {
        if !with_entries.contains(id) {
            println!("{unit_code} ok: 0 entries, head -");
            continue;
        }
        let id = *id;
        let v = conn
            .build_transaction()
            .repeatable_read()
            .read_only()
            .run(|conn| async move { sealing::verify(conn, id).await }.scope_boxed())
            .await?;
        entries += v.entries_checked;
        match &v.first_mismatch {
            None => println!(
                "{unit_code} ok: {} entries, head {}",
                v.entries_checked,
                v.head_hash.as_deref().unwrap_or("-")
            ),
            Some(m) => {
                mismatches += 1;
                println!(
                    "{unit_code} MISMATCH at entry {} (seq {}): {}; {} entries verified before it",
                    m.entry_id,
                    m.seq.map_or("-".to_owned(), |s| s.to_string()),
                    m.reason,
                    v.entries_checked
                );
            }
        }
    }
    println!("{}", verify_summary(funds.len(), entries, mismatches));
    Ok(mismatches == 0)
}

/// `verified 65 funds, 12,345 entries: all ok` (or `…: 1 MISMATCH`).
fn verify_summary(funds: usize, entries: i64, mismatches: usize) -> String {
    let plural = |n: i64, one: &str, many: &str| {
        format!("{} {}", grouped(n), if n == 1 { one } else { many })
    };
    let outcome = match mismatches {
        0 => "all ok".to_owned(),
        1 => "1 MISMATCH".to_owned(),
        n => format!("{} MISMATCHES", grouped(n as i64)),
    };
    format!(
        "verified {}, {}: {outcome}",
        plural(funds as i64, "fund", "funds"),
        plural(entries, "entry", "entries")
    )
}

/// 12345 → `12,345`.
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// `TW` exists as soon as anything is imported; creating the first admin on a fresh database
/// must not need an import first.
fn code_needs_central(grants: &[(Role, String)]) -> bool {
    grants
        .iter()
        .any(|(_, code)| code == doanket::domain::unit_code::CENTRAL_CODE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verify_summary_counts_funds_entries_and_mismatches() {
        assert_eq!(
            verify_summary(65, 12_345, 0),
            "verified 65 funds, 12,345 entries: all ok"
        );
        assert_eq!(
            verify_summary(1, 1, 1),
            "verified 1 fund, 1 entry: 1 MISMATCH"
        );
        assert_eq!(
            verify_summary(10_806, 1_234_567, 3),
            "verified 10,806 funds, 1,234,567 entries: 3 MISMATCHES"
        );
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
    }
}
