//! The spending half of the public record (api.md "Public"): what a campaign's money paid for,
//! by unit and category, with household counts and never a household's name.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp, COMMUNE, RECEIVED_ON};

async fn public_json(app: &TestApp, path: &str) -> Value {
    let res = app.request(Method::GET, path, None, None).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

async fn step(app: &TestApp, token: &str, grant: &Value, action: &str) {
    let res = app
        .post(
            &format!(
                "/v1/disbursements/{}/{action}",
                grant["id"].as_str().unwrap()
            ),
            token,
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200, "{action}");
}

#[tokio::test]
async fn a_campaigns_spending_shows_totals_by_unit_and_category_without_names() {
    let app = spawn_app().await;
    let unit = app.unit_id(COMMUNE).await;
    let officer = app.user("officer", COMMUNE).await;
    let approver = app.user("approver", COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let appeal = app
        .campaign_of_kind(&officer.token, COMMUNE, "disaster", true)
        .await;
    app.record_donation(
        &officer.token,
        &json!({"unit_id": unit, "campaign_id": appeal["id"], "channel": "cash", "amount": "10000000",
                "received_on": RECEIVED_ON, "donor": {"kind": "anonymous"}, "public_display": "anonymous"}),
    )
    .await;
    let a = app.household(&officer.token, COMMUNE, "Vi Văn Thắng").await;
    let b = app
        .household(&officer.token, COMMUNE, "Hoàng Thị Lụa")
        .await;
    let grants = [
        (&a, "emergency_relief", "2000000", true),
        (&b, "emergency_relief", "1500000", true),
        (&a, "medical", "700000", true),
        // approved but not paid: not spent yet
        (&b, "livelihood", "900000", false),
    ];
    for (household, category, amount, pay) in grants {
        let res = app
            .post(
                "/v1/disbursements",
                &officer.token,
                &json!({"unit_id": unit, "category": category, "household_id": household["id"],
                        "campaign_id": appeal["id"], "amount": amount, "method": "cash",
                        "description": "Hỗ trợ sau bão"}),
            )
            .await;
        assert_eq!(res.status(), 201);
        let g: Value = res.json().await.unwrap();
        step(&app, &approver.token, &g, "approve").await;
        if pay {
            step(&app, &accountant.token, &g, "pay").await;
        }
    }

    let id = appeal["id"].as_str().unwrap();
    let s = public_json(&app, &format!("/v1/public/campaigns/{id}/spending")).await;
    assert_eq!(s["total"], "4200000");
    assert_eq!(s["household_count"], 2);
    let items = s["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{s}");
    assert_eq!(items[0]["unit"]["code"], COMMUNE);
    assert_eq!(
        (
            &items[0]["category"],
            &items[0]["amount"],
            &items[0]["count"],
            &items[0]["household_count"]
        ),
        (
            &json!("emergency_relief"),
            &json!("3500000"),
            &json!(2),
            &json!(2)
        )
    );
    assert_eq!(
        (
            &items[1]["category"],
            &items[1]["amount"],
            &items[1]["household_count"]
        ),
        (&json!("medical"), &json!("700000"), &json!(1))
    );
    let text = s.to_string();
    for name in ["Vi Văn Thắng", "Hoàng Thị Lụa", a["id"].as_str().unwrap()] {
        assert!(!text.contains(name), "{name} leaked: {text}");
    }

    let c = public_json(&app, &format!("/v1/public/campaigns/{id}")).await;
    assert_eq!(
        c["spent"],
        json!({"total": "4200000", "by_category": {"emergency_relief": "3500000", "medical": "700000"}})
    );
    assert_eq!(c["balance"], "5800000");
}

#[tokio::test]
async fn an_unknown_campaign_has_no_spending_page() {
    let app = spawn_app().await;
    let res = app
        .request(
            Method::GET,
            &format!("/v1/public/campaigns/{}/spending", uuid::Uuid::now_v7()),
            None,
            None,
        )
        .await;
    crate::helpers::assert_problem(res, 404, "not_found").await;
}
