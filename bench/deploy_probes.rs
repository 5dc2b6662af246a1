//! The probes of `scripts/deploy-check.sh` (R7 of `quality.md`: two service replicas behind a
//! load balancer, a primary and a streaming replica). `loadgen donations` drives the load; these
//! test what only a replicated deployment can get wrong:
//!
//! - `idempotency-race`: the same `Idempotency-Key` and body sent to both replicas at the same
//!   instant, for many keys. Exactly one answer per key may come from doing the work; the other is
//!   its replay (at once, or after a 409 `idempotency_in_progress` and a retry), with the same
//!   status and body.
//! - `approvals-race`: a fund that affords exactly N grants, 4N approvals sent at once, half to
//!   each replica: exactly N succeed, the rest are 409 `insufficient_funds`, and what is available
//!   is never seen below zero, on the primary or through the replicas.
//! - `read-your-writes`: one user records a donation, then reads it and the fund's balances back
//!   through the balancer (the read pool: the streaming replica). A stale read is allowed only
//!   while the replica, by its own report (`pg_last_xact_replay_timestamp`), had not replayed up
//!   to that write; a page older than the lag the replica reported is a contradiction. Meanwhile
//!   the primary's `pg_stat_replication` lag is sampled.
//!
//! Each probe appends `name<TAB>ok|FAIL<TAB>detail` rows to `--results`, writes its figures as
//! JSON to `--report` and the id of every donation it got a 201 for to `--ids-out` (the script's
//! database checks count them). Every loop is bounded by time and count; the HTTP and PostgreSQL
//! targets must be on the loopback range. Tokens are read from files, never from the command line.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use futures_util::future::join_all;
use futures_util::stream::{self, StreamExt};
use serde_json::{json, Value};
use tokio_postgres::NoTls;

#[derive(Parser)]
#[command(name = "deploy_probes", about = "R7 probes of scripts/deploy-check.sh")]
struct Cli {
    /// Runtime threads (the probes share the cores with the replicas and both databases).
    #[arg(long, default_value_t = 1, global = true)]
    threads: usize,
    /// `name<TAB>ok|FAIL<TAB>detail` rows are appended here.
    #[arg(long, global = true)]
    results: Option<PathBuf>,
    /// The probe's figures as JSON.
    #[arg(long, global = true)]
    report: Option<PathBuf>,
    /// The id of every donation answered 201, one per line.
    #[arg(long, global = true)]
    ids_out: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The same key and body to both replicas at once, for many keys.
    IdempotencyRace {
        /// One replica, directly (not through the balancer).
        #[arg(long)]
        base_a: String,
        /// The other replica, directly.
        #[arg(long)]
        base_b: String,
        /// `unit_id bank_account_id token` (the first line is used): a fund of its own, so
        /// every donation in it comes from this probe.
        #[arg(long)]
        targets: PathBuf,
        #[arg(long, default_value_t = 200)]
        keys: usize,
        /// Keys raced at the same time.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
    },
    /// 4N approvals through both replicas against a fund that affords N grants.
    ApprovalsRace {
        #[arg(long)]
        base_a: String,
        #[arg(long)]
        base_b: String,
        /// The paying unit's id: a fund of its own, holding nothing before this probe.
        #[arg(long)]
        unit: String,
        /// The officer who records the money and submits the grants (a file holding the token).
        #[arg(long)]
        officer_token_file: PathBuf,
        /// The approver, another person (a file holding the token).
        #[arg(long)]
        approver_token_file: PathBuf,
        /// How many grants the fund affords.
        #[arg(long, default_value_t = 37)]
        affordable: usize,
        /// Each grant's amount, VND.
        #[arg(long, default_value_t = 100_000)]
        amount: u64,
        /// The primary, to watch what is available while the approvals race.
        #[arg(long)]
        primary_url: String,
    },
    /// Write through the primary, read back through the replica, compare with the lag.
    ReadYourWrites {
        /// The load balancer.
        #[arg(long)]
        base: String,
        /// `unit_id bank_account_id token`: a fund only this probe writes to.
        #[arg(long)]
        targets: PathBuf,
        #[arg(long)]
        primary_url: String,
        #[arg(long)]
        replica_url: String,
        #[arg(long, default_value_t = 20)]
        duration_secs: u64,
        /// Rest between two probes.
        #[arg(long, default_value_t = 20)]
        pause_ms: u64,
    },
}

/// What a probe hands back to be written out.
#[derive(Default)]
struct Outcome {
    rows: Vec<(String, bool, String)>,
    report: Value,
    ids: Vec<String>,
}

impl Outcome {
    fn row(&mut self, name: &str, ok: bool, detail: String) {
        println!("  {:<4} {name}: {detail}", if ok { "ok" } else { "FAIL" });
        self.rows.push((name.to_owned(), ok, detail));
    }
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cli.threads.max(1))
        .enable_all()
        .build()?;
    let outcome = rt.block_on(async {
        match cli.command {
            Command::IdempotencyRace {
                base_a,
                base_b,
                targets,
                keys,
                concurrency,
            } => {
                idempotency_race(
                    &[base_a, base_b],
                    &read_target(&targets)?,
                    keys.min(100_000),
                    concurrency,
                )
                .await
            }
            Command::ApprovalsRace {
                base_a,
                base_b,
                unit,
                officer_token_file,
                approver_token_file,
                affordable,
                amount,
                primary_url,
            } => {
                let people = People {
                    unit,
                    officer: read_token(&officer_token_file)?,
                    approver: read_token(&approver_token_file)?,
                };
                approvals_race(
                    &[base_a, base_b],
                    &people,
                    affordable.clamp(1, 2_000),
                    amount,
                    &primary_url,
                )
                .await
            }
            Command::ReadYourWrites {
                base,
                targets,
                primary_url,
                replica_url,
                duration_secs,
                pause_ms,
            } => {
                read_your_writes(
                    &base,
                    &read_target(&targets)?,
                    &primary_url,
                    &replica_url,
                    Duration::from_secs(duration_secs),
                    Duration::from_millis(pause_ms),
                )
                .await
            }
        }
    })?;
    if let Some(path) = &cli.results {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        for (name, ok, detail) in &outcome.rows {
            let detail = detail.replace(['\t', '\n'], " ");
            writeln!(f, "{name}\t{}\t{detail}", if *ok { "ok" } else { "FAIL" })?;
        }
    }
    if let Some(path) = &cli.report {
        std::fs::write(path, serde_json::to_string_pretty(&outcome.report)?)?;
    }
    if let Some(path) = &cli.ids_out {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
        for id in &outcome.ids {
            writeln!(f, "{id}")?;
        }
        f.flush()?;
    }
    Ok(())
}

// ---------------------------------------------------------------- plumbing

/// Traffic goes to this machine only.
fn check_loopback_http(base: &str) -> anyhow::Result<()> {
    let rest = base
        .strip_prefix("http://")
        .context("a base URL must be http://127.x.x.x:PORT")?;
    let host = rest.split(['/', ':']).next().unwrap_or("");
    if host == "localhost" || host.starts_with("127.") {
        Ok(())
    } else {
        bail!("{base} is not on the loopback range")
    }
}

fn check_loopback_pg(url: &str) -> anyhow::Result<()> {
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
        .context("a database URL must be postgres://…@127.x.x.x:PORT/db")?;
    let host = rest
        .rsplit_once('@')
        .map_or(rest, |(_, h)| h)
        .split(['/', ':'])
        .next()
        .unwrap_or("");
    if host == "localhost" || host.starts_with("127.") {
        Ok(())
    } else {
        bail!("the database URL does not point at the loopback range")
    }
}

async fn pg(url: &str) -> anyhow::Result<tokio_postgres::Client> {
    check_loopback_pg(url)?;
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .context("connecting to PostgreSQL")?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            eprintln!("deploy_probes: database connection ended: {e}");
        }
    });
    Ok(client)
}

struct Target {
    unit_id: String,
    bank_account_id: String,
    token: String,
}

fn read_target(path: &Path) -> anyhow::Result<Target> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .context("an empty targets file")?;
    match line.split_whitespace().collect::<Vec<_>>().as_slice() {
        [u, b, t] => Ok(Target {
            unit_id: u.to_string(),
            bank_account_id: b.to_string(),
            token: t.to_string(),
        }),
        _ => bail!("target line: unit_id bank_account_id token"),
    }
}

fn read_token(path: &Path) -> anyhow::Result<String> {
    let t = std::fs::read_to_string(path)
        .with_context(|| format!("reading {}", path.display()))?
        .trim()
        .to_owned();
    if t.is_empty() {
        bail!("{} holds no token", path.display());
    }
    Ok(t)
}

fn http_client(timeout: Duration) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .tcp_nodelay(true)
        .timeout(timeout)
        .build()?)
}

/// One answer: status, JSON body (`Null` when it was not JSON), `Idempotent-Replayed`.
#[derive(Debug, Clone)]
struct Answer {
    status: u16,
    body: Value,
    replayed: bool,
}

impl Answer {
    fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    /// `409 insufficient_funds`, `201`, …
    fn label(&self) -> String {
        match self.code() {
            "" => self.status.to_string(),
            code => format!("{} {code}", self.status),
        }
    }
}

/// Sends one request; a transport failure is an answer with status 0 and the error's kind.
async fn send(req: reqwest::RequestBuilder) -> Answer {
    match req.send().await {
        Ok(res) => {
            let status = res.status().as_u16();
            let replayed = res
                .headers()
                .get("idempotent-replayed")
                .is_some_and(|v| v.as_bytes() == b"true");
            let body = match res.bytes().await {
                Ok(b) => serde_json::from_slice(&b).unwrap_or(Value::Null),
                Err(_) => json!({"code": "body_lost"}),
            };
            Answer {
                status,
                body,
                replayed,
            }
        }
        Err(e) => Answer {
            status: 0,
            body: json!({"code": if e.is_timeout() { "timeout" } else { "transport" }}),
            replayed: false,
        },
    }
}

fn epoch_secs() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

fn count<'a>(labels: impl Iterator<Item = &'a str>) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for l in labels {
        *m.entry(l.to_owned()).or_default() += 1;
    }
    m
}

fn show(m: &BTreeMap<String, u64>) -> String {
    if m.is_empty() {
        return "none".into();
    }
    m.iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Percentile of sorted values (nearest rank).
fn pct(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

// ---------------------------------------------------------------- idempotency race

/// How one replica's side of a race ended.
struct Side {
    first: Answer,
    last: Answer,
    retries: u32,
}

/// Posts until the answer is not 409 `idempotency_in_progress` (at most 300 tries, 10 ms apart).
async fn post_settled(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    key: &str,
    body: &Value,
) -> Side {
    let post = || {
        http.post(url)
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(body)
    };
    let first = send(post()).await;
    let mut last = first.clone();
    let mut retries = 0;
    while last.status == 409 && last.code() == "idempotency_in_progress" && retries < 300 {
        tokio::time::sleep(Duration::from_millis(10)).await;
        retries += 1;
        last = send(post()).await;
    }
    Side {
        first,
        last,
        retries,
    }
}

async fn idempotency_race(
    bases: &[String; 2],
    target: &Target,
    keys: usize,
    concurrency: usize,
) -> anyhow::Result<Outcome> {
    for b in bases {
        check_loopback_http(b)?;
    }
    let http = http_client(Duration::from_secs(30))?;
    let run = format!("{:08x}", rand::random::<u32>());
    let urls = bases.clone().map(|b| format!("{b}/v1/donations"));
    println!(
        "idempotency race: {keys} keys, each sent to both replicas at once, {concurrency} keys at a time"
    );
    let started = Instant::now();
    let sides: Vec<(usize, Side, Side)> = stream::iter(0..keys)
        .map(|i| {
            let http = http.clone();
            let urls = urls.clone();
            let run = run.clone();
            async move {
                // cash, without a bank reference: nothing but the key stops a second donation
                let body = json!({
                    "unit_id": target.unit_id,
                    "channel": "cash",
                    "amount": format!("{}", 100_000 + (i % 50) * 1_000),
                    "donor": {"kind": "individual", "name": "Trần Thị Bình"},
                    "public_display": "name",
                    "note": format!("idempotency race {run} key {i}"),
                });
                let key = format!("race-{run}-{i}");
                let (a, b) = tokio::join!(
                    post_settled(&http, &urls[0], &target.token, &key, &body),
                    post_settled(&http, &urls[1], &target.token, &key, &body)
                );
                (i, a, b)
            }
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    let seconds = started.elapsed().as_secs_f64();

    let mut out = Outcome::default();
    let mut executed = [0u64; 2];
    let mut in_progress = 0u64;
    let mut retries = 0u64;
    let mut bad: Vec<String> = Vec::new();
    let mut not_201 = 0u64;
    let mut differing = 0u64;
    let mut twice = 0u64;
    let mut agreed = 0u64;
    for (i, a, b) in &sides {
        for s in [a, b] {
            if s.first.status == 409 && s.first.code() == "idempotency_in_progress" {
                in_progress += 1;
            }
            retries += u64::from(s.retries);
        }
        let fine_status = a.last.status == 201 && b.last.status == 201;
        let same = a.last.body == b.last.body;
        let originals = [!a.last.replayed, !b.last.replayed];
        if !fine_status {
            not_201 += 1;
        }
        if fine_status && !same {
            differing += 1;
        }
        if originals == [true, true] {
            twice += 1;
        }
        match originals {
            [true, false] => executed[0] += 1,
            [false, true] => executed[1] += 1,
            _ => {}
        }
        if fine_status && same && originals.iter().filter(|o| **o).count() == 1 {
            agreed += 1;
            if let Some(id) = a.last.body["id"].as_str() {
                out.ids.push(id.to_owned());
            }
        } else if bad.len() < 5 {
            bad.push(format!(
                "key {i}: A {} (first {}{}), B {} (first {}{})",
                a.last.label(),
                a.first.label(),
                if a.last.replayed { ", replayed" } else { "" },
                b.last.label(),
                b.first.label(),
                if b.last.replayed { ", replayed" } else { "" },
            ));
        }
    }
    let all_fine = agreed == keys as u64;
    out.row(
        "idempotency race: one original and one identical replay per key",
        all_fine,
        format!(
            "{agreed} of {keys} keys; done by replica A {}, by B {}; {in_progress} first answers \
             were 409 idempotency_in_progress, {retries} retries replayed; {not_201} keys not 201, \
             {differing} with differing bodies, {twice} done twice{}",
            executed[0],
            executed[1],
            if bad.is_empty() {
                String::new()
            } else {
                format!("; {}", bad.join("; "))
            }
        ),
    );
    out.report = json!({
        "keys": keys,
        "seconds": seconds,
        "agreed": agreed,
        "executed_by": {"a": executed[0], "b": executed[1]},
        "first_answers_in_progress": in_progress,
        "retries": retries,
        "not_201": not_201,
        "differing_bodies": differing,
        "done_twice": twice,
        "samples": bad,
        "note_prefix": format!("idempotency race {run} key "),
    });
    Ok(out)
}

// ---------------------------------------------------------------- approvals race

struct People {
    unit: String,
    officer: String,
    approver: String,
}

async fn approvals_race(
    bases: &[String; 2],
    people: &People,
    affordable: usize,
    amount: u64,
    primary_url: &str,
) -> anyhow::Result<Outcome> {
    for b in bases {
        check_loopback_http(b)?;
    }
    let http = http_client(Duration::from_secs(60))?;
    let db = pg(primary_url).await?;
    let mut out = Outcome::default();
    let grants = affordable * 4;
    let unit = people.unit.as_str();

    // the money: exactly `affordable` grants' worth, in cash
    let fund = (affordable as u64 * amount).to_string();
    let key = format!("approvals-fund-{:08x}", rand::random::<u32>());
    let donation = send(
        http.post(format!("{}/v1/donations", bases[0]))
            .bearer_auth(&people.officer)
            .header("Idempotency-Key", key)
            .json(&json!({"unit_id": unit, "channel": "cash", "amount": fund,
                          "donor": {"kind": "organization", "name": "Công ty Hòa Bình"},
                          "public_display": "name", "note": "approvals race fund"})),
    )
    .await;
    if donation.status != 201 {
        bail!("the fund's donation: {} {}", donation.status, donation.body);
    }
    if let Some(id) = donation.body["id"].as_str() {
        out.ids.push(id.to_owned());
    }

    // 4N grants, submitted through both replicas
    let submitted: Vec<Answer> = stream::iter(0..grants)
        .map(|i| {
            let http = http.clone();
            let url = format!("{}/v1/disbursements", bases[i % 2]);
            async move {
                send(http.post(url).bearer_auth(&people.officer).json(
                    &json!({"unit_id": unit, "category": "medical",
                                      "amount": amount.to_string(), "method": "cash",
                                      "description": format!("Hỗ trợ viện phí {i}")}),
                ))
                .await
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let ids: Vec<String> = submitted
        .iter()
        .filter_map(|a| (a.status == 201).then(|| a.body["id"].as_str().map(str::to_owned))?)
        .collect();
    if ids.len() != grants {
        let statuses = count(
            submitted
                .iter()
                .map(|a| a.status.to_string())
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str),
        );
        bail!("submitting {grants} grants: {}", show(&statuses));
    }

    // watch what is available while the approvals race: on the primary, and through each replica
    let watching = Arc::new(AtomicBool::new(true));
    let sql_watch = {
        let watching = watching.clone();
        let unit = unit.to_owned();
        tokio::spawn(async move {
            let mut lowest: Option<f64> = None;
            let mut samples = 0u64;
            while watching.load(Ordering::Relaxed) && samples < 100_000 {
                // what the reservations guard itself compares against
                let row = db
                    .query_one(
                        "SELECT (SELECT min(fund_available(unit_id, 'money', campaign_id)) FROM reservations \
                                  WHERE unit_id = $1::text::uuid)::float8, \
                                (SELECT sum(debit - credit) FROM balance_buckets b JOIN accounts a ON a.id = b.account_id \
                                  WHERE a.unit_id = $1::text::uuid AND a.code = '1111')::float8",
                        &[&unit],
                    )
                    .await;
                if let Ok(row) = row {
                    for v in [row.get::<_, Option<f64>>(0), row.get::<_, Option<f64>>(1)]
                        .into_iter()
                        .flatten()
                    {
                        lowest = Some(lowest.map_or(v, |l: f64| l.min(v)));
                    }
                    samples += 1;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            (lowest, samples, db)
        })
    };
    let api_watch = {
        let watching = watching.clone();
        let http = http.clone();
        let urls = bases
            .clone()
            .map(|b| format!("{b}/v1/units/{unit}/balances"));
        let token = people.officer.clone();
        tokio::spawn(async move {
            let mut lowest: Option<f64> = None;
            let mut samples = 0u64;
            let mut failed = 0u64;
            while watching.load(Ordering::Relaxed) && samples < 100_000 {
                let a = send(http.get(&urls[(samples % 2) as usize]).bearer_auth(&token)).await;
                samples += 1;
                if a.status != 200 {
                    failed += 1;
                    continue;
                }
                for k in ["cash", "available_unrestricted"] {
                    if let Some(v) = a.body[k].as_str().and_then(|s| s.parse::<f64>().ok()) {
                        lowest = Some(lowest.map_or(v, |l: f64| l.min(v)));
                    }
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            (lowest, samples, failed)
        })
    };

    println!(
        "approvals race: {grants} approvals at once, half through each replica, for a fund that affords {affordable}"
    );
    let started = Instant::now();
    let answers: Vec<(usize, Answer)> = join_all(ids.iter().enumerate().map(|(i, id)| {
        let http = http.clone();
        let url = format!("{}/v1/disbursements/{id}/approve", bases[i % 2]);
        async move {
            (
                i % 2,
                send(
                    http.post(url)
                        .bearer_auth(&people.approver)
                        .json(&json!({})),
                )
                .await,
            )
        }
    }))
    .await;
    let race_ms = started.elapsed().as_secs_f64() * 1000.0;
    tokio::time::sleep(Duration::from_millis(200)).await;
    watching.store(false, Ordering::Relaxed);
    let (sql_lowest, sql_samples, db) = sql_watch.await?;
    let (api_lowest, api_samples, api_failed) = api_watch.await?;

    let approved: Vec<usize> = answers
        .iter()
        .filter(|(_, a)| a.status == 200)
        .map(|(r, _)| *r)
        .collect();
    let refused = answers
        .iter()
        .filter(|(_, a)| a.status == 409 && a.code() == "insufficient_funds")
        .count();
    let labels: Vec<String> = answers.iter().map(|(_, a)| a.label()).collect();
    let by_label = count(labels.iter().map(String::as_str));
    let by_replica = [0, 1].map(|r| approved.iter().filter(|x| **x == r).count());
    out.row(
        "approvals race: exactly the affordable approvals succeed",
        approved.len() == affordable && refused == grants - affordable,
        format!(
            "{} of {grants} approved (affordable {affordable}: {} through A, {} through B), \
             {refused} refused 409 insufficient_funds; answers {}; {race_ms:.0} ms",
            approved.len(),
            by_replica[0],
            by_replica[1],
            show(&by_label)
        ),
    );

    let row = db
        .query_one(
            "SELECT (SELECT count(*) FROM disbursements WHERE unit_id = $1::text::uuid AND status = 'approved'), \
                    (SELECT count(*) FROM reservations WHERE unit_id = $1::text::uuid AND released_at IS NULL), \
                    (SELECT min(fund_available(unit_id, 'money', campaign_id)) FROM reservations \
                      WHERE unit_id = $1::text::uuid)::text",
            &[&unit],
        )
        .await?;
    let (db_approved, open, available) = (
        row.get::<_, i64>(0),
        row.get::<_, i64>(1),
        row.get::<_, Option<String>>(2),
    );
    out.row(
        "approvals race: the database holds exactly the affordable reservations",
        db_approved == affordable as i64
            && open == affordable as i64
            && available.as_deref() == Some("0"),
        format!(
            "{db_approved} grants approved, {open} open reservations, available {}",
            available.as_deref().unwrap_or("?")
        ),
    );
    let never_negative = sql_lowest.is_some_and(|v| v >= 0.0)
        && api_lowest.is_none_or(|v| v >= 0.0)
        && api_failed == 0;
    out.row(
        "approvals race: available never below zero (primary and replicas)",
        never_negative,
        format!(
            "lowest on the primary {} ({sql_samples} samples), through the replicas {} \
             ({api_samples} reads, {api_failed} not 200)",
            sql_lowest.map_or("?".into(), |v| format!("{v:.0}")),
            api_lowest.map_or("?".into(), |v| format!("{v:.0}")),
        ),
    );
    out.report = json!({
        "affordable": affordable,
        "approvals": grants,
        "approved": approved.len(),
        "approved_through": {"a": by_replica[0], "b": by_replica[1]},
        "insufficient_funds": refused,
        "answers": by_label,
        "race_ms": race_ms,
        "lowest_available_primary": sql_lowest,
        "lowest_seen_through_replicas": api_lowest,
        "db": {"approved": db_approved, "open_reservations": open, "available": available},
    });
    Ok(out)
}

// ---------------------------------------------------------------- read your writes

/// One probe's write as the primary acknowledged it.
struct Acked {
    /// When the 201 arrived (seconds since the epoch, this machine's clock).
    acked_at: f64,
}

/// The replica's own account of where it is, just before a read.
struct ReplicaClock {
    /// `clock_timestamp()` on the replica.
    now: f64,
    /// `pg_last_xact_replay_timestamp()`: the commit time of the last transaction replayed.
    replayed_through: f64,
}

impl ReplicaClock {
    /// The lag the replica reports: how old the newest commit it has replayed is.
    fn lag(&self) -> f64 {
        self.now - self.replayed_through
    }
}

async fn replica_clock(replica: &tokio_postgres::Client) -> anyhow::Result<ReplicaClock> {
    let row = replica
        .query_one(
            "SELECT extract(epoch FROM clock_timestamp())::float8, \
                    coalesce(extract(epoch FROM pg_last_xact_replay_timestamp()), 0)::float8",
            &[],
        )
        .await?;
    Ok(ReplicaClock {
        now: row.get(0),
        replayed_through: row.get(1),
    })
}

/// The lag the primary reports for its standby, sampled every 100 ms until told to stop.
fn sample_primary_lag(
    primary: tokio_postgres::Client,
    watching: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<(Vec<f64>, Vec<f64>, u64)> {
    tokio::spawn(async move {
        let (mut replay, mut bytes) = (Vec::new(), Vec::new());
        let mut without = 0u64;
        while watching.load(Ordering::Relaxed) && replay.len() < 100_000 {
            let row = primary
                .query_opt(
                    "SELECT extract(epoch FROM replay_lag)::float8, \
                            pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 \
                       FROM pg_stat_replication WHERE state = 'streaming' LIMIT 1",
                    &[],
                )
                .await;
            match row {
                Ok(Some(r)) => {
                    // replay_lag is NULL once the standby has caught up on an idle primary
                    replay.push(r.get::<_, Option<f64>>(0).unwrap_or(0.0));
                    bytes.push(r.get::<_, Option<f64>>(1).unwrap_or(0.0));
                }
                _ => without += 1,
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        (replay, bytes, without)
    })
}

/// What the replica answered to one read: fresh, or stale by how many of the probe's writes.
enum Seen {
    Fresh,
    /// The first write the page did not show yet (its index).
    Stale(usize),
    /// Something the primary never said: not a lag.
    Contradiction(String),
}

/// The donation read back: the 201's body again, or not found (yet).
fn judge_donation(a: &Answer, created: &Value, index: usize) -> Seen {
    match a.status {
        200 => {
            let fields = [
                "id",
                "receipt_number",
                "amount",
                "amount_vnd",
                "status",
                "journal_entry_id",
            ];
            match fields.iter().find(|f| a.body[**f] != created[**f]) {
                None => Seen::Fresh,
                Some(f) => Seen::Contradiction(format!(
                    "GET /v1/donations/{{id}} `{f}` is {}, the 201 said {}",
                    a.body[*f], created[*f]
                )),
            }
        }
        404 => Seen::Stale(index),
        _ => Seen::Contradiction(format!("GET /v1/donations/{{id}}: {}", a.label())),
    }
}

/// The fund's bank balance read back: only this probe pays in, so the primary's balance after
/// the n-th write is n × amount; a replica may show fewer of the writes, never more or others.
fn judge_balance(a: &Answer, writes: usize, amount: u64) -> Seen {
    if a.status != 200 {
        return Seen::Contradiction(format!("GET /v1/units/{{id}}/balances: {}", a.label()));
    }
    let Some(bank) = a.body["bank"].as_str().and_then(|s| s.parse::<u64>().ok()) else {
        return Seen::Contradiction(format!("balances without a bank figure: {}", a.body));
    };
    let expected = writes as u64 * amount;
    if bank == expected {
        Seen::Fresh
    } else if bank < expected && bank % amount == 0 {
        Seen::Stale((bank / amount) as usize)
    } else {
        Seen::Contradiction(format!(
            "bank balance {bank} after {writes} donations of {amount}"
        ))
    }
}

#[derive(Default)]
struct Tally {
    probes: u64,
    stale_donation: u64,
    stale_balance: u64,
    /// Stale pages, each as (how old it was at least, the lag the replica reported), seconds.
    stale: Vec<(f64, f64)>,
    /// Stale pages older than the reported lag, and a few of them.
    beyond: u64,
    beyond_lag: Vec<String>,
    /// Pages the primary never showed, and a few of them.
    contradicted: u64,
    contradictions: Vec<String>,
    /// How long a stale page took to become fresh, seconds.
    caught_up: Vec<f64>,
    never_caught_up: u64,
    replica_lag: Vec<f64>,
    write_errors: BTreeMap<String, u64>,
}

impl Tally {
    /// Books one read: a stale page must be younger than the lag the replica reported before it.
    fn judge(&mut self, what: &str, seen: Seen, writes: &[Acked], clock: &ReplicaClock) -> bool {
        match seen {
            Seen::Fresh => false,
            Seen::Contradiction(why) => {
                self.contradicted += 1;
                if self.contradictions.len() < 5 {
                    self.contradictions.push(why);
                }
                false
            }
            Seen::Stale(first_missing) => {
                let Some(w) = writes.get(first_missing) else {
                    self.contradicted += 1;
                    self.contradictions
                        .push(format!("{what}: stale by a write that never was"));
                    return false;
                };
                // the page lacks a write the primary acknowledged `age` before the replica's clock
                // was read; the replica then reported `lag`; 1 ms for two clock readings
                let age = clock.now - w.acked_at;
                let lag = clock.lag();
                if age > lag + 0.001 {
                    self.beyond += 1;
                }
                if age > lag + 0.001 && self.beyond_lag.len() < 5 {
                    self.beyond_lag.push(format!(
                        "{what} lacked a write acknowledged {:.1} ms before, the replica reported {:.1} ms of lag",
                        age * 1000.0,
                        lag * 1000.0
                    ));
                }
                self.stale.push((age, lag));
                true
            }
        }
    }
}

async fn read_your_writes(
    base: &str,
    target: &Target,
    primary_url: &str,
    replica_url: &str,
    duration: Duration,
    pause: Duration,
) -> anyhow::Result<Outcome> {
    check_loopback_http(base)?;
    let http = http_client(Duration::from_secs(10))?;
    let replica = pg(replica_url).await?;
    let recovering: bool = replica
        .query_one("SELECT pg_is_in_recovery()", &[])
        .await?
        .get(0);
    if !recovering {
        bail!("--replica-url is not a standby (pg_is_in_recovery() is false)");
    }
    let watching = Arc::new(AtomicBool::new(true));
    let sampler = sample_primary_lag(pg(primary_url).await?, watching.clone());

    let amount: u64 = 100_000;
    let run = format!("{:08x}", rand::random::<u32>());
    let donation_url = format!("{base}/v1/donations");
    let balances_url = format!("{base}/v1/units/{}/balances", target.unit_id);
    let mut writes: Vec<Acked> = Vec::new();
    let mut t = Tally::default();
    let mut out = Outcome::default();
    let end = Instant::now() + duration;
    println!(
        "read-your-writes: write through the balancer, read back through the replica, for {}s",
        duration.as_secs()
    );
    while Instant::now() < end && writes.len() < 100_000 {
        let n = writes.len();
        let created = send(
            http.post(&donation_url)
                .bearer_auth(&target.token)
                .header("Idempotency-Key", format!("ryw-{run}-{n}"))
                .json(&json!({
                    "unit_id": target.unit_id,
                    "channel": "bank_transfer",
                    "amount": amount.to_string(),
                    "donor": {"kind": "individual", "name": "Lê Hoàng Cường"},
                    "public_display": "name",
                    "bank_account_id": target.bank_account_id,
                    "bank_reference": format!("RYW{run}{n:07}"),
                })),
        )
        .await;
        if created.status != 201 {
            *t.write_errors.entry(created.label()).or_default() += 1;
            tokio::time::sleep(pause).await;
            continue;
        }
        writes.push(Acked {
            acked_at: epoch_secs(),
        });
        let id = created.body["id"].as_str().unwrap_or_default().to_owned();
        out.ids.push(id.clone());
        t.probes += 1;

        // the replica's own clock first, then the two reads
        let clock = replica_clock(&replica).await?;
        t.replica_lag.push(clock.lag());
        let donation_url = format!("{base}/v1/donations/{id}");
        let got = send(http.get(&donation_url).bearer_auth(&target.token)).await;
        let stale_d = t.judge(
            "GET /v1/donations/{id}",
            judge_donation(&got, &created.body, n),
            &writes,
            &clock,
        );
        let bal = send(http.get(&balances_url).bearer_auth(&target.token)).await;
        let stale_b = t.judge(
            "GET /v1/units/{id}/balances",
            judge_balance(&bal, writes.len(), amount),
            &writes,
            &clock,
        );
        t.stale_donation += u64::from(stale_d);
        t.stale_balance += u64::from(stale_b);
        if stale_d || stale_b {
            // how long until the replica shows the write: bounded, 1 ms apart
            let waited = Instant::now();
            let mut fresh = false;
            while waited.elapsed() < Duration::from_secs(5) {
                let d = send(http.get(&donation_url).bearer_auth(&target.token)).await;
                let b = send(http.get(&balances_url).bearer_auth(&target.token)).await;
                if matches!(judge_donation(&d, &created.body, n), Seen::Fresh)
                    && matches!(judge_balance(&b, writes.len(), amount), Seen::Fresh)
                {
                    fresh = true;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            if fresh {
                t.caught_up
                    .push(epoch_secs() - writes.last().map_or(0.0, |w| w.acked_at));
            } else {
                t.never_caught_up += 1;
            }
        }
        tokio::time::sleep(pause).await;
    }
    watching.store(false, Ordering::Relaxed);
    let (mut replay, mut behind, unsampled) = sampler.await?;
    replay.sort_by(f64::total_cmp);
    behind.sort_by(f64::total_cmp);
    t.replica_lag.sort_by(f64::total_cmp);
    t.caught_up.sort_by(f64::total_cmp);
    let ms = |s: f64| s * 1000.0;
    let max_age = t.stale.iter().map(|s| s.0).fold(0.0, f64::max);
    let lag_then = t
        .stale
        .iter()
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map_or(0.0, |s| s.1);

    out.row(
        "read-your-writes: writes acknowledged by the primary",
        t.probes > 0 && t.write_errors.is_empty(),
        format!(
            "{} donations, each read back as GET /v1/donations/{{id}} and the fund's balances; \
             errors {}",
            t.probes,
            show(&t.write_errors)
        ),
    );
    out.row(
        "read-your-writes: the replica never contradicts the primary",
        t.contradicted == 0,
        if t.contradicted == 0 {
            "every page was the primary's answer or an earlier state of it".to_owned()
        } else {
            format!("{} pages: {}", t.contradicted, t.contradictions.join("; "))
        },
    );
    out.row(
        "read-your-writes: stale pages no older than the replica's reported lag",
        t.beyond == 0,
        if t.beyond == 0 {
            format!(
                "{} stale donation reads (404), {} stale balances of {} probes; the oldest lacked \
                 a write {:.1} ms old while the replica reported {:.1} ms",
                t.stale_donation,
                t.stale_balance,
                t.probes,
                ms(max_age),
                ms(lag_then)
            )
        } else {
            format!("{} pages: {}", t.beyond, t.beyond_lag.join("; "))
        },
    );
    out.row(
        "read-your-writes: every write visible on the replica within 5 s",
        t.never_caught_up == 0,
        format!(
            "{} read-backs with a stale page showed the write after at most {:.1} ms (p50 {:.1} ms); {} never did",
            t.caught_up.len(),
            ms(t.caught_up.last().copied().unwrap_or(0.0)),
            ms(pct(&t.caught_up, 0.5)),
            t.never_caught_up
        ),
    );
    out.row(
        "replica lag while loaded (pg_stat_replication.replay_lag)",
        !replay.is_empty(),
        format!(
            "p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms over {} samples; at most {:.0} KiB of WAL behind; \
             the replica's own report before each read: p50 {:.1} ms, max {:.1} ms{}",
            ms(pct(&replay, 0.5)),
            ms(pct(&replay, 0.99)),
            ms(replay.last().copied().unwrap_or(0.0)),
            replay.len(),
            behind.last().copied().unwrap_or(0.0) / 1024.0,
            ms(pct(&t.replica_lag, 0.5)),
            ms(t.replica_lag.last().copied().unwrap_or(0.0)),
            if unsampled > 0 {
                format!("; {unsampled} samples without a streaming standby")
            } else {
                String::new()
            }
        ),
    );
    out.report = json!({
        "probes": t.probes,
        "stale_donation_reads": t.stale_donation,
        "stale_balance_reads": t.stale_balance,
        "stale_oldest_ms": ms(max_age),
        "lag_reported_then_ms": ms(lag_then),
        "beyond_lag_pages": t.beyond,
        "beyond_lag": t.beyond_lag,
        "contradicted_pages": t.contradicted,
        "contradictions": t.contradictions,
        "caught_up_ms": {"p50": ms(pct(&t.caught_up, 0.5)), "max": ms(t.caught_up.last().copied().unwrap_or(0.0))},
        "never_caught_up": t.never_caught_up,
        "replay_lag_ms": {"p50": ms(pct(&replay, 0.5)), "p99": ms(pct(&replay, 0.99)),
                          "max": ms(replay.last().copied().unwrap_or(0.0)), "samples": replay.len()},
        "wal_behind_bytes_max": behind.last().copied().unwrap_or(0.0),
        "replica_reported_lag_ms": {"p50": ms(pct(&t.replica_lag, 0.5)), "max": ms(t.replica_lag.last().copied().unwrap_or(0.0))},
        "write_errors": t.write_errors,
    });
    Ok(out)
}
