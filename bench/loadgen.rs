//! The HTTP load generator of `bench/run.sh` (see `bench/README.md`).
//!
//! - `setup`: signs the bench users in, registers one bank account per target unit and writes
//!   the target files the load scenarios read (`unit_id bank_account_id token` per line).
//! - `donations`: P1a/P1b — N clients POST /v1/donations for a fixed time after a warm-up,
//!   recording the id of every 201; optionally P2 readers poll one unit's balances meanwhile.
//! - `summary`: puts the scenario reports, the pgbench ceilings and the database checks side by
//!   side with the bars of `quality.md`, prints the table and writes it as JSON.
//!
//! Every loop is bounded by time and by count, and the only target is the `--base` URL, which
//! must be on the loopback range.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use futures_util::stream::{self, StreamExt};
use hdrhistogram::Histogram;
use serde_json::{json, Value};

#[derive(Parser)]
#[command(name = "loadgen", about = "doanket HTTP load generator (bench/run.sh)")]
struct Cli {
    /// Runtime threads of the load generator itself (it shares the cores with the service).
    #[arg(long, default_value_t = 1, global = true)]
    threads: usize,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Sign users in and register one bank account per target unit.
    Setup {
        #[arg(long)]
        base: String,
        /// File holding the bench users' shared password.
        #[arg(long)]
        password_file: PathBuf,
        /// `name username unit_code` per line; writes `<out-dir>/<name>.targets`.
        #[arg(long)]
        plan: PathBuf,
        #[arg(long)]
        out_dir: PathBuf,
    },
    /// Record donations with N clients for a fixed time (P1a, P1b), optionally with readers (P2).
    Donations {
        #[arg(long)]
        base: String,
        /// Scenario name printed and stored in the report (P1a, P1b).
        #[arg(long)]
        name: String,
        /// `unit_id bank_account_id token` per line; requests go round-robin over the lines.
        #[arg(long)]
        targets: PathBuf,
        #[arg(long, default_value_t = 32)]
        clients: usize,
        #[arg(long, default_value_t = 5)]
        warmup_secs: u64,
        #[arg(long, default_value_t = 30)]
        duration_secs: u64,
        /// Hard cap on the number of donation requests, whatever the time.
        #[arg(long, default_value_t = 2_000_000)]
        max_requests: u64,
        #[arg(long, default_value_t = 10)]
        timeout_secs: u64,
        /// Every 201's donation id, one per line (warm-up included).
        #[arg(long)]
        ids_out: PathBuf,
        /// The report as JSON.
        #[arg(long)]
        report: PathBuf,
        /// P2: clients reading the first target's balances and accounts meanwhile.
        #[arg(long, default_value_t = 0)]
        readers: usize,
        /// Diagnosis only: send no `Idempotency-Key`, to measure what the key costs.
        #[arg(long)]
        no_idempotency_key: bool,
    },
    /// Compare the reports with the bars; print the table and write it as JSON.
    Summary {
        #[arg(long)]
        p1a: PathBuf,
        #[arg(long)]
        p1b: PathBuf,
        /// pgbench tps, no shared row, spread over the P1b units.
        #[arg(long)]
        ceiling_spread: f64,
        /// pgbench tps, one shared row (the receipt counter of the P1a unit).
        #[arg(long)]
        ceiling_shared: f64,
        /// `name<TAB>ok|FAIL<TAB>detail` per line.
        #[arg(long)]
        checks: PathBuf,
        /// The Tết-batch scenario's report (bench/tet_batch.rs).
        #[arg(long)]
        tet: Option<PathBuf>,
        /// The P3 statement-import report (`bench/run.sh` writes it).
        #[arg(long)]
        p3: Option<PathBuf>,
        /// The P4 report (donations created from P3's credit lines; `bench/run.sh` writes it).
        #[arg(long)]
        p4: Option<PathBuf>,
        /// The P5 report (ledger exports of 1,000,000 postings; `bench/run.sh` writes it).
        #[arg(long)]
        p5: Option<PathBuf>,
        /// The same P2 reads measured alone, no writers (`donations --clients 0`), for the
        /// issue-12 bar: P2 p99 at most twice the reads' p99 alone.
        #[arg(long)]
        p2_alone: Option<PathBuf>,
        /// Free-form facts about the run (JSON object) to store with the results.
        #[arg(long)]
        meta: Option<PathBuf>,
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cli.threads.max(1))
        .enable_all()
        .build()?;
    match cli.command {
        Command::Setup {
            base,
            password_file,
            plan,
            out_dir,
        } => rt.block_on(setup(&base, &password_file, &plan, &out_dir)),
        Command::Donations {
            base,
            name,
            targets,
            clients,
            warmup_secs,
            duration_secs,
            max_requests,
            timeout_secs,
            ids_out,
            report,
            readers,
            no_idempotency_key,
        } => {
            check_loopback(&base)?;
            let targets = read_targets(&targets)?;
            let cfg = LoadConfig {
                base,
                name,
                clients,
                warmup: Duration::from_secs(warmup_secs),
                duration: Duration::from_secs(duration_secs),
                max_requests,
                timeout: Duration::from_secs(timeout_secs),
                readers,
                idempotency_keys: !no_idempotency_key,
            };
            let (out, ids) = rt.block_on(donations(&cfg, targets))?;
            let mut f = std::io::BufWriter::new(std::fs::File::create(&ids_out)?);
            for id in &ids {
                writeln!(f, "{id}")?;
            }
            f.flush()?;
            std::fs::write(&report, serde_json::to_string_pretty(&out)?)?;
            Ok(())
        }
        Command::Summary {
            p1a,
            p1b,
            ceiling_spread,
            ceiling_shared,
            checks,
            tet,
            p3,
            p4,
            p5,
            p2_alone,
            meta,
            out,
        } => {
            let code = summary(
                Reports {
                    p1a: &p1a,
                    p1b: &p1b,
                    tet: tet.as_deref(),
                    p3: p3.as_deref(),
                    p4: p4.as_deref(),
                    p5: p5.as_deref(),
                    p2_alone: p2_alone.as_deref(),
                    checks: &checks,
                },
                ceiling_spread,
                ceiling_shared,
                meta.as_deref(),
                &out,
            )?;
            std::process::exit(code);
        }
    }
}

/// Load goes to this machine only.
fn check_loopback(base: &str) -> anyhow::Result<()> {
    let rest = base
        .strip_prefix("http://")
        .context("--base must be http://127.x.x.x:PORT")?;
    let host = rest.split(['/', ':']).next().unwrap_or("");
    if host == "localhost" || host.starts_with("127.") {
        Ok(())
    } else {
        bail!("--base must point at the loopback range, not {host}")
    }
}

fn client(pool: usize, timeout: Duration) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .pool_max_idle_per_host(pool)
        .tcp_nodelay(true)
        .timeout(timeout)
        .build()?)
}

// ---------------------------------------------------------------- setup

async fn setup(
    base: &str,
    password_file: &std::path::Path,
    plan: &std::path::Path,
    out_dir: &std::path::Path,
) -> anyhow::Result<()> {
    check_loopback(base)?;
    let password = std::fs::read_to_string(password_file)?.trim().to_owned();
    let http = client(8, Duration::from_secs(30))?;
    let plan_text = std::fs::read_to_string(plan)?;
    let rows: Vec<(String, String, String)> = plan_text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut p = l.split_whitespace();
            let mut next = || {
                p.next()
                    .map(str::to_owned)
                    .context("plan line: name username unit_code")
            };
            Ok((next()?, next()?, next()?))
        })
        .collect::<anyhow::Result<_>>()?;
    if rows.len() > 10_000 {
        bail!("plan too long");
    }

    // sign-ins are argon2-bound: a few at a time
    let mut users: Vec<String> = rows.iter().map(|r| r.1.clone()).collect();
    users.sort();
    users.dedup();
    let tokens: BTreeMap<String, String> = stream::iter(users)
        .map(|u| {
            let http = http.clone();
            let password = password.clone();
            async move {
                let res = http
                    .post(format!("{base}/v1/auth/token"))
                    .json(&json!({"username": u, "password": password}))
                    .send()
                    .await?;
                let status = res.status();
                let body: Value = res.json().await?;
                let token = body["access_token"]
                    .as_str()
                    .with_context(|| format!("sign-in of {u}: {status} {body}"))?;
                anyhow::Ok((u, token.to_owned()))
            }
        })
        .buffer_unordered(4)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<_>>()?;

    let started = Instant::now();
    let results: Vec<(usize, String, String)> = stream::iter(rows.iter().enumerate())
        .map(|(i, (name, user, code))| {
            let http = http.clone();
            let token = tokens[user].clone();
            async move {
                let res = http
                    .get(format!("{base}/v1/units/by-code/{code}"))
                    .bearer_auth(&token)
                    .send()
                    .await?;
                let status = res.status();
                let unit: Value = res.json().await?;
                let unit_id = unit["id"]
                    .as_str()
                    .with_context(|| format!("unit {code}: {status} {unit}"))?
                    .to_owned();
                let res = http
                    .post(format!("{base}/v1/units/{unit_id}/bank-accounts"))
                    .bearer_auth(&token)
                    .json(&json!({
                        "bank_bin": "970436",
                        "bank_name": "Vietcombank",
                        "account_number": format!("10{:08}", i + 1),
                        "account_name": "QUY VI NGUOI NGHEO",
                    }))
                    .send()
                    .await?;
                let status = res.status();
                let bank: Value = res.json().await?;
                let bank_id = bank["id"]
                    .as_str()
                    .with_context(|| format!("bank account of {code}: {status} {bank}"))?;
                anyhow::Ok((i, name.clone(), format!("{unit_id} {bank_id} {token}")))
            }
        })
        .buffer_unordered(4)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<_>>()?;
    let mut by_name: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
    for (i, name, line) in results {
        by_name.entry(name).or_default().push((i, line));
    }
    for (name, mut lines) in by_name {
        lines.sort();
        let text: String = lines.into_iter().map(|(_, l)| l + "\n").collect();
        std::fs::write(out_dir.join(format!("{name}.targets")), text)?;
    }
    println!(
        "setup: {} users signed in, {} bank accounts in {:.1}s",
        tokens.len(),
        rows.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

// ---------------------------------------------------------------- load

struct LoadConfig {
    base: String,
    name: String,
    clients: usize,
    warmup: Duration,
    duration: Duration,
    max_requests: u64,
    timeout: Duration,
    readers: usize,
    idempotency_keys: bool,
}

#[derive(Clone)]
struct Target {
    unit_id: String,
    bank_account_id: String,
    token: String,
}

fn read_targets(path: &std::path::Path) -> anyhow::Result<Vec<Target>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let targets: Vec<Target> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let p: Vec<&str> = l.split_whitespace().collect();
            match p.as_slice() {
                [u, b, t] => Ok(Target {
                    unit_id: u.to_string(),
                    bank_account_id: b.to_string(),
                    token: t.to_string(),
                }),
                _ => bail!("target line: unit_id bank_account_id token"),
            }
        })
        .collect::<anyhow::Result<_>>()?;
    if targets.is_empty() {
        bail!("no targets in {}", path.display());
    }
    Ok(targets)
}

/// What one client saw.
struct Tally {
    /// Latency (µs) of requests that completed inside the measured window.
    hist: Histogram<u64>,
    /// Completed inside the window.
    requests: u64,
    successes: u64,
    /// Status (or `timeout`/`connect`/…) → count, over the whole run.
    errors: BTreeMap<String, u64>,
    /// Errors of the measured window only.
    window_errors: u64,
    /// The ids of every 201, warm-up included.
    ids: Vec<String>,
    /// A few error bodies to show.
    samples: Vec<String>,
    total_requests: u64,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            hist: Histogram::new_with_bounds(1, 120_000_000, 3).expect("static histogram bounds"),
            requests: 0,
            successes: 0,
            errors: BTreeMap::new(),
            window_errors: 0,
            ids: Vec::new(),
            samples: Vec::new(),
            total_requests: 0,
        }
    }

    fn merge(&mut self, o: Tally) {
        self.hist.add(&o.hist).expect("same bounds");
        self.requests += o.requests;
        self.successes += o.successes;
        for (k, v) in o.errors {
            *self.errors.entry(k).or_default() += v;
        }
        self.window_errors += o.window_errors;
        self.ids.extend(o.ids);
        for s in o.samples {
            if self.samples.len() < 8 {
                self.samples.push(s);
            }
        }
        self.total_requests += o.total_requests;
    }

    /// Records one finished request; `ok` when it got the expected status.
    fn record(
        &mut self,
        in_window: bool,
        latency: Duration,
        outcome: Result<u16, String>,
        expected: u16,
    ) {
        self.total_requests += 1;
        let failed = match &outcome {
            Ok(s) if *s == expected => None,
            Ok(s) => Some(s.to_string()),
            Err(kind) => Some(kind.clone()),
        };
        if let Some(kind) = &failed {
            *self.errors.entry(kind.clone()).or_default() += 1;
        }
        if in_window {
            self.requests += 1;
            self.hist
                .saturating_record(latency.as_micros().max(1) as u64);
            if failed.is_none() {
                self.successes += 1;
            } else {
                self.window_errors += 1;
            }
        }
    }

    fn to_json(&self, seconds: f64) -> Value {
        let ms = |q: f64| self.hist.value_at_quantile(q) as f64 / 1000.0;
        json!({
            "requests": self.requests,
            "successes": self.successes,
            "errors_in_window": self.window_errors,
            "errors_total": self.errors.values().sum::<u64>(),
            "errors_by_status": self.errors,
            "requests_total": self.total_requests,
            "throughput_per_s": self.successes as f64 / seconds,
            "latency_ms": {
                "p50": ms(0.50),
                "p90": ms(0.90),
                "p99": ms(0.99),
                "max": self.hist.max() as f64 / 1000.0,
                "mean": self.hist.mean() / 1000.0,
            },
            "error_samples": self.samples,
        })
    }
}

fn failure_kind(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timeout".into()
    } else if e.is_connect() {
        "connect".into()
    } else if e.is_body() || e.is_decode() {
        "body".into()
    } else {
        "io".into()
    }
}

const DONOR_NAMES: [&str; 4] = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Hoàng Cường",
    "Phạm Thu Dung",
];

async fn donations(cfg: &LoadConfig, targets: Vec<Target>) -> anyhow::Result<(Value, Vec<String>)> {
    let http = client(cfg.clients + cfg.readers + 4, cfg.timeout)?;
    let targets = Arc::new(targets);
    // unique per run, so references and idempotency keys never repeat across runs either
    let run = format!("{:08x}", rand::random::<u32>());
    let seq = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let window_start = start + cfg.warmup;
    let end = window_start + cfg.duration;
    let seconds = cfg.duration.as_secs_f64();

    let read_mode = if cfg.readers > 0 {
        Some(probe_reads(&http, &cfg.base, &targets[0]).await?)
    } else {
        None
    };
    if let Some(mode) = &read_mode {
        println!("{}: P2 readers read {}", cfg.name, mode.describe());
    }
    println!(
        "{}: {} clients over {} unit(s), {}s warm-up + {}s measured{}",
        cfg.name,
        cfg.clients,
        targets.len(),
        cfg.warmup.as_secs(),
        cfg.duration.as_secs(),
        if cfg.readers > 0 {
            format!(", {} P2 readers", cfg.readers)
        } else {
            String::new()
        }
    );

    let mut writers = Vec::new();
    for _ in 0..cfg.clients {
        let http = http.clone();
        let targets = targets.clone();
        let seq = seq.clone();
        let base = cfg.base.clone();
        let run = run.clone();
        let max = cfg.max_requests;
        let keys = cfg.idempotency_keys;
        writers.push(tokio::spawn(async move {
            let mut t = Tally::new();
            loop {
                let sent = Instant::now();
                if sent >= end {
                    break;
                }
                let n = seq.fetch_add(1, Ordering::Relaxed);
                if n >= max {
                    break;
                }
                let target = &targets[(n % targets.len() as u64) as usize];
                let body = json!({
                    "unit_id": target.unit_id,
                    "channel": "bank_transfer",
                    "amount": "500000",
                    "donor": {"kind": "individual", "name": DONOR_NAMES[(n % 4) as usize]},
                    "public_display": "name",
                    "bank_account_id": target.bank_account_id,
                    "bank_reference": format!("FT{run}{n:010}"),
                });
                let mut req = http
                    .post(format!("{base}/v1/donations"))
                    .bearer_auth(&target.token);
                if keys {
                    req = req.header("Idempotency-Key", format!("bench-{run}-{n}"));
                }
                let res = req.json(&body).send().await;
                let outcome = match res {
                    Ok(res) => {
                        let status = res.status().as_u16();
                        match res.bytes().await {
                            Ok(bytes) => {
                                if status == 201 {
                                    match serde_json::from_slice::<Value>(&bytes)
                                        .ok()
                                        .and_then(|v| v["id"].as_str().map(str::to_owned))
                                    {
                                        Some(id) => t.ids.push(id),
                                        None => t.samples.push(format!(
                                            "201 without an id: {}",
                                            String::from_utf8_lossy(&bytes)
                                        )),
                                    }
                                } else if t.samples.len() < 4 {
                                    t.samples.push(format!(
                                        "{status}: {}",
                                        String::from_utf8_lossy(&bytes)
                                    ));
                                }
                                Ok(status)
                            }
                            Err(e) => Err(failure_kind(&e)),
                        }
                    }
                    Err(e) => {
                        if t.samples.len() < 4 {
                            t.samples.push(format!("{e}"));
                        }
                        Err(failure_kind(&e))
                    }
                };
                let done = Instant::now();
                t.record(
                    done >= window_start && done <= end,
                    done - sent,
                    outcome,
                    201,
                );
            }
            t
        }));
    }

    let mut readers = Vec::new();
    if let Some(mode) = &read_mode {
        for _ in 0..cfg.readers {
            let http = http.clone();
            let base = cfg.base.clone();
            let target = targets[0].clone();
            let paths = mode.paths(&target.unit_id);
            let max = cfg.max_requests;
            readers.push(tokio::spawn(async move {
                let mut per_path: Vec<Tally> = paths.iter().map(|_| Tally::new()).collect();
                let mut n: u64 = 0;
                while n < max {
                    let i = (n % paths.len() as u64) as usize;
                    n += 1;
                    let sent = Instant::now();
                    if sent >= end {
                        break;
                    }
                    let res = http
                        .get(format!("{base}{}", paths[i]))
                        .bearer_auth(&target.token)
                        .send()
                        .await;
                    let outcome = match res {
                        Ok(res) => {
                            let status = res.status().as_u16();
                            match res.bytes().await {
                                Ok(bytes) => {
                                    if status != 200 && per_path[i].samples.len() < 4 {
                                        per_path[i].samples.push(format!(
                                            "{status}: {}",
                                            String::from_utf8_lossy(&bytes)
                                        ));
                                    }
                                    Ok(status)
                                }
                                Err(e) => Err(failure_kind(&e)),
                            }
                        }
                        Err(e) => Err(failure_kind(&e)),
                    };
                    let done = Instant::now();
                    per_path[i].record(
                        done >= window_start && done <= end,
                        done - sent,
                        outcome,
                        200,
                    );
                }
                per_path
            }));
        }
    }

    // progress, once a second, bounded by the run's own end (plus the request timeout)
    let progress_seq = seq.clone();
    let name = cfg.name.clone();
    let deadline = end + cfg.timeout;
    let progress = tokio::spawn(async move {
        let mut last = 0;
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        tick.tick().await;
        while Instant::now() < deadline {
            tick.tick().await;
            let now = progress_seq.load(Ordering::Relaxed);
            let phase = if Instant::now() < window_start {
                "warm-up"
            } else {
                "measuring"
            };
            eprintln!(
                "{name}: {:>5.1}s {phase}: {} requests sent ({}/s)",
                start.elapsed().as_secs_f64(),
                now,
                (now - last) / 5
            );
            last = now;
        }
    });

    let mut all = Tally::new();
    for w in writers {
        all.merge(w.await?);
    }
    let mut reads: Vec<Tally> = Vec::new();
    for r in readers {
        for (i, t) in r.await?.into_iter().enumerate() {
            if reads.len() <= i {
                reads.push(Tally::new());
            }
            reads[i].merge(t);
        }
    }
    progress.abort();

    let mut report = all.to_json(seconds);
    report["scenario"] = json!(cfg.name);
    report["clients"] = json!(cfg.clients);
    report["units"] = json!(targets.len());
    report["warmup_s"] = json!(cfg.warmup.as_secs());
    report["duration_s"] = json!(cfg.duration.as_secs());
    report["ids_recorded"] = json!(all.ids.len());
    report["idempotency_keys"] = json!(cfg.idempotency_keys);
    print_line(&cfg.name, &report);
    if let Some(mode) = read_mode {
        let mut combined = Tally::new();
        let mut by_endpoint = serde_json::Map::new();
        for (path, t) in mode.labels().into_iter().zip(reads) {
            let j = t.to_json(seconds);
            print_line(&format!("  P2 {path}"), &j);
            by_endpoint.insert(path.to_owned(), j);
            combined.merge(t);
        }
        let mut p2 = combined.to_json(seconds);
        p2["readers"] = json!(cfg.readers);
        p2["mode"] = json!(mode.describe());
        p2["fallback"] = json!(matches!(mode, ReadMode::UnitOnly));
        p2["by_endpoint"] = Value::Object(by_endpoint);
        print_line("  P2 (all reads)", &p2);
        report["p2"] = p2;
    }
    for s in &all.samples {
        println!(
            "  sample error: {}",
            s.chars().take(400).collect::<String>()
        );
    }
    Ok((report, all.ids))
}

fn print_line(label: &str, r: &Value) {
    let l = &r["latency_ms"];
    println!(
        "{label:<28} requests {:>7}  ok {:>7}  errors {:>5} {}  {:>8.1}/s  p50 {:>6.2}  p90 {:>6.2}  p99 {:>6.2}  max {:>7.2} ms",
        r["requests"],
        r["successes"],
        r["errors_total"],
        r["errors_by_status"],
        r["throughput_per_s"].as_f64().unwrap_or(0.0),
        l["p50"].as_f64().unwrap_or(0.0),
        l["p90"].as_f64().unwrap_or(0.0),
        l["p99"].as_f64().unwrap_or(0.0),
        l["max"].as_f64().unwrap_or(0.0),
    );
}

enum ReadMode {
    BalancesAndAccounts,
    /// The ledger read endpoints are not there yet: read the unit itself.
    UnitOnly,
}

impl ReadMode {
    fn paths(&self, unit: &str) -> Vec<String> {
        match self {
            ReadMode::BalancesAndAccounts => vec![
                format!("/v1/units/{unit}/balances"),
                format!("/v1/units/{unit}/accounts"),
            ],
            ReadMode::UnitOnly => vec![format!("/v1/units/{unit}")],
        }
    }

    fn labels(&self) -> Vec<&'static str> {
        match self {
            ReadMode::BalancesAndAccounts => {
                vec!["GET /v1/units/{id}/balances", "GET /v1/units/{id}/accounts"]
            }
            ReadMode::UnitOnly => vec!["GET /v1/units/{id}"],
        }
    }

    fn describe(&self) -> &'static str {
        match self {
            ReadMode::BalancesAndAccounts => {
                "GET /v1/units/{id}/balances and GET /v1/units/{id}/accounts"
            }
            ReadMode::UnitOnly => {
                "GET /v1/units/{id} (FALLBACK: the balances/accounts endpoints answered 404)"
            }
        }
    }
}

async fn probe_reads(
    http: &reqwest::Client,
    base: &str,
    target: &Target,
) -> anyhow::Result<ReadMode> {
    for path in ReadMode::BalancesAndAccounts.paths(&target.unit_id) {
        let res = http
            .get(format!("{base}{path}"))
            .bearer_auth(&target.token)
            .send()
            .await?;
        match res.status().as_u16() {
            200 => {}
            404 | 405 => return Ok(ReadMode::UnitOnly),
            s => bail!(
                "probe of {path}: {s} {}",
                res.text().await.unwrap_or_default()
            ),
        }
    }
    Ok(ReadMode::BalancesAndAccounts)
}

// ---------------------------------------------------------------- summary

struct Row {
    what: String,
    value: String,
    bar: String,
    ok: bool,
    /// A miss that is about correctness (errors, checks) rather than speed.
    correctness: bool,
}

/// The files the scenarios and the checks wrote.
struct Reports<'a> {
    p1a: &'a std::path::Path,
    p1b: &'a std::path::Path,
    tet: Option<&'a std::path::Path>,
    p3: Option<&'a std::path::Path>,
    p4: Option<&'a std::path::Path>,
    p5: Option<&'a std::path::Path>,
    p2_alone: Option<&'a std::path::Path>,
    checks: &'a std::path::Path,
}

fn summary(
    Reports {
        p1a,
        p1b,
        tet,
        p3,
        p4,
        p5,
        p2_alone,
        checks,
    }: Reports<'_>,
    ceiling_spread: f64,
    ceiling_shared: f64,
    meta: Option<&std::path::Path>,
    out: &std::path::Path,
) -> anyhow::Result<i32> {
    let a: Value = serde_json::from_str(&std::fs::read_to_string(p1a)?)?;
    let b: Value = serde_json::from_str(&std::fs::read_to_string(p1b)?)?;
    let f = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    let mut rows = Vec::new();
    let mut push = |what: &str, value: String, bar: &str, ok: bool, correctness: bool| {
        rows.push(Row {
            what: what.into(),
            value,
            bar: bar.into(),
            ok,
            correctness,
        })
    };

    push(
        "ceiling, one shared row (pgbench)",
        format!("{ceiling_shared:.0} tps"),
        "(baseline)",
        ceiling_shared > 0.0,
        false,
    );
    push(
        "ceiling, no shared row (pgbench)",
        format!("{ceiling_spread:.0} tps"),
        "(baseline)",
        ceiling_spread > 0.0,
        false,
    );

    let a_tp = f(&a["throughput_per_s"]);
    let a_ratio = a_tp / ceiling_shared;
    push(
        "P1a throughput",
        format!("{a_tp:.0}/s"),
        ">= 1000/s",
        a_tp >= 1000.0,
        false,
    );
    push(
        "P1a / one-shared-row ceiling",
        format!("{:.0}%", a_ratio * 100.0),
        ">= 70%",
        a_ratio >= 0.70,
        false,
    );
    push(
        "P1a / one-shared-row (issue 12)",
        format!("{:.0}%", a_ratio * 100.0),
        ">= 90%",
        a_ratio >= 0.90,
        false,
    );
    let a_p99 = f(&a["latency_ms"]["p99"]);
    push(
        "P1a p99",
        format!("{a_p99:.1} ms"),
        "<= 50 ms",
        a_p99 <= 50.0,
        false,
    );
    let a_err = a["errors_total"].as_u64().unwrap_or(u64::MAX);
    push(
        "P1a errors",
        format!("{a_err} {}", a["errors_by_status"]),
        "0",
        a_err == 0,
        true,
    );

    let b_tp = f(&b["throughput_per_s"]);
    let b_ratio = b_tp / ceiling_spread;
    push(
        "P1b throughput",
        format!("{b_tp:.0}/s"),
        ">= 2000/s",
        b_tp >= 2000.0,
        false,
    );
    push(
        "P1b / no-shared-row ceiling",
        format!("{:.0}%", b_ratio * 100.0),
        ">= 50%",
        b_ratio >= 0.50,
        false,
    );
    push(
        "P1b / no-shared-row (issue 12)",
        format!("{:.0}%", b_ratio * 100.0),
        ">= 70%",
        b_ratio >= 0.70,
        false,
    );
    let b_p99 = f(&b["latency_ms"]["p99"]);
    push(
        "P1b p99",
        format!("{b_p99:.1} ms"),
        "<= 50 ms",
        b_p99 <= 50.0,
        false,
    );
    let b_err = b["errors_total"].as_u64().unwrap_or(u64::MAX);
    push(
        "P1b errors",
        format!("{b_err} {}", b["errors_by_status"]),
        "0",
        b_err == 0,
        true,
    );

    let p2 = &a["p2"];
    if p2.is_object() {
        let p2_p99 = f(&p2["latency_ms"]["p99"]);
        let label = if p2["fallback"].as_bool() == Some(true) {
            "P2 p99 (FALLBACK: GET /v1/units/{id})"
        } else {
            "P2 p99 (balances + accounts)"
        };
        push(
            label,
            format!("{p2_p99:.1} ms ({:.0} reads/s)", f(&p2["throughput_per_s"])),
            "<= 20 ms",
            p2_p99 <= 20.0,
            false,
        );
        if let Some(path) = p2_alone {
            let alone: Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
            let alone_p99 = f(&alone["p2"]["latency_ms"]["p99"]);
            push(
                "P2 p99 / reads alone p99 (issue 12)",
                format!(
                    "{:.1}x ({p2_p99:.1} / {alone_p99:.1} ms)",
                    p2_p99 / alone_p99
                ),
                "<= 2x",
                p2_p99 <= 2.0 * alone_p99,
                false,
            );
        }
        let p2_err = p2["errors_total"].as_u64().unwrap_or(u64::MAX);
        push(
            "P2 errors",
            format!("{p2_err} {}", p2["errors_by_status"]),
            "0",
            p2_err == 0,
            true,
        );
    } else {
        push("P2", "not measured".into(), "<= 20 ms", false, false);
    }

    // the Tết batch: "created, approved and disbursed in seconds, not minutes"
    match tet.map(std::fs::read_to_string).transpose()? {
        Some(text) => {
            let t: Value = serde_json::from_str(&text)?;
            let ms = |k: &str| f(&t["steps_ms"][k]);
            let total_s = f(&t["total_ms"]) / 1000.0;
            push(
                &format!("Tết batch of {} households, all steps", t["households"]),
                format!(
                    "{total_s:.1} s (create {:.0}, approve {:.0}, disburse {:.0}, deliver {:.0}, close {:.0} ms)",
                    ms("create"),
                    ms("approve"),
                    ms("disburse"),
                    ms("deliver_all"),
                    ms("close")
                ),
                "<= 60 s",
                total_s <= 60.0,
                false,
            );
            let again = t["repeat_sync_recorded"].as_u64().unwrap_or(u64::MAX);
            push(
                "Tết delivery sync sent twice: recorded again",
                format!("{again} ({:.0} ms)", ms("deliver_all_again")),
                "0",
                again == 0,
                true,
            );
        }
        None => push("Tết batch", "not measured".into(), "<= 60 s", false, false),
    }

    // P3: a 200,000-line statement imported, then the same file again (adds nothing)
    match p3.map(std::fs::read_to_string).transpose()? {
        Some(text) => {
            let p: Value = serde_json::from_str(&text)?;
            let lines = p["lines"].as_u64().unwrap_or(0);
            let (import_s, reimport_s) = (f(&p["import_s"]), f(&p["reimport_s"]));
            let first_new = p["first_new"].as_u64();
            let imported = first_new == Some(lines) && p["totals_match"].as_bool() != Some(false);
            push(
                &format!("P3 import {} lines", thousands(lines)),
                format!(
                    "{import_s:.1} s ({} new, HTTP {})",
                    first_new.map_or("?".into(), thousands),
                    p["http_status"][0]
                ),
                "<= 10 s",
                imported && import_s <= 10.0,
                false,
            );
            push(
                "P3 import: every line new, totals as generated",
                format!(
                    "{} of {}",
                    first_new.map_or("?".into(), thousands),
                    thousands(lines)
                ),
                "all",
                imported,
                true,
            );
            let reimport_new = p["reimport_new"].as_u64();
            push(
                "P3 re-import",
                format!("{reimport_s:.1} s (HTTP {})", p["http_status"][1]),
                "<= 10 s",
                reimport_new.is_some() && reimport_s <= 10.0,
                false,
            );
            push(
                "P3 re-import adds",
                reimport_new.map_or("? (failed)".into(), |n| format!("{n} lines")),
                "0",
                reimport_new == Some(0),
                true,
            );
        }
        None => push(
            "P3 statement import",
            "not measured".into(),
            "<= 10 s",
            false,
            false,
        ),
    }

    // P4: donations created from the 200,000-line statement's unmatched credits, one request
    match p4.map(std::fs::read_to_string).transpose()? {
        Some(text) => {
            let p: Value = serde_json::from_str(&text)?;
            let created = p["created"].as_u64();
            let seconds = f(&p["seconds"]);
            let ok = p["http_status"].as_u64() == Some(201) && created.is_some_and(|n| n > 0);
            push(
                "P4 donations from 200,000 credits",
                format!(
                    "{seconds:.1} s ({} created, HTTP {})",
                    created.map_or("?".into(), thousands),
                    p["http_status"]
                ),
                "<= 60 s",
                ok && seconds <= 60.0,
                false,
            );
        }
        None => push(
            "P4 donations from 200,000 credits",
            "not measured".into(),
            "<= 60 s",
            false,
            false,
        ),
    }

    // P5: each export of the 1,000,000-posting fund, to its last byte, with the server's memory
    match p5.map(std::fs::read_to_string).transpose()? {
        Some(text) => {
            let p: Value = serde_json::from_str(&text)?;
            let postings = p["postings"].as_u64().unwrap_or(0);
            let baseline = f(&p["baseline_copy_s"]);
            for e in p["exports"].as_array().into_iter().flatten() {
                let format = e["format"].as_str().unwrap_or("?");
                // quality.md sets the bars for CSV and hledger; XLSX and JSON lines are shown
                let barred = matches!(format, "csv" | "hledger");
                let seconds = f(&e["seconds"]);
                let grew_mib = (f(&e["rss_peak_kib"]) - f(&e["rss_before_kib"])) / 1024.0;
                let complete = e["http_status"].as_u64() == Some(200)
                    && (e["postings"].is_null() || e["postings"].as_u64() == Some(postings));
                push(
                    &format!("P5 export {format}, {} postings", thousands(postings)),
                    format!(
                        "{seconds:.1} s, {:.0} MiB (PostgreSQL alone {baseline:.1} s)",
                        f(&e["bytes"]) / 1_048_576.0
                    ),
                    if barred { "<= 15 s" } else { "(shown)" },
                    complete && (!barred || seconds <= 15.0),
                    false,
                );
                push(
                    &format!("P5 export {format}: every posting, HTTP 200"),
                    format!(
                        "{} of {} (HTTP {})",
                        e["postings"]
                            .as_u64()
                            .map_or("not counted".into(), thousands),
                        thousands(postings),
                        e["http_status"]
                    ),
                    "all",
                    complete,
                    true,
                );
                if let Some(ok) = e["offline_check_ok"].as_bool() {
                    push(
                        &format!("P5 {format} checked offline (ledger check-export)"),
                        format!(
                            "{:.1} s, every seal recomputed: {}",
                            f(&e["offline_check_s"]),
                            if ok { "ok" } else { "MISMATCH" }
                        ),
                        "ok",
                        ok,
                        true,
                    );
                }
                push(
                    &format!("P5 export {format}: server memory growth"),
                    format!("{grew_mib:.1} MiB"),
                    if barred { "<= 100 MiB" } else { "(shown)" },
                    !barred || grew_mib <= 100.0,
                    false,
                );
            }
        }
        None => push(
            "P5 ledger export of 1,000,000 postings",
            "not measured".into(),
            "<= 15 s",
            false,
            false,
        ),
    }

    let checks_text = std::fs::read_to_string(checks)?;
    let mut check_json = Vec::new();
    for line in checks_text.lines().filter(|l| !l.trim().is_empty()) {
        let mut p = line.splitn(3, '\t');
        let (name, state, detail) = (
            p.next().unwrap_or(""),
            p.next().unwrap_or(""),
            p.next().unwrap_or(""),
        );
        let ok = state == "ok";
        push(
            &format!("check: {name}"),
            detail.to_owned(),
            "holds",
            ok,
            true,
        );
        check_json.push(json!({"name": name, "ok": ok, "detail": detail}));
    }
    if check_json.is_empty() {
        push("checks", "none ran".into(), "holds", false, true);
    }

    let width = rows
        .iter()
        .map(|r| r.what.chars().count())
        .max()
        .unwrap_or(10);
    let vwidth = rows
        .iter()
        .map(|r| r.value.chars().count())
        .max()
        .unwrap_or(10)
        .min(60);
    println!();
    println!(
        "{:<width$}  {:<vwidth$}  {:<10}  result",
        "what", "measured", "bar"
    );
    println!("{}", "-".repeat(width + vwidth + 22));
    for r in &rows {
        let verdict = if r.bar == "(baseline)" {
            ""
        } else if r.ok {
            "ok"
        } else {
            "MISS"
        };
        println!(
            "{:<width$}  {:<vwidth$}  {:<10}  {verdict}",
            r.what, r.value, r.bar
        );
    }
    let correctness_failed = rows.iter().any(|r| r.correctness && !r.ok);
    let speed_missed = rows
        .iter()
        .any(|r| !r.correctness && !r.ok && r.bar != "(baseline)");
    let verdict = if correctness_failed {
        "FAIL: errors or failed checks"
    } else if speed_missed {
        "bars missed (correct, but not fast enough)"
    } else {
        "all bars met"
    };
    println!("\nverdict: {verdict}");

    let meta: Value = match meta {
        Some(p) => serde_json::from_str(&std::fs::read_to_string(p)?)?,
        None => json!({}),
    };
    let results = json!({
        "meta": meta,
        "ceilings_tps": {"one_shared_row": ceiling_shared, "no_shared_row": ceiling_spread},
        "p1a": {"report": a, "ratio_to_one_shared_row_ceiling": a_ratio,
                "bars": {"throughput": a_tp >= 1000.0, "ratio": a_ratio >= 0.70, "p99": a_p99 <= 50.0, "errors": a_err == 0}},
        "p1b": {"report": b, "ratio_to_no_shared_row_ceiling": b_ratio,
                "bars": {"throughput": b_tp >= 2000.0, "ratio": b_ratio >= 0.50, "p99": b_p99 <= 50.0, "errors": b_err == 0}},
        "p2": p2,
        "checks": check_json,
        "rows": rows.iter().map(|r| json!({"what": r.what, "measured": r.value, "bar": r.bar, "ok": r.ok})).collect::<Vec<_>>(),
        "verdict": verdict,
    });
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(out, serde_json::to_string_pretty(&results)?)?;
    println!("results: {}", out.display());
    Ok(if correctness_failed {
        1
    } else if speed_missed {
        2
    } else {
        0
    })
}

/// `200000` → `200,000`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
