//! The unit tree over HTTP and the CLI: listing in scope, reading, creating with the tier rule,
//! and importing the official lists idempotently.

use std::collections::HashSet;
use std::io::Write;
use std::process::{Command, Stdio};

use reqwest::Response;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_problem, spawn_app, TestApp, COMMUNE, PROVINCE};

const UNITS_2025: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/units/vn-admin-units-2025-03.csv"
);
const UNITS_2026: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/units/vn-admin-units-2026.csv"
);

/// The accounts every fund is opened with (ledger.md, and the reform's 1131 money in transit,
/// 5114 received and 6221 handed over), without 1121, which is opened per bank account.
const CHART: [&str; 23] = [
    "1111", "1131", "1361", "1551", "3361", "4111", "5111", "5112", "5113", "5114", "5118", "6111",
    "6112", "6121", "6131", "6141", "6151", "6161", "6171", "6191", "6211", "6221", "6411",
];

async fn post_csv(app: &TestApp, token: &str, body: impl Into<reqwest::Body>) -> Response {
    app.client
        .post(app.url("/v1/units/import"))
        .bearer_auth(token)
        .header("Content-Type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn import_file(app: &TestApp, token: &str, path: &str) -> Value {
    let res = post_csv(app, token, std::fs::read(path).unwrap()).await;
    assert_eq!(res.status(), 200, "importing {path}");
    res.json().await.unwrap()
}

/// A digest of every column of every unit, to prove that nothing changed.
async fn units_checksum(app: &TestApp) -> String {
    app.sql()
        .await
        .query_one(
            "SELECT md5(string_agg(concat_ws('|', id, code, name, full_name, kind, tier, parent_id, \
                    ancestry::text, path::text, search_text, created_at, updated_at), E'\\n' ORDER BY code)) \
               FROM units",
            &[],
        )
        .await
        .unwrap()
        .get(0)
}

async fn count(app: &TestApp, table: &str) -> i64 {
    app.sql()
        .await
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .await
        .unwrap()
        .get(0)
}

/// Units whose ancestry or path is not exactly their parent's plus themselves.
async fn misplaced_units(app: &TestApp) -> i64 {
    app.sql()
        .await
        .query_one(
            "SELECT count(*) FROM units u LEFT JOIN units p ON p.id = u.parent_id \
              WHERE (u.parent_id IS NULL AND (u.path <> ARRAY[u.code] OR u.ancestry <> ARRAY[u.id])) \
                 OR (u.parent_id IS NOT NULL AND (u.path IS DISTINCT FROM p.path || u.code \
                                                  OR u.ancestry IS DISTINCT FROM p.ancestry || u.id))",
            &[],
        )
        .await
        .unwrap()
        .get(0)
}

fn codes(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap().to_owned())
        .collect()
}

// ---------------------------------------------------------------- listing

#[tokio::test]
async fn listing_units_returns_the_scope_ordered_by_code_with_paths() {
    let app = spawn_app().await;
    let token = app.root_token().await;

    let res = app.get("/v1/units?limit=500", &token).await;

    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    let codes = codes(&page);
    assert_eq!(codes.len(), 67, "TW, Lạng Sơn and its 65 communes");
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted);
    assert!(page["next_cursor"].is_null());
    let commune = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == COMMUNE)
        .unwrap();
    assert_eq!(commune["path"], json!(["TW", PROVINCE, COMMUNE]));
    assert_eq!(commune["name"], "Đoàn Kết");
    assert_eq!(commune["tier"], "commune");
    assert_eq!(
        commune["parent_id"],
        app.unit_id(PROVINCE).await.to_string()
    );
}

#[tokio::test]
async fn listing_units_filters_by_parent() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    let tw = app.unit_id("TW").await;

    let page: Value = app
        .get(&format!("/v1/units?parent_id={tw}"), &token)
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(codes(&page), [PROVINCE]);
}

#[tokio::test]
async fn listing_units_filters_by_tier() {
    let app = spawn_app().await;
    let token = app.root_token().await;

    let provinces: Value = app
        .get("/v1/units?tier=province", &token)
        .await
        .json()
        .await
        .unwrap();
    let communes: Value = app
        .get("/v1/units?tier=commune&limit=500", &token)
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(codes(&provinces), [PROVINCE]);
    assert_eq!(codes(&communes).len(), 65);
    assert!(communes["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["tier"] == "commune"));
}

#[tokio::test]
async fn searching_units_ignores_diacritics() {
    let app = spawn_app().await;
    let token = app.root_token().await;

    let doan_ket: Value = app
        .get("/v1/units?q=doan%20ket", &token)
        .await
        .json()
        .await
        .unwrap();
    let lang_son: Value = app
        .get("/v1/units?q=lang%20son", &token)
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(codes(&doan_ket), [COMMUNE]);
    assert_eq!(doan_ket["items"][0]["name"], "Đoàn Kết");
    assert!(
        codes(&lang_son).contains(&PROVINCE.to_owned()),
        "{lang_son}"
    );
    assert!(lang_son["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["name"] == "Lạng Sơn"));
}

#[tokio::test]
async fn keyset_pagination_walks_every_commune_once() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    let province = app.unit_id(PROVINCE).await;

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut path = format!("/v1/units?parent_id={province}&limit=10");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let res = app.get(&path, &token).await;
        assert_eq!(res.status(), 200);
        let page: Value = res.json().await.unwrap();
        pages += 1;
        let items = codes(&page);
        assert!(items.len() <= 10);
        seen.extend(items);
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
        assert!(pages < 20, "pagination does not end");
    }

    assert_eq!(pages, 7, "65 communes in pages of 10");
    assert_eq!(seen.len(), 65);
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        65,
        "no duplicates"
    );
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "ordered by code across pages");
    let expected: i64 = app
        .sql()
        .await
        .query_one(
            "SELECT count(*) FROM units WHERE parent_id = $1",
            &[&province],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(expected, 65);
}

// ---------------------------------------------------------------- reading one

#[tokio::test]
async fn a_unit_is_read_by_id_and_by_code() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    let id = app.unit_id(COMMUNE).await;

    let by_id = app.get(&format!("/v1/units/{id}"), &token).await;
    let by_code = app
        .get(&format!("/v1/units/by-code/{COMMUNE}"), &token)
        .await;

    assert_eq!(by_id.status(), 200);
    assert_eq!(by_code.status(), 200);
    let by_id: Value = by_id.json().await.unwrap();
    let by_code: Value = by_code.json().await.unwrap();
    assert_eq!(by_id, by_code);
    assert_eq!(by_id["id"], id.to_string());
    assert_eq!(by_id["code"], COMMUNE);
    assert_eq!(by_id["full_name"], "Xã Đoàn Kết");
    assert_eq!(by_id["path"], json!(["TW", PROVINCE, COMMUNE]));
}

#[tokio::test]
async fn an_unknown_unit_is_404() {
    let app = spawn_app().await;
    let token = app.root_token().await;

    let by_id = app
        .get(&format!("/v1/units/{}", Uuid::now_v7()), &token)
        .await;
    assert_problem(by_id, 404, "not_found").await;
    let by_code = app.get("/v1/units/by-code/99999", &token).await;
    assert_problem(by_code, 404, "not_found").await;
}

// ---------------------------------------------------------------- creating

fn new_unit(code: &str, tier: &str, parent_id: Uuid) -> Value {
    json!({"code": code, "name": format!("Đơn vị {code}"), "full_name": format!("Đơn vị thử {code}"), "tier": tier, "parent_id": parent_id})
}

#[tokio::test]
async fn creating_a_district_opens_its_fund_and_chart() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    let province = app.unit_id(PROVINCE).await;

    let res = app
        .post("/v1/units", &token, &new_unit("999", "district", province))
        .await;

    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let unit: Value = res.json().await.unwrap();
    let id: Uuid = unit["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(location, format!("/v1/units/{id}"));
    assert_eq!(unit["code"], "999");
    assert_eq!(unit["tier"], "district");
    assert_eq!(unit["parent_id"], province.to_string());
    assert_eq!(unit["path"], json!(["TW", PROVINCE, "999"]));
    let db = app.sql().await;
    let funds: i64 = db
        .query_one("SELECT count(*) FROM funds WHERE unit_id = $1", &[&id])
        .await
        .unwrap()
        .get(0);
    assert_eq!(funds, 1);
    let chart: Vec<String> = db
        .query_one(
            "SELECT array_agg(code ORDER BY code) FROM accounts WHERE unit_id = $1",
            &[&id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(chart, CHART);
    // the created unit is readable where Location says
    let again = app.get(&location, &token).await;
    assert_eq!(again.status(), 200);
}

#[tokio::test]
async fn a_commune_is_created_under_a_district() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    let province = app.unit_id(PROVINCE).await;
    let district: Value = app
        .post("/v1/units", &token, &new_unit("999", "district", province))
        .await
        .json()
        .await
        .unwrap();
    let district_id: Uuid = district["id"].as_str().unwrap().parse().unwrap();

    let res = app
        .post(
            "/v1/units",
            &token,
            &new_unit("99901", "commune", district_id),
        )
        .await;

    assert_eq!(res.status(), 201);
    let unit: Value = res.json().await.unwrap();
    assert_eq!(unit["path"], json!(["TW", PROVINCE, "999", "99901"]));
    assert_eq!(unit["parent_id"], district_id.to_string());
}

#[tokio::test]
async fn a_commune_is_created_directly_under_a_province() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    let province = app.unit_id(PROVINCE).await;

    let res = app
        .post("/v1/units", &token, &new_unit("99902", "commune", province))
        .await;

    assert_eq!(res.status(), 201);
    let unit: Value = res.json().await.unwrap();
    assert_eq!(unit["path"], json!(["TW", PROVINCE, "99902"]));
}

#[tokio::test]
async fn a_province_under_a_commune_is_invalid_tier() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    let commune = app.unit_id(COMMUNE).await;

    let res = app
        .post("/v1/units", &token, &new_unit("98", "province", commune))
        .await;

    assert_problem(res, 422, "invalid_tier").await;
    assert_eq!(count(&app, "units WHERE code = '98'").await, 0);
}

#[tokio::test]
async fn a_district_under_a_district_is_invalid_tier() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    let province = app.unit_id(PROVINCE).await;
    let district: Value = app
        .post("/v1/units", &token, &new_unit("999", "district", province))
        .await
        .json()
        .await
        .unwrap();

    let res = app
        .post(
            "/v1/units",
            &token,
            &new_unit(
                "998",
                "district",
                district["id"].as_str().unwrap().parse().unwrap(),
            ),
        )
        .await;

    assert_problem(res, 422, "invalid_tier").await;
    assert_eq!(count(&app, "units WHERE code = '998'").await, 0);
}

#[tokio::test]
async fn a_duplicate_unit_code_is_409() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    let province = app.unit_id(PROVINCE).await;

    let res = app
        .post("/v1/units", &token, &new_unit(COMMUNE, "commune", province))
        .await;

    assert_problem(res, 409, "duplicate_unit_code").await;
    assert_eq!(count(&app, "units").await, 67);
}

#[tokio::test]
async fn a_malformed_unit_code_is_422() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    let province = app.unit_id(PROVINCE).await;

    for bad in ["abc", "99 901", "", "Đ1"] {
        let res = app
            .post("/v1/units", &token, &new_unit(bad, "commune", province))
            .await;
        let body = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(body["errors"][0]["field"], "code", "{bad:?}: {body}");
    }
    assert_eq!(count(&app, "units").await, 67);
}

#[tokio::test]
async fn an_unknown_parent_is_422() {
    let app = spawn_app().await;
    let token = app.root_token().await;

    let res = app
        .post(
            "/v1/units",
            &token,
            &new_unit("99903", "commune", Uuid::now_v7()),
        )
        .await;

    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "parent_id");
}

// ---------------------------------------------------------------- importing over HTTP

#[tokio::test]
async fn both_official_files_import_with_counts() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    let before = count(&app, "units").await;

    let first = import_file(&app, &token, UNITS_2025).await;
    let after_2025 = count(&app, "units").await;
    let second = import_file(&app, &token, UNITS_2026).await;
    let after_2026 = count(&app, "units").await;

    // 2025-03 lists 10,806 units; Lạng Sơn and its 65 communes were already there
    assert_eq!(first["created"].as_i64().unwrap(), after_2025 - before);
    assert_eq!(first["created"], 10_806 - 66);
    assert_eq!(
        first["updated"], 65,
        "the template's communes move under their 2025 districts"
    );
    assert_eq!(first["unchanged"], 1);
    // 2026 lists 3,355 units, 6 of them new
    assert_eq!(second["created"].as_i64().unwrap(), after_2026 - after_2025);
    assert_eq!(second["created"], 6);
    assert_eq!(
        second["created"].as_i64().unwrap()
            + second["updated"].as_i64().unwrap()
            + second["unchanged"].as_i64().unwrap(),
        3_355
    );
    assert_eq!(count(&app, "funds").await, after_2026);
    assert_eq!(
        count(&app, "accounts").await,
        CHART.len() as i64 * after_2026
    );
}

#[tokio::test]
async fn importing_the_same_file_twice_changes_nothing() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    let first = import_file(&app, &token, UNITS_2026).await;
    assert_eq!(first["created"], 3_355 - 66);
    let checksum = units_checksum(&app).await;

    let second = import_file(&app, &token, UNITS_2026).await;

    assert_eq!(
        second,
        json!({"created": 0, "updated": 0, "unchanged": 3_355})
    );
    assert_eq!(units_checksum(&app).await, checksum);
}

#[tokio::test]
async fn importing_2026_after_2025_moves_communes_under_provinces() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    import_file(&app, &token, UNITS_2025).await;
    let db = app.sql().await;
    let district_parent: String = db
        .query_one(
            "SELECT p.code FROM units u JOIN units p ON p.id = u.parent_id WHERE u.code = $1",
            &[&COMMUNE],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        district_parent, "180",
        "in 2025-03 Đoàn Kết sits under district 180"
    );
    assert_eq!(misplaced_units(&app).await, 0);

    let counts = import_file(&app, &token, UNITS_2026).await;

    assert!(counts["updated"].as_i64().unwrap() > 3_000, "{counts}");
    let path: Vec<String> = db
        .query_one("SELECT path FROM units WHERE code = $1", &[&COMMUNE])
        .await
        .unwrap()
        .get(0);
    assert_eq!(path, ["TW", PROVINCE, COMMUNE]);
    assert_eq!(
        misplaced_units(&app).await,
        0,
        "every path is its parent's path plus its code"
    );
    let res = app
        .get(&format!("/v1/units/by-code/{COMMUNE}"), &token)
        .await;
    let unit: Value = res.json().await.unwrap();
    assert_eq!(unit["path"], json!(["TW", PROVINCE, COMMUNE]));
}

#[tokio::test]
async fn a_malformed_file_is_refused_naming_the_line_and_writes_nothing() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    let checksum = units_checksum(&app).await;
    let csv = "code,parent_code,tier,name,full_name,kind\n\
               97,,province,Tỉnh Thử,Tỉnh Thử,Tỉnh\n\
               97001,97,village,Xã Thử,Xã Thử,Xã\n";

    let res = post_csv(&app, &token, csv).await;

    let body = assert_problem(res, 422, "invalid_csv").await;
    assert_eq!(body["line"], 3, "{body}");
    assert_eq!(body["errors"][0]["field"], "line 3");
    assert_eq!(units_checksum(&app).await, checksum);
    assert_eq!(count(&app, "units WHERE code IN ('97', '97001')").await, 0);
    assert_eq!(
        count(&app, "audit_events WHERE action = 'unit.import'").await,
        0
    );
}

#[tokio::test]
async fn a_file_with_an_unknown_parent_is_refused() {
    let app = spawn_app().await;
    let token = app.root_token().await;
    let checksum = units_checksum(&app).await;
    let csv = "code,parent_code,tier,name,full_name,kind\n\
               97,,province,Tỉnh Thử,Tỉnh Thử,Tỉnh\n\
               97001,96,commune,Xã Thử,Xã Thử,Xã\n";

    let res = post_csv(&app, &token, csv).await;

    let body = assert_problem(res, 422, "invalid_csv").await;
    assert_eq!(body["line"], 3, "{body}");
    assert_eq!(units_checksum(&app).await, checksum);
}

#[tokio::test]
async fn importing_anything_but_csv_is_415() {
    let app = spawn_app().await;
    let token = app.root_token().await;

    let res = app
        .client
        .post(app.url("/v1/units/import"))
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .body(r#"{"code":"97"}"#)
        .send()
        .await
        .unwrap();

    assert_problem(res, 415, "unsupported_media_type").await;
}

#[tokio::test]
async fn a_province_admin_may_not_import() {
    let app = spawn_app().await;
    let admin = app.user("admin", PROVINCE).await;
    let checksum = units_checksum(&app).await;

    let res = post_csv(&app, &admin.token, std::fs::read(UNITS_2026).unwrap()).await;

    assert_problem(res, 403, "forbidden").await;
    assert_eq!(units_checksum(&app).await, checksum);
}

#[tokio::test]
async fn only_an_admin_of_tw_may_import() {
    let app = spawn_app().await;
    let auditor = app.user("auditor", "TW").await;
    let officer = app.user("officer", "TW").await;
    let csv = "code,parent_code,tier,name,full_name,kind\n97,,province,Tỉnh Thử,Tỉnh Thử,Tỉnh\n";

    for user in [&auditor, &officer] {
        let res = post_csv(&app, &user.token, csv).await;
        assert_problem(res, 403, "forbidden").await;
    }
    let root = app.root_token().await;
    let res = post_csv(&app, &root, csv).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"created": 1, "updated": 0, "unchanged": 0})
    );
}

// ---------------------------------------------------------------- the CLI

/// Runs the built `doanket` binary against the test's database (off the runtime's thread: the
/// test's app keeps serving meanwhile).
async fn cli(app: &TestApp, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let stdin = stdin.map(str::to_owned);
    let url = app.db_url.clone();
    tokio::task::spawn_blocking(move || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_doanket"))
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("DATABASE_URL", url)
            .env("DOANKET_LOG_FORMAT", "pretty")
            .env_remove("DATABASE_READ_URL")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the doanket binary runs");
        // closing stdin after writing tells the CLI the password is complete
        let mut pipe = child.stdin.take().unwrap();
        if let Some(input) = stdin {
            pipe.write_all(input.as_bytes()).unwrap();
        }
        drop(pipe);
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "doanket {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    })
    .await
    .unwrap()
}

/// The number after `word` in the CLI's summary line.
fn printed(stdout: &str, word: &str) -> i64 {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("created "))
        .unwrap_or_else(|| panic!("no summary in {stdout}"));
    let mut parts = line.split_whitespace();
    while let Some(p) = parts.next() {
        if p == word {
            return parts.next().unwrap().parse().unwrap();
        }
    }
    panic!("no `{word}` in {line}")
}

#[tokio::test]
async fn the_cli_imports_the_2025_tree_with_funds_and_charts() {
    let app = spawn_app().await;
    let before = count(&app, "units").await;

    let out = cli(
        &app,
        &["units", "import", "data/units/vn-admin-units-2025-03.csv"],
        None,
    )
    .await;

    let stdout = String::from_utf8_lossy(&out.stdout);
    let created = printed(&stdout, "created");
    let units = count(&app, "units").await;
    assert_eq!(units - before, created);
    assert!(
        (10_700..=10_810).contains(&created),
        "about 10,800 new units: {stdout}"
    );
    assert_eq!(count(&app, "funds").await, units);
    assert_eq!(count(&app, "accounts").await, CHART.len() as i64 * units);
    assert_eq!(misplaced_units(&app).await, 0);
    assert_eq!(
        count(&app, "audit_events WHERE action = 'unit.import'").await,
        1
    );

    let again = cli(
        &app,
        &["units", "import", "data/units/vn-admin-units-2025-03.csv"],
        None,
    )
    .await;

    let stdout = String::from_utf8_lossy(&again.stdout);
    assert_eq!(printed(&stdout, "created"), 0);
    assert_eq!(printed(&stdout, "updated"), 0);
    assert_eq!(count(&app, "units").await, units);
}

#[tokio::test]
async fn the_cli_creates_a_user_who_can_sign_in() {
    let app = spawn_app().await;
    let password = "a-long-password-from-stdin";

    let out = cli(
        &app,
        &[
            "users",
            "create",
            "--username",
            "cli.admin",
            "--password-stdin",
            "--full-name",
            "Quản trị CLI",
            "--role",
            "admin@TW",
        ],
        Some(&format!("{password}\n")),
    )
    .await;

    let id: Uuid = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("the CLI prints the new id");
    let res = app.sign_in("cli.admin", password).await;
    assert_eq!(res.status(), 200);
    let token = res.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let me: Value = app.get("/v1/auth/me", &token).await.json().await.unwrap();
    assert_eq!(me["id"], id.to_string());
    assert_eq!(me["full_name"], "Quản trị CLI");
    assert_eq!(
        me["roles"],
        json!([{"role": "admin", "unit_id": app.unit_id("TW").await, "unit_code": "TW", "tier": "central"}])
    );
}
