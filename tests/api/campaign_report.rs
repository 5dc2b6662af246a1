//! The campaign report (api.md "Reports"): received by channel and by unit, spent by category
//! and by unit, households reached, transferred and the balance; readers of the campaign's
//! unit only.

use serde_json::{json, Value};

use crate::helpers::{
    assert_problem, cash_donation, spawn_app, TestApp, COMMUNE, PROVINCE, RECEIVED_ON,
    SIBLING_COMMUNE,
};

/// A province campaign: 2,000,000 by bank to the province, 1,000,000 cash to the commune,
/// 300,000 cash to the commune voided, and a 400,000 medical grant paid by the commune for one
/// household.
async fn campaign_with_money(app: &TestApp) -> Value {
    let province = app.unit_id(PROVINCE).await;
    let commune = app.unit_id(COMMUNE).await;
    let p_officer = app.user("officer", PROVINCE).await;
    let p_accountant = app.user("accountant", PROVINCE).await;
    let c_officer = app.user("officer", COMMUNE).await;
    let c_approver = app.user("approver", COMMUNE).await;
    let c_accountant = app.user("accountant", COMMUNE).await;
    let campaign = app
        .campaign(&p_officer.token, PROVINCE, "Tháng cao điểm 2026", false)
        .await;

    let bank = app.bank_account(PROVINCE, &p_accountant.token).await;
    app.record_donation(
        &p_officer.token,
        &json!({"unit_id": province, "campaign_id": campaign["id"], "channel": "bank_transfer",
                "amount": "2000000", "received_on": RECEIVED_ON, "bank_account_id": bank["id"],
                "donor": {"kind": "organization", "name": "Công ty TNHH Ánh Dương"},
                "public_display": "name"}),
    )
    .await;
    for amount in ["1000000", "300000"] {
        let mut body = cash_donation(commune, amount);
        body["campaign_id"] = campaign["id"].clone();
        let d = app.record_donation(&c_officer.token, &body).await;
        if amount == "300000" {
            let res = app
                .post(
                    &format!("/v1/donations/{}/void", d["id"].as_str().unwrap()),
                    &c_accountant.token,
                    &json!({"reason": "nhập trùng"}),
                )
                .await;
            assert_eq!(res.status(), 200, "voided");
        }
    }

    let household = app
        .household(&c_officer.token, COMMUNE, "Lò Văn Minh")
        .await;
    let res = app
        .post(
            "/v1/disbursements",
            &c_officer.token,
            &json!({"unit_id": commune, "category": "medical", "amount": "400000", "method": "cash",
                    "campaign_id": campaign["id"], "household_id": household["id"],
                    "description": "Hỗ trợ viện phí"}),
        )
        .await;
    let grant: Value = res.json().await.unwrap();
    let id = grant["id"].as_str().expect("grant submitted");
    let res = app
        .post(
            &format!("/v1/disbursements/{id}/approve"),
            &c_approver.token,
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .post(
            &format!("/v1/disbursements/{id}/pay"),
            &c_accountant.token,
            &json!({"paid_on": "2026-03-20"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    campaign
}

#[tokio::test]
async fn the_report_shows_received_by_unit_and_channel_spent_by_category_and_the_balance() {
    let app = spawn_app().await;
    let campaign = campaign_with_money(&app).await;
    let reader = app.user("officer", PROVINCE).await;

    let res = app
        .get(
            &format!("/v1/campaigns/{}/report", campaign["id"].as_str().unwrap()),
            &reader.token,
        )
        .await;

    assert_eq!(res.status(), 200);
    let r: Value = res.json().await.unwrap();
    let province = app.unit_id(PROVINCE).await;
    let commune = app.unit_id(COMMUNE).await;
    assert_eq!(
        (&r["campaign_id"], &r["name"], &r["kind"], &r["restricted"]),
        (
            &campaign["id"],
            &json!("Tháng cao điểm 2026"),
            &json!("general"),
            &json!(false)
        )
    );
    assert_eq!(
        r["received"],
        json!({"total": "3000000",
        "by_channel": {"cash": "1000000", "bank_transfer": "2000000", "in_kind": "0"},
        "by_unit": [
            {"unit_id": commune, "code": COMMUNE, "amount": "1000000"},
            {"unit_id": province, "code": PROVINCE, "amount": "2000000"}
        ]})
    );
    assert_eq!(r["donation_count"], 2);
    assert_eq!(
        r["spent"],
        json!({"total": "400000", "by_category": {"medical": "400000"},
               "by_unit": [{"unit_id": commune, "code": COMMUNE, "amount": "400000"}]})
    );
    assert_eq!(r["households_reached"], 1);
    assert_eq!(r["transferred"], "0");
    assert_eq!(r["balance"], "2600000");
}

#[tokio::test]
async fn a_campaign_outside_the_scope_does_not_exist() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let campaign = app
        .campaign(&officer.token, COMMUNE, "Đợt của xã", false)
        .await;
    let sibling = app.user("officer", SIBLING_COMMUNE).await;
    let path = format!("/v1/campaigns/{}/report", campaign["id"].as_str().unwrap());

    let res = app.get(&path, &sibling.token).await;
    let unknown = app
        .get(
            &format!("/v1/campaigns/{}/report", uuid::Uuid::new_v4()),
            &officer.token,
        )
        .await;

    assert_problem(res, 404, "not_found").await;
    assert_problem(unknown, 404, "not_found").await;
}

#[tokio::test]
async fn an_empty_campaign_reports_zeros() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let campaign = app.campaign(&officer.token, COMMUNE, "Đợt mới", true).await;

    let res = app
        .get(
            &format!("/v1/campaigns/{}/report", campaign["id"].as_str().unwrap()),
            &officer.token,
        )
        .await;

    assert_eq!(res.status(), 200);
    let r: Value = res.json().await.unwrap();
    assert_eq!(
        (&r["received"]["total"], &r["spent"]["total"], &r["balance"]),
        (&json!("0"), &json!("0"), &json!("0"))
    );
    assert_eq!(r["received"]["by_unit"], json!([]));
    assert_eq!(r["donation_count"], 0);
    assert_eq!(r["restricted"], true);
}
