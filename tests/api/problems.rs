//! Bad input gets a 4xx problem document, never a 500 (`api.md` conventions): malformed or
//! oversized bodies, wrong content types, unknown, missing or mistyped fields, unknown routes
//! and methods, bad path ids and query parameters, the response language, and no database text
//! in any answer.

use futures_util::future::join_all;
use reqwest::{Method, Response};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_problem, spawn_app, TestApp, PROVINCE};

/// A body that would create a commune under the province.
async fn new_unit(app: &TestApp, code: &str) -> Value {
    json!({"code": code, "name": "Mới", "full_name": "Xã Mới", "tier": "commune", "parent_id": app.unit_id(PROVINCE).await})
}

async fn post_raw(
    app: &TestApp,
    path: &str,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> Response {
    app.client
        .post(app.url(path))
        .bearer_auth(app.root_token().await)
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

fn assert_no_database_text(body: &Value) {
    let text = body.to_string().to_lowercase();
    for word in [
        "duplicate key",
        "violates",
        "constraint",
        "sqlstate",
        "postgres",
        "diesel",
        "relation \"",
    ] {
        assert!(!text.contains(word), "database text {word:?} in {body}");
    }
}

// ---------------------------------------------------------------- bodies

#[tokio::test]
async fn malformed_json_is_400() {
    let app = spawn_app().await;

    let res = post_raw(
        &app,
        "/v1/units",
        "application/json",
        "{\"code\": \"99901\",",
    )
    .await;

    let body = assert_problem(res, 400, "malformed_json").await;
    assert_eq!(body["type"], "urn:doanket:problem:malformed_json");
}

#[tokio::test]
async fn a_body_that_is_not_utf8_is_400() {
    let app = spawn_app().await;

    let res = post_raw(
        &app,
        "/v1/auth/token",
        "application/json",
        vec![b'{', b'"', 0xff, 0xfe, b'"', b'}'],
    )
    .await;

    assert_problem(res, 400, "malformed_json").await;
}

#[tokio::test]
async fn a_json_body_sent_as_text_plain_is_415() {
    let app = spawn_app().await;
    let body = new_unit(&app, "99901").await.to_string();

    let res = post_raw(&app, "/v1/units", "text/plain", body).await;

    assert_problem(res, 415, "unsupported_media_type").await;
}

#[tokio::test]
async fn a_json_body_without_a_content_type_is_415() {
    let app = spawn_app().await;

    let res = app
        .client
        .post(app.url("/v1/auth/token"))
        .body(r#"{"username": "root", "password": "x"}"#)
        .send()
        .await
        .unwrap();

    assert_problem(res, 415, "unsupported_media_type").await;
}

#[tokio::test]
async fn a_json_body_over_one_mebibyte_is_413() {
    let app = spawn_app().await;
    let big = json!({"username": "root", "password": "x".repeat((1 << 20) + 10)}).to_string();

    let res = app
        .client
        .post(app.url("/v1/auth/token"))
        .header("Content-Type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();

    assert_problem(res, 413, "payload_too_large").await;
}

#[tokio::test]
async fn a_body_just_under_the_limit_is_read_and_judged_on_its_content() {
    let app = spawn_app().await;
    let body = json!({"username": "root", "password": "x".repeat((1 << 20) - 100)}).to_string();
    assert!(body.len() < 1 << 20);

    let res = app
        .client
        .post(app.url("/v1/auth/token"))
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();

    assert_problem(res, 401, "invalid_credentials").await;
}

#[tokio::test]
async fn an_unknown_json_field_is_422_naming_it() {
    let app = spawn_app().await;
    let mut body = new_unit(&app, "99901").await;
    body["colour"] = json!("red");

    let res = app.post("/v1/units", &app.root_token().await, &body).await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "colour", "{problem}");
    assert!(problem["errors"][0]["message"].is_string());
    assert_eq!(
        app.sql()
            .await
            .query_one("SELECT count(*) FROM units WHERE code = '99901'", &[])
            .await
            .unwrap()
            .get::<_, i64>(0),
        0
    );
}

#[tokio::test]
async fn a_missing_json_field_is_422_naming_it() {
    let app = spawn_app().await;
    let mut body = new_unit(&app, "99901").await;
    body.as_object_mut().unwrap().remove("full_name");

    let res = app.post("/v1/units", &app.root_token().await, &body).await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "full_name", "{problem}");
}

#[tokio::test]
async fn a_number_where_a_string_is_expected_is_422() {
    let app = spawn_app().await;
    let mut body = new_unit(&app, "99901").await;
    body["name"] = json!(12345);

    let res = app.post("/v1/units", &app.root_token().await, &body).await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert!(
        !problem["errors"].as_array().unwrap().is_empty(),
        "{problem}"
    );
}

#[tokio::test]
async fn a_json_array_or_scalar_instead_of_an_object_is_422() {
    let app = spawn_app().await;

    for body in [json!([1, 2]), json!("root"), json!(null)] {
        let res = app
            .request(Method::POST, "/v1/auth/token", None, Some(&body))
            .await;
        assert_problem(res, 422, "validation_failed").await;
    }
}

#[tokio::test]
async fn an_unknown_enum_value_is_422() {
    let app = spawn_app().await;
    let mut body = new_unit(&app, "99901").await;
    body["tier"] = json!("village");

    let res = app.post("/v1/units", &app.root_token().await, &body).await;

    assert_problem(res, 422, "validation_failed").await;
}

#[tokio::test]
async fn a_ten_thousand_character_name_is_422_not_500() {
    let app = spawn_app().await;
    let mut body = new_unit(&app, "99901").await;
    body["name"] = json!("Đ".repeat(10_000));

    let res = app.post("/v1/units", &app.root_token().await, &body).await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "name", "{problem}");
}

#[tokio::test]
async fn ten_thousand_character_strings_elsewhere_are_4xx_not_500() {
    let app = spawn_app().await;
    let root = app.root_token().await;
    let long = "a".repeat(10_000);
    let commune = app.unit_id(crate::helpers::COMMUNE).await;

    let res = app.sign_in(&long, &long).await;
    assert_problem(res, 401, "invalid_credentials").await;
    let res = app
        .post(
            "/v1/users",
            &root,
            &json!({"username": long, "password": long, "full_name": long, "roles": [{"role": "officer", "unit_id": commune}]}),
        )
        .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["username", "password", "full_name"]);
    let res = app.get(&format!("/v1/units?q={long}"), &root).await;
    assert_problem(res, 422, "validation_failed").await;
    let res = app.get(&format!("/v1/units/by-code/{long}"), &root).await;
    assert_problem(res, 404, "not_found").await;
}

// ---------------------------------------------------------------- routes, methods and paths

#[tokio::test]
async fn an_unknown_route_is_a_404_problem() {
    let app = spawn_app().await;

    let res = app.get("/v1/no-such-thing", &app.root_token().await).await;
    assert_problem(res, 404, "not_found").await;
    let res = app
        .request(Method::GET, "/nowhere/at/all", None, None)
        .await;
    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn a_wrong_method_is_a_405_problem() {
    let app = spawn_app().await;
    let root = app.root_token().await;

    let res = app
        .request(Method::DELETE, "/v1/units", Some(&root), None)
        .await;
    let allow = res
        .headers()
        .get("allow")
        .map(|v| v.to_str().unwrap().to_owned());
    assert_problem(res, 405, "method_not_allowed").await;
    let allow = allow.expect("405 names the allowed methods");
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");

    let res = app.request(Method::GET, "/v1/auth/token", None, None).await;
    assert_problem(res, 405, "method_not_allowed").await;
    let unit = app.unit_id(PROVINCE).await;
    let res = app
        .request(
            Method::PATCH,
            &format!("/v1/units/{unit}"),
            Some(&root),
            Some(&json!({})),
        )
        .await;
    assert_problem(res, 405, "method_not_allowed").await;
}

#[tokio::test]
async fn a_path_id_that_is_not_a_uuid_is_404() {
    let app = spawn_app().await;
    let root = app.root_token().await;

    for path in [
        "/v1/units/not-a-uuid",
        "/v1/users/12345",
        "/v1/units/%00",
        "/v1/users/not-a-uuid/disable",
    ] {
        let res = if path.ends_with("disable") {
            app.post(path, &root, &json!({})).await
        } else {
            app.get(path, &root).await
        };
        assert_problem(res, 404, "not_found").await;
    }
}

#[tokio::test]
async fn an_unknown_uuid_is_404() {
    let app = spawn_app().await;

    let res = app
        .get(
            &format!("/v1/units/{}", Uuid::now_v7()),
            &app.root_token().await,
        )
        .await;

    assert_problem(res, 404, "not_found").await;
}

// ---------------------------------------------------------------- query parameters

#[tokio::test]
async fn a_limit_of_zero_or_over_five_hundred_is_422() {
    let app = spawn_app().await;
    let root = app.root_token().await;

    for limit in ["0", "501", "-1", "many", "99999999999999999999"] {
        let res = app.get(&format!("/v1/units?limit={limit}"), &root).await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert!(
            !problem["errors"].as_array().unwrap().is_empty(),
            "limit={limit}: {problem}"
        );
    }
    for path in ["/v1/users?limit=0", "/v1/audit-events?limit=501"] {
        assert_problem(app.get(path, &root).await, 422, "validation_failed").await;
    }
    assert_eq!(app.get("/v1/units?limit=500", &root).await.status(), 200);
    assert_eq!(app.get("/v1/units?limit=1", &root).await.status(), 200);
}

#[tokio::test]
async fn the_limit_error_names_the_limit_field() {
    let app = spawn_app().await;

    let res = app.get("/v1/units?limit=0", &app.root_token().await).await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "limit");
}

#[tokio::test]
async fn a_garbage_cursor_is_422() {
    let app = spawn_app().await;
    let root = app.root_token().await;

    for path in [
        "/v1/units?cursor=!!!",
        "/v1/users?cursor=bm9wZQ",
        "/v1/audit-events?cursor=%25%25",
    ] {
        let problem = assert_problem(app.get(path, &root).await, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "cursor", "{path}: {problem}");
    }
}

#[tokio::test]
async fn an_unknown_query_parameter_is_422() {
    let app = spawn_app().await;

    let res = app
        .get("/v1/units?colour=red", &app.root_token().await)
        .await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "colour", "{problem}");
}

#[tokio::test]
async fn a_mistyped_query_parameter_is_422() {
    let app = spawn_app().await;
    let root = app.root_token().await;

    for path in [
        "/v1/units?parent_id=not-a-uuid",
        "/v1/units?tier=village",
        "/v1/audit-events?from=yesterday",
    ] {
        assert_problem(app.get(path, &root).await, 422, "validation_failed").await;
    }
}

// ---------------------------------------------------------------- language

#[tokio::test]
async fn accept_language_vi_gives_vietnamese_titles_with_the_same_code() {
    let app = spawn_app().await;
    let get = |lang: Option<&'static str>| {
        let mut req = app.client.get(app.url("/v1/no-such-thing"));
        if let Some(lang) = lang {
            req = req.header("Accept-Language", lang);
        }
        req.send()
    };

    let vi = assert_problem(get(Some("vi")).await.unwrap(), 404, "not_found").await;
    let vi_vn = assert_problem(
        get(Some("vi-VN,vi;q=0.9,en;q=0.5")).await.unwrap(),
        404,
        "not_found",
    )
    .await;
    let en = assert_problem(get(Some("en-US")).await.unwrap(), 404, "not_found").await;
    let none = assert_problem(get(None).await.unwrap(), 404, "not_found").await;
    let fr = assert_problem(get(Some("fr")).await.unwrap(), 404, "not_found").await;

    assert_eq!(vi["title"], "Không tìm thấy");
    assert_eq!(vi_vn["title"], "Không tìm thấy");
    assert_eq!(en["title"], "Not found");
    assert_eq!(none["title"], "Not found");
    assert_eq!(fr["title"], "Not found");
}

#[tokio::test]
async fn vietnamese_covers_field_errors_and_actix_generated_problems() {
    let app = spawn_app().await;
    let root = app.root_token().await;
    let mut body = new_unit(&app, "lower case!").await;
    body["name"] = json!("");

    let res = app
        .client
        .post(app.url("/v1/units"))
        .bearer_auth(&root)
        .header("Accept-Language", "vi")
        .json(&body)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["title"], "Dữ liệu không hợp lệ");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["code", "name"]);
    assert_eq!(problem["errors"][1]["message"], "từ 1 đến 200 ký tự");

    let res = app
        .client
        .delete(app.url("/v1/units"))
        .bearer_auth(&root)
        .header("Accept-Language", "vi")
        .send()
        .await
        .unwrap();
    let problem = assert_problem(res, 405, "method_not_allowed").await;
    assert_eq!(problem["title"], "Phương thức không được hỗ trợ");

    let res = app
        .client
        .get(app.url("/v1/auth/me"))
        .header("Accept-Language", "vi")
        .send()
        .await
        .unwrap();
    let problem = assert_problem(res, 401, "unauthenticated").await;
    assert_eq!(problem["title"], "Cần đăng nhập");
}

// ---------------------------------------------------------------- no database text

#[tokio::test]
async fn racing_duplicate_unit_codes_get_409_without_database_text() {
    let app = spawn_app().await;
    let root = app.root_token().await;
    let body = new_unit(&app, "99901").await;

    // concurrent creations of one code: the losers reach the unique index, not only the pre-check
    let attempts = (0..8).map(|_| app.post("/v1/units", &root, &body));
    let responses = join_all(attempts).await;

    let mut created = 0;
    for res in responses {
        let status = res.status().as_u16();
        let problem: Value = res.json().await.unwrap();
        assert_no_database_text(&problem);
        match status {
            201 => created += 1,
            409 => assert_eq!(problem["code"], "duplicate_unit_code", "{problem}"),
            other => panic!("unexpected {other}: {problem}"),
        }
    }
    assert_eq!(created, 1);
}

#[tokio::test]
async fn duplicate_usernames_get_409_without_database_text() {
    let app = spawn_app().await;
    let root = app.root_token().await;
    let commune = app.unit_id(crate::helpers::COMMUNE).await;
    let body = json!({"username": "twin", "password": "a-long-enough-password", "full_name": "Twin",
                      "roles": [{"role": "officer", "unit_id": commune}]});

    let responses = join_all((0..4).map(|_| app.post("/v1/users", &root, &body))).await;

    let mut created = 0;
    for res in responses {
        let status = res.status().as_u16();
        let problem: Value = res.json().await.unwrap();
        assert_no_database_text(&problem);
        match status {
            201 => created += 1,
            409 => assert_eq!(problem["code"], "duplicate_username", "{problem}"),
            other => panic!("unexpected {other}: {problem}"),
        }
    }
    assert_eq!(created, 1);
}

#[tokio::test]
async fn text_the_database_refuses_is_a_4xx_without_database_text() {
    let app = spawn_app().await;
    let root = app.root_token().await;
    let mut body = new_unit(&app, "99901").await;
    // NUL is valid JSON and valid UTF-8 but PostgreSQL text cannot hold it
    body["name"] = json!("Xã\u{0}Mới");
    body["full_name"] = json!("Xã\u{0}Mới");

    let res = app.post("/v1/units", &root, &body).await;

    let status = res.status();
    let problem: Value = res.json().await.unwrap();
    assert!(status.is_client_error(), "{status}: {problem}");
    assert_no_database_text(&problem);
}

/// A NUL byte cannot be stored by PostgreSQL; wherever it arrives it is the client's error.
#[tokio::test]
async fn a_nul_byte_anywhere_is_a_4xx_never_a_500() {
    let app = crate::helpers::spawn_app().await;
    let token = app.root_token().await;
    for path in [
        "/v1/units/by-code/%00",
        "/v1/units?q=a%00b",
        "/v1/audit-events?action=a%00",
        "/v1/donations?q=a%00",
    ] {
        let res = app.get(path, &token).await;
        assert!(res.status().is_client_error(), "{path}: {}", res.status());
    }
}

#[tokio::test]
async fn an_admin_cannot_change_their_own_roles() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.user("admin", crate::helpers::PROVINCE).await;
    let res = app
        .put(
            &format!("/v1/users/{}/roles", admin.id),
            &admin.token,
            &serde_json::json!({"roles": []}),
        )
        .await;
    crate::helpers::assert_problem(res, 409, "conflict").await;
}

#[tokio::test]
async fn an_oversized_refresh_token_is_refused() {
    let app = crate::helpers::spawn_app().await;
    let long = "x".repeat(4097);
    for path in ["/v1/auth/refresh", "/v1/auth/revoke"] {
        let res = app
            .request(
                reqwest::Method::POST,
                path,
                None,
                Some(&serde_json::json!({"refresh_token": long})),
            )
            .await;
        crate::helpers::assert_problem(res, 422, "validation_failed").await;
    }
}
