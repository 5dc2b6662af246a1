//! Issue 11 "Hardening", the HTTP edge: a key sent twice is refused everywhere; responses in
//! Vietnamese are Vietnamese (no serde English, real field names, enum values named, amounts
//! written for people, 403s that say which role at which unit); every response says its
//! language; `Retry-After` is the real wait; CORS refusals are problems; `HEAD` on the
//! operations documents; idempotent replays keep `Location`; shutdown is logged.

use reqwest::{Method, Response};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    assert_problem, household_body, spawn_app, spawn_app_with, today, TestApp, COMMUNE, PROVINCE,
};

/// Words serde, serde_json and the parsers behind them write; none may reach a person.
const SERDE_WORDS: [&str; 10] = [
    "invalid type",
    "invalid value",
    "unknown variant",
    "unknown field",
    "missing field",
    "duplicate field",
    "expected",
    "at line",
    "UUID parsing failed",
    "input contains invalid characters",
];

fn assert_no_serde_words(problem: &Value) {
    let text = problem.to_string();
    for word in SERDE_WORDS {
        assert!(!text.contains(word), "{word:?} in {problem}");
    }
}

/// A cash donation received today (the test apps' today) into the unit's fund.
fn donation(unit: Uuid, amount: &str) -> Value {
    json!({"unit_id": unit, "channel": "cash", "amount": amount, "received_on": today(),
           "donor": {"kind": "individual", "name": "Nguyễn Văn A"}, "public_display": "name"})
}

/// `POST` of raw text (to send what `serde_json::Value` cannot hold: a key twice).
async fn post_text(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    lang: &str,
    body: String,
) -> Response {
    let mut req = app
        .client
        .post(app.url(path))
        .header("Content-Type", "application/json")
        .header("Accept-Language", lang);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    req.body(body).send().await.unwrap()
}

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    lang: &str,
    body: &Value,
) -> Response {
    app.client
        .request(method, app.url(path))
        .bearer_auth(token)
        .header("Accept-Language", lang)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn get_in(app: &TestApp, path: &str, token: &str, lang: &str) -> Response {
    app.client
        .get(app.url(path))
        .bearer_auth(token)
        .header("Accept-Language", lang)
        .send()
        .await
        .unwrap()
}

// ---------------------------------------------------------------- a key sent twice

#[tokio::test]
async fn a_donation_naming_its_amount_twice_is_refused_and_nothing_is_booked() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let commune = app.unit_id(COMMUNE).await;
    let body = donation(commune, "1").to_string();
    let twice = body.replacen(r#""amount":"1""#, r#""amount":"1","amount":"999""#, 1);
    assert_ne!(body, twice);

    for lang in ["en", "vi"] {
        let res = post_text(
            &app,
            "/v1/donations",
            Some(&officer.token),
            lang,
            twice.clone(),
        )
        .await;
        let problem = assert_problem(res, 400, "duplicate_key").await;
        assert_eq!(problem["errors"][0]["field"], "amount", "{problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains("\"amount\""),
            "{problem}"
        );
        if lang == "vi" {
            assert!(
                problem["detail"].as_str().unwrap().contains("nhiều lần"),
                "{problem}"
            );
        }
    }
    assert_eq!(app.donation_count().await, 0);
    // the same body with the key once is booked
    let res = post_text(&app, "/v1/donations", Some(&officer.token), "en", body).await;
    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn a_key_twice_deep_inside_the_body_is_refused_with_its_path() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let commune = app.unit_id(COMMUNE).await;

    let donor_twice = donation(commune, "500000").to_string().replacen(
        r#""name":"Nguyễn Văn A""#,
        r#""name":"Nguyễn Văn A","name":"Trần Thị B""#,
        1,
    );
    let res = post_text(
        &app,
        "/v1/donations",
        Some(&officer.token),
        "en",
        donor_twice,
    )
    .await;
    let problem = assert_problem(res, 400, "duplicate_key").await;
    assert_eq!(problem["errors"][0]["field"], "donor.name", "{problem}");

    // escaped, the second key is the same key
    let escaped = donation(commune, "500000").to_string().replacen(
        r#""amount":"500000""#,
        r#""amount":"500000","am\u006funt":"5000000""#,
        1,
    );
    let res = post_text(&app, "/v1/donations", Some(&officer.token), "en", escaped).await;
    assert_problem(res, 400, "duplicate_key").await;

    let entry = json!({"unit_id": commune, "effective_date": today(), "description": "Thu khác",
                       "reason": "thử", "postings": [
                           {"account_code": "1111", "side": "debit", "amount": "1"},
                           {"account_code": "5111", "side": "credit", "amount": "1"}]});
    let text = entry.to_string();
    let at = text.rfind(r#""amount":"1""#).unwrap();
    let twice = format!("{}\"amount\":\"9\",{}", &text[..at], &text[at..]);
    let res = post_text(&app, "/v1/journal", Some(&accountant.token), "en", twice).await;
    let problem = assert_problem(res, 400, "duplicate_key").await;
    assert_eq!(
        problem["errors"][0]["field"], "postings[1].amount",
        "{problem}"
    );
    assert_eq!(app.donation_count().await, 0);
}

#[tokio::test]
async fn sign_in_and_unit_bodies_refuse_a_key_twice_too() {
    let app = spawn_app().await;
    // bodies read straight into a struct: refused as a duplicate too, not as serde's 422
    let res = post_text(
        &app,
        "/v1/auth/token",
        None,
        "en",
        format!(
            r#"{{"username":"root","password":"wrong","password":"{}"}}"#,
            crate::helpers::ROOT_PASSWORD
        ),
    )
    .await;
    let problem = assert_problem(res, 400, "duplicate_key").await;
    assert_eq!(problem["errors"][0]["field"], "password");

    let root = app.root_token().await;
    let province = app.unit_id(PROVINCE).await;
    let res = post_text(
        &app,
        "/v1/units",
        Some(&root),
        "vi",
        format!(
            r#"{{"code":"99901","code":"99902","name":"Mới","full_name":"Xã Mới","tier":"commune","parent_id":"{province}"}}"#
        ),
    )
    .await;
    let problem = assert_problem(res, 400, "duplicate_key").await;
    assert_eq!(
        problem["title"],
        "Một khóa xuất hiện hai lần trong nội dung JSON"
    );
}

// ---------------------------------------------------------------- Vietnamese is Vietnamese

#[tokio::test]
async fn an_unknown_enum_value_names_the_accepted_ones_in_each_language() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let mut body = donation(app.unit_id(COMMUNE).await, "500000");
    body["channel"] = json!("bitcoin");

    let res = send(
        &app,
        Method::POST,
        "/v1/donations",
        &officer.token,
        "vi",
        &body,
    )
    .await;
    let vi = assert_problem(res, 422, "validation_failed").await;
    assert_no_serde_words(&vi);
    assert_eq!(vi["errors"][0]["field"], "channel");
    assert_eq!(
        vi["errors"][0]["message"],
        "phải là một trong: tiền mặt (cash), chuyển khoản (bank_transfer), hiện vật (in_kind)"
    );
    let res = send(
        &app,
        Method::POST,
        "/v1/donations",
        &officer.token,
        "en",
        &body,
    )
    .await;
    let en = assert_problem(res, 422, "validation_failed").await;
    assert_no_serde_words(&en);
    assert_eq!(
        en["errors"][0]["message"],
        "must be one of: cash, bank_transfer, in_kind"
    );

    // an enum given a number still lists its values
    body["channel"] = json!("cash");
    body["donor"]["kind"] = json!(5);
    let res = send(
        &app,
        Method::POST,
        "/v1/donations",
        &officer.token,
        "vi",
        &body,
    )
    .await;
    let vi = assert_problem(res, 422, "validation_failed").await;
    assert_no_serde_words(&vi);
    assert_eq!(vi["errors"][0]["field"], "donor.kind");
    assert!(
        vi["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("tổ chức (organization)"),
        "{vi}"
    );
}

#[tokio::test]
async fn mistyped_and_missing_fields_are_named_by_their_path_in_words() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let commune = app.unit_id(COMMUNE).await;
    let cases: Vec<(Value, &str, &str, &str)> = vec![
        (
            {
                let mut b = donation(commune, "500000");
                b["donor"]["name"] = json!(12345);
                b
            },
            "donor.name",
            "must be a string",
            "phải là một chuỗi ký tự",
        ),
        (
            {
                let mut b = donation(commune, "500000");
                b.as_object_mut().unwrap().remove("channel");
                b
            },
            "channel",
            "is required",
            "là trường bắt buộc",
        ),
        (
            {
                let mut b = donation(commune, "500000");
                b["donor"].as_object_mut().unwrap().remove("kind");
                b
            },
            "donor.kind",
            "is required",
            "là trường bắt buộc",
        ),
        (
            {
                let mut b = donation(commune, "500000");
                b["unit_id"] = json!("not-a-uuid");
                b
            },
            "unit_id",
            "must be a UUID",
            "phải là một UUID",
        ),
        (
            {
                let mut b = donation(commune, "500000");
                b["received_on"] = json!("10/03/2026");
                b
            },
            "received_on",
            "must be a date written YYYY-MM-DD",
            "phải là một ngày dạng YYYY-MM-DD",
        ),
        (
            {
                let mut b = donation(commune, "500000");
                b["donor"]["nickname"] = json!("A");
                b
            },
            "donor.nickname",
            "is not a field of this request",
            "không phải là trường của yêu cầu này",
        ),
    ];
    for (body, field, en, vi) in cases {
        for (lang, words) in [("en", en), ("vi", vi)] {
            let res = send(
                &app,
                Method::POST,
                "/v1/donations",
                &officer.token,
                lang,
                &body,
            )
            .await;
            let problem = assert_problem(res, 422, "validation_failed").await;
            assert_no_serde_words(&problem);
            assert_eq!(problem["errors"][0]["field"], field, "{problem}");
            let message = problem["errors"][0]["message"].as_str().unwrap();
            assert!(message.starts_with(words), "{lang}: {problem}");
        }
    }
}

#[tokio::test]
async fn query_parameter_errors_name_the_parameter_never_query() {
    let app = spawn_app().await;
    let root = app.root_token().await;
    let cases = [
        ("/v1/units?tier=village", "tier", "xã (commune)"),
        ("/v1/units?limit=many", "limit", "phải là một số nguyên"),
        ("/v1/units?parent_id=nope", "parent_id", "phải là một UUID"),
        (
            "/v1/audit-events?from=yesterday",
            "from",
            "phải là một thời điểm theo RFC 3339",
        ),
        (
            "/v1/units?colour=red",
            "colour",
            "không phải là tham số của yêu cầu này",
        ),
        ("/v1/units?limit=1&limit=2", "limit", "được gửi nhiều lần"),
    ];
    for (path, field, words) in cases {
        let res = get_in(&app, path, &root, "vi").await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_no_serde_words(&problem);
        assert_eq!(problem["errors"][0]["field"], field, "{path}: {problem}");
        let message = problem["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(words), "{path}: {problem}");
        let res = get_in(&app, path, &root, "en").await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_no_serde_words(&problem);
        assert_eq!(problem["errors"][0]["field"], field, "{path}: {problem}");
    }
}

#[tokio::test]
async fn parameters_checked_by_hand_name_their_values_in_each_language() {
    let app = spawn_app().await;
    let root = app.root_token().await;
    let cases = [
        (
            "/v1/donations?status=lost",
            "đã ghi nhận (recorded), đã hủy (void)",
        ),
        ("/v1/houses?status=lost", "đã bàn giao (handed_over)"),
        ("/v1/disbursements?status=lost", "đã phê duyệt (approved)"),
    ];
    for (path, words) in cases {
        let res = get_in(&app, path, &root, "vi").await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "status", "{path}: {problem}");
        let message = problem["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.starts_with("phải là một trong: "),
            "{path}: {problem}"
        );
        assert!(message.contains(words), "{path}: {problem}");
        let res = get_in(&app, path, &root, "en").await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        let message = problem["errors"][0]["message"].as_str().unwrap();
        assert!(message.starts_with("must be one of: "), "{path}: {problem}");
    }
}

#[tokio::test]
async fn a_bad_unit_file_is_explained_in_vietnamese_without_the_csv_parsers_words() {
    let app = spawn_app().await;
    let root = app.root_token().await;
    let header = "code,parent_code,tier,name,full_name,kind\n";
    for (rows, words) in [
        ("99,,village,X,Y,\n", "cấp `village` không hợp lệ"),
        ("99,,province\n", "không có đủ số cột"),
    ] {
        let res = app
            .client
            .post(app.url("/v1/units/import"))
            .bearer_auth(&root)
            .header("Content-Type", "text/csv")
            .header("Accept-Language", "vi")
            .body(format!("{header}{rows}"))
            .send()
            .await
            .unwrap();
        let problem = assert_problem(res, 422, "invalid_csv").await;
        let message = problem["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(words), "{problem}");
        assert!(!message.contains("CSV error"), "{problem}");
    }
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_is_explained_without_a_field_called_body() {
    let app = spawn_app().await;
    for lang in ["en", "vi"] {
        let res = post_text(&app, "/v1/auth/token", None, lang, "[1, 2]".into()).await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_no_serde_words(&problem);
        let fields: Vec<&Value> = problem["errors"]
            .as_array()
            .map(|e| e.iter().map(|e| &e["field"]).collect())
            .unwrap_or_default();
        assert!(!fields.contains(&&json!("body")), "{problem}");
        assert!(problem["detail"].is_string(), "{problem}");
    }
}

#[tokio::test]
async fn a_403_says_which_role_at_which_unit_it_needs() {
    let app = spawn_app().await;
    let commune = app.unit_id(COMMUNE).await;
    // a province finance officer sees the commune but keeps no books there
    let province_accountant = app.user("accountant", PROVINCE).await;
    let body = json!({"bank_bin": "970436", "bank_name": "Vietcombank", "account_number": "0123456789",
                      "account_name": "QUY VI NGUOI NGHEO", "currency": "VND"});
    let path = format!("/v1/units/{commune}/bank-accounts");
    let res = send(
        &app,
        Method::POST,
        &path,
        &province_accountant.token,
        "vi",
        &body,
    )
    .await;
    let vi = assert_problem(res, 403, "forbidden").await;
    assert!(
        vi["detail"]
            .as_str()
            .unwrap()
            .contains("cần vai trò kế toán (accountant) tại đơn vị 06001"),
        "{vi}"
    );
    let res = send(
        &app,
        Method::POST,
        &path,
        &province_accountant.token,
        "en",
        &body,
    )
    .await;
    let en = assert_problem(res, 403, "forbidden").await;
    assert!(
        en["detail"]
            .as_str()
            .unwrap()
            .contains("the role accountant at unit 06001"),
        "{en}"
    );

    // a role held nowhere: the role is named even before the unit is known
    let auditor = app.user("auditor", COMMUNE).await;
    let res = send(
        &app,
        Method::POST,
        "/v1/donations",
        &auditor.token,
        "vi",
        &donation(commune, "1"),
    )
    .await;
    let vi = assert_problem(res, 403, "forbidden").await;
    assert!(
        vi["detail"]
            .as_str()
            .unwrap()
            .contains("cần vai trò cán bộ nghiệp vụ (officer)"),
        "{vi}"
    );
}

#[tokio::test]
async fn insufficient_funds_says_what_is_available_and_what_was_asked() {
    let app = spawn_app().await;
    let commune = app.unit_id(COMMUNE).await;
    let officer = app.user("officer", COMMUNE).await;
    let approver = app.user("approver", COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    app.record_donation(&officer.token, &donation(commune, "1500000"))
        .await;

    // a reservation the fund cannot cover
    let res = app
        .post(
            "/v1/disbursements",
            &officer.token,
            &json!({"unit_id": commune, "category": "medical", "amount": "2000000",
                    "method": "cash", "description": "Hỗ trợ viện phí"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let grant: Value = res.json().await.unwrap();
    let approve = format!(
        "/v1/disbursements/{}/approve",
        grant["id"].as_str().unwrap()
    );
    let res = send(
        &app,
        Method::POST,
        &approve,
        &approver.token,
        "vi",
        &json!({}),
    )
    .await;
    let vi = assert_problem(res, 409, "insufficient_funds").await;
    assert_eq!(
        vi["detail"],
        "Số dư khả dụng là 1.500.000 ₫; số yêu cầu là 2.000.000 ₫."
    );
    assert_eq!(vi["available"], "1500000");
    assert_eq!(vi["requested"], "2000000");
    let res = send(
        &app,
        Method::POST,
        &approve,
        &approver.token,
        "en",
        &json!({}),
    )
    .await;
    let en = assert_problem(res, 409, "insufficient_funds").await;
    assert_eq!(
        en["detail"],
        "1,500,000 VND is available; 2,000,000 VND was asked."
    );

    // money leaving the fund by a posting
    let res = send(
        &app,
        Method::POST,
        "/v1/journal",
        &accountant.token,
        "vi",
        &json!({"unit_id": commune, "effective_date": today(), "description": "Chi khác",
                "reason": "thử chi quá số dư",
                "postings": [{"account_code": "6191", "side": "debit", "amount": "1600000"},
                             {"account_code": "1111", "side": "credit", "amount": "1600000"}]}),
    )
    .await;
    let vi = assert_problem(res, 409, "insufficient_funds").await;
    assert_eq!(
        vi["detail"],
        "Số dư khả dụng là 1.500.000 ₫; số yêu cầu là 1.600.000 ₫."
    );
}

#[tokio::test]
async fn every_response_says_its_language_and_varies_on_it() {
    let app = spawn_app().await;
    let root = app.root_token().await;
    // JSON, problems from routes, actix-made 404 and 405, extractor 415, 413 and 400, 401
    let request = |i: usize| match i {
        0 => app.client.get(app.url("/v1/units")).bearer_auth(&root),
        1 => app.client.get(app.url("/v1/no-such-thing")),
        2 => app.client.get(app.url("/nowhere")),
        3 => app.client.delete(app.url("/v1/units")).bearer_auth(&root),
        4 => app
            .client
            .post(app.url("/v1/auth/token"))
            .header("Content-Type", "text/plain")
            .body("{}"),
        5 => app
            .client
            .post(app.url("/v1/auth/token"))
            .header("Content-Type", "application/json")
            .body(vec![b' '; (1 << 20) + 10]),
        6 => app
            .client
            .post(app.url("/v1/auth/token"))
            .header("Content-Type", "application/json")
            .body("{"),
        7 => app.client.get(app.url("/v1/auth/me")),
        _ => app.client.get(app.url("/healthz")),
    };
    for i in 0..9 {
        let mut titles = Vec::new();
        for (lang, tag) in [("vi", "vi"), ("en", "en"), ("fr", "en")] {
            let res = request(i)
                .header("Accept-Language", lang)
                .send()
                .await
                .unwrap();
            let status = res.status();
            let headers = res.headers().clone();
            assert_eq!(
                headers.get("content-language").map(|v| v.to_str().unwrap()),
                Some(tag),
                "request {i} in {lang}: {status}"
            );
            let vary: Vec<&str> = headers
                .get_all("vary")
                .iter()
                .flat_map(|v| v.to_str().unwrap().split(','))
                .map(str::trim)
                .collect();
            assert!(
                vary.iter()
                    .any(|v| v.eq_ignore_ascii_case("accept-language")),
                "request {i} in {lang}: {vary:?}"
            );
            if status.is_client_error() {
                let body: Value = res.json().await.unwrap();
                assert_no_serde_words(&body);
                titles.push(body["title"].clone());
            }
        }
        if let [vi, en, fr] = &titles[..] {
            assert_ne!(vi, en, "request {i}: a Vietnamese title");
            assert_eq!(en, fr, "request {i}");
        }
    }
}

// ---------------------------------------------------------------- Retry-After, CORS, HEAD

#[tokio::test]
async fn retry_after_is_the_real_wait_for_a_sign_in_slot() {
    // one attempt a minute per username: the next frees 60 s after the first
    let app = spawn_app_with(|s| s.sign_in_per_minute_per_user = 1).await;
    let first = app.sign_in("somebody", "wrong").await;
    assert_problem(first, 401, "invalid_credentials").await;

    let res = app
        .client
        .post(app.url("/v1/auth/token"))
        .header("Accept-Language", "vi")
        .json(&json!({"username": "somebody", "password": "wrong"}))
        .send()
        .await
        .unwrap();
    let retry_after: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let problem = assert_problem(res, 429, "rate_limited").await;
    assert!(
        (50..=60).contains(&retry_after),
        "Retry-After: {retry_after}"
    );
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("{retry_after} giây")),
        "{problem}"
    );
}

#[tokio::test]
async fn cors_refusals_are_problems() {
    let app = spawn_app_with(|s| s.cors_allowed_origins = vec!["https://app.example".into()]).await;
    let preflight = |origin: &'static str, method: &'static str, headers: Option<&'static str>| {
        let mut req = app
            .client
            .request(Method::OPTIONS, app.url("/v1/donations"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", method)
            .header("Accept-Language", "vi");
        if let Some(h) = headers {
            req = req.header("Access-Control-Request-Headers", h);
        }
        req.send()
    };

    let good = preflight("https://app.example", "POST", Some("content-type"))
        .await
        .unwrap();
    assert_eq!(good.status(), 200);
    for res in [
        preflight("https://evil.example", "POST", None)
            .await
            .unwrap(),
        preflight("https://app.example", "TRACE", None)
            .await
            .unwrap(),
        preflight("https://app.example", "POST", Some("x-evil"))
            .await
            .unwrap(),
    ] {
        assert_eq!(res.headers()["content-language"], "vi");
        let problem = assert_problem(res, 400, "cors_refused").await;
        assert_eq!(problem["title"], "Yêu cầu từ nguồn khác bị từ chối");
        assert!(problem["detail"].is_string(), "{problem}");
    }
}

#[tokio::test]
async fn head_answers_like_get_without_a_body() {
    let app = spawn_app().await;
    for path in ["/healthz", "/readyz", "/openapi.json"] {
        let get = app.client.get(app.url(path)).send().await.unwrap();
        let head = app.client.head(app.url(path)).send().await.unwrap();
        assert_eq!(head.status(), 200, "HEAD {path}");
        assert_eq!(get.status(), 200, "GET {path}");
        // every header but the date and the request id, each as a sorted list (CORS lists
        // come in any order)
        let strip = |h: &reqwest::header::HeaderMap| {
            let mut h: Vec<(String, Vec<String>)> = h
                .iter()
                .filter(|(name, _)| !matches!(name.as_str(), "date" | "x-request-id"))
                .map(|(name, value)| {
                    let mut items: Vec<String> = value
                        .to_str()
                        .unwrap()
                        .split(',')
                        .map(|i| i.trim().to_owned())
                        .collect();
                    items.sort();
                    (name.to_string(), items)
                })
                .collect();
            h.sort();
            h
        };
        assert_eq!(strip(head.headers()), strip(get.headers()), "{path}");
        assert!(head.headers().contains_key("content-length"), "{path}");
        assert!(head.bytes().await.unwrap().is_empty(), "{path}");
        assert!(!get.bytes().await.unwrap().is_empty(), "{path}");
    }
}

// ---------------------------------------------------------------- idempotent replays

#[tokio::test]
async fn a_replayed_201_carries_its_location() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let commune = app.unit_id(COMMUNE).await;
    for (path, body) in [
        ("/v1/donations", donation(commune, "500000")),
        ("/v1/households", household_body(commune, "Lò Văn Pấng")),
    ] {
        let key = Uuid::new_v4().to_string();
        let first = app.post_with_key(path, &officer.token, &key, &body).await;
        assert_eq!(first.status(), 201, "{path}");
        let location = first.headers()["location"].clone();
        let again = app.post_with_key(path, &officer.token, &key, &body).await;
        assert_eq!(again.status(), 201, "{path}");
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        assert_eq!(again.headers().get("location"), Some(&location), "{path}");
    }
}

// ---------------------------------------------------------------- shutdown

/// The real binary, stopped by a real signal: it logs the signal, then that it drained, in that
/// order, and exits cleanly.
#[tokio::test]
async fn shutdown_signals_and_the_drain_are_logged() {
    let app = spawn_app().await;
    for signal in ["TERM", "INT"] {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_doanket"))
            .arg("serve")
            .env("DATABASE_URL", &app.db_url)
            .env("DOANKET_BIND", format!("127.0.0.1:{port}"))
            .env("DOANKET_LOG_FORMAT", "json")
            .env("DOANKET_WORKERS", "1")
            // the default log filter, as in production
            .env_remove("RUST_LOG")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // read the logs as they come, so a full pipe never blocks the server
        let mut stderr = child.stderr.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut logs = String::new();
            std::io::Read::read_to_string(&mut stderr, &mut logs).unwrap();
            logs
        });
        let url = format!("http://127.0.0.1:{port}/healthz");
        let mut up = false;
        for _ in 0..200 {
            if matches!(app.client.get(&url).send().await, Ok(r) if r.status() == 200) {
                up = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(up, "the binary serves");
        let sent = std::process::Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let started = std::time::Instant::now();
        let exit = loop {
            if let Some(exit) = child.try_wait().unwrap() {
                break Some(exit);
            }
            if started.elapsed() > std::time::Duration::from_secs(40) {
                child.kill().unwrap();
                child.wait().unwrap();
                break None;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        };
        let logs = reader.join().unwrap();
        let exit = exit.unwrap_or_else(|| panic!("SIG{signal}: still running after 40 s\n{logs}"));
        assert!(exit.success(), "SIG{signal}: exit status {exit:?}\n{logs}");
        let lines: Vec<Value> = logs
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        let position = |message: &str| {
            lines.iter().position(|l| {
                l["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with(message))
            })
        };
        let received = position("shutdown signal received").expect(&logs);
        let drained = position("drained").expect(&logs);
        assert!(received < drained, "{logs}");
        assert_eq!(lines[received]["signal"], format!("SIG{signal}"), "{logs}");
    }
}
