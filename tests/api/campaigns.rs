//! Campaigns (api.md "Campaigns and donations"): opened by a unit's officer or approver, usable
//! by that unit and every unit below it, visible to those units and nowhere else.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_problem, spawn_app, TestApp, COMMUNE, PROVINCE, SIBLING_COMMUNE};

fn campaign_body(unit_id: Uuid) -> Value {
    json!({"unit_id": unit_id, "kind": "tet", "name": "Tết vì người nghèo Bính Ngọ 2026",
           "starts_on": "2026-01-05", "ends_on": "2026-02-16", "restricted": true})
}

async fn campaign(
    app: &TestApp,
    token: &str,
    unit_code: &str,
    kind: &str,
    starts_on: &str,
    ends_on: &str,
) -> Value {
    let res = app
        .post(
            "/v1/campaigns",
            token,
            &json!({"unit_id": app.unit_id(unit_code).await, "kind": kind, "name": format!("{kind} {unit_code}"),
                    "starts_on": starts_on, "ends_on": ends_on, "restricted": false}),
        )
        .await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

fn ids(page: &Value) -> Vec<Value> {
    let mut ids: Vec<Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].clone())
        .collect();
    ids.sort_by_key(|v| v.as_str().unwrap().to_owned());
    ids
}

fn sorted(mut ids: Vec<Value>) -> Vec<Value> {
    ids.sort_by_key(|v| v.as_str().unwrap().to_owned());
    ids
}

#[tokio::test]
async fn an_officer_opens_a_campaign_of_their_unit() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;

    let res = app
        .post("/v1/campaigns", &officer.token, &campaign_body(unit_id))
        .await;

    assert_eq!(res.status(), 201);
    let location = res
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let c: Value = res.json().await.unwrap();
    assert_eq!(
        location,
        format!("/v1/campaigns/{}", c["id"].as_str().unwrap())
    );
    assert_eq!(c["unit_id"], unit_id.to_string());
    assert_eq!(c["kind"], "tet");
    assert_eq!(c["name"], "Tết vì người nghèo Bính Ngọ 2026");
    assert_eq!(c["starts_on"], "2026-01-05");
    assert_eq!(c["ends_on"], "2026-02-16");
    assert_eq!(c["restricted"], true);
    let fetched: Value = app
        .get(
            &format!("/v1/campaigns/{}", c["id"].as_str().unwrap()),
            &officer.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fetched, c);
}

#[tokio::test]
async fn an_approver_opens_a_campaign_of_their_unit() {
    let app = spawn_app().await;
    let approver = app.user("approver", PROVINCE).await;

    let res = app
        .post(
            "/v1/campaigns",
            &approver.token,
            &campaign_body(app.unit_id(PROVINCE).await),
        )
        .await;

    assert_eq!(res.status(), 201);
    assert_eq!(
        res.json::<Value>().await.unwrap()["unit_id"],
        app.unit_id(PROVINCE).await.to_string()
    );
}

#[tokio::test]
async fn a_finance_officer_cannot_open_a_campaign() {
    let app = spawn_app().await;
    let accountant = app.user("accountant", COMMUNE).await;

    let res = app
        .post(
            "/v1/campaigns",
            &accountant.token,
            &campaign_body(app.unit_id(COMMUNE).await),
        )
        .await;

    assert_problem(res, 403, "forbidden").await;
    let n: i64 = app
        .sql()
        .await
        .query_one("SELECT count(*) FROM campaigns", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
}

#[tokio::test]
async fn a_province_officer_cannot_open_a_campaign_for_a_commune() {
    let app = spawn_app().await;
    let officer = app.user("officer", PROVINCE).await;

    let res = app
        .post(
            "/v1/campaigns",
            &officer.token,
            &campaign_body(app.unit_id(COMMUNE).await),
        )
        .await;

    assert_problem(res, 403, "forbidden").await;
}

#[tokio::test]
async fn a_commune_officer_cannot_open_a_campaign_for_a_sibling() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;

    let res = app
        .post(
            "/v1/campaigns",
            &officer.token,
            &campaign_body(app.unit_id(SIBLING_COMMUNE).await),
        )
        .await;

    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn a_campaign_ending_before_it_starts_is_refused() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let mut body = campaign_body(app.unit_id(COMMUNE).await);
    body["ends_on"] = json!("2026-01-04");

    let res = app.post("/v1/campaigns", &officer.token, &body).await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "ends_on");
}

#[tokio::test]
async fn an_unknown_campaign_kind_is_refused() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let mut body = campaign_body(app.unit_id(COMMUNE).await);
    body["kind"] = json!("lottery");

    let res = app.post("/v1/campaigns", &officer.token, &body).await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "kind");
}

#[tokio::test]
async fn a_campaign_without_a_name_is_refused() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let mut body = campaign_body(app.unit_id(COMMUNE).await);
    body["name"] = json!("   ");

    let res = app.post("/v1/campaigns", &officer.token, &body).await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "name");
}

#[tokio::test]
async fn listing_by_unit_returns_the_units_and_its_ancestors_campaigns() {
    let app = spawn_app().await;
    let province = app.user("officer", PROVINCE).await;
    let commune = app.user("officer", COMMUNE).await;
    let sibling = app.user("officer", SIBLING_COMMUNE).await;
    let of_province = campaign(
        &app,
        &province.token,
        PROVINCE,
        "general",
        "2026-01-01",
        "2026-12-31",
    )
    .await;
    let of_commune = campaign(
        &app,
        &commune.token,
        COMMUNE,
        "general",
        "2026-01-01",
        "2026-12-31",
    )
    .await;
    campaign(
        &app,
        &sibling.token,
        SIBLING_COMMUNE,
        "general",
        "2026-01-01",
        "2026-12-31",
    )
    .await;
    let unit_id = app.unit_id(COMMUNE).await;

    let for_commune: Value = app
        .get(&format!("/v1/campaigns?unit_id={unit_id}"), &commune.token)
        .await
        .json()
        .await
        .unwrap();
    let for_province: Value = app
        .get(
            &format!("/v1/campaigns?unit_id={}", app.unit_id(PROVINCE).await),
            &province.token,
        )
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(
        ids(&for_commune),
        sorted(vec![of_province["id"].clone(), of_commune["id"].clone()])
    );
    assert_eq!(ids(&for_province), [of_province["id"].clone()]);
}

#[tokio::test]
async fn listing_without_a_unit_returns_what_the_caller_can_use_or_see() {
    let app = spawn_app().await;
    let province = app.user("officer", PROVINCE).await;
    let commune = app.user("officer", COMMUNE).await;
    let sibling = app.user("officer", SIBLING_COMMUNE).await;
    let of_province = campaign(
        &app,
        &province.token,
        PROVINCE,
        "general",
        "2026-01-01",
        "2026-12-31",
    )
    .await;
    let of_commune = campaign(
        &app,
        &commune.token,
        COMMUNE,
        "general",
        "2026-01-01",
        "2026-12-31",
    )
    .await;
    let of_sibling = campaign(
        &app,
        &sibling.token,
        SIBLING_COMMUNE,
        "general",
        "2026-01-01",
        "2026-12-31",
    )
    .await;

    let seen_by_commune: Value = app
        .get("/v1/campaigns", &commune.token)
        .await
        .json()
        .await
        .unwrap();
    let seen_by_province: Value = app
        .get("/v1/campaigns", &province.token)
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(
        ids(&seen_by_commune),
        sorted(vec![of_province["id"].clone(), of_commune["id"].clone()])
    );
    assert_eq!(
        ids(&seen_by_province),
        sorted(vec![
            of_province["id"].clone(),
            of_commune["id"].clone(),
            of_sibling["id"].clone()
        ])
    );
}

#[tokio::test]
async fn listing_a_unit_outside_the_scope_is_not_found() {
    let app = spawn_app().await;
    let commune = app.user("officer", COMMUNE).await;

    let res = app
        .get(
            &format!(
                "/v1/campaigns?unit_id={}",
                app.unit_id(SIBLING_COMMUNE).await
            ),
            &commune.token,
        )
        .await;

    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn the_list_filters_by_kind_and_by_the_day_a_campaign_runs() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let tet = campaign(
        &app,
        &officer.token,
        COMMUNE,
        "tet",
        "2026-01-05",
        "2026-02-16",
    )
    .await;
    let peak = campaign(
        &app,
        &officer.token,
        COMMUNE,
        "peak_month",
        "2026-10-17",
        "2026-11-18",
    )
    .await;
    let flood = campaign(
        &app,
        &officer.token,
        COMMUNE,
        "disaster",
        "2026-02-10",
        "2026-03-31",
    )
    .await;
    let unit_id = app.unit_id(COMMUNE).await;
    let list = |query: &'static str| {
        let (app, token) = (&app, officer.token.clone());
        async move {
            let res = app
                .get(&format!("/v1/campaigns?unit_id={unit_id}&{query}"), &token)
                .await;
            assert_eq!(res.status(), 200, "{query}");
            res.json::<Value>().await.unwrap()
        }
    };

    assert_eq!(ids(&list("kind=tet").await), [tet["id"].clone()]);
    assert_eq!(ids(&list("kind=peak_month").await), [peak["id"].clone()]);
    assert_eq!(
        ids(&list("active_on=2026-02-12").await),
        sorted(vec![tet["id"].clone(), flood["id"].clone()])
    );
    assert_eq!(
        ids(&list("active_on=2026-02-16").await),
        sorted(vec![tet["id"].clone(), flood["id"].clone()])
    );
    assert_eq!(
        ids(&list("active_on=2026-02-17").await),
        [flood["id"].clone()]
    );
    assert_eq!(
        ids(&list("kind=tet&active_on=2026-11-01").await),
        Vec::<Value>::new()
    );
}

#[tokio::test]
async fn the_list_pages_with_a_cursor() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let mut made = Vec::new();
    for _ in 0..3 {
        made.push(
            campaign(
                &app,
                &officer.token,
                COMMUNE,
                "general",
                "2026-01-01",
                "2026-12-31",
            )
            .await["id"]
                .clone(),
        );
    }

    let first: Value = app
        .get("/v1/campaigns?limit=2", &officer.token)
        .await
        .json()
        .await
        .unwrap();
    let cursor = first["next_cursor"].as_str().unwrap();
    let second: Value = app
        .get(
            &format!("/v1/campaigns?limit=2&cursor={cursor}"),
            &officer.token,
        )
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    assert_eq!(second["next_cursor"], Value::Null);
    let mut all = ids(&first);
    all.extend(ids(&second));
    assert_eq!(sorted(all), sorted(made));
}

#[tokio::test]
async fn a_commune_user_sees_its_provinces_campaign() {
    let app = spawn_app().await;
    let province = app.user("approver", PROVINCE).await;
    let auditor = app.user("auditor", COMMUNE).await;
    let c = campaign(
        &app,
        &province.token,
        PROVINCE,
        "housing",
        "2026-01-01",
        "2026-12-31",
    )
    .await;

    let res = app
        .get(
            &format!("/v1/campaigns/{}", c["id"].as_str().unwrap()),
            &auditor.token,
        )
        .await;

    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["id"], c["id"]);
}

#[tokio::test]
async fn a_sibling_communes_campaign_is_not_found() {
    let app = spawn_app().await;
    let sibling = app.user("officer", SIBLING_COMMUNE).await;
    let officer = app.user("officer", COMMUNE).await;
    let c = campaign(
        &app,
        &sibling.token,
        SIBLING_COMMUNE,
        "general",
        "2026-01-01",
        "2026-12-31",
    )
    .await;

    let res = app
        .get(
            &format!("/v1/campaigns/{}", c["id"].as_str().unwrap()),
            &officer.token,
        )
        .await;

    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn an_unknown_campaign_is_not_found() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;

    let res = app
        .get(&format!("/v1/campaigns/{}", Uuid::now_v7()), &officer.token)
        .await;

    assert_problem(res, 404, "not_found").await;
}
