//! Donations and bank fees created from statement lines (api.md "Finance officers", ledger.md
//! posting rules): one bank-transfer donation per credit line with the donor read from the
//! description, gapless receipts, lines matched, idempotent repeats; fee entries from the SMS
//! fee debits; rights, scope and input errors; restricted campaigns earmark.

use reqwest::Response;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, TestApp, TestUser, COMMUNE, SIBLING_COMMUNE};

const VIETCOMBANK: &[u8] = include_bytes!("../fixtures/statements/vietcombank.csv");
const SUMMARY: &str = include_str!("../fixtures/statements/vietcombank.summary.json");

/// The sample's credit lines, fee lines (all debits are SMS fees).
const CREDIT_LINES: i64 = 38;
const FEE_LINES: i64 = 2;

async fn imported(app: &TestApp) -> (TestUser, Value) {
    let accountant = app.user("accountant", COMMUNE).await;
    let bank = app.bank_account(COMMUNE, &accountant.token).await;
    let res = app
        .client
        .post(app.url(&format!(
            "/v1/bank-accounts/{}/statements?format=vietcombank",
            bank["id"].as_str().unwrap()
        )))
        .bearer_auth(&accountant.token)
        .header("Content-Type", "text/csv")
        .body(VIETCOMBANK.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "statement imported");
    (accountant, bank)
}

async fn create(app: &TestApp, token: &str, bank: &Value, what: &str, body: &Value) -> Response {
    app.post(
        &format!(
            "/v1/bank-accounts/{}/statement-lines/create-{what}",
            bank["id"].as_str().unwrap()
        ),
        token,
        body,
    )
    .await
}

async fn created(app: &TestApp, token: &str, bank: &Value, what: &str, body: &Value) -> Value {
    let res = create(app, token, bank, what, body).await;
    let status = res.status();
    let json: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "created from lines: {json}");
    json
}

async fn all_credits(app: &TestApp, token: &str, bank: &Value) -> Value {
    created(
        app,
        token,
        bank,
        "donations",
        &json!({"all_unmatched_credits": true}),
    )
    .await
}

async fn scalar(app: &TestApp, sql: &str, bank: &Value) -> i64 {
    app.sql()
        .await
        .query_one(sql, &[&bank["id"].as_str().unwrap()])
        .await
        .unwrap()
        .get(0)
}

/// The bank account's 1121.N balance, in đồng.
async fn bank_balance(app: &TestApp, bank: &Value) -> i64 {
    scalar(
        app,
        "SELECT coalesce(sum(b.debit - b.credit), 0)::int8 FROM balance_buckets b
           JOIN bank_accounts a ON a.account_id = b.account_id WHERE a.id::text = $1",
        bank,
    )
    .await
}

async fn credits_total() -> i64 {
    let summary: Value = serde_json::from_str(SUMMARY).unwrap();
    summary["credits_total"].as_i64().unwrap()
}

#[tokio::test]
async fn every_unmatched_credit_becomes_one_donation_for_its_amount() {
    let app = spawn_app().await;
    let (accountant, bank) = imported(&app).await;
    let before = bank_balance(&app, &bank).await;

    let out = all_credits(&app, &accountant.token, &bank).await;

    assert_eq!(out["created"], CREDIT_LINES);
    assert_eq!(out["skipped"], 0);
    assert_eq!(out["amount_vnd"], credits_total().await.to_string());
    assert_eq!(
        out["donation_ids"].as_array().unwrap().len() as i64,
        CREDIT_LINES
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM donations WHERE bank_account_id::text = $1 AND channel = 'bank_transfer'",
            &bank
        )
        .await,
        CREDIT_LINES
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT sum(amount_vnd)::int8 FROM donations WHERE bank_account_id::text = $1",
            &bank
        )
        .await,
        credits_total().await
    );
    assert_eq!(
        bank_balance(&app, &bank).await - before,
        credits_total().await
    );
}

#[tokio::test]
async fn donor_names_are_read_from_the_descriptions() {
    let app = spawn_app().await;
    let (accountant, bank) = imported(&app).await;

    all_credits(&app, &accountant.token, &bank).await;

    let db = app.sql().await;
    let donor = |amount: i64, date: &'static str| {
        let db = &db;
        async move {
            let row = db
                .query_one(
                    "SELECT donor_name, donor_kind, public_display FROM donations
                      WHERE amount_vnd = $1::int8::numeric AND received_on = $2::text::date",
                    &[&amount, &date],
                )
                .await
                .unwrap();
            (
                row.get::<_, Option<String>>(0),
                row.get::<_, String>(1),
                row.get::<_, String>(2),
            )
        }
    };
    // MBVCB bank app, 17/10 3.236.000
    assert_eq!(
        donor(3_236_000, "2026-10-17").await,
        (
            Some("LANG QUANG HIEU".to_owned()),
            "individual".to_owned(),
            "name".to_owned()
        )
    );
    // NAPAS with IBFT, 17/10 3.884.000
    assert_eq!(
        donor(3_884_000, "2026-10-17").await.0.as_deref(),
        Some("LOC XUAN GIANG")
    );
    // no name: `549524.211026.131845.ung ho quy vi nguoi ngheo`, 21/10 5.000.000
    assert_eq!(
        donor(5_000_000, "2026-10-21").await,
        (None, "anonymous".to_owned(), "anonymous".to_owned())
    );
}

#[tokio::test]
async fn receipt_numbers_are_gapless_in_line_order() {
    let app = spawn_app().await;
    let (accountant, bank) = imported(&app).await;

    let out = all_credits(&app, &accountant.token, &bank).await;

    assert_eq!(
        out["first_receipt_number"],
        format!("{COMMUNE}-2026-000001")
    );
    assert_eq!(
        out["last_receipt_number"],
        format!("{COMMUNE}-2026-{CREDIT_LINES:06}")
    );
    let rows = app
        .sql()
        .await
        .query(
            "SELECT receipt_seq, received_on::text FROM donations ORDER BY receipt_seq",
            &[],
        )
        .await
        .unwrap();
    let seqs: Vec<i32> = rows.iter().map(|r| r.get(0)).collect();
    assert_eq!(seqs, (1..=CREDIT_LINES as i32).collect::<Vec<_>>());
    let dates: Vec<String> = rows.iter().map(|r| r.get(1)).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "numbered in date order");
}

#[tokio::test]
async fn the_lines_are_matched_to_their_donations_entries() {
    let app = spawn_app().await;
    let (accountant, bank) = imported(&app).await;

    all_credits(&app, &accountant.token, &bank).await;

    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM statement_lines l JOIN donations d ON d.journal_entry_id = l.matched_entry_id
              WHERE l.bank_account_id::text = $1 AND l.status = 'matched' AND d.amount_vnd = l.credit",
            &bank
        )
        .await,
        CREDIT_LINES
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM statement_lines WHERE bank_account_id::text = $1 AND status = 'unmatched'",
            &bank
        )
        .await,
        FEE_LINES
    );
}

#[tokio::test]
async fn repeating_the_request_creates_nothing() {
    let app = spawn_app().await;
    let (accountant, bank) = imported(&app).await;
    all_credits(&app, &accountant.token, &bank).await;

    let again = all_credits(&app, &accountant.token, &bank).await;

    assert_eq!(again["created"], 0);
    assert_eq!(again["amount_vnd"], "0");
    assert_eq!(app.donation_count().await, CREDIT_LINES);
}

#[tokio::test]
async fn a_line_unmatched_by_hand_after_it_made_a_donation_or_fee_is_not_booked_again() {
    let app = spawn_app().await;
    let (accountant, bank) = imported(&app).await;
    all_credits(&app, &accountant.token, &bank).await;
    created(
        &app,
        &accountant.token,
        &bank,
        "fees",
        &json!({"all_unmatched_debits": true}),
    )
    .await;
    let before = bank_balance(&app, &bank).await;
    let db = app.sql().await;
    let lines: Vec<String> = db
        .query(
            "SELECT DISTINCT ON (credit > 0) id::text FROM statement_lines ORDER BY credit > 0, id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    for line in &lines {
        let res = app
            .post(
                &format!("/v1/statement-lines/{line}/unmatch"),
                &accountant.token,
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), 200);
    }

    let donations = all_credits(&app, &accountant.token, &bank).await;
    let fees = created(
        &app,
        &accountant.token,
        &bank,
        "fees",
        &json!({"all_unmatched_debits": true}),
    )
    .await;
    let named = created(
        &app,
        &accountant.token,
        &bank,
        "donations",
        &json!({"line_ids": lines}),
    )
    .await;

    assert_eq!(
        (&donations["created"], &fees["created"]),
        (&json!(0), &json!(0))
    );
    assert_eq!(
        (&named["created"], &named["skipped"]),
        (&json!(0), &json!(2))
    );
    assert_eq!(app.donation_count().await, CREDIT_LINES);
    assert_eq!(bank_balance(&app, &bank).await, before);
}

#[tokio::test]
async fn named_lines_already_matched_are_skipped() {
    let app = spawn_app().await;
    let (accountant, bank) = imported(&app).await;
    let db = app.sql().await;
    let ids: Vec<String> = db
        .query(
            "SELECT id::text FROM statement_lines WHERE credit > 0 ORDER BY line_date, id LIMIT 3",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    created(
        &app,
        &accountant.token,
        &bank,
        "donations",
        &json!({"line_ids": [ids[0]]}),
    )
    .await;

    let out = created(
        &app,
        &accountant.token,
        &bank,
        "donations",
        &json!({"line_ids": ids}),
    )
    .await;

    assert_eq!(out["created"], 2);
    assert_eq!(out["skipped"], 1);
    assert_eq!(app.donation_count().await, 3);
}

#[tokio::test]
async fn fees_are_posted_from_the_sms_fee_debits() {
    let app = spawn_app().await;
    let (accountant, bank) = imported(&app).await;
    all_credits(&app, &accountant.token, &bank).await;
    let before = bank_balance(&app, &bank).await;

    let out = created(
        &app,
        &accountant.token,
        &bank,
        "fees",
        &json!({"all_unmatched_debits": true}),
    )
    .await;

    assert_eq!(out["created"], FEE_LINES);
    let summary: Value = serde_json::from_str(SUMMARY).unwrap();
    let debits = summary["debits_total"].as_i64().unwrap();
    assert_eq!(out["amount_vnd"], debits.to_string());
    assert_eq!(before - bank_balance(&app, &bank).await, debits);
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM journal_entries e JOIN postings p ON p.entry_id = e.id
               JOIN statement_lines l ON l.matched_entry_id = e.id
              WHERE l.bank_account_id::text = $1 AND e.source_type = 'bank_fee'
                AND p.chart_code = '6411' AND p.side = 'debit'",
            &bank
        )
        .await,
        FEE_LINES
    );
    let again = created(
        &app,
        &accountant.token,
        &bank,
        "fees",
        &json!({"all_unmatched_debits": true}),
    )
    .await;
    assert_eq!(again["created"], 0);
}

#[tokio::test]
async fn a_restricted_campaign_earmarks_the_postings() {
    let app = spawn_app().await;
    let (accountant, bank) = imported(&app).await;
    let officer = app.user("officer", COMMUNE).await;
    let campaign = app
        .campaign(&officer.token, COMMUNE, "Tết vì người nghèo", true)
        .await;

    created(
        &app,
        &accountant.token,
        &bank,
        "donations",
        &json!({"all_unmatched_credits": true, "campaign_id": campaign["id"]}),
    )
    .await;

    let db = app.sql().await;
    let campaign_id = campaign["id"].as_str().unwrap();
    let earmarked: i64 = db
        .query_one(
            "SELECT count(*) FROM postings WHERE campaign_id::text = $1",
            &[&campaign_id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(earmarked, 2 * CREDIT_LINES);
    let donations: i64 = db
        .query_one(
            "SELECT count(*) FROM donations WHERE campaign_id::text = $1",
            &[&campaign_id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(donations, CREDIT_LINES);
}

#[tokio::test]
async fn an_officer_who_is_not_a_finance_officer_is_forbidden() {
    let app = spawn_app().await;
    let (_, bank) = imported(&app).await;
    let officer = app.user("officer", COMMUNE).await;

    let res = create(
        &app,
        &officer.token,
        &bank,
        "donations",
        &json!({"all_unmatched_credits": true}),
    )
    .await;

    assert_problem(res, 403, "forbidden").await;
    assert_eq!(app.donation_count().await, 0);
}

#[tokio::test]
async fn a_sibling_communes_finance_officer_does_not_see_the_account() {
    let app = spawn_app().await;
    let (_, bank) = imported(&app).await;
    let sibling = app.user("accountant", SIBLING_COMMUNE).await;

    let res = create(
        &app,
        &sibling.token,
        &bank,
        "fees",
        &json!({"all_unmatched_debits": true}),
    )
    .await;

    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn neither_or_both_selections_are_refused() {
    let app = spawn_app().await;
    let (accountant, bank) = imported(&app).await;

    for body in [
        json!({}),
        json!({"all_unmatched_credits": false}),
        json!({"line_ids": []}),
        json!({"line_ids": ["0190e8a0-0000-7000-8000-000000000000"], "all_unmatched_credits": true}),
    ] {
        let res = create(&app, &accountant.token, &bank, "donations", &body).await;
        assert_problem(res, 422, "validation_failed").await;
    }
    assert_eq!(app.donation_count().await, 0);
}

#[tokio::test]
async fn line_ids_of_another_account_are_refused() {
    let app = spawn_app().await;
    let (accountant, _) = imported(&app).await;
    let other = app.bank_account(COMMUNE, &accountant.token).await;
    let line: String = app
        .sql()
        .await
        .query_one(
            "SELECT id::text FROM statement_lines WHERE credit > 0 LIMIT 1",
            &[],
        )
        .await
        .unwrap()
        .get(0);

    let res = create(
        &app,
        &accountant.token,
        &other,
        "donations",
        &json!({"line_ids": [line]}),
    )
    .await;

    assert_problem(res, 422, "validation_failed").await;
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_response() {
    let app = spawn_app().await;
    let (accountant, bank) = imported(&app).await;
    let path = format!(
        "/v1/bank-accounts/{}/statement-lines/create-donations",
        bank["id"].as_str().unwrap()
    );
    let body = json!({"all_unmatched_credits": true});

    let first = app
        .post_with_key(&path, &accountant.token, "bulk-1", &body)
        .await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let second = app
        .post_with_key(&path, &accountant.token, "bulk-1", &body)
        .await;

    assert_eq!(second.status(), 201);
    let second: Value = second.json().await.unwrap();
    assert_eq!(second, first);
    assert_eq!(app.donation_count().await, CREDIT_LINES);
}

/// P4 measured by hand: `P4_STATEMENT=/path/big.csv cargo test --test api
/// statement_donations::p4 -- --ignored --nocapture` imports the file and times one
/// create-donations over all its credits.
#[tokio::test]
#[ignore]
async fn p4_donations_from_a_large_statement() {
    let Ok(path) = std::env::var("P4_STATEMENT") else {
        return;
    };
    let app = spawn_app().await;
    let accountant = app.user("accountant", COMMUNE).await;
    let bank = app.bank_account(COMMUNE, &accountant.token).await;
    let file = std::fs::read(path).unwrap();
    let started = std::time::Instant::now();
    let res = app
        .client
        .post(app.url(&format!(
            "/v1/bank-accounts/{}/statements?format=vietcombank",
            bank["id"].as_str().unwrap()
        )))
        .bearer_auth(&accountant.token)
        .header("Content-Type", "text/csv")
        .body(file)
        .timeout(std::time::Duration::from_secs(600))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    eprintln!("import: {:.1} s", started.elapsed().as_secs_f64());

    let started = std::time::Instant::now();
    let res = app
        .client
        .post(app.url(&format!(
            "/v1/bank-accounts/{}/statement-lines/create-donations",
            bank["id"].as_str().unwrap()
        )))
        .bearer_auth(&accountant.token)
        .json(&json!({"all_unmatched_credits": true}))
        .timeout(std::time::Duration::from_secs(600))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let out: Value = res.json().await.unwrap();
    eprintln!(
        "create-donations: {:.1} s, HTTP {status}, {out}",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(status, 201);
}
