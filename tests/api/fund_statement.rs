//! The fund statement (api.md "Reports"): opening and closing balances of money and goods,
//! receipts by channel and campaign net of voids, spending by category net of settlements,
//! transfers, money in transit, the consolidated view that eliminates transfers inside the
//! subtree, and `other_movements` that makes the statement add up.

use reqwest::Response;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    assert_problem, cash_donation, spawn_app, today, TestApp, TestUser, COMMUNE, PROVINCE,
    RECEIVED_ON, SIBLING_COMMUNE,
};

/// From March 2026 to today: voids are posted on the day they are made, so the period must
/// reach the test clock's today.
const FROM: &str = "2026-03-01";

fn to() -> String {
    today().to_string()
}

struct Fund {
    unit: Uuid,
    officer: TestUser,
    approver: TestUser,
    accountant: TestUser,
    bank: Value,
}

async fn fund(app: &TestApp, code: &str) -> Fund {
    let accountant = app.user("accountant", code).await;
    let bank = app.bank_account(code, &accountant.token).await;
    Fund {
        unit: app.unit_id(code).await,
        officer: app.user("officer", code).await,
        approver: app.user("approver", code).await,
        accountant,
        bank,
    }
}

async fn ok(res: Response) -> Value {
    let status = res.status();
    let json: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{json}");
    json
}

async fn statement(
    app: &TestApp,
    token: &str,
    unit: Uuid,
    from: &str,
    to: &str,
    consolidated: bool,
) -> Value {
    ok(app
        .get(
            &format!(
                "/v1/units/{unit}/reports/fund-statement?from={from}&to={to}&consolidated={consolidated}"
            ),
            token,
        )
        .await)
    .await
}

async fn bank_donation(app: &TestApp, f: &Fund, amount: &str) {
    app.record_donation(
        &f.officer.token,
        &json!({"unit_id": f.unit, "channel": "bank_transfer", "amount": amount,
                "received_on": RECEIVED_ON, "bank_account_id": f.bank["id"],
                "donor": {"kind": "organization", "name": "Công ty TNHH Ánh Dương"},
                "public_display": "name"}),
    )
    .await;
}

/// A commune fund with, before 2026-03-01, 1,000,000 in cash; then on 2026-03-10 5,000,000 cash
/// to a Tết campaign, 2,000,000 by bank, 3,500,000 of goods and 400,000 cash voided; a medical
/// grant of 2,000,000 paid; a Tết batch of three 500,000 gifts disbursed, one returned.
/// Returns the fund and the campaign.
async fn commune_year(app: &TestApp) -> (Fund, Value) {
    let f = fund(app, COMMUNE).await;
    let token = f.officer.token.clone();
    let mut early = cash_donation(f.unit, "1000000");
    early["received_on"] = json!("2026-02-01");
    app.record_donation(&token, &early).await;

    let tet = app.campaign_of_kind(&token, COMMUNE, "tet", false).await;
    let mut to_tet = cash_donation(f.unit, "5000000");
    to_tet["campaign_id"] = tet["id"].clone();
    app.record_donation(&token, &to_tet).await;
    bank_donation(app, &f, "2000000").await;
    app.record_donation(
        &token,
        &json!({"unit_id": f.unit, "channel": "in_kind", "received_on": RECEIVED_ON,
                "in_kind_items": [
                    {"description": "Gạo tẻ", "quantity": "50", "unit": "kg", "value": "1000000"},
                    {"description": "Chăn bông", "quantity": "10", "unit": "chiếc", "value": "2500000"}
                ],
                "donor": {"kind": "organization", "name": "Hợp tác xã Đồng Tâm"}, "public_display": "name"}),
    )
    .await;
    let wrong = app.record_cash_donation(&token, f.unit, "400000").await;
    let res = app
        .post(
            &format!("/v1/donations/{}/void", wrong["id"].as_str().unwrap()),
            &f.accountant.token,
            &json!({"reason": "nhập trùng"}),
        )
        .await;
    assert_eq!(res.status(), 200, "voided");

    // a medical grant, paid
    let res = app
        .post(
            "/v1/disbursements",
            &token,
            &json!({"unit_id": f.unit, "category": "medical", "amount": "2000000", "method": "cash",
                    "description": "Hỗ trợ viện phí"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let grant: Value = res.json().await.unwrap();
    let id = grant["id"].as_str().unwrap();
    ok(app
        .post(
            &format!("/v1/disbursements/{id}/approve"),
            &f.approver.token,
            &json!({}),
        )
        .await)
    .await;
    ok(app
        .post(
            &format!("/v1/disbursements/{id}/pay"),
            &f.accountant.token,
            &json!({"paid_on": "2026-03-20"}),
        )
        .await)
    .await;

    // a Tết batch of three gifts, two delivered, settled
    let mut hh = Vec::new();
    for i in 0..3 {
        let h = app
            .household(&token, COMMUNE, &format!("Nguyễn Văn Hộ {i}"))
            .await;
        hh.push(h["id"].as_str().unwrap().to_owned());
    }
    let res = app
        .post(
            "/v1/tet-batches",
            &token,
            &json!({"campaign_id": tet["id"], "unit_id": f.unit, "gift": {"cash_amount": "500000"},
                    "household_ids": hh, "method": "cash"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let batch: Value = res.json().await.unwrap();
    let path = format!("/v1/tet-batches/{}", batch["id"].as_str().unwrap());
    ok(app
        .post(&format!("{path}/approve"), &f.approver.token, &json!({}))
        .await)
    .await;
    ok(app
        .post(
            &format!("{path}/disburse"),
            &f.accountant.token,
            &json!({"disbursed_on": "2026-11-02"}),
        )
        .await)
    .await;
    let delivered: Vec<Value> = hh[..2]
        .iter()
        .map(|h| json!({"household_id": h, "delivered_on": "2026-11-03", "ack": {"method": "signature"}}))
        .collect();
    ok(app
        .post(&format!("{path}/deliveries"), &token, &json!(delivered))
        .await)
    .await;
    ok(app
        .post(
            &format!("{path}/close"),
            &f.accountant.token,
            &json!({"closed_on": "2026-11-05"}),
        )
        .await)
    .await;
    (f, tet)
}

// ---------------------------------------------------------------- one fund

#[tokio::test]
async fn the_statement_of_a_year_shows_each_movement_and_adds_up() {
    let app = spawn_app().await;
    let (f, tet) = commune_year(&app).await;

    let s = statement(&app, &f.accountant.token, f.unit, FROM, &to(), false).await;

    assert_eq!(
        (&s["unit_id"], &s["from"], &s["to"], &s["consolidated"]),
        (&json!(f.unit), &json!(FROM), &json!(to()), &json!(false))
    );
    assert_eq!(s["opening_balance"], "1000000");
    assert_eq!(
        s["receipts"],
        json!({"total": "10500000",
        "by_channel": {"cash": "5000000", "bank_transfer": "2000000", "in_kind": "3500000"},
        "by_campaign": [
            {"campaign_id": tet["id"], "name": tet["name"], "amount": "5000000"},
            {"campaign_id": null, "name": null, "amount": "5500000"}
        ]})
    );
    assert_eq!(s["other_income"], "0");
    assert_eq!(s["spending"]["total"], "3000000");
    assert_eq!(s["spending"]["by_category"]["medical"], "2000000");
    // 1,500,000 disbursed, 500,000 returned at settlement
    assert_eq!(s["spending"]["by_category"]["tet_gifts"], "1000000");
    assert_eq!(s["spending"]["by_category"]["houses_new"], "0");
    assert_eq!(
        (&s["transfers_in"], &s["transfers_out"], &s["in_transit"]),
        (&json!("0"), &json!("0"), &json!("0"))
    );
    assert_eq!(s["other_movements"], "0");
    assert_eq!(s["closing_balance"], "8500000");
}

#[tokio::test]
async fn donations_before_the_period_are_in_the_opening_balance() {
    let app = spawn_app().await;
    let f = fund(&app, COMMUNE).await;
    app.record_cash_donation(&f.officer.token, f.unit, "700000")
        .await;
    let mut later = cash_donation(f.unit, "300000");
    later["received_on"] = json!("2026-04-02");
    app.record_donation(&f.officer.token, &later).await;

    let s = statement(
        &app,
        &f.accountant.token,
        f.unit,
        "2026-04-01",
        "2026-04-30",
        false,
    )
    .await;
    let before = statement(
        &app,
        &f.accountant.token,
        f.unit,
        "2026-01-01",
        "2026-03-31",
        false,
    )
    .await;

    assert_eq!(
        (
            &s["opening_balance"],
            &s["receipts"]["total"],
            &s["closing_balance"]
        ),
        (&json!("700000"), &json!("300000"), &json!("1000000"))
    );
    assert_eq!(
        (
            &before["opening_balance"],
            &before["receipts"]["total"],
            &before["closing_balance"]
        ),
        (&json!("0"), &json!("700000"), &json!("700000"))
    );
    assert_eq!(s["other_movements"], "0");
}

#[tokio::test]
async fn a_manual_entry_shows_in_other_movements() {
    let app = spawn_app().await;
    let f = fund(&app, COMMUNE).await;
    app.record_cash_donation(&f.officer.token, f.unit, "1000000")
        .await;
    let res = app
        .post(
            "/v1/journal",
            &f.accountant.token,
            &json!({"unit_id": f.unit, "effective_date": "2026-03-12",
            "description": "Điều chỉnh thủ công", "reason": "Ghi bổ sung theo biên bản kiểm kê",
            "postings": [
                {"account_code": "1111", "side": "debit", "amount": "300000"},
                {"account_code": "5111", "side": "credit", "amount": "300000"}
            ]}),
        )
        .await;
    assert_eq!(res.status(), 201, "manual entry posted");

    let s = statement(&app, &f.accountant.token, f.unit, FROM, &to(), false).await;

    assert_eq!(s["receipts"]["total"], "1000000");
    assert_eq!(s["other_movements"], "300000");
    assert_eq!(s["closing_balance"], "1300000");
}

// ---------------------------------------------------------------- transfers

/// The province with 10,000,000 in its bank, the commune with 500,000 in cash; an allocation
/// of 3,000,000 sent and received, one of 1,000,000 sent and not received.
async fn allocations(app: &TestApp) -> (Fund, Fund) {
    let p = fund(app, PROVINCE).await;
    let c = fund(app, COMMUNE).await;
    bank_donation(app, &p, "10000000").await;
    app.record_cash_donation(&c.officer.token, c.unit, "500000")
        .await;
    for (amount, received) in [("3000000", true), ("1000000", false)] {
        let res = app
            .post(
                "/v1/transfers",
                &p.officer.token,
                &json!({"from_unit_id": p.unit, "to_unit_id": c.unit, "amount": amount,
                        "purpose": "Điều tiết hỗ trợ hộ nghèo", "decision_no": "15/QĐ-MTTQ"}),
            )
            .await;
        assert_eq!(res.status(), 201);
        let t: Value = res.json().await.unwrap();
        let path = format!("/v1/transfers/{}", t["id"].as_str().unwrap());
        ok(app
            .post(&format!("{path}/approve"), &p.approver.token, &json!({}))
            .await)
        .await;
        ok(app
            .post(
                &format!("{path}/send"),
                &p.accountant.token,
                &json!({"sent_on": "2026-03-15", "bank_account_id": p.bank["id"]}),
            )
            .await)
        .await;
        if received {
            ok(app
                .post(
                    &format!("{path}/receive"),
                    &c.accountant.token,
                    &json!({"received_on": "2026-03-18", "bank_account_id": c.bank["id"]}),
                )
                .await)
            .await;
        }
    }
    (p, c)
}

#[tokio::test]
async fn each_fund_on_its_own_shows_the_transfers_and_what_is_on_its_way() {
    let app = spawn_app().await;
    let (p, c) = allocations(&app).await;

    let province = statement(&app, &p.accountant.token, p.unit, FROM, &to(), false).await;
    let commune = statement(&app, &c.accountant.token, c.unit, FROM, &to(), false).await;

    assert_eq!(
        (
            &province["transfers_out"],
            &province["in_transit"],
            &province["closing_balance"],
            &province["other_movements"]
        ),
        (
            &json!("4000000"),
            &json!("1000000"),
            &json!("6000000"),
            &json!("0")
        )
    );
    assert_eq!(
        (
            &commune["transfers_in"],
            &commune["in_transit"],
            &commune["closing_balance"],
            &commune["other_movements"]
        ),
        (
            &json!("3000000"),
            &json!("0"),
            &json!("3500000"),
            &json!("0")
        )
    );
}

#[tokio::test]
async fn the_consolidated_statement_eliminates_transfers_inside_the_subtree() {
    let app = spawn_app().await;
    let (p, _c) = allocations(&app).await;

    let s = statement(&app, &p.accountant.token, p.unit, FROM, &to(), true).await;

    assert_eq!(s["consolidated"], true);
    assert_eq!(s["receipts"]["total"], "10500000", "each donation once");
    assert_eq!(
        (&s["transfers_in"], &s["transfers_out"]),
        (&json!("0"), &json!("0"))
    );
    assert_eq!(
        (&s["closing_balance"], &s["in_transit"]),
        (&json!("9500000"), &json!("1000000"))
    );
    // closing + in transit = all the subtree's money
    assert_eq!(s["other_movements"], "0");
}

#[tokio::test]
async fn a_transfer_is_in_transit_until_it_is_received() {
    let app = spawn_app().await;
    let (p, _c) = allocations(&app).await;

    let between = statement(&app, &p.accountant.token, p.unit, FROM, "2026-03-16", true).await;

    assert_eq!(
        (&between["closing_balance"], &between["in_transit"]),
        (&json!("6500000"), &json!("4000000"))
    );
    assert_eq!(between["other_movements"], "0");
    let after = statement(&app, &p.accountant.token, p.unit, FROM, "2026-03-18", true).await;
    assert_eq!(
        (&after["closing_balance"], &after["in_transit"]),
        (&json!("9500000"), &json!("1000000"))
    );
}

// ---------------------------------------------------------------- scope and input

#[tokio::test]
async fn a_sibling_communes_user_does_not_see_the_fund() {
    let app = spawn_app().await;
    let unit = app.unit_id(COMMUNE).await;
    let sibling = app.user("accountant", SIBLING_COMMUNE).await;

    let res = app
        .get(
            &format!(
                "/v1/units/{unit}/reports/fund-statement?from={FROM}&to={}",
                to()
            ),
            &sibling.token,
        )
        .await;

    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn a_period_that_ends_before_it_starts_or_has_no_dates_is_refused() {
    let app = spawn_app().await;
    let unit = app.unit_id(COMMUNE).await;
    let officer = app.user("officer", COMMUNE).await;

    let reversed = app
        .get(
            &format!("/v1/units/{unit}/reports/fund-statement?from=2026-04-01&to=2026-03-01"),
            &officer.token,
        )
        .await;
    let missing = app
        .get(
            &format!("/v1/units/{unit}/reports/fund-statement?from=2026-04-01"),
            &officer.token,
        )
        .await;

    let problem = assert_problem(reversed, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "to");
    assert_problem(missing, 422, "validation_failed").await;
}
