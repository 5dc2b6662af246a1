//! The fund ledger over HTTP: accounts and balances, manual entries and their validation,
//! reversals, periods closed bottom-up and re-opened, scope, concurrent overdrafts — and the
//! invariants PostgreSQL holds by itself against raw SQL.

use chrono::{DateTime, Utc};
use doanket::domain::clock::Clock;
use futures_util::future::join_all;
use reqwest::Response;
use serde_json::{json, Value};
use tokio_postgres::Client;
use uuid::Uuid;

use crate::helpers::{assert_problem, spawn_app_with, TestApp, COMMUNE, PROVINCE, SIBLING_COMMUNE};

/// Every ledger test runs on 15 March 2026, local time, so "last month" is always February.
const TODAY: &str = "2026-03-15";
const LAST_MONTH: &str = "2026-02";

async fn spawn_ledger_app() -> TestApp {
    let noon_local: DateTime<Utc> = "2026-03-15T05:00:00Z".parse().unwrap();
    spawn_app_with(|s| s.clock = Clock::fixed(noon_local)).await
}

/// `POST /v1/journal` with `(account_code, side, amount)` lines.
async fn post_entry(
    app: &TestApp,
    token: &str,
    unit: Uuid,
    date: &str,
    lines: &[(&str, &str, &str)],
) -> Response {
    let postings: Vec<Value> = lines
        .iter()
        .map(|(code, side, amount)| json!({"account_code": code, "side": side, "amount": amount}))
        .collect();
    app.post(
        "/v1/journal",
        token,
        &json!({
            "unit_id": unit,
            "effective_date": date,
            "description": "Điều chỉnh thủ công",
            "reason": "Ghi bổ sung theo biên bản kiểm kê",
            "postings": postings,
        }),
    )
    .await
}

/// Puts cash into a fund (debit 1111, credit 5111) and returns the entry.
async fn deposit_on(app: &TestApp, token: &str, unit: Uuid, date: &str, amount: &str) -> Value {
    let res = post_entry(
        app,
        token,
        unit,
        date,
        &[("1111", "debit", amount), ("5111", "credit", amount)],
    )
    .await;
    assert_eq!(res.status(), 201, "deposit of {amount} on {date}");
    res.json().await.unwrap()
}

async fn deposit(app: &TestApp, token: &str, unit: Uuid, amount: &str) -> Value {
    deposit_on(app, token, unit, TODAY, amount).await
}

/// Pays cash out of a fund (debit 6191, credit 1111).
async fn spend(app: &TestApp, token: &str, unit: Uuid, amount: &str) -> Response {
    post_entry(
        app,
        token,
        unit,
        TODAY,
        &[("6191", "debit", amount), ("1111", "credit", amount)],
    )
    .await
}

async fn fund_balances(app: &TestApp, token: &str, unit: Uuid) -> Value {
    let res = app.get(&format!("/v1/units/{unit}/balances"), token).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// The fund's accounts by code.
async fn chart(app: &TestApp, token: &str, unit: Uuid) -> serde_json::Map<String, Value> {
    let res = app.get(&format!("/v1/units/{unit}/accounts"), token).await;
    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["code"].as_str().unwrap().to_owned(), a.clone()))
        .collect()
}

async fn count(db: &Client, sql: &str) -> i64 {
    db.query_one(sql, &[]).await.unwrap().get(0)
}

async fn journal_count(app: &TestApp) -> i64 {
    count(&app.sql().await, "SELECT count(*) FROM journal_entries").await
}

async fn close(app: &TestApp, token: &str, unit: Uuid, month: &str) -> Response {
    app.post(
        &format!("/v1/units/{unit}/periods/{month}/close"),
        token,
        &json!({}),
    )
    .await
}

async fn reopen(app: &TestApp, token: &str, unit: Uuid, month: &str) -> Response {
    app.post(
        &format!("/v1/units/{unit}/periods/{month}/reopen"),
        token,
        &json!({"reason": "Sửa sai sót sau kiểm toán"}),
    )
    .await
}

/// Closes `month` directly in the database for every child of `parent` except `except`.
async fn close_children_by_hand(app: &TestApp, parent: &str, month: &str, except: &[&str]) {
    let except: Vec<String> = except.iter().map(|s| s.to_string()).collect();
    app.sql()
        .await
        .execute(
            "INSERT INTO periods (unit_id, month, state, closed_at) \
             SELECT id, to_date($2, 'YYYY-MM'), 'closed', now() FROM units \
              WHERE parent_id = (SELECT id FROM units WHERE code = $1) AND code <> ALL($3)",
            &[&parent, &month, &except],
        )
        .await
        .unwrap();
}

/// A field named in a 422's `errors`.
fn fields(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect()
}

// ---------------------------------------------------------------- accounts and balances

#[tokio::test]
async fn manual_entries_move_the_fund_balances() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    deposit(&app, &accountant.token, commune, "1000000").await;

    let res = spend(&app, &accountant.token, commune, "300000").await;

    assert_eq!(res.status(), 201);
    let b = fund_balances(&app, &accountant.token, commune).await;
    assert_eq!(
        b,
        json!({"cash": "700000", "bank": "0", "in_kind": "0", "restricted": [], "available_unrestricted": "700000", "in_transit": "0"})
    );
}

#[tokio::test]
async fn the_chart_shows_balances_in_their_natural_direction() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    deposit(&app, &accountant.token, commune, "1000000").await;
    assert_eq!(
        spend(&app, &accountant.token, commune, "300000")
            .await
            .status(),
        201
    );

    let accounts = chart(&app, &accountant.token, commune).await;

    let cash = &accounts["1111"];
    assert_eq!(cash["account_type"], "asset");
    assert_eq!(
        (&cash["debit_total"], &cash["credit_total"]),
        (&json!("1000000"), &json!("300000"))
    );
    assert_eq!(
        (&cash["balance"], &cash["available"]),
        (&json!("700000"), &json!("700000"))
    );
    assert_eq!(
        accounts["5111"]["balance"], "1000000",
        "income grows with credits"
    );
    assert!(
        accounts["5111"].get("available").is_none(),
        "only cash and bank have `available`"
    );
    assert_eq!(accounts["6191"]["balance"], "300000");
    assert_eq!(accounts["4111"]["balance"], "0");
    // ledger.md's 20, and the reform's 1131, 5114 and 6221
    assert_eq!(accounts.len(), 23);
}

#[tokio::test]
async fn a_bank_sub_account_counts_as_bank_money() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    // the sub-account a registered bank account opens
    app.sql()
        .await
        .execute(
            "INSERT INTO accounts (unit_id, code, chart_code, name, account_type) VALUES ($1, '1121.1', '1121', 'BIDV Lạng Sơn', 'asset')",
            &[&commune],
        )
        .await
        .unwrap();

    let res = post_entry(
        &app,
        &accountant.token,
        commune,
        TODAY,
        &[("1121.1", "debit", "900000"), ("5111", "credit", "900000")],
    )
    .await;

    assert_eq!(res.status(), 201);
    let bank = &chart(&app, &accountant.token, commune).await["1121.1"];
    assert_eq!(
        (&bank["balance"], &bank["available"]),
        (&json!("900000"), &json!("900000"))
    );
    let b = fund_balances(&app, &accountant.token, commune).await;
    assert_eq!(
        (&b["cash"], &b["bank"], &b["available_unrestricted"]),
        (&json!("0"), &json!("900000"), &json!("900000"))
    );
}

#[tokio::test]
async fn an_account_shows_its_balance() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    deposit(&app, &accountant.token, commune, "250000").await;
    let cash_id = chart(&app, &accountant.token, commune).await["1111"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let res = app
        .get(&format!("/v1/accounts/{cash_id}"), &accountant.token)
        .await;

    assert_eq!(res.status(), 200);
    let account: Value = res.json().await.unwrap();
    assert_eq!(account["code"], "1111");
    assert_eq!(account["balance"], "250000");
    assert_eq!(account["available"], "250000");
}

#[tokio::test]
async fn account_postings_paginate_by_effective_date() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    // recorded out of date order: the list follows the effective date
    for (date, amount) in [
        ("2026-03-05", "5"),
        ("2026-03-01", "1"),
        ("2026-03-04", "4"),
        ("2026-03-02", "2"),
        ("2026-03-03", "3"),
    ] {
        deposit_on(&app, &accountant.token, commune, date, amount).await;
    }
    let cash_id = chart(&app, &accountant.token, commune).await["1111"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut amounts = Vec::new();
    let mut pages = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/v1/accounts/{cash_id}/postings?limit=2");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let res = app.get(&path, &accountant.token).await;
        assert_eq!(res.status(), 200);
        let page: Value = res.json().await.unwrap();
        pages += 1;
        for p in page["items"].as_array().unwrap() {
            assert_eq!(p["side"], "debit");
            assert!(p["entry_id"].is_string() && p["campaign_id"].is_null());
            amounts.push(p["amount"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }

    assert_eq!(pages, 3);
    assert_eq!(amounts, ["1", "2", "3", "4", "5"]);
}

#[tokio::test]
async fn account_postings_filter_by_date() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    for (date, amount) in [
        ("2026-03-01", "1"),
        ("2026-03-02", "2"),
        ("2026-03-03", "3"),
    ] {
        deposit_on(&app, &accountant.token, commune, date, amount).await;
    }
    let cash_id = chart(&app, &accountant.token, commune).await["1111"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let res = app
        .get(
            &format!("/v1/accounts/{cash_id}/postings?from=2026-03-02&to=2026-03-02"),
            &accountant.token,
        )
        .await;

    let page: Value = res.json().await.unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        (&items[0]["amount"], &items[0]["effective_date"]),
        (&json!("2"), &json!("2026-03-02"))
    );
    let bad = app
        .get(
            &format!("/v1/accounts/{cash_id}/postings?from=2026-3-2"),
            &accountant.token,
        )
        .await;
    assert_eq!(
        fields(&assert_problem(bad, 422, "validation_failed").await),
        ["from"]
    );
}

#[tokio::test]
async fn an_earmarked_deposit_counts_as_restricted_money() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    // a restricted campaign of the province is usable by its communes
    let campaign: Uuid = app
        .sql()
        .await
        .query_one(
            "INSERT INTO campaigns (unit_id, kind, name, starts_on, ends_on, restricted) \
             SELECT id, 'disaster', 'Cứu trợ bão lũ', '2026-01-01', '2026-12-31', true FROM units WHERE code = $1 \
             RETURNING id",
            &[&PROVINCE],
        )
        .await
        .unwrap()
        .get(0);
    deposit(&app, &accountant.token, commune, "100000").await;
    let earmarked = |amount: &str| {
        json!({"unit_id": commune, "effective_date": TODAY, "description": "Ủng hộ bão lũ", "reason": "Nhận tiền mặt tại trụ sở",
               "postings": [{"account_code": "1111", "side": "debit", "amount": amount, "campaign_id": campaign},
                            {"account_code": "5111", "side": "credit", "amount": amount, "campaign_id": campaign}]})
    };

    let res = app
        .post("/v1/journal", &accountant.token, &earmarked("400000"))
        .await;

    assert_eq!(res.status(), 201);
    let entry: Value = res.json().await.unwrap();
    assert_eq!(entry["postings"][0]["campaign_id"], json!(campaign));
    let b = fund_balances(&app, &accountant.token, commune).await;
    assert_eq!(b["cash"], "500000");
    assert_eq!(
        b["restricted"],
        json!([{"campaign_id": campaign, "balance": "400000", "available": "400000"}])
    );
    assert_eq!(b["available_unrestricted"], "100000");
}

#[tokio::test]
async fn a_campaign_of_a_sibling_commune_cannot_earmark_a_posting() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let campaign: Uuid = app
        .sql()
        .await
        .query_one(
            "INSERT INTO campaigns (unit_id, kind, name, starts_on, ends_on, restricted) \
             SELECT id, 'general', 'Tháng cao điểm', '2026-01-01', '2026-12-31', true FROM units WHERE code = $1 \
             RETURNING id",
            &[&SIBLING_COMMUNE],
        )
        .await
        .unwrap()
        .get(0);
    let before = journal_count(&app).await;

    let res = app
        .post(
            "/v1/journal",
            &accountant.token,
            &json!({"unit_id": commune, "description": "Ủng hộ", "reason": "Nhận tiền mặt",
                    "postings": [{"account_code": "1111", "side": "debit", "amount": "1000", "campaign_id": campaign},
                                 {"account_code": "5111", "side": "credit", "amount": "1000"}]}),
        )
        .await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(fields(&problem), ["postings[0].campaign_id"]);
    assert_eq!(journal_count(&app).await, before);
}

// ---------------------------------------------------------------- manual entries

#[tokio::test]
async fn a_manual_entry_is_created_with_its_postings() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;

    let res = post_entry(
        &app,
        &accountant.token,
        commune,
        "2026-03-10",
        &[("1111", "debit", "500000"), ("5111", "credit", "500000")],
    )
    .await;

    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let entry: Value = res.json().await.unwrap();
    assert_eq!(
        location,
        format!("/v1/journal/{}", entry["id"].as_str().unwrap())
    );
    assert_eq!(entry["unit_id"], json!(commune));
    assert_eq!(entry["source_type"], "manual");
    assert_eq!(entry["effective_date"], "2026-03-10");
    assert_eq!(entry["reason"], "Ghi bổ sung theo biên bản kiểm kê");
    assert_eq!(entry["created_by"], json!(accountant.id));
    assert!(entry["reverses_id"].is_null() && entry["reversed_by"].is_null());
    assert!(entry["recorded_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        entry["postings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (
                p["account_code"].as_str().unwrap(),
                p["side"].as_str().unwrap(),
                p["amount"].as_str().unwrap()
            ))
            .collect::<Vec<_>>(),
        [("1111", "debit", "500000"), ("5111", "credit", "500000")]
    );
    let fetched: Value = app
        .get(&location, &accountant.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fetched, entry);
}

#[tokio::test]
async fn a_manual_entry_is_audited() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;

    let entry = deposit(&app, &accountant.token, commune, "120000").await;

    let entry_id: Uuid = entry["id"].as_str().unwrap().parse().unwrap();
    let row = app
        .sql()
        .await
        .query_one("SELECT actor_id, unit_id, changes FROM audit_events WHERE action = 'journal.manual_entry' AND target_id = $1", &[&entry_id])
        .await
        .unwrap();
    assert_eq!(row.get::<_, Option<Uuid>>(0), Some(accountant.id));
    assert_eq!(row.get::<_, Option<Uuid>>(1), Some(commune));
    assert_eq!(row.get::<_, Value>(2)["total"], "120000");
}

#[tokio::test]
async fn an_unbalanced_manual_entry_is_refused() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let before = journal_count(&app).await;

    let res = post_entry(
        &app,
        &accountant.token,
        commune,
        TODAY,
        &[("1111", "debit", "100000"), ("5111", "credit", "90000")],
    )
    .await;

    let problem = assert_problem(res, 422, "unbalanced_entry").await;
    // amounts in messages are written for people: 90,000 VND
    assert!(
        problem["detail"].as_str().unwrap().contains("90,000 VND"),
        "{problem}"
    );
    assert_eq!(journal_count(&app).await, before);
}

#[tokio::test]
async fn a_json_number_amount_is_refused() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;

    let res = app
        .post(
            "/v1/journal",
            &accountant.token,
            &json!({"unit_id": commune, "description": "Điều chỉnh", "reason": "Lý do",
                    "postings": [{"account_code": "1111", "side": "debit", "amount": 100000},
                                 {"account_code": "5111", "side": "credit", "amount": "100000"}]}),
        )
        .await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(fields(&problem), ["postings[0].amount"]);
}

#[tokio::test]
async fn half_a_dong_is_refused() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;

    let res = post_entry(
        &app,
        &accountant.token,
        commune,
        TODAY,
        &[("1111", "debit", "0.5"), ("5111", "credit", "0.5")],
    )
    .await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(
        fields(&problem),
        ["postings[0].amount", "postings[1].amount"]
    );
}

#[tokio::test]
async fn malformed_amounts_are_refused() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;

    for bad in ["0", "-5", "1e6", "1,000", "1000000000000001"] {
        let res = post_entry(
            &app,
            &accountant.token,
            commune,
            TODAY,
            &[("1111", "debit", bad), ("5111", "credit", "1")],
        )
        .await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(fields(&problem), ["postings[0].amount"], "{bad}");
    }
}

#[tokio::test]
async fn an_unknown_account_code_is_refused() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;

    // 1121 is only a template: each bank account gets its own 1121.N
    let res = post_entry(
        &app,
        &accountant.token,
        commune,
        TODAY,
        &[("1111", "debit", "1000"), ("1121", "credit", "1000")],
    )
    .await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(fields(&problem), ["postings[1].account_code"]);
}

#[tokio::test]
async fn a_manual_entry_needs_a_reason() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let postings = json!([{"account_code": "1111", "side": "debit", "amount": "1"}, {"account_code": "5111", "side": "credit", "amount": "1"}]);

    let missing = app
        .post(
            "/v1/journal",
            &accountant.token,
            &json!({"unit_id": commune, "description": "Điều chỉnh", "postings": postings}),
        )
        .await;
    let blank = app
        .post("/v1/journal", &accountant.token, &json!({"unit_id": commune, "description": "Điều chỉnh", "reason": "  ", "postings": postings}))
        .await;

    assert_eq!(
        fields(&assert_problem(missing, 422, "validation_failed").await),
        ["reason"]
    );
    assert_eq!(
        fields(&assert_problem(blank, 422, "validation_failed").await),
        ["reason"]
    );
}

#[tokio::test]
async fn a_manual_entry_needs_two_postings() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;

    let res = post_entry(
        &app,
        &accountant.token,
        commune,
        TODAY,
        &[("1111", "debit", "1")],
    )
    .await;

    assert_eq!(
        fields(&assert_problem(res, 422, "validation_failed").await),
        ["postings"]
    );
}

#[tokio::test]
async fn a_manual_entry_cannot_be_dated_in_the_future() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;

    let res = post_entry(
        &app,
        &accountant.token,
        commune,
        "2026-03-16",
        &[("1111", "debit", "1"), ("5111", "credit", "1")],
    )
    .await;

    assert_eq!(
        fields(&assert_problem(res, 422, "validation_failed").await),
        ["effective_date"]
    );
}

#[tokio::test]
async fn an_overdraft_is_refused_and_writes_nothing() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    deposit(&app, &accountant.token, commune, "100000").await;
    let db = app.sql().await;
    let (entries, audits) = (
        journal_count(&app).await,
        count(&db, "SELECT count(*) FROM audit_events").await,
    );

    let res = spend(&app, &accountant.token, commune, "100001").await;

    assert_problem(res, 409, "insufficient_funds").await;
    assert_eq!(journal_count(&app).await, entries);
    assert_eq!(
        count(&db, "SELECT count(*) FROM audit_events").await,
        audits
    );
    assert_eq!(
        fund_balances(&app, &accountant.token, commune).await["cash"],
        "100000"
    );
}

#[tokio::test]
async fn a_manual_entry_replays_for_the_same_idempotency_key() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let body = json!({"unit_id": commune, "description": "Điều chỉnh", "reason": "Lý do",
                      "postings": [{"account_code": "1111", "side": "debit", "amount": "7000"},
                                   {"account_code": "5111", "side": "credit", "amount": "7000"}]});
    let send = |body: Value| {
        let req = app
            .client
            .post(app.url("/v1/journal"))
            .bearer_auth(&accountant.token)
            .header("Idempotency-Key", "manual-1");
        async move { req.json(&body).send().await.unwrap() }
    };

    let first = send(body.clone()).await;
    let second = send(body.clone()).await;

    assert_eq!(
        (first.status().as_u16(), second.status().as_u16()),
        (201, 201)
    );
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    let (a, b): (Value, Value) = (first.json().await.unwrap(), second.json().await.unwrap());
    assert_eq!(a, b);
    assert_eq!(
        fund_balances(&app, &accountant.token, commune).await["cash"],
        "7000"
    );
    let mut other = body;
    other["postings"][0]["amount"] = json!("8000");
    other["postings"][1]["amount"] = json!("8000");
    assert_problem(send(other).await, 422, "idempotency_key_reused").await;
}

// ---------------------------------------------------------------- reversals

#[tokio::test]
async fn reversing_an_entry_restores_the_balances() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    deposit(&app, &accountant.token, commune, "1000000").await;
    let spent: Value = spend(&app, &accountant.token, commune, "400000")
        .await
        .json()
        .await
        .unwrap();
    let id = spent["id"].as_str().unwrap();

    let res = app
        .post(
            &format!("/v1/journal/{id}/reverse"),
            &accountant.token,
            &json!({"reason": "Chi nhầm"}),
        )
        .await;

    assert_eq!(res.status(), 201);
    let reversal: Value = res.json().await.unwrap();
    assert_eq!(reversal["source_type"], "reversal");
    assert_eq!(reversal["reverses_id"], id);
    assert_eq!(reversal["effective_date"], TODAY);
    assert_eq!(reversal["reason"], "Chi nhầm");
    let sides: Vec<(&str, &str)> = reversal["postings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["account_code"].as_str().unwrap(),
                p["side"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(sides, [("6191", "credit"), ("1111", "debit")]);
    assert_eq!(
        fund_balances(&app, &accountant.token, commune).await["cash"],
        "1000000"
    );
    assert_eq!(
        chart(&app, &accountant.token, commune).await["6191"]["balance"],
        "0"
    );
    let original: Value = app
        .get(&format!("/v1/journal/{id}"), &accountant.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(original["reversed_by"], reversal["id"]);
    let audited = count(
        &app.sql().await,
        "SELECT count(*) FROM audit_events WHERE action = 'journal.reverse'",
    )
    .await;
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn an_entry_cannot_be_reversed_twice() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let entry = deposit(&app, &accountant.token, commune, "1000").await;
    let path = format!("/v1/journal/{}/reverse", entry["id"].as_str().unwrap());
    assert_eq!(
        app.post(&path, &accountant.token, &json!({"reason": "Ghi nhầm"}))
            .await
            .status(),
        201
    );
    let before = journal_count(&app).await;

    let res = app
        .post(
            &path,
            &accountant.token,
            &json!({"reason": "Ghi nhầm lần nữa"}),
        )
        .await;

    assert_problem(res, 409, "already_reversed").await;
    assert_eq!(journal_count(&app).await, before);
}

#[tokio::test]
async fn a_reversal_can_itself_be_reversed() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let entry = deposit(&app, &accountant.token, commune, "1000").await;
    let reversal: Value = app
        .post(
            &format!("/v1/journal/{}/reverse", entry["id"].as_str().unwrap()),
            &accountant.token,
            &json!({"reason": "Nhầm"}),
        )
        .await
        .json()
        .await
        .unwrap();

    let res = app
        .post(
            &format!("/v1/journal/{}/reverse", reversal["id"].as_str().unwrap()),
            &accountant.token,
            &json!({"reason": "Đảo nhầm"}),
        )
        .await;

    assert_eq!(res.status(), 201);
    assert_eq!(
        fund_balances(&app, &accountant.token, commune).await["cash"],
        "1000"
    );
}

#[tokio::test]
async fn reversing_a_deposit_already_spent_is_an_overdraft() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let entry = deposit(&app, &accountant.token, commune, "1000").await;
    assert_eq!(
        spend(&app, &accountant.token, commune, "600")
            .await
            .status(),
        201
    );

    let res = app
        .post(
            &format!("/v1/journal/{}/reverse", entry["id"].as_str().unwrap()),
            &accountant.token,
            &json!({"reason": "Nhầm"}),
        )
        .await;

    assert_problem(res, 409, "insufficient_funds").await;
    assert_eq!(
        fund_balances(&app, &accountant.token, commune).await["cash"],
        "400"
    );
}

#[tokio::test]
async fn a_donations_entry_cannot_be_reversed() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let id = Uuid::now_v7();
    raw_entry(
        &app.sql().await,
        id,
        COMMUNE,
        "donation",
        TODAY,
        &[("1111", "debit", 5000), ("5111", "credit", 5000)],
    )
    .await
    .unwrap();

    let res = app
        .post(
            &format!("/v1/journal/{id}/reverse"),
            &accountant.token,
            &json!({"reason": "Nhầm"}),
        )
        .await;

    let problem = assert_problem(res, 409, "conflict").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("void the donation instead"),
        "{problem}"
    );
    assert_eq!(
        fund_balances(&app, &accountant.token, commune).await["cash"],
        "5000"
    );
}

#[tokio::test]
async fn a_reversal_needs_a_reason() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let entry = deposit(&app, &accountant.token, commune, "1000").await;

    let res = app
        .post(
            &format!("/v1/journal/{}/reverse", entry["id"].as_str().unwrap()),
            &accountant.token,
            &json!({}),
        )
        .await;

    assert_eq!(
        fields(&assert_problem(res, 422, "validation_failed").await),
        ["reason"]
    );
}

#[tokio::test]
async fn an_officer_cannot_reverse_an_entry() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let officer = app.user("officer", COMMUNE).await;
    let entry = deposit(&app, &accountant.token, commune, "1000").await;

    let res = app
        .post(
            &format!("/v1/journal/{}/reverse", entry["id"].as_str().unwrap()),
            &officer.token,
            &json!({"reason": "Nhầm"}),
        )
        .await;

    assert_problem(res, 403, "forbidden").await;
}

// ---------------------------------------------------------------- periods

#[tokio::test]
async fn a_manual_entry_into_a_closed_month_is_refused() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    deposit_on(&app, &accountant.token, commune, "2026-02-10", "1000").await;
    assert_eq!(
        close(&app, &accountant.token, commune, LAST_MONTH)
            .await
            .status(),
        200
    );
    let before = journal_count(&app).await;

    let res = post_entry(
        &app,
        &accountant.token,
        commune,
        "2026-02-20",
        &[("1111", "debit", "1"), ("5111", "credit", "1")],
    )
    .await;

    assert_problem(res, 409, "period_closed").await;
    assert_eq!(journal_count(&app).await, before);
}

#[tokio::test]
async fn closing_a_month_records_its_trial_balance() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    deposit_on(&app, &accountant.token, commune, "2026-01-31", "1000").await;
    deposit_on(&app, &accountant.token, commune, "2026-02-28", "200").await;
    deposit_on(&app, &accountant.token, commune, "2026-03-01", "30").await;

    let res = close(&app, &accountant.token, commune, LAST_MONTH).await;

    assert_eq!(res.status(), 200);
    let period: Value = res.json().await.unwrap();
    assert_eq!(
        (&period["month"], &period["state"]),
        (&json!(LAST_MONTH), &json!("closed"))
    );
    assert_eq!(period["closed_by"], json!(accountant.id));
    let tb: Value = app
        .sql()
        .await
        .query_one(
            "SELECT closing_trial_balance FROM periods WHERE unit_id = $1 AND month = '2026-02-01'",
            &[&commune],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        tb["1111"],
        json!({"debit": "1200", "credit": "0", "balance": "1200"})
    );
    assert_eq!(
        tb["5111"],
        json!({"debit": "0", "credit": "1200", "balance": "1200"})
    );
    let audited = count(
        &app.sql().await,
        "SELECT count(*) FROM audit_events WHERE action = 'period.close'",
    )
    .await;
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn closing_the_current_month_is_refused() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;

    let current = close(&app, &accountant.token, commune, "2026-03").await;
    let future = close(&app, &accountant.token, commune, "2026-04").await;

    assert_problem(current, 409, "period_not_ended").await;
    assert_problem(future, 409, "period_not_ended").await;
}

#[tokio::test]
async fn closing_a_closed_month_again_is_a_conflict() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    assert_eq!(
        close(&app, &accountant.token, commune, LAST_MONTH)
            .await
            .status(),
        200
    );

    let res = close(&app, &accountant.token, commune, LAST_MONTH).await;

    assert_problem(res, 409, "conflict").await;
}

#[tokio::test]
async fn a_malformed_month_is_refused() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;

    for bad in ["2026-2", "2026-13", "february"] {
        let res = close(&app, &accountant.token, commune, bad).await;
        assert_eq!(
            fields(&assert_problem(res, 422, "validation_failed").await),
            ["month"],
            "{bad}"
        );
    }
}

#[tokio::test]
async fn an_officer_cannot_close_a_month() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let officer = app.user("officer", COMMUNE).await;

    let res = close(&app, &officer.token, commune, LAST_MONTH).await;

    assert_problem(res, 403, "forbidden").await;
}

#[tokio::test]
async fn a_province_closes_only_after_all_its_communes() {
    let app = spawn_ledger_app().await;
    let province = app.unit_id(PROVINCE).await;
    let commune = app.unit_id(COMMUNE).await;
    let province_accountant = app.user("accountant", PROVINCE).await;
    let commune_accountant = app.user("accountant", COMMUNE).await;
    close_children_by_hand(&app, PROVINCE, LAST_MONTH, &[COMMUNE]).await;

    let early = close(&app, &province_accountant.token, province, LAST_MONTH).await;

    let problem = assert_problem(early, 409, "children_open").await;
    assert!(
        problem["detail"].as_str().unwrap().contains(COMMUNE),
        "{problem}"
    );
    assert_eq!(problem["open_children"], json!([COMMUNE]));
    assert_eq!(
        close(&app, &commune_accountant.token, commune, LAST_MONTH)
            .await
            .status(),
        200
    );
    let res = close(&app, &province_accountant.token, province, LAST_MONTH).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["state"], "closed");
}

#[tokio::test]
async fn the_database_refuses_a_province_close_before_its_communes() {
    let app = spawn_ledger_app().await;
    let db = app.sql().await;

    let e = db
        .execute(
            "INSERT INTO periods (unit_id, month, state, closed_at) SELECT id, '2026-02-01', 'closed', now() FROM units WHERE code = $1",
            &[&PROVINCE],
        )
        .await
        .unwrap_err();

    assert_eq!(constraint(&e), Some("children_open"));
}

#[tokio::test]
async fn an_approver_reopens_a_closed_month_with_a_reason() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let approver = app.user("approver", COMMUNE).await;
    assert_eq!(
        close(&app, &accountant.token, commune, LAST_MONTH)
            .await
            .status(),
        200
    );

    let res = reopen(&app, &approver.token, commune, LAST_MONTH).await;

    assert_eq!(res.status(), 200);
    let period: Value = res.json().await.unwrap();
    assert_eq!(period["state"], "open");
    assert_eq!(period["reopen_reason"], "Sửa sai sót sau kiểm toán");
    assert_eq!(period["reopened_by"], json!(approver.id));
    assert!(period["reopened_at"].is_string() && period["closed_at"].is_string());
    let posted = post_entry(
        &app,
        &accountant.token,
        commune,
        "2026-02-20",
        &[("1111", "debit", "1"), ("5111", "credit", "1")],
    )
    .await;
    assert_eq!(posted.status(), 201);
    let audited = count(
        &app.sql().await,
        "SELECT count(*) FROM audit_events WHERE action = 'period.reopen'",
    )
    .await;
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn an_accountant_cannot_reopen_a_month() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app
        .user_with_roles(&[("accountant", COMMUNE), ("approver", SIBLING_COMMUNE)])
        .await;
    assert_eq!(
        close(&app, &accountant.token, commune, LAST_MONTH)
            .await
            .status(),
        200
    );
    let plain = app.user("accountant", COMMUNE).await;

    let without_role = reopen(&app, &plain.token, commune, LAST_MONTH).await;
    let approver_elsewhere = reopen(&app, &accountant.token, commune, LAST_MONTH).await;

    assert_problem(without_role, 403, "forbidden").await;
    assert_problem(approver_elsewhere, 403, "forbidden").await;
}

#[tokio::test]
async fn reopening_an_open_month_is_a_conflict() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let approver = app.user("approver", COMMUNE).await;

    let res = reopen(&app, &approver.token, commune, LAST_MONTH).await;

    assert_problem(res, 409, "conflict").await;
}

#[tokio::test]
async fn a_commune_cannot_reopen_while_its_province_has_the_month_closed() {
    let app = spawn_ledger_app().await;
    let province = app.unit_id(PROVINCE).await;
    let commune = app.unit_id(COMMUNE).await;
    let province_accountant = app.user("accountant", PROVINCE).await;
    let approver = app.user("approver", COMMUNE).await;
    close_children_by_hand(&app, PROVINCE, LAST_MONTH, &[]).await;
    assert_eq!(
        close(&app, &province_accountant.token, province, LAST_MONTH)
            .await
            .status(),
        200
    );

    let res = reopen(&app, &approver.token, commune, LAST_MONTH).await;

    assert_problem(res, 409, "parent_closed").await;
    let state: String = app
        .sql()
        .await
        .query_one(
            "SELECT state FROM periods WHERE unit_id = $1 AND month = '2026-02-01'",
            &[&commune],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(state, "closed");
}

#[tokio::test]
async fn the_periods_run_from_the_first_posting_to_the_current_month() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    deposit_on(&app, &accountant.token, commune, "2025-12-05", "1000").await;
    assert_eq!(
        close(&app, &accountant.token, commune, "2025-12")
            .await
            .status(),
        200
    );

    let res = app
        .get(&format!("/v1/units/{commune}/periods"), &accountant.token)
        .await;

    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    let months: Vec<(&str, &str)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["month"].as_str().unwrap(), p["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        months,
        [
            ("2026-03", "open"),
            ("2026-02", "open"),
            ("2026-01", "open"),
            ("2025-12", "closed")
        ]
    );
    assert!(page["next_cursor"].is_null());
}

#[tokio::test]
async fn a_fund_without_postings_lists_the_current_month() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let officer = app.user("officer", COMMUNE).await;

    let page: Value = app
        .get(&format!("/v1/units/{commune}/periods"), &officer.token)
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(
        page["items"],
        json!([{"month": "2026-03", "state": "open", "closed_at": null, "closed_by": null,
                                      "reopened_at": null, "reopened_by": null, "reopen_reason": null}])
    );
}

#[tokio::test]
async fn the_periods_list_paginates() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    deposit_on(&app, &accountant.token, commune, "2025-11-05", "1000").await;

    let mut months = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut path = format!("/v1/units/{commune}/periods?limit=2");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page: Value = app
            .get(&path, &accountant.token)
            .await
            .json()
            .await
            .unwrap();
        pages += 1;
        months.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["month"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }

    assert_eq!(pages, 3);
    assert_eq!(
        months,
        ["2026-03", "2026-02", "2026-01", "2025-12", "2025-11"]
    );
}

// ---------------------------------------------------------------- scope

#[tokio::test]
async fn a_commune_accountant_cannot_post_to_its_province() {
    let app = spawn_ledger_app().await;
    let province = app.unit_id(PROVINCE).await;
    let accountant = app.user("accountant", COMMUNE).await;

    let res = post_entry(
        &app,
        &accountant.token,
        province,
        TODAY,
        &[("1111", "debit", "1"), ("5111", "credit", "1")],
    )
    .await;

    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn a_commune_accountant_cannot_post_to_a_sibling_commune() {
    let app = spawn_ledger_app().await;
    let sibling = app.unit_id(SIBLING_COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;

    let res = post_entry(
        &app,
        &accountant.token,
        sibling,
        TODAY,
        &[("1111", "debit", "1"), ("5111", "credit", "1")],
    )
    .await;

    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn a_province_accountant_cannot_post_to_a_commune_below() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", PROVINCE).await;

    let res = post_entry(
        &app,
        &accountant.token,
        commune,
        TODAY,
        &[("1111", "debit", "1"), ("5111", "credit", "1")],
    )
    .await;

    assert_problem(res, 403, "forbidden").await;
}

#[tokio::test]
async fn an_auditor_reads_the_journal_and_accounts_but_cannot_post() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let auditor = app.user("auditor", PROVINCE).await;
    let entry = deposit(&app, &accountant.token, commune, "1000").await;

    let journal = app
        .get(&format!("/v1/journal?unit_id={commune}"), &auditor.token)
        .await;
    let one = app
        .get(
            &format!("/v1/journal/{}", entry["id"].as_str().unwrap()),
            &auditor.token,
        )
        .await;
    let accounts = app
        .get(&format!("/v1/units/{commune}/accounts"), &auditor.token)
        .await;
    let posted = post_entry(
        &app,
        &auditor.token,
        commune,
        TODAY,
        &[("1111", "debit", "1"), ("5111", "credit", "1")],
    )
    .await;

    assert_eq!(journal.status(), 200);
    assert_eq!(
        journal.json::<Value>().await.unwrap()["items"][0]["id"],
        entry["id"]
    );
    assert_eq!(one.status(), 200);
    assert_eq!(accounts.status(), 200);
    assert_problem(posted, 403, "forbidden").await;
}

#[tokio::test]
async fn the_journal_lists_every_fund_in_the_callers_scope() {
    let app = spawn_ledger_app().await;
    let (province, commune, sibling) = (
        app.unit_id(PROVINCE).await,
        app.unit_id(COMMUNE).await,
        app.unit_id(SIBLING_COMMUNE).await,
    );
    for (code, unit, amount) in [
        (PROVINCE, province, "1"),
        (COMMUNE, commune, "2"),
        (SIBLING_COMMUNE, sibling, "3"),
    ] {
        let accountant = app.user("accountant", code).await;
        deposit(&app, &accountant.token, unit, amount).await;
    }
    let auditor = app.user("auditor", PROVINCE).await;
    let officer = app.user("officer", COMMUNE).await;
    let units_of = |page: &Value| -> Vec<String> {
        let mut u: Vec<String> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["unit_id"].as_str().unwrap().to_owned())
            .collect();
        u.sort();
        u
    };

    let province_wide: Value = app
        .get("/v1/journal", &auditor.token)
        .await
        .json()
        .await
        .unwrap();
    let commune_only: Value = app
        .get("/v1/journal", &officer.token)
        .await
        .json()
        .await
        .unwrap();
    let one_fund: Value = app
        .get(&format!("/v1/journal?unit_id={province}"), &auditor.token)
        .await
        .json()
        .await
        .unwrap();

    let mut all = vec![
        province.to_string(),
        commune.to_string(),
        sibling.to_string(),
    ];
    all.sort();
    assert_eq!(units_of(&province_wide), all);
    assert_eq!(units_of(&commune_only), [commune.to_string()]);
    assert_eq!(
        units_of(&one_fund),
        [province.to_string()],
        "a unit's journal holds its own fund only"
    );
}

#[tokio::test]
async fn the_journal_of_a_fund_outside_the_scope_is_not_found() {
    let app = spawn_ledger_app().await;
    let sibling = app.unit_id(SIBLING_COMMUNE).await;
    let sibling_accountant = app.user("accountant", SIBLING_COMMUNE).await;
    let entry = deposit(&app, &sibling_accountant.token, sibling, "1000").await;
    let officer = app.user("officer", COMMUNE).await;
    let cash_id = chart(&app, &sibling_accountant.token, sibling).await["1111"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    for path in [
        format!("/v1/journal?unit_id={sibling}"),
        format!("/v1/journal/{}", entry["id"].as_str().unwrap()),
        format!("/v1/units/{sibling}/accounts"),
        format!("/v1/units/{sibling}/balances"),
        format!("/v1/units/{sibling}/periods"),
        format!("/v1/accounts/{cash_id}"),
        format!("/v1/accounts/{cash_id}/postings"),
    ] {
        assert_problem(app.get(&path, &officer.token).await, 404, "not_found").await;
    }
}

#[tokio::test]
async fn the_journal_filters_by_date_and_source_type() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    deposit_on(&app, &accountant.token, commune, "2026-03-01", "1").await;
    let second = deposit_on(&app, &accountant.token, commune, "2026-03-02", "2").await;
    let path = format!("/v1/journal/{}/reverse", second["id"].as_str().unwrap());
    assert_eq!(
        app.post(&path, &accountant.token, &json!({"reason": "Nhầm"}))
            .await
            .status(),
        201
    );

    let by_date: Value = app
        .get(
            &format!("/v1/journal?unit_id={commune}&from=2026-03-02&to=2026-03-02"),
            &accountant.token,
        )
        .await
        .json()
        .await
        .unwrap();
    let reversals: Value = app
        .get(
            &format!("/v1/journal?unit_id={commune}&source_type=reversal"),
            &accountant.token,
        )
        .await
        .json()
        .await
        .unwrap();
    let unknown = app
        .get("/v1/journal?source_type=gift", &accountant.token)
        .await;

    assert_eq!(by_date["items"].as_array().unwrap().len(), 1);
    assert_eq!(by_date["items"][0]["id"], second["id"]);
    assert_eq!(
        by_date["items"][0]["reversed_by"],
        reversals["items"][0]["id"]
    );
    assert_eq!(reversals["items"].as_array().unwrap().len(), 1);
    assert_eq!(reversals["items"][0]["reverses_id"], second["id"]);
    assert_eq!(
        fields(&assert_problem(unknown, 422, "validation_failed").await),
        ["source_type"]
    );
}

#[tokio::test]
async fn the_journal_paginates_without_gaps_or_repeats() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let mut expected = Vec::new();
    for date in [
        "2026-03-03",
        "2026-03-01",
        "2026-03-01",
        "2026-03-02",
        "2026-03-03",
    ] {
        expected.push((
            date.to_owned(),
            deposit_on(&app, &accountant.token, commune, date, "1").await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        ));
    }
    expected.sort();

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/v1/journal?unit_id={commune}&limit=2");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page: Value = app
            .get(&path, &accountant.token)
            .await
            .json()
            .await
            .unwrap();
        for e in page["items"].as_array().unwrap() {
            seen.push((
                e["effective_date"].as_str().unwrap().to_owned(),
                e["id"].as_str().unwrap().to_owned(),
            ));
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }

    assert_eq!(seen, expected);
}

// ---------------------------------------------------------------- concurrency

#[tokio::test]
async fn concurrent_overdrafts_leave_the_cash_at_zero() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    deposit(&app, &accountant.token, commune, "1000000").await;

    let responses =
        join_all((0..20).map(|_| spend(&app, &accountant.token, commune, "100000"))).await;

    let mut statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort();
    assert_eq!(statuses, [[201; 10], [409; 10]].concat());
    for res in responses.into_iter().filter(|r| r.status() == 409) {
        assert_problem(res, 409, "insufficient_funds").await;
    }
    let b = fund_balances(&app, &accountant.token, commune).await;
    assert_eq!(
        (&b["cash"], &b["available_unrestricted"]),
        (&json!("0"), &json!("0"))
    );
}

// ---------------------------------------------------------------- the database alone

fn constraint(e: &tokio_postgres::Error) -> Option<&str> {
    e.as_db_error().and_then(|d| d.constraint())
}

/// An entry written by hand in one transaction, as an operator with `psql` would.
async fn raw_entry(
    db: &Client,
    id: Uuid,
    unit_code: &str,
    source_type: &str,
    date: &str,
    lines: &[(&str, &str, i64)],
) -> Result<(), tokio_postgres::Error> {
    let unit = format!("(SELECT id FROM units WHERE code = '{unit_code}')");
    let mut sql = format!(
        "BEGIN; INSERT INTO journal_entries (id, unit_id, effective_date, source_type, description) \
         VALUES ('{id}', {unit}, '{date}', '{source_type}', 'viết tay');"
    );
    for (code, side, amount) in lines {
        sql.push_str(&format!(
            "INSERT INTO postings (entry_id, account_id, side, amount, unit_id, effective_date) \
             VALUES ('{id}', (SELECT id FROM accounts WHERE unit_id = {unit} AND code = '{code}'), '{side}', {amount}, {unit}, '{date}');"
        ));
    }
    sql.push_str("COMMIT;");
    let result = db.batch_execute(&sql).await;
    if result.is_err() {
        // a failed statement before COMMIT leaves the transaction open and aborted
        db.batch_execute("ROLLBACK").await.unwrap();
    }
    result
}

async fn one_raw_entry(app: &TestApp) -> (Client, Uuid) {
    let db = app.sql().await;
    let id = Uuid::now_v7();
    raw_entry(
        &db,
        id,
        COMMUNE,
        "manual",
        TODAY,
        &[("1111", "debit", 100), ("5111", "credit", 100)],
    )
    .await
    .unwrap();
    (db, id)
}

#[tokio::test]
async fn postings_cannot_be_updated() {
    let app = spawn_ledger_app().await;
    let (db, _) = one_raw_entry(&app).await;

    let e = db
        .execute("UPDATE postings SET amount = 1", &[])
        .await
        .unwrap_err();

    assert_eq!(
        e.code(),
        Some(&tokio_postgres::error::SqlState::RESTRICT_VIOLATION)
    );
    assert_eq!(
        count(&db, "SELECT sum(amount)::bigint FROM postings").await,
        200
    );
}

#[tokio::test]
async fn postings_cannot_be_deleted() {
    let app = spawn_ledger_app().await;
    let (db, _) = one_raw_entry(&app).await;

    let e = db.execute("DELETE FROM postings", &[]).await.unwrap_err();

    assert_eq!(
        e.code(),
        Some(&tokio_postgres::error::SqlState::RESTRICT_VIOLATION)
    );
    assert_eq!(count(&db, "SELECT count(*) FROM postings").await, 2);
}

#[tokio::test]
async fn journal_entries_cannot_be_updated() {
    let app = spawn_ledger_app().await;
    let (db, id) = one_raw_entry(&app).await;

    let e = db
        .execute(
            "UPDATE journal_entries SET effective_date = '2026-01-01' WHERE id = $1",
            &[&id],
        )
        .await
        .unwrap_err();

    assert_eq!(
        e.code(),
        Some(&tokio_postgres::error::SqlState::RESTRICT_VIOLATION)
    );
    let date: chrono::NaiveDate = db
        .query_one(
            "SELECT effective_date FROM journal_entries WHERE id = $1",
            &[&id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(date.to_string(), TODAY);
}

#[tokio::test]
async fn journal_entries_cannot_be_deleted() {
    let app = spawn_ledger_app().await;
    let (db, _) = one_raw_entry(&app).await;

    let e = db
        .execute("DELETE FROM journal_entries", &[])
        .await
        .unwrap_err();

    assert_eq!(
        e.code(),
        Some(&tokio_postgres::error::SqlState::RESTRICT_VIOLATION)
    );
    assert_eq!(count(&db, "SELECT count(*) FROM journal_entries").await, 1);
}

#[tokio::test]
async fn an_unbalanced_entry_written_by_hand_fails_at_commit() {
    let app = spawn_ledger_app().await;
    let db = app.sql().await;

    let e = raw_entry(
        &db,
        Uuid::now_v7(),
        COMMUNE,
        "manual",
        TODAY,
        &[("1111", "debit", 100), ("5111", "credit", 90)],
    )
    .await
    .unwrap_err();

    assert_eq!(constraint(&e), Some("entry_balanced"));
    assert_eq!(count(&db, "SELECT count(*) FROM journal_entries").await, 0);
    assert_eq!(count(&db, "SELECT count(*) FROM postings").await, 0);
}

#[tokio::test]
async fn a_posting_in_a_closed_month_written_by_hand_fails() {
    let app = spawn_ledger_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    assert_eq!(
        close(&app, &accountant.token, commune, LAST_MONTH)
            .await
            .status(),
        200
    );
    let db = app.sql().await;

    let e = raw_entry(
        &db,
        Uuid::now_v7(),
        COMMUNE,
        "manual",
        "2026-02-14",
        &[("1111", "debit", 100), ("5111", "credit", 100)],
    )
    .await
    .unwrap_err();

    assert_eq!(constraint(&e), Some("period_closed"));
    assert_eq!(count(&db, "SELECT count(*) FROM journal_entries").await, 0);
}

/// Two spending entries of 200 from the commune's cash and one of the sibling commune's, all
/// their postings in one INSERT statement (as the bulk paths write them).
async fn two_funds_in_one_statement(db: &Client) -> Result<(), tokio_postgres::Error> {
    let (a, b, c) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let entries = [(a, COMMUNE), (b, COMMUNE), (c, SIBLING_COMMUNE)];
    let mut sql = String::from("BEGIN;");
    for (id, unit) in entries {
        sql.push_str(&format!(
            "INSERT INTO journal_entries (id, unit_id, effective_date, source_type, description) \
             VALUES ('{id}', (SELECT id FROM units WHERE code = '{unit}'), '{TODAY}', 'manual', 'viết tay');"
        ));
    }
    sql.push_str("INSERT INTO postings (entry_id, account_id, side, amount) SELECT v.e::uuid, a.id, v.side, 200 \
                    FROM (VALUES ");
    let rows: Vec<String> = entries
        .iter()
        .flat_map(|(id, unit)| {
            [
                format!("('{id}', '{unit}', '6191', 'debit')"),
                format!("('{id}', '{unit}', '1111', 'credit')"),
            ]
        })
        .collect();
    sql.push_str(&rows.join(","));
    sql.push_str(
        ") v (e, unit, code, side) JOIN units u ON u.code = v.unit \
         JOIN accounts a ON a.unit_id = u.id AND a.code = v.code; COMMIT;",
    );
    let result = db.batch_execute(&sql).await;
    if result.is_err() {
        db.batch_execute("ROLLBACK").await.unwrap();
    }
    result
}

#[tokio::test]
async fn one_statement_of_many_postings_adds_each_accounts_total_and_still_guards_every_fund() {
    let app = spawn_ledger_app().await;
    let db = app.sql().await;
    for unit in [COMMUNE, SIBLING_COMMUNE] {
        raw_entry(
            &db,
            Uuid::now_v7(),
            unit,
            "manual",
            TODAY,
            &[("1111", "debit", 500), ("5111", "credit", 500)],
        )
        .await
        .unwrap();
    }
    let cash = |unit: &str| {
        format!(
            "SELECT (sum(debit) - sum(credit))::bigint FROM balance_buckets b \
               JOIN units u ON u.id = b.unit_id WHERE u.code = '{unit}' AND b.chart_code = '1111'"
        )
    };

    two_funds_in_one_statement(&db).await.unwrap();

    assert_eq!(count(&db, &cash(COMMUNE)).await, 100);
    assert_eq!(count(&db, &cash(SIBLING_COMMUNE)).await, 300);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM (SELECT account_id, sum(debit - credit) AS n FROM balance_buckets GROUP BY account_id) b \
               FULL JOIN (SELECT account_id, sum(CASE side WHEN 'debit' THEN amount ELSE -amount END) AS n \
                            FROM postings GROUP BY account_id) p USING (account_id) \
              WHERE b.n IS DISTINCT FROM p.n"
        )
        .await,
        0,
        "the running totals equal the postings"
    );

    // the same again would take the commune's cash to -300: the whole statement is refused
    let e = two_funds_in_one_statement(&db).await.unwrap_err();

    assert_eq!(constraint(&e), Some("no_overdraft"));
    assert_eq!(count(&db, &cash(COMMUNE)).await, 100);
    assert_eq!(count(&db, &cash(SIBLING_COMMUNE)).await, 300);
    assert_eq!(count(&db, "SELECT count(*) FROM journal_entries").await, 5);
}

#[tokio::test]
async fn an_overdraft_written_by_hand_fails_at_commit() {
    let app = spawn_ledger_app().await;
    let db = app.sql().await;
    raw_entry(
        &db,
        Uuid::now_v7(),
        COMMUNE,
        "manual",
        TODAY,
        &[("1111", "debit", 100), ("5111", "credit", 100)],
    )
    .await
    .unwrap();

    let e = raw_entry(
        &db,
        Uuid::now_v7(),
        COMMUNE,
        "manual",
        TODAY,
        &[("6191", "debit", 101), ("1111", "credit", 101)],
    )
    .await
    .unwrap_err();

    assert_eq!(constraint(&e), Some("no_overdraft"));
    assert_eq!(count(&db, "SELECT count(*) FROM journal_entries").await, 1);
    assert_eq!(count(&db, "SELECT (sum(debit) - sum(credit))::bigint FROM balance_buckets WHERE chart_code = '1111'").await, 100);
}
