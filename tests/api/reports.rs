//! The trial balance (api.md "Reports"): every account's debit and credit totals as of a date,
//! Σ debits = Σ credits, in scope.

use serde_json::{json, Value};

use crate::helpers::{assert_problem, cash_donation, spawn_app, COMMUNE, SIBLING_COMMUNE};

#[tokio::test]
async fn the_trial_balance_balances_and_stops_at_its_date() {
    let app = spawn_app().await;
    let unit = app.unit_id(COMMUNE).await;
    let officer = app.user("officer", COMMUNE).await;
    app.record_cash_donation(&officer.token, unit, "1000000")
        .await;
    let mut later = cash_donation(unit, "250000");
    later["received_on"] = json!("2026-04-02");
    app.record_donation(&officer.token, &later).await;

    let all: Value = app
        .get(
            &format!("/v1/units/{unit}/reports/trial-balance"),
            &officer.token,
        )
        .await
        .json()
        .await
        .unwrap();
    let march: Value = app
        .get(
            &format!("/v1/units/{unit}/reports/trial-balance?as_of=2026-03-31"),
            &officer.token,
        )
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(
        (&all["total_debit"], &all["total_credit"]),
        (&json!("1250000"), &json!("1250000"))
    );
    assert_eq!(
        (&march["total_debit"], &march["total_credit"]),
        (&json!("1000000"), &json!("1000000"))
    );
    let cash = march["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "1111")
        .unwrap();
    assert_eq!(
        (&cash["debit"], &cash["credit"], &cash["balance"]),
        (&json!("1000000"), &json!("0"), &json!("1000000"))
    );
    let income = march["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "5111")
        .unwrap();
    assert_eq!(income["balance"], "1000000");
}

#[tokio::test]
async fn a_trial_balance_outside_the_scope_does_not_exist() {
    let app = spawn_app().await;
    let unit = app.unit_id(COMMUNE).await;
    let sibling = app.user("officer", SIBLING_COMMUNE).await;
    let res = app
        .get(
            &format!("/v1/units/{unit}/reports/trial-balance"),
            &sibling.token,
        )
        .await;
    assert_problem(res, 404, "not_found").await;
    let own = app.user("officer", COMMUNE).await;
    let res = app
        .get(
            &format!("/v1/units/{unit}/reports/trial-balance?as_of=31-03-2026"),
            &own.token,
        )
        .await;
    assert_problem(res, 422, "validation_failed").await;
}
