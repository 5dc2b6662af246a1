//! Transfers between tiers (api.md "Spending" → Transfers; ledger.md posting rules, "A transfer
//! may carry the earmark", reservations): allocations down and remittances up, approval that
//! reserves, sending and receiving that post in both funds, money in transit and the
//! consolidated view that counts it once, weighted allocations, scope, roles and states.

use chrono::{DateTime, Utc};
use doanket::domain::clock::Clock;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    assert_problem, spawn_app_with, TestApp, TestUser, COMMUNE, PROVINCE, RECEIVED_ON,
    SIBLING_COMMUNE,
};

/// Every transfer test runs on 20 March 2026, local time: donations arrive on the 10th,
/// transfers leave on the 15th and arrive on the 18th.
const SENT_ON: &str = "2026-03-15";
const RECEIVED: &str = "2026-03-18";

async fn spawn_transfer_app() -> TestApp {
    let noon_local: DateTime<Utc> = "2026-03-20T05:00:00Z".parse().unwrap();
    spawn_app_with(|s| s.clock = Clock::fixed(noon_local)).await
}

/// The people of one unit who move money, and its bank account.
struct Unit {
    id: Uuid,
    officer: TestUser,
    approver: TestUser,
    accountant: TestUser,
    bank: Value,
}

async fn unit(app: &TestApp, code: &str) -> Unit {
    let accountant = app.user("accountant", code).await;
    let bank = app.bank_account(code, &accountant.token).await;
    Unit {
        id: app.unit_id(code).await,
        officer: app.user("officer", code).await,
        approver: app.user("approver", code).await,
        accountant,
        bank,
    }
}

/// A bank-transfer donation of `amount` into the unit's bank account (sending needs bank
/// money), optionally to a campaign.
async fn fund_bank(app: &TestApp, u: &Unit, amount: &str, campaign_id: Option<&Value>) {
    let mut body = json!({"unit_id": u.id, "channel": "bank_transfer", "amount": amount,
        "received_on": RECEIVED_ON, "bank_account_id": u.bank["id"],
        "donor": {"kind": "organization", "name": "Công ty TNHH Ánh Dương"}, "public_display": "name"});
    if let Some(c) = campaign_id {
        body["campaign_id"] = c.clone();
    }
    app.record_donation(&u.officer.token, &body).await;
}

fn transfer_body(from: Uuid, to: Uuid, amount: &str) -> Value {
    json!({"from_unit_id": from, "to_unit_id": to, "amount": amount,
           "purpose": "Điều tiết hỗ trợ hộ nghèo", "decision_no": "15/QĐ-MTTQ"})
}

/// Submits a transfer, asserting 201; returns it.
async fn submit(app: &TestApp, token: &str, body: &Value) -> Value {
    let res = app.post("/v1/transfers", token, body).await;
    let status = res.status();
    let json: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "transfer submitted: {json}");
    json
}

async fn act(
    app: &TestApp,
    token: &str,
    t: &Value,
    action: &str,
    body: &Value,
) -> reqwest::Response {
    let id = t["id"].as_str().unwrap();
    app.post(&format!("/v1/transfers/{id}/{action}"), token, body)
        .await
}

/// Performs `action`, asserting 200; returns the updated transfer.
async fn step(app: &TestApp, token: &str, t: &Value, action: &str, body: &Value) -> Value {
    let res = act(app, token, t, action, body).await;
    let status = res.status();
    let json: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{action}: {json}");
    json
}

async fn approve(app: &TestApp, from: &Unit, t: &Value) -> Value {
    step(app, &from.approver.token, t, "approve", &json!({})).await
}

async fn send(app: &TestApp, from: &Unit, t: &Value) -> Value {
    step(
        app,
        &from.accountant.token,
        t,
        "send",
        &json!({"sent_on": SENT_ON, "bank_account_id": from.bank["id"]}),
    )
    .await
}

async fn receive(app: &TestApp, to: &Unit, t: &Value) -> Value {
    step(
        app,
        &to.accountant.token,
        t,
        "receive",
        &json!({"received_on": RECEIVED, "bank_account_id": to.bank["id"]}),
    )
    .await
}

async fn balances(app: &TestApp, token: &str, unit: Uuid, consolidated: bool) -> Value {
    let res = app
        .get(
            &format!("/v1/units/{unit}/balances?consolidated={consolidated}"),
            token,
        )
        .await;
    assert_eq!(res.status(), 200, "balances readable");
    res.json().await.unwrap()
}

/// `(account_code, side, amount)` of the postings of the one entry of `source_type` in the fund.
async fn posted(
    app: &TestApp,
    token: &str,
    unit: Uuid,
    source_type: &str,
) -> Vec<(String, String, String)> {
    let res = app
        .get(
            &format!("/v1/journal?unit_id={unit}&source_type={source_type}"),
            token,
        )
        .await;
    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "one {source_type} entry in {page}");
    let mut lines: Vec<_> = items[0]["postings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["account_code"].as_str().unwrap().to_owned(),
                p["side"].as_str().unwrap().to_owned(),
                p["amount"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    lines.sort();
    lines
}

fn line(code: &str, side: &str, amount: &str) -> (String, String, String) {
    (code.to_owned(), side.to_owned(), amount.to_owned())
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The province with 1,000,000 đồng in its bank, and one of its communes.
async fn province_and_commune(app: &TestApp) -> (Unit, Unit) {
    let province = unit(app, PROVINCE).await;
    fund_bank(app, &province, "1000000", None).await;
    (province, unit(app, COMMUNE).await)
}

// ---------------------------------------------------------------- the full cycle

#[tokio::test]
async fn an_allocation_moves_money_down_and_the_consolidated_view_counts_it_once() {
    let app = spawn_transfer_app().await;
    let (p, c) = province_and_commune(&app).await;
    let token = &p.accountant.token;
    let t = submit(&app, &p.officer.token, &transfer_body(p.id, c.id, "600000")).await;
    assert_eq!(
        (t["status"].as_str(), t["direction"].as_str()),
        (Some("submitted"), Some("allocation"))
    );

    // approval reserves: the balance stays, what is available drops
    let t = approve(&app, &p, &t).await;
    assert_eq!(t["status"], "approved");
    let b = balances(&app, token, p.id, false).await;
    assert_eq!(
        (b["bank"].as_str(), b["available_unrestricted"].as_str()),
        (Some("1000000"), Some("400000"))
    );

    // sent: gone from the province's bank, in transit in the consolidated view
    let t = send(&app, &p, &t).await;
    assert_eq!(
        (t["status"].as_str(), t["sent_on"].as_str()),
        (Some("sent"), Some(SENT_ON))
    );
    let own = balances(&app, token, p.id, false).await;
    assert_eq!(
        (
            own["bank"].as_str(),
            own["available_unrestricted"].as_str(),
            own["in_transit"].as_str()
        ),
        (Some("400000"), Some("400000"), Some("600000"))
    );
    let all = balances(&app, token, p.id, true).await;
    assert_eq!(
        (all["bank"].as_str(), all["in_transit"].as_str()),
        (Some("400000"), Some("600000"))
    );

    // received: in the commune's bank, nothing in transit, the total counted once
    let t = receive(&app, &c, &t).await;
    assert_eq!(
        (t["status"].as_str(), t["received_on"].as_str()),
        (Some("received"), Some(RECEIVED))
    );
    let commune = balances(&app, &c.accountant.token, c.id, false).await;
    assert_eq!(
        (
            commune["bank"].as_str(),
            commune["available_unrestricted"].as_str()
        ),
        (Some("600000"), Some("600000"))
    );
    let all = balances(&app, token, p.id, true).await;
    assert_eq!(
        all,
        json!({"cash": "0", "bank": "1000000", "in_kind": "0", "restricted": [],
               "available_unrestricted": "1000000", "in_transit": "0"})
    );
}

#[tokio::test]
async fn sending_and_receiving_post_in_both_funds() {
    let app = spawn_transfer_app().await;
    let (p, c) = province_and_commune(&app).await;
    let t = submit(&app, &p.officer.token, &transfer_body(p.id, c.id, "600000")).await;
    let t = approve(&app, &p, &t).await;

    let sent = send(&app, &p, &t).await;
    let received = receive(&app, &c, &sent).await;

    assert_eq!(
        posted(&app, &p.accountant.token, p.id, "transfer_send").await,
        [
            line("1121.1", "credit", "600000"),
            line("6211", "debit", "600000")
        ]
    );
    assert_eq!(
        posted(&app, &c.accountant.token, c.id, "transfer_receive").await,
        [
            line("1121.1", "debit", "600000"),
            line("5113", "credit", "600000")
        ]
    );
    assert!(received["send_entry_id"].is_string());
    assert!(received["receive_entry_id"].is_string());
    assert_ne!(received["send_entry_id"], received["receive_entry_id"]);
}

#[tokio::test]
async fn a_commune_remits_money_up_to_its_province() {
    let app = spawn_transfer_app().await;
    let p = unit(&app, PROVINCE).await;
    let c = unit(&app, COMMUNE).await;
    fund_bank(&app, &c, "500000", None).await;

    let t = submit(&app, &c.officer.token, &transfer_body(c.id, p.id, "200000")).await;
    assert_eq!(t["direction"], "remittance");
    let t = approve(&app, &c, &t).await;
    let t = send(&app, &c, &t).await;
    let t = receive(&app, &p, &t).await;

    assert_eq!(t["status"], "received");
    assert_eq!(
        balances(&app, &p.accountant.token, p.id, false).await["bank"],
        "200000"
    );
    assert_eq!(
        balances(&app, &c.accountant.token, c.id, false).await["bank"],
        "300000"
    );
    assert_eq!(
        balances(&app, &p.accountant.token, p.id, true).await["bank"],
        "500000"
    );
}

#[tokio::test]
async fn a_transfer_can_be_read_by_both_ends_and_not_by_others() {
    let app = spawn_transfer_app().await;
    let (p, c) = province_and_commune(&app).await;
    let t = submit(&app, &p.officer.token, &transfer_body(p.id, c.id, "100000")).await;
    let path = format!("/v1/transfers/{}", t["id"].as_str().unwrap());
    let sibling = app.user("officer", SIBLING_COMMUNE).await;

    let by_receiver = app.get(&path, &c.officer.token).await;
    let by_sibling = app.get(&path, &sibling.token).await;

    assert_eq!(by_receiver.status(), 200);
    assert_eq!(by_receiver.json::<Value>().await.unwrap(), t);
    assert_problem(by_sibling, 404, "not_found").await;
    let listed: Value = app
        .get("/v1/transfers", &sibling.token)
        .await
        .json()
        .await
        .unwrap();
    assert!(ids(&listed).is_empty());
}

// ---------------------------------------------------------------- submission

#[tokio::test]
async fn siblings_cannot_transfer_to_each_other() {
    let app = spawn_transfer_app().await;
    let c = unit(&app, COMMUNE).await;
    let sibling = app.unit_id(SIBLING_COMMUNE).await;

    let res = app
        .post(
            "/v1/transfers",
            &c.officer.token,
            &transfer_body(c.id, sibling, "100000"),
        )
        .await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "to_unit_id");
}

#[tokio::test]
async fn only_an_officer_of_the_sending_unit_submits() {
    let app = spawn_transfer_app().await;
    let (p, c) = province_and_commune(&app).await;

    // the commune's officer cannot send the province's money
    let res = app
        .post(
            "/v1/transfers",
            &c.officer.token,
            &transfer_body(p.id, c.id, "100000"),
        )
        .await;
    assert_problem(res, 404, "not_found").await;
    // the province's finance officer holds no officer role
    let res = app
        .post(
            "/v1/transfers",
            &p.accountant.token,
            &transfer_body(p.id, c.id, "100000"),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;
}

#[tokio::test]
async fn a_campaign_must_be_usable_by_both_units() {
    let app = spawn_transfer_app().await;
    let c = unit(&app, COMMUNE).await;
    let p = app.unit_id(PROVINCE).await;
    // the commune's own campaign is not the province's
    let campaign = app
        .campaign(&c.officer.token, COMMUNE, "Xuân ấm", true)
        .await;
    let mut body = transfer_body(c.id, p, "100000");
    body["campaign_id"] = campaign["id"].clone();

    let res = app.post("/v1/transfers", &c.officer.token, &body).await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "campaign_id");
}

#[tokio::test]
async fn amounts_are_positive_strings() {
    let app = spawn_transfer_app().await;
    let (p, c) = province_and_commune(&app).await;
    for amount in [json!("0"), json!("-5"), json!(100000), json!("1e6")] {
        let mut body = transfer_body(p.id, c.id, "1");
        body["amount"] = amount;

        let res = app.post("/v1/transfers", &p.officer.token, &body).await;

        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "amount");
    }
}

// ---------------------------------------------------------------- decisions

#[tokio::test]
async fn the_submitter_cannot_approve_their_own_transfer() {
    let app = spawn_transfer_app().await;
    let (p, c) = province_and_commune(&app).await;
    let both = app
        .user_with_roles(&[("officer", PROVINCE), ("approver", PROVINCE)])
        .await;
    let t = submit(&app, &both.token, &transfer_body(p.id, c.id, "100000")).await;

    let res = act(&app, &both.token, &t, "approve", &json!({})).await;

    assert_problem(res, 403, "same_person").await;
}

#[tokio::test]
async fn a_transfer_answers_scope_role_submitter_then_state_in_every_state() {
    let app = spawn_transfer_app().await;
    let (p, c) = province_and_commune(&app).await;
    let both = app
        .user_with_roles(&[("officer", PROVINCE), ("approver", PROVINCE)])
        .await;
    // an approver of the commune's sibling sees neither end
    let outsider = app.user("approver", SIBLING_COMMUNE).await;
    let t = submit(&app, &both.token, &transfer_body(p.id, c.id, "100000")).await;

    crate::four_eyes::the_decision_order_holds(crate::four_eyes::Decidable {
        app: &app,
        item: format!("/v1/transfers/{}", t["id"].as_str().unwrap()),
        actions: &["approve", "reject", "cancel"],
        submitter: &both,
        approver: &p.approver,
        no_approver: &p.officer,
        outsider: &outsider,
    })
    .await;
}

#[tokio::test]
async fn only_an_approver_of_the_sender_decides() {
    let app = spawn_transfer_app().await;
    let (p, c) = province_and_commune(&app).await;
    let t = submit(&app, &p.officer.token, &transfer_body(p.id, c.id, "100000")).await;

    // the receiver's approver sees the transfer but may not approve it
    let res = act(&app, &c.approver.token, &t, "approve", &json!({})).await;

    assert_problem(res, 403, "forbidden").await;
}

#[tokio::test]
async fn approving_more_than_is_available_is_refused() {
    let app = spawn_transfer_app().await;
    let (p, c) = province_and_commune(&app).await;
    let t = submit(
        &app,
        &p.officer.token,
        &transfer_body(p.id, c.id, "1000001"),
    )
    .await;

    let res = act(&app, &p.approver.token, &t, "approve", &json!({})).await;

    assert_problem(res, 409, "insufficient_funds").await;
    let t = app
        .get(
            &format!("/v1/transfers/{}", t["id"].as_str().unwrap()),
            &p.officer.token,
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(t["status"], "submitted");
}

#[tokio::test]
async fn cancelling_an_approved_transfer_releases_its_reservation() {
    let app = spawn_transfer_app().await;
    let (p, c) = province_and_commune(&app).await;
    let t = submit(&app, &p.officer.token, &transfer_body(p.id, c.id, "700000")).await;
    let t = approve(&app, &p, &t).await;

    let t = step(
        &app,
        &p.approver.token,
        &t,
        "cancel",
        &json!({"reason": "Sai số tiền"}),
    )
    .await;

    assert_eq!(
        (t["status"].as_str(), t["decision_reason"].as_str()),
        (Some("cancelled"), Some("Sai số tiền"))
    );
    assert_eq!(
        balances(&app, &p.accountant.token, p.id, false).await["available_unrestricted"],
        "1000000"
    );
    let res = act(&app, &p.approver.token, &t, "approve", &json!({})).await;
    assert_problem(res, 409, "invalid_state").await;
}

#[tokio::test]
async fn a_rejected_transfer_can_be_neither_approved_nor_cancelled() {
    let app = spawn_transfer_app().await;
    let (p, c) = province_and_commune(&app).await;
    let t = submit(&app, &p.officer.token, &transfer_body(p.id, c.id, "100000")).await;

    let t = step(&app, &p.approver.token, &t, "reject", &json!({})).await;

    assert_eq!(t["status"], "rejected");
    assert_eq!(t["decided_by"], json!(p.approver.id));
    for action in ["approve", "cancel"] {
        let res = act(&app, &p.approver.token, &t, action, &json!({})).await;
        assert_problem(res, 409, "invalid_state").await;
    }
}

#[tokio::test]
async fn a_replayed_approval_records_one_audit_event() {
    let app = spawn_transfer_app().await;
    let (p, c) = province_and_commune(&app).await;
    let t = submit(&app, &p.officer.token, &transfer_body(p.id, c.id, "100000")).await;
    let path = format!("/v1/transfers/{}/approve", t["id"].as_str().unwrap());

    let first = app
        .post_with_key(&path, &p.approver.token, "approve-1", &json!({}))
        .await;
    assert_eq!(first.status(), 200);
    let first: Value = first.json().await.unwrap();
    let again = app
        .post_with_key(&path, &p.approver.token, "approve-1", &json!({}))
        .await;

    assert_eq!(again.status(), 200);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    let row = app
        .sql()
        .await
        .query_one(
            "SELECT (SELECT count(*) FROM audit_events WHERE action = 'transfer.approve'), \
                    (SELECT count(*) FROM reservations)",
            &[],
        )
        .await
        .unwrap();
    assert_eq!((row.get::<_, i64>(0), row.get::<_, i64>(1)), (1, 1));
}

// ---------------------------------------------------------------- sending and receiving

#[tokio::test]
async fn a_transfer_cannot_be_sent_before_it_is_approved() {
    let app = spawn_transfer_app().await;
    let (p, c) = province_and_commune(&app).await;
    let t = submit(&app, &p.officer.token, &transfer_body(p.id, c.id, "100000")).await;

    let res = act(
        &app,
        &p.accountant.token,
        &t,
        "send",
        &json!({"sent_on": SENT_ON, "bank_account_id": p.bank["id"]}),
    )
    .await;

    assert_problem(res, 409, "invalid_state").await;
}

#[tokio::test]
async fn money_is_sent_from_a_bank_account_of_the_sender_and_not_in_the_future() {
    let app = spawn_transfer_app().await;
    let (p, c) = province_and_commune(&app).await;
    let t = submit(&app, &p.officer.token, &transfer_body(p.id, c.id, "100000")).await;
    let t = approve(&app, &p, &t).await;

    let other_fund = act(
        &app,
        &p.accountant.token,
        &t,
        "send",
        &json!({"sent_on": SENT_ON, "bank_account_id": c.bank["id"]}),
    )
    .await;
    let future = act(
        &app,
        &p.accountant.token,
        &t,
        "send",
        &json!({"sent_on": "2026-03-21", "bank_account_id": p.bank["id"]}),
    )
    .await;

    let problem = assert_problem(other_fund, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "bank_account_id");
    let problem = assert_problem(future, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "sent_on");
}

#[tokio::test]
async fn sent_on_defaults_to_today() {
    let app = spawn_transfer_app().await;
    let (p, c) = province_and_commune(&app).await;
    let t = submit(&app, &p.officer.token, &transfer_body(p.id, c.id, "100000")).await;
    let t = approve(&app, &p, &t).await;

    let t = step(
        &app,
        &p.accountant.token,
        &t,
        "send",
        &json!({"bank_account_id": p.bank["id"]}),
    )
    .await;

    assert_eq!(t["sent_on"], "2026-03-20");
}

#[tokio::test]
async fn only_the_receivers_finance_officer_records_the_arrival() {
    let app = spawn_transfer_app().await;
    let (p, c) = province_and_commune(&app).await;
    let t = submit(&app, &p.officer.token, &transfer_body(p.id, c.id, "100000")).await;
    let t = send(&app, &p, &approve(&app, &p, &t).await).await;

    // the province's finance officer sees the commune, but it is not theirs to receive
    let res = act(
        &app,
        &p.accountant.token,
        &t,
        "receive",
        &json!({"received_on": RECEIVED, "bank_account_id": c.bank["id"]}),
    )
    .await;

    assert_problem(res, 403, "forbidden").await;
}

#[tokio::test]
async fn a_transfer_is_not_received_before_it_was_sent() {
    let app = spawn_transfer_app().await;
    let (p, c) = province_and_commune(&app).await;
    let t = submit(&app, &p.officer.token, &transfer_body(p.id, c.id, "100000")).await;
    let t = send(&app, &p, &approve(&app, &p, &t).await).await;

    let res = act(
        &app,
        &c.accountant.token,
        &t,
        "receive",
        &json!({"received_on": "2026-03-14", "bank_account_id": c.bank["id"]}),
    )
    .await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "received_on");
}

#[tokio::test]
async fn in_transit_lists_transfers_sent_and_not_yet_received() {
    let app = spawn_transfer_app().await;
    let (p, c) = province_and_commune(&app).await;
    let submitted = submit(&app, &p.officer.token, &transfer_body(p.id, c.id, "100000")).await;
    let moving = submit(&app, &p.officer.token, &transfer_body(p.id, c.id, "200000")).await;
    let moving = send(&app, &p, &approve(&app, &p, &moving).await).await;
    let arrived = submit(&app, &p.officer.token, &transfer_body(p.id, c.id, "300000")).await;
    let arrived = receive(
        &app,
        &c,
        &send(&app, &p, &approve(&app, &p, &arrived).await).await,
    )
    .await;

    let page: Value = app
        .get(
            &format!("/v1/transfers?unit_id={}&status=in_transit", c.id),
            &c.officer.token,
        )
        .await
        .json()
        .await
        .unwrap();
    let all: Value = app
        .get(&format!("/v1/transfers?unit_id={}", c.id), &c.officer.token)
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(ids(&page), [moving["id"].as_str().unwrap()]);
    assert_eq!(
        ids(&all),
        [
            submitted["id"].as_str().unwrap(),
            moving["id"].as_str().unwrap(),
            arrived["id"].as_str().unwrap()
        ]
    );
    let res = app.get("/v1/transfers?status=lost", &c.officer.token).await;
    assert_problem(res, 422, "validation_failed").await;
}

// ---------------------------------------------------------------- earmarks

#[tokio::test]
async fn an_earmarked_transfer_carries_the_campaign_to_the_receiver() {
    let app = spawn_transfer_app().await;
    let p = unit(&app, PROVINCE).await;
    let c = unit(&app, COMMUNE).await;
    let campaign = app
        .campaign(&p.officer.token, PROVINCE, "Tháng cao điểm", true)
        .await;
    fund_bank(&app, &p, "800000", Some(&campaign["id"])).await;
    let mut body = transfer_body(p.id, c.id, "500000");
    body["campaign_id"] = campaign["id"].clone();

    let t = submit(&app, &p.officer.token, &body).await;
    let t = receive(
        &app,
        &c,
        &send(&app, &p, &approve(&app, &p, &t).await).await,
    )
    .await;

    assert_eq!(t["campaign_id"], campaign["id"]);
    let commune = balances(&app, &c.accountant.token, c.id, false).await;
    assert_eq!(
        commune["restricted"],
        json!([{"campaign_id": campaign["id"], "balance": "500000", "available": "500000"}])
    );
    assert_eq!(commune["available_unrestricted"], "0");
    let province = balances(&app, &p.accountant.token, p.id, false).await;
    assert_eq!(province["restricted"][0]["balance"], "300000");
}

#[tokio::test]
async fn restricted_money_cannot_be_transferred_as_unrestricted() {
    let app = spawn_transfer_app().await;
    let p = unit(&app, PROVINCE).await;
    let c = unit(&app, COMMUNE).await;
    let campaign = app
        .campaign(&p.officer.token, PROVINCE, "Tháng cao điểm", true)
        .await;
    fund_bank(&app, &p, "800000", Some(&campaign["id"])).await;
    let t = submit(&app, &p.officer.token, &transfer_body(p.id, c.id, "500000")).await;

    let res = act(&app, &p.approver.token, &t, "approve", &json!({})).await;

    assert_problem(res, 409, "insufficient_funds").await;
}

// ---------------------------------------------------------------- weighted allocations

#[tokio::test]
async fn an_allocation_splits_the_amount_exactly_by_weight() {
    let app = spawn_transfer_app().await;
    let p = unit(&app, PROVINCE).await;
    let communes = [
        app.unit_id(COMMUNE).await,
        app.unit_id(SIBLING_COMMUNE).await,
        app.unit_id("05977").await,
    ];
    let shares: Vec<Value> = communes
        .iter()
        .map(|id| json!({"to_unit_id": id, "weight": 1}))
        .collect();

    let res = app
        .post(
            "/v1/transfers/allocate",
            &p.officer.token,
            &json!({"from_unit_id": p.id, "amount": "1000000", "purpose": "Phân bổ quỹ Tết", "shares": shares}),
        )
        .await;

    assert_eq!(res.status(), 201);
    let a: Value = res.json().await.unwrap();
    let items = a["items"].as_array().unwrap();
    let amounts: Vec<&str> = items
        .iter()
        .map(|t| t["amount"].as_str().unwrap())
        .collect();
    assert_eq!(amounts, ["333334", "333333", "333333"]);
    for (t, unit) in items.iter().zip(communes) {
        assert_eq!(t["to_unit_id"], json!(unit));
        assert_eq!(t["allocation_id"], a["allocation_id"]);
        assert_eq!(
            (t["status"].as_str(), t["direction"].as_str()),
            (Some("submitted"), Some("allocation"))
        );
    }
}

#[tokio::test]
async fn an_allocation_with_a_share_that_would_get_nothing_is_refused_whole() {
    let app = spawn_transfer_app().await;
    let p = unit(&app, PROVINCE).await;
    let shares = json!([
        {"to_unit_id": app.unit_id(COMMUNE).await, "weight": 1000},
        {"to_unit_id": app.unit_id(SIBLING_COMMUNE).await, "weight": 1},
    ]);

    let res = app
        .post(
            "/v1/transfers/allocate",
            &p.officer.token,
            &json!({"from_unit_id": p.id, "amount": "100", "purpose": "Phân bổ", "shares": shares}),
        )
        .await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "shares[1].weight");
    let count: i64 = app
        .sql()
        .await
        .query_one("SELECT count(*) FROM transfers", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(count, 0);
}

#[tokio::test]
async fn an_allocation_goes_only_to_distinct_units_below_the_sender() {
    let app = spawn_transfer_app().await;
    let c = unit(&app, COMMUNE).await;
    let province = app.unit_id(PROVINCE).await;
    let allocate = |shares: Value| {
        let body =
            json!({"from_unit_id": c.id, "amount": "1000", "purpose": "Phân bổ", "shares": shares});
        let token = c.officer.token.clone();
        let app = &app;
        async move { app.post("/v1/transfers/allocate", &token, &body).await }
    };

    let upward = allocate(json!([{"to_unit_id": province, "weight": 1}])).await;
    let twice = allocate(
        json!([{"to_unit_id": province, "weight": 1}, {"to_unit_id": province, "weight": 2}]),
    )
    .await;
    let none = allocate(json!([])).await;
    let zero = allocate(json!([{"to_unit_id": province, "weight": 0}])).await;

    let problem = assert_problem(upward, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "shares[0].to_unit_id");
    let problem = assert_problem(twice, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "shares[1].to_unit_id");
    let problem = assert_problem(none, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "shares");
    let problem = assert_problem(zero, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "shares[0].weight");
}

#[tokio::test]
async fn a_decision_needs_no_body() {
    let app = spawn_transfer_app().await;
    let (p, c) = province_and_commune(&app).await;
    let t = submit(&app, &p.officer.token, &transfer_body(p.id, c.id, "100000")).await;

    let res = app
        .client
        .post(app.url(&format!(
            "/v1/transfers/{}/approve",
            t["id"].as_str().unwrap()
        )))
        .bearer_auth(&p.approver.token)
        .send()
        .await
        .unwrap();

    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "approved");
}

#[tokio::test]
async fn the_consolidated_view_adds_up_restricted_money_and_reservations_of_the_subtree() {
    let app = spawn_transfer_app().await;
    let p = unit(&app, PROVINCE).await;
    let c = unit(&app, COMMUNE).await;
    let campaign = app
        .campaign(&p.officer.token, PROVINCE, "Tháng cao điểm", true)
        .await;
    fund_bank(&app, &p, "800000", Some(&campaign["id"])).await;
    fund_bank(&app, &c, "100000", Some(&campaign["id"])).await;
    fund_bank(&app, &c, "50000", None).await;
    let mut body = transfer_body(p.id, c.id, "300000");
    body["campaign_id"] = campaign["id"].clone();
    let t = submit(&app, &p.officer.token, &body).await;
    approve(&app, &p, &t).await;

    let all = balances(&app, &p.accountant.token, p.id, true).await;

    assert_eq!(
        all,
        json!({"cash": "0", "bank": "950000", "in_kind": "0",
               "restricted": [{"campaign_id": campaign["id"], "balance": "900000", "available": "600000"}],
               "available_unrestricted": "50000", "in_transit": "0"})
    );
}

#[tokio::test]
async fn lists_page_through_every_transfer_once() {
    let app = spawn_transfer_app().await;
    let (p, c) = province_and_commune(&app).await;
    let mut submitted = Vec::new();
    for amount in ["1", "2", "3", "4", "5"] {
        let t = submit(&app, &p.officer.token, &transfer_body(p.id, c.id, amount)).await;
        submitted.push(t["id"].as_str().unwrap().to_owned());
    }

    let mut seen = Vec::new();
    let mut path = "/v1/transfers?limit=2".to_owned();
    loop {
        let page: Value = app.get(&path, &p.officer.token).await.json().await.unwrap();
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/transfers?limit=2&cursor={cursor}"),
            None => break,
        }
    }

    assert_eq!(seen, submitted);
}
