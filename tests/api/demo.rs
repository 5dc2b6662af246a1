//! `serve --demo`: the seed is idempotent and every printed account works.

use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_demo_seed_is_idempotent_and_its_accounts_sign_in() {
    let app = spawn_app().await;
    let mut settings = doanket::config::Settings::from_map(&Default::default()).unwrap();
    settings.database_url = app.db_url.clone();
    let pools = doanket::db::Pools::new(&settings).unwrap();

    let users = doanket::demo::seed(&pools.write).await.unwrap();
    let db = app.sql().await;
    let count = |sql: &'static str| {
        let db = &db;
        async move { db.query_one(sql, &[]).await.unwrap().get::<_, i64>(0) }
    };
    let units_before = count("SELECT count(*) FROM units").await;
    let users_before = count("SELECT count(*) FROM users").await;
    doanket::demo::seed(&pools.write).await.unwrap();
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
}
