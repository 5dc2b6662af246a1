//! `serve --demo`: the seed is idempotent and every printed account works. The demo begins, as
//! `serve --demo` on a new installation does, from a database that is only migrated.

use serde_json::Value;

use crate::helpers::{spawn_app_on_new_database, TestApp};

/// Seeds the demo into the app's database: the users it printed.
async fn seed(app: &TestApp) -> Vec<doanket::demo::DemoUser> {
    let mut settings = doanket::config::Settings::from_map(&Default::default()).unwrap();
    settings.database_url = app.db_url.clone();
    let pools = doanket::db::Pools::new(&settings).unwrap();
    doanket::demo::seed(&pools.write, &settings).await.unwrap()
}

async fn token(app: &TestApp, username: &str) -> String {
    app.sign_in(username, doanket::demo::DEMO_PASSWORD)
        .await
        .json::<Value>()
        .await
        .unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn the_demo_seed_is_idempotent_and_its_accounts_sign_in() {
    let app = spawn_app_on_new_database().await;

    let users = seed(&app).await;
    let db = app.sql().await;
    let count = |sql: &'static str| {
        let db = &db;
        async move { db.query_one(sql, &[]).await.unwrap().get::<_, i64>(0) }
    };
    let units_before = count("SELECT count(*) FROM units").await;
    let users_before = count("SELECT count(*) FROM users").await;
    let houses_before = count("SELECT count(*) FROM houses").await;
    let entries_before = count("SELECT count(*) FROM journal_entries").await;
    let handovers_before = count("SELECT count(*) FROM handovers").await;
    let households_before = count("SELECT count(*) FROM households").await;
    let successions_before = count("SELECT count(*) FROM unit_successions").await;
    let names_before = count("SELECT count(*) FROM unit_names").await;
    seed(&app).await;
    assert_eq!(
        count("SELECT count(*) FROM units").await,
        units_before,
        "no new units"
    );
    assert_eq!(
        count("SELECT count(*) FROM users").await,
        users_before,
        "no new users"
    );
    assert_eq!(
        count("SELECT count(*) FROM houses").await,
        houses_before,
        "no new houses"
    );
    assert_eq!(
        count("SELECT count(*) FROM journal_entries").await,
        entries_before,
        "no new entries"
    );
    assert_eq!(
        count("SELECT count(*) FROM handovers").await,
        handovers_before,
        "no new handover"
    );
    assert_eq!(
        count("SELECT count(*) FROM households").await,
        households_before
    );
    assert_eq!(
        count("SELECT count(*) FROM unit_successions").await,
        successions_before
    );
    assert_eq!(count("SELECT count(*) FROM unit_names").await, names_before);

    // Lạng Sơn's 65 communes of the 2026 list (beside its district of 2025, dissolved), and one
    // user per role at three units
    assert_eq!(
        count(
            "SELECT count(*) FROM units u JOIN units p ON p.id = u.parent_id \
              WHERE p.code = '20' AND u.tier = 'commune'"
        )
        .await,
        65
    );
    // and the staff of the four units of 2025 the reform ended
    assert_eq!(users.len(), 15 + 12);
    for user in &users {
        let res = app
            .sign_in(&user.username, doanket::demo::DEMO_PASSWORD)
            .await;
        assert_eq!(res.status(), 200, "{} signs in", user.username);
        let token = res.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let me: Value = app.get("/v1/auth/me", &token).await.json().await.unwrap();
        assert_eq!(me["roles"][0]["role"], user.role.as_str());
        assert_eq!(me["roles"][0]["unit_code"], user.unit_code);
    }
    let banner = doanket::demo::banner(&users);
    assert!(banner.contains("accountant.06001") && banner.contains(doanket::demo::DEMO_PASSWORD));
    assert!(banner.contains("houses"), "{banner}");
    assert!(banner.contains("officer.05998"), "{banner}");
}

#[tokio::test]
async fn the_demo_has_house_projects_in_many_states_and_balanced_books() {
    let app = spawn_app_on_new_database().await;

    seed(&app).await;

    let db = app.sql().await;
    let states: i64 = db
        .query_one("SELECT count(DISTINCT status) FROM houses", &[])
        .await
        .unwrap()
        .get(0);
    assert!(states >= 4, "houses in {states} states");
    let unbalanced: i64 = db
        .query_one(
            "SELECT count(*) FROM (SELECT entry_id FROM postings GROUP BY entry_id \
              HAVING sum(CASE side WHEN 'debit' THEN amount ELSE -amount END) <> 0) u",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(unbalanced, 0, "every journal entry balances");
    let entries: i64 = db
        .query_one(
            "SELECT count(*) FROM journal_entries WHERE source_type = 'house_payment'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(entries > 0, "tranches were posted");

    // what the API shows: the commune's report and a household's history
    let officer = token(&app, "officer.06001").await;
    let commune = app.unit_id("06001").await;
    let res = app
        .get(&format!("/v1/units/{commune}/reports/housing"), &officer)
        .await;
    assert_eq!(res.status(), 200);
    let list: Value = app
        .get(&format!("/v1/houses?unit_id={commune}"), &officer)
        .await
        .json()
        .await
        .unwrap();
    let house = &list["items"][0];
    let history: Value = app
        .get(
            &format!(
                "/v1/households/{}/history",
                house["household_id"].as_str().unwrap()
            ),
            &officer,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history["items"][0]["kind"], "house", "{history}");
}

#[tokio::test]
async fn the_demo_shows_lang_son_before_and_after_the_reform() {
    let app = spawn_app_on_new_database().await;

    seed(&app).await;

    let db = app.sql().await;
    let status = |code: &'static str| {
        let db = &db;
        async move {
            let row = db
                .query_one(
                    "SELECT status, dissolved_on::text FROM units WHERE code = $1",
                    &[&code],
                )
                .await
                .unwrap();
            (row.get::<_, String>(0), row.get::<_, Option<String>>(1))
        }
    };
    let ended = Some("2025-06-30".to_owned());
    for code in ["05998", "06010", "180"] {
        assert_eq!(
            status(code).await,
            ("dissolved".into(), ended.clone()),
            "{code}"
        );
    }
    assert_eq!(status("06022").await, ("dissolving".into(), None));
    assert_eq!(status("06001").await, ("active".into(), None));
    // the 2025 tree under the 2026 list: the 13 merged communes stay under their district, the 7
    // that continue moved under the province and keep their 2025 name and parent
    let count = |sql: &'static str| {
        let db = &db;
        async move { db.query_one(sql, &[]).await.unwrap().get::<_, i64>(0) }
    };
    assert_eq!(
        count(
            "SELECT count(*) FROM units u JOIN units d ON d.id = u.parent_id WHERE d.code = '180'"
        )
        .await,
        13
    );
    assert_eq!(
        count(
            "SELECT count(DISTINCT n.unit_id) FROM unit_names n JOIN units d ON d.id = n.parent_id \
              WHERE d.code = '180' AND n.valid_until = '2025-06-30'"
        )
        .await,
        7
    );

    // the handovers in each state, seen by the province's officer
    let officer = token(&app, "officer.20").await;
    let list: Value = app
        .get("/v1/handovers?limit=100", &officer)
        .await
        .json()
        .await
        .unwrap();
    let mut states: Vec<&str> = list["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{list}"))
        .iter()
        .map(|h| h["status"].as_str().unwrap())
        .collect();
    states.sort();
    assert_eq!(states, ["executed", "executed", "executed", "submitted"]);
    // the open house project moved to 06001 with its reservation
    assert_eq!(
        count(
            "SELECT count(*) FROM houses h JOIN units u ON u.id = h.funding_unit_id \
               JOIN reservations r ON r.source_id = h.id AND r.unit_id = u.id AND r.released_at IS NULL \
              WHERE u.code = '06001' AND h.status = 'approved' AND h.proposed_on < '2025-07-01'"
        )
        .await,
        1
    );
    // 06001 received Khánh Long's bank money; Cao Minh's is still in transit
    let accountant = token(&app, "accountant.06001").await;
    let doan_ket = app.unit_id("06001").await;
    let balances: Value = app
        .get(&format!("/v1/units/{doan_ket}/balances"), &accountant)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(balances["in_transit"], "15000000", "{balances}");
    assert_eq!(balances["bank"], "45000000", "{balances}");

    // every fund's trial balance balances, the ended ones' too
    let admin = token(&app, "admin.tw").await;
    let funds = db
        .query("SELECT DISTINCT unit_id FROM journal_entries", &[])
        .await
        .unwrap();
    assert!(funds.len() >= 6, "{} funds have entries", funds.len());
    for row in funds {
        let id: uuid::Uuid = row.get(0);
        let tb: Value = app
            .get(&format!("/v1/units/{id}/reports/trial-balance"), &admin)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(tb["total_debit"], tb["total_credit"], "{tb}");
    }

    // a user of an ended unit still signs in and reads its records, but writes nothing there
    let old = token(&app, "officer.05998").await;
    let merged = app.unit_id("05998").await;
    let res = app.get(&format!("/v1/units/{merged}/balances"), &old).await;
    assert_eq!(res.status(), 200);
}
