//! Grants (api.md "Spending", ledger.md "Reservations", "Restricted money"): the lifecycle with
//! four eyes, reservations that never over-commit (P7), restricted money that pays only for its
//! purpose, payment postings, scope, idempotency, and the database refusing what the API refuses.

use std::time::Duration;

use futures_util::future::join_all;
use reqwest::Response;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    assert_problem, spawn_app, spawn_app_with, TestApp, TestUser, COMMUNE, PROVINCE, RECEIVED_ON,
    SIBLING_COMMUNE,
};

/// The people of one commune's fund: an officer who submits, an approver, a finance officer.
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

fn grant(unit: Uuid, amount: &str) -> Value {
    json!({"unit_id": unit, "category": "medical", "amount": amount, "method": "cash",
           "description": "Hỗ trợ viện phí"})
}

async fn submit(app: &TestApp, token: &str, body: &Value) -> Value {
    let res = app.post("/v1/disbursements", token, body).await;
    let status = res.status();
    let json: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "grant submitted: {json}");
    json
}

async fn act(app: &TestApp, token: &str, grant: &Value, action: &str) -> Response {
    app.post(
        &format!(
            "/v1/disbursements/{}/{action}",
            grant["id"].as_str().unwrap()
        ),
        token,
        &json!({}),
    )
    .await
}

async fn ok(res: Response) -> Value {
    let status = res.status();
    let json: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{json}");
    json
}

async fn balances(app: &TestApp, token: &str, unit: Uuid) -> Value {
    let res = app.get(&format!("/v1/units/{unit}/balances"), token).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn restricted_campaign_donation(
    app: &TestApp,
    token: &str,
    unit: Uuid,
    campaign: &Value,
    amount: &str,
) {
    app.record_donation(
        token,
        &json!({"unit_id": unit, "campaign_id": campaign["id"], "channel": "cash", "amount": amount,
                "received_on": RECEIVED_ON, "donor": {"kind": "anonymous"}, "public_display": "anonymous"}),
    )
    .await;
}

// ---------------------------------------------------------------- the lifecycle

#[tokio::test]
async fn a_grant_is_submitted_approved_and_paid_with_its_entry() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "5000000")
        .await;

    let g = submit(&app, &c.officer.token, &grant(c.unit, "2000000")).await;
    assert_eq!(g["status"], "submitted");
    let approved = ok(act(&app, &c.approver.token, &g, "approve").await).await;
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["decided_by"], json!(c.approver.id));
    let b = balances(&app, &c.accountant.token, c.unit).await;
    assert_eq!(
        (&b["cash"], &b["available_unrestricted"]),
        (&json!("5000000"), &json!("3000000"))
    );

    let paid = ok(app
        .post(
            &format!("/v1/disbursements/{}/pay", g["id"].as_str().unwrap()),
            &c.accountant.token,
            &json!({"paid_on": "2026-03-20"}),
        )
        .await)
    .await;
    assert_eq!(
        (&paid["status"], &paid["paid_on"]),
        (&json!("paid"), &json!("2026-03-20"))
    );
    let b = balances(&app, &c.accountant.token, c.unit).await;
    assert_eq!(
        (&b["cash"], &b["available_unrestricted"]),
        (&json!("3000000"), &json!("3000000"))
    );

    let entry: Value = app
        .get(
            &format!("/v1/journal/{}", paid["journal_entry_id"].as_str().unwrap()),
            &c.accountant.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(entry["source_type"], "disbursement");
    assert_eq!(entry["effective_date"], "2026-03-20");
    let mut lines: Vec<(String, String, String)> = entry["postings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["account_code"].as_str().unwrap().into(),
                p["side"].as_str().unwrap().into(),
                p["amount"].as_str().unwrap().into(),
            )
        })
        .collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            ("1111".into(), "credit".into(), "2000000".into()),
            ("6131".into(), "debit".into(), "2000000".into())
        ]
    );
}

#[tokio::test]
async fn the_submitter_cannot_approve_reject_or_cancel_their_own_grant() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    let both = app
        .user_with_roles(&[("officer", COMMUNE), ("approver", COMMUNE)])
        .await;
    app.record_cash_donation(&c.officer.token, c.unit, "5000000")
        .await;
    let g = submit(&app, &both.token, &grant(c.unit, "1000000")).await;

    for action in ["approve", "reject", "cancel"] {
        assert_problem(act(&app, &both.token, &g, action).await, 403, "same_person").await;
    }
    // another approver may
    ok(act(&app, &c.approver.token, &g, "approve").await).await;
}

#[tokio::test]
async fn a_grant_answers_scope_role_submitter_then_state_in_every_state() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    let both = app
        .user_with_roles(&[("officer", COMMUNE), ("approver", COMMUNE)])
        .await;
    let outsider = app.user("approver", SIBLING_COMMUNE).await;
    app.record_cash_donation(&c.officer.token, c.unit, "5000000")
        .await;
    let g = submit(&app, &both.token, &grant(c.unit, "1000000")).await;

    crate::four_eyes::the_decision_order_holds(crate::four_eyes::Decidable {
        app: &app,
        item: format!("/v1/disbursements/{}", g["id"].as_str().unwrap()),
        actions: &["approve", "reject", "cancel"],
        submitter: &both,
        approver: &c.approver,
        no_approver: &c.officer,
        outsider: &outsider,
    })
    .await;
}

#[tokio::test]
async fn steps_out_of_order_are_invalid_state() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "5000000")
        .await;
    let g = submit(&app, &c.officer.token, &grant(c.unit, "1000000")).await;

    assert_problem(
        act(&app, &c.accountant.token, &g, "pay").await,
        409,
        "invalid_state",
    )
    .await;
    ok(act(&app, &c.approver.token, &g, "approve").await).await;
    assert_problem(
        act(&app, &c.approver.token, &g, "approve").await,
        409,
        "invalid_state",
    )
    .await;
    assert_problem(
        act(&app, &c.approver.token, &g, "reject").await,
        409,
        "invalid_state",
    )
    .await;
    ok(act(&app, &c.accountant.token, &g, "pay").await).await;
    assert_problem(
        act(&app, &c.accountant.token, &g, "pay").await,
        409,
        "invalid_state",
    )
    .await;
    assert_problem(
        act(&app, &c.approver.token, &g, "cancel").await,
        409,
        "invalid_state",
    )
    .await;
}

#[tokio::test]
async fn cancelling_an_approved_grant_releases_its_reservation() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "1000000")
        .await;
    let g = submit(&app, &c.officer.token, &grant(c.unit, "1000000")).await;
    ok(act(&app, &c.approver.token, &g, "approve").await).await;
    let second = submit(&app, &c.officer.token, &grant(c.unit, "1000000")).await;
    assert_problem(
        act(&app, &c.approver.token, &second, "approve").await,
        409,
        "insufficient_funds",
    )
    .await;

    let cancelled = ok(app
        .post(
            &format!("/v1/disbursements/{}/cancel", g["id"].as_str().unwrap()),
            &c.approver.token,
            &json!({"reason": "Hộ đã được huyện hỗ trợ"}),
        )
        .await)
    .await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["decision_reason"], "Hộ đã được huyện hỗ trợ");
    let b = balances(&app, &c.accountant.token, c.unit).await;
    assert_eq!(b["available_unrestricted"], "1000000");
    ok(act(&app, &c.approver.token, &second, "approve").await).await;
}

#[tokio::test]
async fn a_rejected_grant_reserves_nothing_and_cannot_be_paid() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "1000000")
        .await;
    let g = submit(&app, &c.officer.token, &grant(c.unit, "600000")).await;
    let rejected = ok(act(&app, &c.approver.token, &g, "reject").await).await;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(
        balances(&app, &c.accountant.token, c.unit).await["available_unrestricted"],
        "1000000"
    );
    assert_problem(
        act(&app, &c.accountant.token, &g, "pay").await,
        409,
        "invalid_state",
    )
    .await;
}

// ---------------------------------------------------------------- money that is not there

#[tokio::test]
async fn p7_two_hundred_concurrent_approvals_against_a_fund_that_affords_37() {
    // every request may wait for the spend lock; give them connections and time
    let app = spawn_app_with(|s| {
        s.database_pool_size = 16;
        s.database_timeout = Duration::from_secs(60);
    })
    .await;
    let c = commune(&app).await;
    // 37 grants of 100,000 fit in 3,750,000; the 38th does not
    app.record_cash_donation(&c.officer.token, c.unit, "3750000")
        .await;
    let body = grant(c.unit, "100000");
    let grants = join_all((0..200).map(|_| submit(&app, &c.officer.token, &body))).await;

    let responses = join_all(
        grants
            .iter()
            .map(|g| act(&app, &c.approver.token, g, "approve")),
    )
    .await;

    let mut approved = 0;
    for res in responses {
        match res.status().as_u16() {
            200 => approved += 1,
            _ => {
                assert_problem(res, 409, "insufficient_funds").await;
            }
        }
    }
    assert_eq!(approved, 37);
    let b = balances(&app, &c.accountant.token, c.unit).await;
    assert_eq!(
        (&b["cash"], &b["available_unrestricted"]),
        (&json!("3750000"), &json!("50000"))
    );
    let db = app.sql().await;
    let row = db
        .query_one(
            "SELECT count(*) FILTER (WHERE status = 'approved'), \
                    (SELECT count(*) FROM reservations WHERE released_at IS NULL), \
                    (SELECT min(fund_available(unit_id, 'money', campaign_id))::text FROM reservations) \
               FROM disbursements",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 37);
    assert_eq!(row.get::<_, i64>(1), 37);
    assert_eq!(row.get::<_, String>(2), "50000");

    // and paying every approved grant leaves the cash at exactly 50,000, never below zero
    let approved: Vec<Value> = join_all(grants.iter().map(|g| async {
        app.get(
            &format!("/v1/disbursements/{}", g["id"].as_str().unwrap()),
            &c.accountant.token,
        )
        .await
        .json::<Value>()
        .await
        .unwrap()
    }))
    .await
    .into_iter()
    .filter(|g| g["status"] == "approved")
    .collect();
    let paid = join_all(
        approved
            .iter()
            .map(|g| act(&app, &c.accountant.token, g, "pay")),
    )
    .await;
    assert!(paid.iter().all(|r| r.status() == 200));
    let b = balances(&app, &c.accountant.token, c.unit).await;
    assert_eq!(
        (&b["cash"], &b["available_unrestricted"]),
        (&json!("50000"), &json!("50000"))
    );
}

#[tokio::test]
async fn reserved_money_cannot_be_spent_by_a_manual_entry() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "1000000")
        .await;
    let g = submit(&app, &c.officer.token, &grant(c.unit, "800000")).await;
    ok(act(&app, &c.approver.token, &g, "approve").await).await;

    let res = app
        .post(
            "/v1/journal",
            &c.accountant.token,
            &json!({"unit_id": c.unit, "effective_date": "2026-03-15", "description": "Chi khác",
                    "reason": "thử chi tiền đã giữ chỗ",
                    "postings": [{"account_code": "6191", "side": "debit", "amount": "300000"},
                                 {"account_code": "1111", "side": "credit", "amount": "300000"}]}),
        )
        .await;
    assert_problem(res, 409, "insufficient_funds").await;
    assert_eq!(
        balances(&app, &c.accountant.token, c.unit).await["cash"],
        "1000000"
    );
}

// ---------------------------------------------------------------- restricted money

#[tokio::test]
async fn a_restricted_campaigns_money_cannot_pay_for_another_purpose() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    let tet = app
        .campaign_of_kind(&c.officer.token, COMMUNE, "tet", true)
        .await;
    restricted_campaign_donation(&app, &c.officer.token, c.unit, &tet, "5000000").await;

    let mut body = grant(c.unit, "1000000");
    body["campaign_id"] = tet["id"].clone();
    let res = app.post("/v1/disbursements", &c.officer.token, &body).await;
    assert_problem(res, 422, "campaign_purpose_mismatch").await;
}

#[tokio::test]
async fn unrestricted_spending_cannot_eat_restricted_money() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    let drive = app
        .campaign_of_kind(&c.officer.token, COMMUNE, "disaster", true)
        .await;
    restricted_campaign_donation(&app, &c.officer.token, c.unit, &drive, "5000000").await;
    app.record_cash_donation(&c.officer.token, c.unit, "100000")
        .await;

    // no campaign named: only the 100,000 of unrestricted money may pay
    let plain = submit(&app, &c.officer.token, &grant(c.unit, "500000")).await;
    assert_problem(
        act(&app, &c.approver.token, &plain, "approve").await,
        409,
        "insufficient_funds",
    )
    .await;

    // naming the disaster campaign, relief draws on its money
    let mut body = grant(c.unit, "500000");
    body["category"] = json!("emergency_relief");
    body["campaign_id"] = drive["id"].clone();
    let relief = submit(&app, &c.officer.token, &body).await;
    assert_eq!(relief["restricted"], true);
    ok(act(&app, &c.approver.token, &relief, "approve").await).await;
    let paid = ok(act(&app, &c.accountant.token, &relief, "pay").await).await;
    let b = balances(&app, &c.accountant.token, c.unit).await;
    assert_eq!(b["available_unrestricted"], "100000");
    let restricted = &b["restricted"].as_array().unwrap()[0];
    assert_eq!(
        (&restricted["campaign_id"], &restricted["balance"]),
        (&drive["id"], &json!("4500000"))
    );
    let entry: Value = app
        .get(
            &format!("/v1/journal/{}", paid["journal_entry_id"].as_str().unwrap()),
            &c.accountant.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(entry["postings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["campaign_id"] == drive["id"]));
}

#[tokio::test]
async fn a_restricted_grant_cannot_draw_more_than_its_campaign_holds() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    let drive = app
        .campaign_of_kind(&c.officer.token, COMMUNE, "general", true)
        .await;
    restricted_campaign_donation(&app, &c.officer.token, c.unit, &drive, "300000").await;
    app.record_cash_donation(&c.officer.token, c.unit, "9000000")
        .await;

    let mut body = grant(c.unit, "500000");
    body["campaign_id"] = drive["id"].clone();
    let g = submit(&app, &c.officer.token, &body).await;
    assert_problem(
        act(&app, &c.approver.token, &g, "approve").await,
        409,
        "insufficient_funds",
    )
    .await;
}

// ---------------------------------------------------------------- input and references

#[tokio::test]
async fn bad_grants_are_refused_with_the_field_named() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    let sibling = app.user("officer", SIBLING_COMMUNE).await;
    let elsewhere = app
        .household(&sibling.token, SIBLING_COMMUNE, "Lò Văn Hòa")
        .await;
    let cases = [
        (json!({"amount": 100000}), "amount"),
        (json!({"amount": "-5"}), "amount"),
        (json!({"amount": "0"}), "amount"),
        (json!({"category": "party"}), "category"),
        (json!({"method": "bank"}), "bank_account_id"),
        (
            json!({"bank_account_id": Uuid::now_v7()}),
            "bank_account_id",
        ),
        (json!({"household_id": elsewhere["id"]}), "household_id"),
        (json!({"campaign_id": Uuid::now_v7()}), "campaign_id"),
        (json!({"description": ""}), "description"),
        (json!({"colour": "red"}), "colour"),
    ];
    for (patch, field) in cases {
        let mut body = grant(c.unit, "100000");
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let res = app.post("/v1/disbursements", &c.officer.token, &body).await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let count: i64 = app
        .sql()
        .await
        .query_one("SELECT count(*) FROM disbursements", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(count, 0);
}

#[tokio::test]
async fn a_grant_to_a_household_of_the_commune_is_recorded_against_it() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    let household = app
        .household(&c.officer.token, COMMUNE, "Hoàng Thị Mai")
        .await;
    let mut body = grant(c.unit, "700000");
    body["household_id"] = household["id"].clone();
    body["category"] = json!("education");
    let g = submit(&app, &c.officer.token, &body).await;
    assert_eq!(g["household_id"], household["id"]);

    let listed: Value = app
        .get(
            &format!(
                "/v1/disbursements?household_id={}",
                household["id"].as_str().unwrap()
            ),
            &c.approver.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

// ---------------------------------------------------------------- rights and scope

#[tokio::test]
async fn only_the_right_roles_of_the_paying_unit_act_on_a_grant() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "1000000")
        .await;
    let province_officer = app.user("officer", PROVINCE).await;
    let province_approver = app.user("approver", PROVINCE).await;
    let sibling_approver = app.user("approver", SIBLING_COMMUNE).await;

    // proposing needs the officer role at the paying unit itself
    let res = app
        .post(
            "/v1/disbursements",
            &province_officer.token,
            &grant(c.unit, "1000"),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;
    let res = app
        .post(
            "/v1/disbursements",
            &c.approver.token,
            &grant(c.unit, "1000"),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;

    let g = submit(&app, &c.officer.token, &grant(c.unit, "1000")).await;
    // the province sees the commune but approves only its own spending; a sibling sees nothing
    assert_problem(
        act(&app, &province_approver.token, &g, "approve").await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        act(&app, &sibling_approver.token, &g, "approve").await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        act(&app, &c.officer.token, &g, "approve").await,
        403,
        "forbidden",
    )
    .await;
    ok(act(&app, &c.approver.token, &g, "approve").await).await;
    assert_problem(
        act(&app, &c.approver.token, &g, "pay").await,
        403,
        "forbidden",
    )
    .await;

    let res = app
        .get(
            &format!("/v1/disbursements/{}", g["id"].as_str().unwrap()),
            &sibling_approver.token,
        )
        .await;
    assert_problem(res, 404, "not_found").await;
    let listed: Value = app
        .get("/v1/disbursements", &sibling_approver.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"], json!([]));
    let listed: Value = app
        .get(
            "/v1/disbursements?status=approved",
            &province_approver.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_approval_retried_with_its_key_replays_and_audits_once() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "1000000")
        .await;
    let g = submit(&app, &c.officer.token, &grant(c.unit, "400000")).await;
    let path = format!("/v1/disbursements/{}/approve", g["id"].as_str().unwrap());

    let first = app
        .post_with_key(&path, &c.approver.token, "approve-1", &json!({}))
        .await;
    assert_eq!(first.status(), 200);
    let first: Value = first.json().await.unwrap();
    let again = app
        .post_with_key(&path, &c.approver.token, "approve-1", &json!({}))
        .await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap(), first);

    let db = app.sql().await;
    let row = db
        .query_one(
            "SELECT (SELECT count(*) FROM audit_events WHERE action = 'disbursement.approve'), \
                    (SELECT count(*) FROM reservations)",
            &[],
        )
        .await
        .unwrap();
    assert_eq!((row.get::<_, i64>(0), row.get::<_, i64>(1)), (1, 1));
}

// ---------------------------------------------------------------- the database alone

#[tokio::test]
async fn the_database_refuses_a_self_approval_a_backwards_step_and_an_over_reservation() {
    let app = spawn_app().await;
    let c = commune(&app).await;
    app.record_cash_donation(&c.officer.token, c.unit, "1000000")
        .await;
    let g = submit(&app, &c.officer.token, &grant(c.unit, "400000")).await;
    let id: Uuid = g["id"].as_str().unwrap().parse().unwrap();
    let db = app.sql().await;

    let e = db
        .execute(
            "UPDATE disbursements SET status = 'approved', decided_by = submitted_by WHERE id = $1",
            &[&id],
        )
        .await
        .unwrap_err();
    assert_eq!(
        e.as_db_error().and_then(|d| d.constraint()),
        Some("disbursements_four_eyes")
    );
    let e = db
        .execute(
            "UPDATE disbursements SET status = 'paid' WHERE id = $1",
            &[&id],
        )
        .await
        .unwrap_err();
    assert_eq!(
        e.as_db_error().and_then(|d| d.constraint()),
        Some("spending_transition")
    );
    let e = db
        .execute("DELETE FROM disbursements WHERE id = $1", &[&id])
        .await
        .unwrap_err();
    assert!(e.to_string().contains("never deleted") || e.as_db_error().is_some());

    // a reservation larger than the fund's money is refused, whoever writes it
    let e = db
        .execute(
            "INSERT INTO reservations (unit_id, pool, source_type, source_id, amount) \
             VALUES ($1, 'money', 'disbursement', $2, 1000001)",
            &[&c.unit, &id],
        )
        .await
        .unwrap_err();
    assert_eq!(
        e.as_db_error().and_then(|d| d.constraint()),
        Some("no_overdraft")
    );
    db.execute(
        "INSERT INTO reservations (unit_id, pool, source_type, source_id, amount) \
         VALUES ($1, 'money', 'disbursement', $2, 1000000)",
        &[&c.unit, &id],
    )
    .await
    .unwrap();
    let e = db
        .execute("DELETE FROM reservations WHERE source_id = $1", &[&id])
        .await
        .unwrap_err();
    assert!(e.as_db_error().is_some());
}
