//! Tamper evidence (ledger.md "Tamper evidence", quality.md R6): entries are sealed in a hash
//! chain in the background; verification recomputes it and names the first entry that does not
//! match, even after a superuser forces a change past the append-only triggers.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{assert_problem, spawn_app, TestApp, COMMUNE, PROVINCE, SIBLING_COMMUNE};

async fn verify(app: &TestApp, token: &str, unit: Uuid) -> Value {
    let res = app
        .get(&format!("/v1/units/{unit}/ledger/verify"), token)
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// Verification once the sealer has caught up with `entries` entries.
async fn sealed(app: &TestApp, token: &str, unit: Uuid, entries: i64) -> Value {
    let started = Instant::now();
    loop {
        let v = verify(app, token, unit).await;
        if v["pending"] == 0 && v["entries_checked"].as_i64() >= Some(entries) {
            return v;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the sealer did not catch up: {v}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn posted_entries_are_sealed_and_verify() {
    let app = spawn_app().await;
    let unit = app.unit_id(COMMUNE).await;
    let officer = app.user("officer", COMMUNE).await;
    let auditor = app.user("auditor", PROVINCE).await;
    for amount in ["100000", "200000", "300000"] {
        app.record_cash_donation(&officer.token, unit, amount).await;
    }

    let v = sealed(&app, &auditor.token, unit, 3).await;

    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["entries_checked"], 3);
    assert_eq!(v["sealed_through"]["seq"], 3);
    assert_eq!(v["head_hash"].as_str().unwrap().len(), 64);
    assert_eq!(v["first_mismatch"], Value::Null);
    // the chain only grows: a later entry extends it, the head moves
    app.record_cash_donation(&officer.token, unit, "400000")
        .await;
    let later = sealed(&app, &auditor.token, unit, 4).await;
    assert_eq!(later["ok"], true);
    assert_ne!(later["head_hash"], v["head_hash"]);
}

#[tokio::test]
async fn a_posting_changed_by_a_superuser_is_named_by_verification() {
    let app = spawn_app().await;
    let unit = app.unit_id(COMMUNE).await;
    let officer = app.user("officer", COMMUNE).await;
    let auditor = app.user("auditor", COMMUNE).await;
    app.record_cash_donation(&officer.token, unit, "100000")
        .await;
    let tampered = app
        .record_cash_donation(&officer.token, unit, "200000")
        .await;
    app.record_cash_donation(&officer.token, unit, "300000")
        .await;
    sealed(&app, &auditor.token, unit, 3).await;
    let entry: Uuid = tampered["journal_entry_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();

    let db = app.sql().await;
    // the append-only trigger refuses the change …
    assert!(db
        .execute(
            "UPDATE postings SET amount = amount + 1 WHERE entry_id = $1",
            &[&entry]
        )
        .await
        .is_err());
    // … so a superuser switches it off first
    db.batch_execute(&format!(
        "ALTER TABLE postings DISABLE TRIGGER postings_append_only; \
         UPDATE postings SET amount = amount * 10 WHERE entry_id = '{entry}'; \
         ALTER TABLE postings ENABLE TRIGGER postings_append_only;"
    ))
    .await
    .unwrap();

    let v = verify(&app, &auditor.token, unit).await;
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(
        v["first_mismatch"],
        json!({"entry_id": entry, "seq": 2, "reason": "entry_changed"})
    );
    assert_eq!(v["entries_checked"], 1);
}

#[tokio::test]
async fn an_entry_slipped_in_behind_the_sealer_is_named() {
    let app = spawn_app().await;
    let unit = app.unit_id(COMMUNE).await;
    let officer = app.user("officer", COMMUNE).await;
    let auditor = app.user("auditor", COMMUNE).await;
    app.record_cash_donation(&officer.token, unit, "100000")
        .await;
    sealed(&app, &auditor.token, unit, 1).await;

    let id = Uuid::now_v7();
    let db = app.sql().await;
    db.batch_execute(&format!(
        "ALTER TABLE journal_entries DISABLE TRIGGER journal_entries_queue_seal; \
         BEGIN; \
         INSERT INTO journal_entries (id, unit_id, effective_date, source_type, description) \
              VALUES ('{id}', '{unit}', '2026-03-11', 'manual', 'chèn lén'); \
         INSERT INTO postings (entry_id, account_id, side, amount, unit_id, effective_date) \
              SELECT '{id}', id, CASE code WHEN '1111' THEN 'debit' ELSE 'credit' END, 5000, '{unit}', '2026-03-11' \
                FROM accounts WHERE unit_id = '{unit}' AND code IN ('1111', '5111'); \
         COMMIT; \
         ALTER TABLE journal_entries ENABLE TRIGGER journal_entries_queue_seal;"
    ))
    .await
    .unwrap();

    let v = verify(&app, &auditor.token, unit).await;
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(
        v["first_mismatch"],
        json!({"entry_id": id, "seq": null, "reason": "unsealed_entry"})
    );
}

#[tokio::test]
async fn seals_cannot_be_edited_or_removed() {
    let app = spawn_app().await;
    let unit = app.unit_id(COMMUNE).await;
    let officer = app.user("officer", COMMUNE).await;
    let auditor = app.user("auditor", COMMUNE).await;
    app.record_cash_donation(&officer.token, unit, "100000")
        .await;
    sealed(&app, &auditor.token, unit, 1).await;

    let db = app.sql().await;
    for sql in [
        "UPDATE journal_seals SET chain_hash = entry_hash",
        "DELETE FROM journal_seals",
        "TRUNCATE journal_seals",
    ] {
        assert!(db.execute(sql, &[]).await.is_err(), "{sql} was allowed");
    }
}

#[tokio::test]
async fn verification_is_for_auditors_and_the_funds_finance_officer_in_scope() {
    let app = spawn_app().await;
    let unit = app.unit_id(COMMUNE).await;
    let accountant = app.user("accountant", COMMUNE).await;
    let admin = app.user("admin", PROVINCE).await;
    let officer = app.user("officer", COMMUNE).await;
    let sibling_auditor = app.user("auditor", SIBLING_COMMUNE).await;

    verify(&app, &accountant.token, unit).await;
    verify(&app, &admin.token, unit).await;
    let path = format!("/v1/units/{unit}/ledger/verify");
    assert_problem(app.get(&path, &officer.token).await, 403, "forbidden").await;
    assert_problem(
        app.get(&path, &sibling_auditor.token).await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn the_database_refuses_a_seal_out_of_its_chain_or_of_another_fund() {
    let app = spawn_app().await;
    let unit = app.unit_id(COMMUNE).await;
    let officer = app.user("officer", COMMUNE).await;
    let auditor = app.user("auditor", COMMUNE).await;
    app.record_cash_donation(&officer.token, unit, "100000")
        .await;
    app.record_cash_donation(&officer.token, unit, "200000")
        .await;
    sealed(&app, &auditor.token, unit, 2).await;
    let db = app.sql().await;
    let head = db
        .query_one(
            "SELECT seq, chain_hash, entry_id FROM journal_seals WHERE unit_id = $1 ORDER BY seq DESC LIMIT 1",
            &[&unit],
        )
        .await
        .unwrap();
    let (seq, chain, entry): (i64, Vec<u8>, Uuid) = (head.get(0), head.get(1), head.get(2));
    let forged = vec![7u8; 32];
    let link = |prev: &[u8], entry_hash: &[u8]| -> Vec<u8> {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(prev);
        h.update(entry_hash);
        h.finalize().to_vec()
    };
    let insert = |unit: Uuid, seq: i64, chain: Vec<u8>| {
        let (db, forged) = (&db, forged.clone());
        async move {
            db.execute(
                "INSERT INTO journal_seals (unit_id, seq, entry_id, entry_hash, chain_hash) \
                 VALUES ($1, $2, $3, $4, $5)",
                &[&unit, &seq, &entry, &forged, &chain],
            )
            .await
            .unwrap_err()
        }
    };
    let constraint = |e: tokio_postgres::Error| {
        e.as_db_error()
            .and_then(|d| d.constraint())
            .map(str::to_owned)
    };

    // a skipped place, and a link that does not follow from the head
    let skipped = insert(unit, seq + 2, link(&chain, &forged)).await;
    let unlinked = insert(unit, seq + 1, forged.clone()).await;
    // filed under another fund
    let sibling = app.unit_id(SIBLING_COMMUNE).await;
    let elsewhere = insert(sibling, 1, link(&[0; 32], &forged)).await;

    assert_eq!(constraint(skipped).as_deref(), Some("seal_chain_link"));
    assert_eq!(constraint(unlinked).as_deref(), Some("seal_chain_link"));
    assert_eq!(
        constraint(elsewhere).as_deref(),
        Some("seal_of_the_entrys_fund")
    );
    assert_eq!(sealed(&app, &auditor.token, unit, 2).await["ok"], true);
}
