//! The public record (api.md "Public", security.md "Data protection"): campaign accounts, the
//! donation list as donors agreed to be shown, receipt confirmation and unit summaries, without
//! a token, never leaking contact details or account numbers, and rate limited per address.

use std::collections::HashSet;

use reqwest::{Method, Response};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    assert_problem, cash_donation, spawn_app, spawn_app_with, TestApp, COMMUNE, PROVINCE,
    RECEIVED_ON,
};

/// A request without a token.
async fn public(app: &TestApp, path: &str) -> Response {
    app.request(Method::GET, path, None, None).await
}

async fn public_json(app: &TestApp, path: &str) -> Value {
    let res = public(app, path).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

async fn void(app: &TestApp, donation: &Value) {
    let accountant = app.user("accountant", COMMUNE).await;
    let id = donation["id"].as_str().unwrap();
    let res = app
        .post(
            &format!("/v1/donations/{id}/void"),
            &accountant.token,
            &json!({"reason": "nhập nhầm"}),
        )
        .await;
    assert_eq!(res.status(), 200, "voided");
}

/// A commune officer, a campaign of the province, and a way to give to it.
struct Fixture {
    officer: String,
    unit_id: Uuid,
    campaign: Value,
}

impl Fixture {
    async fn new(app: &TestApp) -> Fixture {
        let province_officer = app.user("officer", PROVINCE).await;
        let campaign = app
            .campaign(
                &province_officer.token,
                PROVINCE,
                "Tết vì người nghèo 2026",
                false,
            )
            .await;
        Fixture {
            officer: app.user("officer", COMMUNE).await.token,
            unit_id: app.unit_id(COMMUNE).await,
            campaign,
        }
    }

    fn campaign_id(&self) -> &str {
        self.campaign["id"].as_str().unwrap()
    }

    /// A cash donation to the campaign from `donor`, shown as `display`.
    async fn give(
        &self,
        app: &TestApp,
        amount: &str,
        received_on: &str,
        donor: Value,
        display: &str,
    ) -> Value {
        let mut body = cash_donation(self.unit_id, amount);
        body["campaign_id"] = self.campaign["id"].clone();
        body["received_on"] = json!(received_on);
        body["donor"] = donor;
        body["public_display"] = json!(display);
        app.record_donation(&self.officer, &body).await
    }

    async fn give_named(
        &self,
        app: &TestApp,
        amount: &str,
        received_on: &str,
        name: &str,
    ) -> Value {
        self.give(
            app,
            amount,
            received_on,
            json!({"kind": "individual", "name": name}),
            "name",
        )
        .await
    }

    async fn list(&self, app: &TestApp, query: &str) -> Value {
        public_json(
            app,
            &format!(
                "/v1/public/campaigns/{}/donations?{query}",
                self.campaign_id()
            ),
        )
        .await
    }
}

fn displays(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["donor_display"].as_str().unwrap().to_owned())
        .collect()
}

fn amounts(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["amount_vnd"].as_str().unwrap().to_owned())
        .collect()
}

// ---------------------------------------------------------------- campaign account

#[tokio::test]
async fn a_campaigns_account_totals_recorded_donations_of_every_unit_by_channel() {
    let app = spawn_app().await;
    let f = Fixture::new(&app).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let province_officer = app.user("officer", PROVINCE).await;
    let bank = app.bank_account(COMMUNE, &accountant.token).await;
    f.give_named(&app, "500000", RECEIVED_ON, "Nguyễn Văn A")
        .await;
    let transfer = json!({"unit_id": f.unit_id, "campaign_id": f.campaign["id"], "channel": "bank_transfer", "amount": "2000000",
                          "received_on": RECEIVED_ON, "bank_account_id": bank["id"], "bank_reference": "FT26069123456",
                          "donor": {"kind": "anonymous"}, "public_display": "anonymous"});
    app.record_donation(&f.officer, &transfer).await;
    let goods = json!({"unit_id": app.unit_id(PROVINCE).await, "campaign_id": f.campaign["id"], "channel": "in_kind",
                       "received_on": RECEIVED_ON, "donor": {"kind": "organization", "name": "HTX Đồng Tâm"}, "public_display": "name",
                       "in_kind_items": [{"description": "Gạo", "quantity": "100", "unit": "kg", "value": "3500000"}]});
    app.record_donation(&province_officer.token, &goods).await;
    let mistaken = f
        .give_named(&app, "900000", RECEIVED_ON, "Nguyễn Văn A")
        .await;
    void(&app, &mistaken).await;
    // a donation outside the campaign counts for nothing here
    app.record_cash_donation(&f.officer, f.unit_id, "7000000")
        .await;

    let c = public_json(&app, &format!("/v1/public/campaigns/{}", f.campaign_id())).await;

    assert_eq!(c["id"], f.campaign["id"]);
    assert_eq!(c["name"], "Tết vì người nghèo 2026");
    assert_eq!(c["kind"], "general");
    assert_eq!(c["unit"]["id"], app.unit_id(PROVINCE).await.to_string());
    assert_eq!(c["unit"]["code"], PROVINCE);
    assert!(
        c["unit"]["name"].as_str().unwrap().contains("Lạng Sơn"),
        "{c}"
    );
    assert_eq!(
        (c["starts_on"].as_str(), c["ends_on"].as_str()),
        (Some("2026-01-01"), Some("2026-12-31"))
    );
    assert_eq!(c["restricted"], false);
    assert_eq!(
        c["received"],
        json!({"total": "6000000", "by_channel": {"cash": "500000", "bank_transfer": "2000000", "in_kind": "3500000"}})
    );
    assert_eq!(c["donation_count"], 3);
    assert_eq!(c["spent"], json!({"total": "0", "by_category": {}}));
    assert_eq!(c["transferred"], "0");
    assert_eq!(c["balance"], "6000000");
}

#[tokio::test]
async fn a_campaign_without_donations_has_zero_totals() {
    let app = spawn_app().await;
    let f = Fixture::new(&app).await;

    let c = public_json(&app, &format!("/v1/public/campaigns/{}", f.campaign_id())).await;

    assert_eq!(
        c["received"],
        json!({"total": "0", "by_channel": {"cash": "0", "bank_transfer": "0", "in_kind": "0"}})
    );
    assert_eq!(c["donation_count"], 0);
    assert_eq!(c["balance"], "0");
}

#[tokio::test]
async fn an_unknown_campaign_is_not_found_publicly() {
    let app = spawn_app().await;

    let account = public(&app, &format!("/v1/public/campaigns/{}", Uuid::now_v7())).await;
    let list = public(
        &app,
        &format!("/v1/public/campaigns/{}/donations", Uuid::now_v7()),
    )
    .await;

    assert_problem(account, 404, "not_found").await;
    assert_problem(list, 404, "not_found").await;
}

// ---------------------------------------------------------------- the donation list

#[tokio::test]
async fn the_public_donation_list_never_shows_contact_details_or_account_numbers() {
    let app = spawn_app().await;
    let f = Fixture::new(&app).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let bank = app.bank_account(COMMUNE, &accountant.token).await;
    let account_number = bank["account_number"].as_str().unwrap().to_owned();
    let donor = json!({"kind": "individual", "name": "Phạm Thị D", "phone": "0912345678", "email": "d.pham@example.vn",
                       "address": "Thôn Nà Chuông", "tax_code": "8123456789"});
    f.give(&app, "100000", RECEIVED_ON, donor.clone(), "name")
        .await;
    let transfer = json!({"unit_id": f.unit_id, "campaign_id": f.campaign["id"], "channel": "bank_transfer", "amount": "2000000",
                          "received_on": RECEIVED_ON, "bank_account_id": bank["id"], "bank_reference": "FT26069123456",
                          "donor": donor, "public_display": "name"});
    app.record_donation(&f.officer, &transfer).await;

    let res = public(
        &app,
        &format!("/v1/public/campaigns/{}/donations", f.campaign_id()),
    )
    .await;

    assert_eq!(res.status(), 200);
    let raw = res.text().await.unwrap();
    for secret in [
        "0912345678",
        "d.pham@example.vn",
        "Thôn Nà Chuông",
        "8123456789",
        account_number.as_str(),
        "FT26069123456",
        "FT26069",
    ] {
        assert!(!raw.contains(secret), "{secret:?} leaked in {raw}");
    }
    let page: Value = serde_json::from_str(&raw).unwrap();
    for item in page["items"].as_array().unwrap() {
        let keys: HashSet<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            HashSet::from([
                "received_on",
                "amount_vnd",
                "donor_display",
                "reference_masked",
                "channel",
                "receipt_number"
            ])
        );
    }
    assert_eq!(page["items"][0]["reference_masked"], Value::Null);
    assert_eq!(page["items"][0]["channel"], "cash");
    assert_eq!(page["items"][0]["donor_display"], "Phạm Thị D");
    assert_eq!(page["items"][0]["received_on"], RECEIVED_ON);
    assert_eq!(page["items"][0]["receipt_number"], "06001-2026-000001");
    assert_eq!(page["items"][1]["reference_masked"], "******3456");
    assert_eq!(page["items"][1]["channel"], "bank_transfer");
    assert_eq!(page["items"][1]["amount_vnd"], "2000000");
}

#[tokio::test]
async fn anonymous_donors_show_as_nha_hao_tam_and_cannot_be_found_by_their_name() {
    let app = spawn_app().await;
    let f = Fixture::new(&app).await;
    // named in the books, but asked not to be shown
    f.give(
        &app,
        "100000",
        "2026-03-01",
        json!({"kind": "individual", "name": "Hoàng Văn Ẩn"}),
        "anonymous",
    )
    .await;
    f.give(
        &app,
        "200000",
        "2026-03-02",
        json!({"kind": "anonymous"}),
        "anonymous",
    )
    .await;
    f.give_named(&app, "300000", "2026-03-03", "Hoàng Văn Minh")
        .await;

    let all = f.list(&app, "").await;
    let by_hidden_name = f.list(&app, "q=hoang%20van%20an").await;
    let by_surname = f.list(&app, "q=ho%C3%A0ng").await;

    assert_eq!(
        displays(&all),
        ["Nhà hảo tâm", "Nhà hảo tâm", "Hoàng Văn Minh"]
    );
    assert_eq!(by_hidden_name["items"], json!([]));
    assert_eq!(displays(&by_surname), ["Hoàng Văn Minh"]);
    let raw = public(
        &app,
        &format!("/v1/public/campaigns/{}/donations", f.campaign_id()),
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(!raw.contains("Ẩn"), "{raw}");
}

#[tokio::test]
async fn void_donations_are_left_out_of_the_public_list() {
    let app = spawn_app().await;
    let f = Fixture::new(&app).await;
    f.give_named(&app, "100000", RECEIVED_ON, "Nguyễn Văn A")
        .await;
    let mistaken = f
        .give_named(&app, "999000", RECEIVED_ON, "Nguyễn Văn A")
        .await;
    void(&app, &mistaken).await;

    let page = f.list(&app, "").await;

    assert_eq!(amounts(&page), ["100000"]);
}

#[tokio::test]
async fn the_public_list_filters_by_amount_and_by_date() {
    let app = spawn_app().await;
    let f = Fixture::new(&app).await;
    f.give_named(&app, "50000", "2026-02-01", "Lý Thị E").await;
    f.give_named(&app, "500000", "2026-02-15", "Lý Thị E").await;
    f.give_named(&app, "5000000", "2026-03-01", "Lý Thị E")
        .await;

    assert_eq!(
        amounts(&f.list(&app, "min_amount=100000").await),
        ["500000", "5000000"]
    );
    assert_eq!(
        amounts(&f.list(&app, "max_amount=500000").await),
        ["50000", "500000"]
    );
    assert_eq!(
        amounts(&f.list(&app, "min_amount=500000&max_amount=500000").await),
        ["500000"]
    );
    assert_eq!(
        amounts(&f.list(&app, "from=2026-02-10").await),
        ["500000", "5000000"]
    );
    assert_eq!(
        amounts(&f.list(&app, "to=2026-02-15").await),
        ["50000", "500000"]
    );
    assert_eq!(
        amounts(&f.list(&app, "from=2026-02-02&to=2026-02-28").await),
        ["500000"]
    );
}

#[tokio::test]
async fn malformed_public_filters_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let f = Fixture::new(&app).await;
    let path = |query: &str| format!("/v1/public/campaigns/{}/donations?{query}", f.campaign_id());

    for (query, field) in [
        ("min_amount=1e6", "min_amount"),
        ("max_amount=-5", "max_amount"),
        ("min_amount=0.5", "min_amount"),
        ("from=2026-3-1", "from"),
        ("from=2026-03-02&to=2026-03-01", "to"),
        ("limit=501", "limit"),
        ("cursor=%21%21", "cursor"),
    ] {
        let problem =
            assert_problem(public(&app, &path(query)).await, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{query}");
    }
}

#[tokio::test]
async fn the_public_list_pages_through_every_donation_once() {
    let app = spawn_app().await;
    let f = Fixture::new(&app).await;
    for i in 0..5 {
        f.give_named(
            &app,
            &format!("{}", 100_000 + i),
            RECEIVED_ON,
            "Nguyễn Văn A",
        )
        .await;
    }

    let first = f.list(&app, "limit=2").await;
    let second = f
        .list(
            &app,
            &format!("limit=2&cursor={}", first["next_cursor"].as_str().unwrap()),
        )
        .await;
    let third = f
        .list(
            &app,
            &format!("limit=2&cursor={}", second["next_cursor"].as_str().unwrap()),
        )
        .await;

    let mut seen: Vec<String> = [&first, &second, &third]
        .iter()
        .flat_map(|p| amounts(p))
        .collect();
    assert_eq!(third["next_cursor"], Value::Null);
    seen.sort();
    assert_eq!(seen, ["100000", "100001", "100002", "100003", "100004"]);
}

// ---------------------------------------------------------------- receipts

#[tokio::test]
async fn a_donor_can_confirm_their_receipt() {
    let app = spawn_app().await;
    let f = Fixture::new(&app).await;
    let d = f
        .give_named(&app, "250000", RECEIVED_ON, "Nguyễn Văn A")
        .await;

    let r = public_json(
        &app,
        &format!(
            "/v1/public/receipts/{}",
            d["receipt_number"].as_str().unwrap()
        ),
    )
    .await;

    assert_eq!(r["receipt_number"], "06001-2026-000001");
    assert_eq!(r["status"], "recorded");
    assert_eq!(r["received_on"], RECEIVED_ON);
    assert_eq!(r["amount_vnd"], "250000");
    assert_eq!(r["unit"]["code"], COMMUNE);
    assert!(
        r["unit"]["name"].as_str().unwrap().contains("Đoàn Kết"),
        "{r}"
    );
    assert_eq!(
        r["campaign"],
        json!({"id": f.campaign["id"], "name": "Tết vì người nghèo 2026"})
    );
    assert_eq!(r["donor_display"], "Nguyễn Văn A");
}

#[tokio::test]
async fn a_void_receipt_is_confirmed_as_void_and_an_anonymous_one_without_a_name() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let mut body = cash_donation(app.unit_id(COMMUNE).await, "100000");
    body["public_display"] = json!("anonymous");
    let d = app.record_donation(&officer.token, &body).await;
    void(&app, &d).await;

    let r = public_json(
        &app,
        &format!(
            "/v1/public/receipts/{}",
            d["receipt_number"].as_str().unwrap()
        ),
    )
    .await;

    assert_eq!(r["status"], "void");
    assert_eq!(r["donor_display"], "Nhà hảo tâm");
    assert!(r.get("campaign").is_none(), "{r}");
    let keys: HashSet<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        HashSet::from([
            "receipt_number",
            "status",
            "received_on",
            "amount_vnd",
            "unit",
            "donor_display"
        ])
    );
}

#[tokio::test]
async fn an_unknown_receipt_is_not_found() {
    let app = spawn_app().await;

    for number in ["06001-2026-000001", "nonsense", &"9".repeat(300)] {
        assert_problem(
            public(&app, &format!("/v1/public/receipts/{number}")).await,
            404,
            "not_found",
        )
        .await;
    }
}

// ---------------------------------------------------------------- unit summaries

#[tokio::test]
async fn a_units_summary_totals_its_recorded_donations_of_the_year() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    let bank = app.bank_account(COMMUNE, &accountant.token).await;
    app.record_cash_donation(&officer.token, unit_id, "500000")
        .await;
    app.record_donation(
        &officer.token,
        &json!({"unit_id": unit_id, "channel": "bank_transfer", "amount": "1500000", "received_on": "2026-01-02",
                "bank_account_id": bank["id"], "donor": {"kind": "anonymous"}, "public_display": "anonymous"}),
    )
    .await;
    let voided = app
        .record_cash_donation(&officer.token, unit_id, "900000")
        .await;
    void(&app, &voided).await;
    let mut last_year = cash_donation(unit_id, "40000");
    last_year["received_on"] = json!("2025-12-31");
    app.record_donation(&officer.token, &last_year).await;

    let y2026 = public_json(
        &app,
        &format!("/v1/public/units/{unit_id}/summary?year=2026"),
    )
    .await;
    let y2025 = public_json(
        &app,
        &format!("/v1/public/units/{unit_id}/summary?year=2025"),
    )
    .await;

    assert_eq!(y2026["unit"]["id"], unit_id.to_string());
    assert_eq!(y2026["unit"]["code"], COMMUNE);
    assert_eq!(y2026["unit"]["tier"], "commune");
    assert_eq!(y2026["year"], 2026);
    assert_eq!(y2026["received_total"], "2000000");
    assert_eq!(y2026["donation_count"], 2);
    assert_eq!(
        y2026["by_channel"],
        json!({"cash": "500000", "bank_transfer": "1500000", "in_kind": "0"})
    );
    assert_eq!(y2025["received_total"], "40000");
    assert_eq!(y2025["donation_count"], 1);
}

#[tokio::test]
async fn a_summary_for_an_unknown_unit_or_an_absurd_year_is_refused() {
    let app = spawn_app().await;
    let unit_id = app.unit_id(COMMUNE).await;

    let unknown = public(
        &app,
        &format!("/v1/public/units/{}/summary", Uuid::now_v7()),
    )
    .await;
    let absurd = public(
        &app,
        &format!("/v1/public/units/{unit_id}/summary?year=1850"),
    )
    .await;

    assert_problem(unknown, 404, "not_found").await;
    let problem = assert_problem(absurd, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "year");
}

// ---------------------------------------------------------------- rate limiting

#[tokio::test]
async fn public_requests_beyond_the_limit_per_address_get_429_with_retry_after() {
    let app = spawn_app_with(|s| s.public_per_minute_per_ip = 3).await;
    let unit_id = app.unit_id(COMMUNE).await;
    let path = format!("/v1/public/units/{unit_id}/summary?year=2026");

    for _ in 0..3 {
        assert_eq!(public(&app, &path).await.status(), 200);
    }
    let limited = public(&app, &path).await;
    let elsewhere = public(&app, "/v1/public/receipts/06001-2026-000001").await;

    let retry_after: u64 = limited
        .headers()
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&retry_after), "Retry-After {retry_after}");
    assert_problem(limited, 429, "rate_limited").await;
    assert_problem(elsewhere, 429, "rate_limited").await;
    // the rest of the API is not throttled by the public limit
    let officer = app.user("officer", COMMUNE).await;
    assert_eq!(app.get("/v1/auth/me", &officer.token).await.status(), 200);
}

#[tokio::test]
async fn a_rate_limited_answer_speaks_vietnamese_when_asked() {
    let app = spawn_app_with(|s| s.public_per_minute_per_ip = 1).await;
    let path = format!("/v1/public/campaigns/{}", Uuid::now_v7());
    assert_eq!(public(&app, &path).await.status(), 404);

    let res = app
        .client
        .get(app.url(&path))
        .header("Accept-Language", "vi")
        .send()
        .await
        .unwrap();

    assert!(res.headers().get("retry-after").is_some());
    let problem = assert_problem(res, 429, "rate_limited").await;
    assert_eq!(problem["title"], "Quá nhiều yêu cầu");
}
