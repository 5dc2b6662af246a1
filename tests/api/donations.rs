//! Donations (api.md "Campaigns and donations", ledger.md "Money", "Receipts", "Restricted
//! money"): recording by channel with its balanced entry, gapless receipt numbers, idempotent
//! retries, money parsing at the edge, periods and local dates, voids, the receipt register,
//! search and filters, donor privacy, and scope.

use std::collections::HashSet;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::helpers::{
    assert_problem, cash_donation, spawn_app, spawn_app_with, TestApp, COMMUNE, PROVINCE,
    RECEIVED_ON, SIBLING_COMMUNE,
};

/// The journal entry with its postings, read by `token`.
async fn entry(app: &TestApp, token: &str, id: &Value) -> Value {
    let res = app
        .get(&format!("/v1/journal/{}", id.as_str().unwrap()), token)
        .await;
    assert_eq!(res.status(), 200, "journal entry readable");
    res.json().await.unwrap()
}

/// `(account_code, side, amount, campaign_id)` of each posting, sorted.
fn postings(entry: &Value) -> Vec<(String, String, String, Value)> {
    let mut lines: Vec<_> = entry["postings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["account_code"].as_str().unwrap().to_owned(),
                p["side"].as_str().unwrap().to_owned(),
                p["amount"].as_str().unwrap().to_owned(),
                p["campaign_id"].clone(),
            )
        })
        .collect();
    lines.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    lines
}

fn line(code: &str, side: &str, amount: &str) -> (String, String, String, Value) {
    (
        code.to_owned(),
        side.to_owned(),
        amount.to_owned(),
        Value::Null,
    )
}

async fn balances(app: &TestApp, token: &str, unit_id: Uuid) -> Value {
    let res = app
        .get(&format!("/v1/units/{unit_id}/balances"), token)
        .await;
    assert_eq!(res.status(), 200, "balances readable");
    res.json().await.unwrap()
}

fn receipt_numbers(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["receipt_number"].as_str().unwrap().to_owned())
        .collect()
}

fn instant(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .with_timezone(&Utc)
}

/// The hash the service binds an idempotency key to: method and path, a NUL, canonical JSON.
fn request_hash(path: &str, body: &Value) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(format!("POST {path}").as_bytes());
    hasher.update([0]);
    hasher.update(body.to_string().as_bytes());
    hasher.finalize().to_vec()
}

async fn void(app: &TestApp, token: &str, donation: &Value) -> reqwest::Response {
    let id = donation["id"].as_str().unwrap();
    app.post(
        &format!("/v1/donations/{id}/void"),
        token,
        &json!({"reason": "nhập trùng"}),
    )
    .await
}

// ---------------------------------------------------------------- recording by channel

#[tokio::test]
async fn a_cash_donation_is_recorded_with_a_receipt_and_an_entry_debiting_cash() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;

    let res = app
        .post(
            "/v1/donations",
            &officer.token,
            &cash_donation(unit_id, "500000"),
        )
        .await;

    assert_eq!(res.status(), 201);
    let location = res
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let d: Value = res.json().await.unwrap();
    assert_eq!(
        location,
        format!("/v1/donations/{}", d["id"].as_str().unwrap())
    );
    assert_eq!(d["status"], "recorded");
    assert_eq!(d["channel"], "cash");
    assert_eq!(d["amount"], "500000");
    assert_eq!(d["currency"], "VND");
    assert_eq!(d["fx_rate"], Value::Null);
    assert_eq!(d["amount_vnd"], "500000");
    assert_eq!(d["received_on"], RECEIVED_ON);
    assert_eq!(d["unit_id"], unit_id.to_string());
    assert_eq!(d["receipt_number"], "06001-2026-000001");
    assert_eq!(d["donor"]["kind"], "individual");
    assert_eq!(d["donor"]["name"], "Nguyễn Văn A");
    assert_eq!(d["public_display"], "name");
    let e = entry(&app, &officer.token, &d["journal_entry_id"]).await;
    assert_eq!(e["source_type"], "donation");
    assert_eq!(e["source_id"], d["id"]);
    assert_eq!(e["effective_date"], RECEIVED_ON);
    assert_eq!(
        postings(&e),
        [
            line("1111", "debit", "500000"),
            line("5111", "credit", "500000")
        ]
    );
}

#[tokio::test]
async fn a_bank_transfer_debits_the_banks_own_sub_account_and_credits_cash_income() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    app.bank_account(COMMUNE, &accountant.token).await;
    let bank = app.bank_account(COMMUNE, &accountant.token).await;
    assert_eq!(bank["ledger_account_code"], "1121.2");

    let d = app
        .record_donation(
            &officer.token,
            &json!({"unit_id": unit_id, "channel": "bank_transfer", "amount": "2000000", "received_on": RECEIVED_ON,
                    "bank_account_id": bank["id"], "bank_reference": "FT26069123456",
                    "donor": {"kind": "organization", "name": "Công ty TNHH Ánh Dương"}, "public_display": "name"}),
        )
        .await;

    assert_eq!(d["channel"], "bank_transfer");
    assert_eq!(d["bank_account_id"], bank["id"]);
    assert_eq!(d["bank_reference"], "FT26069123456");
    let e = entry(&app, &officer.token, &d["journal_entry_id"]).await;
    assert_eq!(
        postings(&e),
        [
            line("1121.2", "debit", "2000000"),
            line("5111", "credit", "2000000")
        ]
    );
    let b = balances(&app, &officer.token, unit_id).await;
    assert_eq!(
        (b["bank"].as_str(), b["cash"].as_str()),
        (Some("2000000"), Some("0"))
    );
}

#[tokio::test]
async fn a_bank_transfer_without_a_bank_account_is_refused() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let mut body = cash_donation(app.unit_id(COMMUNE).await, "100000");
    body["channel"] = json!("bank_transfer");

    let res = app.post("/v1/donations", &officer.token, &body).await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "bank_account_id");
    assert_eq!(app.donation_count().await, 0);
}

#[tokio::test]
async fn an_in_kind_donation_is_worth_the_sum_of_its_items_and_posts_to_goods() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;

    let d = app
        .record_donation(
            &officer.token,
            &json!({"unit_id": unit_id, "channel": "in_kind", "received_on": RECEIVED_ON,
                    "in_kind_items": [
                        {"description": "Gạo tẻ", "quantity": "50", "unit": "kg", "value": "1000000"},
                        {"description": "Chăn bông", "quantity": "10", "unit": "chiếc", "value": "2500000"}
                    ],
                    "donor": {"kind": "organization", "name": "Hợp tác xã Đồng Tâm"}, "public_display": "name"}),
        )
        .await;

    assert_eq!(d["amount"], "3500000");
    assert_eq!(d["amount_vnd"], "3500000");
    assert_eq!(d["in_kind_items"][1]["description"], "Chăn bông");
    assert_eq!(d["in_kind_items"][1]["value"], "2500000");
    let e = entry(&app, &officer.token, &d["journal_entry_id"]).await;
    assert_eq!(
        postings(&e),
        [
            line("1551", "debit", "3500000"),
            line("5112", "credit", "3500000")
        ]
    );
    assert_eq!(
        balances(&app, &officer.token, unit_id).await["in_kind"],
        "3500000"
    );
}

#[tokio::test]
async fn an_in_kind_amount_that_is_not_the_sum_of_the_items_is_refused() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;

    let res = app
        .post(
            "/v1/donations",
            &officer.token,
            &json!({"unit_id": unit_id, "channel": "in_kind", "amount": "999", "received_on": RECEIVED_ON,
                    "in_kind_items": [{"description": "Gạo", "quantity": "5", "unit": "kg", "value": "100000"}],
                    "donor": {"kind": "anonymous"}, "public_display": "anonymous"}),
        )
        .await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "amount");
}

#[tokio::test]
async fn an_organization_donor_is_recorded_with_its_tax_code() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let mut body = cash_donation(app.unit_id(COMMUNE).await, "10000000");
    body["donor"] = json!({"kind": "organization", "name": "Ngân hàng TMCP Ngoại thương", "tax_code": "0100112437"});

    let d = app.record_donation(&officer.token, &body).await;

    assert_eq!(d["donor"]["kind"], "organization");
    assert_eq!(d["donor"]["name"], "Ngân hàng TMCP Ngoại thương");
    assert_eq!(d["donor"]["tax_code"], "0100112437");
    assert_eq!(d["public_display"], "name");
}

#[tokio::test]
async fn an_anonymous_donor_needs_no_name_and_is_never_displayed_by_name() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let mut body = cash_donation(app.unit_id(COMMUNE).await, "200000");
    body["donor"] = json!({"kind": "anonymous"});
    body["public_display"] = json!("name");

    let d = app.record_donation(&officer.token, &body).await;

    assert_eq!(d["donor"]["kind"], "anonymous");
    assert_eq!(d["donor"]["name"], Value::Null);
    assert_eq!(d["public_display"], "anonymous");
}

#[tokio::test]
async fn a_named_donor_kind_without_a_name_is_refused() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let mut body = cash_donation(app.unit_id(COMMUNE).await, "200000");
    body["donor"] = json!({"kind": "individual"});

    let res = app.post("/v1/donations", &officer.token, &body).await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "donor.name");
}

#[tokio::test]
async fn a_foreign_currency_donation_posts_its_amount_converted_at_its_rate() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let mut body = cash_donation(app.unit_id(COMMUNE).await, "100.50");
    body["currency"] = json!("USD");
    body["fx_rate"] = json!("25400.5");

    let d = app.record_donation(&officer.token, &body).await;

    assert_eq!(d["currency"], "USD");
    assert_eq!(
        Decimal::from_str(d["amount"].as_str().unwrap()).unwrap(),
        Decimal::new(10050, 2)
    );
    assert_eq!(d["fx_rate"], "25400.5");
    // 100.50 × 25400.5 = 2552750.25 → 2552750
    assert_eq!(d["amount_vnd"], "2552750");
    let e = entry(&app, &officer.token, &d["journal_entry_id"]).await;
    assert_eq!(
        postings(&e),
        [
            line("1111", "debit", "2552750"),
            line("5111", "credit", "2552750")
        ]
    );
}

#[tokio::test]
async fn a_foreign_currency_donation_without_a_rate_is_refused() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let mut body = cash_donation(app.unit_id(COMMUNE).await, "100.50");
    body["currency"] = json!("USD");

    let res = app.post("/v1/donations", &officer.token, &body).await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "fx_rate");
    assert_eq!(app.donation_count().await, 0);
}

// ---------------------------------------------------------------- receipt numbers

#[tokio::test]
async fn receipt_numbers_are_the_unit_code_the_year_and_a_six_digit_sequence_per_unit() {
    let app = spawn_app().await;
    let officer = app
        .user_with_roles(&[("officer", COMMUNE), ("officer", SIBLING_COMMUNE)])
        .await;
    let (commune, sibling) = (
        app.unit_id(COMMUNE).await,
        app.unit_id(SIBLING_COMMUNE).await,
    );

    let first = app
        .record_cash_donation(&officer.token, commune, "100000")
        .await;
    let second = app
        .record_cash_donation(&officer.token, commune, "100000")
        .await;
    let other_unit = app
        .record_cash_donation(&officer.token, sibling, "100000")
        .await;
    let mut last_year = cash_donation(commune, "100000");
    last_year["received_on"] = json!("2025-12-31");
    let last_year = app.record_donation(&officer.token, &last_year).await;

    assert_eq!(first["receipt_number"], "06001-2026-000001");
    assert_eq!(second["receipt_number"], "06001-2026-000002");
    assert_eq!(other_unit["receipt_number"], "06004-2026-000001");
    assert_eq!(last_year["receipt_number"], "06001-2025-000001");
}

#[tokio::test]
async fn fifty_concurrent_donations_to_one_unit_get_fifty_consecutive_receipt_numbers() {
    let app = spawn_app_with(|s| s.database_timeout = Duration::from_secs(60)).await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;

    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let client = app.client.clone();
            let url = app.url("/v1/donations");
            let token = officer.token.clone();
            let body = cash_donation(unit_id, &(100_000 + i).to_string());
            tokio::spawn(async move {
                client
                    .post(url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for task in tasks {
        let res = task.await.unwrap();
        assert_eq!(res.status(), 201);
        numbers.push(
            res.json::<Value>().await.unwrap()["receipt_number"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }

    numbers.sort();
    let expected: Vec<String> = (1..=50).map(|n| format!("06001-2026-{n:06}")).collect();
    assert_eq!(numbers, expected);
    let seqs: Vec<i32> = app
        .sql()
        .await
        .query(
            "SELECT receipt_seq FROM donations ORDER BY receipt_seq",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(seqs, (1..=50).collect::<Vec<i32>>());
}

#[tokio::test]
async fn a_refused_duplicate_bank_reference_does_not_burn_a_receipt_number() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    let bank = app.bank_account(COMMUNE, &accountant.token).await;
    let transfer = json!({"unit_id": unit_id, "channel": "bank_transfer", "amount": "300000", "received_on": RECEIVED_ON,
                          "bank_account_id": bank["id"], "bank_reference": "FT26069000001",
                          "donor": {"kind": "individual", "name": "Lê Văn C"}, "public_display": "name"});
    let first = app.record_donation(&officer.token, &transfer).await;

    let again = app.post("/v1/donations", &officer.token, &transfer).await;
    assert_problem(again, 409, "duplicate_bank_reference").await;
    let next = app
        .record_cash_donation(&officer.token, unit_id, "100000")
        .await;

    assert_eq!(first["receipt_number"], "06001-2026-000001");
    assert_eq!(next["receipt_number"], "06001-2026-000002");
    assert_eq!(app.donation_count().await, 2);
}

#[tokio::test]
async fn concurrent_duplicates_of_one_bank_reference_record_once_and_burn_no_numbers() {
    let app = spawn_app_with(|s| s.database_timeout = Duration::from_secs(60)).await;
    let officer = app.user("officer", COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    let bank = app.bank_account(COMMUNE, &accountant.token).await;
    let transfer = json!({"unit_id": unit_id, "channel": "bank_transfer", "amount": "300000", "received_on": RECEIVED_ON,
                          "bank_account_id": bank["id"], "bank_reference": "FT26069000002",
                          "donor": {"kind": "individual", "name": "Lê Văn C"}, "public_display": "name"});

    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (client, url, token, body) = (
                app.client.clone(),
                app.url("/v1/donations"),
                officer.token.clone(),
                transfer.clone(),
            );
            tokio::spawn(async move {
                client
                    .post(url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        let res = task.await.unwrap();
        statuses.push(res.status().as_u16());
        if res.status() == 409 {
            assert_eq!(
                res.json::<Value>().await.unwrap()["code"],
                "duplicate_bank_reference"
            );
        }
    }
    let next = app
        .record_cash_donation(&officer.token, unit_id, "100000")
        .await;

    statuses.sort();
    assert_eq!(statuses, [201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    assert_eq!(next["receipt_number"], "06001-2026-000002");
}

#[tokio::test]
async fn a_donation_refused_in_a_closed_month_does_not_burn_a_receipt_number() {
    let app = spawn_app_with(|s| {
        s.clock = doanket::domain::clock::Clock::fixed(instant("2026-03-15T03:00:00Z"))
    })
    .await;
    let officer = app.user("officer", COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    let closed = app
        .post(
            &format!("/v1/units/{unit_id}/periods/2026-02/close"),
            &accountant.token,
            &json!({}),
        )
        .await;
    assert_eq!(closed.status(), 200);
    let mut february = cash_donation(unit_id, "100000");
    february["received_on"] = json!("2026-02-20");

    let refused = app.post("/v1/donations", &officer.token, &february).await;
    assert_problem(refused, 409, "period_closed").await;
    let next = app
        .record_cash_donation(&officer.token, unit_id, "100000")
        .await;

    assert_eq!(next["receipt_number"], "06001-2026-000001");
    assert_eq!(app.donation_count().await, 1);
}

// ---------------------------------------------------------------- idempotency

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_replays_the_first_response_and_records_nothing() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let body = cash_donation(app.unit_id(COMMUNE).await, "500000");

    let first = app
        .post_with_key("/v1/donations", &officer.token, "retry-1", &body)
        .await;
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    let retry = app
        .post_with_key("/v1/donations", &officer.token, "retry-1", &body)
        .await;

    assert_eq!(retry.status(), 201);
    assert_eq!(retry.headers().get("idempotent-replayed").unwrap(), "true");
    let retry: Value = retry.json().await.unwrap();
    assert_eq!(retry, first);
    assert_eq!(app.donation_count().await, 1);
}

/// Retries racing the first request (a client that timed out and resent at once): the key is
/// claimed inside the donation's own statement, so every copy either does the work or waits for
/// it and replays it (or, if it finds the key still held, is told 409 `idempotency_in_progress`);
/// never two donations, never two receipt numbers.
#[tokio::test]
async fn copies_of_one_request_racing_with_the_same_key_record_one_donation() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let body = cash_donation(app.unit_id(COMMUNE).await, "500000");

    let copies =
        (0..8).map(|_| app.post_with_key("/v1/donations", &officer.token, "race-1", &body));
    let answers = futures_util::future::join_all(copies).await;

    let mut created = Vec::new();
    for answer in answers {
        match answer.status().as_u16() {
            201 => created.push(answer.json::<Value>().await.unwrap()),
            409 => {
                assert_problem(answer, 409, "idempotency_in_progress").await;
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert!(!created.is_empty());
    assert!(created.iter().all(|c| c == &created[0]), "{created:?}");
    assert_eq!(app.donation_count().await, 1);
}

#[tokio::test]
async fn the_same_idempotency_key_with_another_body_is_refused() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    let first = app
        .post_with_key(
            "/v1/donations",
            &officer.token,
            "retry-2",
            &cash_donation(unit_id, "500000"),
        )
        .await;
    assert_eq!(first.status(), 201);

    let other = app
        .post_with_key(
            "/v1/donations",
            &officer.token,
            "retry-2",
            &cash_donation(unit_id, "600000"),
        )
        .await;

    assert_problem(other, 422, "idempotency_key_reused").await;
    assert_eq!(app.donation_count().await, 1);
}

#[tokio::test]
async fn an_idempotency_key_is_per_user() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let colleague = app.user("officer", COMMUNE).await;
    let body = cash_donation(app.unit_id(COMMUNE).await, "500000");
    let first = app
        .post_with_key("/v1/donations", &officer.token, "shared-key", &body)
        .await;
    assert_eq!(first.status(), 201);

    let other_user = app
        .post_with_key("/v1/donations", &colleague.token, "shared-key", &body)
        .await;

    assert_eq!(other_user.status(), 201);
    assert!(other_user.headers().get("idempotent-replayed").is_none());
    assert_eq!(app.donation_count().await, 2);
}

#[tokio::test]
async fn a_request_whose_key_is_still_in_progress_is_refused_with_409() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let body = cash_donation(app.unit_id(COMMUNE).await, "500000");
    // the first attempt is still running: its claim is held and its lock not yet expired
    app.sql()
        .await
        .execute(
            "INSERT INTO idempotency_keys (user_id, key, request_hash, state, locked_until) \
             VALUES ($1, 'busy-key', $2, 'in_progress', now() + interval '1 hour')",
            &[&officer.id, &request_hash("/v1/donations", &body)],
        )
        .await
        .unwrap();

    let res = app
        .post_with_key("/v1/donations", &officer.token, "busy-key", &body)
        .await;

    assert_problem(res, 409, "idempotency_in_progress").await;
    assert_eq!(app.donation_count().await, 0);
}

#[tokio::test]
async fn a_claim_abandoned_past_its_lock_is_taken_over_by_the_retry() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let body = cash_donation(app.unit_id(COMMUNE).await, "500000");
    // the first attempt crashed: its claim's lock has expired
    app.sql()
        .await
        .execute(
            "INSERT INTO idempotency_keys (user_id, key, request_hash, state, locked_until) \
             VALUES ($1, 'crashed-key', $2, 'in_progress', now() - interval '1 second')",
            &[&officer.id, &request_hash("/v1/donations", &body)],
        )
        .await
        .unwrap();

    let res = app
        .post_with_key("/v1/donations", &officer.token, "crashed-key", &body)
        .await;

    assert_eq!(res.status(), 201);
    assert_eq!(app.donation_count().await, 1);
}

#[tokio::test]
async fn a_failed_request_frees_its_key_for_a_corrected_retry_with_the_same_body() {
    let app = spawn_app_with(|s| {
        s.clock = doanket::domain::clock::Clock::fixed(instant("2026-03-15T03:00:00Z"))
    })
    .await;
    let officer = app.user("officer", COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    let mut february = cash_donation(unit_id, "100000");
    february["received_on"] = json!("2026-02-20");
    let closed = app
        .post(
            &format!("/v1/units/{unit_id}/periods/2026-02/close"),
            &accountant.token,
            &json!({}),
        )
        .await;
    assert_eq!(closed.status(), 200);
    let refused = app
        .post_with_key("/v1/donations", &officer.token, "k-feb", &february)
        .await;
    assert_problem(refused, 409, "period_closed").await;
    let reopened = app
        .post(
            &format!("/v1/units/{unit_id}/periods/2026-02/reopen"),
            &app.user("approver", COMMUNE).await.token,
            &json!({"reason": "ghi bổ sung"}),
        )
        .await;
    assert_eq!(reopened.status(), 200);

    let retry = app
        .post_with_key("/v1/donations", &officer.token, "k-feb", &february)
        .await;

    assert_eq!(retry.status(), 201);
    assert!(retry.headers().get("idempotent-replayed").is_none());
    assert_eq!(app.donation_count().await, 1);
}

// ---------------------------------------------------------------- money at the edge

#[tokio::test]
async fn an_amount_sent_as_a_json_number_is_refused_naming_amount() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let mut body = cash_donation(app.unit_id(COMMUNE).await, "1");
    body["amount"] = json!(500000);

    let res = app.post("/v1/donations", &officer.token, &body).await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "amount");
}

#[tokio::test]
async fn half_a_dong_is_refused() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;

    let res = app
        .post(
            "/v1/donations",
            &officer.token,
            &cash_donation(app.unit_id(COMMUNE).await, "0.5"),
        )
        .await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "amount");
}

#[tokio::test]
async fn negative_exponent_separated_zero_and_oversized_amounts_are_refused() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;

    for bad in [
        "-5",
        "1e6",
        "1,000",
        "1.000.000",
        " 100",
        "0",
        "",
        "1000000000000001",
        "99999999999999999999",
    ] {
        let res = app
            .post(
                "/v1/donations",
                &officer.token,
                &cash_donation(unit_id, bad),
            )
            .await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "amount", "{bad:?}");
    }
    assert_eq!(app.donation_count().await, 0);
}

#[tokio::test]
async fn exactly_ten_to_the_fifteen_dong_is_accepted() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;

    let d = app
        .record_cash_donation(
            &officer.token,
            app.unit_id(COMMUNE).await,
            "1000000000000000",
        )
        .await;

    assert_eq!(d["amount_vnd"], "1000000000000000");
}

#[tokio::test]
async fn an_unknown_field_in_donor_is_refused_naming_its_path() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let mut body = cash_donation(app.unit_id(COMMUNE).await, "100000");
    body["donor"]["nickname"] = json!("Anh Ba");

    let res = app.post("/v1/donations", &officer.token, &body).await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "donor.nickname");
}

#[tokio::test]
async fn an_unknown_top_level_field_is_refused_naming_it() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let mut body = cash_donation(app.unit_id(COMMUNE).await, "100000");
    body["tip"] = json!("5000");

    let res = app.post("/v1/donations", &officer.token, &body).await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "tip");
}

// ---------------------------------------------------------------- dates and periods

#[tokio::test]
async fn a_donation_into_a_closed_month_is_refused_with_period_closed() {
    let app = spawn_app_with(|s| {
        s.clock = doanket::domain::clock::Clock::fixed(instant("2026-03-15T03:00:00Z"))
    })
    .await;
    let officer = app.user("officer", COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    let closed = app
        .post(
            &format!("/v1/units/{unit_id}/periods/2026-02/close"),
            &accountant.token,
            &json!({}),
        )
        .await;
    assert_eq!(closed.status(), 200);
    let mut body = cash_donation(unit_id, "100000");
    body["received_on"] = json!("2026-02-28");

    let res = app.post("/v1/donations", &officer.token, &body).await;

    assert_problem(res, 409, "period_closed").await;
    assert_eq!(app.donation_count().await, 0);
    let entries: i64 = app
        .sql()
        .await
        .query_one("SELECT count(*) FROM journal_entries", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(entries, 0);
}

#[tokio::test]
async fn a_donation_at_half_past_eleven_utc_on_new_years_eve_belongs_to_the_new_year() {
    let app = spawn_app_with(|s| {
        s.clock = doanket::domain::clock::Clock::fixed(instant("2025-12-31T23:30:00Z"))
    })
    .await;
    let officer = app.user("officer", COMMUNE).await;
    let mut body = cash_donation(app.unit_id(COMMUNE).await, "100000");
    body.as_object_mut().unwrap().remove("received_on");

    let d = app.record_donation(&officer.token, &body).await;

    assert_eq!(d["received_on"], "2026-01-01");
    assert_eq!(d["receipt_number"], "06001-2026-000001");
    let e = entry(&app, &officer.token, &d["journal_entry_id"]).await;
    assert_eq!(e["effective_date"], "2026-01-01");
}

#[tokio::test]
async fn a_donation_received_in_the_future_is_refused() {
    let app = spawn_app_with(|s| {
        s.clock = doanket::domain::clock::Clock::fixed(instant("2026-03-15T03:00:00Z"))
    })
    .await;
    let officer = app.user("officer", COMMUNE).await;
    let mut body = cash_donation(app.unit_id(COMMUNE).await, "100000");
    body["received_on"] = json!("2026-03-16");

    let res = app.post("/v1/donations", &officer.token, &body).await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "received_on");
}

// ---------------------------------------------------------------- voids

#[tokio::test]
async fn a_void_by_the_finance_officer_reverses_the_entry_and_restores_the_balances() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    let kept = app
        .record_cash_donation(&officer.token, unit_id, "300000")
        .await;
    let before = balances(&app, &officer.token, unit_id).await;
    let mistaken = app
        .record_cash_donation(&officer.token, unit_id, "500000")
        .await;
    assert_eq!(
        balances(&app, &officer.token, unit_id).await["cash"],
        "800000"
    );

    let res = void(&app, &accountant.token, &mistaken).await;

    assert_eq!(res.status(), 200);
    let voided: Value = res.json().await.unwrap();
    assert_eq!(voided["status"], "void");
    assert_eq!(voided["void_reason"], "nhập trùng");
    assert_eq!(voided["receipt_number"], mistaken["receipt_number"]);
    let reversal = entry(&app, &accountant.token, &voided["void_entry_id"]).await;
    assert_eq!(reversal["source_type"], "donation_void");
    assert_eq!(reversal["reverses_id"], mistaken["journal_entry_id"]);
    assert_eq!(
        postings(&reversal),
        [
            line("1111", "credit", "500000"),
            line("5111", "debit", "500000")
        ]
    );
    let original = entry(&app, &accountant.token, &mistaken["journal_entry_id"]).await;
    assert_eq!(original["reversed_by"], voided["void_entry_id"]);
    assert_eq!(balances(&app, &officer.token, unit_id).await, before);
    let fetched: Value = app
        .get(
            &format!("/v1/donations/{}", kept["id"].as_str().unwrap()),
            &officer.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fetched["status"], "recorded");
}

#[tokio::test]
async fn voiding_twice_is_refused_with_already_void() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let d = app
        .record_cash_donation(&officer.token, app.unit_id(COMMUNE).await, "500000")
        .await;
    assert_eq!(void(&app, &accountant.token, &d).await.status(), 200);

    let again = void(&app, &accountant.token, &d).await;

    assert_problem(again, 409, "already_void").await;
    let reversals: i64 = app
        .sql()
        .await
        .query_one(
            "SELECT count(*) FROM journal_entries WHERE source_type = 'donation_void'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(reversals, 1);
}

#[tokio::test]
async fn an_officer_cannot_void_a_donation() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let d = app
        .record_cash_donation(&officer.token, app.unit_id(COMMUNE).await, "500000")
        .await;

    let res = void(&app, &officer.token, &d).await;

    assert_problem(res, 403, "forbidden").await;
    let fetched: Value = app
        .get(
            &format!("/v1/donations/{}", d["id"].as_str().unwrap()),
            &officer.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fetched["status"], "recorded");
}

#[tokio::test]
async fn a_finance_officer_of_the_province_cannot_void_a_communes_donation() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let province_accountant = app.user("accountant", PROVINCE).await;
    let sibling_accountant = app.user("accountant", SIBLING_COMMUNE).await;
    let d = app
        .record_cash_donation(&officer.token, app.unit_id(COMMUNE).await, "500000")
        .await;

    assert_problem(
        void(&app, &province_accountant.token, &d).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        void(&app, &sibling_accountant.token, &d).await,
        404,
        "not_found",
    )
    .await;
}

// ---------------------------------------------------------------- the receipt register

#[tokio::test]
async fn the_receipt_register_lists_every_number_in_order_including_the_void_one() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    let mut ids = Vec::new();
    for amount in ["100000", "200000", "300000"] {
        ids.push(
            app.record_cash_donation(&officer.token, unit_id, amount)
                .await,
        );
    }
    assert_eq!(void(&app, &accountant.token, &ids[1]).await.status(), 200);

    let res = app
        .get(
            &format!("/v1/units/{unit_id}/receipts?year=2026"),
            &officer.token,
        )
        .await;

    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    let rows: Vec<(String, String, String, String)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["receipt_number"].as_str().unwrap().to_owned(),
                r["status"].as_str().unwrap().to_owned(),
                r["amount_vnd"].as_str().unwrap().to_owned(),
                r["donation_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let id = |i: usize| ids[i]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        rows,
        [
            (
                "06001-2026-000001".into(),
                "recorded".into(),
                "100000".into(),
                id(0)
            ),
            (
                "06001-2026-000002".into(),
                "void".into(),
                "200000".into(),
                id(1)
            ),
            (
                "06001-2026-000003".into(),
                "recorded".into(),
                "300000".into(),
                id(2)
            ),
        ]
    );
    assert_eq!(page["items"][0]["received_on"], RECEIVED_ON);
    assert_eq!(page["next_cursor"], Value::Null);
}

#[tokio::test]
async fn the_receipt_register_pages_in_number_order_and_keeps_years_apart() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    for _ in 0..3 {
        app.record_cash_donation(&officer.token, unit_id, "100000")
            .await;
    }
    let mut last_year = cash_donation(unit_id, "100000");
    last_year["received_on"] = json!("2025-06-01");
    app.record_donation(&officer.token, &last_year).await;

    let first: Value = app
        .get(
            &format!("/v1/units/{unit_id}/receipts?year=2026&limit=2"),
            &officer.token,
        )
        .await
        .json()
        .await
        .unwrap();
    let cursor = first["next_cursor"].as_str().unwrap();
    let second: Value = app
        .get(
            &format!("/v1/units/{unit_id}/receipts?year=2026&limit=2&cursor={cursor}"),
            &officer.token,
        )
        .await
        .json()
        .await
        .unwrap();
    let y2025: Value = app
        .get(
            &format!("/v1/units/{unit_id}/receipts?year=2025"),
            &officer.token,
        )
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(
        receipt_numbers(&first),
        ["06001-2026-000001", "06001-2026-000002"]
    );
    assert_eq!(receipt_numbers(&second), ["06001-2026-000003"]);
    assert_eq!(second["next_cursor"], Value::Null);
    assert_eq!(receipt_numbers(&y2025), ["06001-2025-000001"]);
}

// ---------------------------------------------------------------- search, filters, pages

#[tokio::test]
async fn a_search_without_diacritics_finds_the_donor_with_them() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    let wanted = app
        .record_cash_donation(&officer.token, unit_id, "100000")
        .await;
    let mut other = cash_donation(unit_id, "100000");
    other["donor"]["name"] = json!("Trần Thị Bích");
    app.record_donation(&officer.token, &other).await;

    let page: Value = app
        .get(
            &format!("/v1/donations?unit_id={unit_id}&q=nguyen%20van%20a"),
            &officer.token,
        )
        .await
        .json()
        .await
        .unwrap();
    let accented: Value = app
        .get(
            &format!("/v1/donations?unit_id={unit_id}&q=Tr%E1%BA%A7n"),
            &officer.token,
        )
        .await
        .json()
        .await
        .unwrap();

    let ids: Vec<&Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["id"])
        .collect();
    assert_eq!(ids, [&wanted["id"]]);
    assert_eq!(page["items"][0]["donor"]["name"], "Nguyễn Văn A");
    assert_eq!(accented["items"].as_array().unwrap().len(), 1);
    assert_eq!(accented["items"][0]["donor"]["name"], "Trần Thị Bích");
}

#[tokio::test]
async fn the_list_filters_by_campaign_channel_status_and_dates() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    let campaign = app
        .campaign(&officer.token, COMMUNE, "Tháng cao điểm 2026", false)
        .await;
    let bank = app.bank_account(COMMUNE, &accountant.token).await;
    let mut in_campaign = cash_donation(unit_id, "100000");
    in_campaign["campaign_id"] = campaign["id"].clone();
    in_campaign["received_on"] = json!("2026-02-01");
    let in_campaign = app.record_donation(&officer.token, &in_campaign).await;
    let transfer = app
        .record_donation(
            &officer.token,
            &json!({"unit_id": unit_id, "channel": "bank_transfer", "amount": "700000", "received_on": "2026-03-05",
                    "bank_account_id": bank["id"], "donor": {"kind": "anonymous"}, "public_display": "anonymous"}),
        )
        .await;
    let voided = app
        .record_cash_donation(&officer.token, unit_id, "900000")
        .await;
    assert_eq!(void(&app, &accountant.token, &voided).await.status(), 200);
    let ids_of = |page: Value| -> Vec<Value> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].clone())
            .collect()
    };
    let list = |query: String| {
        let app = &app;
        let token = officer.token.clone();
        async move {
            let res = app
                .get(&format!("/v1/donations?unit_id={unit_id}&{query}"), &token)
                .await;
            assert_eq!(res.status(), 200, "{query}");
            res.json::<Value>().await.unwrap()
        }
    };

    let by_campaign =
        ids_of(list(format!("campaign_id={}", campaign["id"].as_str().unwrap())).await);
    let by_channel = ids_of(list("channel=bank_transfer".into()).await);
    let by_status = ids_of(list("status=void".into()).await);
    let recorded = ids_of(list("status=recorded".into()).await);
    let by_dates = ids_of(list("from=2026-03-01&to=2026-03-09".into()).await);

    assert_eq!(by_campaign, [in_campaign["id"].clone()]);
    assert_eq!(by_channel, [transfer["id"].clone()]);
    assert_eq!(by_status, [voided["id"].clone()]);
    assert_eq!(
        recorded,
        [in_campaign["id"].clone(), transfer["id"].clone()]
    );
    assert_eq!(by_dates, [transfer["id"].clone()]);
}

#[tokio::test]
async fn an_unknown_status_filter_is_refused() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;

    let res = app
        .get("/v1/donations?status=pending", &officer.token)
        .await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "status");
}

#[tokio::test]
async fn the_list_pages_through_every_donation_once() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    let mut recorded = HashSet::new();
    for i in 0..5 {
        let d = app
            .record_cash_donation(&officer.token, unit_id, &format!("{}", 100_000 + i))
            .await;
        recorded.insert(d["id"].as_str().unwrap().to_owned());
    }

    let mut seen = Vec::new();
    let mut pages = 0;
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/donations?unit_id={unit_id}&limit=2&cursor={c}"),
            None => format!("/v1/donations?unit_id={unit_id}&limit=2"),
        };
        let page: Value = app.get(&path, &officer.token).await.json().await.unwrap();
        pages += 1;
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }

    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 5);
    assert_eq!(seen.iter().cloned().collect::<HashSet<_>>(), recorded);
}

// ---------------------------------------------------------------- donor privacy

async fn donation_with_contact(app: &TestApp) -> Value {
    let officer = app.user("officer", COMMUNE).await;
    let mut body = cash_donation(app.unit_id(COMMUNE).await, "100000");
    body["donor"] = json!({"kind": "individual", "name": "Phạm Thị D", "phone": "0912 345 678",
                           "email": "d.pham@example.vn", "address": "Thôn Nà Chuông, xã Đoàn Kết", "tax_code": "8123456789"});
    app.record_donation(&officer.token, &body).await
}

#[tokio::test]
async fn officers_finance_officers_and_auditors_in_scope_see_donor_contact_details() {
    let app = spawn_app().await;
    let d = donation_with_contact(&app).await;
    let path = format!("/v1/donations/{}", d["id"].as_str().unwrap());

    for (role, unit) in [
        ("officer", COMMUNE),
        ("accountant", COMMUNE),
        ("auditor", COMMUNE),
        ("auditor", PROVINCE),
    ] {
        let viewer = app.user(role, unit).await;
        let res = app.get(&path, &viewer.token).await;
        assert_eq!(res.status(), 200, "{role} at {unit}");
        let donor = res.json::<Value>().await.unwrap()["donor"].clone();
        assert_eq!(donor["phone"], "0912 345 678", "{role} at {unit}");
        assert_eq!(donor["email"], "d.pham@example.vn", "{role} at {unit}");
        assert_eq!(
            donor["address"], "Thôn Nà Chuông, xã Đoàn Kết",
            "{role} at {unit}"
        );
        assert_eq!(donor["tax_code"], "8123456789", "{role} at {unit}");
    }
}

#[tokio::test]
async fn admins_and_approvers_see_the_donor_without_contact_details() {
    let app = spawn_app().await;
    let d = donation_with_contact(&app).await;
    let unit_id = app.unit_id(COMMUNE).await;
    let approver = app.user("approver", COMMUNE).await;
    let root = app.root_token().await;

    for token in [root.as_str(), approver.token.as_str()] {
        let one: Value = app
            .get(
                &format!("/v1/donations/{}", d["id"].as_str().unwrap()),
                token,
            )
            .await
            .json()
            .await
            .unwrap();
        let list: Value = app
            .get(&format!("/v1/donations?unit_id={unit_id}"), token)
            .await
            .json()
            .await
            .unwrap();
        for donor in [&one["donor"], &list["items"][0]["donor"]] {
            assert_eq!(donor["name"], "Phạm Thị D");
            let keys: HashSet<&str> = donor
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(keys, HashSet::from(["kind", "name"]), "{donor}");
        }
    }
}

// ---------------------------------------------------------------- scope

#[tokio::test]
async fn a_commune_officer_cannot_record_into_its_sibling_or_its_province() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;

    for code in [SIBLING_COMMUNE, PROVINCE] {
        let res = app
            .post(
                "/v1/donations",
                &officer.token,
                &cash_donation(app.unit_id(code).await, "100000"),
            )
            .await;
        assert_problem(res, 404, "not_found").await;
    }
    assert_eq!(app.donation_count().await, 0);
}

#[tokio::test]
async fn a_province_officer_records_only_into_its_own_fund() {
    let app = spawn_app().await;
    let officer = app.user("officer", PROVINCE).await;

    let below = app
        .post(
            "/v1/donations",
            &officer.token,
            &cash_donation(app.unit_id(COMMUNE).await, "100000"),
        )
        .await;
    let own = app
        .record_cash_donation(&officer.token, app.unit_id(PROVINCE).await, "100000")
        .await;

    assert_problem(below, 403, "forbidden").await;
    assert_eq!(own["receipt_number"], "20-2026-000001");
}

#[tokio::test]
async fn an_auditor_cannot_record_a_donation() {
    let app = spawn_app().await;
    let auditor = app.user("auditor", COMMUNE).await;

    let res = app
        .post(
            "/v1/donations",
            &auditor.token,
            &cash_donation(app.unit_id(COMMUNE).await, "100000"),
        )
        .await;

    assert_problem(res, 403, "forbidden").await;
    assert_eq!(app.donation_count().await, 0);
}

#[tokio::test]
async fn a_sibling_communes_donation_is_not_found() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let sibling_officer = app.user("officer", SIBLING_COMMUNE).await;
    let d = app
        .record_cash_donation(
            &sibling_officer.token,
            app.unit_id(SIBLING_COMMUNE).await,
            "100000",
        )
        .await;

    let one = app
        .get(
            &format!("/v1/donations/{}", d["id"].as_str().unwrap()),
            &officer.token,
        )
        .await;
    let all: Value = app
        .get("/v1/donations", &officer.token)
        .await
        .json()
        .await
        .unwrap();

    assert_problem(one, 404, "not_found").await;
    assert_eq!(all["items"], json!([]));
}

// ---------------------------------------------------------------- campaigns and bank accounts

#[tokio::test]
async fn a_restricted_campaigns_donation_carries_the_earmark_on_both_postings() {
    let app = spawn_app().await;
    let province_officer = app.user("officer", PROVINCE).await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    let campaign = app
        .campaign(
            &province_officer.token,
            PROVINCE,
            "Cứu trợ lũ lụt 2026",
            true,
        )
        .await;
    let mut body = cash_donation(unit_id, "750000");
    body["campaign_id"] = campaign["id"].clone();
    app.record_cash_donation(&officer.token, unit_id, "250000")
        .await;

    let d = app.record_donation(&officer.token, &body).await;

    assert_eq!(d["campaign_id"], campaign["id"]);
    let e = entry(&app, &officer.token, &d["journal_entry_id"]).await;
    for p in e["postings"].as_array().unwrap() {
        assert_eq!(p["campaign_id"], campaign["id"], "{p}");
    }
    let res = app
        .get(&format!("/v1/units/{unit_id}/balances"), &officer.token)
        .await;
    if res.status() == 404 {
        return; // the balances route is not there yet
    }
    let b: Value = res.json().await.unwrap();
    assert_eq!(b["cash"], "1000000");
    assert_eq!(
        b["restricted"],
        json!([{"campaign_id": campaign["id"], "balance": "750000", "available": "750000"}])
    );
    assert_eq!(b["available_unrestricted"], "250000");
}

#[tokio::test]
async fn an_unrestricted_campaigns_donation_names_the_campaign_but_carries_no_earmark() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    let campaign = app
        .campaign(&officer.token, COMMUNE, "Ngày vì người nghèo", false)
        .await;
    let mut body = cash_donation(unit_id, "500000");
    body["campaign_id"] = campaign["id"].clone();

    let d = app.record_donation(&officer.token, &body).await;

    assert_eq!(d["campaign_id"], campaign["id"]);
    let e = entry(&app, &officer.token, &d["journal_entry_id"]).await;
    assert_eq!(
        postings(&e),
        [
            line("1111", "debit", "500000"),
            line("5111", "credit", "500000")
        ]
    );
}

#[tokio::test]
async fn a_provinces_campaign_is_usable_by_its_commune() {
    let app = spawn_app().await;
    let province_officer = app.user("officer", PROVINCE).await;
    let officer = app.user("officer", COMMUNE).await;
    let campaign = app
        .campaign(
            &province_officer.token,
            PROVINCE,
            "Tết vì người nghèo",
            false,
        )
        .await;
    let mut body = cash_donation(app.unit_id(COMMUNE).await, "100000");
    body["campaign_id"] = campaign["id"].clone();

    let d = app.record_donation(&officer.token, &body).await;

    assert_eq!(d["campaign_id"], campaign["id"]);
}

#[tokio::test]
async fn a_communes_campaign_is_not_usable_by_its_province() {
    let app = spawn_app().await;
    let province_officer = app.user("officer", PROVINCE).await;
    let officer = app.user("officer", COMMUNE).await;
    let campaign = app.campaign(&officer.token, COMMUNE, "Quỹ xã", false).await;
    let mut body = cash_donation(app.unit_id(PROVINCE).await, "100000");
    body["campaign_id"] = campaign["id"].clone();

    let res = app
        .post("/v1/donations", &province_officer.token, &body)
        .await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "campaign_id");
    assert_eq!(app.donation_count().await, 0);
}

#[tokio::test]
async fn an_unknown_campaign_is_refused_naming_campaign_id() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let mut body = cash_donation(app.unit_id(COMMUNE).await, "100000");
    body["campaign_id"] = json!(Uuid::now_v7());

    let res = app.post("/v1/donations", &officer.token, &body).await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "campaign_id");
}

#[tokio::test]
async fn a_bank_account_of_another_fund_is_refused_naming_bank_account_id() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let sibling_accountant = app.user("accountant", SIBLING_COMMUNE).await;
    let foreign = app
        .bank_account(SIBLING_COMMUNE, &sibling_accountant.token)
        .await;

    let res = app
        .post(
            "/v1/donations",
            &officer.token,
            &json!({"unit_id": app.unit_id(COMMUNE).await, "channel": "bank_transfer", "amount": "100000",
                    "received_on": RECEIVED_ON, "bank_account_id": foreign["id"],
                    "donor": {"kind": "anonymous"}, "public_display": "anonymous"}),
        )
        .await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "bank_account_id");
    assert_eq!(app.donation_count().await, 0);
}

#[tokio::test]
async fn the_same_bank_reference_on_another_bank_account_is_a_different_transfer() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    let (a, b) = (
        app.bank_account(COMMUNE, &accountant.token).await,
        app.bank_account(COMMUNE, &accountant.token).await,
    );
    let transfer = |bank: &Value| {
        json!({"unit_id": unit_id, "channel": "bank_transfer", "amount": "100000", "received_on": RECEIVED_ON,
               "bank_account_id": bank["id"], "bank_reference": "000123",
               "donor": {"kind": "anonymous"}, "public_display": "anonymous"})
    };

    app.record_donation(&officer.token, &transfer(&a)).await;
    let second = app
        .post("/v1/donations", &officer.token, &transfer(&b))
        .await;

    assert_eq!(second.status(), 201);
    assert_eq!(app.donation_count().await, 2);
}
