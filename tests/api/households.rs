//! Households (api.md "Households"): registration in a commune with the national ID kept only
//! as a keyed hash and its last four digits, one registration per national ID anywhere (and a
//! 409 that names the existing household only to those who may see it), duplicate-name hints,
//! search without diacritics, privacy of the phone, corrections, history, and scope.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    assert_problem, household_body, spawn_app, TestApp, COMMUNE, PROVINCE, SIBLING_COMMUNE,
};

fn id_of(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

fn head_names(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["head_name"].as_str().unwrap())
        .collect()
}

async fn list(app: &TestApp, token: &str, query: &str) -> Value {
    let res = app.get(&format!("/v1/households{query}"), token).await;
    assert_eq!(res.status(), 200, "households listed");
    res.json().await.unwrap()
}

async fn household_count(app: &TestApp) -> i64 {
    app.sql()
        .await
        .query_one("SELECT count(*) FROM households", &[])
        .await
        .unwrap()
        .get(0)
}

/// `(action, changes as JSON text)` of the audit events about `target`, oldest first.
async fn audit_events(app: &TestApp, target: &str) -> Vec<(String, String)> {
    let target: Uuid = target.parse().unwrap();
    app.sql()
        .await
        .query(
            "SELECT action, changes::text FROM audit_events WHERE target_id = $1 ORDER BY occurred_at, id",
            &[&target],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

/// Registers `body` and asserts 201.
async fn register(app: &TestApp, token: &str, body: &Value) -> Value {
    let res = app.post("/v1/households", token, body).await;
    let status = res.status();
    let json: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "household registered: {json}");
    json
}

// ---------------------------------------------------------------- registration

#[tokio::test]
async fn registration_returns_the_last_four_digits_only_and_stores_no_national_id() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let mut body = household_body(app.unit_id(COMMUNE).await, "Nguyễn Văn A");
    body["phone"] = json!("0912 345 678");
    let national_id = body["national_id"].as_str().unwrap().to_owned();

    let res = app.post("/v1/households", &officer.token, &body).await;

    assert_eq!(res.status(), 201);
    let location = res
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let household: Value = res.json().await.unwrap();
    assert_eq!(location, format!("/v1/households/{}", id_of(&household)));
    assert_eq!(household["national_id_last4"], national_id[8..]);
    assert!(household.get("national_id").is_none(), "{household}");
    assert!(!household.to_string().contains(&national_id));
    assert_eq!(household["head_name"], "Nguyễn Văn A");
    assert_eq!(household["members"], 4);
    assert_eq!(household["status"], "poor");
    assert_eq!(household["status_year"], 2026);
    assert_eq!(household["phone"], "0912 345 678");
    assert_eq!(household["warnings"], json!([]));
    let stored: String = app
        .sql()
        .await
        .query_one("SELECT row_to_json(h)::text FROM households h", &[])
        .await
        .unwrap()
        .get(0);
    assert!(
        !stored.contains(&national_id),
        "the row holds the ID: {stored}"
    );
    let hmac_len: i32 = app
        .sql()
        .await
        .query_one("SELECT length(national_id_hmac) FROM households", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(hmac_len, 32);
}

#[tokio::test]
async fn registration_is_audited_without_name_national_id_or_phone() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let mut body = household_body(app.unit_id(COMMUNE).await, "Hoàng Thị Bích");
    body["phone"] = json!("0987654321");
    let national_id = body["national_id"].as_str().unwrap().to_owned();

    let household = register(&app, &officer.token, &body).await;

    let events = audit_events(&app, id_of(&household)).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].0, "household.create");
    let changes = &events[0].1;
    for secret in [
        national_id.as_str(),
        &national_id[8..],
        "Bích",
        "0987654321",
    ] {
        assert!(!changes.contains(secret), "{secret} in {changes}");
    }
}

#[tokio::test]
async fn an_idempotent_retry_returns_the_first_registration() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let body = household_body(app.unit_id(COMMUNE).await, "Lý Văn Sáu");

    let first = app
        .post_with_key("/v1/households", &officer.token, "hh-1", &body)
        .await;
    let second = app
        .post_with_key("/v1/households", &officer.token, "hh-1", &body)
        .await;

    assert_eq!(first.status(), 201);
    assert_eq!(second.status(), 201);
    assert_eq!(second.headers().get("idempotent-replayed").unwrap(), "true");
    let (first, second): (Value, Value) =
        (first.json().await.unwrap(), second.json().await.unwrap());
    assert_eq!(first, second);
    assert_eq!(household_count(&app).await, 1);
}

#[tokio::test]
async fn a_province_officer_registers_in_a_commune_below() {
    let app = spawn_app().await;
    let officer = app.user("officer", PROVINCE).await;

    let household = app.household(&officer.token, COMMUNE, "Đinh Văn Tám").await;

    assert_eq!(
        household["unit_id"],
        json!(app.unit_id(COMMUNE).await.to_string())
    );
}

#[tokio::test]
async fn a_household_cannot_be_registered_in_a_province() {
    let app = spawn_app().await;
    let officer = app.user("officer", PROVINCE).await;
    let body = household_body(app.unit_id(PROVINCE).await, "Nguyễn Văn A");

    let res = app.post("/v1/households", &officer.token, &body).await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "unit_id");
    assert_eq!(household_count(&app).await, 0);
}

#[tokio::test]
async fn an_approver_cannot_register_a_household() {
    let app = spawn_app().await;
    let approver = app.user("approver", COMMUNE).await;
    let body = household_body(app.unit_id(COMMUNE).await, "Nguyễn Văn A");

    let res = app.post("/v1/households", &approver.token, &body).await;

    assert_problem(res, 403, "forbidden").await;
    assert_eq!(household_count(&app).await, 0);
}

#[tokio::test]
async fn an_officer_cannot_register_in_another_commune() {
    let app = spawn_app().await;
    let officer = app.user("officer", SIBLING_COMMUNE).await;
    let body = household_body(app.unit_id(COMMUNE).await, "Nguyễn Văn A");

    let res = app.post("/v1/households", &officer.token, &body).await;

    assert_problem(res, 404, "not_found").await;
    assert_eq!(household_count(&app).await, 0);
}

#[tokio::test]
async fn bad_registrations_are_refused_field_by_field() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    let cases: Vec<(&str, Value, &str)> = vec![
        ("eleven digits", json!("00123456789"), "national_id"),
        ("thirteen digits", json!("0012345678901"), "national_id"),
        ("letters", json!("00123456789A"), "national_id"),
        ("spaces", json!("001 23456789"), "national_id"),
    ];
    for (what, national_id, field) in cases {
        let mut body = household_body(unit_id, "Nguyễn Văn A");
        body["national_id"] = national_id;
        let res = app.post("/v1/households", &officer.token, &body).await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{what}: {problem}");
    }
    let edits: Vec<(&str, Value, &str)> = vec![
        ("members", json!(0), "members"),
        ("members", json!(101), "members"),
        ("status", json!("bogus"), "status"),
        ("status_year", json!(1999), "status_year"),
        ("head_name", json!("   "), "head_name"),
        ("village", json!(""), "village"),
        ("phone", json!("call me"), "phone"),
        ("nickname", json!("Bé"), "nickname"),
    ];
    for (key, value, field) in edits {
        let mut body = household_body(unit_id, "Nguyễn Văn A");
        body[key] = value;
        let res = app.post("/v1/households", &officer.token, &body).await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{key}: {problem}");
    }
    let mut body = household_body(unit_id, "Nguyễn Văn A");
    body.as_object_mut().unwrap().remove("national_id");
    let res = app.post("/v1/households", &officer.token, &body).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "national_id");
    assert_eq!(household_count(&app).await, 0);
}

// ---------------------------------------------------------------- one registration per national ID

#[tokio::test]
async fn the_same_national_id_twice_is_409_naming_the_household_in_scope() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let body = household_body(app.unit_id(COMMUNE).await, "Nguyễn Văn A");
    let first = register(&app, &officer.token, &body).await;
    let mut again = household_body(app.unit_id(COMMUNE).await, "Nguyen Van A (ghi lai)");
    again["national_id"] = body["national_id"].clone();

    let res = app.post("/v1/households", &officer.token, &again).await;

    let problem = assert_problem(res, 409, "duplicate_household").await;
    assert_eq!(problem["existing_household_id"], first["id"]);
    assert_eq!(household_count(&app).await, 1);
}

#[tokio::test]
async fn a_national_id_registered_in_another_commune_is_409_without_its_id() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let sibling = app.user("officer", SIBLING_COMMUNE).await;
    let body = household_body(app.unit_id(COMMUNE).await, "Nguyễn Văn A");
    register(&app, &officer.token, &body).await;
    let mut again = household_body(app.unit_id(SIBLING_COMMUNE).await, "Nguyễn Văn B");
    again["national_id"] = body["national_id"].clone();

    let res = app.post("/v1/households", &sibling.token, &again).await;

    let problem = assert_problem(res, 409, "duplicate_household").await;
    assert!(problem.get("existing_household_id").is_none(), "{problem}");
    let mut keys: Vec<&str> = problem
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        ["code", "status", "title", "type"],
        "nothing else: {problem}"
    );
    assert_eq!(household_count(&app).await, 1);
}

#[tokio::test]
async fn a_refused_duplicate_writes_nothing_and_frees_its_idempotency_key() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let body = household_body(app.unit_id(COMMUNE).await, "Nguyễn Văn A");
    let first = register(&app, &officer.token, &body).await;
    let mut again = household_body(app.unit_id(COMMUNE).await, "Trần Văn C");
    again["national_id"] = body["national_id"].clone();
    let events_before: i64 = app
        .sql()
        .await
        .query_one("SELECT count(*) FROM audit_events", &[])
        .await
        .unwrap()
        .get(0);

    let refused = app
        .post_with_key("/v1/households", &officer.token, "dup-1", &again)
        .await;
    let retried = app
        .post_with_key("/v1/households", &officer.token, "dup-1", &again)
        .await;

    assert_problem(refused, 409, "duplicate_household").await;
    // not a stored replay: the key was released and the work ran (and was refused) again
    let problem = assert_problem(retried, 409, "duplicate_household").await;
    assert_eq!(problem["existing_household_id"], first["id"]);
    let events_after: i64 = app
        .sql()
        .await
        .query_one("SELECT count(*) FROM audit_events", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(events_after, events_before);
    assert_eq!(household_count(&app).await, 1);
}

#[tokio::test]
async fn the_same_name_in_the_same_village_registers_with_a_warning() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    app.household(&officer.token, COMMUNE, "Nguyễn Văn A").await;
    let mut body = household_body(unit_id, "NGUYEN  van a");
    body["village"] = json!("thôn nà pàn");

    let household = register(&app, &officer.token, &body).await;

    assert_eq!(household["warnings"], json!(["possible_duplicate"]));
    assert_eq!(household_count(&app).await, 2);
}

#[tokio::test]
async fn the_same_name_in_another_village_gets_no_warning() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    app.household(&officer.token, COMMUNE, "Nguyễn Văn A").await;
    let mut body = household_body(app.unit_id(COMMUNE).await, "Nguyễn Văn A");
    body["village"] = json!("Thôn Khòn Quắc");

    let household = register(&app, &officer.token, &body).await;

    assert_eq!(household["warnings"], json!([]));
}

// ---------------------------------------------------------------- reading and scope

#[tokio::test]
async fn an_officer_of_a_sibling_commune_cannot_read_the_household() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let sibling = app.user("officer", SIBLING_COMMUNE).await;
    let household = app.household(&officer.token, COMMUNE, "Nguyễn Văn A").await;
    let path = format!("/v1/households/{}", id_of(&household));

    assert_problem(app.get(&path, &sibling.token).await, 404, "not_found").await;
    assert_problem(
        app.get(&format!("{path}/history"), &sibling.token).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.patch(&path, &sibling.token, &json!({"members": 5}))
            .await,
        404,
        "not_found",
    )
    .await;
    let listed = list(&app, &sibling.token, "").await;
    assert_eq!(listed["items"], json!([]));
}

#[tokio::test]
async fn a_province_officer_reads_households_of_its_communes() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let province = app.user("officer", PROVINCE).await;
    let household = app.household(&officer.token, COMMUNE, "Nguyễn Văn A").await;

    let res = app
        .get(
            &format!("/v1/households/{}", id_of(&household)),
            &province.token,
        )
        .await;

    assert_eq!(res.status(), 200);
    let read: Value = res.json().await.unwrap();
    assert_eq!(read["id"], household["id"]);
    assert_eq!(read["national_id_last4"], household["national_id_last4"]);
    assert!(read.get("warnings").is_none());
}

#[tokio::test]
async fn an_unknown_household_is_404() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;

    let res = app
        .get(
            &format!("/v1/households/{}", Uuid::now_v7()),
            &officer.token,
        )
        .await;

    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn the_phone_is_shown_to_an_officer_and_hidden_from_an_approver() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let approver = app.user("approver", COMMUNE).await;
    let mut body = household_body(app.unit_id(COMMUNE).await, "Nguyễn Văn A");
    body["phone"] = json!("0912345678");
    let household = register(&app, &officer.token, &body).await;
    let path = format!("/v1/households/{}", id_of(&household));

    let by_officer: Value = app.get(&path, &officer.token).await.json().await.unwrap();
    let by_approver: Value = app.get(&path, &approver.token).await.json().await.unwrap();
    let listed = list(&app, &approver.token, "").await;

    assert_eq!(by_officer["phone"], "0912345678");
    assert_eq!(by_approver["id"], household["id"]);
    assert!(by_approver["phone"].is_null(), "{by_approver}");
    assert!(listed["items"][0]["phone"].is_null(), "{listed}");
}

// ---------------------------------------------------------------- listing

#[tokio::test]
async fn households_are_found_by_name_without_diacritics() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    app.household(&officer.token, COMMUNE, "Nguyễn Văn A").await;
    app.household(&officer.token, COMMUNE, "Trần Thị Bình")
        .await;

    let found = list(&app, &officer.token, "?q=nguyen%20van%20a").await;
    let by_part = list(&app, &officer.token, "?q=BINH").await;

    assert_eq!(head_names(&found), ["Nguyễn Văn A"]);
    assert_eq!(head_names(&by_part), ["Trần Thị Bình"]);
}

#[tokio::test]
async fn a_search_treats_like_wildcards_as_text() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    app.household(&officer.token, COMMUNE, "Nguyễn Văn A").await;

    let found = list(&app, &officer.token, "?q=%25").await;
    let underscore = list(&app, &officer.token, "?q=_").await;

    assert_eq!(found["items"], json!([]));
    assert_eq!(underscore["items"], json!([]));
}

#[tokio::test]
async fn households_filter_by_unit_and_status() {
    let app = spawn_app().await;
    let officer = app.user("officer", PROVINCE).await;
    app.household(&officer.token, COMMUNE, "Nguyễn Văn A").await;
    let mut body = household_body(app.unit_id(SIBLING_COMMUNE).await, "Lò Văn Bảy");
    body["status"] = json!("near_poor");
    register(&app, &officer.token, &body).await;

    let everything = list(&app, &officer.token, "").await;
    let in_commune = list(
        &app,
        &officer.token,
        &format!("?unit_id={}", app.unit_id(COMMUNE).await),
    )
    .await;
    let in_province = list(
        &app,
        &officer.token,
        &format!("?unit_id={}", app.unit_id(PROVINCE).await),
    )
    .await;
    let near_poor = list(&app, &officer.token, "?status=near_poor").await;

    assert_eq!(head_names(&everything), ["Nguyễn Văn A", "Lò Văn Bảy"]);
    assert_eq!(head_names(&in_commune), ["Nguyễn Văn A"]);
    assert_eq!(head_names(&in_province).len(), 2);
    assert_eq!(head_names(&near_poor), ["Lò Văn Bảy"]);
    let bogus = app.get("/v1/households?status=rich", &officer.token).await;
    assert_problem(bogus, 422, "validation_failed").await;
}

#[tokio::test]
async fn listing_a_unit_outside_the_scope_is_404() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;

    let res = app
        .get(
            &format!(
                "/v1/households?unit_id={}",
                app.unit_id(SIBLING_COMMUNE).await
            ),
            &officer.token,
        )
        .await;

    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn households_paginate_without_gaps_or_repeats() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    for name in ["Hộ Một", "Hộ Hai", "Hộ Ba"] {
        app.household(&officer.token, COMMUNE, name).await;
    }

    let first = list(&app, &officer.token, "?limit=2").await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = list(&app, &officer.token, &format!("?limit=2&cursor={cursor}")).await;

    assert_eq!(head_names(&first), ["Hộ Một", "Hộ Hai"]);
    assert_eq!(head_names(&second), ["Hộ Ba"]);
    assert!(second["next_cursor"].is_null());
}

// ---------------------------------------------------------------- corrections

#[tokio::test]
async fn a_patch_changes_the_fields_sent_and_audits_their_names_only() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let household = app.household(&officer.token, COMMUNE, "Nguyễn Văn A").await;
    let path = format!("/v1/households/{}", id_of(&household));

    let res = app
        .patch(
            &path,
            &officer.token,
            &json!({"head_name": "Nguyễn Văn Ánh", "members": 5, "phone": "0911000111",
                    "status": "near_poor", "village": household["village"]}),
        )
        .await;

    assert_eq!(res.status(), 200);
    let updated: Value = res.json().await.unwrap();
    assert_eq!(updated["head_name"], "Nguyễn Văn Ánh");
    assert_eq!(updated["members"], 5);
    assert_eq!(updated["phone"], "0911000111");
    assert_eq!(updated["status"], "near_poor");
    assert_eq!(updated["address"], household["address"]);
    assert_eq!(updated["national_id_last4"], household["national_id_last4"]);
    let read: Value = app.get(&path, &officer.token).await.json().await.unwrap();
    assert_eq!(read["head_name"], "Nguyễn Văn Ánh");
    let found = list(&app, &officer.token, "?q=van%20anh").await;
    assert_eq!(head_names(&found), ["Nguyễn Văn Ánh"]);
    let events = audit_events(&app, id_of(&household)).await;
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].0, "household.update");
    let changes: Value = serde_json::from_str(&events[1].1).unwrap();
    // the village was sent unchanged: it is not a change
    assert_eq!(
        changes,
        json!({"fields": ["head_name", "members", "status", "phone"]})
    );
}

#[tokio::test]
async fn a_patch_with_null_clears_an_optional_field() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let mut body = household_body(app.unit_id(COMMUNE).await, "Nguyễn Văn A");
    body["ethnicity"] = json!("Tày");
    let household = register(&app, &officer.token, &body).await;

    let res = app
        .patch(
            &format!("/v1/households/{}", id_of(&household)),
            &officer.token,
            &json!({"ethnicity": null}),
        )
        .await;

    assert_eq!(res.status(), 200);
    let updated: Value = res.json().await.unwrap();
    assert!(updated["ethnicity"].is_null());
}

#[tokio::test]
async fn a_patch_cannot_change_the_national_id_the_commune_or_bad_values() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let household = app.household(&officer.token, COMMUNE, "Nguyễn Văn A").await;
    let path = format!("/v1/households/{}", id_of(&household));
    let cases = [
        (json!({"national_id": "001234567890"}), "national_id"),
        (
            json!({"unit_id": app.unit_id(SIBLING_COMMUNE).await}),
            "unit_id",
        ),
        (json!({"members": 0}), "members"),
        (json!({"head_name": null}), "head_name"),
        (json!({"status": "bogus"}), "status"),
    ];
    for (body, field) in cases {
        let res = app.patch(&path, &officer.token, &body).await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
    }
    assert_eq!(audit_events(&app, id_of(&household)).await.len(), 1);
}

#[tokio::test]
async fn an_approver_cannot_patch_a_household() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let approver = app.user("approver", COMMUNE).await;
    let household = app.household(&officer.token, COMMUNE, "Nguyễn Văn A").await;

    let res = app
        .patch(
            &format!("/v1/households/{}", id_of(&household)),
            &approver.token,
            &json!({"members": 7}),
        )
        .await;

    assert_problem(res, 403, "forbidden").await;
}

// ---------------------------------------------------------------- history

#[tokio::test]
async fn a_new_household_has_an_empty_history() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let household = app.household(&officer.token, COMMUNE, "Nguyễn Văn A").await;

    let res = app
        .get(
            &format!("/v1/households/{}/history", id_of(&household)),
            &officer.token,
        )
        .await;

    assert_eq!(res.status(), 200);
    let history: Value = res.json().await.unwrap();
    assert_eq!(
        history,
        json!({"household_id": household["id"], "items": []})
    );
}

#[tokio::test]
async fn the_history_lists_grants_to_the_household() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let household = app.household(&officer.token, COMMUNE, "Nguyễn Văn A").await;
    let household_id: Uuid = id_of(&household).parse().unwrap();
    let unit_id = app.unit_id(COMMUNE).await;
    let grant: Uuid = app
        .sql()
        .await
        .query_one(
            "INSERT INTO disbursements (unit_id, category, household_id, amount, method, description, submitted_by) \
             VALUES ($1, 'medical', $2, 2500000, 'cash', 'Hỗ trợ viện phí', $3) RETURNING id",
            &[&unit_id, &household_id, &officer.id],
        )
        .await
        .unwrap()
        .get(0);

    let res = app
        .get(
            &format!("/v1/households/{household_id}/history"),
            &officer.token,
        )
        .await;

    assert_eq!(res.status(), 200);
    let history: Value = res.json().await.unwrap();
    assert_eq!(
        history["items"],
        json!([{"kind": "grant", "id": grant, "unit_id": unit_id, "status": "submitted",
                "amount": "2500000", "category": "medical"}])
    );
}
