//! The reform of 1 July 2025 (reform.md): units that end, the succession file, and what an ended
//! unit still takes. The world of these tests is Lạng Sơn (province 20) as it was in March 2025
//! (11 districts, 194 communes), then the 2026 list over it, then its lines of the succession
//! file.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_problem, cash_donation, spawn_app, TestApp, PROVINCE};

pub const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/units");
pub const EFFECTIVE_ON: &str = "2025-07-01";

/// A commune of 2025 merged whole into 06001 (Đoàn Kết), which continues.
pub const MERGED: &str = "05998";
/// The district 05998 was under.
pub const MERGED_DISTRICT: &str = "180";
pub const CONTINUING: &str = "06001";

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{DATA}/{name}")).unwrap()
}

/// The lines of a unit list for province 20 and everything below it.
pub fn lang_son_units(name: &str) -> String {
    provinces_units(&[PROVINCE], name)
}

/// The lines of a unit list for these provinces and everything below them.
pub fn provinces_units(provinces: &[&str], name: &str) -> String {
    let text = read(name);
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let districts: Vec<&str> = rows
        .iter()
        .filter(|r| provinces.contains(&r[1]) && r[2] == "district")
        .map(|r| r[0])
        .collect();
    for r in &rows {
        if provinces.contains(&r[0]) || provinces.contains(&r[1]) || districts.contains(&r[1]) {
            out.push_str(&r.join(","));
            out.push('\n');
        }
    }
    out
}

/// The succession lines of province 20 and of its communes of 2025.
pub fn lang_son_successions() -> String {
    provinces_successions(&[PROVINCE])
}

/// The succession lines of these provinces and of their units of 2025.
pub fn provinces_successions(provinces: &[&str]) -> String {
    let units = provinces_units(provinces, "vn-admin-units-2025-03.csv");
    let codes: Vec<&str> = units
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let text = read("vn-unit-successions-2025-07.csv");
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    for l in lines {
        if codes.contains(&l.split(',').nth(1).unwrap()) {
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

pub async fn post_csv(app: &TestApp, path: &str, token: &str, body: String) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .header("Content-Type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap()
}

/// Lạng Sơn in March 2025, then the 2026 list over it: the surviving communes move under the
/// province, the merged ones stay under their districts.
pub async fn lang_son_before_and_after(app: &TestApp, token: &str) {
    for file in ["vn-admin-units-2025-03.csv", "vn-admin-units-2026.csv"] {
        let res = post_csv(app, "/v1/units/import", token, lang_son_units(file)).await;
        assert_eq!(res.status(), 200, "importing {file}");
    }
}

pub async fn import_successions(app: &TestApp, token: &str, body: String) -> reqwest::Response {
    post_csv(app, "/v1/units/successions", token, body).await
}

pub async fn unit(app: &TestApp, token: &str, code: &str) -> Value {
    let res = app.get(&format!("/v1/units/by-code/{code}"), token).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

pub async fn count(app: &TestApp, sql: &str) -> i64 {
    app.sql().await.query_one(sql, &[]).await.unwrap().get(0)
}

/// Lạng Sơn with its successions imported.
pub async fn reformed(app: &TestApp) -> String {
    let token = app.root_token().await;
    lang_son_before_and_after(app, &token).await;
    let res = import_successions(app, &token, lang_son_successions()).await;
    assert_eq!(res.status(), 200);
    token
}

// ---------------------------------------------------------------- the succession file

#[tokio::test]
async fn the_succession_file_records_every_line_and_marks_the_units_that_ended() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    lang_son_before_and_after(&app, &token).await;

    let res = import_successions(&app, &token, lang_son_successions()).await;

    assert_eq!(res.status(), 200);
    let counts: Value = res.json().await.unwrap();
    assert_eq!(counts["created"], 197, "{counts}");
    assert_eq!(counts["unchanged"], 0);
    // 129 communes ended (194 less the 65 that continue) and all 11 districts
    assert_eq!(counts["dissolving"], 129 + 11, "{counts}");
    assert_eq!(counts["kept_active"], json!([]));
    assert_eq!(
        count(&app, "SELECT count(*) FROM unit_successions").await,
        197
    );

    let merged = unit(&app, &token, MERGED).await;
    assert_eq!(merged["status"], "dissolving");
    assert_eq!(merged["dissolved_on"], Value::Null);
    assert_eq!(
        unit(&app, &token, MERGED_DISTRICT).await["status"],
        "dissolving"
    );
    assert_eq!(unit(&app, &token, CONTINUING).await["status"], "active");
    assert_eq!(unit(&app, &token, PROVINCE).await["status"], "active");
}

#[tokio::test]
async fn importing_the_succession_file_twice_changes_nothing() {
    let app = spawn_app().await;
    let token = reformed(&app).await;

    let res = import_successions(&app, &token, lang_son_successions()).await;

    let counts: Value = res.json().await.unwrap();
    assert_eq!(counts["created"], 0, "{counts}");
    assert_eq!(counts["unchanged"], 197);
    assert_eq!(counts["dissolving"], 0);
}

#[tokio::test]
async fn a_file_with_bad_lines_is_refused_whole_naming_each_line() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    lang_son_before_and_after(&app, &token).await;
    let body = format!(
        "tier,predecessor_code,successor_code,share,effective_on\n\
         commune,{MERGED},{CONTINUING},whole,{EFFECTIVE_ON}\n\
         commune,99999,{CONTINUING},whole,{EFFECTIVE_ON}\n\
         commune,06010,{CONTINUING},whole,1/7/2025\n\
         commune,06013,{CONTINUING},whole,{EFFECTIVE_ON}\n\
         commune,06013,06004,part,{EFFECTIVE_ON}\n\
         province,{CONTINUING},{CONTINUING},whole,{EFFECTIVE_ON}\n"
    );

    let res = import_successions(&app, &token, body).await;

    let problem = assert_problem(res, 422, "invalid_csv").await;
    let errors: Vec<(i64, String)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{e}");
            (
                e["line"].as_i64().unwrap(),
                e["field"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (3, "predecessor_code".to_owned()),
            (4, "effective_on".to_owned()),
            (5, "share".to_owned()),
            (7, "tier".to_owned()),
        ]
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM unit_successions").await,
        0
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM units WHERE status <> 'active'").await,
        0,
        "no unit changed"
    );
}

#[tokio::test]
async fn a_line_that_contradicts_what_was_recorded_is_refused() {
    let app = spawn_app().await;
    let token = reformed(&app).await;
    let body = format!(
        "tier,predecessor_code,successor_code,share,effective_on\n\
         commune,{MERGED},{CONTINUING},whole,2025-08-01\n"
    );

    let res = import_successions(&app, &token, body).await;

    let problem = assert_problem(res, 422, "invalid_csv").await;
    assert_eq!(problem["errors"][0]["line"], 2, "{problem}");
}

#[tokio::test]
async fn only_an_admin_of_tw_imports_successions_and_only_as_csv() {
    let app = spawn_app().await;
    let admin = app.user("admin", PROVINCE).await;
    let res = import_successions(&app, &admin.token, lang_son_successions()).await;
    assert_problem(res, 403, "forbidden").await;

    let token = app.root_token().await;
    let res = app
        .post("/v1/units/successions", &token, &json!({"rows": []}))
        .await;
    assert_problem(res, 415, "unsupported_media_type").await;
}

#[tokio::test]
async fn a_code_the_new_list_reused_for_a_merged_unit_is_kept_active_and_named() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    lang_son_before_and_after(&app, &token).await;
    // 06001 continues and 05998 went into it; say (as the national file does for 23710) that
    // 06001's own old unit went elsewhere
    let body = format!(
        "tier,predecessor_code,successor_code,share,effective_on\n\
         commune,{MERGED},{CONTINUING},whole,{EFFECTIVE_ON}\n\
         commune,{CONTINUING},06004,whole,{EFFECTIVE_ON}\n"
    );

    let res = import_successions(&app, &token, body).await;

    assert_eq!(res.status(), 200);
    let counts: Value = res.json().await.unwrap();
    assert_eq!(
        counts["kept_active"],
        json!([{"line": 3, "unit_code": CONTINUING}])
    );
    assert_eq!(unit(&app, &token, CONTINUING).await["status"], "active");
    assert_eq!(unit(&app, &token, MERGED).await["status"], "dissolving");
}

#[tokio::test]
async fn a_unit_lists_its_predecessors_and_successors() {
    let app = spawn_app().await;
    let token = reformed(&app).await;
    let continuing = app.unit_id(CONTINUING).await;
    let merged = app.unit_id(MERGED).await;

    let res = app
        .get(&format!("/v1/units/{continuing}/successions"), &token)
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let predecessors: Vec<&str> = body["predecessors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["unit_code"].as_str().unwrap())
        .collect();
    assert_eq!(predecessors, ["05998", "06010"]);
    assert_eq!(body["predecessors"][0]["share"], "whole");
    assert_eq!(body["predecessors"][0]["effective_on"], EFFECTIVE_ON);
    assert_eq!(body["successors"], json!([]));

    let res = app
        .get(&format!("/v1/units/{merged}/successions"), &token)
        .await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["successors"],
        json!([{"unit_id": continuing, "unit_code": CONTINUING, "share": "whole", "effective_on": EFFECTIVE_ON}])
    );

    // outside the caller's scope the unit does not exist
    let other = app.user("officer", "06004").await;
    let res = app
        .get(&format!("/v1/units/{continuing}/successions"), &other.token)
        .await;
    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn units_are_listed_by_status() {
    let app = spawn_app().await;
    let token = reformed(&app).await;
    let province = app.unit_id(PROVINCE).await;

    let res = app
        .get(
            &format!("/v1/units?status=dissolving&parent_id={province}&limit=500"),
            &token,
        )
        .await;
    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 11, "the 11 districts");
    assert!(items.iter().all(|u| u["status"] == "dissolving"));

    let res = app.get("/v1/units?status=gone", &token).await;
    assert_problem(res, 422, "validation_failed").await;
}

#[tokio::test]
async fn a_renamed_unit_keeps_its_former_names() {
    let app = spawn_app().await;
    let token = reformed(&app).await;

    let body = unit(&app, &token, CONTINUING).await;

    let former = body["former_names"].as_array().unwrap();
    assert!(!former.is_empty(), "{body}");
    // the name it had under district 180 in 2025, up to the day before the reform
    let district = json!(app.unit_id(MERGED_DISTRICT).await);
    let under_district = former
        .iter()
        .find(|n| n["parent_id"] == district)
        .expect("the 2025 placement is remembered");
    assert_eq!(under_district["valid_until"], "2025-06-30");
}

// ---------------------------------------------------------------- what an ended unit takes

#[tokio::test]
async fn a_dissolving_unit_books_what_is_dated_before_its_end_and_nothing_after() {
    let app = spawn_app().await;
    reformed(&app).await;
    let officer = app.user("officer", MERGED).await;
    let unit_id = app.unit_id(MERGED).await;

    let mut late = cash_donation(unit_id, "500000");
    late["received_on"] = json!("2025-06-30");
    let res = app.post("/v1/donations", &officer.token, &late).await;
    assert_eq!(
        res.status(),
        201,
        "a donation received before the end still books"
    );

    let mut after = cash_donation(unit_id, "500000");
    after["received_on"] = json!(EFFECTIVE_ON);
    let res = app.post("/v1/donations", &officer.token, &after).await;
    let problem = assert_problem(res, 409, "unit_dissolved").await;
    assert!(
        problem["detail"].as_str().unwrap().contains(MERGED),
        "{problem}"
    );

    // registering a household today is on or after the end
    let res = app
        .post(
            "/v1/households",
            &officer.token,
            &crate::helpers::household_body(unit_id, "Hoàng Văn B"),
        )
        .await;
    assert_problem(res, 409, "unit_dissolved").await;

    // a campaign starting before the end may still be opened
    let res = app
        .post(
            "/v1/campaigns",
            &officer.token,
            &json!({"unit_id": unit_id, "kind": "general", "name": "Tháng 6", "starts_on": "2025-06-01",
                    "ends_on": "2025-06-30", "restricted": false}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let res = app
        .post(
            "/v1/campaigns",
            &officer.token,
            &json!({"unit_id": unit_id, "kind": "general", "name": "Tháng 7", "starts_on": EFFECTIVE_ON,
                    "ends_on": "2025-12-31", "restricted": false}),
        )
        .await;
    assert_problem(res, 409, "unit_dissolved").await;
}

/// Hands `code` over whole to the continuing commune through the API (proposed, approved and
/// executed at the province), which dissolves it.
pub async fn dissolve(app: &TestApp, code: &str) {
    let (officer, approver, accountant) = (
        app.user("officer", PROVINCE).await,
        app.user("approver", PROVINCE).await,
        app.user("accountant", PROVINCE).await,
    );
    let body = json!({"from_unit_id": app.unit_id(code).await, "effective_on": EFFECTIVE_ON,
                      "shares": [{"to_unit_id": app.unit_id(CONTINUING).await, "fraction": "1"}]});
    let res = app.post("/v1/handovers", &officer.token, &body).await;
    let h: Value = res.json().await.unwrap();
    let id = h["id"].as_str().expect("handover proposed").to_owned();
    for (token, action) in [(&approver.token, "approve"), (&accountant.token, "execute")] {
        let res = app
            .post(&format!("/v1/handovers/{id}/{action}"), token, &json!({}))
            .await;
        assert_eq!(res.status(), 200, "{action}");
    }
}

#[tokio::test]
async fn a_dissolved_unit_refuses_every_write_whatever_the_role_and_stays_readable() {
    let app = spawn_app().await;
    let token = reformed(&app).await;
    let officer = app.user("officer", MERGED).await;
    let unit_id = app.unit_id(MERGED).await;
    let mut early = cash_donation(unit_id, "700000");
    early["received_on"] = json!("2025-06-02");
    let donation = app.record_donation(&officer.token, &early).await;
    dissolve(&app, MERGED).await;

    let mut late = cash_donation(unit_id, "500000");
    late["received_on"] = json!("2025-06-30");
    let res = app.post("/v1/donations", &officer.token, &late).await;
    assert_problem(res, 409, "unit_dissolved").await;
    // an officer of the province holds no role there, and still meets the unit's end, not a 403
    let province_officer = app.user("officer", PROVINCE).await;
    let res = app
        .post("/v1/donations", &province_officer.token, &late)
        .await;
    assert_problem(res, 409, "unit_dissolved").await;
    let res = app
        .post(
            &format!("/v1/donations/{}/void", donation["id"].as_str().unwrap()),
            &app.user("accountant", MERGED).await.token,
            &json!({"reason": "nhập nhầm"}),
        )
        .await;
    assert_problem(res, 409, "unit_dissolved").await;

    let body = unit(&app, &token, MERGED).await;
    assert_eq!(body["status"], "dissolved");
    assert_eq!(body["dissolved_on"], "2025-06-30");
    let res = app
        .get(
            &format!("/v1/donations/{}", donation["id"].as_str().unwrap()),
            &officer.token,
        )
        .await;
    assert_eq!(res.status(), 200, "its records stay readable");
    let res = app
        .get(&format!("/v1/units/{unit_id}/balances"), &officer.token)
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn the_database_refuses_postings_into_a_dissolved_fund() {
    let app = spawn_app().await;
    reformed(&app).await;
    dissolve(&app, MERGED).await;
    let db = app.sql().await;
    let unit_id = app.unit_id(MERGED).await;

    let err = db
        .execute(
            "INSERT INTO journal_entries (id, unit_id, effective_date, source_type, description) \
             VALUES (gen_random_uuid(), $1, '2025-06-01', 'manual', 'by hand')",
            &[&unit_id],
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.as_db_error().unwrap().constraint(),
        Some("unit_dissolved"),
        "{err}"
    );

    // nor does its life go back
    let err = db
        .execute("UPDATE units SET status = 'active', dissolving_from = NULL, dissolved_on = NULL WHERE id = $1", &[&unit_id])
        .await
        .unwrap_err();
    assert_eq!(
        err.as_db_error().unwrap().constraint(),
        Some("unit_dissolved")
    );
    let dissolving = app.unit_id("06010").await;
    let err = db
        .execute(
            "UPDATE units SET status = 'active', dissolving_from = NULL WHERE id = $1",
            &[&dissolving],
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.as_db_error().unwrap().constraint(),
        Some("unit_lifecycle_forward")
    );
}

#[tokio::test]
async fn the_database_refuses_a_donation_dated_after_a_units_end() {
    let app = spawn_app().await;
    reformed(&app).await;
    let db = app.sql().await;
    let unit_id = app.unit_id(MERGED).await;

    let err = db
        .execute(
            "INSERT INTO campaigns (unit_id, kind, name, starts_on, ends_on) \
             VALUES ($1, 'general', 'sau khi sáp nhập', '2025-07-01', '2025-12-31')",
            &[&unit_id],
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.as_db_error().unwrap().constraint(),
        Some("unit_dissolved")
    );
}

/// Hands `code` over whole to its one recorded successor (the data's), through the API.
async fn dissolve_into_its_successor(app: &TestApp, code: &str) {
    let id = app.unit_id(code).await;
    let token = app.root_token().await;
    let res = app
        .get(&format!("/v1/units/{id}/successions"), &token)
        .await;
    let links: Value = res.json().await.unwrap();
    let to = links["successors"][0]["unit_id"].clone();
    let (officer, approver, accountant) = (
        app.user("officer", PROVINCE).await,
        app.user("approver", PROVINCE).await,
        app.user("accountant", PROVINCE).await,
    );
    let body = json!({"from_unit_id": id, "effective_on": EFFECTIVE_ON,
                      "shares": [{"to_unit_id": to, "fraction": "1"}]});
    let res = app.post("/v1/handovers", &officer.token, &body).await;
    let h: Value = res.json().await.unwrap();
    let hid = h["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{code}: {h}"))
        .to_owned();
    for (token, action) in [(&approver.token, "approve"), (&accountant.token, "execute")] {
        let res = app
            .post(&format!("/v1/handovers/{hid}/{action}"), token, &json!({}))
            .await;
        assert_eq!(res.status(), 200, "{code} {action}");
    }
}

#[tokio::test]
async fn a_parent_closes_a_month_its_dissolved_child_did_not_live_in() {
    let app = spawn_app().await;
    reformed(&app).await;
    let district = app.unit_id(MERGED_DISTRICT).await;
    // every commune still under the district ended with it, and was handed over
    let codes: Vec<String> = app
        .sql()
        .await
        .query(
            "SELECT code FROM units WHERE parent_id = $1 ORDER BY code",
            &[&district],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    for code in &codes {
        dissolve_into_its_successor(&app, code).await;
    }
    let accountant = app.user("accountant", MERGED_DISTRICT).await;

    let res = app
        .post(
            &format!("/v1/units/{district}/periods/2025-08/close"),
            &accountant.token,
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200, "no child lived in August 2025");

    let res = app
        .post(
            &format!("/v1/units/{district}/periods/2025-06/close"),
            &accountant.token,
            &json!({}),
        )
        .await;
    assert_problem(res, 409, "children_open").await;
}

/// Runs `doanket units successions <file>` against the app's database.
async fn cli_successions(app: &TestApp, body: String) -> std::process::Output {
    let file = std::env::temp_dir().join(format!("successions-{}.csv", Uuid::new_v4()));
    std::fs::write(&file, body).unwrap();
    let url = app.db_url.clone();
    let out = tokio::task::spawn_blocking({
        let file = file.clone();
        move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_doanket"))
                .args(["units", "successions", file.to_str().unwrap()])
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .env("DATABASE_URL", url)
                .env_remove("DATABASE_READ_URL")
                .output()
                .expect("the doanket binary runs")
        }
    })
    .await
    .unwrap();
    let _ = std::fs::remove_file(&file);
    out
}

#[tokio::test]
async fn the_cli_imports_the_succession_file_and_names_the_lines_it_cannot_place() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    lang_son_before_and_after(&app, &token).await;

    let out = cli_successions(&app, lang_son_successions()).await;

    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("created 197 unchanged 0 dissolving 140"),
        "{stdout}"
    );

    let out = cli_successions(
        &app,
        format!(
            "tier,predecessor_code,successor_code,share,effective_on\n\
             commune,99999,{CONTINUING},whole,{EFFECTIVE_ON}\n"
        ),
    )
    .await;
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(":2: predecessor_code"), "{stderr}");
}

#[tokio::test]
async fn the_national_files_import_and_the_one_reused_code_is_named() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    for file in ["vn-admin-units-2025-03.csv", "vn-admin-units-2026.csv"] {
        let res = post_csv(&app, "/v1/units/import", &token, read(file)).await;
        assert_eq!(res.status(), 200, "importing {file}");
    }

    let res = import_successions(&app, &token, read("vn-unit-successions-2025-07.csv")).await;

    let status = res.status();
    let counts: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{counts}");
    assert_eq!(counts["created"], 10_667);
    // 23710 went to 23869, while the 2026 list gave its code to the commune 23716 and 23719
    // merged into: recorded, kept active, named
    assert_eq!(
        counts["kept_active"],
        json!([{"line": 7619, "unit_code": "23710"}])
    );
    assert_eq!(unit(&app, &token, "23710").await["status"], "active");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM units WHERE tier = 'district' AND status = 'active'"
        )
        .await,
        0,
        "every district ended"
    );
    let dissolving = counts["dissolving"].as_i64().unwrap();
    assert_eq!(
        dissolving,
        count(
            &app,
            "SELECT count(*) FROM units WHERE status = 'dissolving'"
        )
        .await
    );
}
