//! The housing report of a unit (api.md "Reports"): projects by state and kind, support approved
//! and paid, and the funding plan against what each source gave, for the unit alone or its
//! subtree, for the year the projects were proposed in; and the house in a household's history.

use serde_json::{json, Value};

use crate::helpers::{
    assert_problem, spawn_app, today, TestApp, COMMUNE, PROVINCE, SIBLING_COMMUNE,
};
use crate::house_contributions::{
    cash, contribute, created, fund, id, labour, pay, propose, step, Fund,
};

/// Projects of 2026 in the commune and its sibling, and one of 2025 in the commune:
/// - commune: a proposed repair; an approved new house with a community contribution; a
///   started repair with an advance of 10000000 and a sponsor's contribution; a handed-over new
///   house paid in full with the household's labour; a cancelled new house;
/// - sibling: an approved new house;
/// - commune, 2025: a proposed new house.
struct Scenario {
    commune: Fund,
    sibling: Fund,
    handed_over: Value,
}

async fn scenario(app: &TestApp) -> Scenario {
    let commune = fund(app, COMMUNE, "300000000").await;
    let sibling = fund(app, SIBLING_COMMUNE, "100000000").await;

    propose(
        app,
        &commune,
        "repair",
        "2026-05-04",
        &[("household", "5000000")],
    )
    .await;

    let approved = propose(
        app,
        &commune,
        "new",
        "2026-05-04",
        &[("community", "10000000")],
    )
    .await;
    step(app, &commune, &approved, "approve").await;
    ok201(
        contribute(
            app,
            &commune.officer.token,
            &approved,
            &cash("community", "4000000"),
        )
        .await,
    )
    .await;

    let started = propose(
        app,
        &commune,
        "repair",
        "2026-05-04",
        &[("sponsor", "20000000")],
    )
    .await;
    step(app, &commune, &started, "approve").await;
    step(app, &commune, &started, "start").await;
    pay(app, &commune, &started, "advance", "10000000").await;
    ok201(
        contribute(
            app,
            &commune.officer.token,
            &started,
            &cash("sponsor", "15000000"),
        )
        .await,
    )
    .await;

    let handed_over = propose(
        app,
        &commune,
        "new",
        "2026-05-04",
        &[("household", "8000000"), ("state_budget", "25000000")],
    )
    .await;
    step(app, &commune, &handed_over, "approve").await;
    step(app, &commune, &handed_over, "start").await;
    pay(app, &commune, &handed_over, "advance", "30000000").await;
    step(app, &commune, &handed_over, "complete").await;
    pay(app, &commune, &handed_over, "final", "30000000").await;
    ok201(contribute(app, &commune.officer.token, &handed_over, &labour("40")).await).await;
    let mut budget = cash("state_budget", "25000000");
    budget["contributed_on"] = json!("2026-07-15");
    ok201(contribute(app, &commune.officer.token, &handed_over, &budget).await).await;
    step(app, &commune, &handed_over, "hand-over").await;

    let cancelled = propose(
        app,
        &commune,
        "new",
        "2026-05-04",
        &[("sponsor", "9000000")],
    )
    .await;
    step(app, &commune, &cancelled, "approve").await;
    step(app, &commune, &cancelled, "cancel").await;

    let away = propose(app, &sibling, "new", "2026-05-04", &[]).await;
    step(app, &sibling, &away, "approve").await;

    propose(
        app,
        &commune,
        "new",
        "2025-12-01",
        &[("community", "1000000")],
    )
    .await;

    Scenario {
        commune,
        sibling,
        handed_over,
    }
}

async fn ok201(res: reqwest::Response) {
    created(res).await;
}

async fn report(app: &TestApp, token: &str, code: &str, query: &str) -> Value {
    let unit = app.unit_id(code).await;
    let res = app
        .get(&format!("/v1/units/{unit}/reports/housing?{query}"), token)
        .await;
    let status = res.status();
    let json: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{json}");
    json
}

fn funding(report: &Value) -> Vec<(String, String, String)> {
    report["funding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["source"].as_str().unwrap().to_owned(),
                f["planned"].as_str().unwrap().to_owned(),
                f["actual"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn row(source: &str, planned: &str, actual: &str) -> (String, String, String) {
    (source.into(), planned.into(), actual.into())
}

#[tokio::test]
async fn the_report_of_a_commune_counts_its_projects_by_state_and_kind() {
    let app = spawn_app().await;
    let s = scenario(&app).await;

    let r = report(&app, &s.commune.officer.token, COMMUNE, "year=2026").await;

    assert_eq!(r["unit_id"], s.commune.unit.to_string());
    assert_eq!(r["year"], 2026);
    assert_eq!(r["include_descendants"], false);
    assert_eq!(
        r["by_state"],
        json!([
            {"state": "proposed", "kind": "repair", "count": 1},
            {"state": "approved", "kind": "new", "count": 1},
            {"state": "started", "kind": "repair", "count": 1},
            {"state": "handed_over", "kind": "new", "count": 1},
            {"state": "cancelled", "kind": "new", "count": 1},
        ])
    );
    assert_eq!(r["houses"]["count"], 5);
}

#[tokio::test]
async fn support_counts_approved_projects_and_their_tranches_not_cancelled_ones() {
    let app = spawn_app().await;
    let s = scenario(&app).await;

    let r = report(&app, &s.commune.accountant.token, COMMUNE, "year=2026").await;

    // approved new 60M + started repair 30M + handed-over new 60M; the cancelled one is out
    assert_eq!(
        r["support"],
        json!({"approved": "150000000", "paid": "70000000"})
    );
}

#[tokio::test]
async fn funding_sets_each_sources_plan_against_what_it_gave() {
    let app = spawn_app().await;
    let s = scenario(&app).await;

    let r = report(&app, &s.commune.officer.token, COMMUNE, "year=2026").await;

    assert_eq!(
        funding(&r),
        [
            // the fund's lines of the four live projects; actual: the tranches paid
            row("fund", "180000000", "70000000"),
            row("state_budget", "25000000", "25000000"),
            // the cancelled project's 9000000 is no longer planned
            row("sponsor", "20000000", "15000000"),
            row("community", "10000000", "4000000"),
            // labour valued at 0 adds nothing
            row("household", "13000000", "0"),
        ]
    );
}

#[tokio::test]
async fn every_source_is_listed_even_when_nothing_was_planned() {
    let app = spawn_app().await;
    let s = scenario(&app).await;

    let r = report(&app, &s.sibling.officer.token, SIBLING_COMMUNE, "year=2026").await;

    assert_eq!(
        funding(&r),
        [
            row("fund", "60000000", "0"),
            row("state_budget", "0", "0"),
            row("sponsor", "0", "0"),
            row("community", "0", "0"),
            row("household", "0", "0"),
        ]
    );
    assert_eq!(r["support"], json!({"approved": "60000000", "paid": "0"}));
}

#[tokio::test]
async fn the_province_alone_has_no_projects_but_its_subtree_has_them_all() {
    let app = spawn_app().await;
    scenario(&app).await;
    let province = app.user("auditor", PROVINCE).await;

    let alone = report(&app, &province.token, PROVINCE, "year=2026").await;
    let subtree = report(
        &app,
        &province.token,
        PROVINCE,
        "year=2026&include_descendants=true",
    )
    .await;

    assert_eq!(alone["by_state"], json!([]));
    assert_eq!(alone["houses"]["count"], 0);
    assert_eq!(alone["support"], json!({"approved": "0", "paid": "0"}));
    assert_eq!(funding(&alone)[0], row("fund", "0", "0"));
    assert_eq!(subtree["include_descendants"], true);
    assert_eq!(subtree["houses"]["count"], 6);
    assert_eq!(
        subtree["by_state"][1],
        json!({"state": "approved", "kind": "new", "count": 2})
    );
    assert_eq!(
        subtree["support"],
        json!({"approved": "210000000", "paid": "70000000"})
    );
    assert_eq!(funding(&subtree)[0], row("fund", "240000000", "70000000"));
}

#[tokio::test]
async fn a_project_counts_in_the_year_it_was_proposed() {
    let app = spawn_app().await;
    let s = scenario(&app).await;

    let r = report(&app, &s.commune.officer.token, COMMUNE, "year=2025").await;

    assert_eq!(
        r["by_state"],
        json!([{"state": "proposed", "kind": "new", "count": 1}])
    );
    assert_eq!(r["support"], json!({"approved": "0", "paid": "0"}));
    assert_eq!(funding(&r)[0], row("fund", "60000000", "0"));
    assert_eq!(funding(&r)[3], row("community", "1000000", "0"));
}

#[tokio::test]
async fn the_year_defaults_to_the_current_one() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;

    let r = report(&app, &officer.token, COMMUNE, "").await;

    assert_eq!(r["year"], chrono::Datelike::year(&today()));
    assert_eq!(r["houses"]["count"], 0);
    assert_eq!(r["funding"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn a_sibling_communes_user_finds_no_such_unit() {
    let app = spawn_app().await;
    let sibling = app.user("officer", SIBLING_COMMUNE).await;
    let commune = app.unit_id(COMMUNE).await;

    let res = app
        .get(
            &format!("/v1/units/{commune}/reports/housing?year=2026"),
            &sibling.token,
        )
        .await;

    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn a_year_outside_2000_to_2100_is_refused() {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let commune = app.unit_id(COMMUNE).await;

    for year in ["1999", "2101"] {
        let res = app
            .get(
                &format!("/v1/units/{commune}/reports/housing?year={year}"),
                &officer.token,
            )
            .await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "year", "{year}: {problem}");
    }
    let res = app
        .get(
            &format!("/v1/units/{commune}/reports/housing?year=twenty"),
            &officer.token,
        )
        .await;
    assert_problem(res, 422, "validation_failed").await;
}

#[tokio::test]
async fn the_household_history_shows_its_house() {
    let app = spawn_app().await;
    let s = scenario(&app).await;
    let house = &s.handed_over;

    let res = app
        .get(
            &format!(
                "/v1/households/{}/history",
                house["household_id"].as_str().unwrap()
            ),
            &s.commune.officer.token,
        )
        .await;

    assert_eq!(res.status(), 200);
    let history: Value = res.json().await.unwrap();
    assert_eq!(
        history["items"],
        json!([{"kind": "house", "id": id(house), "unit_id": s.commune.unit, "status": "handed_over",
                "amount": "60000000", "date": "2026-09-01", "category": "new"}])
    );
}
