//! Sign-in and sessions (`security.md` "Tokens"): the token pair, its claims and signature, bad
//! credentials, refresh rotation with theft detection, revocation, `/v1/auth/me`, sign-in rate
//! limiting, and disabling or re-granting taking effect on tokens already issued.

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::{Method, Response};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    assert_problem, spawn_app, spawn_app_with, TestApp, COMMUNE, PROVINCE, USER_PASSWORD,
};

/// Signs in and returns the token pair as JSON (asserting 200).
async fn sign_in_pair(app: &TestApp, username: &str) -> Value {
    let res = app.sign_in(username, USER_PASSWORD).await;
    assert_eq!(res.status(), 200, "sign-in of {username}");
    res.json().await.unwrap()
}

async fn refresh(app: &TestApp, refresh_token: &str) -> Response {
    app.request(
        Method::POST,
        "/v1/auth/refresh",
        None,
        Some(&json!({ "refresh_token": refresh_token })),
    )
    .await
}

async fn revoke(app: &TestApp, refresh_token: &str) -> Response {
    app.request(
        Method::POST,
        "/v1/auth/revoke",
        None,
        Some(&json!({ "refresh_token": refresh_token })),
    )
    .await
}

fn www_authenticate(res: &Response) -> Option<String> {
    res.headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned())
}

// ---------------------------------------------------------------- sign-in

#[tokio::test]
async fn sign_in_returns_a_bearer_pair_valid_for_fifteen_minutes() {
    let app = spawn_app().await;
    let user = app.user("officer", COMMUNE).await;

    let res = app.sign_in(&user.username, USER_PASSWORD).await;

    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(
        body["access_token"].as_str().unwrap().split('.').count() == 3,
        "a JWT: {body}"
    );
    let refresh_token = body["refresh_token"].as_str().unwrap();
    assert!(
        refresh_token.len() >= 40,
        "an opaque random refresh token: {refresh_token}"
    );
    assert_ne!(refresh_token, body["access_token"].as_str().unwrap());
}

#[tokio::test]
async fn the_access_token_is_an_eddsa_jwt_verifiable_with_the_published_jwks() {
    let app = spawn_app().await;
    let user = app.user("officer", COMMUNE).await;
    let commune_id = app.unit_id(COMMUNE).await;
    let pair = sign_in_pair(&app, &user.username).await;
    let access_token = pair["access_token"].as_str().unwrap();

    let jwks: Value = app
        .client
        .get(app.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    let header = jsonwebtoken::decode_header(access_token).unwrap();
    assert_eq!(header.alg, Algorithm::EdDSA);
    let kid = header.kid.expect("the header names its key");
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .unwrap_or_else(|| panic!("kid {kid} is published in {jwks}"));
    assert_eq!(jwk["kty"], "OKP");
    assert_eq!(jwk["crv"], "Ed25519");
    assert_eq!(jwk["alg"], "EdDSA");
    let key = DecodingKey::from_ed_components(jwk["x"].as_str().unwrap()).unwrap();
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.set_issuer(&["doanket"]);
    validation.set_audience(&["doanket"]);
    let claims = jsonwebtoken::decode::<Value>(access_token, &key, &validation)
        .unwrap()
        .claims;
    assert_eq!(claims["iss"], "doanket");
    assert_eq!(claims["aud"], "doanket");
    assert_eq!(claims["sub"], user.id.to_string());
    assert_eq!(
        claims["roles"],
        json!([{"role": "officer", "unit": commune_id, "tier": "commune"}])
    );
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        900
    );
    assert_eq!(claims["nbf"], claims["iat"]);
    assert!(
        claims["jti"].as_str().unwrap().parse::<Uuid>().is_ok(),
        "jti in {claims}"
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_401() {
    let app = spawn_app().await;
    let user = app.user("officer", COMMUNE).await;

    let wrong_password = app.sign_in(&user.username, "not-the-password-at-all").await;
    let unknown_user = app.sign_in("nobody.here", USER_PASSWORD).await;

    assert_eq!(www_authenticate(&wrong_password).as_deref(), Some("Bearer"));
    assert_eq!(www_authenticate(&unknown_user).as_deref(), Some("Bearer"));
    let a = assert_problem(wrong_password, 401, "invalid_credentials").await;
    let b = assert_problem(unknown_user, 401, "invalid_credentials").await;
    assert_eq!(a, b, "the answer must not tell which of the two was wrong");
    assert!(a.get("access_token").is_none());
}

#[tokio::test]
async fn a_disabled_user_cannot_sign_in_even_with_the_right_password() {
    let app = spawn_app().await;
    let user = app.user("officer", COMMUNE).await;
    app.sql()
        .await
        .execute(
            "UPDATE users SET disabled_at = now() WHERE id = $1",
            &[&user.id],
        )
        .await
        .unwrap();

    let res = app.sign_in(&user.username, USER_PASSWORD).await;

    assert_eq!(www_authenticate(&res).as_deref(), Some("Bearer"));
    assert_problem(res, 401, "invalid_credentials").await;
}

#[tokio::test]
async fn sign_in_ignores_the_case_of_the_username() {
    let app = spawn_app().await;
    let user = app.user("officer", COMMUNE).await;

    let res = app
        .sign_in(&user.username.to_uppercase(), USER_PASSWORD)
        .await;

    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn a_successful_sign_in_is_audited() {
    let app = spawn_app().await;
    let user = app.user("officer", COMMUNE).await;

    let row = app
        .sql()
        .await
        .query_one(
            "SELECT count(*) FROM audit_events WHERE action = 'auth.sign_in' AND actor_id = $1",
            &[&user.id],
        )
        .await
        .unwrap();

    assert_eq!(row.get::<_, i64>(0), 1);
}

// ---------------------------------------------------------------- refresh and revoke

#[tokio::test]
async fn refresh_returns_a_new_working_pair() {
    let app = spawn_app().await;
    let user = app.user("officer", COMMUNE).await;
    let first = sign_in_pair(&app, &user.username).await;

    let res = refresh(&app, first["refresh_token"].as_str().unwrap()).await;

    assert_eq!(res.status(), 200);
    let second: Value = res.json().await.unwrap();
    assert_eq!(second["token_type"], "Bearer");
    assert_eq!(second["expires_in"], 900);
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_ne!(second["access_token"], first["access_token"]);
    let me = app
        .get("/v1/auth/me", second["access_token"].as_str().unwrap())
        .await;
    assert_eq!(me.status(), 200);
    assert_eq!(me.json::<Value>().await.unwrap()["id"], user.id.to_string());
}

#[tokio::test]
async fn a_refresh_token_works_only_once() {
    let app = spawn_app().await;
    let user = app.user("officer", COMMUNE).await;
    let first = sign_in_pair(&app, &user.username).await;
    let old = first["refresh_token"].as_str().unwrap();
    assert_eq!(refresh(&app, old).await.status(), 200);

    let again = refresh(&app, old).await;

    assert_eq!(www_authenticate(&again).as_deref(), Some("Bearer"));
    assert_problem(again, 401, "invalid_refresh_token").await;
}

#[tokio::test]
async fn reusing_a_used_refresh_token_revokes_the_whole_family() {
    let app = spawn_app().await;
    let user = app.user("officer", COMMUNE).await;
    let first = sign_in_pair(&app, &user.username).await;
    let stolen = first["refresh_token"].as_str().unwrap();
    let res = refresh(&app, stolen).await;
    let newest: Value = res.json().await.unwrap();

    // the thief (or the victim) presents the used token again
    assert_problem(refresh(&app, stolen).await, 401, "invalid_refresh_token").await;

    // the newest token of the family stops working too
    let res = refresh(&app, newest["refresh_token"].as_str().unwrap()).await;
    assert_problem(res, 401, "invalid_refresh_token").await;
    let db = app.sql().await;
    let live = db
        .query_one(
            "SELECT count(*) FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL",
            &[&user.id],
        )
        .await
        .unwrap();
    assert_eq!(
        live.get::<_, i64>(0),
        1,
        "only the helper's own sign-in (another family) stays live"
    );
    let audited = db
        .query_one(
            "SELECT count(*) FROM audit_events WHERE action = 'auth.refresh_token_reused' AND actor_id = $1",
            &[&user.id],
        )
        .await
        .unwrap();
    assert_eq!(audited.get::<_, i64>(0), 1);
}

#[tokio::test]
async fn reuse_revokes_only_that_family_not_other_sessions() {
    let app = spawn_app().await;
    let user = app.user("officer", COMMUNE).await;
    let phone = sign_in_pair(&app, &user.username).await;
    let laptop = sign_in_pair(&app, &user.username).await;
    let used = phone["refresh_token"].as_str().unwrap();
    assert_eq!(refresh(&app, used).await.status(), 200);
    assert_eq!(refresh(&app, used).await.status(), 401);

    let res = refresh(&app, laptop["refresh_token"].as_str().unwrap()).await;

    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn unknown_or_garbage_refresh_tokens_are_401() {
    let app = spawn_app().await;
    let garbage = [
        "",
        "x",
        "not a token at all",
        &"A".repeat(43),
        &"é".repeat(300),
    ];

    for token in garbage {
        let res = refresh(&app, token).await;
        assert_eq!(
            www_authenticate(&res).as_deref(),
            Some("Bearer"),
            "for {token:?}"
        );
        assert_problem(res, 401, "invalid_refresh_token").await;
    }
}

#[tokio::test]
async fn an_access_token_is_not_a_refresh_token() {
    let app = spawn_app().await;
    let user = app.user("officer", COMMUNE).await;

    let res = refresh(&app, &user.token).await;

    assert_problem(res, 401, "invalid_refresh_token").await;
}

#[tokio::test]
async fn revoke_answers_204_and_the_token_can_no_longer_refresh() {
    let app = spawn_app().await;
    let user = app.user("officer", COMMUNE).await;
    let pair = sign_in_pair(&app, &user.username).await;
    let refresh_token = pair["refresh_token"].as_str().unwrap();

    let res = revoke(&app, refresh_token).await;

    assert_eq!(res.status(), 204);
    assert_problem(
        refresh(&app, refresh_token).await,
        401,
        "invalid_refresh_token",
    )
    .await;
}

#[tokio::test]
async fn revoking_a_rotated_token_ends_the_whole_session() {
    let app = spawn_app().await;
    let user = app.user("officer", COMMUNE).await;
    let first = sign_in_pair(&app, &user.username).await;
    let second: Value = refresh(&app, first["refresh_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(
        revoke(&app, first["refresh_token"].as_str().unwrap())
            .await
            .status(),
        204
    );

    let res = refresh(&app, second["refresh_token"].as_str().unwrap()).await;
    assert_problem(res, 401, "invalid_refresh_token").await;
}

#[tokio::test]
async fn revoking_an_unknown_token_is_also_204() {
    let app = spawn_app().await;

    let unknown = revoke(&app, "no-such-refresh-token-anywhere").await;
    let empty = revoke(&app, "").await;

    assert_eq!(unknown.status(), 204);
    assert_eq!(empty.status(), 204);
    let audited = app
        .sql()
        .await
        .query_one(
            "SELECT count(*) FROM audit_events WHERE action = 'auth.revoke'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        audited.get::<_, i64>(0),
        0,
        "nothing was revoked, nothing audited"
    );
}

// ---------------------------------------------------------------- me

#[tokio::test]
async fn me_returns_the_user_and_their_roles() {
    let app = spawn_app().await;
    let user = app
        .user_with_roles(&[("officer", COMMUNE), ("auditor", PROVINCE)])
        .await;
    let (commune_id, province_id) = (app.unit_id(COMMUNE).await, app.unit_id(PROVINCE).await);

    let res = app.get("/v1/auth/me", &user.token).await;

    assert_eq!(res.status(), 200);
    let mut me: Value = res.json().await.unwrap();
    assert_eq!(me["id"], user.id.to_string());
    assert_eq!(me["username"], user.username);
    assert_eq!(me["full_name"], "Test User");
    let roles = me["roles"].as_array_mut().unwrap();
    roles.sort_by_key(|r| r["role"].as_str().unwrap().to_owned());
    assert_eq!(
        json!(roles),
        json!([
            {"role": "auditor", "unit_id": province_id, "unit_code": PROVINCE, "tier": "province"},
            {"role": "officer", "unit_id": commune_id, "unit_code": COMMUNE, "tier": "commune"},
        ])
    );
    assert!(me.get("password_hash").is_none() && me.get("password").is_none());
}

#[tokio::test]
async fn me_without_a_token_is_401() {
    let app = spawn_app().await;

    let res = app.request(Method::GET, "/v1/auth/me", None, None).await;

    assert_eq!(www_authenticate(&res).as_deref(), Some("Bearer"));
    assert_problem(res, 401, "unauthenticated").await;
}

// ---------------------------------------------------------------- rate limiting

#[tokio::test]
async fn the_fourth_sign_in_for_one_username_within_a_minute_is_429() {
    let app = spawn_app_with(|s| s.sign_in_per_minute_per_user = 3).await;
    let target = app.user("officer", COMMUNE).await; // attempt 1 (the helper signs in)
    let other = app.user("officer", COMMUNE).await;
    for _ in 0..2 {
        // attempts 2 and 3
        assert_eq!(
            app.sign_in(&target.username, "wrong-password-guess")
                .await
                .status(),
            401
        );
    }

    let res = app.sign_in(&target.username, USER_PASSWORD).await;

    assert!(res.headers().contains_key("retry-after"));
    assert_problem(res, 429, "rate_limited").await;
    assert_eq!(
        app.sign_in(&other.username, USER_PASSWORD).await.status(),
        200,
        "another username still works"
    );
}

#[tokio::test]
async fn the_limit_counts_usernames_case_insensitively() {
    let app = spawn_app_with(|s| s.sign_in_per_minute_per_user = 3).await;
    let user = app.user("officer", COMMUNE).await;
    app.sign_in(&user.username.to_uppercase(), "wrong-password-guess")
        .await;
    app.sign_in(&format!(" {} ", user.username), "wrong-password-guess")
        .await;

    let res = app.sign_in(&user.username, USER_PASSWORD).await;

    assert_problem(res, 429, "rate_limited").await;
}

// ---------------------------------------------------------------- changes take effect at once

#[tokio::test]
async fn a_disabled_user_is_refused_with_an_unexpired_token_and_cannot_refresh() {
    let app = spawn_app().await;
    let root = app.root_token().await;
    let user = app.user("officer", COMMUNE).await;
    let pair = sign_in_pair(&app, &user.username).await;
    assert_eq!(app.get("/v1/auth/me", &user.token).await.status(), 200);

    let res = app
        .post(&format!("/v1/users/{}/disable", user.id), &root, &json!({}))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["disabled"], true);

    let me = app.get("/v1/auth/me", &user.token).await;
    assert_eq!(www_authenticate(&me).as_deref(), Some("Bearer"));
    assert_problem(me, 401, "unauthenticated").await;
    assert_problem(
        app.get("/v1/units", pair["access_token"].as_str().unwrap())
            .await,
        401,
        "unauthenticated",
    )
    .await;
    let res = refresh(&app, pair["refresh_token"].as_str().unwrap()).await;
    assert_problem(res, 401, "invalid_refresh_token").await;
}

#[tokio::test]
async fn removing_a_role_takes_effect_on_the_same_token() {
    let app = spawn_app().await;
    let root = app.root_token().await;
    let user = app.user("admin", PROVINCE).await;
    let province_id = app.unit_id(PROVINCE).await;
    assert_eq!(
        app.get("/v1/audit-events", &user.token).await.status(),
        200,
        "admins read the audit trail"
    );

    let res = app
        .put(
            &format!("/v1/users/{}/roles", user.id),
            &root,
            &json!({"roles": [{"role": "officer", "unit_id": province_id}]}),
        )
        .await;
    assert_eq!(res.status(), 200);

    assert_problem(
        app.get("/v1/audit-events", &user.token).await,
        403,
        "forbidden",
    )
    .await;
    let res = app
        .post(
            "/v1/units",
            &user.token,
            &json!({"code": "99901", "name": "Mới", "full_name": "Xã Mới", "tier": "commune", "parent_id": province_id}),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;
    let me: Value = app
        .get("/v1/auth/me", &user.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        me["roles"],
        json!([{"role": "officer", "unit_id": province_id, "unit_code": PROVINCE, "tier": "province"}])
    );
}

#[tokio::test]
async fn a_granted_role_takes_effect_on_the_same_token() {
    let app = spawn_app().await;
    let root = app.root_token().await;
    let user = app.user("officer", COMMUNE).await;
    let commune_id = app.unit_id(COMMUNE).await;
    assert_problem(
        app.get("/v1/audit-events", &user.token).await,
        403,
        "forbidden",
    )
    .await;

    let res = app
        .put(
            &format!("/v1/users/{}/roles", user.id),
            &root,
            &json!({"roles": [{"role": "officer", "unit_id": commune_id}, {"role": "auditor", "unit_id": commune_id}]}),
        )
        .await;
    assert_eq!(res.status(), 200);

    assert_eq!(app.get("/v1/audit-events", &user.token).await.status(), 200);
}
