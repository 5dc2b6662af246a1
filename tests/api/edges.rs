//! The edges of the input (issue 11, "Hardening"): an amount is read by one rule that never
//! rounds or guesses (`"100.000"` is not a hundred đồng), every date is within the fund's range
//! (2000-01-01 to a year after the service's today; plans ten years), a streamed export answers 422 before its
//! first byte, and every error the database raises has a stable code, never a 500.

use chrono::{Datelike, Days, Months, NaiveDate};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use doanket::error::{ApiError, Code};
use reqwest::Method;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    assert_problem, cash_donation, spawn_app, today, TestApp, TestUser, COMMUNE, RECEIVED_ON,
};

/// The last date the fund takes on the test apps' clock.
fn latest() -> NaiveDate {
    today().checked_add_months(Months::new(12)).unwrap()
}

/// The last date a plan (a campaign's dates, a housing norm) may name: ten years ahead.
fn plan_latest() -> NaiveDate {
    today().checked_add_months(Months::new(120)).unwrap()
}

/// Dates no body or query may carry: before 2000, signed or five-digit years, and the day after
/// the latest.
fn out_of_range() -> Vec<String> {
    vec![
        "0000-01-01".into(),
        "0001-01-01".into(),
        "-0001-01-01".into(),
        "-4000-01-01".into(),
        "1999-12-31".into(),
        (latest() + Days::new(1)).to_string(),
    ]
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

async fn assert_field(res: reqwest::Response, field: &str, what: &str) {
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(fields(&problem), [field], "{what}: {problem}");
}

/// A user who may act as officer, approver and finance officer of the commune.
async fn everyone(app: &TestApp) -> TestUser {
    app.user_with_roles(&[
        ("officer", COMMUNE),
        ("approver", COMMUNE),
        ("accountant", COMMUNE),
    ])
    .await
}

#[tokio::test]
async fn an_amount_with_more_decimals_than_its_currency_is_refused_and_nothing_is_booked() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit = app.unit_id(COMMUNE).await;
    let before = app.donation_count().await;

    for amount in [
        // a Vietnamese client writes a dot for thousands: neither 100 nor 100000 đồng
        "100.000",
        "100.00",
        "1.000000000000000000000000000001",
        "1500000.0",
    ] {
        let res = app
            .post(
                "/v1/donations",
                &officer.token,
                &cash_donation(unit, amount),
            )
            .await;
        assert_field(res, "amount", amount).await;
    }
    let mut usd = cash_donation(unit, "10.005");
    usd["currency"] = json!("USD");
    usd["fx_rate"] = json!("25400");
    let res = app.post("/v1/donations", &officer.token, &usd).await;
    assert_field(res, "amount", "10.005 USD").await;
    // an exchange rate is kept to 8 decimals: more would be rounded by the database
    usd["amount"] = json!("10.00");
    usd["fx_rate"] = json!("25400.000000001");
    let res = app.post("/v1/donations", &officer.token, &usd).await;
    assert_field(res, "fx_rate", "fx_rate with 9 decimals").await;

    assert_eq!(app.donation_count().await, before, "nothing booked");
    // the same amounts, written as the rule wants, are booked exactly
    let d = app
        .record_cash_donation(&officer.token, unit, "100000")
        .await;
    assert_eq!(d["amount"], "100000");
    usd["fx_rate"] = json!("25400.5");
    let d = app.record_donation(&officer.token, &usd).await;
    assert_eq!(
        (&d["amount"], &d["amount_vnd"]),
        (&json!("10.00"), &json!("254005"))
    );
}

#[tokio::test]
async fn amounts_in_queries_and_manual_entries_go_through_the_same_rule() {
    let app = spawn_app().await;
    let user = everyone(&app).await;
    let unit = app.unit_id(COMMUNE).await;
    let campaign = app
        .campaign(&user.token, COMMUNE, "Tháng cao điểm", false)
        .await;
    let public = format!(
        "/v1/public/campaigns/{}/donations",
        campaign["id"].as_str().unwrap()
    );
    for (query, field) in [
        ("min_amount=100.000", "min_amount"),
        ("max_amount=100.0", "max_amount"),
        ("min_amount=1.000000000000000000000000000001", "min_amount"),
    ] {
        let res = app
            .request(Method::GET, &format!("{public}?{query}"), None, None)
            .await;
        assert_field(res, field, query).await;
    }
    let res = app
        .request(Method::GET, &format!("{public}?min_amount=0"), None, None)
        .await;
    assert_eq!(res.status(), 200, "a zero bound is a bound");

    let entry = json!({"unit_id": unit, "description": "Điều chỉnh", "reason": "Sai sót",
                       "postings": [{"account_code": "1111", "side": "debit", "amount": "100.000"},
                                    {"account_code": "5111", "side": "credit", "amount": "100000"}]});
    let res = app.post("/v1/journal", &user.token, &entry).await;
    assert_field(res, "postings[0].amount", "a posting of 100.000").await;
}

#[tokio::test]
async fn a_donation_dated_outside_the_funds_years_is_refused_naming_received_on() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit = app.unit_id(COMMUNE).await;
    let before = app.donation_count().await;
    for date in out_of_range() {
        let mut body = cash_donation(unit, "100000");
        body["received_on"] = json!(date);
        let res = app.post("/v1/donations", &officer.token, &body).await;
        assert_field(res, "received_on", &date).await;
    }
    assert_eq!(app.donation_count().await, before, "nothing booked");

    // the first day the fund takes gives a receipt with a four-digit year
    let mut body = cash_donation(unit, "100000");
    body["received_on"] = json!("2000-01-01");
    let d = app.record_donation(&officer.token, &body).await;
    assert_eq!(d["receipt_number"], format!("{COMMUNE}-2000-000001"));
}

#[tokio::test]
async fn every_date_of_every_body_is_held_to_the_funds_range() {
    let app = spawn_app().await;
    let user = everyone(&app).await;
    let unit = app.unit_id(COMMUNE).await;
    // the dates are read at the edge, before the row (here, none) is looked up
    let any = Uuid::now_v7();
    // plans (a campaign, a housing norm) reach further ahead than transactions
    let body_with = |date: &str, plan: &str| -> Vec<(Method, String, Value, &'static str)> {
        vec![
            (
                Method::POST,
                "/v1/campaigns".into(),
                json!({"unit_id": unit, "kind": "general", "name": "Đợt", "starts_on": plan,
                       "ends_on": "2026-12-31"}),
                "starts_on",
            ),
            (
                Method::POST,
                "/v1/campaigns".into(),
                json!({"unit_id": unit, "kind": "general", "name": "Đợt", "starts_on": "2026-01-01",
                       "ends_on": plan}),
                "ends_on",
            ),
            (
                Method::POST,
                "/v1/journal".into(),
                json!({"unit_id": unit, "effective_date": date, "description": "x", "reason": "y",
                       "postings": []}),
                "effective_date",
            ),
            (
                Method::POST,
                format!("/v1/journal/{any}/reverse"),
                json!({"reason": "Sai sót", "effective_date": date}),
                "effective_date",
            ),
            (
                Method::POST,
                format!("/v1/disbursements/{any}/pay"),
                json!({"paid_on": date}),
                "paid_on",
            ),
            (
                Method::POST,
                format!("/v1/transfers/{any}/send"),
                json!({"sent_on": date, "bank_account_id": any}),
                "sent_on",
            ),
            (
                Method::POST,
                format!("/v1/transfers/{any}/receive"),
                json!({"received_on": date, "bank_account_id": any}),
                "received_on",
            ),
            (
                Method::POST,
                "/v1/houses".into(),
                json!({"household_id": any, "funding_unit_id": unit, "kind": "new",
                       "estimated_cost": "90000000", "funding_plan": [], "proposed_on": date}),
                "proposed_on",
            ),
            (
                Method::POST,
                format!("/v1/houses/{any}/start"),
                json!({"started_on": date}),
                "started_on",
            ),
            (
                Method::POST,
                format!("/v1/houses/{any}/complete"),
                json!({"completed_on": date, "meets_3_cung": true}),
                "completed_on",
            ),
            (
                Method::POST,
                format!("/v1/houses/{any}/hand-over"),
                json!({"handed_over_on": date}),
                "handed_over_on",
            ),
            (
                Method::POST,
                format!("/v1/houses/{any}/payments"),
                json!({"amount": "1000000", "stage": "foundation", "method": "cash", "paid_on": date}),
                "paid_on",
            ),
            (
                Method::POST,
                format!("/v1/houses/{any}/contributions"),
                json!({"source": "sponsor", "kind": "cash", "value": "100", "contributed_on": date}),
                "contributed_on",
            ),
            (
                Method::POST,
                format!("/v1/tet-batches/{any}/disburse"),
                json!({"disbursed_on": date}),
                "disbursed_on",
            ),
            (
                Method::POST,
                format!("/v1/tet-batches/{any}/close"),
                json!({"closed_on": date}),
                "closed_on",
            ),
            (
                Method::POST,
                format!("/v1/tet-batches/{any}/deliveries"),
                json!([{"household_id": any, "delivered_on": date, "ack": {"method": "signature"}}]),
                "[0].delivered_on",
            ),
            (
                Method::PUT,
                "/v1/housing-norms".into(),
                json!([{"effective_from": plan, "kind": "new", "amount": "60000000"}]),
                "[0].effective_from",
            ),
        ]
    };
    for (date, plan) in [
        ("0001-01-01".to_owned(), "0001-01-01".to_owned()),
        (
            (latest() + Days::new(1)).to_string(),
            (plan_latest() + Days::new(1)).to_string(),
        ),
    ] {
        for (method, path, body, field) in body_with(&date, &plan) {
            let res = app
                .request(method.clone(), &path, Some(&user.token), Some(&body))
                .await;
            assert_field(res, field, &format!("{method} {path} {date}")).await;
        }
    }
}

#[tokio::test]
async fn every_date_and_year_of_a_query_is_held_to_the_funds_range() {
    let app = spawn_app().await;
    let user = everyone(&app).await;
    let unit = app.unit_id(COMMUNE).await;
    let any = Uuid::now_v7();
    let queries = [
        ("/v1/donations?from=", "from"),
        ("/v1/donations?to=", "to"),
        ("/v1/journal?from=", "from"),
        (&format!("/v1/accounts/{any}/postings?to=") as &str, "to"),
        (&format!("/v1/units/{unit}/ledger?format=csv&from="), "from"),
        (
            &format!("/v1/units/{unit}/reports/trial-balance?as_of="),
            "as_of",
        ),
        (
            &format!("/v1/units/{unit}/reports/fund-statement?to=2026-12-31&from="),
            "from",
        ),
        (
            &format!("/v1/bank-accounts/{any}/reconciliation?as_of="),
            "as_of",
        ),
        (
            &format!("/v1/bank-accounts/{any}/statement-lines?from="),
            "from",
        ),
        (&format!("/v1/public/campaigns/{any}/donations?to="), "to"),
    ];
    for date in out_of_range() {
        for (prefix, field) in &queries {
            let path = format!("{prefix}{date}");
            assert_field(app.get(&path, &user.token).await, field, &path).await;
        }
    }
    // plans' filters reach as far as plans do
    for (prefix, field) in [
        ("/v1/campaigns?active_on=", "active_on"),
        ("/v1/housing-norms?on=", "on"),
    ] {
        for date in [
            "1999-12-31".to_owned(),
            (plan_latest() + Days::new(1)).to_string(),
        ] {
            let path = format!("{prefix}{date}");
            assert_field(app.get(&path, &user.token).await, field, &path).await;
        }
        let path = format!("{prefix}{}", plan_latest());
        assert_eq!(app.get(&path, &user.token).await.status(), 200, "{path}");
    }
    // a date that does not exist is no date either
    let res = app.get("/v1/donations?from=2026-02-30", &user.token).await;
    assert_field(res, "from", "2026-02-30").await;

    let years = [
        format!("/v1/units/{unit}/receipts?year="),
        format!("/v1/units/{unit}/reports/housing?year="),
        format!("/v1/public/units/{unit}/summary?year="),
    ];
    for year in [1999, latest().year() + 1] {
        for prefix in &years {
            let path = format!("{prefix}{year}");
            assert_field(app.get(&path, &user.token).await, "year", &path).await;
        }
    }
    let next_year = format!("/v1/units/{unit}/receipts?year={}", latest().year());
    assert_eq!(app.get(&next_year, &user.token).await.status(), 200);

    // the audit trail's instants likewise
    let root = app.root_token().await;
    for (query, field) in [
        ("from=0001-01-01T00:00:00Z", "from"),
        ("to=-4000-01-01T00:00:00Z", "to"),
        ("from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "to"),
    ] {
        let path = format!("/v1/audit-events?{query}");
        assert_field(app.get(&path, &root).await, field, &path).await;
    }

    // a month of the books is a month of the fund's years
    let res = app
        .post(
            &format!("/v1/units/{unit}/periods/0001-01/close"),
            &user.token,
            &json!({}),
        )
        .await;
    assert_field(res, "month", "0001-01").await;
}

#[tokio::test]
async fn a_range_whose_end_comes_first_names_to_on_every_endpoint() {
    let app = spawn_app().await;
    let user = everyone(&app).await;
    let unit = app.unit_id(COMMUNE).await;
    let any = Uuid::now_v7();
    let (from, to) = ("2026-03-02", "2026-03-01");
    for prefix in [
        "/v1/donations?".to_owned(),
        "/v1/journal?".to_owned(),
        format!("/v1/accounts/{any}/postings?"),
        format!("/v1/units/{unit}/ledger?format=jsonl&"),
        format!("/v1/units/{unit}/reports/fund-statement?"),
        format!("/v1/bank-accounts/{any}/statement-lines?"),
        format!("/v1/public/campaigns/{any}/donations?"),
    ] {
        let path = format!("{prefix}from={from}&to={to}");
        assert_field(app.get(&path, &user.token).await, "to", &path).await;
    }
}

#[tokio::test]
async fn a_ledger_export_with_impossible_dates_answers_422_before_its_first_byte() {
    let app = spawn_app().await;
    let accountant = app.user("accountant", COMMUNE).await;
    let officer = app.user("officer", COMMUNE).await;
    let unit = app.unit_id(COMMUNE).await;
    app.record_cash_donation(&officer.token, unit, "500000")
        .await;
    for format in ["csv", "jsonl", "xlsx", "hledger"] {
        for (query, field) in [
            ("from=2026-02-30", "from"),
            ("to=2026-13-01", "to"),
            ("from=-5000-01-01", "from"),
            ("from=0001-01-01", "from"),
            ("from=2026-03-02&to=2026-03-01", "to"),
        ] {
            let path = format!("/v1/units/{unit}/ledger?format={format}&{query}");
            let res = app.get(&path, &accountant.token).await;
            assert_field(res, field, &path).await;
        }
        // the same export with dates the fund takes streams as before
        let path = format!(
            "/v1/units/{unit}/ledger?format={format}&from=2000-01-01&to={}",
            today()
        );
        let res = app.get(&path, &accountant.token).await;
        assert_eq!(res.status(), 200, "{path}");
        assert!(!res.bytes().await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_statement_line_dated_outside_the_funds_years_refuses_the_file_naming_the_line() {
    let app = spawn_app().await;
    let accountant = app.user("accountant", COMMUNE).await;
    let bank = app.bank_account(COMMUNE, &accountant.token).await;
    let path = format!(
        "/v1/bank-accounts/{}/statements?format=generic",
        bank["id"].as_str().unwrap()
    );
    let day = today() - Days::new(3);
    for (bad, line) in [
        ("1900-01-05".to_owned(), 3),
        ((latest() + Days::new(1)).to_string(), 3),
    ] {
        let file = format!(
            "date,reference,debit,credit,balance,description\n\
             {day},FT001,,500000,500000,UNG HO QUY\n\
             {bad},FT002,,300000,800000,UNG HO QUY\n"
        );
        let res = app
            .client
            .post(app.url(&path))
            .bearer_auth(&accountant.token)
            .header("Content-Type", "text/csv")
            .body(file)
            .send()
            .await
            .unwrap();
        let problem = assert_problem(res, 422, "invalid_statement").await;
        assert_eq!(fields(&problem), [format!("line {line}")], "{problem}");
    }
    // a statement amount with a fraction of a đồng is refused by the same rule
    let file = format!(
        "date,reference,debit,credit,balance,description\n{day},FT001,,500000.5,500000,UNG HO\n"
    );
    let res = app
        .client
        .post(app.url(&path))
        .bearer_auth(&accountant.token)
        .header("Content-Type", "text/csv")
        .body(file)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(res, 422, "invalid_statement").await;
    assert_eq!(fields(&problem), ["line 2"], "{problem}");
}

/// What the service answers for the error of a raw SQL statement.
async fn code_of(app: &TestApp, sql: &str) -> Code {
    let mut conn = AsyncPgConnection::establish(&app.db_url).await.unwrap();
    let e = diesel::sql_query(sql)
        .execute(&mut conn)
        .await
        .expect_err(sql);
    ApiError::from(e).code
}

#[tokio::test]
async fn every_error_the_database_raises_has_a_stable_code() {
    let app = spawn_app().await;
    let c = everyone(&app).await;
    let unit = app.unit_id(COMMUNE).await;
    app.record_cash_donation(&c.token, unit, "100000000").await;
    let household = app.household(&c.token, COMMUNE, "Mã Văn Toàn").await;
    let res = app
        .post(
            "/v1/houses",
            &c.token,
            &json!({"household_id": household["id"], "funding_unit_id": unit, "kind": "new",
                    "estimated_cost": "90000000", "area_m2": "45.5", "proposed_on": RECEIVED_ON,
                    "funding_plan": [{"source": "household", "amount": "10000000"},
                                     {"source": "sponsor", "amount": "20000000", "name": "Công ty Xi măng"}]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let house: Value = res.json().await.unwrap();
    let house = house["id"].as_str().unwrap();
    let approver = app.user("approver", COMMUNE).await;
    let res = app
        .post(
            &format!("/v1/houses/{house}/approve"),
            &approver.token,
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);

    for (sql, code) in [
        // a paid amount that is not the sum of the tranches (checked at commit)
        (
            format!("UPDATE houses SET paid_amount = paid_amount + 1 WHERE id = '{house}'"),
            Code::Conflict,
        ),
        (
            format!("UPDATE houses SET estimated_cost = 1 WHERE id = '{house}'"),
            Code::InvalidState,
        ),
        (
            format!("DELETE FROM houses WHERE id = '{house}'"),
            Code::Conflict,
        ),
        ("DELETE FROM donations".into(), Code::Conflict),
        ("UPDATE donations SET note = 'x'".into(), Code::InvalidState),
        (
            "UPDATE audit_events SET action = 'forged'".into(),
            Code::Conflict,
        ),
        ("DELETE FROM journal_entries".into(), Code::Conflict),
        (
            format!(
                "INSERT INTO units (code, name, full_name, tier, parent_id, search_text) \
                 VALUES ('X1', 'x', 'x', 'commune', '{}', 'x')",
                Uuid::now_v7()
            ),
            Code::ValidationFailed,
        ),
        // a constraint PostgreSQL named itself
        (
            "UPDATE units SET code = 'not a code' WHERE code = 'TW'".into(),
            Code::ValidationFailed,
        ),
    ] {
        let got = code_of(&app, &sql).await;
        assert_eq!(got, code, "{sql}");
        assert_ne!(got, Code::Internal, "{sql}");
    }
}
