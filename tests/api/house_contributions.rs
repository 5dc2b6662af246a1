//! Contributions to a house project from outside the fund (api.md "Houses"): recorded by the
//! funding unit's officer while the project is approved, started or completed, listed, audited,
//! and never posted to the fund's books. Also the helpers the housing report tests share.

use reqwest::Response;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_problem, spawn_app, TestApp, TestUser, COMMUNE, SIBLING_COMMUNE};

/// The people of one commune's fund: an officer who proposes, an approver, a finance officer.
pub struct Fund {
    pub code: &'static str,
    pub unit: Uuid,
    pub officer: TestUser,
    pub approver: TestUser,
    pub accountant: TestUser,
}

/// The commune's people, with `amount` đồng of cash in its fund.
pub async fn fund(app: &TestApp, code: &'static str, amount: &str) -> Fund {
    let f = Fund {
        code,
        unit: app.unit_id(code).await,
        officer: app.user("officer", code).await,
        approver: app.user("approver", code).await,
        accountant: app.user("accountant", code).await,
    };
    app.record_cash_donation(&f.officer.token, f.unit, amount)
        .await;
    f
}

/// A `kind` house for a new household of the fund's commune, proposed on `proposed_on` with the
/// norm as its support (new 60000000, repair 30000000) and `plan` besides the fund's line.
pub async fn propose(
    app: &TestApp,
    f: &Fund,
    kind: &str,
    proposed_on: &str,
    plan: &[(&str, &str)],
) -> Value {
    let household = app
        .household(&f.officer.token, f.code, "Hoàng Văn Nhà")
        .await;
    let support = if kind == "new" {
        "60000000"
    } else {
        "30000000"
    };
    let mut lines = vec![json!({"source": "fund", "amount": support})];
    lines.extend(
        plan.iter()
            .map(|(source, amount)| json!({"source": source, "amount": amount})),
    );
    let res = app
        .post(
            "/v1/houses",
            &f.officer.token,
            &json!({"household_id": household["id"], "funding_unit_id": f.unit, "kind": kind,
                    "estimated_cost": "200000000", "funding_plan": lines,
                    "proposed_on": proposed_on}),
        )
        .await;
    created(res).await
}

/// Moves the project on: `approve` (by the approver), `start`, `complete`, `hand-over`,
/// `cancel` (by the officer), each with its dates in 2026.
pub async fn step(app: &TestApp, f: &Fund, house: &Value, action: &str) -> Value {
    let (token, body) = match action {
        "approve" => (&f.approver.token, json!({})),
        "start" => (&f.officer.token, json!({"started_on": "2026-06-01"})),
        "complete" => (
            &f.officer.token,
            json!({"completed_on": "2026-08-01", "meets_3_cung": true}),
        ),
        "hand-over" => (&f.officer.token, json!({"handed_over_on": "2026-09-01"})),
        "cancel" => (
            &f.approver.token,
            json!({"reason": "Hộ chuyển đi nơi khác"}),
        ),
        other => panic!("no step {other}"),
    };
    let res = app
        .post(&format!("/v1/houses/{}/{action}", id(house)), token, &body)
        .await;
    let status = res.status();
    let json: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{action}: {json}");
    json
}

/// Pays a cash tranche of the support.
pub async fn pay(app: &TestApp, f: &Fund, house: &Value, stage: &str, amount: &str) -> Value {
    let res = app
        .post(
            &format!("/v1/houses/{}/payments", id(house)),
            &f.accountant.token,
            &json!({"amount": amount, "stage": stage, "method": "cash", "paid_on": "2026-06-05"}),
        )
        .await;
    created(res).await
}

pub async fn contribute(app: &TestApp, token: &str, house: &Value, body: &Value) -> Response {
    app.post(
        &format!("/v1/houses/{}/contributions", id(house)),
        token,
        body,
    )
    .await
}

pub fn cash(source: &str, value: &str) -> Value {
    json!({"source": source, "kind": "cash", "value": value, "contributed_on": "2026-06-10"})
}

pub fn labour(days: &str) -> Value {
    json!({"source": "household", "kind": "labour", "value": "0", "labour_days": days,
           "contributed_on": "2026-07-01", "description": "Gia đình tự làm móng"})
}

pub fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

pub async fn created(res: Response) -> Value {
    let status = res.status();
    let json: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{json}");
    json
}

/// An approved new house of the commune's fund.
async fn approved_house(app: &TestApp) -> (Fund, Value) {
    let f = fund(app, COMMUNE, "200000000").await;
    let house = propose(app, &f, "new", "2026-05-04", &[("community", "10000000")]).await;
    step(app, &f, &house, "approve").await;
    (f, house)
}

#[tokio::test]
async fn an_officer_records_cash_and_labour_and_lists_them_in_order() {
    let app = spawn_app().await;
    let (f, house) = approved_house(&app).await;

    let cash = created(
        contribute(
            &app,
            &f.officer.token,
            &house,
            &json!({"source": "community", "kind": "materials", "value": "8000000",
                    "name": "Thôn Nà Pàn", "description": "Xi măng, cát",
                    "contributed_on": "2026-06-10"}),
        )
        .await,
    )
    .await;
    let work = created(contribute(&app, &f.officer.token, &house, &labour("30.5")).await).await;

    assert_eq!(cash["house_id"], id(&house));
    assert_eq!(cash["source"], "community");
    assert_eq!(cash["kind"], "materials");
    assert_eq!(cash["value"], "8000000");
    assert_eq!(cash["labour_days"], Value::Null);
    assert_eq!(cash["name"], "Thôn Nà Pàn");
    assert_eq!(cash["contributed_on"], "2026-06-10");
    assert_eq!(cash["recorded_by"], f.officer.id.to_string());
    assert_eq!(work["kind"], "labour");
    assert_eq!(work["value"], "0");
    assert_eq!(work["labour_days"], "30.5");
    let list: Value = app
        .get(
            &format!("/v1/houses/{}/contributions", id(&house)),
            &f.approver.token,
        )
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&Value> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["id"])
        .collect();
    assert_eq!(ids, [&cash["id"], &work["id"]]);
    assert_eq!(list["next_cursor"], Value::Null);
}

#[tokio::test]
async fn labour_days_may_be_sent_as_a_number() {
    let app = spawn_app().await;
    let (f, house) = approved_house(&app).await;

    let mut body = labour("1");
    body["labour_days"] = json!(12);
    let work = created(contribute(&app, &f.officer.token, &house, &body).await).await;

    assert_eq!(work["labour_days"], "12");
}

#[tokio::test]
async fn contributions_never_reach_the_funds_books() {
    let app = spawn_app().await;
    let (f, house) = approved_house(&app).await;
    let db = app.sql().await;
    let entries = || async {
        db.query_one("SELECT count(*) FROM journal_entries", &[])
            .await
            .unwrap()
            .get::<_, i64>(0)
    };
    let before = entries().await;

    created(contribute(&app, &f.officer.token, &house, &cash("sponsor", "15000000")).await).await;

    assert_eq!(entries().await, before, "no journal entry");
}

#[tokio::test]
async fn the_contribution_is_audited_without_names() {
    let app = spawn_app().await;
    let (f, house) = approved_house(&app).await;
    let mut body = cash("sponsor", "15000000");
    body["name"] = json!("Công ty Xi măng Đồng Bành");

    let c = created(contribute(&app, &f.officer.token, &house, &body).await).await;

    let row = app
        .sql()
        .await
        .query_one(
            "SELECT target_type, target_id, actor_id, changes::text FROM audit_events \
              WHERE action = 'house.contribution'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "house");
    assert_eq!(row.get::<_, Uuid>(1).to_string(), id(&house));
    assert_eq!(row.get::<_, Uuid>(2), f.officer.id);
    let changes: String = row.get(3);
    assert!(changes.contains(id(&c)), "{changes}");
    assert!(!changes.contains("Xi măng"), "{changes}");
}

#[tokio::test]
async fn a_retry_with_the_same_key_records_it_once() {
    let app = spawn_app().await;
    let (f, house) = approved_house(&app).await;
    let path = format!("/v1/houses/{}/contributions", id(&house));
    let body = cash("state_budget", "20000000");

    let first = app
        .post_with_key(&path, &f.officer.token, "contrib-1", &body)
        .await;
    let again = app
        .post_with_key(&path, &f.officer.token, "contrib-1", &body)
        .await;

    assert_eq!(first.status(), 201);
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let (a, b): (Value, Value) = (first.json().await.unwrap(), again.json().await.unwrap());
    assert_eq!(a, b);
    let list: Value = app.get(&path, &f.officer.token).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn started_and_completed_projects_take_contributions() {
    let app = spawn_app().await;
    let (f, house) = approved_house(&app).await;

    step(&app, &f, &house, "start").await;
    let res = contribute(
        &app,
        &f.officer.token,
        &house,
        &cash("community", "1000000"),
    )
    .await;
    assert_eq!(res.status(), 201);
    step(&app, &f, &house, "complete").await;
    let res = contribute(
        &app,
        &f.officer.token,
        &house,
        &cash("community", "1000000"),
    )
    .await;
    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn a_proposed_project_takes_no_contribution() {
    let app = spawn_app().await;
    let f = fund(&app, COMMUNE, "200000000").await;
    let house = propose(&app, &f, "repair", "2026-05-04", &[]).await;

    let res = contribute(
        &app,
        &f.officer.token,
        &house,
        &cash("community", "1000000"),
    )
    .await;

    assert_problem(res, 409, "invalid_state").await;
}

#[tokio::test]
async fn a_handed_over_project_takes_no_contribution() {
    let app = spawn_app().await;
    let (f, house) = approved_house(&app).await;
    for action in ["start", "complete", "hand-over"] {
        step(&app, &f, &house, action).await;
    }

    let res = contribute(
        &app,
        &f.officer.token,
        &house,
        &cash("community", "1000000"),
    )
    .await;

    assert_problem(res, 409, "invalid_state").await;
}

#[tokio::test]
async fn a_sibling_communes_officer_finds_no_such_project() {
    let app = spawn_app().await;
    let (_, house) = approved_house(&app).await;
    let sibling = app.user("officer", SIBLING_COMMUNE).await;

    let post = contribute(&app, &sibling.token, &house, &cash("community", "1000000")).await;
    let get = app
        .get(
            &format!("/v1/houses/{}/contributions", id(&house)),
            &sibling.token,
        )
        .await;

    assert_problem(post, 404, "not_found").await;
    assert_problem(get, 404, "not_found").await;
}

#[tokio::test]
async fn an_approver_cannot_record_a_contribution() {
    let app = spawn_app().await;
    let (f, house) = approved_house(&app).await;

    let res = contribute(
        &app,
        &f.approver.token,
        &house,
        &cash("community", "1000000"),
    )
    .await;

    assert_problem(res, 403, "forbidden").await;
}

#[tokio::test]
async fn a_province_officer_cannot_record_for_a_communes_project() {
    let app = spawn_app().await;
    let (_, house) = approved_house(&app).await;
    let province = app.user("officer", crate::helpers::PROVINCE).await;

    let res = contribute(&app, &province.token, &house, &cash("community", "1000000")).await;

    assert_problem(res, 403, "forbidden").await;
}

#[tokio::test]
async fn labour_without_labour_days_is_refused() {
    let app = spawn_app().await;
    let (f, house) = approved_house(&app).await;
    let mut body = labour("1");
    body.as_object_mut().unwrap().remove("labour_days");

    let res = contribute(&app, &f.officer.token, &house, &body).await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "labour_days", "{problem}");
}

#[tokio::test]
async fn bad_contributions_are_refused_field_by_field() {
    let app = spawn_app().await;
    let (f, house) = approved_house(&app).await;
    let cases = [
        (cash("community", "0"), "value"),
        (cash("community", "12.5"), "value"),
        (cash("community", "-5"), "value"),
        (labour("0"), "labour_days"),
        (labour("1.25"), "labour_days"),
        (
            json!({"source": "sponsor", "kind": "cash", "value": "100", "labour_days": "2",
                   "contributed_on": "2026-06-10"}),
            "labour_days",
        ),
        (
            json!({"source": "sponsor", "kind": "cash", "value": "100", "contributed_on": "2099-01-01"}),
            "contributed_on",
        ),
        (
            json!({"source": "fund", "kind": "cash", "value": "100", "contributed_on": "2026-06-10"}),
            "source",
        ),
        (
            json!({"source": "sponsor", "kind": "cash", "value": "100", "contributed_on": "2026-06-10",
                   "extra": 1}),
            "extra",
        ),
    ];
    for (body, field) in cases {
        let res = contribute(&app, &f.officer.token, &house, &body).await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{body} → {problem}");
    }
    let list: Value = app
        .get(
            &format!("/v1/houses/{}/contributions", id(&house)),
            &f.officer.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"], json!([]), "nothing recorded");
}

#[tokio::test]
async fn an_unknown_project_is_not_found() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;

    let res = contribute(
        &app,
        &officer.token,
        &json!({"id": Uuid::now_v7()}),
        &cash("community", "1"),
    )
    .await;

    assert_problem(res, 404, "not_found").await;
}
