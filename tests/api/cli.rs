//! The `doanket` binary itself: only `migrate` and `serve` create a database, every other
//! command says clearly what is wrong (on stderr, exit status ≠ 0) instead of answering for an
//! empty database; `ledger verify` always ends with a summary; `serve --demo` never runs in
//! production; `ledger check-export` needs no settings and refuses formats it cannot check.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use ed25519_dalek::pkcs8::{spki::der::pem::LineEnding, EncodePrivateKey};
use ed25519_dalek::SigningKey;
use uuid::Uuid;

use crate::helpers::{server_url, spawn_app, TestApp, COMMUNE};

/// The built binary with `args`, `env` on top of a cleaned environment, and `stdin`; run off
/// the runtime's thread, so the test's app keeps serving meanwhile.
async fn doanket(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let stdin = stdin.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_doanket"));
        cmd.args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DOANKET_LOG_FORMAT", "pretty")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("the doanket binary runs");
        // a command that should have stopped (`serve` that should have refused) must not hang
        // the suite: killed after a minute
        let pid = child.id() as i32;
        let (done, finished) = std::sync::mpsc::channel::<()>();
        let watchdog = std::thread::spawn(move || {
            let timed_out = finished
                .recv_timeout(std::time::Duration::from_secs(60))
                .is_err();
            if timed_out {
                // SAFETY: signals the child this test started, which has not been reaped yet
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
            timed_out
        });
        let mut pipe = child.stdin.take().unwrap();
        if let Some(input) = stdin {
            pipe.write_all(input.as_bytes()).unwrap();
        }
        drop(pipe);
        let out = child.wait_with_output().unwrap();
        let _ = done.send(());
        assert!(
            !watchdog.join().unwrap(),
            "doanket {args:?} did not finish within 60 s:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    })
    .await
    .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The URL of database `name` on the test server.
fn url_of(name: &str) -> String {
    let server = server_url();
    let (prefix, _) = server.rsplit_once('/').expect("a URL with a database");
    format!("{prefix}/{name}")
}

async fn server() -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(&server_url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
}

async fn database_exists(name: &str) -> bool {
    server()
        .await
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .await
        .unwrap()
        .is_some()
}

/// A database name nobody made: what a mistyped `DATABASE_URL` names.
fn missing_database() -> String {
    format!("doanket_test_missing_{}", Uuid::new_v4().simple())
}

/// An empty database of its own, dropped when the value goes.
struct ScratchDatabase(String);

impl ScratchDatabase {
    async fn new() -> ScratchDatabase {
        let name = format!("doanket_test_scratch_{}", Uuid::new_v4().simple());
        server()
            .await
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        ScratchDatabase(name)
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let name = self.0.clone();
        let _ = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async {
                    let _ = server()
                        .await
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                })
        })
        .join();
    }
}

fn assert_failed(out: &Output, stderr_says: &str) {
    assert!(
        !out.status.success(),
        "exit status {:?}, stdout:\n{}",
        out.status,
        stdout(out)
    );
    assert!(
        stderr(out).contains(stderr_says),
        "stderr does not say {stderr_says:?}:\n{}",
        stderr(out)
    );
}

// ---------------------------------------------------------------- no database is created

#[tokio::test]
async fn ledger_verify_against_a_missing_database_fails_and_creates_none() {
    let name = missing_database();

    let out = doanket(
        &["ledger", "verify"],
        &[("DATABASE_URL", &url_of(&name))],
        None,
    )
    .await;

    assert_failed(&out, &format!("database \"{name}\" does not exist"));
    assert!(!database_exists(&name).await, "the database was created");
}

#[tokio::test]
async fn units_import_against_a_missing_database_fails_and_creates_none() {
    let name = missing_database();

    let out = doanket(
        &["units", "import", "data/units/vn-admin-units-2026.csv"],
        &[("DATABASE_URL", &url_of(&name))],
        None,
    )
    .await;

    assert_failed(&out, "run doanket migrate first");
    assert!(!database_exists(&name).await, "the database was created");
}

#[tokio::test]
async fn users_create_against_a_missing_database_fails_and_creates_none() {
    let name = missing_database();

    let out = doanket(
        &[
            "users",
            "create",
            "--username",
            "admin.tw",
            "--password-stdin",
            "--full-name",
            "Nguyễn Văn A",
            "--role",
            "admin@TW",
        ],
        &[("DATABASE_URL", &url_of(&name))],
        Some("a-good-long-password"),
    )
    .await;

    assert_failed(&out, "run doanket migrate first");
    assert!(!database_exists(&name).await, "the database was created");
}

#[tokio::test]
async fn ledger_verify_of_an_unmigrated_database_fails_and_migrates_nothing() {
    let db = ScratchDatabase::new().await;

    let out = doanket(
        &["ledger", "verify"],
        &[("DATABASE_URL", &url_of(&db.0))],
        None,
    )
    .await;

    assert_failed(&out, "run doanket migrate first");
    let (client, connection) = tokio_postgres::connect(&url_of(&db.0), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let tables: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(tables, 0, "verify migrated the database");
}

#[tokio::test]
async fn ledger_verify_of_a_database_without_funds_fails() {
    let db = ScratchDatabase::new().await;
    doanket::db::migrations::run_pending(&url_of(&db.0))
        .await
        .unwrap();

    let out = doanket(
        &["ledger", "verify"],
        &[("DATABASE_URL", &url_of(&db.0))],
        None,
    )
    .await;

    assert_failed(&out, "no funds");
    assert!(!stdout(&out).contains("all ok"), "{}", stdout(&out));
}

#[tokio::test]
async fn ledger_verify_of_a_unit_that_does_not_exist_fails() {
    let app = spawn_app().await;

    let out = doanket(
        &["ledger", "verify", "--unit", "99999"],
        &[("DATABASE_URL", &app.db_url)],
        None,
    )
    .await;

    assert_failed(&out, "no unit 99999");
    assert!(!stdout(&out).contains("all ok"), "{}", stdout(&out));
}

// ---------------------------------------------------------------- what verify prints

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.sql().await.query_one(sql, &[]).await.unwrap().get(0)
}

#[tokio::test]
async fn ledger_verify_prints_a_line_per_fund_and_a_summary() {
    let app = spawn_app().await;
    let unit = app.unit_id(COMMUNE).await;
    let officer = app.user("officer", COMMUNE).await;
    for amount in ["150000", "250000"] {
        app.record_cash_donation(&officer.token, unit, amount).await;
    }

    let out = doanket(
        &["ledger", "verify"],
        &[("DATABASE_URL", &app.db_url)],
        None,
    )
    .await;

    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let funds = count(&app, "SELECT count(*) FROM funds").await;
    let entries = count(&app, "SELECT count(*) FROM journal_entries").await;
    let text = stdout(&out);
    let fund_lines = text
        .lines()
        .filter(|l| l.contains(" ok: ") || l.contains(" MISMATCH"))
        .count();
    assert_eq!(fund_lines as i64, funds, "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with(&format!("{COMMUNE} ok: 2 entries"))),
        "{text}"
    );
    assert_eq!(
        text.lines().last(),
        Some(format!("verified {funds} funds, {entries} entries: all ok").as_str()),
        "{text}"
    );
}

#[tokio::test]
async fn ledger_verify_counts_the_mismatches_in_its_summary() {
    let app = spawn_app().await;
    let unit = app.unit_id(COMMUNE).await;
    let officer = app.user("officer", COMMUNE).await;
    let donation = app
        .record_cash_donation(&officer.token, unit, "150000")
        .await;
    let entry = donation["journal_entry_id"].as_str().unwrap().to_owned();
    let env = [("DATABASE_URL", app.db_url.as_str())];
    // the first run seals the entry
    assert!(doanket(&["ledger", "verify"], &env, None)
        .await
        .status
        .success());
    app.sql()
        .await
        .batch_execute(&format!(
            "ALTER TABLE postings DISABLE TRIGGER postings_append_only; \
             UPDATE postings SET amount = amount * 10 WHERE entry_id = '{entry}'; \
             ALTER TABLE postings ENABLE TRIGGER postings_append_only;"
        ))
        .await
        .unwrap();

    let out = doanket(&["ledger", "verify"], &env, None).await;

    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l.starts_with(&format!("{COMMUNE} MISMATCH at entry {entry}"))),
        "{text}"
    );
    let last = text.lines().last().unwrap_or_default();
    assert!(last.starts_with("verified "), "{text}");
    assert!(last.ends_with(": 1 MISMATCH"), "{text}");
}

// ---------------------------------------------------------------- production and the demo

fn production_keys() -> String {
    SigningKey::from_bytes(&[7u8; 32])
        .to_pkcs8_pem(LineEnding::LF)
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn serve_demo_refuses_to_start_in_production_and_seeds_nothing() {
    let name = missing_database();
    let keys = production_keys();

    let out = doanket(
        &["serve", "--demo"],
        &[
            ("DATABASE_URL", &url_of(&name)),
            ("DOANKET_ENV", "production"),
            ("DOANKET_JWT_KEYS", &keys),
            (
                "DOANKET_NATIONAL_ID_KEY",
                "a-production-key-of-at-least-32-characters",
            ),
            ("DOANKET_BIND", "127.0.0.1:0"),
        ],
        None,
    )
    .await;

    assert_failed(&out, "--demo");
    assert!(stderr(&out).contains("production"), "{}", stderr(&out));
    assert!(
        !stdout(&out).contains("doanket-demo-2026"),
        "{}",
        stdout(&out)
    );
    assert!(!database_exists(&name).await, "the database was created");
}

// ---------------------------------------------------------------- check-export

/// A ledger export of the commune in `query`'s format (an auditor's download), as bytes.
async fn export(app: &TestApp, query: &str) -> Vec<u8> {
    let unit = app.unit_id(COMMUNE).await;
    let officer = app.user("officer", COMMUNE).await;
    let auditor = app.user("auditor", COMMUNE).await;
    app.record_cash_donation(&officer.token, unit, "150000")
        .await;
    let res = app
        .get(&format!("/v1/units/{unit}/ledger?{query}"), &auditor.token)
        .await;
    assert_eq!(res.status(), 200, "{query}");
    res.bytes().await.unwrap().to_vec()
}

fn save(bytes: &[u8], suffix: &str) -> tempfile::TempPath {
    let mut file = tempfile::Builder::new().suffix(suffix).tempfile().unwrap();
    file.write_all(bytes).unwrap();
    file.into_temp_path()
}

#[tokio::test]
async fn check_export_needs_no_settings_even_in_production() {
    let app = spawn_app().await;
    let file = save(&export(&app, "format=jsonl").await, ".jsonl");

    // production without keys would stop `serve`; the offline check reads no settings at all
    let out = doanket(
        &["ledger", "check-export", file.to_str().unwrap()],
        &[("DOANKET_ENV", "production")],
        None,
    )
    .await;

    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains(": balanced"), "{}", stdout(&out));
}

#[tokio::test]
async fn check_export_says_it_cannot_check_a_csv_export() {
    let app = spawn_app().await;
    let file = save(&export(&app, "format=csv").await, ".csv");

    let out = doanket(
        &["ledger", "check-export", file.to_str().unwrap()],
        &[],
        None,
    )
    .await;

    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot check a CSV export"),
        "{}",
        stderr(&out)
    );
    assert!(!stdout(&out).contains("balanced"), "{}", stdout(&out));
}

#[tokio::test]
async fn check_export_says_it_cannot_check_an_xlsx_export() {
    let app = spawn_app().await;
    let file = save(&export(&app, "format=xlsx").await, ".xlsx");

    let out = doanket(
        &["ledger", "check-export", file.to_str().unwrap()],
        &[],
        None,
    )
    .await;

    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot check an XLSX export"),
        "{}",
        stderr(&out)
    );
    assert!(!stdout(&out).contains("balanced"), "{}", stdout(&out));
}

/// The check also reads standard input (`-`), and refuses a CSV there too.
#[tokio::test]
async fn check_export_refuses_a_csv_export_on_standard_input() {
    let app = spawn_app().await;
    let csv = String::from_utf8(export(&app, "format=csv").await).unwrap();

    let out = doanket(&["ledger", "check-export", "-"], &[], Some(&csv)).await;

    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!stdout(&out).contains("balanced"), "{}", stdout(&out));
}
