//! After the handover (reform.md, "After the handover"): a successor's people read the records of
//! the unit it took over but never write them. The world is the
//! one of `handovers.rs`: 05998 (Lạng Sơn) with money, an earmark, bank money and households,
//! handed over whole to 06001.

use crate::handovers::{hand_over, world, World};
use crate::helpers::{assert_problem, cash_donation, spawn_app, TestApp, SIBLING_COMMUNE};
use crate::reform::CONTINUING;
use serde_json::{json, Value};

/// The world of `handovers.rs` with 05998 handed over to 06001.
async fn after(app: &TestApp) -> World {
    let w = world(app).await;
    hand_over(app, &w).await;
    w
}

async fn ok(app: &TestApp, token: &str, path: &str) -> Value {
    let res = app.get(path, token).await;
    let status = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(status, 200, "GET {path}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

fn donations_of(page: &Value) -> Vec<String> {
    let mut out: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["amount_vnd"].as_str().unwrap().to_owned())
        .collect();
    out.sort();
    out
}

// ---------------------------------------------------------------- scope

#[tokio::test]
async fn a_successors_officer_reads_the_predecessors_donations_and_receipts() {
    let app = spawn_app().await;
    let w = after(&app).await;
    let heir = app.user("officer", CONTINUING).await;
    let m = w.merged;

    let page = ok(&app, &heir.token, &format!("/v1/donations?unit_id={m}")).await;
    assert_eq!(donations_of(&page), ["1000001", "300000", "500000"]);
    // one donation, with the donor's contact (an officer at the successor reads personal data)
    let bank_gift = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["amount_vnd"] == "500000")
        .unwrap();
    let one = ok(
        &app,
        &heir.token,
        &format!("/v1/donations/{}", bank_gift["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(one["unit_id"], json!(m));
    let receipts = ok(
        &app,
        &heir.token,
        &format!("/v1/units/{m}/receipts?year=2025"),
    )
    .await;
    assert_eq!(receipts["items"].as_array().unwrap().len(), 3, "{receipts}");
    let detail = ok(&app, &heir.token, &format!("/v1/units/{m}")).await;
    assert_eq!(detail["status"], "dissolved");
}

#[tokio::test]
async fn a_successors_people_read_the_predecessors_journal_accounts_and_reports() {
    let app = spawn_app().await;
    let w = after(&app).await;
    let heir = app.user("accountant", CONTINUING).await;
    let m = w.merged;

    let journal = ok(&app, &heir.token, &format!("/v1/journal?unit_id={m}")).await;
    // three donations and the handover
    assert_eq!(journal["items"].as_array().unwrap().len(), 4, "{journal}");
    let chart: Value = ok(&app, &heir.token, &format!("/v1/units/{m}/accounts")).await;
    let cash = chart["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "1111")
        .unwrap();
    ok(
        &app,
        &heir.token,
        &format!("/v1/accounts/{}/postings", cash["id"].as_str().unwrap()),
    )
    .await;
    let balances = ok(&app, &heir.token, &format!("/v1/units/{m}/balances")).await;
    assert_eq!(balances["cash"], "0", "handed over: {balances}");
    ok(
        &app,
        &heir.token,
        &format!("/v1/bank-accounts/{}", w.bank["id"].as_str().unwrap()),
    )
    .await;
    ok(&app, &heir.token, &format!("/v1/units/{m}/bank-accounts")).await;
    let statement = ok(
        &app,
        &heir.token,
        &format!("/v1/units/{m}/reports/fund-statement?from=2025-01-01&to=2025-06-30"),
    )
    .await;
    assert_eq!(statement["closing_balance"], "1800001");
    let tb = ok(
        &app,
        &heir.token,
        &format!("/v1/units/{m}/reports/trial-balance"),
    )
    .await;
    assert_eq!(tb["total_debit"], tb["total_credit"]);
    ok(&app, &heir.token, &format!("/v1/units/{m}/periods")).await;
    ok(
        &app,
        &heir.token,
        &format!("/v1/units/{m}/reports/housing?year=2025"),
    )
    .await;
    ok(
        &app,
        &heir.token,
        &format!(
            "/v1/campaigns/{}/report",
            w.campaign["id"].as_str().unwrap()
        ),
    )
    .await;
}

#[tokio::test]
async fn a_successors_auditor_exports_and_verifies_the_predecessors_ledger() {
    let app = spawn_app().await;
    let w = after(&app).await;
    let auditor = app.user("auditor", CONTINUING).await;
    let officer = app.user("officer", CONTINUING).await;
    let m = w.merged;

    let verified = ok(
        &app,
        &auditor.token,
        &format!("/v1/units/{m}/ledger/verify"),
    )
    .await;
    assert_eq!(verified["ok"], true, "{verified}");
    let res = app
        .get(&format!("/v1/units/{m}/ledger?format=csv"), &auditor.token)
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("1000001"));
    ok(
        &app,
        &auditor.token,
        &format!("/v1/audit-events?unit_id={m}"),
    )
    .await;
    // auditing takes an auditor (or admin) at the successor, as it would at the unit
    let res = app
        .get(&format!("/v1/units/{m}/ledger/verify"), &officer.token)
        .await;
    assert_problem(res, 403, "forbidden").await;
}

#[tokio::test]
async fn a_successors_officer_reads_the_moved_households_and_the_predecessors_list() {
    let app = spawn_app().await;
    let w = after(&app).await;
    let heir = app.user("officer", CONTINUING).await;

    let list = ok(
        &app,
        &heir.token,
        &format!("/v1/households?unit_id={}", w.merged),
    )
    .await;
    assert_eq!(list["items"], json!([]), "they moved to the successor");
    for h in &w.households {
        let id = h["id"].as_str().unwrap();
        let history = ok(&app, &heir.token, &format!("/v1/households/{id}/history")).await;
        assert!(history.is_object() || history.is_array());
    }
}

#[tokio::test]
async fn nobody_writes_into_the_predecessor_and_strangers_do_not_see_it() {
    let app = spawn_app().await;
    let w = after(&app).await;
    let heir = app.user("officer", CONTINUING).await;
    let m = w.merged;

    // a write through the successor: the unit is dissolved (409), not unknown
    let mut late = cash_donation(m, "100000");
    late["received_on"] = json!("2025-06-20");
    let res = app.post("/v1/donations", &heir.token, &late).await;
    assert_problem(res, 409, "unit_dissolved").await;
    let res = app
        .post(
            "/v1/campaigns",
            &heir.token,
            &json!({"unit_id": m, "kind": "general", "name": "Muộn", "starts_on": "2025-06-01",
                    "ends_on": "2025-06-30", "restricted": false}),
        )
        .await;
    assert_problem(res, 409, "unit_dissolved").await;

    // an officer of another commune, and an auditor there, see nothing of it
    let stranger = app.user("officer", SIBLING_COMMUNE).await;
    let auditor = app.user("auditor", SIBLING_COMMUNE).await;
    for path in [
        format!("/v1/donations?unit_id={m}"),
        format!("/v1/units/{m}/receipts"),
        format!("/v1/journal?unit_id={m}"),
        format!("/v1/units/{m}/balances"),
        format!("/v1/units/{m}/reports/fund-statement?from=2025-01-01&to=2025-06-30"),
        format!("/v1/units/{m}/reports/trial-balance"),
        format!("/v1/households?unit_id={m}"),
        format!("/v1/units/{m}"),
    ] {
        let res = app.get(&path, &stranger.token).await;
        assert_problem(res, 404, "not_found").await;
    }
    let res = app
        .get(&format!("/v1/units/{m}/ledger/verify"), &auditor.token)
        .await;
    assert_problem(res, 404, "not_found").await;
}
