//! `serve --demo`: the seed is idempotent and every printed account works.

use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_demo_seed_is_idempotent_and_its_accounts_sign_in() {
    let app = spawn_app().await;
    let mut settings = doanket::config::Settings::from_map(&Default::default()).unwrap();
    settings.database_url = app.db_url.clone();
    let pools = doanket::db::Pools::new(&settings).unwrap();

    let users = doanket::demo::seed(&pools.write, &settings).await.unwrap();
    let db = app.sql().await;
    let count = |sql: &'static str| {
        let db = &db;
        async move { db.query_one(sql, &[]).await.unwrap().get::<_, i64>(0) }
    };
    let units_before = count("SELECT count(*) FROM units").await;
    let users_before = count("SELECT count(*) FROM users").await;
    let houses_before = count("SELECT count(*) FROM houses").await;
    let entries_before = count("SELECT count(*) FROM journal_entries").await;
    doanket::demo::seed(&pools.write, &settings).await.unwrap();
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

    // Lạng Sơn's 65 communes of the 2026 list, and one user per role at three units
    assert_eq!(
        count(
            "SELECT count(*) FROM units u JOIN units p ON p.id = u.parent_id WHERE p.code = '20'"
        )
        .await,
        65
    );
    assert_eq!(users.len(), 15);
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
}

#[tokio::test]
async fn the_demo_has_house_projects_in_many_states_and_balanced_books() {
    let app = spawn_app().await;
    let mut settings = doanket::config::Settings::from_map(&Default::default()).unwrap();
    settings.database_url = app.db_url.clone();
    let pools = doanket::db::Pools::new(&settings).unwrap();

    doanket::demo::seed(&pools.write, &settings).await.unwrap();

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
    let officer = app
        .sign_in("officer.06001", doanket::demo::DEMO_PASSWORD)
        .await
        .json::<Value>()
        .await
        .unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
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
