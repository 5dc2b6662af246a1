//! Invariants PostgreSQL holds by itself, tried with raw SQL as the superuser: whatever the
//! application does (or a hand-written statement does), these cannot be broken.

use tokio_postgres::error::SqlState;
use tokio_postgres::Client;
use uuid::Uuid;

use doanket::db::migrations;

use crate::helpers::{admin_client, database_url, spawn_app, COMMUNE, PROVINCE};

/// Inserts a unit by hand, as an operator with `psql` would.
async fn insert_unit(
    db: &Client,
    code: &str,
    tier: &str,
    parent_code: Option<&str>,
) -> Result<Uuid, tokio_postgres::Error> {
    db.query_one(
        "INSERT INTO units (code, name, full_name, tier, parent_id, search_text) \
         VALUES ($1, 'Thử ' || $1, 'Đơn vị thử ' || $1, $2, (SELECT id FROM units WHERE code = $3), lower($1)) \
         RETURNING id",
        &[&code, &tier, &parent_code],
    )
    .await
    .map(|row| row.get(0))
}

async fn one_audit_event(db: &Client) {
    db.execute(
        "INSERT INTO audit_events (action, target_type, request_id) VALUES ('test.event', 'test', 'db-test')",
        &[],
    )
    .await
    .unwrap();
}

fn state(e: &tokio_postgres::Error) -> &SqlState {
    e.code()
        .unwrap_or_else(|| panic!("a database error, not {e}"))
}

async fn audit_count(db: &Client) -> i64 {
    db.query_one("SELECT count(*) FROM audit_events", &[])
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn audit_events_cannot_be_updated() {
    let app = spawn_app().await;
    let db = app.sql().await;
    one_audit_event(&db).await;

    let e = db
        .execute("UPDATE audit_events SET action = 'forged'", &[])
        .await
        .unwrap_err();

    assert_eq!(state(&e), &SqlState::RESTRICT_VIOLATION);
    let action: String = db
        .query_one("SELECT action FROM audit_events", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(action, "test.event");
}

#[tokio::test]
async fn audit_events_cannot_be_deleted() {
    let app = spawn_app().await;
    let db = app.sql().await;
    one_audit_event(&db).await;

    let e = db
        .execute("DELETE FROM audit_events", &[])
        .await
        .unwrap_err();

    assert_eq!(state(&e), &SqlState::RESTRICT_VIOLATION);
    assert_eq!(audit_count(&db).await, 1);
}

#[tokio::test]
async fn audit_events_cannot_be_truncated() {
    let app = spawn_app().await;
    let db = app.sql().await;
    one_audit_event(&db).await;

    let e = db.batch_execute("TRUNCATE audit_events").await.unwrap_err();

    assert_eq!(state(&e), &SqlState::RESTRICT_VIOLATION);
    assert_eq!(audit_count(&db).await, 1);
}

#[tokio::test]
async fn a_unit_whose_tier_does_not_fit_its_parent_is_refused() {
    let app = spawn_app().await;
    let db = app.sql().await;

    let province_under_commune = insert_unit(&db, "98", "province", Some(COMMUNE))
        .await
        .unwrap_err();
    let province_under_province = insert_unit(&db, "97", "province", Some(PROVINCE))
        .await
        .unwrap_err();
    let commune_under_commune = insert_unit(&db, "99999", "commune", Some(COMMUNE))
        .await
        .unwrap_err();

    for e in [
        &province_under_commune,
        &province_under_province,
        &commune_under_commune,
    ] {
        assert_eq!(state(e), &SqlState::CHECK_VIOLATION, "{e}");
    }
    let n: i64 = db
        .query_one(
            "SELECT count(*) FROM units WHERE code IN ('98', '97', '99999')",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
    // moving an existing unit under a lower tier is refused the same way
    let e = db
        .execute(
            "UPDATE units SET parent_id = (SELECT id FROM units WHERE code = $1) WHERE code = $2",
            &[&COMMUNE, &PROVINCE],
        )
        .await
        .unwrap_err();
    assert_eq!(state(&e), &SqlState::CHECK_VIOLATION);
}

#[tokio::test]
async fn a_unit_inserted_by_hand_gets_its_fund_and_chart() {
    let app = spawn_app().await;
    let db = app.sql().await;

    let id = insert_unit(&db, "99901", "commune", Some(PROVINCE))
        .await
        .unwrap();

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
    let expected: Vec<String> = db
        .query_one("SELECT array_agg(code ORDER BY code) FROM chart_of_accounts WHERE NOT per_bank_account", &[])
        .await
        .unwrap()
        .get(0);
    // ledger.md's 20, and the reform's 1131, 5114 and 6221
    assert_eq!(chart.len(), 23);
    assert_eq!(chart, expected);
    assert!(
        !chart.contains(&"1121".to_owned()),
        "1121 is opened per bank account"
    );
    let path: Vec<String> = db
        .query_one("SELECT path FROM units WHERE id = $1", &[&id])
        .await
        .unwrap()
        .get(0);
    assert_eq!(path, ["TW", PROVINCE, "99901"]);
}

#[tokio::test]
async fn moving_a_district_moves_every_commune_below_it() {
    let app = spawn_app().await;
    let db = app.sql().await;
    let district = insert_unit(&db, "999", "district", Some(PROVINCE))
        .await
        .unwrap();
    let communes = [
        insert_unit(&db, "99901", "commune", Some("999"))
            .await
            .unwrap(),
        insert_unit(&db, "99902", "commune", Some("999"))
            .await
            .unwrap(),
    ];
    let other = insert_unit(&db, "98", "province", Some("TW"))
        .await
        .unwrap();
    let tw: Uuid = db
        .query_one("SELECT id FROM units WHERE code = 'TW'", &[])
        .await
        .unwrap()
        .get(0);

    db.execute(
        "UPDATE units SET parent_id = $1 WHERE id = $2",
        &[&other, &district],
    )
    .await
    .unwrap();

    for (commune, code) in communes.iter().zip(["99901", "99902"]) {
        let row = db
            .query_one("SELECT ancestry, path FROM units WHERE id = $1", &[commune])
            .await
            .unwrap();
        let ancestry: Vec<Uuid> = row.get(0);
        let path: Vec<String> = row.get(1);
        assert_eq!(ancestry, [tw, other, district, *commune]);
        assert_eq!(path, ["TW", "98", "999", code]);
    }
    let path: Vec<String> = db
        .query_one("SELECT path FROM units WHERE id = $1", &[&district])
        .await
        .unwrap()
        .get(0);
    assert_eq!(path, ["TW", "98", "999"]);
    // nothing stays behind in the old province's subtree
    let province: Uuid = db
        .query_one("SELECT id FROM units WHERE code = $1", &[&PROVINCE])
        .await
        .unwrap()
        .get(0);
    let left: i64 = db
        .query_one(
            "SELECT count(*) FROM units WHERE $1 = ANY (ancestry) AND code LIKE '999%'",
            &[&province],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(left, 0);
}

#[tokio::test]
async fn a_second_root_is_refused() {
    let app = spawn_app().await;
    let db = app.sql().await;

    let e = insert_unit(&db, "TW2", "central", None).await.unwrap_err();

    assert_eq!(state(&e), &SqlState::UNIQUE_VIOLATION, "{e}");
    // and no other tier may be a root either
    let e = insert_unit(&db, "97", "province", None).await.unwrap_err();
    assert_eq!(state(&e), &SqlState::CHECK_VIOLATION, "{e}");
    let roots: i64 = db
        .query_one("SELECT count(*) FROM units WHERE parent_id IS NULL", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(roots, 1);
}

/// Two replicas of a new release start at the same moment against one database (README,
/// "Production-like deployment"): both run the pending migrations, one after the other, and both
/// start; each migration runs once.
#[tokio::test]
async fn two_processes_migrating_one_new_database_at_once_both_succeed() {
    use diesel::migration::MigrationSource;
    let admin = admin_client().await;
    let total = MigrationSource::<diesel::pg::Pg>::migrations(&migrations::MIGRATIONS)
        .unwrap()
        .len();
    for _ in 0..3 {
        let name = format!("doanket_test_{}", Uuid::new_v4().simple());
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        let url = database_url(&name);

        let (a, b) = tokio::join!(migrations::run_pending(&url), migrations::run_pending(&url));

        admin
            .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .await
            .unwrap();
        let (a, b) = (
            a.expect("the first process"),
            b.expect("the second process"),
        );
        assert_eq!(a + b, total, "every migration ran exactly once");
    }
}
