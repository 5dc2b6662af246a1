//! Tết gift batches (api.md "Spending", ledger.md "Tết batch disbursed" and "settled"): the
//! lifecycle from proposal to settlement with its two entries, one gift per household per
//! campaign across the tree, idempotent delivery syncs, four eyes, reservations, the households
//! a unit may include, the C-02Q list, and batches of thousands of households in seconds.

use std::time::{Duration, Instant};

use reqwest::Response;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    assert_problem, cash_donation, spawn_app, TestApp, TestUser, COMMUNE, PROVINCE, RECEIVED_ON,
    SIBLING_COMMUNE,
};

/// The people of one unit's fund: an officer who proposes and records deliveries, an approver,
/// a finance officer.
struct Fund {
    unit: Uuid,
    officer: TestUser,
    approver: TestUser,
    accountant: TestUser,
}

async fn fund(app: &TestApp, code: &str) -> Fund {
    Fund {
        unit: app.unit_id(code).await,
        officer: app.user("officer", code).await,
        approver: app.user("approver", code).await,
        accountant: app.user("accountant", code).await,
    }
}

/// A Tết campaign of the unit `code`, opened by `token`; returns its id.
async fn tet_campaign(app: &TestApp, token: &str, code: &str, restricted: bool) -> String {
    let c = app.campaign_of_kind(token, code, "tet", restricted).await;
    c["id"].as_str().unwrap().to_owned()
}

/// A cash donation of `amount` to the campaign (its earmark when restricted).
async fn donate_to(app: &TestApp, token: &str, unit: Uuid, campaign: &str, amount: &str) {
    let mut body = cash_donation(unit, amount);
    body["campaign_id"] = json!(campaign);
    app.record_donation(token, &body).await;
}

/// `n` households registered in the commune `code`; their ids.
async fn households(app: &TestApp, officer: &str, code: &str, n: usize) -> Vec<String> {
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let h = app
            .household(officer, code, &format!("Nguyễn Văn Hộ {i}"))
            .await;
        ids.push(h["id"].as_str().unwrap().to_owned());
    }
    ids
}

fn batch_body(unit: Uuid, campaign: &str, households: &[String], cash: &str) -> Value {
    json!({"campaign_id": campaign, "unit_id": unit, "gift": {"cash_amount": cash},
           "household_ids": households, "method": "cash"})
}

async fn propose(app: &TestApp, token: &str, body: &Value) -> Value {
    let res = app.post("/v1/tet-batches", token, body).await;
    let status = res.status();
    let json: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "batch created: {json}");
    json
}

async fn act(app: &TestApp, token: &str, batch: &Value, action: &str, body: &Value) -> Response {
    app.post(
        &format!("/v1/tet-batches/{}/{action}", batch["id"].as_str().unwrap()),
        token,
        body,
    )
    .await
}

async fn ok(res: Response) -> Value {
    let status = res.status();
    let json: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{json}");
    json
}

fn deliveries(households: &[String], on: &str) -> Value {
    Value::Array(
        households
            .iter()
            .map(|h| json!({"household_id": h, "delivered_on": on, "ack": {"method": "signature"}}))
            .collect(),
    )
}

async fn balances(app: &TestApp, token: &str, unit: Uuid) -> Value {
    let res = app.get(&format!("/v1/units/{unit}/balances"), token).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// `(account_code, side, amount)` of each posting of a journal entry, sorted.
async fn postings(app: &TestApp, token: &str, entry: &Value) -> Vec<(String, String, String)> {
    let res = app
        .get(&format!("/v1/journal/{}", entry.as_str().unwrap()), token)
        .await;
    assert_eq!(res.status(), 200);
    let entry: Value = res.json().await.unwrap();
    let mut lines: Vec<_> = entry["postings"]
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

/// A commune fund with `amount` of unrestricted cash, a Tết campaign and `n` households.
async fn funded(app: &TestApp, amount: &str, n: usize) -> (Fund, String, Vec<String>) {
    let f = fund(app, COMMUNE).await;
    app.record_cash_donation(&f.officer.token, f.unit, amount)
        .await;
    let campaign = tet_campaign(app, &f.officer.token, COMMUNE, false).await;
    let hh = households(app, &f.officer.token, COMMUNE, n).await;
    (f, campaign, hh)
}

/// A batch of the households, approved and disbursed on 2026-11-02.
async fn disbursed(app: &TestApp, f: &Fund, campaign: &str, hh: &[String]) -> Value {
    let batch = propose(
        app,
        &f.officer.token,
        &batch_body(f.unit, campaign, hh, "500000"),
    )
    .await;
    ok(act(app, &f.approver.token, &batch, "approve", &json!({})).await).await;
    ok(act(
        app,
        &f.accountant.token,
        &batch,
        "disburse",
        &json!({"disbursed_on": "2026-11-02"}),
    )
    .await)
    .await
}

// ---------------------------------------------------------------- the lifecycle

#[tokio::test]
async fn a_batch_goes_from_proposal_to_settlement_returning_exactly_the_undelivered_gift() {
    // Arrange: 10,000,000 given to a restricted Tết campaign, three households
    let app = spawn_app().await;
    let f = fund(&app, COMMUNE).await;
    let campaign = tet_campaign(&app, &f.officer.token, COMMUNE, true).await;
    donate_to(&app, &f.officer.token, f.unit, &campaign, "10000000").await;
    let hh = households(&app, &f.officer.token, COMMUNE, 3).await;

    // Act: propose, approve, disburse, deliver two of three, close
    let res = app
        .post(
            "/v1/tet-batches",
            &f.officer.token,
            &batch_body(f.unit, &campaign, &hh, "500000"),
        )
        .await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let batch: Value = res.json().await.unwrap();
    assert_eq!(
        location,
        format!("/v1/tet-batches/{}", batch["id"].as_str().unwrap())
    );
    assert_eq!(batch["status"], "submitted");
    assert_eq!(batch["amount"], "1500000");
    assert_eq!(batch["earmark_id"], json!(campaign));
    assert_eq!(batch["pending_count"], 3);

    let approved = ok(act(&app, &f.approver.token, &batch, "approve", &json!({})).await).await;
    assert_eq!(approved["status"], "approved");
    let held = balances(&app, &f.accountant.token, f.unit).await;
    assert_eq!(held["restricted"][0]["balance"], "10000000");
    assert_eq!(held["restricted"][0]["available"], "8500000");

    let paid = ok(act(
        &app,
        &f.accountant.token,
        &batch,
        "disburse",
        &json!({"disbursed_on": "2026-11-02"}),
    )
    .await)
    .await;
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["disbursed_on"], "2026-11-02");
    assert_eq!(paid["disbursed_by"], json!(f.accountant.id));
    assert_eq!(
        postings(&app, &f.accountant.token, &paid["journal_entry_id"]).await,
        [
            line("1111", "credit", "1500000"),
            line("6121", "debit", "1500000")
        ]
    );

    let synced = ok(app
        .post(
            &format!(
                "/v1/tet-batches/{}/deliveries",
                batch["id"].as_str().unwrap()
            ),
            &f.officer.token,
            &deliveries(&hh[..2], "2026-11-03"),
        )
        .await)
    .await;
    assert_eq!(
        synced,
        json!({"delivered": 2, "already_recorded": 0, "pending": 1})
    );

    let closed = ok(act(
        &app,
        &f.accountant.token,
        &batch,
        "close",
        &json!({"closed_on": "2026-11-05"}),
    )
    .await)
    .await;

    // Assert: one gift came back to cash, with the campaign's earmark
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["returned_count"], 1);
    assert_eq!(closed["returned_amount"], "500000");
    assert_eq!(closed["delivered_amount"], "1000000");
    assert_eq!(
        postings(&app, &f.accountant.token, &closed["settlement_entry_id"]).await,
        [
            line("1111", "debit", "500000"),
            line("6121", "credit", "500000")
        ]
    );
    let after = balances(&app, &f.accountant.token, f.unit).await;
    assert_eq!(after["cash"], "9000000");
    assert_eq!(after["restricted"][0]["balance"], "9000000");
    assert_eq!(after["restricted"][0]["available"], "9000000");
    let view = ok(app
        .get(
            &format!("/v1/tet-batches/{}", batch["id"].as_str().unwrap()),
            &f.officer.token,
        )
        .await)
    .await;
    let statuses: Vec<&str> = view["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["delivered", "delivered", "returned"]);
    assert_eq!(view["recipients"][0]["household_id"], json!(hh[0]));
    assert_eq!(view["recipients"][0]["delivered_on"], "2026-11-03");
    assert_eq!(view["recipients"][0]["ack_method"], "signature");
    assert_eq!(view["recipients"][0]["head_name"], "Nguyễn Văn Hộ 0");
}

#[tokio::test]
async fn the_journal_shows_one_entry_for_the_batch_and_one_for_the_settlement() {
    let app = spawn_app().await;
    let (f, campaign, hh) = funded(&app, "5000000", 2).await;
    let batch = disbursed(&app, &f, &campaign, &hh).await;

    let closed = ok(act(&app, &f.accountant.token, &batch, "close", &json!({})).await).await;

    for (source_type, entry) in [
        ("tet_batch", &closed["journal_entry_id"]),
        ("tet_settlement", &closed["settlement_entry_id"]),
    ] {
        let page = ok(app
            .get(
                &format!("/v1/journal?unit_id={}&source_type={source_type}", f.unit),
                &f.accountant.token,
            )
            .await)
        .await;
        let ids: Vec<&Value> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["id"])
            .collect();
        assert_eq!(ids, [entry], "{source_type}");
    }
    assert_eq!(closed["returned_amount"], "1000000");
    assert_eq!(
        balances(&app, &f.accountant.token, f.unit).await["cash"],
        "5000000"
    );
}

#[tokio::test]
async fn closing_after_every_gift_was_delivered_posts_no_settlement() {
    let app = spawn_app().await;
    let (f, campaign, hh) = funded(&app, "5000000", 2).await;
    let batch = disbursed(&app, &f, &campaign, &hh).await;
    ok(app
        .post(
            &format!(
                "/v1/tet-batches/{}/deliveries",
                batch["id"].as_str().unwrap()
            ),
            &f.officer.token,
            &deliveries(&hh, "2026-11-03"),
        )
        .await)
    .await;

    let closed = ok(act(&app, &f.accountant.token, &batch, "close", &json!({})).await).await;

    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["settlement_entry_id"], Value::Null);
    assert_eq!(closed["returned_amount"], "0");
    assert_eq!(
        balances(&app, &f.accountant.token, f.unit).await["cash"],
        "4000000"
    );
}

#[tokio::test]
async fn a_gift_of_goods_only_draws_on_donated_goods() {
    // Arrange: 3 gift bags' worth of donated goods
    let app = spawn_app().await;
    let f = fund(&app, COMMUNE).await;
    app.record_donation(
        &f.officer.token,
        &json!({"unit_id": f.unit, "channel": "in_kind", "received_on": RECEIVED_ON,
                "in_kind_items": [{"description": "Gạo", "quantity": "300", "unit": "kg", "value": "900000"}],
                "donor": {"kind": "organization", "name": "Công ty A"}, "public_display": "name"}),
    )
    .await;
    let campaign = tet_campaign(&app, &f.officer.token, COMMUNE, false).await;
    let hh = households(&app, &f.officer.token, COMMUNE, 3).await;
    let batch = propose(
        &app,
        &f.officer.token,
        &json!({"campaign_id": campaign, "unit_id": f.unit, "method": "in_kind", "household_ids": hh,
                "gift": {"cash_amount": "0", "in_kind_description": "10 kg gạo", "in_kind_value": "300000"}}),
    )
    .await;
    ok(act(&app, &f.approver.token, &batch, "approve", &json!({})).await).await;

    // Act
    let paid = ok(act(&app, &f.accountant.token, &batch, "disburse", &json!({})).await).await;

    // Assert
    assert_eq!(
        postings(&app, &f.accountant.token, &paid["journal_entry_id"]).await,
        [
            line("1551", "credit", "900000"),
            line("6121", "debit", "900000")
        ]
    );
    assert_eq!(
        balances(&app, &f.accountant.token, f.unit).await["in_kind"],
        "0"
    );
}

// ---------------------------------------------------------------- one gift per campaign

/// A province Tết campaign; a commune batch holding `first`; the province's officer.
async fn province_campaign_with_commune_batch(
    app: &TestApp,
) -> (Fund, TestUser, String, Value, Vec<String>) {
    let commune = fund(app, COMMUNE).await;
    let province_officer = app.user("officer", PROVINCE).await;
    let campaign = tet_campaign(app, &province_officer.token, PROVINCE, false).await;
    let hh = households(app, &commune.officer.token, COMMUNE, 2).await;
    let batch = propose(
        app,
        &commune.officer.token,
        &batch_body(commune.unit, &campaign, &hh[..1], "500000"),
    )
    .await;
    (commune, province_officer, campaign, batch, hh)
}

#[tokio::test]
async fn a_household_with_a_gift_from_another_units_batch_of_the_campaign_is_refused() {
    let app = spawn_app().await;
    let (_, province_officer, campaign, _, hh) = province_campaign_with_commune_batch(&app).await;
    let province = app.unit_id(PROVINCE).await;

    let res = app
        .post(
            "/v1/tet-batches",
            &province_officer.token,
            &batch_body(
                province,
                &campaign,
                &[hh[1].clone(), hh[0].clone()],
                "300000",
            ),
        )
        .await;

    let problem = assert_problem(res, 409, "household_already_received").await;
    assert_eq!(problem["household_ids"], json!([hh[0]]));
}

#[tokio::test]
async fn two_batches_racing_for_one_household_give_it_to_one_and_name_it_to_the_other() {
    let app = spawn_app().await;
    let commune = fund(&app, COMMUNE).await;
    let province_officer = app.user("officer", PROVINCE).await;
    let campaign = tet_campaign(&app, &province_officer.token, PROVINCE, false).await;
    let province = app.unit_id(PROVINCE).await;
    // several rounds: whether the loser sees the winner at its check or only at its insert, the
    // answer is the same
    for _ in 0..5 {
        let hh = households(&app, &commune.officer.token, COMMUNE, 2).await;
        let commune_body = batch_body(commune.unit, &campaign, &hh[..1], "500000");
        let province_body = batch_body(
            province,
            &campaign,
            &[hh[1].clone(), hh[0].clone()],
            "300000",
        );
        let (a, b) = tokio::join!(
            app.post("/v1/tet-batches", &commune.officer.token, &commune_body),
            app.post("/v1/tet-batches", &province_officer.token, &province_body),
        );
        let (won, lost) = match (a.status().as_u16(), b.status().as_u16()) {
            (201, 409) => (a, b),
            (409, 201) => (b, a),
            other => panic!("expected one 201 and one 409, got {other:?}"),
        };
        let winner: Value = won.json().await.unwrap();
        let problem = assert_problem(lost, 409, "household_already_received").await;
        assert_eq!(problem["household_ids"], json!([hh[0]]), "winner {winner}");
    }
    let batches: i64 = app
        .sql()
        .await
        .query_one("SELECT count(*) FROM tet_batches", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(batches, 5, "the losing batches left nothing behind");
}

#[tokio::test]
async fn a_household_taken_by_a_batch_committed_after_the_check_is_named_too() {
    let app = spawn_app().await;
    let (_, province_officer, campaign, first, hh) =
        province_campaign_with_commune_batch(&app).await;
    let province = app.unit_id(PROVINCE).await;
    // another batch holding hh[1], made in a transaction still open when the request checks
    let mut db = app.sql().await;
    let tx = db.transaction().await.unwrap();
    tx.batch_execute(&format!(
        "CREATE TEMP TABLE copy AS SELECT * FROM tet_batches WHERE id = '{first}';
         UPDATE copy SET id = gen_random_uuid();
         INSERT INTO tet_batches SELECT * FROM copy;
         INSERT INTO tet_batch_recipients (batch_id, household_id, campaign_id, position)
              SELECT id, '{hh1}', '{campaign}', 1 FROM copy;",
        first = first["id"].as_str().unwrap(),
        hh1 = hh[1],
    ))
    .await
    .unwrap();
    let request = {
        let (app, token) = (&app, &province_officer.token);
        let body = batch_body(province, &campaign, &[hh[1].clone()], "300000");
        async move { app.post("/v1/tet-batches", token, &body).await }
    };
    let commit = async {
        // the request's insert waits on the open transaction's row, then finds it taken
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        tx.commit().await.unwrap();
    };
    let (res, ()) = tokio::join!(request, commit);

    let problem = assert_problem(res, 409, "household_already_received").await;
    assert_eq!(problem["household_ids"], json!([hh[1]]));
}

#[tokio::test]
async fn after_the_first_batch_is_rejected_its_households_can_be_included_again() {
    let app = spawn_app().await;
    let (commune, province_officer, campaign, first, hh) =
        province_campaign_with_commune_batch(&app).await;
    let rejected = ok(act(
        &app,
        &commune.approver.token,
        &first,
        "reject",
        &json!({"reason": "Danh sách chưa đúng"}),
    )
    .await)
    .await;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["withdrawn_count"], 1);
    let province = app.unit_id(PROVINCE).await;

    let again = propose(
        &app,
        &province_officer.token,
        &batch_body(
            province,
            &campaign,
            &[hh[1].clone(), hh[0].clone()],
            "300000",
        ),
    )
    .await;

    assert_eq!(again["household_count"], 2);
    assert_eq!(again["amount"], "600000");
}

#[tokio::test]
async fn a_household_cannot_be_listed_twice_in_one_batch() {
    let app = spawn_app().await;
    let (f, campaign, hh) = funded(&app, "1000000", 1).await;

    let res = app
        .post(
            "/v1/tet-batches",
            &f.officer.token,
            &batch_body(f.unit, &campaign, &[hh[0].clone(), hh[0].clone()], "500000"),
        )
        .await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "household_ids[1]");
}

// ---------------------------------------------------------------- deliveries

#[tokio::test]
async fn a_delivery_sync_sent_twice_records_each_household_once() {
    let app = spawn_app().await;
    let (f, campaign, hh) = funded(&app, "5000000", 3).await;
    let batch = disbursed(&app, &f, &campaign, &hh).await;
    let path = format!(
        "/v1/tet-batches/{}/deliveries",
        batch["id"].as_str().unwrap()
    );
    let first = ok(app
        .post(&path, &f.officer.token, &deliveries(&hh[..2], "2026-11-03"))
        .await)
    .await;
    assert_eq!(
        first,
        json!({"delivered": 2, "already_recorded": 0, "pending": 1})
    );

    // the same households again, with another date: the first record stands
    let second = ok(app
        .post(&path, &f.officer.token, &deliveries(&hh[..2], "2026-11-04"))
        .await)
    .await;

    assert_eq!(
        second,
        json!({"delivered": 0, "already_recorded": 2, "pending": 1})
    );
    let view = ok(app
        .get(
            &format!("/v1/tet-batches/{}", batch["id"].as_str().unwrap()),
            &f.officer.token,
        )
        .await)
    .await;
    assert_eq!(view["delivered_count"], 2);
    assert_eq!(view["recipients"][0]["delivered_on"], "2026-11-03");
    let events = app
        .sql()
        .await
        .query_one(
            "SELECT count(*) FROM audit_events WHERE action = 'tet_batch.deliveries' AND target_id = $1",
            &[&batch["id"].as_str().unwrap().parse::<Uuid>().unwrap()],
        )
        .await
        .unwrap()
        .get::<_, i64>(0);
    assert_eq!(events, 2);
}

#[tokio::test]
async fn deliveries_before_disbursement_are_refused_as_invalid_state() {
    let app = spawn_app().await;
    let (f, campaign, hh) = funded(&app, "5000000", 1).await;
    let batch = propose(
        &app,
        &f.officer.token,
        &batch_body(f.unit, &campaign, &hh, "500000"),
    )
    .await;
    ok(act(&app, &f.approver.token, &batch, "approve", &json!({})).await).await;

    let res = app
        .post(
            &format!(
                "/v1/tet-batches/{}/deliveries",
                batch["id"].as_str().unwrap()
            ),
            &f.officer.token,
            &deliveries(&hh, "2026-11-03"),
        )
        .await;

    assert_problem(res, 409, "invalid_state").await;
}

#[tokio::test]
async fn deliveries_name_households_outside_the_batch_and_bad_acknowledgements() {
    let app = spawn_app().await;
    let (f, campaign, hh) = funded(&app, "5000000", 2).await;
    let batch = disbursed(&app, &f, &campaign, &hh[..1]).await;
    let path = format!(
        "/v1/tet-batches/{}/deliveries",
        batch["id"].as_str().unwrap()
    );

    let outsider = app
        .post(
            &path,
            &f.officer.token,
            &deliveries(&[hh[0].clone(), hh[1].clone()], "2026-11-03"),
        )
        .await;
    let before_disbursement = app
        .post(&path, &f.officer.token, &deliveries(&hh[..1], "2026-11-01"))
        .await;
    let no_witness = app
        .post(
            &path,
            &f.officer.token,
            &json!([{"household_id": hh[0], "delivered_on": "2026-11-03", "ack": {"method": "witness"}}]),
        )
        .await;

    let problem = assert_problem(outsider, 422, "validation_failed").await;
    assert_eq!(problem["errors"].as_array().unwrap().len(), 1);
    assert_eq!(problem["errors"][0]["field"], "[1].household_id");
    let problem = assert_problem(before_disbursement, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "[0].delivered_on");
    let problem = assert_problem(no_witness, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "[0].ack.witness_name");
    // nothing was recorded by the refused syncs
    let view = ok(app
        .get(
            &format!("/v1/tet-batches/{}", batch["id"].as_str().unwrap()),
            &f.officer.token,
        )
        .await)
    .await;
    assert_eq!(view["pending_count"], 1);
}

// ---------------------------------------------------------------- four eyes and money

#[tokio::test]
async fn the_submitter_cannot_approve_their_own_batch() {
    let app = spawn_app().await;
    let (f, campaign, hh) = funded(&app, "5000000", 1).await;
    let both = app
        .user_with_roles(&[("officer", COMMUNE), ("approver", COMMUNE)])
        .await;
    let batch = propose(
        &app,
        &both.token,
        &batch_body(f.unit, &campaign, &hh, "500000"),
    )
    .await;

    let res = act(&app, &both.token, &batch, "approve", &json!({})).await;

    assert_problem(res, 403, "same_person").await;
}

#[tokio::test]
async fn a_batch_answers_scope_role_submitter_then_state_in_every_state() {
    let app = spawn_app().await;
    let (f, campaign, hh) = funded(&app, "5000000", 1).await;
    let both = app
        .user_with_roles(&[("officer", COMMUNE), ("approver", COMMUNE)])
        .await;
    let outsider = app.user("approver", SIBLING_COMMUNE).await;
    let batch = propose(
        &app,
        &both.token,
        &batch_body(f.unit, &campaign, &hh, "500000"),
    )
    .await;

    // before, a Tết batch answered the submitter's second decision with 409 invalid_state
    crate::four_eyes::the_decision_order_holds(crate::four_eyes::Decidable {
        app: &app,
        item: format!("/v1/tet-batches/{}", batch["id"].as_str().unwrap()),
        actions: &["approve", "reject", "cancel"],
        submitter: &both,
        approver: &f.approver,
        no_approver: &f.officer,
        outsider: &outsider,
    })
    .await;
}

#[tokio::test]
async fn approval_beyond_the_fund_is_refused_with_insufficient_funds() {
    let app = spawn_app().await;
    let (f, campaign, hh) = funded(&app, "1000000", 3).await;
    let batch = propose(
        &app,
        &f.officer.token,
        &batch_body(f.unit, &campaign, &hh, "500000"),
    )
    .await;

    let res = act(&app, &f.approver.token, &batch, "approve", &json!({})).await;

    assert_problem(res, 409, "insufficient_funds").await;
    let view = ok(app
        .get(
            &format!("/v1/tet-batches/{}", batch["id"].as_str().unwrap()),
            &f.officer.token,
        )
        .await)
    .await;
    assert_eq!(view["status"], "submitted");
}

#[tokio::test]
async fn cancelling_an_approved_batch_releases_its_reservation_and_its_households() {
    let app = spawn_app().await;
    let (f, campaign, hh) = funded(&app, "1000000", 2).await;
    let batch = propose(
        &app,
        &f.officer.token,
        &batch_body(f.unit, &campaign, &hh, "500000"),
    )
    .await;
    ok(act(&app, &f.approver.token, &batch, "approve", &json!({})).await).await;
    assert_eq!(
        balances(&app, &f.accountant.token, f.unit).await["available_unrestricted"],
        "0"
    );

    let cancelled = ok(act(&app, &f.approver.token, &batch, "cancel", &json!({})).await).await;

    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(
        balances(&app, &f.accountant.token, f.unit).await["available_unrestricted"],
        "1000000"
    );
    propose(
        &app,
        &f.officer.token,
        &batch_body(f.unit, &campaign, &hh, "500000"),
    )
    .await;
}

#[tokio::test]
async fn steps_out_of_order_are_invalid_state_and_a_decision_needs_no_body() {
    let app = spawn_app().await;
    let (f, campaign, hh) = funded(&app, "5000000", 1).await;
    let batch = propose(
        &app,
        &f.officer.token,
        &batch_body(f.unit, &campaign, &hh, "500000"),
    )
    .await;
    let id = batch["id"].as_str().unwrap();

    let early_disburse = act(&app, &f.accountant.token, &batch, "disburse", &json!({})).await;
    let early_close = act(&app, &f.accountant.token, &batch, "close", &json!({})).await;
    let bodiless = app
        .client
        .post(app.url(&format!("/v1/tet-batches/{id}/approve")))
        .bearer_auth(&f.approver.token)
        .send()
        .await
        .unwrap();
    let twice = act(&app, &f.approver.token, &batch, "approve", &json!({})).await;

    assert_problem(early_disburse, 409, "invalid_state").await;
    assert_problem(early_close, 409, "invalid_state").await;
    assert_eq!(ok(bodiless).await["status"], "approved");
    assert_problem(twice, 409, "invalid_state").await;
}

#[tokio::test]
async fn a_decision_with_an_unknown_field_is_refused() {
    let app = spawn_app().await;
    let (f, campaign, hh) = funded(&app, "5000000", 1).await;
    let batch = propose(
        &app,
        &f.officer.token,
        &batch_body(f.unit, &campaign, &hh, "500000"),
    )
    .await;

    let res = act(
        &app,
        &f.approver.token,
        &batch,
        "approve",
        &json!({"note": "ok"}),
    )
    .await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "note");
}

#[tokio::test]
async fn a_disbursement_retried_with_its_key_posts_once() {
    let app = spawn_app().await;
    let (f, campaign, hh) = funded(&app, "5000000", 2).await;
    let batch = propose(
        &app,
        &f.officer.token,
        &batch_body(f.unit, &campaign, &hh, "500000"),
    )
    .await;
    ok(act(&app, &f.approver.token, &batch, "approve", &json!({})).await).await;
    let path = format!("/v1/tet-batches/{}/disburse", batch["id"].as_str().unwrap());

    let first = app
        .post_with_key(&path, &f.accountant.token, "disburse-1", &json!({}))
        .await;
    let retry = app
        .post_with_key(&path, &f.accountant.token, "disburse-1", &json!({}))
        .await;

    assert_eq!(first.status(), 200);
    assert_eq!(retry.status(), 200);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    let (a, b): (Value, Value) = (first.json().await.unwrap(), retry.json().await.unwrap());
    assert_eq!(a["journal_entry_id"], b["journal_entry_id"]);
    assert_eq!(
        balances(&app, &f.accountant.token, f.unit).await["cash"],
        "4000000"
    );
}

// ---------------------------------------------------------------- what a batch may hold

#[tokio::test]
async fn a_campaign_that_is_not_for_tet_is_refused() {
    let app = spawn_app().await;
    let (f, _, hh) = funded(&app, "1000000", 1).await;
    let general = app
        .campaign_of_kind(&f.officer.token, COMMUNE, "general", false)
        .await;

    let res = app
        .post(
            "/v1/tet-batches",
            &f.officer.token,
            &batch_body(f.unit, general["id"].as_str().unwrap(), &hh, "500000"),
        )
        .await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "campaign_id");
}

#[tokio::test]
async fn a_household_of_the_sibling_commune_is_reported_like_one_that_does_not_exist() {
    let app = spawn_app().await;
    let (f, campaign, hh) = funded(&app, "1000000", 1).await;
    let sibling_officer = app.user("officer", SIBLING_COMMUNE).await;
    let sibling = households(&app, &sibling_officer.token, SIBLING_COMMUNE, 1).await;
    let unknown = Uuid::now_v7().to_string();

    let res = app
        .post(
            "/v1/tet-batches",
            &f.officer.token,
            &batch_body(
                f.unit,
                &campaign,
                &[hh[0].clone(), sibling[0].clone(), unknown],
                "500000",
            ),
        )
        .await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    let errors = problem["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0]["field"], "household_ids[1]");
    assert_eq!(errors[1]["field"], "household_ids[2]");
    assert_eq!(errors[0]["message"], errors[1]["message"]);
    assert!(!problem.to_string().contains(&sibling[0]));
}

#[tokio::test]
async fn bad_gifts_are_refused_with_the_field_named() {
    let app = spawn_app().await;
    let (f, campaign, hh) = funded(&app, "1000000", 1).await;
    let cases = [
        (json!({"cash_amount": "0"}), "cash", "gift.cash_amount"),
        (json!({"cash_amount": 500000}), "cash", "gift.cash_amount"),
        (
            json!({"cash_amount": "500000", "in_kind_value": "100000"}),
            "cash",
            "gift.in_kind_description",
        ),
        (json!({"cash_amount": "500000"}), "in_kind", "method"),
        (json!({"cash_amount": "500000"}), "bank", "bank_account_id"),
    ];
    for (gift, method, field) in cases {
        let res = app
            .post(
                "/v1/tet-batches",
                &f.officer.token,
                &json!({"campaign_id": campaign, "unit_id": f.unit, "gift": gift,
                        "household_ids": hh, "method": method}),
            )
            .await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{gift} {method}");
    }
}

// ---------------------------------------------------------------- who may do what

#[tokio::test]
async fn an_approver_cannot_create_a_batch() {
    let app = spawn_app().await;
    let (f, campaign, hh) = funded(&app, "1000000", 1).await;

    let res = app
        .post(
            "/v1/tet-batches",
            &f.approver.token,
            &batch_body(f.unit, &campaign, &hh, "500000"),
        )
        .await;

    assert_problem(res, 403, "forbidden").await;
}

#[tokio::test]
async fn a_batch_outside_the_scope_does_not_exist_and_names_need_the_personal_right() {
    let app = spawn_app().await;
    let (f, campaign, hh) = funded(&app, "1000000", 1).await;
    let batch = propose(
        &app,
        &f.officer.token,
        &batch_body(f.unit, &campaign, &hh, "500000"),
    )
    .await;
    let id = batch["id"].as_str().unwrap();
    let outsider = app.user("officer", SIBLING_COMMUNE).await;

    let hidden = app
        .get(&format!("/v1/tet-batches/{id}"), &outsider.token)
        .await;
    let listed = ok(app.get("/v1/tet-batches", &outsider.token).await).await;
    let as_approver = ok(app
        .get(&format!("/v1/tet-batches/{id}"), &f.approver.token)
        .await)
    .await;
    let csv = app
        .get(
            &format!("/v1/tet-batches/{id}/recipients.csv"),
            &f.approver.token,
        )
        .await;

    assert_problem(hidden, 404, "not_found").await;
    assert_eq!(listed["items"], json!([]));
    assert!(as_approver["recipients"][0].get("head_name").is_none());
    assert_eq!(as_approver["recipients"][0]["village"], "Thôn Nà Pàn");
    assert_problem(csv, 403, "forbidden").await;
}

#[tokio::test]
async fn the_list_filters_by_unit_campaign_and_status() {
    let app = spawn_app().await;
    let (f, campaign, hh) = funded(&app, "5000000", 2).await;
    let first = propose(
        &app,
        &f.officer.token,
        &batch_body(f.unit, &campaign, &hh[..1], "500000"),
    )
    .await;
    let second = propose(
        &app,
        &f.officer.token,
        &batch_body(f.unit, &campaign, &hh[1..], "500000"),
    )
    .await;
    ok(act(&app, &f.approver.token, &second, "approve", &json!({})).await).await;

    let all = ok(app
        .get(
            &format!("/v1/tet-batches?unit_id={}&campaign_id={campaign}", f.unit),
            &f.officer.token,
        )
        .await)
    .await;
    let approved = ok(app
        .get("/v1/tet-batches?status=approved", &f.officer.token)
        .await)
    .await;
    let paged = ok(app.get("/v1/tet-batches?limit=1", &f.officer.token).await).await;

    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    assert!(all["items"][0].get("recipients").is_none());
    assert_eq!(approved["items"].as_array().unwrap().len(), 1);
    assert_eq!(approved["items"][0]["id"], second["id"]);
    assert_eq!(paged["items"][0]["id"], first["id"]);
    assert!(paged["next_cursor"].is_string());
}

// ---------------------------------------------------------------- the C-02Q list

#[tokio::test]
async fn the_recipients_csv_has_the_header_one_line_per_household_and_the_total() {
    let app = spawn_app().await;
    let (f, campaign, mut hh) = funded(&app, "5000000", 2).await;
    // a name with a comma and one that looks like a formula
    hh.push(
        app.household(&f.officer.token, COMMUNE, "=HYPERLINK(\"x\"), Lò Văn B")
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned(),
    );
    let batch = disbursed(&app, &f, &campaign, &hh).await;
    ok(app
        .post(
            &format!(
                "/v1/tet-batches/{}/deliveries",
                batch["id"].as_str().unwrap()
            ),
            &f.officer.token,
            &deliveries(&hh[..1], "2026-11-03"),
        )
        .await)
    .await;

    let res = app
        .get(
            &format!(
                "/v1/tet-batches/{}/recipients.csv",
                batch["id"].as_str().unwrap()
            ),
            &f.officer.token,
        )
        .await;

    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let text = res.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.contains(&"DANH SÁCH CHI TIỀN CHO NGƯỜI NGHÈO – TẾT"));
    let header = lines
        .iter()
        .position(|l| {
            *l == "STT,Họ và tên chủ hộ,Thôn/xóm,CCCD (4 số cuối),Số tiền,Hiện vật,Ngày nhận,Hình thức xác nhận,Ký nhận"
        })
        .expect("the header line");
    let rows = &lines[header + 1..header + 4];
    assert!(rows[0].starts_with("1,Nguyễn Văn Hộ 0,Thôn Nà Pàn,"));
    assert!(rows[0].contains(",500000,,03/11/2026,Ký nhận,"));
    assert!(rows[1].starts_with("2,Nguyễn Văn Hộ 1,"));
    assert!(rows[2].starts_with("3,\"'=HYPERLINK(\"\"x\"\"), Lò Văn B\",Thôn Nà Pàn,"));
    assert_eq!(lines[header + 4], ",Tổng cộng: 3 hộ,,,1500000,,,,");
    assert!(text.contains("Người lập biểu"));
    assert!(text.contains("Thủ trưởng đơn vị"));
}

// ---------------------------------------------------------------- scale

/// Registers `n` households in the commune straight in the database (the registry has its
/// own tests); their ids.
async fn many_households(app: &TestApp, code: &str, n: i32) -> Vec<String> {
    let unit = app.unit_id(code).await;
    app.sql()
        .await
        .query(
            "INSERT INTO households (unit_id, head_name, name_key, village, village_key, \
                 national_id_hmac, national_id_last4, address, members, status, status_year) \
             SELECT $1, 'Hộ ' || g, 'ho ' || g, 'Thôn Nà Pàn', 'thon na pan', \
                 decode(md5(random()::text) || md5(random()::text), 'hex'), \
                 lpad((g % 10000)::text, 4, '0'), 'Thôn Nà Pàn', 4, 'poor', 2026 \
               FROM generate_series(1, $2) g RETURNING id",
            &[&unit, &n],
        )
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.get::<_, Uuid>(0).to_string())
        .collect()
}

#[tokio::test]
async fn a_batch_of_5000_households_is_created_approved_disbursed_delivered_and_closed_in_seconds()
{
    let app = spawn_app().await;
    let f = fund(&app, COMMUNE).await;
    app.record_cash_donation(&f.officer.token, f.unit, "5000000000")
        .await;
    let campaign = tet_campaign(&app, &f.officer.token, COMMUNE, false).await;
    let hh = many_households(&app, COMMUNE, 5000).await;
    let limit = Duration::from_secs(5);

    let t = Instant::now();
    let batch = propose(
        &app,
        &f.officer.token,
        &batch_body(f.unit, &campaign, &hh, "500000"),
    )
    .await;
    assert!(t.elapsed() < limit, "create took {:?}", t.elapsed());
    let t = Instant::now();
    ok(act(&app, &f.approver.token, &batch, "approve", &json!({})).await).await;
    assert!(t.elapsed() < limit, "approve took {:?}", t.elapsed());
    let t = Instant::now();
    ok(act(
        &app,
        &f.accountant.token,
        &batch,
        "disburse",
        &json!({"disbursed_on": "2026-11-02"}),
    )
    .await)
    .await;
    assert!(t.elapsed() < limit, "disburse took {:?}", t.elapsed());
    let t = Instant::now();
    let synced = ok(app
        .post(
            &format!(
                "/v1/tet-batches/{}/deliveries",
                batch["id"].as_str().unwrap()
            ),
            &f.officer.token,
            &deliveries(&hh[..4990], "2026-11-03"),
        )
        .await)
    .await;
    assert!(t.elapsed() < limit, "deliveries took {:?}", t.elapsed());
    let t = Instant::now();
    let closed = ok(act(&app, &f.accountant.token, &batch, "close", &json!({})).await).await;
    assert!(t.elapsed() < limit, "close took {:?}", t.elapsed());
    let t = Instant::now();
    let csv = app
        .get(
            &format!(
                "/v1/tet-batches/{}/recipients.csv",
                batch["id"].as_str().unwrap()
            ),
            &f.officer.token,
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(t.elapsed() < limit, "the list took {:?}", t.elapsed());

    assert_eq!(batch["amount"], "2500000000");
    assert_eq!(
        synced,
        json!({"delivered": 4990, "already_recorded": 0, "pending": 10})
    );
    assert_eq!(closed["returned_amount"], "5000000");
    assert_eq!(
        balances(&app, &f.accountant.token, f.unit).await["cash"],
        "2505000000"
    );
    assert!(csv.contains(",Tổng cộng: 5000 hộ,,,2500000000,"));
}
