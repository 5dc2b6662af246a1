//! Great Unity houses (api.md "Spending" → Houses, domain.md): the norm as default support,
//! the lifecycle from proposal to hand-over with four eyes, tranches that never pass the
//! support (even when two race), the reservation released at hand-over or cancellation, one
//! active project per household, no second new house within the interval, restricted money
//! for its purpose only, and scope.

use futures_util::future::join;
use reqwest::Response;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    assert_problem, spawn_app, TestApp, TestUser, COMMUNE, PROVINCE, RECEIVED_ON, SIBLING_COMMUNE,
};

/// The people of one commune's fund: an officer who proposes, an approver, a finance officer.
struct Commune {
    unit: Uuid,
    officer: TestUser,
    approver: TestUser,
    accountant: TestUser,
}

async fn commune(app: &TestApp) -> Commune {
    Commune {
        unit: app.unit_id(COMMUNE).await,
        officer: app.user("officer", COMMUNE).await,
        approver: app.user("approver", COMMUNE).await,
        accountant: app.user("accountant", COMMUNE).await,
    }
}

/// A proposal for a household of the commune, proposed on 2026-10-01 without a support amount
/// (the norm applies) and without a fund line in its plan.
fn proposal(unit: Uuid, household: &Value, kind: &str) -> Value {
    json!({"household_id": household["id"], "funding_unit_id": unit, "kind": kind,
           "estimated_cost": "90000000", "area_m2": "45.5", "proposed_on": "2026-10-01",
           "funding_plan": [{"source": "household", "amount": "10000000"},
                            {"source": "sponsor", "amount": "20000000", "name": "Công ty Xi măng"}]})
}

async fn propose(app: &TestApp, token: &str, body: &Value) -> Value {
    let res = app.post("/v1/houses", token, body).await;
    let status = res.status();
    let json: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "house proposed: {json}");
    json
}

/// A new-house project of a fresh household of the commune, proposed by its officer.
async fn new_project(app: &TestApp, c: &Commune, name: &str) -> Value {
    let household = app.household(&c.officer.token, COMMUNE, name).await;
    propose(app, &c.officer.token, &proposal(c.unit, &household, "new")).await
}

fn path(house: &Value, action: &str) -> String {
    format!("/v1/houses/{}/{action}", house["id"].as_str().unwrap())
}

async fn act(app: &TestApp, token: &str, house: &Value, action: &str, body: Value) -> Response {
    app.post(&path(house, action), token, &body).await
}

async fn ok(res: Response) -> Value {
    let status = res.status();
    let json: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{json}");
    json
}

fn tranche(amount: &str, stage: &str, paid_on: &str) -> Value {
    json!({"amount": amount, "stage": stage, "method": "cash", "paid_on": paid_on})
}

async fn pay(app: &TestApp, c: &Commune, house: &Value, body: Value) -> Response {
    act(app, &c.accountant.token, house, "payments", body).await
}

async fn paid(res: Response) -> Value {
    let status = res.status();
    let json: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "tranche paid: {json}");
    json
}

async fn balances(app: &TestApp, token: &str, unit: Uuid) -> Value {
    let res = app.get(&format!("/v1/units/{unit}/balances"), token).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn available(app: &TestApp, c: &Commune) -> Value {
    balances(app, &c.accountant.token, c.unit).await["available_unrestricted"].clone()
}

async fn journal_count(app: &TestApp) -> i64 {
    app.sql()
        .await
        .query_one("SELECT count(*) FROM journal_entries", &[])
        .await
        .unwrap()
        .get(0)
}

/// (account code, side, amount, campaign) of each posting of an entry, sorted.
async fn postings(
    app: &TestApp,
    token: &str,
    entry: &Value,
) -> Vec<(String, String, String, Value)> {
    let entry: Value = app
        .get(&format!("/v1/journal/{}", entry.as_str().unwrap()), token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(entry["source_type"], "house_payment", "{entry}");
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

/// Proposed, approved (by another person) and started on 2026-10-15.
async fn started_project(app: &TestApp, c: &Commune, name: &str) -> Value {
    let house = new_project(app, c, name).await;
    ok(act(app, &c.approver.token, &house, "approve", json!({})).await).await;
    ok(act(
        app,
        &c.officer.token,
        &house,
        "start",
        json!({"started_on": "2026-10-15"}),
    )
    .await)
    .await
}

// ---------------------------------------------------------------- norms and the proposal

#[tokio::test]
async fn the_default_support_is_the_national_norm_for_the_kind() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    let a = app
        .household(&c.officer.token, COMMUNE, "Hoàng Văn Sáng")
        .await;
    let b = app
        .household(&c.officer.token, COMMUNE, "Nông Thị Hoa")
        .await;

    let built = propose(&app, &c.officer.token, &proposal(c.unit, &a, "new")).await;
    let repaired = propose(&app, &c.officer.token, &proposal(c.unit, &b, "repair")).await;

    assert_eq!(
        (
            &built["status"],
            &built["support_amount"],
            &built["norm_amount"]
        ),
        (&json!("proposed"), &json!("60000000"), &json!("60000000"))
    );
    assert_eq!(
        (&repaired["support_amount"], &repaired["norm_amount"]),
        (&json!("30000000"), &json!("30000000"))
    );
    assert_eq!(
        (
            &built["paid_amount"],
            &built["remaining_support"],
            &built["area_m2"]
        ),
        (&json!("0"), &json!("60000000"), &json!("45.5"))
    );
    assert_eq!(built["funding_plan"][1]["name"], "Công ty Xi măng");
    assert_eq!(built["submitted_by"], json!(c.officer.id));
    let audited: i64 = app
        .sql()
        .await
        .query_one(
            "SELECT count(*) FROM audit_events WHERE action = 'house.create'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(audited, 2);
}

#[tokio::test]
async fn a_support_other_than_the_norm_needs_a_reason() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    let household = app.household(&c.officer.token, COMMUNE, "Lý Văn Tâm").await;
    let mut body = proposal(c.unit, &household, "new");
    body["support_amount"] = json!("70000000");

    let res = app.post("/v1/houses", &c.officer.token, &body).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "norm_override_reason");

    body["norm_override_reason"] = json!("Nhà bị lũ cuốn trôi hoàn toàn");
    let house = propose(&app, &c.officer.token, &body).await;
    assert_eq!(
        (&house["support_amount"], &house["norm_amount"]),
        (&json!("70000000"), &json!("60000000"))
    );
    assert_eq!(
        house["norm_override_reason"],
        "Nhà bị lũ cuốn trôi hoàn toàn"
    );
}

#[tokio::test]
async fn bad_proposals_are_refused_with_the_field_named() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    let household = app.household(&c.officer.token, COMMUNE, "Vi Văn Lực").await;
    let sibling = app.user("officer", SIBLING_COMMUNE).await;
    let elsewhere = app
        .household(&sibling.token, SIBLING_COMMUNE, "Lò Văn Hòa")
        .await;
    let cases = [
        (json!({"household_id": elsewhere["id"]}), "household_id"),
        (json!({"household_id": Uuid::now_v7()}), "household_id"),
        (json!({"kind": "palace"}), "kind"),
        (json!({"estimated_cost": "50000000"}), "estimated_cost"),
        (json!({"estimated_cost": 90000000}), "estimated_cost"),
        (json!({"area_m2": "0"}), "area_m2"),
        (json!({"proposed_on": "2099-01-01"}), "proposed_on"),
        (
            json!({"funding_plan": [{"source": "fund", "amount": "50000000"}]}),
            "funding_plan",
        ),
        (
            json!({"funding_plan": [{"source": "bank_loan", "amount": "1"}]}),
            "funding_plan[0].source",
        ),
        (
            json!({"funding_plan": [{"source": "sponsor", "amount": "-1"}]}),
            "funding_plan[0].amount",
        ),
        (json!({"campaign_id": Uuid::now_v7()}), "campaign_id"),
        (json!({"colour": "red"}), "colour"),
    ];
    for (patch, field) in cases {
        let mut body = proposal(c.unit, &household, "new");
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let res = app.post("/v1/houses", &c.officer.token, &body).await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    // a fund line equal to the support is fine
    let mut body = proposal(c.unit, &household, "new");
    body["funding_plan"] = json!([{"source": "fund", "amount": "60000000"}]);
    propose(&app, &c.officer.token, &body).await;
    let count: i64 = app
        .sql()
        .await
        .query_one("SELECT count(*) FROM houses", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(count, 1);
}

#[tokio::test]
async fn a_proposal_retried_with_its_key_replays_and_another_body_is_refused() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    let household = app
        .household(&c.officer.token, COMMUNE, "Lò Văn Sinh")
        .await;
    let body = proposal(c.unit, &household, "new");

    let first = app
        .post_with_key("/v1/houses", &c.officer.token, "house-1", &body)
        .await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    // the 201 was lost: the same request again
    let again = app
        .post_with_key("/v1/houses", &c.officer.token, "house-1", &body)
        .await;

    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    let mut other = body.clone();
    other["kind"] = json!("repair");
    let res = app
        .post_with_key("/v1/houses", &c.officer.token, "house-1", &other)
        .await;
    assert_problem(res, 422, "idempotency_key_reused").await;
}

#[tokio::test]
async fn a_household_with_an_active_project_cannot_get_another() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    let household = app.household(&c.officer.token, COMMUNE, "Hà Thị Lan").await;
    let first = propose(
        &app,
        &c.officer.token,
        &proposal(c.unit, &household, "repair"),
    )
    .await;

    let res = app
        .post(
            "/v1/houses",
            &c.officer.token,
            &proposal(c.unit, &household, "new"),
        )
        .await;
    let problem = assert_problem(res, 409, "active_house_project").await;
    assert_eq!(problem["house_id"], first["id"]);

    // once the first is cancelled the household may be proposed again
    ok(act(
        &app,
        &c.approver.token,
        &first,
        "cancel",
        json!({"reason": "Hộ chuyển sang xây mới"}),
    )
    .await)
    .await;
    propose(&app, &c.officer.token, &proposal(c.unit, &household, "new")).await;
}

#[tokio::test]
async fn a_new_house_three_years_after_the_last_one_is_refused_but_a_repair_is_not() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    let household = app
        .household(&c.officer.token, COMMUNE, "Triệu Văn Đức")
        .await;
    // a new house handed over on 2023-11-27, recorded before this service existed
    app.sql()
        .await
        .execute(
            "INSERT INTO houses (household_id, funding_unit_id, kind, proposed_on, norm_amount, \
                                 support_amount, estimated_cost, status, paid_amount, submitted_by, \
                                 approved_by, started_on, completed_on, meets_3_cung, handed_over_on) \
             VALUES ($1, $2, 'new', '2023-03-01', 50000000, 50000000, 70000000, 'handed_over', \
                     50000000, $3, $4, '2023-04-01', '2023-11-01', true, '2023-11-27')",
            &[
                &household["id"].as_str().unwrap().parse::<Uuid>().unwrap(),
                &c.unit,
                &c.officer.id,
                &c.approver.id,
            ],
        )
        .await
        .unwrap();

    let res = app
        .post(
            "/v1/houses",
            &c.officer.token,
            &proposal(c.unit, &household, "new"),
        )
        .await;
    assert_problem(res, 409, "recent_house_support").await;
    let repair = propose(
        &app,
        &c.officer.token,
        &proposal(c.unit, &household, "repair"),
    )
    .await;
    assert_eq!(repair["kind"], "repair");
}

// ---------------------------------------------------------------- the lifecycle

#[tokio::test]
async fn a_house_goes_from_proposal_to_hand_over_paid_in_three_tranches() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "100000000")
        .await;
    let house = new_project(&app, &c, "Hoàng Văn Bình").await;

    let approved = ok(act(
        &app,
        &c.approver.token,
        &house,
        "approve",
        json!({"reason": "Theo biên bản họp Ban Thường trực"}),
    )
    .await)
    .await;
    assert_eq!(
        (&approved["status"], &approved["approved_by"]),
        (&json!("approved"), &json!(c.approver.id))
    );
    assert_eq!(available(&app, &c).await, "40000000");

    let advance = paid(
        pay(
            &app,
            &c,
            &house,
            tranche("20000000", "advance", "2026-10-02"),
        )
        .await,
    )
    .await;
    assert_eq!(
        (&advance["stage"], &advance["amount"], &advance["house_id"]),
        (&json!("advance"), &json!("20000000"), &house["id"])
    );
    let started = ok(act(
        &app,
        &c.officer.token,
        &house,
        "start",
        json!({"started_on": "2026-10-15"}),
    )
    .await)
    .await;
    assert_eq!(
        (
            &started["status"],
            &started["started_on"],
            &started["started_by"]
        ),
        (
            &json!("started"),
            &json!("2026-10-15"),
            &json!(c.officer.id)
        )
    );
    paid(
        pay(
            &app,
            &c,
            &house,
            tranche("20000000", "progress", "2026-11-01"),
        )
        .await,
    )
    .await;
    let completed = ok(act(
        &app,
        &c.officer.token,
        &house,
        "complete",
        json!({"completed_on": "2026-11-20", "meets_3_cung": true}),
    )
    .await)
    .await;
    assert_eq!(
        (&completed["status"], &completed["meets_3_cung"]),
        (&json!("completed"), &json!(true))
    );
    let last = paid(pay(&app, &c, &house, tranche("15000000", "final", "2026-11-21")).await).await;
    // 55,000,000 paid, 5,000,000 still reserved
    let b = balances(&app, &c.accountant.token, c.unit).await;
    assert_eq!(
        (&b["cash"], &b["available_unrestricted"]),
        (&json!("45000000"), &json!("40000000"))
    );

    let handed = ok(act(
        &app,
        &c.approver.token,
        &house,
        "hand-over",
        json!({"handed_over_on": "2026-11-25"}),
    )
    .await)
    .await;
    assert_eq!(
        (&handed["status"], &handed["handed_over_on"]),
        (&json!("handed_over"), &json!("2026-11-25"))
    );
    // the unpaid 5,000,000 is free again
    assert_eq!(available(&app, &c).await, "45000000");

    let got: Value = app
        .get(
            &format!("/v1/houses/{}", house["id"].as_str().unwrap()),
            &c.officer.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&got["paid_amount"], &got["remaining_support"]),
        (&json!("55000000"), &json!("5000000"))
    );
    let stages: Vec<&str> = got["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["advance", "progress", "final"]);
    assert_eq!(
        postings(&app, &c.accountant.token, &last["journal_entry_id"]).await,
        [
            (
                "1111".into(),
                "credit".into(),
                "15000000".into(),
                Value::Null
            ),
            (
                "6111".into(),
                "debit".into(),
                "15000000".into(),
                Value::Null
            ),
        ]
    );
    let db = app.sql().await;
    let row = db
        .query_one(
            "SELECT (SELECT count(*) FROM audit_events WHERE action LIKE 'house.%'), \
                    (SELECT count(*) FROM reservations WHERE released_at IS NULL)",
            &[],
        )
        .await
        .unwrap();
    // create, approve, 3 × pay, start, complete, hand_over
    assert_eq!((row.get::<_, i64>(0), row.get::<_, i64>(1)), (8, 0));
}

#[tokio::test]
async fn a_repair_tranche_posts_6112_against_the_bank_account() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    let bank = app.bank_account(COMMUNE, &c.accountant.token).await;
    app.record_donation(
        &c.officer.token,
        &json!({"unit_id": c.unit, "channel": "bank_transfer", "amount": "50000000",
                "received_on": RECEIVED_ON, "bank_account_id": bank["id"],
                "bank_reference": "FT26069000001",
                "donor": {"kind": "anonymous"}, "public_display": "anonymous"}),
    )
    .await;
    let household = app
        .household(&c.officer.token, COMMUNE, "Lăng Văn Mạnh")
        .await;
    let house = propose(
        &app,
        &c.officer.token,
        &proposal(c.unit, &household, "repair"),
    )
    .await;
    ok(act(&app, &c.approver.token, &house, "approve", json!({})).await).await;

    let payment = paid(
        pay(
            &app,
            &c,
            &house,
            json!({"amount": "10000000", "stage": "advance", "method": "bank",
                   "bank_account_id": bank["id"], "paid_on": "2026-10-05"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (&payment["method"], &payment["bank_account_id"]),
        (&json!("bank"), &bank["id"])
    );
    let code = bank["ledger_account_code"].as_str().unwrap().to_owned();
    assert_eq!(
        postings(&app, &c.accountant.token, &payment["journal_entry_id"]).await,
        [
            (code, "credit".into(), "10000000".into(), Value::Null),
            (
                "6112".into(),
                "debit".into(),
                "10000000".into(),
                Value::Null
            ),
        ]
    );
}

#[tokio::test]
async fn steps_out_of_order_are_invalid_state() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "100000000")
        .await;
    let house = new_project(&app, &c, "Chu Văn Khang").await;

    assert_problem(
        act(
            &app,
            &c.officer.token,
            &house,
            "start",
            json!({"started_on": "2026-10-15"}),
        )
        .await,
        409,
        "invalid_state",
    )
    .await;
    assert_problem(
        pay(
            &app,
            &c,
            &house,
            tranche("1000000", "advance", "2026-10-02"),
        )
        .await,
        409,
        "invalid_state",
    )
    .await;
    ok(act(&app, &c.approver.token, &house, "approve", json!({})).await).await;
    assert_problem(
        act(&app, &c.approver.token, &house, "approve", json!({})).await,
        409,
        "invalid_state",
    )
    .await;
    assert_problem(
        act(
            &app,
            &c.officer.token,
            &house,
            "complete",
            json!({"completed_on": "2026-11-20", "meets_3_cung": true}),
        )
        .await,
        409,
        "invalid_state",
    )
    .await;
    assert_problem(
        act(
            &app,
            &c.officer.token,
            &house,
            "hand-over",
            json!({"handed_over_on": "2026-11-20"}),
        )
        .await,
        409,
        "invalid_state",
    )
    .await;
}

#[tokio::test]
async fn stage_dates_are_not_in_the_future_nor_before_the_previous_stage() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "100000000")
        .await;
    let house = new_project(&app, &c, "Mã Văn Toàn").await;
    ok(act(&app, &c.approver.token, &house, "approve", json!({})).await).await;

    for (date, field) in [("2026-09-30", "started_on"), ("2099-01-01", "started_on")] {
        let res = act(
            &app,
            &c.officer.token,
            &house,
            "start",
            json!({"started_on": date}),
        )
        .await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field);
    }
    ok(act(
        &app,
        &c.officer.token,
        &house,
        "start",
        json!({"started_on": "2026-10-15"}),
    )
    .await)
    .await;
    let res = act(
        &app,
        &c.officer.token,
        &house,
        "complete",
        json!({"completed_on": "2026-10-14", "meets_3_cung": true}),
    )
    .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "completed_on");
}

#[tokio::test]
async fn a_house_without_3_cung_is_not_accepted() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "100000000")
        .await;
    let house = started_project(&app, &c, "Lộc Văn Thành").await;

    let res = act(
        &app,
        &c.officer.token,
        &house,
        "complete",
        json!({"completed_on": "2026-11-20", "meets_3_cung": false}),
    )
    .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "meets_3_cung");
    let got: Value = app
        .get(
            &format!("/v1/houses/{}", house["id"].as_str().unwrap()),
            &c.officer.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["status"], "started");
}

// ---------------------------------------------------------------- tranches within the support

#[tokio::test]
async fn a_tranche_beyond_the_support_is_refused_and_posts_nothing() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "100000000")
        .await;
    let house = started_project(&app, &c, "Dương Văn Hải").await;
    paid(
        pay(
            &app,
            &c,
            &house,
            tranche("50000000", "advance", "2026-10-16"),
        )
        .await,
    )
    .await;
    let entries = journal_count(&app).await;

    let res = pay(
        &app,
        &c,
        &house,
        tranche("10000001", "progress", "2026-10-20"),
    )
    .await;
    assert_problem(res, 409, "exceeds_support").await;

    assert_eq!(journal_count(&app).await, entries);
    let got: Value = app
        .get(
            &format!("/v1/houses/{}", house["id"].as_str().unwrap()),
            &c.accountant.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&got["paid_amount"], &got["remaining_support"]),
        (&json!("50000000"), &json!("10000000"))
    );
    // exactly the rest still fits
    paid(
        pay(
            &app,
            &c,
            &house,
            tranche("10000000", "progress", "2026-10-20"),
        )
        .await,
    )
    .await;
}

#[tokio::test]
async fn two_concurrent_tranches_that_together_exceed_the_support_let_exactly_one_through() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "100000000")
        .await;
    let house = started_project(&app, &c, "Nguyễn Văn Kiên").await;

    let (a, b) = join(
        pay(
            &app,
            &c,
            &house,
            tranche("40000000", "progress", "2026-10-20"),
        ),
        pay(
            &app,
            &c,
            &house,
            tranche("40000000", "progress", "2026-10-21"),
        ),
    )
    .await;

    let (won, lost) = match (a.status().as_u16(), b.status().as_u16()) {
        (201, _) => (a, b),
        (_, 201) => (b, a),
        (x, y) => panic!("neither tranche was paid: {x} {y}"),
    };
    paid(won).await;
    assert_problem(lost, 409, "exceeds_support").await;
    let db = app.sql().await;
    let row = db
        .query_one(
            "SELECT (SELECT paid_amount::text FROM houses), \
                    (SELECT count(*) FROM house_payments), \
                    (SELECT count(*) FROM journal_entries WHERE source_type = 'house_payment')",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "40000000");
    assert_eq!((row.get::<_, i64>(1), row.get::<_, i64>(2)), (1, 1));
}

#[tokio::test]
async fn a_final_tranche_before_acceptance_is_not_completed() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "100000000")
        .await;
    let house = started_project(&app, &c, "Hoàng Thị Nga").await;

    let res = pay(&app, &c, &house, tranche("10000000", "final", "2026-10-20")).await;
    assert_problem(res, 409, "not_completed").await;
    assert_eq!(journal_count(&app).await, 1);
}

#[tokio::test]
async fn a_tranche_retried_with_its_key_pays_once() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "100000000")
        .await;
    let house = started_project(&app, &c, "Tô Văn Quý").await;
    let body = tranche("20000000", "progress", "2026-10-20");

    let first = app
        .post_with_key(
            &path(&house, "payments"),
            &c.accountant.token,
            "tranche-1",
            &body,
        )
        .await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = app
        .post_with_key(
            &path(&house, "payments"),
            &c.accountant.token,
            "tranche-1",
            &body,
        )
        .await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    let paid_amount: String = app
        .sql()
        .await
        .query_one("SELECT paid_amount::text FROM houses", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(paid_amount, "20000000");
}

// ---------------------------------------------------------------- reservations

#[tokio::test]
async fn approval_beyond_the_fund_is_insufficient_funds() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "10000000")
        .await;
    let house = new_project(&app, &c, "Bế Văn Thắng").await;

    let res = act(&app, &c.approver.token, &house, "approve", json!({})).await;
    assert_problem(res, 409, "insufficient_funds").await;
    let got: Value = app
        .get(
            &format!("/v1/houses/{}", house["id"].as_str().unwrap()),
            &c.officer.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["status"], "proposed");
}

#[tokio::test]
async fn a_cancelled_project_releases_its_reservation() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "100000000")
        .await;
    let house = started_project(&app, &c, "Hứa Văn Dũng").await;
    paid(
        pay(
            &app,
            &c,
            &house,
            tranche("10000000", "advance", "2026-10-16"),
        )
        .await,
    )
    .await;
    assert_eq!(available(&app, &c).await, "40000000");

    let cancelled = ok(act(
        &app,
        &c.approver.token,
        &house,
        "cancel",
        json!({"reason": "Hộ chuyển đi nơi khác"}),
    )
    .await)
    .await;

    assert_eq!(
        (
            &cancelled["status"],
            &cancelled["cancel_reason"],
            &cancelled["cancelled_by"]
        ),
        (
            &json!("cancelled"),
            &json!("Hộ chuyển đi nơi khác"),
            &json!(c.approver.id)
        )
    );
    // what was paid stays spent; the rest of the reservation is free again
    assert_eq!(available(&app, &c).await, "90000000");
    assert_problem(
        pay(
            &app,
            &c,
            &house,
            tranche("1000000", "progress", "2026-10-20"),
        )
        .await,
        409,
        "invalid_state",
    )
    .await;
    let res = act(&app, &c.approver.token, &house, "cancel", json!({})).await;
    assert_problem(res, 422, "validation_failed").await;
}

// ---------------------------------------------------------------- restricted money

#[tokio::test]
async fn a_restricted_housing_campaign_pays_for_a_house_with_earmarked_postings() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    let drive = app
        .campaign_of_kind(&c.officer.token, COMMUNE, "housing", true)
        .await;
    app.record_donation(
        &c.officer.token,
        &json!({"unit_id": c.unit, "campaign_id": drive["id"], "channel": "cash",
                "amount": "60000000", "received_on": RECEIVED_ON,
                "donor": {"kind": "anonymous"}, "public_display": "anonymous"}),
    )
    .await;
    let household = app
        .household(&c.officer.token, COMMUNE, "Lục Văn Phong")
        .await;
    let mut body = proposal(c.unit, &household, "new");
    body["campaign_id"] = drive["id"].clone();
    let house = propose(&app, &c.officer.token, &body).await;
    assert_eq!(
        (&house["restricted"], &house["earmark_id"]),
        (&json!(true), &drive["id"])
    );

    // the campaign's money alone covers it: no unrestricted money in this fund
    ok(act(&app, &c.approver.token, &house, "approve", json!({})).await).await;
    let payment = paid(
        pay(
            &app,
            &c,
            &house,
            tranche("30000000", "advance", "2026-10-02"),
        )
        .await,
    )
    .await;

    let lines = postings(&app, &c.accountant.token, &payment["journal_entry_id"]).await;
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l.3 == drive["id"]), "{lines:?}");
    let b = balances(&app, &c.accountant.token, c.unit).await;
    let restricted = &b["restricted"].as_array().unwrap()[0];
    assert_eq!(
        (
            &restricted["campaign_id"],
            &restricted["balance"],
            &restricted["available"]
        ),
        (&drive["id"], &json!("30000000"), &json!("0"))
    );
}

#[tokio::test]
async fn a_restricted_tet_campaign_cannot_pay_for_a_house() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    let tet = app
        .campaign_of_kind(&c.officer.token, COMMUNE, "tet", true)
        .await;
    let household = app
        .household(&c.officer.token, COMMUNE, "Đinh Văn Lợi")
        .await;
    let mut body = proposal(c.unit, &household, "new");
    body["campaign_id"] = tet["id"].clone();

    let res = app.post("/v1/houses", &c.officer.token, &body).await;

    assert_problem(res, 422, "campaign_purpose_mismatch").await;
}

// ---------------------------------------------------------------- four eyes, rights and scope

#[tokio::test]
async fn the_submitter_cannot_approve_or_cancel_their_own_project() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "100000000")
        .await;
    let both = app
        .user_with_roles(&[("officer", COMMUNE), ("approver", COMMUNE)])
        .await;
    let household = app
        .household(&c.officer.token, COMMUNE, "Hoàng Văn Tùng")
        .await;
    let house = propose(&app, &both.token, &proposal(c.unit, &household, "new")).await;

    assert_problem(
        act(&app, &both.token, &house, "approve", json!({})).await,
        403,
        "same_person",
    )
    .await;
    assert_problem(
        act(
            &app,
            &both.token,
            &house,
            "cancel",
            json!({"reason": "Tự hủy"}),
        )
        .await,
        403,
        "same_person",
    )
    .await;
    ok(act(&app, &c.approver.token, &house, "approve", json!({})).await).await;
}

#[tokio::test]
async fn a_project_answers_scope_role_submitter_then_state_in_every_state() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "100000000")
        .await;
    let both = app
        .user_with_roles(&[("officer", COMMUNE), ("approver", COMMUNE)])
        .await;
    let outsider = app.user("approver", SIBLING_COMMUNE).await;
    let household = app
        .household(&c.officer.token, COMMUNE, "Lục Văn Thứ")
        .await;
    let house = propose(&app, &both.token, &proposal(c.unit, &household, "new")).await;

    // approve and cancel are the two four-eyes decisions of a project
    crate::four_eyes::the_decision_order_holds(crate::four_eyes::Decidable {
        app: &app,
        item: format!("/v1/houses/{}", house["id"].as_str().unwrap()),
        actions: &["approve", "cancel"],
        submitter: &both,
        approver: &c.approver,
        no_approver: &c.officer,
        outsider: &outsider,
    })
    .await;
}

#[tokio::test]
async fn only_the_right_roles_of_the_funding_unit_act_on_a_project() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "100000000")
        .await;
    let province_officer = app.user("officer", PROVINCE).await;
    let province_approver = app.user("approver", PROVINCE).await;
    let sibling_officer = app.user("officer", SIBLING_COMMUNE).await;
    let sibling_approver = app.user("approver", SIBLING_COMMUNE).await;
    let household = app
        .household(&c.officer.token, COMMUNE, "Nông Văn Dền")
        .await;

    // proposing needs the officer role at the funding unit itself
    let body = proposal(c.unit, &household, "new");
    assert_problem(
        app.post("/v1/houses", &province_officer.token, &body).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.post("/v1/houses", &sibling_officer.token, &body).await,
        404,
        "not_found",
    )
    .await;
    let house = propose(&app, &c.officer.token, &body).await;

    // the province sees the commune but approves only its own projects; a sibling sees nothing
    assert_problem(
        act(&app, &province_approver.token, &house, "approve", json!({})).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        act(&app, &sibling_approver.token, &house, "approve", json!({})).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        act(&app, &c.officer.token, &house, "approve", json!({})).await,
        403,
        "forbidden",
    )
    .await;
    ok(act(&app, &c.approver.token, &house, "approve", json!({})).await).await;
    assert_problem(
        act(
            &app,
            &c.approver.token,
            &house,
            "payments",
            tranche("1000", "advance", "2026-10-02"),
        )
        .await,
        403,
        "forbidden",
    )
    .await;

    let res = app
        .get(
            &format!("/v1/houses/{}", house["id"].as_str().unwrap()),
            &sibling_officer.token,
        )
        .await;
    assert_problem(res, 404, "not_found").await;
    let listed: Value = app
        .get("/v1/houses", &sibling_officer.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"], json!([]));
    let listed: Value = app
        .get(
            "/v1/houses?status=approved&kind=new",
            &province_approver.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert!(listed["items"][0].get("payments").is_none());
    let res = app
        .get(
            &format!("/v1/houses?unit_id={}", c.unit),
            &sibling_officer.token,
        )
        .await;
    assert_problem(res, 404, "not_found").await;
}

// ---------------------------------------------------------------- evidence

async fn upload_photo(app: &TestApp, token: &str, unit_code: &str) -> Value {
    let unit_id = app.unit_id(unit_code).await;
    let mut bytes = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00,
    ];
    bytes.extend_from_slice(b"the walls going up");
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes)
                .file_name("walls.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        )
        .text("unit_id", unit_id.to_string());
    let res = app
        .client
        .post(app.url("/v1/attachments"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "upload accepted");
    res.json().await.unwrap()
}

#[tokio::test]
async fn each_stage_keeps_its_evidence_and_foreign_attachments_are_refused() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "100000000")
        .await;
    let sibling = app.user("officer", SIBLING_COMMUNE).await;
    let theirs = upload_photo(&app, &sibling.token, SIBLING_COMMUNE).await;
    let ours = upload_photo(&app, &c.officer.token, COMMUNE).await;
    let house = new_project(&app, &c, "Hoàng Văn Lâm").await;
    ok(act(
        &app,
        &c.approver.token,
        &house,
        "approve",
        json!({"evidence_ids": [ours["id"]]}),
    )
    .await)
    .await;

    let res = act(
        &app,
        &c.officer.token,
        &house,
        "start",
        json!({"started_on": "2026-10-15", "evidence_ids": [theirs["id"]]}),
    )
    .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "evidence_ids");

    let started = ok(act(
        &app,
        &c.officer.token,
        &house,
        "start",
        json!({"started_on": "2026-10-15", "evidence_ids": [ours["id"]]}),
    )
    .await)
    .await;
    assert_eq!(
        started["evidence"],
        json!({"approve": [ours["id"]], "start": [ours["id"]]})
    );
}

// ---------------------------------------------------------------- the database alone

#[tokio::test]
async fn the_database_keeps_the_proposal_the_stages_and_the_tranches_straight() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "100000000")
        .await;
    let house = started_project(&app, &c, "Mông Văn Dũng").await;
    let id = house["id"].as_str().unwrap();
    let db = app.sql().await;
    let fails = |sql: String| {
        let db = &db;
        async move {
            let e = db.batch_execute(&sql).await.unwrap_err();
            db.batch_execute("ROLLBACK").await.ok();
            let d = e.as_db_error().expect("a database error");
            (d.code().clone(), d.constraint().map(str::to_owned))
        }
    };
    let restrict = tokio_postgres::error::SqlState::RESTRICT_VIOLATION;
    let check = tokio_postgres::error::SqlState::CHECK_VIOLATION;

    // the proposal and a stage once recorded
    for set in [
        "estimated_cost = 1",
        "funding_plan = '[]'",
        "started_on = '2026-10-01'",
        "approved_by = submitted_by",
    ] {
        let (code, _) = fails(format!("UPDATE houses SET {set} WHERE id = '{id}'")).await;
        assert_eq!(code, restrict, "{set}");
    }
    // the submitter cancelling their own proposal
    let (code, constraint) = fails(format!(
        "UPDATE houses SET status = 'cancelled', cancelled_by = submitted_by, cancelled_at = now(), \
         cancel_reason = 'tự huỷ' WHERE id = '{id}'"
    ))
    .await;
    assert_eq!(
        (code, constraint.as_deref()),
        (check.clone(), Some("houses_cancel_four_eyes"))
    );
    // a final tranche before the acceptance, and a paid amount no tranche explains
    let (code, constraint) = fails(format!(
        "INSERT INTO house_payments (house_id, stage, amount, method, paid_on, journal_entry_id, paid_by) \
         SELECT '{id}', 'final', 1000, 'cash', '2026-10-20', e.id, h.submitted_by \
           FROM houses h, journal_entries e WHERE h.id = '{id}' LIMIT 1"
    ))
    .await;
    assert_eq!(
        (code, constraint.as_deref()),
        (check.clone(), Some("house_final_after_acceptance"))
    );
    let (code, constraint) = fails(format!(
        "UPDATE houses SET paid_amount = paid_amount + 1000 WHERE id = '{id}'"
    ))
    .await;
    assert_eq!(
        (code, constraint.as_deref()),
        (check, Some("houses_paid_is_the_tranches"))
    );
}
