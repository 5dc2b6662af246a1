//! The bulk path of the reform for a province (reform.md): plan, approve-all, execute-all over
//! Lạng Sơn's 129 communes that ended and its 11 districts.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::handovers::{balances, merged_with_an_approved_grant, national_totals};
use crate::helpers::{assert_problem, cash_donation, spawn_app, TestApp, TestUser, PROVINCE};
use crate::reform::{
    count, import_successions, lang_son_before_and_after, lang_son_successions, post_csv,
    provinces_successions, provinces_units, unit, EFFECTIVE_ON, MERGED,
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

#[tokio::test]
async fn open_spending_is_left_to_a_person_and_nothing_is_written_for_it() {
    let app = spawn_app().await;
    let root = app.root_token().await;
    merged_with_an_approved_grant(&app, &root).await;
    let merged = app.unit_id(MERGED).await;
    import_successions(&app, &root, lang_son_successions()).await;
    let province = app.unit_id(PROVINCE).await;
    let admin = app.user("admin", PROVINCE).await;

    let plan = post(
        &app,
        &admin.token,
        &format!("/v1/units/{province}/handovers/plan"),
        &json!({"effective_on": EFFECTIVE_ON}),
    )
    .await;

    let needs: Vec<Value> = plan["needs_decision"].as_array().unwrap().clone();
    assert!(
        needs.contains(&json!({"unit_id": merged, "reason": "open_obligations"})),
        "{needs:?}"
    );
    assert_eq!(ids(&plan["proposed"]), 127 + 11);
    // the refused proposal left no row behind; the others were all written
    let written = |sql: &'static str| {
        let app = &app;
        async move {
            app.sql()
                .await
                .query_one(sql, &[&merged])
                .await
                .unwrap()
                .get::<_, i64>(0)
        }
    };
    assert_eq!(
        written("SELECT count(*) FROM handovers WHERE from_unit_id = $1").await,
        0
    );
    assert_eq!(
        written(
            "SELECT count(*) FROM audit_events WHERE action = 'handover.propose' AND unit_id = $1"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM handovers WHERE status = 'submitted'"
        )
        .await,
        127 + 11
    );
}

/// Hà Giang (02) merged whole into Tuyên Quang (08): its commune 00692 into 00691, its district
/// 024 into the province, then the province itself.
const MERGED_PROVINCE: &str = "02";
const RECEIVING_PROVINCE: &str = "08";

/// One round of the bulk path below `base` (`/v1/units/{id}/handovers`): plan by the admin,
/// approve-all by the approver, execute-all by the finance officer; the plan and the executions.
async fn round(
    app: &TestApp,
    [admin, approver, accountant]: [&TestUser; 3],
    base: &str,
    plan_body: &Value,
) -> (Value, Value) {
    let plan = post(app, &admin.token, &format!("{base}/plan"), plan_body).await;
    post(
        app,
        &approver.token,
        &format!("{base}/approve-all"),
        &json!({}),
    )
    .await;
    let executions = post(
        app,
        &accountant.token,
        &format!("{base}/execute-all"),
        &json!({}),
    )
    .await;
    (plan, executions)
}

#[tokio::test]
async fn a_merged_province_hands_over_in_a_second_round_with_its_districts_money() {
    let app = spawn_app().await;
    let root = app.root_token().await;
    let provinces = [MERGED_PROVINCE, RECEIVING_PROVINCE];
    for file in ["vn-admin-units-2025-03.csv", "vn-admin-units-2026.csv"] {
        let res = post_csv(
            &app,
            "/v1/units/import",
            &root,
            provinces_units(&provinces, file),
        )
        .await;
        assert_eq!(res.status(), 200, "importing {file}");
    }
    // before the reform: cash in a commune and in the province, bank money in a district
    for (code, amount) in [("00692", "600000"), (MERGED_PROVINCE, "250000")] {
        let officer = app.user("officer", code).await;
        let mut cash = cash_donation(app.unit_id(code).await, amount);
        cash["received_on"] = json!("2025-06-10");
        app.record_donation(&officer.token, &cash).await;
    }
    let district = app.unit_id("024").await;
    let district_bank = app
        .bank_account("024", &app.user("accountant", "024").await.token)
        .await;
    app.record_donation(
        &app.user("officer", "024").await.token,
        &json!({"unit_id": district, "channel": "bank_transfer", "amount": "400000", "received_on": "2025-06-11",
                "bank_account_id": district_bank["id"], "bank_reference": "FT25162000001",
                "donor": {"kind": "organization", "name": "Hợp tác xã Chè Shan Tuyết"}, "public_display": "name"}),
    )
    .await;
    let totals = national_totals(&app).await;
    let res = import_successions(&app, &root, provinces_successions(&provinces)).await;
    assert_eq!(res.status(), 200);
    let tw = app.unit_id("TW").await;
    let base = format!("/v1/units/{tw}/handovers");
    let admin = app.user("admin", "TW").await;
    let approver = app.user("approver", "TW").await;
    let accountant = app.user("accountant", "TW").await;
    let plan_body = json!({"effective_on": EFFECTIVE_ON, "decision_no": "1684/NQ-UBTVQH15"});

    // round 1: every commune and district; the province's own proposal meets its districts'
    // money arriving and is cancelled as stale
    let people = [&admin, &approver, &accountant];
    let (first, executions) = round(&app, people, &base, &plan_body).await;
    assert_eq!(executions["failed"], json!([]), "{executions}");
    let province = app.unit_id(MERGED_PROVINCE).await;
    assert!(first["proposed"].as_array().unwrap().contains(&json!(app
        .sql()
        .await
        .query_one(
            "SELECT id FROM handovers WHERE from_unit_id = $1",
            &[&province]
        )
        .await
        .unwrap()
        .get::<_, Uuid>(0))));
    assert_eq!(ids(&executions["stale"]), 1, "{executions}");
    assert_eq!(unit(&app, &root, "024").await["status"], "dissolved");
    assert_eq!(
        unit(&app, &root, MERGED_PROVINCE).await["status"],
        "dissolving"
    );
    let got = balances(&app, &root, province).await;
    assert_eq!(
        (got["cash"].as_str(), got["in_transit"].as_str()),
        (Some("250000"), Some("400000"))
    );

    // round 2: the province alone, with what its districts handed it
    let (second, executions) = round(&app, people, &base, &plan_body).await;
    assert_eq!(ids(&second["proposed"]), 1, "{second}");
    assert_eq!(ids(&executions["executed"]), 1, "{executions}");
    assert_eq!(
        unit(&app, &root, MERGED_PROVINCE).await["status"],
        "dissolved"
    );
    let receiving = app.unit_id(RECEIVING_PROVINCE).await;
    let got = balances(&app, &root, receiving).await;
    assert_eq!(
        (
            got["cash"].as_str(),
            got["bank"].as_str(),
            got["in_transit"].as_str()
        ),
        (Some("250000"), Some("0"), Some("400000"))
    );
    let got = balances(&app, &root, app.unit_id("00691").await).await;
    assert_eq!(got["cash"], "600000");
    assert_eq!(national_totals(&app).await, totals);

    // the receiving province's finance officer records where the district's bank money arrived
    let receiving_accountant = app.user("accountant", RECEIVING_PROVINCE).await;
    let bank = app
        .bank_account(RECEIVING_PROVINCE, &receiving_accountant.token)
        .await;
    let handover = executions["executed"][0].as_str().unwrap();
    let res = app
        .post(&format!("/v1/handovers/{handover}/receive"), &receiving_accountant.token,
              &json!({"to_unit_id": receiving, "bank_account_id": bank["id"], "received_on": "2025-07-04"}))
        .await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    let got = balances(&app, &root, receiving).await;
    assert_eq!(
        (got["bank"].as_str(), got["in_transit"].as_str()),
        (Some("400000"), Some("0"))
    );
    assert_eq!(national_totals(&app).await, totals);
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
