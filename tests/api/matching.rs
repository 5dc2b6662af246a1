//! Matching statement lines to ledger entries (api.md "Finance officers"): automatically on
//! import, by bank reference or by amount, date and donor name (never when ambiguous), and by
//! hand: match, unmatch, ignore, with their states, checks, rights and scope.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_problem, spawn_app, TestApp, TestUser, COMMUNE, SIBLING_COMMUNE};

pub const GENERIC_HEADER: &str = "date,reference,debit,credit,balance,description\n";

/// Imports a `generic` statement (`rows` without the header), asserting 201; returns the outcome.
pub async fn import(app: &TestApp, token: &str, bank: &Value, rows: &str) -> Value {
    let res = app
        .client
        .post(app.url(&format!(
            "/v1/bank-accounts/{}/statements?format=generic",
            bank["id"].as_str().unwrap()
        )))
        .bearer_auth(token)
        .header("Content-Type", "text/csv")
        .body(format!("{GENERIC_HEADER}{rows}"))
        .send()
        .await
        .expect("request sent");
    let status = res.status();
    let json: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "statement imported: {json}");
    json
}

/// Records a bank transfer of `amount` into `bank` from `donor` (anonymous when `None`).
pub async fn transfer(
    app: &TestApp,
    token: &str,
    bank: &Value,
    amount: &str,
    received_on: &str,
    reference: Option<&str>,
    donor: Option<&str>,
) -> Value {
    let unit_id = app.unit_id(COMMUNE).await;
    let donor = match donor {
        Some(name) => json!({"kind": "individual", "name": name}),
        None => json!({"kind": "anonymous"}),
    };
    let mut body = json!({"unit_id": unit_id, "channel": "bank_transfer", "amount": amount,
                          "received_on": received_on, "bank_account_id": bank["id"],
                          "donor": donor, "public_display": "anonymous"});
    if let Some(r) = reference {
        body["bank_reference"] = json!(r);
    }
    app.record_donation(token, &body).await
}

/// The bank account's lines, oldest first.
pub async fn lines(app: &TestApp, token: &str, bank: &Value) -> Vec<Value> {
    let res = app
        .get(
            &format!(
                "/v1/bank-accounts/{}/statement-lines?limit=500",
                bank["id"].as_str().unwrap()
            ),
            token,
        )
        .await;
    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    page["items"].as_array().unwrap().clone()
}

struct Setup {
    app: TestApp,
    officer: TestUser,
    accountant: TestUser,
    bank: Value,
}

async fn setup() -> Setup {
    let app = spawn_app().await;
    let officer = app.user("officer", COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let bank = app.bank_account(COMMUNE, &accountant.token).await;
    Setup {
        app,
        officer,
        accountant,
        bank,
    }
}

/// A line no donation fits, then a donation of the same amount it can be matched to by hand:
/// returns (the line's id, the donation's entry id).
async fn unmatched_line_and_entry(s: &Setup, amount: &str) -> (String, String) {
    let outcome = import(
        &s.app,
        &s.accountant.token,
        &s.bank,
        &format!("2026-04-20,9100.00001,,{amount},,chuyen khoan\n"),
    )
    .await;
    assert_eq!(outcome["auto_matched"], 0);
    let d = transfer(
        &s.app,
        &s.officer.token,
        &s.bank,
        amount,
        "2026-03-01",
        None,
        None,
    )
    .await;
    let line = lines(&s.app, &s.accountant.token, &s.bank).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (line, d["journal_entry_id"].as_str().unwrap().to_owned())
}

fn path(line: &str, action: &str) -> String {
    format!("/v1/statement-lines/{line}/{action}")
}

#[tokio::test]
async fn credit_lines_carrying_the_bank_references_of_donations_are_matched_on_import() {
    let s = setup().await;
    let a = transfer(
        &s.app,
        &s.officer.token,
        &s.bank,
        "1000000",
        "2026-03-10",
        Some("FT26069000001"),
        None,
    )
    .await;
    let b = transfer(
        &s.app,
        &s.officer.token,
        &s.bank,
        "250000",
        "2026-03-10",
        Some("FT26069000002"),
        None,
    )
    .await;

    let outcome = import(
        &s.app,
        &s.accountant.token,
        &s.bank,
        "2026-03-10,FT26069000001,,1000000,1000000,IBFT chuyen tien\n\
         2026-03-11,5303.1,,250000,1250000,MBVCB chuyen tien FT26069000002 ung ho\n\
         2026-03-11,5303.2,,70000,1320000,chuyen tien khong ro\n",
    )
    .await;

    assert_eq!(outcome["auto_matched"], 2);
    let l = lines(&s.app, &s.accountant.token, &s.bank).await;
    assert_eq!(
        l.iter()
            .map(|l| (l["status"].clone(), l["matched_entry_id"].clone()))
            .collect::<Vec<_>>(),
        [
            (json!("matched"), a["journal_entry_id"].clone()),
            (json!("matched"), b["journal_entry_id"].clone()),
            (json!("unmatched"), Value::Null),
        ]
    );
}

#[tokio::test]
async fn a_reference_with_a_different_amount_or_a_void_donation_is_not_matched() {
    let s = setup().await;
    transfer(
        &s.app,
        &s.officer.token,
        &s.bank,
        "1000000",
        "2026-03-10",
        Some("FT26069000003"),
        None,
    )
    .await;
    let void = transfer(
        &s.app,
        &s.officer.token,
        &s.bank,
        "200000",
        "2026-03-10",
        Some("FT26069000004"),
        None,
    )
    .await;
    let res = s
        .app
        .post(
            &format!("/v1/donations/{}/void", void["id"].as_str().unwrap()),
            &s.accountant.token,
            &json!({"reason": "nhập trùng"}),
        )
        .await;
    assert_eq!(res.status(), 200);

    let outcome = import(
        &s.app,
        &s.accountant.token,
        &s.bank,
        "2026-03-10,FT26069000003,,900000,,chuyen tien\n\
         2026-03-10,FT26069000004,,200000,,chuyen tien\n",
    )
    .await;

    assert_eq!(outcome["auto_matched"], 0);
}

#[tokio::test]
async fn amount_date_and_donor_name_pick_the_right_donation_and_leave_an_ambiguous_line_unmatched()
{
    let s = setup().await;
    let an = transfer(
        &s.app,
        &s.officer.token,
        &s.bank,
        "500000",
        "2026-03-10",
        None,
        Some("Nguyễn Văn An"),
    )
    .await;
    // same amount and days, another donor
    transfer(
        &s.app,
        &s.officer.token,
        &s.bank,
        "500000",
        "2026-03-11",
        None,
        Some("Trần Thị Bình"),
    )
    .await;
    // the right donor, too far from the line's date
    transfer(
        &s.app,
        &s.officer.token,
        &s.bank,
        "700000",
        "2026-03-01",
        None,
        Some("Phạm Minh Đức"),
    )
    .await;
    // two equal candidates
    for day in ["2026-03-10", "2026-03-11"] {
        transfer(
            &s.app,
            &s.officer.token,
            &s.bank,
            "300000",
            day,
            None,
            Some("Lê Văn Cường"),
        )
        .await;
    }

    let outcome = import(
        &s.app,
        &s.accountant.token,
        &s.bank,
        "2026-03-12,5400.1,,500000,,MBVCB.123.NGUYEN VAN AN chuyen tien ung ho\n\
         2026-03-12,5400.2,,700000,,PHAM MINH DUC ung ho\n\
         2026-03-12,5400.3,,300000,,LE VAN CUONG ung ho\n",
    )
    .await;

    assert_eq!(outcome["auto_matched"], 1);
    let l = lines(&s.app, &s.accountant.token, &s.bank).await;
    assert_eq!(l[0]["status"], "matched");
    assert_eq!(l[0]["matched_entry_id"], an["journal_entry_id"]);
    assert_eq!(l[1]["status"], "unmatched");
    assert_eq!(l[2]["status"], "unmatched");
}

#[tokio::test]
async fn debit_lines_are_not_matched_on_import() {
    let s = setup().await;
    transfer(
        &s.app,
        &s.officer.token,
        &s.bank,
        "500000",
        "2026-03-10",
        Some("FT26069000005"),
        Some("Nguyễn Văn An"),
    )
    .await;

    let outcome = import(
        &s.app,
        &s.accountant.token,
        &s.bank,
        "2026-03-10,FT26069000005,500000,,,NGUYEN VAN AN\n",
    )
    .await;

    assert_eq!(outcome["auto_matched"], 0);
}

#[tokio::test]
async fn a_line_is_matched_by_hand_and_the_same_entry_cannot_be_matched_twice() {
    let s = setup().await;
    let (line, entry) = unmatched_line_and_entry(&s, "450000").await;
    let other = import(
        &s.app,
        &s.accountant.token,
        &s.bank,
        "2026-04-21,9100.00002,,450000,,chuyen khoan\n",
    )
    .await;
    assert_eq!(other["auto_matched"], 0);
    let other_line = lines(&s.app, &s.accountant.token, &s.bank).await[1]["id"].clone();

    let res = s
        .app
        .post(
            &path(&line, "match"),
            &s.accountant.token,
            &json!({"journal_entry_id": entry}),
        )
        .await;

    assert_eq!(res.status(), 200);
    let view: Value = res.json().await.unwrap();
    assert_eq!(view["id"], line.as_str());
    assert_eq!(view["status"], "matched");
    assert_eq!(view["matched_entry_id"], entry.as_str());
    let again = s
        .app
        .post(
            &path(other_line.as_str().unwrap(), "match"),
            &s.accountant.token,
            &json!({"journal_entry_id": entry}),
        )
        .await;
    assert_problem(again, 409, "conflict").await;
    let twice = s
        .app
        .post(
            &path(&line, "match"),
            &s.accountant.token,
            &json!({"journal_entry_id": entry}),
        )
        .await;
    assert_problem(twice, 409, "invalid_state").await;
    let audited: i64 = s
        .app
        .sql()
        .await
        .query_one(
            "SELECT count(*) FROM audit_events WHERE action = 'statement_line.match'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn a_match_repeated_with_its_idempotency_key_replays_the_first_answer() {
    let s = setup().await;
    let (line, entry) = unmatched_line_and_entry(&s, "450000").await;
    let body = json!({"journal_entry_id": entry});

    let first = s
        .app
        .post_with_key(&path(&line, "match"), &s.accountant.token, "k-1", &body)
        .await;
    let second = s
        .app
        .post_with_key(&path(&line, "match"), &s.accountant.token, "k-1", &body)
        .await;

    assert_eq!(first.status(), 200);
    assert_eq!(second.status(), 200);
    let (a, b): (Value, Value) = (first.json().await.unwrap(), second.json().await.unwrap());
    assert_eq!(a, b);
}

#[tokio::test]
async fn an_entry_of_another_amount_or_not_posting_to_the_bank_account_is_refused() {
    let s = setup().await;
    let (line, _) = unmatched_line_and_entry(&s, "450000").await;
    let wrong = transfer(
        &s.app,
        &s.officer.token,
        &s.bank,
        "460000",
        "2026-03-01",
        None,
        None,
    )
    .await;
    let cash = s
        .app
        .record_cash_donation(&s.officer.token, s.app.unit_id(COMMUNE).await, "450000")
        .await;

    for entry in [
        &wrong["journal_entry_id"],
        &cash["journal_entry_id"],
        &json!(Uuid::now_v7()),
    ] {
        let res = s
            .app
            .post(
                &path(&line, "match"),
                &s.accountant.token,
                &json!({"journal_entry_id": entry}),
            )
            .await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "journal_entry_id");
    }
    assert_eq!(
        lines(&s.app, &s.accountant.token, &s.bank).await[0]["status"],
        "unmatched"
    );
}

#[tokio::test]
async fn a_debit_line_matches_an_entry_crediting_the_bank_account_not_a_debit() {
    let s = setup().await;
    // a donation of the amount debits 1121.N: the wrong side for money going out
    let d = transfer(
        &s.app,
        &s.officer.token,
        &s.bank,
        "22000",
        "2026-03-01",
        None,
        None,
    )
    .await;
    import(
        &s.app,
        &s.accountant.token,
        &s.bank,
        "2026-03-12,9200.1,22000,,,phi dich vu\n",
    )
    .await;
    let line = lines(&s.app, &s.accountant.token, &s.bank).await[0]["id"].clone();

    let res = s
        .app
        .post(
            &path(line.as_str().unwrap(), "match"),
            &s.accountant.token,
            &json!({"journal_entry_id": d["journal_entry_id"]}),
        )
        .await;
    assert_problem(res, 422, "validation_failed").await;

    // a grant of the amount paid from the account credits 1121.N: that one fits
    let approver = s.app.user("approver", COMMUNE).await;
    let unit = s.app.unit_id(COMMUNE).await;
    let grant: Value = s
        .app
        .post(
            "/v1/disbursements",
            &s.officer.token,
            &json!({"unit_id": unit, "category": "medical", "amount": "22000",
                    "method": "bank", "bank_account_id": s.bank["id"],
                    "description": "Viện phí"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = grant["id"].as_str().unwrap();
    for (token, action) in [(&approver.token, "approve"), (&s.accountant.token, "pay")] {
        let res = s
            .app
            .post(
                &format!("/v1/disbursements/{id}/{action}"),
                token,
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), 200, "{action}");
    }
    let paid: Value = s
        .app
        .get(&format!("/v1/disbursements/{id}"), &s.accountant.token)
        .await
        .json()
        .await
        .unwrap();

    let res = s
        .app
        .post(
            &path(line.as_str().unwrap(), "match"),
            &s.accountant.token,
            &json!({"journal_entry_id": paid["journal_entry_id"]}),
        )
        .await;

    assert_eq!(res.status(), 200);
    let matched: Value = res.json().await.unwrap();
    assert_eq!(matched["status"], "matched");
    assert_eq!(matched["matched_entry_id"], paid["journal_entry_id"]);
}

#[tokio::test]
async fn unmatching_puts_the_line_back_and_frees_the_entry() {
    let s = setup().await;
    let (line, entry) = unmatched_line_and_entry(&s, "450000").await;
    let body = json!({"journal_entry_id": entry});
    let res = s
        .app
        .post(&path(&line, "match"), &s.accountant.token, &body)
        .await;
    assert_eq!(res.status(), 200);

    let res = s
        .app
        .post(&path(&line, "unmatch"), &s.accountant.token, &json!({}))
        .await;

    assert_eq!(res.status(), 200);
    let view: Value = res.json().await.unwrap();
    assert_eq!(view["status"], "unmatched");
    assert_eq!(view["matched_entry_id"], Value::Null);
    let again = s
        .app
        .post(&path(&line, "unmatch"), &s.accountant.token, &json!({}))
        .await;
    assert_problem(again, 409, "invalid_state").await;
    let rematch = s
        .app
        .post(&path(&line, "match"), &s.accountant.token, &body)
        .await;
    assert_eq!(rematch.status(), 200);
}

#[tokio::test]
async fn an_unmatched_line_is_ignored_with_its_reason() {
    let s = setup().await;
    let (line, _) = unmatched_line_and_entry(&s, "450000").await;

    let res = s
        .app
        .post(
            &path(&line, "ignore"),
            &s.accountant.token,
            &json!({"reason": "Chuyển nhầm, ngân hàng đã hoàn"}),
        )
        .await;

    assert_eq!(res.status(), 200);
    let view: Value = res.json().await.unwrap();
    assert_eq!(view["status"], "ignored");
    assert_eq!(view["ignore_reason"], "Chuyển nhầm, ngân hàng đã hoàn");
    let again = s
        .app
        .post(
            &path(&line, "ignore"),
            &s.accountant.token,
            &json!({"reason": "lần nữa"}),
        )
        .await;
    assert_problem(again, 409, "invalid_state").await;
}

#[tokio::test]
async fn ignoring_needs_a_reason() {
    let s = setup().await;
    let (line, _) = unmatched_line_and_entry(&s, "450000").await;

    for body in [json!({"reason": "  "}), json!({})] {
        let res = s
            .app
            .post(&path(&line, "ignore"), &s.accountant.token, &body)
            .await;
        assert_eq!(res.status(), 422);
    }
}

#[tokio::test]
async fn a_sibling_communes_accountant_does_not_see_the_line() {
    let s = setup().await;
    let (line, entry) = unmatched_line_and_entry(&s, "450000").await;
    let sibling = s.app.user("accountant", SIBLING_COMMUNE).await;

    let res = s
        .app
        .post(
            &path(&line, "match"),
            &sibling.token,
            &json!({"journal_entry_id": entry}),
        )
        .await;

    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn an_officer_cannot_match_ignore_or_unmatch() {
    let s = setup().await;
    let (line, entry) = unmatched_line_and_entry(&s, "450000").await;

    for (action, body) in [
        ("match", json!({"journal_entry_id": entry})),
        ("ignore", json!({"reason": "x"})),
        ("unmatch", json!({})),
    ] {
        let res = s
            .app
            .post(&path(&line, action), &s.officer.token, &body)
            .await;
        assert_problem(res, 403, "forbidden").await;
    }
}

#[tokio::test]
async fn an_unknown_line_is_not_found() {
    let s = setup().await;

    let res = s
        .app
        .post(
            &path(&Uuid::now_v7().to_string(), "ignore"),
            &s.accountant.token,
            &json!({"reason": "x"}),
        )
        .await;

    assert_problem(res, 404, "not_found").await;
}

// ---------------------------------------------------------------- the database alone

#[tokio::test]
async fn the_database_keeps_the_banks_lines_as_sent_and_matches_only_fitting_entries() {
    let s = setup().await;
    let (line, entry) = unmatched_line_and_entry(&s, "450000").await;
    let other = transfer(
        &s.app,
        &s.officer.token,
        &s.bank,
        "449000",
        "2026-03-02",
        None,
        None,
    )
    .await;
    let db = s.app.sql().await;
    let code = |e: tokio_postgres::Error| e.code().cloned();
    let restrict = Some(tokio_postgres::error::SqlState::RESTRICT_VIOLATION);

    // the bank's side of a line, and the statement, cannot be rewritten or removed
    for sql in [
        format!("UPDATE statement_lines SET credit = 1 WHERE id = '{line}'"),
        format!("UPDATE statement_lines SET description = 'sửa' WHERE id = '{line}'"),
        format!("DELETE FROM statement_lines WHERE id = '{line}'"),
        "UPDATE bank_statements SET lines_total = 9".to_owned(),
        "DELETE FROM bank_statements".to_owned(),
    ] {
        let e = db.execute(sql.as_str(), &[]).await.unwrap_err();
        assert_eq!(code(e), restrict, "{sql}");
    }

    // a match written by hand must fit the line too
    let set = |entry: &str| {
        format!(
            "UPDATE statement_lines SET status = 'matched', matched_entry_id = '{entry}', \
             matched_at = now() WHERE id = '{line}'"
        )
    };
    let e = db
        .execute(
            set(other["journal_entry_id"].as_str().unwrap()).as_str(),
            &[],
        )
        .await
        .unwrap_err();
    assert_eq!(
        e.as_db_error().and_then(|d| d.constraint()),
        Some("line_matches_entry")
    );
    assert_eq!(db.execute(set(&entry).as_str(), &[]).await.unwrap(), 1);
    assert_eq!(
        lines(&s.app, &s.accountant.token, &s.bank).await[0]["status"],
        "matched"
    );
}
