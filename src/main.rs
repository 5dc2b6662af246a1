//! The `doanket` command: serve the API, run migrations, import units, create users.

use std::io::Read;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use uuid::Uuid;

use doanket::audit::{self, Change};
use doanket::config::Settings;
use doanket::db::{bootstrap, migrations, units, users, Pools};
use doanket::domain::username::password_is_acceptable;
use doanket::domain::{text, unit_file, Role, Username};
use doanket::ledger::export::check;
use doanket::ledger::sealing;
use doanket::middleware::request_id::RequestMeta;
use doanket::startup::Application;
use doanket::{demo, telemetry};

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
    /// Run pending migrations, then serve the API on DOANKET_BIND.
    Serve {
        /// Seed demonstration units and users (idempotent) and print their passwords.
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
    /// match; exit status 1 when one does not. Seals what is queued first.
    Verify {
        /// The unit code of one fund; every fund with entries when absent.
        #[arg(long)]
        unit: Option<String>,
    },
    /// Check a ledger export offline, without a database: recompute every sealed entry's hash
    /// and every chain link, compare the chain's end with the seal head the export names, and
    /// print the file's trial balance; exit status 1 when anything does not match.
    CheckExport {
        /// The file `GET /v1/units/{id}/ledger?format=hledger` (or `format=jsonl`) gave; `-` for
        /// standard input.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum UnitsCommand {
    /// Import an official unit list (code,parent_code,tier,name,full_name,kind); idempotent.
    Import { file: PathBuf },
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Create a user; the password is read from standard input.
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

async fn prepare(settings: &Settings) -> anyhow::Result<()> {
    bootstrap::ensure_database(&settings.database_url).await?;
    let ran = migrations::run_pending(&settings.database_url).await?;
    if ran > 0 {
        tracing::info!(migrations = ran, "database migrated");
    }
    Ok(())
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::from_env()?;
    telemetry::init(settings.log_format);

    match cli.command {
        Command::Openapi => {
            use std::io::Write;
            // `doanket openapi | head` closes the pipe early: that is not an error
            match std::io::stdout().write_all(doanket::openapi::to_pretty_json().as_bytes()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
                _ => {}
            }
        }
        Command::Migrate => prepare(&settings).await?,
        Command::Serve { demo } => {
            prepare(&settings).await?;
            if demo {
                let pools = Pools::new(&settings)?;
                let created = demo::seed(&pools.write, &settings).await?;
                println!("{}", demo::banner(&created));
            }
            let app = Application::build(settings.clone()).await?;
            tracing::info!(bind = %settings.bind, port = app.port(), "serving");
            app.run_until_stopped().await?;
            tracing::info!("stopped");
        }
        Command::Ledger {
            command: LedgerCommand::CheckExport { file },
        } => {
            if !check_export(&file)? {
                std::process::exit(1);
            }
        }
        Command::Ledger {
            command: LedgerCommand::Verify { unit },
        } => {
            prepare(&settings).await?;
            if !verify_ledger(&settings, unit.as_deref()).await? {
                std::process::exit(1);
            }
        }
        Command::Units {
            command: UnitsCommand::Import { file },
        } => {
            prepare(&settings).await?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let started = std::time::Instant::now();
            let records =
                unit_file::parse(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let pools = Pools::new(&settings)?;
            let mut conn = pools.write.get().await?;
            let meta = cli_meta();
            let counts = conn
                .transaction::<_, anyhow::Error, _>(|conn| {
                    async move {
                        let counts = units::import(conn, records)
                            .await
                            .map_err(|e| anyhow::anyhow!("{e}"))?;
                        let central = units::ensure_central(conn).await?;
                        audit::record_as(
                            conn,
                            None,
                            &meta,
                            Change {
                                action: "unit.import",
                                target_type: "unit",
                                target_id: Some(central.id),
                                unit_id: Some(central.id),
                                changes: serde_json::to_value(counts)?,
                            },
                        )
                        .await?;
                        Ok(counts)
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
            prepare(&settings).await?;
            let username = Username::parse(&username)
                .context("username: 3–64 lower-case letters, digits, . _ -")?;
            let full_name =
                text::clean(&full_name, 200).context("full name: 1 to 200 characters")?;
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            if !password_is_acceptable(&password) {
                bail!("password: 10 to 256 characters");
            }
            let mut grants = Vec::new();
            for spec in &roles {
                let (role, code) = spec.split_once('@').context("a role is ROLE@UNIT_CODE")?;
                let role = Role::parse(role).with_context(|| format!("unknown role {role}"))?;
                grants.push((role, code.to_owned()));
            }
            let hash = doanket::auth::password::hash(password).await?;
            let pools = Pools::new(&settings)?;
            let mut conn = pools.write.get().await?;
            let meta = cli_meta();
            let id = conn
                .transaction::<_, anyhow::Error, _>(|conn| {
                    async move {
                        if code_needs_central(&grants) {
                            units::ensure_central(conn).await?;
                        }
                        let mut resolved = Vec::new();
                        for (role, code) in &grants {
                            let unit = units::find_by_code(conn, code).await?.with_context(|| format!("unknown unit {code}"))?;
                            resolved.push((role.as_str().to_owned(), unit.id));
                        }
                        if users::find_by_username(conn, username.as_str()).await?.is_some() {
                            bail!("username {} is taken", username.as_str());
                        }
                        let user = users::insert(conn, &users::NewUser {
                            id: Uuid::now_v7(),
                            username: username.as_str(),
                            password_hash: &hash,
                            full_name: &full_name,
                            created_by: None,
                        })
                        .await?;
                        users::set_assignments(conn, user.id, &resolved, None).await?;
                        audit::record_as(conn, None, &meta, Change {
                            action: "user.create",
                            target_type: "user",
                            target_id: Some(user.id),
                            unit_id: resolved.first().map(|r| r.1),
                            changes: serde_json::json!({"username": user.username, "roles": resolved}),
                        })
                        .await?;
                        Ok(user.id)
                    }
                    .scope_boxed()
                })
                .await?;
            println!("{id}");
        }
    }
    Ok(())
}

/// `doanket ledger check-export`: offline, no database; false when anything does not match.
fn check_export(file: &std::path::Path) -> anyhow::Result<bool> {
    let report = if file.as_os_str() == "-" {
        check::check(std::io::stdin().lock())
    } else {
        let f = std::fs::File::open(file).with_context(|| format!("reading {}", file.display()))?;
        check::check(std::io::BufReader::new(f))
    };
    print!("{}", check::render(&report));
    Ok(report.ok())
}

/// `doanket ledger verify`: one line per fund; false when any chain does not verify.
async fn verify_ledger(settings: &Settings, code: Option<&str>) -> anyhow::Result<bool> {
    let pools = Pools::new(settings)?;
    let mut conn = pools.write.get().await?;
    let sealed = sealing::seal_all(&mut conn).await?;
    if sealed > 0 {
        println!("sealed {sealed} queued entries first");
    }
    let funds = match code {
        Some(code) => vec![
            units::find_by_code(&mut conn, code)
                .await?
                .with_context(|| format!("unknown unit {code}"))?
                .id,
        ],
        None => sealing::funds_with_entries(&mut conn).await?,
    };
    let mut all_ok = true;
    for id in funds {
        let unit = units::find(&mut conn, id).await?.context("unit vanished")?;
        let v = conn
            .build_transaction()
            .repeatable_read()
            .read_only()
            .run(|conn| async move { sealing::verify(conn, id).await }.scope_boxed())
            .await?;
        match &v.first_mismatch {
            None => println!(
                "{} ok: {} entries, head {}",
                unit.code,
                v.entries_checked,
                v.head_hash.as_deref().unwrap_or("-")
            ),
            Some(m) => {
                all_ok = false;
                println!(
                    "{} MISMATCH at entry {} (seq {}): {}; {} entries verified before it",
                    unit.code,
                    m.entry_id,
                    m.seq.map_or("-".to_owned(), |s| s.to_string()),
                    m.reason,
                    v.entries_checked
                );
            }
        }
    }
    Ok(all_ok)
}

/// `TW` exists as soon as anything is imported; creating the first admin on a fresh database
/// must not need an import first.
fn code_needs_central(grants: &[(Role, String)]) -> bool {
    grants
        .iter()
        .any(|(_, code)| code == doanket::domain::unit_code::CENTRAL_CODE)
}
