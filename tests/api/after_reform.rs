//! After the handover (reform.md, "After the handover"): a successor's people read the records of
//! the unit it took over but never write them; reports that carry the predecessors' figures;
//! the public pages of both; and months that close without the dissolved unit. The world is the
//! one of `handovers.rs`: 05998 (Lạng Sơn) with money, an earmark, bank money and households,
//! handed over whole to 06001.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::handovers::{hand_over, world, World};
use crate::helpers::{assert_problem, cash_donation, spawn_app, TestApp, SIBLING_COMMUNE};
use crate::reform::{CONTINUING, MERGED};

/// The world of `handovers.rs` with 05998 handed over to 06001.
async fn after(app: &TestApp) -> World {
    let w = world(app).await;
    hand_over(app, &w).await;
    w
}

async fn ok(app: &TestApp, token: &str, path: &str) -> Value {
    let res = app.get(path, token).await;
    let status = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(status, 200, "GET {path}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

fn donations_of(page: &Value) -> Vec<String> {
    let mut out: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["amount_vnd"].as_str().unwrap().to_owned())
        .collect();
    out.sort();
    out
}

// ---------------------------------------------------------------- scope

#[tokio::test]
async fn a_successors_officer_reads_the_predecessors_donations_and_receipts() {
    let app = spawn_app().await;
    let w = after(&app).await;
    let heir = app.user("officer", CONTINUING).await;
    let m = w.merged;

    let page = ok(&app, &heir.token, &format!("/v1/donations?unit_id={m}")).await;
    assert_eq!(donations_of(&page), ["1000001", "300000", "500000"]);
    // one donation, with the donor's contact (an officer at the successor reads personal data)
    let bank_gift = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["amount_vnd"] == "500000")
        .unwrap();
    let one = ok(
        &app,
        &heir.token,
        &format!("/v1/donations/{}", bank_gift["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(one["unit_id"], json!(m));
    let receipts = ok(
        &app,
        &heir.token,
        &format!("/v1/units/{m}/receipts?year=2025"),
    )
    .await;
    assert_eq!(receipts["items"].as_array().unwrap().len(), 3, "{receipts}");
    let detail = ok(&app, &heir.token, &format!("/v1/units/{m}")).await;
    assert_eq!(detail["status"], "dissolved");
}

#[tokio::test]
async fn a_successors_people_read_the_predecessors_journal_accounts_and_reports() {
    let app = spawn_app().await;
    let w = after(&app).await;
    let heir = app.user("accountant", CONTINUING).await;
    let m = w.merged;

    let journal = ok(&app, &heir.token, &format!("/v1/journal?unit_id={m}")).await;
    // three donations and the handover
    assert_eq!(journal["items"].as_array().unwrap().len(), 4, "{journal}");
    let chart: Value = ok(&app, &heir.token, &format!("/v1/units/{m}/accounts")).await;
    let cash = chart["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "1111")
        .unwrap();
    ok(
        &app,
        &heir.token,
        &format!("/v1/accounts/{}/postings", cash["id"].as_str().unwrap()),
    )
    .await;
    let balances = ok(&app, &heir.token, &format!("/v1/units/{m}/balances")).await;
    assert_eq!(balances["cash"], "0", "handed over: {balances}");
    ok(
        &app,
        &heir.token,
        &format!("/v1/bank-accounts/{}", w.bank["id"].as_str().unwrap()),
    )
    .await;
    ok(&app, &heir.token, &format!("/v1/units/{m}/bank-accounts")).await;
    let statement = ok(
        &app,
        &heir.token,
        &format!("/v1/units/{m}/reports/fund-statement?from=2025-01-01&to=2025-06-30"),
    )
    .await;
    assert_eq!(statement["closing_balance"], "1800001");
    let tb = ok(
        &app,
        &heir.token,
        &format!("/v1/units/{m}/reports/trial-balance"),
    )
    .await;
    assert_eq!(tb["total_debit"], tb["total_credit"]);
    ok(&app, &heir.token, &format!("/v1/units/{m}/periods")).await;
    ok(
        &app,
        &heir.token,
        &format!("/v1/units/{m}/reports/housing?year=2025"),
    )
    .await;
    ok(
        &app,
        &heir.token,
        &format!(
            "/v1/campaigns/{}/report",
            w.campaign["id"].as_str().unwrap()
        ),
    )
    .await;
}

#[tokio::test]
async fn a_successors_auditor_exports_and_verifies_the_predecessors_ledger() {
    let app = spawn_app().await;
    let w = after(&app).await;
    let auditor = app.user("auditor", CONTINUING).await;
    let officer = app.user("officer", CONTINUING).await;
    let m = w.merged;

    let verified = ok(
        &app,
        &auditor.token,
        &format!("/v1/units/{m}/ledger/verify"),
    )
    .await;
    assert_eq!(verified["ok"], true, "{verified}");
    let res = app
        .get(&format!("/v1/units/{m}/ledger?format=csv"), &auditor.token)
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("1000001"));
    ok(
        &app,
        &auditor.token,
        &format!("/v1/audit-events?unit_id={m}"),
    )
    .await;
    // auditing takes an auditor (or admin) at the successor, as it would at the unit
    let res = app
        .get(&format!("/v1/units/{m}/ledger/verify"), &officer.token)
        .await;
    assert_problem(res, 403, "forbidden").await;
}

#[tokio::test]
async fn a_successors_officer_reads_the_moved_households_and_the_predecessors_list() {
    let app = spawn_app().await;
    let w = after(&app).await;
    let heir = app.user("officer", CONTINUING).await;

    let list = ok(
        &app,
        &heir.token,
        &format!("/v1/households?unit_id={}", w.merged),
    )
    .await;
    assert_eq!(list["items"], json!([]), "they moved to the successor");
    for h in &w.households {
        let id = h["id"].as_str().unwrap();
        let history = ok(&app, &heir.token, &format!("/v1/households/{id}/history")).await;
        assert!(history.is_object() || history.is_array());
    }
}

#[tokio::test]
async fn nobody_writes_into_the_predecessor_and_strangers_do_not_see_it() {
    let app = spawn_app().await;
    let w = after(&app).await;
    let heir = app.user("officer", CONTINUING).await;
    let m = w.merged;

    // a write through the successor: the unit is dissolved (409), not unknown
    let mut late = cash_donation(m, "100000");
    late["received_on"] = json!("2025-06-20");
    let res = app.post("/v1/donations", &heir.token, &late).await;
    assert_problem(res, 409, "unit_dissolved").await;
    let res = app
        .post(
            "/v1/campaigns",
            &heir.token,
            &json!({"unit_id": m, "kind": "general", "name": "Muộn", "starts_on": "2025-06-01",
                    "ends_on": "2025-06-30", "restricted": false}),
        )
        .await;
    assert_problem(res, 409, "unit_dissolved").await;

    // an officer of another commune, and an auditor there, see nothing of it
    let stranger = app.user("officer", SIBLING_COMMUNE).await;
    let auditor = app.user("auditor", SIBLING_COMMUNE).await;
    for path in [
        format!("/v1/donations?unit_id={m}"),
        format!("/v1/units/{m}/receipts"),
        format!("/v1/journal?unit_id={m}"),
        format!("/v1/units/{m}/balances"),
        format!("/v1/units/{m}/reports/fund-statement?from=2025-01-01&to=2025-06-30"),
        format!("/v1/units/{m}/reports/trial-balance"),
        format!("/v1/households?unit_id={m}"),
        format!("/v1/units/{m}"),
    ] {
        let res = app.get(&path, &stranger.token).await;
        assert_problem(res, 404, "not_found").await;
    }
    let res = app
        .get(&format!("/v1/units/{m}/ledger/verify"), &auditor.token)
        .await;
    assert_problem(res, 404, "not_found").await;
}

// ---------------------------------------------------------------- reports with predecessors

async fn statement(app: &TestApp, token: &str, unit: Uuid, query: &str) -> Value {
    ok(
        app,
        token,
        &format!("/v1/units/{unit}/reports/fund-statement?{query}"),
    )
    .await
}

/// The successor with donations of its own before and after the reform, 05998 handed over to
/// it, and the handed-over bank money received in its bank account.
async fn successor_with_history(app: &TestApp) -> World {
    let w = world(app).await;
    let own = app.user("officer", CONTINUING).await;
    for (amount, day) in [("200000", "2025-05-20"), ("400000", "2025-08-01")] {
        let mut gift = cash_donation(w.continuing, amount);
        gift["received_on"] = json!(day);
        app.record_donation(&own.token, &gift).await;
    }
    let h = hand_over(app, &w).await;
    let accountant = app.user("accountant", CONTINUING).await;
    let bank = app.bank_account(CONTINUING, &accountant.token).await;
    let res = app
        .post(
            &format!("/v1/handovers/{}/receive", h["id"].as_str().unwrap()),
            &accountant.token,
            &json!({"to_unit_id": w.continuing, "bank_account_id": bank["id"],
                    "received_on": crate::helpers::today()}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    w
}

fn amount(v: &Value) -> i64 {
    v.as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_statement_with_predecessors_adds_them_up_without_the_handover() {
    let app = spawn_app().await;
    let w = successor_with_history(&app).await;
    let token = &w.root;
    let period = format!("from=2025-01-01&to={}", crate::helpers::today());

    let own = statement(&app, token, w.continuing, &period).await;
    let theirs = statement(&app, token, w.merged, &period).await;
    let both = statement(
        &app,
        token,
        w.continuing,
        &format!("{period}&include_predecessors=true"),
    )
    .await;

    // each alone: the handover is an unexplained movement out of one fund and into the other
    assert_eq!(own["other_movements"], "1800001", "{own}");
    assert_eq!(theirs["other_movements"], "-1800001", "{theirs}");
    assert_eq!(theirs["closing_balance"], "0");
    // together: their sum, the handover in neither
    for line in ["opening_balance", "closing_balance", "other_movements"] {
        assert_eq!(
            amount(&both[line]),
            amount(&own[line]) + amount(&theirs[line]),
            "{line}: {both}"
        );
    }
    assert_eq!(both["other_movements"], "0");
    assert_eq!(both["closing_balance"], "2400001", "not doubled: {both}");
    assert_eq!(both["receipts"]["total"], "2400001");
    assert_eq!(
        amount(&both["receipts"]["total"]),
        amount(&own["receipts"]["total"]) + amount(&theirs["receipts"]["total"])
    );
    let earmarked = both["receipts"]["by_campaign"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["campaign_id"] == w.campaign["id"])
        .expect("the predecessor's campaign");
    assert_eq!(earmarked["amount"], "300000");
    assert_eq!(
        both["predecessors"],
        json!([{"unit_id": w.merged, "code": MERGED, "name": "Khánh Long",
                "dissolved_on": "2025-06-30", "share": "whole", "fraction": "1",
                "successor_id": w.continuing}])
    );
    assert!(own.get("predecessors").is_none());
}

#[tokio::test]
async fn a_statement_with_predecessors_before_the_reform_is_the_two_funds_added_up() {
    let app = spawn_app().await;
    let w = successor_with_history(&app).await;
    let heir = app.user("officer", CONTINUING).await;

    let both = statement(
        &app,
        &heir.token,
        w.continuing,
        "from=2025-01-01&to=2025-06-30&include_predecessors=true",
    )
    .await;

    assert_eq!(both["receipts"]["total"], "2000001", "{both}");
    assert_eq!(both["closing_balance"], "2000001");
    assert_eq!(both["other_movements"], "0");
    // after the reform: the predecessor's figures stop at its last day
    let later = statement(
        &app,
        &heir.token,
        w.continuing,
        &format!(
            "from=2025-07-01&to={}&include_predecessors=true",
            crate::helpers::today()
        ),
    )
    .await;
    assert_eq!(later["opening_balance"], "2000001", "{later}");
    assert_eq!(later["receipts"]["total"], "400000");
    assert_eq!(later["other_movements"], "0");
    assert_eq!(later["closing_balance"], "2400001");
}

#[tokio::test]
async fn a_continuing_units_own_row_and_a_dissolving_predecessor_add_nothing() {
    let app = spawn_app().await;
    // 05998 is only dissolving: its handover has not been executed
    let w = world(&app).await;
    let period = format!("from=2025-01-01&to={}", crate::helpers::today());

    let own = statement(&app, &w.root, w.continuing, &period).await;
    let both = statement(
        &app,
        &w.root,
        w.continuing,
        &format!("{period}&include_predecessors=true"),
    )
    .await;

    assert_eq!(both["predecessors"], json!([]));
    for line in ["opening_balance", "closing_balance", "receipts"] {
        assert_eq!(both[line], own[line], "{line}");
    }
}

#[tokio::test]
async fn predecessors_do_not_combine_with_a_consolidated_statement() {
    let app = spawn_app().await;
    let w = world(&app).await;

    let res = app
        .get(
            &format!(
                "/v1/units/{}/reports/fund-statement?from=2025-01-01&to=2025-06-30&consolidated=true&include_predecessors=true",
                w.continuing
            ),
            &w.root,
        )
        .await;

    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "include_predecessors");
}

#[tokio::test]
async fn a_trial_balance_with_predecessors_lists_their_accounts_and_stays_balanced() {
    let app = spawn_app().await;
    let w = successor_with_history(&app).await;
    let path = format!("/v1/units/{}/reports/trial-balance", w.continuing);

    let own = ok(&app, &w.root, &path).await;
    let both = ok(&app, &w.root, &format!("{path}?include_predecessors=true")).await;

    let total = |tb: &Value, unit: Option<Uuid>, codes: &[&str]| -> i64 {
        tb["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| unit.is_none_or(|u| a["unit_id"] == json!(u)))
            .filter(|a| {
                codes
                    .iter()
                    .any(|c| a["code"].as_str().unwrap().starts_with(c))
            })
            .map(|a| amount(&a["balance"]))
            .sum()
    };
    // alone, the successor shows what it received in the handover
    assert_eq!(total(&own, None, &["5114"]), 1_800_001, "{own}");
    assert_eq!(total(&own, Some(w.merged), &["1111"]), 0);
    // with its predecessor, the handover is in neither fund and the money is where it was
    assert_eq!(both["total_debit"], both["total_credit"]);
    assert_eq!(total(&both, None, &["5114", "6221", "1131"]), 0, "{both}");
    assert_eq!(total(&both, None, &["5111", "5112"]), 2_400_001);
    assert_eq!(total(&both, Some(w.merged), &["1111"]), 1_300_001);
    assert_eq!(total(&both, Some(w.merged), &["1121"]), 500_000);
    assert_eq!(total(&both, Some(w.continuing), &["1111", "1121"]), 600_000);
    assert_eq!(both["predecessors"][0]["unit_id"], json!(w.merged));
}

#[tokio::test]
async fn a_split_predecessor_is_carried_whole_by_each_successor_with_its_fraction() {
    let app = spawn_app().await;
    let root = app.root_token().await;
    crate::reform::lang_son_before_and_after(&app, &root).await;
    // 06622 was split between 06613 and 06625 (which continues)
    let split = app.unit_id("06622").await;
    let officer = app.user("officer", "06622").await;
    let mut cash = cash_donation(split, "1000001");
    cash["received_on"] = json!("2025-06-10");
    app.record_donation(&officer.token, &cash).await;
    let res =
        crate::reform::import_successions(&app, &root, crate::reform::lang_son_successions()).await;
    assert_eq!(res.status(), 200);
    let (a, b) = (app.unit_id("06613").await, app.unit_id("06625").await);
    let body = json!({"from_unit_id": split, "effective_on": crate::reform::EFFECTIVE_ON,
                      "shares": [{"to_unit_id": a, "fraction": "0.4"}, {"to_unit_id": b, "fraction": "0.6"}]});
    let h = crate::handovers::propose(
        &app,
        &app.user("officer", crate::helpers::PROVINCE).await.token,
        &body,
    )
    .await;
    for (role, action) in [("approver", "approve"), ("accountant", "execute")] {
        let token = app.user(role, crate::helpers::PROVINCE).await.token;
        let res = crate::handovers::act(&app, &token, &h, action).await;
        assert_eq!(res.status(), 200, "{action}");
    }
    let period = format!(
        "from=2025-01-01&to={}&include_predecessors=true",
        crate::helpers::today()
    );

    for (successor, fraction) in [(a, "0.4"), (b, "0.6")] {
        let s = statement(&app, &root, successor, &period).await;
        // the whole of what 06622 recorded, not 40 % or 60 % of each figure
        assert_eq!(s["receipts"]["total"], "1000001", "{s}");
        assert_eq!(s["closing_balance"], "1000001");
        assert_eq!(s["other_movements"], "0");
        assert_eq!(
            s["predecessors"],
            json!([{"unit_id": split, "code": "06622", "name": "Bính Xá",
                    "dissolved_on": "2025-06-30", "share": "part", "fraction": fraction,
                    "successor_id": successor}])
        );
    }
}

// ---------------------------------------------------------------- public pages

#[tokio::test]
async fn the_public_summaries_name_the_units_on_either_side_of_a_succession() {
    let app = spawn_app().await;
    let w = after(&app).await;

    let res = app
        .client
        .get(app.url(&format!(
            "/v1/public/units/{}/summary?year=2025",
            w.continuing
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let successor: Value = res.json().await.unwrap();
    let res = app
        .client
        .get(app.url(&format!("/v1/public/units/{}/summary?year=2025", w.merged)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let ended: Value = res.json().await.unwrap();

    // 06001 succeeded 05998 and 06010 (not itself, though it continues)
    let codes: Vec<&str> = successor["succeeded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["05998", "06010"]);
    assert_eq!(
        successor["succeeded"][0],
        json!({"unit_id": w.merged, "code": MERGED, "name": "Khánh Long"})
    );
    assert_eq!(successor["succeeded_by"], json!([]));
    assert_eq!(ended["succeeded"], json!([]));
    assert_eq!(
        ended["succeeded_by"],
        json!([{"unit_id": w.continuing, "code": CONTINUING, "name": "Đoàn Kết"}])
    );
    assert_eq!(
        ended["received_total"], "1800001",
        "its history stays public"
    );
}

#[tokio::test]
async fn a_dissolving_unit_names_its_successors_and_an_untouched_one_names_none() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let summary = |id: Uuid| {
        let app = &app;
        async move {
            let res = app
                .client
                .get(app.url(&format!("/v1/public/units/{id}/summary?year=2025")))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200);
            res.json::<Value>().await.unwrap()
        }
    };

    let dissolving = summary(w.merged).await;
    assert_eq!(dissolving["succeeded_by"][0]["code"], CONTINUING);
    let sibling = summary(app.unit_id(SIBLING_COMMUNE).await).await;
    assert_eq!(sibling["succeeded_by"], json!([]));
}

#[tokio::test]
async fn a_dissolved_units_receipts_still_confirm_on_the_public_page() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let page = ok(
        &app,
        &w.root,
        &format!("/v1/units/{}/receipts?year=2025", w.merged),
    )
    .await;
    let numbers: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["receipt_number"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(numbers.len(), 3);
    hand_over(&app, &w).await;

    for number in &numbers {
        let res = app
            .client
            .get(app.url(&format!("/v1/public/receipts/{number}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{number}");
        let receipt: Value = res.json().await.unwrap();
        assert_eq!(receipt["status"], "recorded");
        assert_eq!(receipt["unit"]["code"], MERGED);
        assert!(number.starts_with("05998-2025-"));
    }
}

// ---------------------------------------------------------------- periods

/// Closes `month` by hand for every unit below `province`, communes first, except the units
/// under `district` and `district` itself.
async fn close_all_but(app: &TestApp, province: Uuid, district: Uuid, month: &str) {
    let db = app.sql().await;
    for tier in ["commune", "district"] {
        db.execute(
            "INSERT INTO periods (unit_id, month, state, closed_at) \
             SELECT id, to_date($1, 'YYYY-MM'), 'closed', now() FROM units \
              WHERE ancestry @> ARRAY[$2::uuid] AND tier = $3 \
                AND id <> $4 AND parent_id <> $4",
            &[&month, &province, &tier, &district],
        )
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn a_province_closes_a_month_after_its_district_was_dissolved_without_it() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let province = app.unit_id(crate::helpers::PROVINCE).await;
    let district = app.unit_id(crate::reform::MERGED_DISTRICT).await;
    close_all_but(&app, province, district, "2025-07").await;
    let close = |token: String| {
        let app = &app;
        async move {
            app.post(
                &format!("/v1/units/{province}/periods/2025-07/close"),
                &token,
                &json!({}),
            )
            .await
        }
    };
    // the district, only dissolving, still holds the month back
    let res = close(w.province_accountant.token.clone()).await;
    let problem = assert_problem(res, 409, "children_open").await;
    assert!(problem.to_string().contains(crate::reform::MERGED_DISTRICT));

    let h = crate::handovers::propose(
        &app,
        &w.province_officer.token,
        &crate::handovers::whole_to(district, province),
    )
    .await;
    for (token, action) in [
        (&w.province_approver.token, "approve"),
        (&w.province_accountant.token, "execute"),
    ] {
        let res = crate::handovers::act(&app, token, &h, action).await;
        assert_eq!(res.status(), 200, "{action}");
    }
    assert_eq!(
        ok(&app, &w.root, &format!("/v1/units/{district}")).await["dissolved_on"],
        "2025-06-30"
    );

    let res = close(w.province_accountant.token.clone()).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    // and the month before, when the district was still there, it still holds back
    close_all_but(&app, province, district, "2025-06").await;
    let res = app
        .post(
            &format!("/v1/units/{province}/periods/2025-06/close"),
            &w.province_accountant.token,
            &json!({}),
        )
        .await;
    assert_problem(res, 409, "children_open").await;
}
