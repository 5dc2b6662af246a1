//! Users and role grants: created, read, re-granted and disabled by admins inside their scope;
//! never the password or its hash in a response.

use std::collections::HashSet;

use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    assert_problem, spawn_app, TestApp, COMMUNE, PROVINCE, SIBLING_COMMUNE, USER_PASSWORD,
};

/// A second province, outside Lạng Sơn, inserted directly.
async fn other_province(app: &TestApp) -> Uuid {
    app.sql()
        .await
        .query_one(
            "INSERT INTO units (code, name, full_name, tier, parent_id, search_text) \
             SELECT '99', 'Tỉnh Khác', 'Tỉnh Khác', 'province', id, 'tinh khac' FROM units WHERE code = 'TW' \
             RETURNING id",
            &[],
        )
        .await
        .unwrap()
        .get(0)
}

fn new_user(username: &str, roles: Value) -> Value {
    json!({"username": username, "password": "a-good-long-password", "full_name": "Nguyễn Văn A", "roles": roles})
}

fn fields(problem: &Value) -> HashSet<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

/// The (role, unit code) pairs a user holds, read from the database.
async fn held_roles(app: &TestApp, user: Uuid) -> Vec<(String, String)> {
    app.sql()
        .await
        .query(
            "SELECT r.role, u.code FROM role_assignments r JOIN units u ON u.id = r.unit_id \
              WHERE r.user_id = $1 ORDER BY u.code, r.role",
            &[&user],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

fn pair(role: &str, code: &str) -> (String, String) {
    (role.to_owned(), code.to_owned())
}

// ---------------------------------------------------------------- creating

#[tokio::test]
async fn creating_a_user_returns_them_without_any_password() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    let commune = app.unit_id(COMMUNE).await;

    let res = app
        .post(
            "/v1/users",
            &token,
            &new_user(
                "can.bo.xa",
                json!([{"role": "officer", "unit_id": commune}]),
            ),
        )
        .await;

    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let text = res.text().await.unwrap();
    for secret in ["password", "a-good-long-password", "argon2", "$argon"] {
        assert!(!text.contains(secret), "{secret} leaked in {text}");
    }
    let user: Value = serde_json::from_str(&text).unwrap();
    let id: Uuid = user["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(location, format!("/v1/users/{id}"));
    assert_eq!(user["username"], "can.bo.xa");
    assert_eq!(user["full_name"], "Nguyễn Văn A");
    assert_eq!(user["disabled"], false);
    assert_eq!(
        user["roles"],
        json!([{"role": "officer", "unit_id": commune, "unit_code": COMMUNE, "tier": "commune"}])
    );
    assert_eq!(held_roles(&app, id).await, [pair("officer", COMMUNE)]);
    // the password given works
    assert_eq!(
        app.sign_in("can.bo.xa", "a-good-long-password")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_duplicate_username_is_409() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    let commune = app.unit_id(COMMUNE).await;
    let body = new_user(
        "can.bo.xa",
        json!([{"role": "officer", "unit_id": commune}]),
    );
    assert_eq!(app.post("/v1/users", &token, &body).await.status(), 201);

    let res = app.post("/v1/users", &token, &body).await;

    assert_problem(res, 409, "duplicate_username").await;
    let n: i64 = app
        .sql()
        .await
        .query_one(
            "SELECT count(*) FROM users WHERE username = 'can.bo.xa'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
}

#[tokio::test]
async fn invalid_username_short_password_and_no_roles_are_named() {
    let app = spawn_app().await;
    let token = app.root_token().await;

    let res = app
        .post(
            "/v1/users",
            &token,
            &json!({"username": "Bad Name!", "password": "short", "full_name": "Nguyễn Văn A", "roles": []}),
        )
        .await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(
        fields(&problem),
        HashSet::from(["username".into(), "password".into(), "roles".into()])
    );
}

#[tokio::test]
async fn a_short_password_alone_is_422() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    let commune = app.unit_id(COMMUNE).await;
    let mut body = new_user(
        "can.bo.xa",
        json!([{"role": "officer", "unit_id": commune}]),
    );
    body["password"] = json!("123456789");

    let res = app.post("/v1/users", &token, &body).await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(fields(&problem), HashSet::from(["password".into()]));
}

#[tokio::test]
async fn granting_outside_the_admins_scope_is_an_unknown_unit() {
    let app = spawn_app().await;
    let admin = app.user("admin", PROVINCE).await;
    let elsewhere = other_province(&app).await;

    let outside = app
        .post(
            "/v1/users",
            &admin.token,
            &new_user(
                "x.outside",
                json!([{"role": "officer", "unit_id": elsewhere}]),
            ),
        )
        .await;
    let outside = assert_problem(outside, 422, "validation_failed").await;
    let random = app
        .post(
            "/v1/users",
            &admin.token,
            &new_user(
                "x.random",
                json!([{"role": "officer", "unit_id": Uuid::now_v7()}]),
            ),
        )
        .await;
    let random = assert_problem(random, 422, "validation_failed").await;

    assert_eq!(
        outside["errors"],
        json!([{"field": "roles[0].unit_id", "message": "unknown unit"}])
    );
    assert_eq!(
        outside, random,
        "a unit outside the scope looks like no unit at all"
    );
    let n: i64 = app
        .sql()
        .await
        .query_one("SELECT count(*) FROM users WHERE username LIKE 'x.%'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
}

#[tokio::test]
async fn a_province_admin_cannot_grant_at_tw() {
    let app = spawn_app().await;
    let admin = app.user("admin", PROVINCE).await;
    let tw = app.unit_id("TW").await;

    let res = app
        .post(
            "/v1/users",
            &admin.token,
            &new_user("x.central", json!([{"role": "admin", "unit_id": tw}])),
        )
        .await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(fields(&problem), HashSet::from(["roles[0].unit_id".into()]));
}

#[tokio::test]
async fn a_commune_admin_cannot_grant_at_its_province() {
    let app = spawn_app().await;
    let admin = app.user("admin", COMMUNE).await;
    let province = app.unit_id(PROVINCE).await;

    let res = app
        .post(
            "/v1/users",
            &admin.token,
            &new_user(
                "x.province",
                json!([{"role": "officer", "unit_id": province}]),
            ),
        )
        .await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(fields(&problem), HashSet::from(["roles[0].unit_id".into()]));
}

#[tokio::test]
async fn a_commune_admin_grants_in_its_commune() {
    let app = spawn_app().await;
    let admin = app.user("admin", COMMUNE).await;
    let commune = app.unit_id(COMMUNE).await;

    let res = app
        .post(
            "/v1/users",
            &admin.token,
            &new_user(
                "thu.quy",
                json!([{"role": "accountant", "unit_id": commune}]),
            ),
        )
        .await;

    assert_eq!(res.status(), 201);
    let user: Value = res.json().await.unwrap();
    assert_eq!(user["roles"][0]["role"], "accountant");
    assert_eq!(user["roles"][0]["unit_code"], COMMUNE);
}

// ---------------------------------------------------------------- reading

#[tokio::test]
async fn a_province_admin_reads_a_commune_user() {
    let app = spawn_app().await;
    let admin = app.user("admin", PROVINCE).await;
    let officer = app.user("officer", COMMUNE).await;

    let res = app
        .get(&format!("/v1/users/{}", officer.id), &admin.token)
        .await;

    assert_eq!(res.status(), 200);
    let user: Value = res.json().await.unwrap();
    assert_eq!(user["id"], officer.id.to_string());
    assert_eq!(user["username"], officer.username);
    assert_eq!(user["roles"][0]["unit_code"], COMMUNE);
}

#[tokio::test]
async fn a_commune_admin_cannot_read_a_province_user() {
    let app = spawn_app().await;
    let admin = app.user("admin", COMMUNE).await;
    let officer = app.user("officer", PROVINCE).await;

    let res = app
        .get(&format!("/v1/users/{}", officer.id), &admin.token)
        .await;

    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn listing_users_by_unit_covers_the_unit_and_below() {
    let app = spawn_app().await;
    let admin = app.user("admin", PROVINCE).await;
    let at_commune = app.user("officer", COMMUNE).await;
    let at_province = app.user("accountant", PROVINCE).await;
    let commune = app.unit_id(COMMUNE).await;
    let province = app.unit_id(PROVINCE).await;

    let in_commune: Value = app
        .get(&format!("/v1/users?unit_id={commune}"), &admin.token)
        .await
        .json()
        .await
        .unwrap();
    let in_province: Value = app
        .get(&format!("/v1/users?unit_id={province}"), &admin.token)
        .await
        .json()
        .await
        .unwrap();

    let ids = |page: &Value| -> HashSet<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&in_commune), HashSet::from([at_commune.id.to_string()]));
    assert_eq!(
        ids(&in_province),
        HashSet::from([
            admin.id.to_string(),
            at_commune.id.to_string(),
            at_province.id.to_string()
        ])
    );
}

#[tokio::test]
async fn listing_users_is_scoped_to_the_caller() {
    let app = spawn_app().await;
    let admin = app.user("admin", PROVINCE).await;
    let elsewhere = other_province(&app).await;
    let outsider: Uuid = app
        .sql()
        .await
        .query_one(
            "INSERT INTO users (username, password_hash, full_name) VALUES ('outsider', 'x', 'Người Ngoài') RETURNING id",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    app.sql()
        .await
        .execute(
            "INSERT INTO role_assignments (user_id, role, unit_id) VALUES ($1, 'officer', $2)",
            &[&outsider, &elsewhere],
        )
        .await
        .unwrap();

    let page: Value = app
        .get("/v1/users", &admin.token)
        .await
        .json()
        .await
        .unwrap();

    let usernames: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(
        usernames,
        [admin.username.as_str()],
        "root (TW) and the outsider are not in Lạng Sơn"
    );
    let res = app
        .get(&format!("/v1/users/{outsider}"), &admin.token)
        .await;
    assert_problem(res, 404, "not_found").await;
    let res = app
        .get(&format!("/v1/users?unit_id={elsewhere}"), &admin.token)
        .await;
    assert_problem(res, 404, "not_found").await;
}

// ---------------------------------------------------------------- roles

#[tokio::test]
async fn setting_roles_replaces_only_those_on_units_the_caller_administers() {
    let app = spawn_app().await;
    let admin = app.user("admin", PROVINCE).await;
    let target = app
        .user_with_roles(&[("officer", "TW"), ("officer", PROVINCE)])
        .await;
    let commune = app.unit_id(COMMUNE).await;

    let res = app
        .put(
            &format!("/v1/users/{}/roles", target.id),
            &admin.token,
            &json!({"roles": [{"role": "auditor", "unit_id": commune}]}),
        )
        .await;

    assert_eq!(res.status(), 200);
    let seen_by_admin: Value = res.json().await.unwrap();
    assert_eq!(
        seen_by_admin["roles"],
        json!([{"role": "auditor", "unit_id": commune, "unit_code": COMMUNE, "tier": "commune"}]),
        "the province admin sees only the roles inside its scope"
    );
    assert_eq!(
        held_roles(&app, target.id).await,
        [pair("auditor", COMMUNE), pair("officer", "TW")]
    );
    let root = app.root_token().await;
    let seen_by_root: Value = app
        .get(&format!("/v1/users/{}", target.id), &root)
        .await
        .json()
        .await
        .unwrap();
    let roles: Vec<(&str, &str)> = seen_by_root["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["role"].as_str().unwrap(),
                r["unit_code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(roles, [("auditor", COMMUNE), ("officer", "TW")]);
}

#[tokio::test]
async fn setting_roles_outside_the_scope_is_refused() {
    let app = spawn_app().await;
    let admin = app.user("admin", PROVINCE).await;
    let target = app.user("officer", COMMUNE).await;
    let tw = app.unit_id("TW").await;

    let res = app
        .put(
            &format!("/v1/users/{}/roles", target.id),
            &admin.token,
            &json!({"roles": [{"role": "admin", "unit_id": tw}]}),
        )
        .await;

    assert_problem(res, 422, "validation_failed").await;
    assert_eq!(
        held_roles(&app, target.id).await,
        [pair("officer", COMMUNE)]
    );
}

// ---------------------------------------------------------------- disabling

#[tokio::test]
async fn a_disabled_user_cannot_sign_in() {
    let app = spawn_app().await;
    let admin = app.user("admin", PROVINCE).await;
    let officer = app.user("officer", COMMUNE).await;

    let res = app
        .post(
            &format!("/v1/users/{}/disable", officer.id),
            &admin.token,
            &json!({}),
        )
        .await;

    assert_eq!(res.status(), 200);
    let user: Value = res.json().await.unwrap();
    assert_eq!(user["disabled"], true);
    assert!(user["disabled_at"].is_string());
    let sign_in = app.sign_in(&officer.username, USER_PASSWORD).await;
    assert_problem(sign_in, 401, "invalid_credentials").await;
    // the token issued before stops working too
    let me = app.get("/v1/auth/me", &officer.token).await;
    assert_eq!(me.status(), 401);
}

#[tokio::test]
async fn disabling_yourself_is_409() {
    let app = spawn_app().await;
    let admin = app.user("admin", PROVINCE).await;

    let res = app
        .post(
            &format!("/v1/users/{}/disable", admin.id),
            &admin.token,
            &json!({}),
        )
        .await;

    assert_problem(res, 409, "conflict").await;
    assert_eq!(
        app.sign_in(&admin.username, USER_PASSWORD).await.status(),
        200
    );
}

#[tokio::test]
async fn disabling_someone_with_a_role_beyond_your_units_is_403() {
    let app = spawn_app().await;
    let admin = app.user("admin", PROVINCE).await;
    let target = app
        .user_with_roles(&[("officer", PROVINCE), ("auditor", "TW")])
        .await;

    let res = app
        .post(
            &format!("/v1/users/{}/disable", target.id),
            &admin.token,
            &json!({}),
        )
        .await;

    assert_problem(res, 403, "forbidden").await;
    let disabled: Option<chrono::DateTime<chrono::Utc>> = app
        .sql()
        .await
        .query_one("SELECT disabled_at FROM users WHERE id = $1", &[&target.id])
        .await
        .unwrap()
        .get(0);
    assert!(disabled.is_none());
}

// ---------------------------------------------------------------- users without roles

/// `PUT /v1/users/{id}/roles` with no roles, as `admin`; asserts 200.
async fn remove_every_role(app: &TestApp, admin: &str, user: Uuid) {
    let res = app
        .put(
            &format!("/v1/users/{user}/roles"),
            admin,
            &json!({"roles": []}),
        )
        .await;
    assert_eq!(res.status(), 200, "roles removed");
}

fn ids(page: &Value) -> HashSet<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_user_whose_roles_are_all_removed_cannot_sign_in() {
    let app = spawn_app().await;
    let admin = app.user("admin", PROVINCE).await;
    let officer = app.user("officer", COMMUNE).await;

    remove_every_role(&app, &admin.token, officer.id).await;

    let sign_in = app.sign_in(&officer.username, USER_PASSWORD).await;
    assert_problem(sign_in, 401, "invalid_credentials").await;
}

#[tokio::test]
async fn removing_every_role_stops_the_users_refresh_tokens() {
    let app = spawn_app().await;
    let admin = app.user("admin", PROVINCE).await;
    let officer = app.user("officer", COMMUNE).await;
    let pair: Value = app
        .sign_in(&officer.username, USER_PASSWORD)
        .await
        .json()
        .await
        .unwrap();

    remove_every_role(&app, &admin.token, officer.id).await;

    let res = app
        .request(
            reqwest::Method::POST,
            "/v1/auth/refresh",
            None,
            Some(&json!({"refresh_token": pair["refresh_token"]})),
        )
        .await;
    assert_problem(res, 401, "invalid_refresh_token").await;
}

/// Roles removed by hand revoke nothing, so the refresh itself must refuse a user with none.
#[tokio::test]
async fn a_user_left_without_roles_by_hand_cannot_refresh() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let pair: Value = app
        .sign_in(&officer.username, USER_PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    app.sql()
        .await
        .execute(
            "DELETE FROM role_assignments WHERE user_id = $1",
            &[&officer.id],
        )
        .await
        .unwrap();

    let res = app
        .request(
            reqwest::Method::POST,
            "/v1/auth/refresh",
            None,
            Some(&json!({"refresh_token": pair["refresh_token"]})),
        )
        .await;

    assert_problem(res, 401, "invalid_refresh_token").await;
}

#[tokio::test]
async fn a_user_without_roles_stays_visible_to_the_admin_who_removed_them_and_above() {
    let app = spawn_app().await;
    let admin = app.user("admin", PROVINCE).await;
    let officer = app.user("officer", COMMUNE).await;
    let commune = app.unit_id(COMMUNE).await;

    remove_every_role(&app, &admin.token, officer.id).await;

    for (who, token) in [
        ("the province admin", &admin.token),
        ("root", &app.root_token().await),
    ] {
        let res = app.get(&format!("/v1/users/{}", officer.id), token).await;
        assert_eq!(res.status(), 200, "{who} reads the user");
        let user: Value = res.json().await.unwrap();
        assert_eq!(user["roles"], json!([]));
        let listed: Value = app
            .get(&format!("/v1/users?unit_id={commune}"), token)
            .await
            .json()
            .await
            .unwrap();
        assert!(
            ids(&listed).contains(&officer.id.to_string()),
            "{who} lists the user under their last unit"
        );
    }
}

#[tokio::test]
async fn a_user_without_roles_stays_out_of_other_units_sight() {
    let app = spawn_app().await;
    let admin = app.user("admin", PROVINCE).await;
    let sibling_admin = app.user("admin", SIBLING_COMMUNE).await;
    let officer = app.user("officer", COMMUNE).await;
    let sibling = app.unit_id(SIBLING_COMMUNE).await;

    remove_every_role(&app, &admin.token, officer.id).await;

    let res = app
        .get(&format!("/v1/users/{}", officer.id), &sibling_admin.token)
        .await;
    assert_problem(res, 404, "not_found").await;
    let res = app
        .post(
            &format!("/v1/users/{}/disable", officer.id),
            &sibling_admin.token,
            &json!({}),
        )
        .await;
    assert_problem(res, 404, "not_found").await;
    let listed: Value = app
        .get("/v1/users", &sibling_admin.token)
        .await
        .json()
        .await
        .unwrap();
    assert!(!ids(&listed).contains(&officer.id.to_string()));
    let listed: Value = app
        .get(
            &format!("/v1/users?unit_id={sibling}"),
            &app.root_token().await,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(!ids(&listed).contains(&officer.id.to_string()));
}

#[tokio::test]
async fn a_user_without_roles_can_be_disabled() {
    let app = spawn_app().await;
    let admin = app.user("admin", PROVINCE).await;
    let officer = app.user("officer", COMMUNE).await;
    remove_every_role(&app, &admin.token, officer.id).await;

    let res = app
        .post(
            &format!("/v1/users/{}/disable", officer.id),
            &admin.token,
            &json!({}),
        )
        .await;

    assert_eq!(res.status(), 200);
    let user: Value = res.json().await.unwrap();
    assert_eq!(user["disabled"], true);
}

#[tokio::test]
async fn a_user_without_roles_granted_a_role_again_signs_in_again() {
    let app = spawn_app().await;
    let admin = app.user("admin", PROVINCE).await;
    let officer = app.user("officer", COMMUNE).await;
    let commune = app.unit_id(COMMUNE).await;
    remove_every_role(&app, &admin.token, officer.id).await;

    let res = app
        .put(
            &format!("/v1/users/{}/roles", officer.id),
            &admin.token,
            &json!({"roles": [{"role": "auditor", "unit_id": commune}]}),
        )
        .await;

    assert_eq!(res.status(), 200);
    assert_eq!(
        held_roles(&app, officer.id).await,
        [pair("auditor", COMMUNE)]
    );
    assert_eq!(
        app.sign_in(&officer.username, USER_PASSWORD).await.status(),
        200
    );
}

/// The code of the user's home unit, read from the database.
async fn home_of(db: &tokio_postgres::Client, user: Uuid) -> Option<String> {
    db.query_one(
        "SELECT u.code FROM users x LEFT JOIN units u ON u.id = x.home_unit_id WHERE x.id = $1",
        &[&user],
    )
    .await
    .unwrap()
    .get(0)
}

/// The home unit is kept by triggers, so a role removed by hand (`psql`) places the user too.
#[tokio::test]
async fn the_home_unit_is_the_highest_unit_of_the_last_roles_and_only_while_none_is_held() {
    let app = spawn_app().await;
    let user = app
        .user_with_roles(&[("officer", COMMUNE), ("auditor", PROVINCE)])
        .await;
    let db = app.sql().await;
    assert_eq!(
        home_of(&db, user.id).await,
        None,
        "no home while roles are held"
    );

    db.execute(
        "DELETE FROM role_assignments WHERE user_id = $1",
        &[&user.id],
    )
    .await
    .unwrap();
    assert_eq!(home_of(&db, user.id).await.as_deref(), Some(PROVINCE));

    db.execute(
        "INSERT INTO role_assignments (user_id, role, unit_id) SELECT $1, 'officer', id FROM units WHERE code = $2",
        &[&user.id, &COMMUNE],
    )
    .await
    .unwrap();
    assert_eq!(
        home_of(&db, user.id).await,
        None,
        "a role again: the home is cleared"
    );
}

/// The migration's down.sql undoes it, and up.sql applies again on top.
#[tokio::test]
async fn the_home_unit_migration_reverts_and_reapplies() {
    let app = spawn_app().await;
    let db = app.sql().await;
    let column = "SELECT count(*) FROM information_schema.columns \
                  WHERE table_name = 'users' AND column_name = 'home_unit_id'";

    db.batch_execute(include_str!(
        "../../migrations/2026-11-28-000013_user_home_units/down.sql"
    ))
    .await
    .unwrap();
    let after_down: i64 = db.query_one(column, &[]).await.unwrap().get(0);
    db.batch_execute(include_str!(
        "../../migrations/2026-11-28-000013_user_home_units/up.sql"
    ))
    .await
    .unwrap();
    let after_up: i64 = db.query_one(column, &[]).await.unwrap().get(0);

    assert_eq!((after_down, after_up), (0, 1));
}
