//! security.md "Roles and scope": a role covers its unit and everything below it; anything
//! else does not exist for the caller (404), indistinguishably from an unknown id.

use std::collections::HashSet;

use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{assert_problem, spawn_app, COMMUNE, PROVINCE, SIBLING_COMMUNE};

#[tokio::test]
async fn a_commune_officer_cannot_see_a_sibling_commune() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let sibling = app.unit_id(SIBLING_COMMUNE).await;

    let by_id = app
        .get(&format!("/v1/units/{sibling}"), &officer.token)
        .await;
    assert_problem(by_id, 404, "not_found").await;
    let by_code = app
        .get(
            &format!("/v1/units/by-code/{SIBLING_COMMUNE}"),
            &officer.token,
        )
        .await;
    assert_problem(by_code, 404, "not_found").await;
}

#[tokio::test]
async fn a_commune_officer_cannot_see_its_province() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let province = app.unit_id(PROVINCE).await;

    let by_id = app
        .get(&format!("/v1/units/{province}"), &officer.token)
        .await;
    assert_problem(by_id, 404, "not_found").await;
    let by_code = app
        .get(&format!("/v1/units/by-code/{PROVINCE}"), &officer.token)
        .await;
    assert_problem(by_code, 404, "not_found").await;
}

#[tokio::test]
async fn a_commune_officer_cannot_see_the_provinces_users() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let colleague = app.user("accountant", COMMUNE).await;
    let province_user = app.user("approver", PROVINCE).await;
    let sibling_user = app.user("officer", SIBLING_COMMUNE).await;
    let province = app.unit_id(PROVINCE).await;

    let one = app
        .get(&format!("/v1/users/{}", province_user.id), &officer.token)
        .await;
    assert_problem(one, 404, "not_found").await;
    let list: Value = app
        .get("/v1/users", &officer.token)
        .await
        .json()
        .await
        .unwrap();
    let by_unit = app
        .get(&format!("/v1/users?unit_id={province}"), &officer.token)
        .await;
    assert_problem(by_unit, 404, "not_found").await;

    let ids: HashSet<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        ids,
        HashSet::from([officer.id.to_string(), colleague.id.to_string()])
    );
    assert!(!ids.contains(&sibling_user.id.to_string()));
}

#[tokio::test]
async fn a_province_officer_sees_its_communes() {
    let app = spawn_app().await;
    let officer = app.user("officer", PROVINCE).await;
    let commune = app.unit_id(COMMUNE).await;
    let province = app.unit_id(PROVINCE).await;

    let one = app
        .get(&format!("/v1/units/{commune}"), &officer.token)
        .await;
    assert_eq!(one.status(), 200);
    let by_code = app
        .get(
            &format!("/v1/units/by-code/{SIBLING_COMMUNE}"),
            &officer.token,
        )
        .await;
    assert_eq!(by_code.status(), 200);
    let list: Value = app
        .get(
            &format!("/v1/units?parent_id={province}&limit=500"),
            &officer.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 65);
    // but not the central unit above it
    let tw = app.unit_id("TW").await;
    assert_problem(
        app.get(&format!("/v1/units/{tw}"), &officer.token).await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn listing_units_as_a_commune_user_returns_exactly_that_commune() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;

    let res = app.get("/v1/units?limit=500", &officer.token).await;

    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    let codes: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, [COMMUNE]);
    assert!(page["next_cursor"].is_null());
    // filters cannot widen the scope
    let province = app.unit_id(PROVINCE).await;
    let filtered: Value = app
        .get(
            &format!("/v1/units?parent_id={province}&limit=500"),
            &officer.token,
        )
        .await
        .json()
        .await
        .unwrap();
    let codes: Vec<&str> = filtered["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, [COMMUNE]);
    let searched: Value = app
        .get("/v1/units?q=lang%20son", &officer.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(searched["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn outside_the_scope_looks_exactly_like_an_unknown_id() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let sibling = app.unit_id(SIBLING_COMMUNE).await;
    let province_user = app.user("officer", PROVINCE).await;
    let random = Uuid::now_v7();

    let pairs = [
        (
            format!("/v1/units/{sibling}"),
            format!("/v1/units/{random}"),
        ),
        (
            format!("/v1/units/by-code/{SIBLING_COMMUNE}"),
            "/v1/units/by-code/00000".to_owned(),
        ),
        (
            format!("/v1/users/{}", province_user.id),
            format!("/v1/users/{random}"),
        ),
        (
            format!("/v1/users?unit_id={sibling}"),
            format!("/v1/users?unit_id={random}"),
        ),
    ];
    for (outside, unknown) in pairs {
        let a = app.get(&outside, &officer.token).await;
        let b = app.get(&unknown, &officer.token).await;
        assert_eq!(a.status(), b.status(), "{outside} vs {unknown}");
        assert_eq!(a.status(), 404);
        let a: Value = a.json().await.unwrap();
        let b: Value = b.json().await.unwrap();
        assert_eq!(a, b, "{outside} vs {unknown}");
        assert_eq!(a["code"], "not_found");
    }
}
