//! The Tết-batch scenario of `bench/run.sh` (issue: "a batch of 5,000 households is created,
//! approved and disbursed in seconds, not minutes"). Signs in the commune's officer, approver
//! and finance officer, funds the commune, registers N households, then times each step of one
//! batch over all of them: create, approve, disburse, deliver all (one bulk sync), the same sync
//! again (idempotent: records nothing), close. Writes the step times as JSON.
//!
//! Only the `--base` URL is contacted, and it must be on the loopback range.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context};
use clap::Parser;
use futures_util::stream::{self, StreamExt};
use serde_json::{json, Value};

#[derive(Parser)]
#[command(
    name = "tet_batch",
    about = "doanket Tết-batch scenario (bench/run.sh)"
)]
struct Cli {
    #[arg(long)]
    base: String,
    /// File holding the bench users' shared password.
    #[arg(long)]
    password_file: PathBuf,
    /// Usernames of the commune's officer, approver and finance officer.
    #[arg(long)]
    officer: String,
    #[arg(long)]
    approver: String,
    #[arg(long)]
    accountant: String,
    /// The commune's unit code.
    #[arg(long)]
    unit_code: String,
    #[arg(long, default_value_t = 5_000)]
    households: usize,
    /// Households registered concurrently during the set-up.
    #[arg(long, default_value_t = 16)]
    clients: usize,
    #[arg(long)]
    report: PathBuf,
}

struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    async fn call(&self, token: &str, path: &str, body: &Value) -> anyhow::Result<(u16, Value)> {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(body)
            .send()
            .await?;
        let status = res.status().as_u16();
        Ok((status, res.json().await.unwrap_or(Value::Null)))
    }

    /// POSTs and insists on `want`.
    async fn expect(
        &self,
        token: &str,
        path: &str,
        body: &Value,
        want: u16,
    ) -> anyhow::Result<Value> {
        let (status, json) = self.call(token, path, body).await?;
        if status != want {
            let text = json.to_string();
            bail!("POST {path}: {status} {}", &text[..text.len().min(600)]);
        }
        Ok(json)
    }

    async fn sign_in(&self, username: &str, password: &str) -> anyhow::Result<String> {
        let body = self
            .expect(
                "",
                "/v1/auth/token",
                &json!({"username": username, "password": password}),
                200,
            )
            .await?;
        Ok(body["access_token"]
            .as_str()
            .context("access_token")?
            .to_owned())
    }
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let host = cli
        .base
        .strip_prefix("http://")
        .and_then(|r| r.split(':').next())
        .context("--base must be http://127.x.x.x:PORT")?;
    ensure!(
        host.starts_with("127."),
        "--base must point at the loopback range"
    );
    ensure!(
        (1..=20_000).contains(&cli.households),
        "--households: 1 to 20000"
    );
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?
        .block_on(run(cli))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let api = Api {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .pool_max_idle_per_host(cli.clients)
            .build()?,
        base: cli.base.clone(),
    };
    let password = std::fs::read_to_string(&cli.password_file)?
        .trim()
        .to_owned();
    let officer = api.sign_in(&cli.officer, &password).await?;
    let approver = api.sign_in(&cli.approver, &password).await?;
    let accountant = api.sign_in(&cli.accountant, &password).await?;
    let unit: Value = api
        .http
        .get(format!("{}/v1/units/by-code/{}", cli.base, cli.unit_code))
        .bearer_auth(&officer)
        .send()
        .await?
        .json()
        .await?;
    let unit_id = unit["id"].as_str().context("unit id")?.to_owned();

    // set-up: a Tết campaign, the money, the households
    let campaign = api
        .expect(
            &officer,
            "/v1/campaigns",
            &json!({"unit_id": unit_id, "kind": "tet", "name": "Tết vì người nghèo (bench)",
                    "starts_on": "2026-01-01", "ends_on": "2026-12-31", "restricted": false}),
            201,
        )
        .await?;
    let gift = 500_000u64;
    let total = gift * cli.households as u64;
    api.expect(
        &officer,
        "/v1/donations",
        &json!({"unit_id": unit_id, "channel": "cash", "amount": total.to_string(),
                "received_on": "2026-01-05", "donor": {"kind": "organization", "name": "Bench"},
                "public_display": "name"}),
        201,
    )
    .await?;
    let started = Instant::now();
    let households: Vec<String> = stream::iter(0..cli.households)
        .map(|i| {
            let (api, officer, unit_id) = (&api, &officer, &unit_id);
            async move {
                let body = json!({
                    "unit_id": unit_id, "head_name": format!("Hộ thử {i:05}"),
                    "national_id": format!("{:012}", 900_000_000_000u64 + i as u64),
                    "village": format!("Thôn {}", i % 40), "address": "Bench", "members": 3,
                    "status": "poor", "status_year": 2026});
                let h = api.expect(officer, "/v1/households", &body, 201).await?;
                anyhow::Ok(h["id"].as_str().context("household id")?.to_owned())
            }
        })
        .buffer_unordered(cli.clients)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<_>>()?;
    let register_s = started.elapsed().as_secs_f64();
    println!(
        "tet: registered {} households in {register_s:.1} s ({:.0}/s)",
        households.len(),
        households.len() as f64 / register_s
    );

    // the batch, step by step
    let mut steps = serde_json::Map::new();
    let mut timed = |name: &str, t: Instant| {
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        println!("tet: {name:<22} {ms:>9.0} ms");
        steps.insert(name.to_owned(), json!(ms));
        ms
    };
    let mut total_ms = 0.0;
    let t = Instant::now();
    let batch = api
        .expect(
            &officer,
            "/v1/tet-batches",
            &json!({"campaign_id": campaign["id"], "unit_id": unit_id,
                    "gift": {"cash_amount": gift.to_string()}, "household_ids": households,
                    "method": "cash"}),
            201,
        )
        .await?;
    total_ms += timed("create", t);
    let id = batch["id"].as_str().context("batch id")?.to_owned();
    let t = Instant::now();
    api.expect(
        &approver,
        &format!("/v1/tet-batches/{id}/approve"),
        &json!({}),
        200,
    )
    .await?;
    total_ms += timed("approve", t);
    let t = Instant::now();
    api.expect(
        &accountant,
        &format!("/v1/tet-batches/{id}/disburse"),
        &json!({"disbursed_on": "2026-01-20"}),
        200,
    )
    .await?;
    total_ms += timed("disburse", t);
    let deliveries: Vec<Value> = households
        .iter()
        .map(|h| json!({"household_id": h, "delivered_on": "2026-01-25", "ack": {"method": "signature"}}))
        .collect();
    let t = Instant::now();
    let first = api
        .expect(
            &officer,
            &format!("/v1/tet-batches/{id}/deliveries"),
            &json!(deliveries),
            200,
        )
        .await?;
    total_ms += timed("deliver_all", t);
    ensure!(
        first["delivered"] == json!(cli.households),
        "deliveries recorded: {first}"
    );
    let t = Instant::now();
    let again = api
        .expect(
            &officer,
            &format!("/v1/tet-batches/{id}/deliveries"),
            &json!(deliveries),
            200,
        )
        .await?;
    timed("deliver_all_again", t);
    ensure!(
        again["delivered"] == json!(0),
        "a repeated sync recorded: {again}"
    );
    let t = Instant::now();
    let closed = api
        .expect(
            &accountant,
            &format!("/v1/tet-batches/{id}/close"),
            &json!({"closed_on": "2026-02-10"}),
            200,
        )
        .await?;
    total_ms += timed("close", t);
    ensure!(closed["status"] == "closed", "closed: {closed}");
    println!("tet: create + approve + disburse + deliver + close: {total_ms:.0} ms");

    let report = json!({
        "households": cli.households,
        "register_households_s": register_s,
        "steps_ms": steps,
        "total_ms": total_ms,
        "repeat_sync_recorded": again["delivered"],
    });
    std::fs::write(&cli.report, serde_json::to_string_pretty(&report)?)?;
    Ok(())
}
