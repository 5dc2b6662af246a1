//! The bulk path of the reform for a province (reform.md): plan, approve-all, execute-all over
//! Lạng Sơn's 129 communes that ended and its 11 districts.

use serde_json::{json, Value};

use crate::helpers::{assert_problem, cash_donation, spawn_app, TestApp, PROVINCE};
use crate::reform::{
    count, import_successions, lang_son_before_and_after, lang_son_successions, unit, EFFECTIVE_ON,
    MERGED,
};

/// The commune of 2025 split in two parts: it needs a person's decision.
const SPLIT: &str = "06622";

async fn post(app: &TestApp, token: &str, path: &str, body: &Value) -> Value {
    let res = app.post(path, token, body).await;
    let status = res.status();
    let json: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{path}: {json}");
    json
}

fn ids(v: &Value) -> usize {
    v.as_array().unwrap().len()
}

#[tokio::test]
async fn a_province_plans_approves_and_executes_every_handover_the_data_decides() {
    let app = spawn_app().await;
    let root = app.root_token().await;
    lang_son_before_and_after(&app, &root).await;
    let merged = app.unit_id(MERGED).await;
    let officer = app.user("officer", MERGED).await;
    let mut cash = cash_donation(merged, "700000");
    cash["received_on"] = json!("2025-06-10");
    app.record_donation(&officer.token, &cash).await;
    import_successions(&app, &root, lang_son_successions()).await;
    let province = app.unit_id(PROVINCE).await;
    let base = format!("/v1/units/{province}/handovers");
    let admin = app.user("admin", PROVINCE).await;
    let approver = app.user("approver", PROVINCE).await;
    let accountant = app.user("accountant", PROVINCE).await;

    let plan = post(
        &app,
        &admin.token,
        &format!("{base}/plan"),
        &json!({"effective_on": EFFECTIVE_ON, "decision_no": "1673/NQ-UBTVQH15"}),
    )
    .await;

    // 128 communes merged whole, and the 11 districts into the province
    assert_eq!(
        ids(&plan["proposed"]),
        128 + 11,
        "{}",
        plan["needs_decision"]
    );
    assert_eq!(
        plan["needs_decision"],
        json!([{"unit_id": app.unit_id(SPLIT).await, "reason": "parts"}])
    );
    // planning again proposes nothing new
    let again = post(
        &app,
        &admin.token,
        &format!("{base}/plan"),
        &json!({"effective_on": EFFECTIVE_ON}),
    )
    .await;
    assert_eq!(ids(&again["proposed"]), 0);

    let approvals = post(
        &app,
        &approver.token,
        &format!("{base}/approve-all"),
        &json!({}),
    )
    .await;
    assert_eq!(ids(&approvals["approved"]), 139);
    assert_eq!(approvals["skipped"], json!([]));

    let executions = post(
        &app,
        &accountant.token,
        &format!("{base}/execute-all"),
        &json!({}),
    )
    .await;
    assert_eq!(ids(&executions["executed"]), 139, "{executions}");
    assert_eq!(executions["stale"], json!([]));
    assert_eq!(executions["failed"], json!([]));

    assert_eq!(unit(&app, &root, MERGED).await["status"], "dissolved");
    assert_eq!(unit(&app, &root, "180").await["status"], "dissolved");
    assert_eq!(unit(&app, &root, SPLIT).await["status"], "dissolving");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM units WHERE status = 'dissolving'"
        )
        .await,
        1
    );
    // every fund's books balance
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM (SELECT unit_id FROM balance_buckets GROUP BY unit_id \
              HAVING sum(debit) <> sum(credit)) AS unbalanced"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn the_proposer_approves_nothing_and_only_an_admin_plans() {
    let app = spawn_app().await;
    let root = app.root_token().await;
    lang_son_before_and_after(&app, &root).await;
    import_successions(&app, &root, lang_son_successions()).await;
    let province = app.unit_id(PROVINCE).await;
    let base = format!("/v1/units/{province}/handovers");
    let officer = app.user("officer", PROVINCE).await;

    let res = app
        .post(
            &format!("{base}/plan"),
            &officer.token,
            &json!({"effective_on": EFFECTIVE_ON}),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;

    let both = app
        .user_with_roles(&[("admin", PROVINCE), ("approver", PROVINCE)])
        .await;
    let plan = post(
        &app,
        &both.token,
        &format!("{base}/plan"),
        &json!({"effective_on": EFFECTIVE_ON}),
    )
    .await;
    let approvals = post(
        &app,
        &both.token,
        &format!("{base}/approve-all"),
        &json!({}),
    )
    .await;
    assert_eq!(ids(&approvals["approved"]), 0);
    assert_eq!(ids(&approvals["skipped"]), ids(&plan["proposed"]));
    assert!(approvals["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["reason"] == "same_person"));

    // a commune is no root for the bulk path
    let commune = app.unit_id(MERGED).await;
    let res = app
        .post(
            &format!("/v1/units/{commune}/handovers/plan"),
            &root,
            &json!({"effective_on": EFFECTIVE_ON}),
        )
        .await;
    assert_problem(res, 422, "validation_failed").await;
}
