//! Support norms for Great Unity houses (api.md "Spending" → Houses): the seeded national
//! programme, a unit's own norm overriding its ancestors' for its subtree, who may set which,
//! and scope.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_problem, spawn_app, COMMUNE, PROVINCE, SIBLING_COMMUNE};

/// (effective_from, kind, amount, unit_id) of each norm, in the order given.
fn norms(list: &Value) -> Vec<(String, String, String, Value)> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["effective_from"].as_str().unwrap().to_owned(),
                n["kind"].as_str().unwrap().to_owned(),
                n["amount"].as_str().unwrap().to_owned(),
                n["unit_id"].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_national_programme_of_2025_is_in_force() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let commune = app.unit_id(COMMUNE).await;

    let res = app
        .get(
            &format!("/v1/housing-norms?unit_id={commune}"),
            &officer.token,
        )
        .await;
    assert_eq!(res.status(), 200);
    let list: Value = res.json().await.unwrap();

    assert_eq!(
        norms(&list),
        [
            (
                "2025-01-01".into(),
                "new".into(),
                "60000000".into(),
                Value::Null
            ),
            (
                "2025-01-01".into(),
                "repair".into(),
                "30000000".into(),
                Value::Null
            ),
        ]
    );
    assert_eq!(
        list["in_force"],
        json!({"new": "60000000", "repair": "30000000"})
    );
    // before the programme there was no norm
    let list: Value = app
        .get(
            &format!("/v1/housing-norms?unit_id={commune}&on=2024-12-31"),
            &officer.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["in_force"], json!({"new": null, "repair": null}));
}

#[tokio::test]
async fn a_provinces_own_norm_overrides_the_national_one_below_it() {
    let app = spawn_app().await;
    let province = app.unit_id(PROVINCE).await;
    let commune = app.unit_id(COMMUNE).await;
    let approver = app.user("approver", PROVINCE).await;
    let officer = app.user("officer", COMMUNE).await;

    let res = app
        .put(
            "/v1/housing-norms",
            &approver.token,
            &json!([{"effective_from": "2026-01-01", "kind": "new", "amount": "80000000",
                     "unit_id": province}]),
        )
        .await;
    let status = res.status();
    let set: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{set}");
    assert_eq!(
        norms(&set),
        [(
            "2026-01-01".into(),
            "new".into(),
            "80000000".into(),
            json!(province)
        )]
    );

    // a commune below uses it for new houses, the national norm still for repairs
    let list: Value = app
        .get(
            &format!("/v1/housing-norms?unit_id={commune}"),
            &officer.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        list["in_force"],
        json!({"new": "80000000", "repair": "30000000"})
    );
    let household = app
        .household(&officer.token, COMMUNE, "Hoàng Văn Nam")
        .await;
    let res = app
        .post(
            "/v1/houses",
            &officer.token,
            &json!({"household_id": household["id"], "funding_unit_id": commune, "kind": "new",
                    "estimated_cost": "100000000", "funding_plan": [],
                    "proposed_on": "2026-06-01"}),
        )
        .await;
    let status = res.status();
    let house: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{house}");
    assert_eq!(
        (&house["support_amount"], &house["norm_amount"]),
        (&json!("80000000"), &json!("80000000"))
    );
    let audited: i64 = app
        .sql()
        .await
        .query_one(
            "SELECT count(*) FROM audit_events WHERE action = 'housing_norm.set'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn setting_the_same_norm_again_replaces_its_amount() {
    let app = spawn_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let approver = app.user("approver", COMMUNE).await;
    let body = |amount: &str| {
        json!([{"effective_from": "2026-07-01", "kind": "repair", "amount": amount,
                "unit_id": commune}])
    };
    let first: Value = app
        .put("/v1/housing-norms", &approver.token, &body("35000000"))
        .await
        .json()
        .await
        .unwrap();
    let second: Value = app
        .put("/v1/housing-norms", &approver.token, &body("40000000"))
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(first["items"][0]["id"], second["items"][0]["id"]);
    let list: Value = app
        .get(
            &format!("/v1/housing-norms?unit_id={commune}"),
            &approver.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 3);
    assert_eq!(list["in_force"]["repair"], "40000000");
}

#[tokio::test]
async fn only_an_approver_of_the_central_unit_sets_national_norms() {
    let app = spawn_app().await;
    let province_approver = app.user("approver", PROVINCE).await;
    let central_approver = app.user("approver", "TW").await;
    let body = json!([{"effective_from": "2027-01-01", "kind": "new", "amount": "70000000"}]);

    let res = app
        .put("/v1/housing-norms", &province_approver.token, &body)
        .await;
    assert_problem(res, 403, "forbidden").await;

    let res = app
        .put("/v1/housing-norms", &central_approver.token, &body)
        .await;
    assert_eq!(res.status(), 200);
    let set: Value = res.json().await.unwrap();
    assert_eq!(set["items"][0]["unit_id"], Value::Null);
    // everyone reads national norms
    let officer = app.user("officer", SIBLING_COMMUNE).await;
    let list: Value = app
        .get("/v1/housing-norms", &officer.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 3);
    assert!(list.get("in_force").is_none());
}

#[tokio::test]
async fn a_units_norm_is_set_by_its_own_approver_and_seen_only_in_scope() {
    let app = spawn_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let sibling = app.unit_id(SIBLING_COMMUNE).await;
    let province_approver = app.user("approver", PROVINCE).await;
    let commune_officer = app.user("officer", COMMUNE).await;
    let sibling_approver = app.user("approver", SIBLING_COMMUNE).await;
    let body = json!([{"effective_from": "2026-01-01", "kind": "new", "amount": "65000000",
                       "unit_id": commune}]);

    // the province sees the commune but does not set its norms; a sibling does not see it
    assert_problem(
        app.put("/v1/housing-norms", &province_approver.token, &body)
            .await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.put("/v1/housing-norms", &sibling_approver.token, &body)
            .await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.put("/v1/housing-norms", &commune_officer.token, &body)
            .await,
        403,
        "forbidden",
    )
    .await;
    let commune_approver = app.user("approver", COMMUNE).await;
    assert_eq!(
        app.put("/v1/housing-norms", &commune_approver.token, &body)
            .await
            .status(),
        200
    );

    let theirs: Value = app
        .get("/v1/housing-norms", &sibling_approver.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["items"].as_array().unwrap().len(), 2);
    let res = app
        .get(
            &format!("/v1/housing-norms?unit_id={commune}"),
            &sibling_approver.token,
        )
        .await;
    assert_problem(res, 404, "not_found").await;
    let list: Value = app
        .get(
            &format!("/v1/housing-norms?unit_id={sibling}"),
            &sibling_approver.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["in_force"]["new"], "60000000");
    let ours: Value = app
        .get("/v1/housing-norms", &province_approver.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ours["items"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn bad_norms_are_refused() {
    let app = spawn_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let approver = app.user("approver", COMMUNE).await;
    let item = |patch: Value| {
        let mut v = json!({"effective_from": "2026-01-01", "kind": "new", "amount": "65000000",
                           "unit_id": commune});
        for (k, x) in patch.as_object().unwrap() {
            v[k] = x.clone();
        }
        v
    };
    for body in [
        json!([]),
        json!([item(json!({"amount": "0"}))]),
        json!([item(json!({"amount": 65000000}))]),
        json!([item(json!({"kind": "palace"}))]),
        json!([item(json!({"effective_from": "soon"}))]),
        json!([item(json!({"colour": "red"}))]),
        json!((0..51).map(|_| item(json!({}))).collect::<Vec<_>>()),
    ] {
        let res = app.put("/v1/housing-norms", &approver.token, &body).await;
        assert_problem(res, 422, "validation_failed").await;
    }
    let res = app
        .put(
            "/v1/housing-norms",
            &approver.token,
            &json!([item(json!({"unit_id": Uuid::now_v7()}))]),
        )
        .await;
    assert_problem(res, 404, "not_found").await;
}
