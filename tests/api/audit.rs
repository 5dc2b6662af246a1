//! The audit trail: every state change leaves one event saying who (with their roles), what,
//! on which target and unit, from which request and address; readers see only their scope.

use std::collections::HashSet;

use reqwest::Response;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    assert_problem, spawn_app, TestApp, COMMUNE, PROVINCE, ROOT_PASSWORD, ROOT_USERNAME,
    USER_PASSWORD,
};

async fn root_id(app: &TestApp) -> Uuid {
    app.sql()
        .await
        .query_one(
            "SELECT id FROM users WHERE username = $1",
            &[&ROOT_USERNAME],
        )
        .await
        .unwrap()
        .get(0)
}

fn request_id(res: &Response) -> String {
    res.headers()["x-request-id"].to_str().unwrap().to_owned()
}

/// Every event visible to `token` with the given query (walks all pages).
async fn events(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/v1/audit-events?limit=500&{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let res = app.get(&path, token).await;
        assert_eq!(res.status(), 200, "{path}");
        let page: Value = res.json().await.unwrap();
        out.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return out,
        }
    }
}

/// The one event with this request id, read through the API as root.
async fn event_of_request(app: &TestApp, request_id: &str) -> Value {
    let root = app.root_token().await;
    let all = events(app, &root, "").await;
    let matching: Vec<_> = all
        .into_iter()
        .filter(|e| e["request_id"] == request_id)
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "one event for request {request_id}: {matching:?}"
    );
    matching.into_iter().next().unwrap()
}

fn root_roles(tw: Uuid) -> Value {
    json!([{"role": "admin", "unit_id": tw, "unit_code": "TW"}])
}

fn actions(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect()
}

async fn create_unit(app: &TestApp, token: &str, code: &str, tier: &str, parent: Uuid) -> Response {
    app.post(
        "/v1/units",
        token,
        &json!({"code": code, "name": format!("Đơn vị {code}"), "full_name": format!("Đơn vị {code}"), "tier": tier, "parent_id": parent}),
    )
    .await
}

async fn create_user(
    app: &TestApp,
    token: &str,
    username: &str,
    role: &str,
    unit: Uuid,
) -> Response {
    app.post(
        "/v1/users",
        token,
        &json!({"username": username, "password": "a-good-long-password", "full_name": "Trần Thị B", "roles": [{"role": role, "unit_id": unit}]}),
    )
    .await
}

// ---------------------------------------------------------------- one event per change

#[tokio::test]
async fn creating_a_unit_is_audited() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    let province = app.unit_id(PROVINCE).await;

    let res = create_unit(&app, &token, "999", "district", province).await;

    assert_eq!(res.status(), 201);
    let rid = request_id(&res);
    let unit: Value = res.json().await.unwrap();
    let event = event_of_request(&app, &rid).await;
    assert_eq!(event["action"], "unit.create");
    assert_eq!(event["actor_id"], root_id(&app).await.to_string());
    assert_eq!(event["actor_roles"], root_roles(app.unit_id("TW").await));
    assert_eq!(event["target_type"], "unit");
    assert_eq!(event["target_id"], unit["id"]);
    assert_eq!(event["unit_id"], unit["id"]);
    assert_eq!(event["client_ip"], "127.0.0.1");
    assert_eq!(event["changes"]["code"], "999");
}

#[tokio::test]
async fn importing_units_is_audited_with_the_counts() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    let csv = "code,parent_code,tier,name,full_name,kind\n97,,province,Tỉnh Thử,Tỉnh Thử,Tỉnh\n";

    let res = app
        .client
        .post(app.url("/v1/units/import"))
        .bearer_auth(&token)
        .header("Content-Type", "text/csv")
        .header("X-Request-Id", "import-run-1")
        .body(csv)
        .send()
        .await
        .unwrap();

    assert_eq!(res.status(), 200);
    assert_eq!(request_id(&res), "import-run-1");
    let event = event_of_request(&app, "import-run-1").await;
    let tw = app.unit_id("TW").await;
    assert_eq!(event["action"], "unit.import");
    assert_eq!(event["actor_id"], root_id(&app).await.to_string());
    assert_eq!(event["actor_roles"], root_roles(tw));
    assert_eq!(event["target_id"], tw.to_string());
    assert_eq!(event["unit_id"], tw.to_string());
    assert_eq!(event["client_ip"], "127.0.0.1");
    assert_eq!(
        event["changes"],
        json!({"created": 1, "updated": 0, "unchanged": 0})
    );
}

#[tokio::test]
async fn creating_a_user_is_audited_in_the_granted_unit() {
    let app = spawn_app().await;
    let admin = app.user("admin", PROVINCE).await;
    let commune = app.unit_id(COMMUNE).await;
    let province = app.unit_id(PROVINCE).await;

    let res = create_user(&app, &admin.token, "can.bo.moi", "officer", commune).await;

    assert_eq!(res.status(), 201);
    let rid = request_id(&res);
    let user: Value = res.json().await.unwrap();
    let event = event_of_request(&app, &rid).await;
    assert_eq!(event["action"], "user.create");
    assert_eq!(event["actor_id"], admin.id.to_string());
    assert_eq!(
        event["actor_roles"],
        json!([{"role": "admin", "unit_id": province, "unit_code": PROVINCE}])
    );
    assert_eq!(event["target_type"], "user");
    assert_eq!(event["target_id"], user["id"]);
    assert_eq!(event["unit_id"], commune.to_string());
    assert_eq!(event["client_ip"], "127.0.0.1");
    assert!(
        !event.to_string().contains("a-good-long-password"),
        "no password in the trail"
    );
}

#[tokio::test]
async fn setting_roles_is_audited_with_before_and_after() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    let target = app.user("officer", COMMUNE).await;
    let province = app.unit_id(PROVINCE).await;

    let res = app
        .put(
            &format!("/v1/users/{}/roles", target.id),
            &token,
            &json!({"roles": [{"role": "approver", "unit_id": province}]}),
        )
        .await;

    assert_eq!(res.status(), 200);
    let event = event_of_request(&app, &request_id(&res)).await;
    assert_eq!(event["action"], "user.set_roles");
    assert_eq!(event["actor_id"], root_id(&app).await.to_string());
    assert_eq!(event["actor_roles"], root_roles(app.unit_id("TW").await));
    assert_eq!(event["target_id"], target.id.to_string());
    assert_eq!(event["unit_id"], province.to_string());
    assert_eq!(event["client_ip"], "127.0.0.1");
    assert_eq!(
        event["changes"]["before"],
        json!([["officer", app.unit_id(COMMUNE).await]])
    );
    assert_eq!(event["changes"]["after"], json!([["approver", province]]));
}

#[tokio::test]
async fn disabling_a_user_is_audited() {
    let app = spawn_app().await;
    let admin = app.user("admin", PROVINCE).await;
    let target = app.user("officer", COMMUNE).await;

    let res = app
        .post(
            &format!("/v1/users/{}/disable", target.id),
            &admin.token,
            &json!({}),
        )
        .await;

    assert_eq!(res.status(), 200);
    let event = event_of_request(&app, &request_id(&res)).await;
    assert_eq!(event["action"], "user.disable");
    assert_eq!(event["actor_id"], admin.id.to_string());
    assert_eq!(event["actor_roles"][0]["role"], "admin");
    assert_eq!(event["target_type"], "user");
    assert_eq!(event["target_id"], target.id.to_string());
    assert_eq!(event["unit_id"], app.unit_id(COMMUNE).await.to_string());
    assert_eq!(event["client_ip"], "127.0.0.1");
}

#[tokio::test]
async fn signing_in_is_audited() {
    let app = spawn_app().await;

    let res = app.sign_in(ROOT_USERNAME, ROOT_PASSWORD).await;

    assert_eq!(res.status(), 200);
    let event = event_of_request(&app, &request_id(&res)).await;
    let root = root_id(&app).await;
    let tw = app.unit_id("TW").await;
    assert_eq!(event["action"], "auth.sign_in");
    assert_eq!(event["actor_id"], root.to_string());
    assert_eq!(event["actor_roles"], root_roles(tw));
    assert_eq!(event["target_type"], "user");
    assert_eq!(event["target_id"], root.to_string());
    assert_eq!(event["unit_id"], tw.to_string());
    assert_eq!(event["client_ip"], "127.0.0.1");
}

#[tokio::test]
async fn a_failed_sign_in_changes_nothing_and_records_no_sign_in() {
    let app = spawn_app().await;

    let res = app.sign_in(ROOT_USERNAME, "wrong-password-entirely").await;

    assert_problem(res, 401, "invalid_credentials").await;
    let n: i64 = app
        .sql()
        .await
        .query_one("SELECT count(*) FROM audit_events", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
}

// ---------------------------------------------------------------- reading the trail

#[tokio::test]
async fn audit_events_filter_by_action_actor_and_unit() {
    let app = spawn_app().await;
    let root = app.root_token().await;
    let admin = app.user("admin", PROVINCE).await;
    let province = app.unit_id(PROVINCE).await;
    let commune = app.unit_id(COMMUNE).await;
    assert_eq!(
        create_unit(&app, &root, "999", "district", province)
            .await
            .status(),
        201
    );
    assert_eq!(
        create_unit(&app, &admin.token, "99901", "commune", province)
            .await
            .status(),
        201
    );
    assert_eq!(
        create_user(&app, &admin.token, "can.bo.xa", "officer", commune)
            .await
            .status(),
        201
    );

    let creates = events(&app, &root, "action=unit.create").await;
    let by_admin = events(&app, &root, &format!("actor_id={}", admin.id)).await;
    let in_commune = events(&app, &root, &format!("unit_id={commune}")).await;

    assert_eq!(creates.len(), 2);
    assert!(creates.iter().all(|e| e["action"] == "unit.create"));
    assert_eq!(
        actions(&by_admin),
        ["auth.sign_in", "unit.create", "user.create"]
    );
    assert!(by_admin
        .iter()
        .all(|e| e["actor_id"] == admin.id.to_string()));
    assert_eq!(actions(&in_commune), ["user.create"]);
    let both = events(
        &app,
        &root,
        &format!("action=unit.create&actor_id={}", admin.id),
    )
    .await;
    assert_eq!(both.len(), 1);
    assert_eq!(both[0]["changes"]["code"], "99901");
}

#[tokio::test]
async fn audit_events_filter_by_time() {
    let app = spawn_app().await;
    let root = app.root_token().await;
    let province = app.unit_id(PROVINCE).await;
    for code in ["997", "998", "999"] {
        assert_eq!(
            create_unit(&app, &root, code, "district", province)
                .await
                .status(),
            201
        );
    }
    let creates = events(&app, &root, "action=unit.create").await;
    assert_eq!(creates.len(), 3);
    let second = creates[1]["occurred_at"].as_str().unwrap().to_owned();

    let from = events(&app, &root, &format!("action=unit.create&from={second}")).await;
    let to = events(&app, &root, &format!("action=unit.create&to={second}")).await;

    let codes = |events: &[Value]| -> Vec<String> {
        events
            .iter()
            .map(|e| e["changes"]["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(codes(&from), ["998", "999"], "from is inclusive");
    assert_eq!(codes(&to), ["997"], "to is exclusive");
}

#[tokio::test]
async fn audit_events_paginate_without_gaps_or_repeats() {
    let app = spawn_app().await;
    let root = app.root_token().await;
    let province = app.unit_id(PROVINCE).await;
    for code in ["991", "992", "993", "994", "995"] {
        assert_eq!(
            create_unit(&app, &root, code, "district", province)
                .await
                .status(),
            201
        );
    }
    let all = events(&app, &root, "").await;
    assert_eq!(all.len(), 6, "one sign-in and five creations");

    let mut walked = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = "/v1/audit-events?limit=2".to_owned();
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page: Value = app.get(&path, &root).await.json().await.unwrap();
        assert!(page["items"].as_array().unwrap().len() <= 2);
        walked.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }

    let ids: Vec<String> = all
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(walked, ids);
}

#[tokio::test]
async fn a_commune_auditor_sees_the_communes_events_only() {
    let app = spawn_app().await;
    let root = app.root_token().await;
    let commune = app.unit_id(COMMUNE).await;
    let province = app.unit_id(PROVINCE).await;
    assert_eq!(
        create_user(&app, &root, "o.commune", "officer", commune)
            .await
            .status(),
        201
    );
    assert_eq!(
        create_user(&app, &root, "o.province", "officer", province)
            .await
            .status(),
        201
    );
    let auditor = app.user("auditor", COMMUNE).await;

    let seen = events(&app, &auditor.token, "").await;

    let usernames: HashSet<&str> = seen
        .iter()
        .filter(|e| e["action"] == "user.create")
        .map(|e| e["changes"]["username"].as_str().unwrap())
        .collect();
    assert_eq!(usernames, HashSet::from(["o.commune"]));
    assert!(
        seen.iter().all(|e| e["unit_id"] == commune.to_string()),
        "{seen:?}"
    );
    let province_events = app
        .get(
            &format!("/v1/audit-events?unit_id={province}"),
            &auditor.token,
        )
        .await;
    assert_problem(province_events, 404, "not_found").await;
}

#[tokio::test]
async fn an_officer_may_not_read_the_audit_trail() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;

    let res = app.get("/v1/audit-events", &officer.token).await;

    assert_problem(res, 403, "forbidden").await;
}

// ---------------------------------------------------------------- nothing half-written

#[tokio::test]
async fn a_refused_change_writes_no_event_and_no_row() {
    let app = spawn_app().await;
    let root = app.root_token().await;
    let commune = app.unit_id(COMMUNE).await;
    let db = app.sql().await;
    let count = |sql: &'static str| {
        let db = &db;
        async move { db.query_one(sql, &[]).await.unwrap().get::<_, i64>(0) }
    };
    let events_before = count("SELECT count(*) FROM audit_events").await;
    let units_before = count("SELECT count(*) FROM units").await;
    let users_before = count("SELECT count(*) FROM users").await;

    let bad_tier = create_unit(&app, &root, "98", "province", commune).await;
    assert_problem(bad_tier, 422, "invalid_tier").await;
    let bad_code = create_unit(&app, &root, "bad code", "commune", commune).await;
    assert_problem(bad_code, 422, "validation_failed").await;
    let bad_user = create_user(&app, &root, "x", "officer", commune).await;
    assert_problem(bad_user, 422, "validation_failed").await;
    let bad_sign_in = app.sign_in(ROOT_USERNAME, USER_PASSWORD).await;
    assert_problem(bad_sign_in, 401, "invalid_credentials").await;

    assert_eq!(
        count("SELECT count(*) FROM audit_events").await,
        events_before
    );
    assert_eq!(count("SELECT count(*) FROM units").await, units_before);
    assert_eq!(count("SELECT count(*) FROM users").await, users_before);
    assert_eq!(count("SELECT count(*) FROM funds").await, units_before);
}

/// Every state change writes its audit event (security.md): each route file that declares a
/// POST, PUT, PATCH or DELETE handler also writes to the audit trail. A guard for new
/// endpoints; the behaviour itself is asserted per resource in the other test files.
#[test]
fn every_route_that_changes_state_writes_an_audit_event() {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    // A route that calls a command of the application layer writes its audit event there: the
    // command's module (src/app/<module>.rs or src/app/<module>/) must record one.
    // `app::<module>` is how a route names it, in a path or in its `use` line.
    fn calls_an_auditing_command(route: &str) -> bool {
        let app = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src/app"));
        route
            .match_indices("app::")
            .filter_map(|(at, _)| {
                let rest = &route[at + 5..];
                let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
                Some(&rest[..end])
            })
            .any(|module| {
                let mut texts = Vec::new();
                if let Ok(t) = std::fs::read_to_string(app.join(format!("{module}.rs"))) {
                    texts.push(t);
                }
                let mut inner = Vec::new();
                if app.join(module).is_dir() {
                    walk(&app.join(module), &mut inner);
                }
                texts.extend(inner.iter().filter_map(|f| std::fs::read_to_string(f).ok()));
                texts.iter().any(|t| t.contains("audit::"))
            })
    }
    let mut files = Vec::new();
    walk(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src/routes")),
        &mut files,
    );
    let mut silent: Vec<String> = files
        .iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            let changes = ["#[post(", "#[put(", "#[patch(", "#[delete("]
                .iter()
                .any(|m| text.contains(m));
            // a step shared by a resource's routes lives in the resource's mod.rs
            let shared = std::fs::read_to_string(f.with_file_name("mod.rs")).unwrap_or_default();
            changes
                && !text.contains("audit::")
                && !calls_an_auditing_command(&format!("{text}\n{shared}"))
        })
        .map(|f| f.display().to_string())
        .collect();
    silent.sort();
    assert!(
        silent.is_empty(),
        "state changes without an audit event: {silent:?}"
    );
}
