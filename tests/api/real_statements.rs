//! Real bank statements, after the import: references a donor can find their transfer by
//! (exactly, never by a part), a file in another bank's layout refused, an import withdrawn,
//! and the books opened where the bank's statement opens so reconciliation ties out.

use reqwest::Response;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, TestApp, TestUser, COMMUNE, SIBLING_COMMUNE};

const VIETCOMBANK: &[u8] = include_bytes!("../fixtures/statements/vietcombank.csv");
const BIDV: &[u8] = include_bytes!("../fixtures/statements/bidv.csv");
/// The Vietcombank sample: 40 lines (38 credits, 2 SMS fees) from 17 to 26 October 2026,
/// opening 1,250,000,000 and closing 1,311,134,000.
const LINES: i64 = 40;
const OPENING: &str = "1250000000";
const CLOSING: &str = "1311134000";
const LAST_DAY: &str = "2026-10-26";

async fn upload(app: &TestApp, token: &str, bank: &Value, query: &str, body: &[u8]) -> Response {
    app.client
        .post(app.url(&format!(
            "/v1/bank-accounts/{}/statements?{query}",
            bank["id"].as_str().unwrap()
        )))
        .bearer_auth(token)
        .header("Content-Type", "text/csv")
        .body(body.to_vec())
        .send()
        .await
        .expect("request sent")
}

async fn imported(app: &TestApp) -> (TestUser, Value, Value) {
    let accountant = app.user("accountant", COMMUNE).await;
    let bank = app.bank_account(COMMUNE, &accountant.token).await;
    let res = upload(
        app,
        &accountant.token,
        &bank,
        "format=vietcombank",
        VIETCOMBANK,
    )
    .await;
    assert_eq!(res.status(), 201);
    let outcome = res.json().await.unwrap();
    (accountant, bank, outcome)
}

async fn json_of(res: Response, status: u16) -> Value {
    let got = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(got, status, "{body}");
    body
}

async fn from_lines(app: &TestApp, token: &str, bank: &Value, what: &str, body: Value) -> Value {
    let res = app
        .post(
            &format!(
                "/v1/bank-accounts/{}/statement-lines/create-{what}",
                bank["id"].as_str().unwrap()
            ),
            token,
            &body,
        )
        .await;
    json_of(res, 201).await
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.sql().await.query_one(sql, &[]).await.unwrap().get(0)
}

async fn public_by_reference(app: &TestApp, campaign: &Value, reference: &str) -> Value {
    let res = app
        .client
        .get(app.url(&format!(
            "/v1/public/campaigns/{}/donations",
            campaign["id"].as_str().unwrap()
        )))
        .query(&[("reference", reference)])
        .send()
        .await
        .unwrap();
    json_of(res, 200).await
}

// ------------------------------------------------------------------ references

#[tokio::test]
async fn a_donor_finds_their_transfer_by_the_banks_references_exactly() {
    let app = spawn_app().await;
    let (accountant, bank, _) = imported(&app).await;
    let officer = app.user("officer", COMMUNE).await;
    let campaign = app
        .campaign(&officer.token, COMMUNE, "Ủng hộ đồng bào lũ lụt", false)
        .await;
    from_lines(
        &app,
        &accountant.token,
        &bank,
        "donations",
        json!({"all_unmatched_credits": true, "campaign_id": campaign["id"]}),
    )
    .await;

    // the first line: document number 5303.81333, FT2629084128361028, NAPAS trace 592025
    for typed in [
        "5303.81333",
        "530381333",
        "FT2629084128361028",
        "ft2629084128361028",
    ] {
        let page = public_by_reference(&app, &campaign, typed).await;
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{typed}: {page}");
        assert_eq!(items[0]["amount_vnd"], "3884000");
        // the tail of the bank's own document number, not of an internal id
        assert_eq!(items[0]["reference_masked"], "******1333");
    }
    // never a part of a reference
    for part in ["5303", "530381", "FT26290841", "81333", "1028"] {
        let page = public_by_reference(&app, &campaign, part).await;
        assert_eq!(page["items"], json!([]), "{part}");
    }
    // an account number in a description is not a reference
    let page = public_by_reference(&app, &campaign, "2734646869589").await;
    assert_eq!(page["items"], json!([]));
    // a reference that cannot be one
    let res = app
        .client
        .get(app.url(&format!(
            "/v1/public/campaigns/{}/donations?reference=%25",
            campaign["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "reference");
}

#[tokio::test]
async fn the_officers_line_search_finds_document_numbers_and_references() {
    let app = spawn_app().await;
    let (accountant, bank, _) = imported(&app).await;
    let lines = |q: &str| {
        let (app, token, bank) = (&app, accountant.token.clone(), bank.clone());
        let q = q.to_owned();
        async move {
            let res = app
                .client
                .get(app.url(&format!(
                    "/v1/bank-accounts/{}/statement-lines",
                    bank["id"].as_str().unwrap()
                )))
                .query(&[("q", q.as_str())])
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            json_of(res, 200).await["items"].as_array().unwrap().clone()
        }
    };

    let by_doc = lines("5098.71638").await;
    assert_eq!(by_doc.len(), 1);
    assert_eq!(by_doc[0]["credit"], "500000");
    assert_eq!(by_doc[0]["references"][0], "5098.71638");
    assert_eq!(lines("509871638").await.len(), 1);
    // the Viettel Money transaction number inside the description
    assert_eq!(lines("403352962560352").await.len(), 1);
    // names still match as before
    assert!(!lines("loc xuan giang").await.is_empty());
}

// ------------------------------------------------------------------ format

#[tokio::test]
async fn a_file_in_another_banks_layout_is_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    let accountant = app.user("accountant", COMMUNE).await;
    // a Vietcombank account
    let bank = app.bank_account(COMMUNE, &accountant.token).await;

    let res = upload(&app, &accountant.token, &bank, "format=bidv", BIDV).await;

    let problem = assert_problem(res, 422, "format_mismatch").await;
    assert!(problem["detail"].as_str().unwrap().contains("970436"));
    assert_eq!(count(&app, "SELECT count(*) FROM statement_lines").await, 0);
    assert_eq!(count(&app, "SELECT count(*) FROM bank_statements").await, 0);
}

#[tokio::test]
async fn force_imports_another_banks_layout_and_the_audit_says_so() {
    let app = spawn_app().await;
    let accountant = app.user("accountant", COMMUNE).await;
    let bank = app.bank_account(COMMUNE, &accountant.token).await;

    let res = upload(
        &app,
        &accountant.token,
        &bank,
        "format=bidv&force=true",
        BIDV,
    )
    .await;

    let outcome = json_of(res, 201).await;
    assert!(outcome["lines_new"].as_i64().unwrap() > 0);
    let forced = count(
        &app,
        "SELECT count(*) FROM audit_events WHERE action = 'statement.import'
            AND (changes->>'forced_format')::boolean",
    )
    .await;
    assert_eq!(forced, 1);
    // the generic layout fits every bank without force
    let generic =
        "date,reference,debit,credit,balance,description\n2026-10-20,G-1,,50000,,ung ho\n";
    let res = upload(
        &app,
        &accountant.token,
        &bank,
        "format=generic",
        generic.as_bytes(),
    )
    .await;
    assert_eq!(res.status(), 201);
}

// ------------------------------------------------------------------ withdrawal

async fn withdraw(app: &TestApp, token: &str, statement: &Value, reason: &str) -> Response {
    app.post(
        &format!(
            "/v1/statements/{}/withdraw",
            statement["statement_id"].as_str().unwrap()
        ),
        token,
        &json!({ "reason": reason }),
    )
    .await
}

async fn statements_of(app: &TestApp, token: &str, bank: &Value) -> Value {
    let res = app
        .get(
            &format!(
                "/v1/bank-accounts/{}/statements",
                bank["id"].as_str().unwrap()
            ),
            token,
        )
        .await;
    json_of(res, 200).await
}

#[tokio::test]
async fn a_withdrawn_import_leaves_the_books_as_they_were_and_can_be_imported_again() {
    let app = spawn_app().await;
    let (accountant, bank, first) = imported(&app).await;
    assert_eq!(first["lines_new"], LINES);

    let res = withdraw(&app, &accountant.token, &first, "nhập nhầm tài khoản").await;

    let withdrawn = json_of(res, 200).await;
    assert_eq!(withdrawn["status"], "withdrawn");
    assert_eq!(withdrawn["withdrawal"]["lines_removed"], LINES);
    assert_eq!(withdrawn["withdrawal"]["reason"], "nhập nhầm tài khoản");
    assert_eq!(count(&app, "SELECT count(*) FROM statement_lines").await, 0);
    let listed = statements_of(&app, &accountant.token, &bank).await;
    assert_eq!(listed["items"][0]["status"], "withdrawn");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_events WHERE action = 'statement.withdraw'"
        )
        .await,
        1
    );
    // the same file again: every line is new again
    let res = upload(
        &app,
        &accountant.token,
        &bank,
        "format=vietcombank",
        VIETCOMBANK,
    )
    .await;
    let again = json_of(res, 201).await;
    assert_eq!(again["lines_new"], LINES);
    let listed = statements_of(&app, &accountant.token, &bank).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    assert_eq!(listed["items"][0]["status"], "imported");
    assert_eq!(listed["items"][0]["id"], again["statement_id"]);
    // withdrawn twice: refused
    let res = withdraw(&app, &accountant.token, &first, "again").await;
    assert_problem(res, 409, "invalid_state").await;
}

#[tokio::test]
async fn an_import_with_booked_lines_cannot_be_withdrawn() {
    let app = spawn_app().await;
    let (accountant, bank, first) = imported(&app).await;
    // the opening balance makes the fees affordable
    let res = app
        .post(
            &format!(
                "/v1/bank-accounts/{}/opening-balance",
                bank["id"].as_str().unwrap()
            ),
            &accountant.token,
            &json!({"as_of": "2026-10-16", "amount": OPENING}),
        )
        .await;
    json_of(res, 201).await;
    let made = from_lines(
        &app,
        &accountant.token,
        &bank,
        "fees",
        json!({"all_unmatched_debits": true}),
    )
    .await;
    assert_eq!(made["created"], 2, "{made}");

    let res = withdraw(&app, &accountant.token, &first, "sai").await;

    let problem = assert_problem(res, 409, "statement_lines_matched").await;
    assert_eq!(problem["line_ids"].as_array().unwrap().len(), 2);
    assert_eq!(
        count(&app, "SELECT count(*) FROM statement_lines").await,
        LINES
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM statement_withdrawals").await,
        0
    );
}

#[tokio::test]
async fn withdrawing_takes_a_finance_officer_in_scope_and_a_reason() {
    let app = spawn_app().await;
    let (accountant, _, first) = imported(&app).await;
    let officer = app.user("officer", COMMUNE).await;
    let res = withdraw(&app, &officer.token, &first, "sai").await;
    assert_problem(res, 403, "forbidden").await;
    let sibling = app.user("accountant", SIBLING_COMMUNE).await;
    let res = withdraw(&app, &sibling.token, &first, "sai").await;
    assert_problem(res, 404, "not_found").await;
    let res = withdraw(&app, &accountant.token, &first, "  ").await;
    assert_problem(res, 422, "validation_failed").await;
    assert_eq!(
        count(&app, "SELECT count(*) FROM statement_lines").await,
        LINES
    );
}

#[tokio::test]
async fn lines_are_filtered_by_the_import_that_brought_them() {
    let app = spawn_app().await;
    let (accountant, bank, first) = imported(&app).await;
    let generic =
        "date,reference,debit,credit,balance,description\n2026-10-27,G-1,,50000,,ung ho\n";
    let res = upload(
        &app,
        &accountant.token,
        &bank,
        "format=generic",
        generic.as_bytes(),
    )
    .await;
    let second = json_of(res, 201).await;

    for (statement, expected) in [(&first, LINES as usize), (&second, 1)] {
        let res = app
            .get(
                &format!(
                    "/v1/bank-accounts/{}/statement-lines?statement_id={}&limit=500",
                    bank["id"].as_str().unwrap(),
                    statement["statement_id"].as_str().unwrap()
                ),
                &accountant.token,
            )
            .await;
        let page = json_of(res, 200).await;
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), expected);
        assert!(items
            .iter()
            .all(|l| l["statement_id"] == statement["statement_id"]));
    }
}

#[tokio::test]
async fn the_database_keeps_lines_unless_their_statement_is_withdrawn_and_they_are_unmatched() {
    let app = spawn_app().await;
    let (accountant, _, first) = imported(&app).await;
    let db = app.sql().await;
    // no withdrawal: a line cannot be deleted by hand
    let err = db
        .execute("DELETE FROM statement_lines WHERE credit = 500000", &[])
        .await
        .unwrap_err();
    let message = err.as_db_error().map(|e| e.message().to_owned());
    assert!(
        message
            .as_deref()
            .is_some_and(|m| m.contains("cannot be deleted")),
        "{err:?}"
    );
    // a line's references are the bank's side: fixed once imported
    let err = db
        .execute(
            "UPDATE statement_lines SET bank_references = '{X}' WHERE credit = 500000",
            &[],
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.as_db_error().and_then(|e| e.constraint()),
        Some("statement_line_bank_side_fixed"),
        "{err:?}"
    );
    // a withdrawal row is append-only
    let res = withdraw(&app, &accountant.token, &first, "sai").await;
    assert_eq!(res.status(), 200);
    let err = db
        .execute("UPDATE statement_withdrawals SET reason = 'x'", &[])
        .await
        .unwrap_err();
    assert!(!err.to_string().is_empty());
    let err = db
        .execute("DELETE FROM statement_withdrawals", &[])
        .await
        .unwrap_err();
    assert!(!err.to_string().is_empty());
}

#[tokio::test]
async fn the_database_books_one_opening_balance_per_account() {
    let app = spawn_app().await;
    let accountant = app.user("accountant", COMMUNE).await;
    let bank = app.bank_account(COMMUNE, &accountant.token).await;
    let res = book_opening(
        &app,
        &accountant.token,
        &bank,
        json!({"as_of": "2026-10-16", "amount": "1000"}),
    )
    .await;
    assert_eq!(res.status(), 201);
    let db = app.sql().await;
    let err = db
        .execute(
            "INSERT INTO bank_opening_balances (bank_account_id, as_of, amount, journal_entry_id, recorded_by)
             SELECT bank_account_id, as_of, amount, journal_entry_id, recorded_by FROM bank_opening_balances",
            &[],
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("bank_opening_balances_pkey")
            || err
                .as_db_error()
                .is_some_and(|e| e.constraint() == Some("bank_opening_balances_pkey")),
        "{err}"
    );
    let err = db
        .execute("UPDATE bank_opening_balances SET amount = 2", &[])
        .await
        .unwrap_err();
    assert!(err.as_db_error().is_some(), "{err}");
}

// ------------------------------------------------------------------ opening balance

async fn book_opening(app: &TestApp, token: &str, bank: &Value, body: Value) -> Response {
    app.post(
        &format!(
            "/v1/bank-accounts/{}/opening-balance",
            bank["id"].as_str().unwrap()
        ),
        token,
        &body,
    )
    .await
}

#[tokio::test]
async fn the_import_offers_the_opening_balance_and_reconciliation_then_ties_out() {
    let app = spawn_app().await;
    let (accountant, bank, first) = imported(&app).await;
    let officer = app.user("officer", COMMUNE).await;
    let campaign = app
        .campaign(&officer.token, COMMUNE, "Quỹ Vì người nghèo 2026", true)
        .await;
    assert_eq!(
        first["opening_balance_offer"],
        json!({"as_of": "2026-10-16", "amount": OPENING})
    );

    let res = book_opening(
        &app,
        &accountant.token,
        &bank,
        json!({"as_of": "2026-10-16", "amount": OPENING}),
    )
    .await;
    let booked = json_of(res, 201).await;
    assert_eq!(booked["amount"], OPENING);
    // every credit as a donation earmarked for the restricted campaign, every debit a fee:
    // the fees are paid from the opening (unrestricted) money
    from_lines(
        &app,
        &accountant.token,
        &bank,
        "donations",
        json!({"all_unmatched_credits": true, "campaign_id": campaign["id"]}),
    )
    .await;
    let fees = from_lines(
        &app,
        &accountant.token,
        &bank,
        "fees",
        json!({"all_unmatched_debits": true}),
    )
    .await;
    assert_eq!(fees["created"], 2);

    let res = app
        .get(
            &format!(
                "/v1/bank-accounts/{}/reconciliation?as_of={LAST_DAY}",
                bank["id"].as_str().unwrap()
            ),
            &accountant.token,
        )
        .await;
    let recon = json_of(res, 200).await;
    assert_eq!(recon["book_balance"], CLOSING, "{recon}");
    assert_eq!(recon["bank_balance"], CLOSING, "{recon}");
    assert_eq!(recon["difference"], "0", "{recon}");
    assert_eq!(recon["unmatched_bank_lines"]["count"], 0, "{recon}");
    assert_eq!(recon["unmatched_book_entries"]["count"], 0, "{recon}");

    // once per account, and the next import no longer offers it
    let res = book_opening(
        &app,
        &accountant.token,
        &bank,
        json!({"as_of": "2026-10-16", "amount": "1"}),
    )
    .await;
    assert_problem(res, 409, "opening_balance_booked").await;
    let res = upload(
        &app,
        &accountant.token,
        &bank,
        "format=vietcombank",
        VIETCOMBANK,
    )
    .await;
    let again = json_of(res, 201).await;
    assert!(again.get("opening_balance_offer").is_none(), "{again}");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM journal_entries WHERE source_type = 'opening_balance'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_events WHERE action = 'bank_account.opening_balance'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn an_opening_balance_is_refused_when_it_is_not_one() {
    let app = spawn_app().await;
    let accountant = app.user("accountant", COMMUNE).await;
    let bank = app.bank_account(COMMUNE, &accountant.token).await;
    let officer = app.user("officer", COMMUNE).await;
    let open_campaign = app
        .campaign(&officer.token, COMMUNE, "Không giới hạn", false)
        .await;
    let tomorrow = (crate::helpers::today() + chrono::Days::new(1)).to_string();

    for (body, field) in [
        (json!({"as_of": "2026-10-16", "amount": "0"}), "amount"),
        (json!({"as_of": "2026-10-16", "amount": "-5"}), "amount"),
        (json!({"as_of": "2026-10-16", "amount": "1.5"}), "amount"),
        (json!({"as_of": tomorrow, "amount": "1000"}), "as_of"),
        (
            json!({"as_of": "2026-10-16", "amount": "1000", "campaign_id": open_campaign["id"]}),
            "campaign_id",
        ),
    ] {
        let res = book_opening(&app, &accountant.token, &bank, body.clone()).await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{body}");
    }
    let res = book_opening(
        &app,
        &officer.token,
        &bank,
        json!({"as_of": "2026-10-16", "amount": "1000"}),
    )
    .await;
    assert_problem(res, 403, "forbidden").await;
    let sibling = app.user("accountant", SIBLING_COMMUNE).await;
    let res = book_opening(
        &app,
        &sibling.token,
        &bank,
        json!({"as_of": "2026-10-16", "amount": "1000"}),
    )
    .await;
    assert_problem(res, 404, "not_found").await;
    assert_eq!(
        count(&app, "SELECT count(*) FROM bank_opening_balances").await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM journal_entries WHERE source_type = 'opening_balance'"
        )
        .await,
        0
    );
}

// ------------------------------------------------------------------ retries

#[tokio::test]
async fn a_retried_withdrawal_or_opening_balance_answers_the_first_response_again() {
    let app = spawn_app().await;
    let (accountant, bank, first) = imported(&app).await;
    let withdraw_path = format!(
        "/v1/statements/{}/withdraw",
        first["statement_id"].as_str().unwrap()
    );
    let opening_path = format!(
        "/v1/bank-accounts/{}/opening-balance",
        bank["id"].as_str().unwrap()
    );
    let opening = json!({"as_of": "2026-10-16", "amount": OPENING});
    let reason = json!({"reason": "sai tài khoản"});
    let other_opening = json!({"as_of": "2026-10-16", "amount": "1"});
    let other_reason = json!({"reason": "khác"});

    for (path, body, other_body, status) in [
        (&withdraw_path, &reason, &other_reason, 200),
        (&opening_path, &opening, &other_opening, 201),
    ] {
        let once = app
            .post_with_key(path, &accountant.token, &format!("k-{status}"), body)
            .await;
        let once = json_of(once, status).await;
        let again = app
            .post_with_key(path, &accountant.token, &format!("k-{status}"), body)
            .await;
        assert_eq!(json_of(again, status).await, once, "{path}");
        // the same key with another body
        let other = app
            .post_with_key(path, &accountant.token, &format!("k-{status}"), other_body)
            .await;
        assert_problem(other, 422, "idempotency_key_reused").await;
    }
    assert_eq!(
        count(&app, "SELECT count(*) FROM statement_withdrawals").await,
        1
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM bank_opening_balances").await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM journal_entries WHERE source_type = 'opening_balance'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn two_opening_balances_racing_book_one() {
    let app = spawn_app().await;
    let accountant = app.user("accountant", COMMUNE).await;
    let bank = app.bank_account(COMMUNE, &accountant.token).await;
    let body = json!({"as_of": "2026-10-16", "amount": "1000"});
    let (a, b) = tokio::join!(
        book_opening(&app, &accountant.token, &bank, body.clone()),
        book_opening(&app, &accountant.token, &bank, body.clone()),
    );
    let mut statuses = vec![a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, vec![201, 409]);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM journal_entries WHERE source_type = 'opening_balance'"
        )
        .await,
        1
    );
}

// ------------------------------------------------------------------ donor names to check

/// A generic statement of two credits: one whose donor reads clearly, one the reader is not
/// sure of (two people's names in one message).
const TWO_DONORS: &str = "date,reference,debit,credit,balance,description\n\
    2026-10-20,D-1,,300000,,MBVCB.1234567890.ung ho.CT tu 0123456789 NGUYEN VAN AN toi 0011009999999 UY BAN MTTQ\n\
    2026-10-20,D-2,,200000,,123456.201026.101010.NGUYEN VAN BINH TRAN THI HOA ung ho\n";

async fn donations_from_two_lines(app: &TestApp) -> (TestUser, Value, Value) {
    let accountant = app.user("accountant", COMMUNE).await;
    let bank = app.bank_account(COMMUNE, &accountant.token).await;
    let res = upload(
        app,
        &accountant.token,
        &bank,
        "format=generic",
        TWO_DONORS.as_bytes(),
    )
    .await;
    json_of(res, 201).await;
    let officer = app.user("officer", COMMUNE).await;
    let campaign = app
        .campaign(&officer.token, COMMUNE, "Ủng hộ miền Bắc", false)
        .await;
    from_lines(
        app,
        &accountant.token,
        &bank,
        "donations",
        json!({"all_unmatched_credits": true, "campaign_id": campaign["id"]}),
    )
    .await;
    (accountant, bank, campaign)
}

async fn listed(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let res = app.get(&format!("/v1/donations?{query}"), token).await;
    json_of(res, 200).await["items"].as_array().unwrap().clone()
}

async fn public_names(app: &TestApp, campaign: &Value) -> Vec<String> {
    let res = app
        .client
        .get(app.url(&format!(
            "/v1/public/campaigns/{}/donations",
            campaign["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    json_of(res, 200).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["donor_display"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_doubtful_name_is_not_published_and_waits_for_the_finance_officer() {
    let app = spawn_app().await;
    let (accountant, _, campaign) = donations_from_two_lines(&app).await;

    let all = listed(&app, &accountant.token, "").await;
    assert_eq!(all.len(), 2);
    let to_check = listed(&app, &accountant.token, "name_to_check=true").await;
    assert_eq!(to_check.len(), 1, "{to_check:?}");
    assert_eq!(to_check[0]["amount_vnd"], "200000");
    assert_eq!(to_check[0]["donor_name_to_check"], true);
    assert_eq!(to_check[0]["public_display"], "anonymous");
    let clear = all.iter().find(|d| d["amount_vnd"] == "300000").unwrap();
    assert_eq!(clear["donor_name_to_check"], false);
    assert_eq!(clear["donor"]["name"], "NGUYEN VAN AN");
    let mut names = public_names(&app, &campaign).await;
    names.sort();
    assert_eq!(names, vec!["NGUYEN VAN AN", "Nhà hảo tâm"]);

    // the officer checks the line and names the donor
    let id = to_check[0]["id"].as_str().unwrap();
    let res = app
        .post(
            &format!("/v1/donations/{id}/donor"),
            &accountant.token,
            &json!({"kind": "individual", "name": "Nguyễn Văn Bình và Trần Thị Hoa",
                    "public_display": "name"}),
        )
        .await;
    let corrected = json_of(res, 200).await;
    assert_eq!(corrected["donor_name_to_check"], false);
    assert_eq!(
        corrected["donor"]["name"],
        "Nguyễn Văn Bình và Trần Thị Hoa"
    );
    assert!(listed(&app, &accountant.token, "name_to_check=true")
        .await
        .is_empty());
    let res = app
        .get(&format!("/v1/donations/{id}"), &accountant.token)
        .await;
    assert_eq!(json_of(res, 200).await["donor_name_to_check"], false);
    let mut names = public_names(&app, &campaign).await;
    names.sort();
    assert_eq!(
        names,
        vec!["NGUYEN VAN AN", "Nguyễn Văn Bình và Trần Thị Hoa"]
    );
    // audited, without the name
    let changes: Value = app
        .sql()
        .await
        .query_one(
            "SELECT changes FROM audit_events WHERE action = 'donation.correct_donor'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(changes["was_to_check"], true);
    assert!(!changes.to_string().contains("Bình"), "{changes}");
}

#[tokio::test]
async fn a_donor_correction_is_refused_when_it_is_not_one() {
    let app = spawn_app().await;
    let (accountant, _, _) = donations_from_two_lines(&app).await;
    let id = listed(&app, &accountant.token, "name_to_check=true").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/v1/donations/{id}/donor");

    for (body, field) in [
        (
            json!({"kind": "individual", "public_display": "name"}),
            "name",
        ),
        (
            json!({"kind": "individual", "name": " ", "public_display": "name"}),
            "name",
        ),
        (
            json!({"kind": "anonymous", "name": "A", "public_display": "anonymous"}),
            "name",
        ),
    ] {
        let res = app.post(&path, &accountant.token, &body).await;
        let problem = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{body}");
    }
    let fine = json!({"kind": "anonymous", "public_display": "anonymous"});
    let officer = app.user("officer", COMMUNE).await;
    let res = app.post(&path, &officer.token, &fine).await;
    assert_problem(res, 403, "forbidden").await;
    let sibling = app.user("accountant", SIBLING_COMMUNE).await;
    let res = app.post(&path, &sibling.token, &fine).await;
    assert_problem(res, 404, "not_found").await;
    // still waiting after every refusal
    assert_eq!(
        listed(&app, &accountant.token, "name_to_check=true")
            .await
            .len(),
        1
    );
    // a void donation's donor is not corrected
    let res = app
        .post(
            &format!("/v1/donations/{id}/void"),
            &accountant.token,
            &json!({"reason": "trùng"}),
        )
        .await;
    json_of(res, 200).await;
    let res = app.post(&path, &accountant.token, &fine).await;
    assert_problem(res, 409, "already_void").await;
}

#[tokio::test]
async fn the_database_lets_only_the_donor_of_a_recorded_donation_be_corrected() {
    let app = spawn_app().await;
    let (_, _, _) = donations_from_two_lines(&app).await;
    let db = app.sql().await;
    // the donor fields: yes
    let n = db
        .execute(
            "UPDATE donations SET donor_name = 'X', donor_search = 'x', public_display = 'name'
              WHERE amount_vnd = 300000",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(n, 1);
    // anything else: no
    let err = db
        .execute(
            "UPDATE donations SET donor_name = 'Y', amount_vnd = 1 WHERE amount_vnd = 300000",
            &[],
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.as_db_error().and_then(|e| e.constraint()),
        Some("donations_void_once")
    );
    // a check is closed once and never removed
    let err = db
        .execute("DELETE FROM donor_name_checks", &[])
        .await
        .unwrap_err();
    assert_eq!(
        err.as_db_error().and_then(|e| e.constraint()),
        Some("donor_name_checked_once")
    );
    db.execute(
        "UPDATE donor_name_checks SET checked_at = now(),
                checked_by = (SELECT id FROM users LIMIT 1)",
        &[],
    )
    .await
    .unwrap();
    let err = db
        .execute(
            "UPDATE donor_name_checks SET checked_at = NULL, checked_by = NULL",
            &[],
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.as_db_error().and_then(|e| e.constraint()),
        Some("donor_name_checked_once")
    );
}

#[tokio::test]
async fn a_senders_name_column_wins_over_the_description() {
    let app = spawn_app().await;
    let accountant = app.user("accountant", COMMUNE).await;
    let bank = app.bank_account(COMMUNE, &accountant.token).await;
    let file = "date,reference,debit,credit,balance,description,counterparty\n\
        2026-10-20,C-1,,100000,,Ung ho mien bac FT26293009476796,TRAN THI MAI\n\
        2026-10-20,C-2,,200000,,123456.201026.101010.LE VAN TAM ung ho,PHAM THU HUONG\n\
        2026-10-20,C-3,,300000,,123456.201026.101011.LE VAN TOI ung ho,\n";
    let res = upload(
        &app,
        &accountant.token,
        &bank,
        "format=generic",
        file.as_bytes(),
    )
    .await;
    json_of(res, 201).await;
    let res = app
        .get(
            &format!(
                "/v1/bank-accounts/{}/statement-lines",
                bank["id"].as_str().unwrap()
            ),
            &accountant.token,
        )
        .await;
    let lines = json_of(res, 200).await;
    assert_eq!(lines["items"][0]["counterparty"], "TRAN THI MAI");
    assert_eq!(lines["items"][2]["counterparty"], Value::Null);

    from_lines(
        &app,
        &accountant.token,
        &bank,
        "donations",
        json!({"all_unmatched_credits": true}),
    )
    .await;

    let donations = listed(&app, &accountant.token, "").await;
    let name_of = |amount: &str| {
        donations
            .iter()
            .find(|d| d["amount_vnd"] == amount)
            .map(|d| (d["donor"]["name"].clone(), d["public_display"].clone()))
            .unwrap()
    };
    assert_eq!(name_of("100000"), (json!("TRAN THI MAI"), json!("name")));
    assert_eq!(name_of("200000"), (json!("PHAM THU HUONG"), json!("name")));
    // without the column, the description (and the given name Tới is kept whole)
    assert_eq!(name_of("300000"), (json!("LE VAN TOI"), json!("name")));
}
