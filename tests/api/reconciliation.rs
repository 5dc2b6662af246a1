//! Bank reconciliation (api.md "Finance officers"): the ledger's balance of a bank account
//! against the bank's from its statements, the difference, and what is unmatched on each side.

use serde_json::{json, Value};

use crate::helpers::{
    assert_problem, spawn_app, today, TestApp, TestUser, COMMUNE, SIBLING_COMMUNE,
};
use crate::matching::{import, transfer};

struct Setup {
    app: TestApp,
    accountant: TestUser,
    bank: Value,
}

/// A donation on the statement (matched by its reference), a donation not on it yet, and a
/// bank fee on the statement with no entry.
async fn setup() -> Setup {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let bank = app.bank_account(COMMUNE, &accountant.token).await;
    transfer(
        &app,
        &officer.token,
        &bank,
        "1000000",
        "2026-03-10",
        Some("FT26069100001"),
        None,
    )
    .await;
    transfer(
        &app,
        &officer.token,
        &bank,
        "400000",
        "2026-03-11",
        Some("FT26070100002"),
        None,
    )
    .await;
    let outcome = import(
        &app,
        &accountant.token,
        &bank,
        "2026-03-10,FT26069100001,,1000000,1000000,chuyen tien\n\
         2026-03-12,9300.1,22000,,978000,phi dich vu SMS\n",
    )
    .await;
    assert_eq!(outcome["auto_matched"], 1);
    Setup {
        app,
        accountant,
        bank,
    }
}

async fn reconcile(s: &Setup, token: &str, query: &str) -> reqwest::Response {
    s.app
        .get(
            &format!(
                "/v1/bank-accounts/{}/reconciliation{query}",
                s.bank["id"].as_str().unwrap()
            ),
            token,
        )
        .await
}

#[tokio::test]
async fn book_and_bank_balances_differ_by_exactly_what_is_unmatched_on_each_side() {
    let s = setup().await;

    let res = reconcile(&s, &s.accountant.token, "?as_of=2026-03-31").await;

    assert_eq!(res.status(), 200);
    let r: Value = res.json().await.unwrap();
    assert_eq!(
        r,
        json!({
            "bank_account_id": s.bank["id"],
            "as_of": "2026-03-31",
            "book_balance": "1400000",
            "bank_balance": "978000",
            "bank_balance_source": "line_balance",
            "difference": "422000",
            "unmatched_bank_lines": {"count": 1, "amount": "-22000"},
            "unmatched_book_entries": {"count": 1, "amount": "400000"},
        })
    );
}

#[tokio::test]
async fn an_earlier_date_sees_only_what_happened_by_then() {
    let s = setup().await;

    let r: Value = reconcile(&s, &s.accountant.token, "?as_of=2026-03-10")
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(r["book_balance"], "1000000");
    assert_eq!(r["bank_balance"], "1000000");
    assert_eq!(r["difference"], "0");
    assert_eq!(
        r["unmatched_bank_lines"],
        json!({"count": 0, "amount": "0"})
    );
    assert_eq!(
        r["unmatched_book_entries"],
        json!({"count": 0, "amount": "0"})
    );
}

#[tokio::test]
async fn without_printed_balances_the_bank_balance_is_worked_out_from_the_lines() {
    let app = spawn_app().await;
    let accountant = app.user("accountant", COMMUNE).await;
    let bank = app.bank_account(COMMUNE, &accountant.token).await;
    import(
        &app,
        &accountant.token,
        &bank,
        "2026-03-10,9400.1,,300000,,chuyen tien\n\
         2026-03-11,9400.2,50000,,,rut tien\n",
    )
    .await;

    let res = app
        .get(
            &format!(
                "/v1/bank-accounts/{}/reconciliation?as_of=2026-03-31",
                bank["id"].as_str().unwrap()
            ),
            &accountant.token,
        )
        .await;

    let r: Value = res.json().await.unwrap();
    assert_eq!(r["bank_balance"], "250000");
    assert_eq!(r["bank_balance_source"], "computed");
    assert_eq!(r["book_balance"], "0");
    assert_eq!(r["difference"], "-250000");
    assert_eq!(
        r["unmatched_bank_lines"],
        json!({"count": 2, "amount": "250000"})
    );
}

#[tokio::test]
async fn a_statements_closing_balance_counts_when_its_lines_print_none() {
    let app = spawn_app().await;
    let accountant = app.user("accountant", COMMUNE).await;
    let bank = app
        .bank_account_at(COMMUNE, &accountant.token, "970418")
        .await;
    let statement = "STT,Ngày hiệu lực,Ghi nợ,Ghi có,Số dư,Mô tả\n\
                     ,,,,\"1,000,000\",Dư đầu\n\
                     1,10/03/2026,,\"300,000\",,chuyen tien\n\
                     2,11/03/2026,\"50,000\",,,rut tien\n\
                     ,,\"50,000\",\"300,000\",\"1,250,000\",Dư cuối\n";
    let res = app
        .client
        .post(app.url(&format!(
            "/v1/bank-accounts/{}/statements?format=bidv",
            bank["id"].as_str().unwrap()
        )))
        .bearer_auth(&accountant.token)
        .header("Content-Type", "text/csv")
        .body(statement)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let at = |date: &'static str| {
        let (app, token, bank) = (&app, &accountant.token, &bank);
        async move {
            let res = app
                .get(
                    &format!(
                        "/v1/bank-accounts/{}/reconciliation?as_of={date}",
                        bank["id"].as_str().unwrap()
                    ),
                    token,
                )
                .await;
            assert_eq!(res.status(), 200);
            res.json::<Value>().await.unwrap()
        }
    };

    // after the statement's end: its printed closing balance
    let r = at("2026-03-31").await;
    assert_eq!(r["bank_balance"], "1250000");
    assert_eq!(r["bank_balance_source"], "statement_closing");
    // inside it: the opening balance and the lines up to the date
    let r = at("2026-03-10").await;
    assert_eq!(r["bank_balance"], "1300000");
    assert_eq!(r["bank_balance_source"], "computed");
}

#[tokio::test]
async fn the_date_defaults_to_today() {
    let s = setup().await;

    let r: Value = reconcile(&s, &s.accountant.token, "")
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(r["as_of"], today().to_string());
    assert_eq!(r["difference"], "422000");
}

#[tokio::test]
async fn an_auditor_in_scope_may_read_it() {
    let s = setup().await;
    let auditor = s.app.user("auditor", COMMUNE).await;

    let res = reconcile(&s, &auditor.token, "?as_of=2026-03-31").await;

    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn an_officer_may_not_and_a_sibling_communes_accountant_does_not_see_it() {
    let s = setup().await;
    let officer = s.app.user("officer", COMMUNE).await;
    let sibling = s.app.user("accountant", SIBLING_COMMUNE).await;

    assert_problem(reconcile(&s, &officer.token, "").await, 403, "forbidden").await;
    assert_problem(reconcile(&s, &sibling.token, "").await, 404, "not_found").await;
}
