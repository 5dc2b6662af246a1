//! Hostile tokens and every role against the endpoints outside its rights (`quality.md` R5).
//!
//! The server here signs with a key the test also holds, so a forged token can be correct in
//! every respect but the one under test (an expiry, an issuer, a missing `kid`): each rejection
//! is then for that reason alone, not because the signature happened not to match. A control test
//! shows such a token is accepted when nothing is wrong with it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use doanket::auth::claims::{Claims, RoleClaim, AUDIENCE};
use doanket::auth::KeySet;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::EncodePrivateKey;
use ed25519_dalek::SigningKey;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::{Method, Response};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    assert_problem, spawn_app, spawn_app_with, TestApp, TestUser, COMMUNE, PROVINCE, ROOT_USERNAME,
};

const SERVER_SEED: [u8; 32] = [42; 32];
const FOREIGN_SEED: [u8; 32] = [7; 32];

fn pem(seed: &[u8; 32]) -> String {
    SigningKey::from_bytes(seed)
        .to_pkcs8_pem(LineEnding::LF)
        .unwrap()
        .to_string()
}

fn ed_key(seed: &[u8; 32]) -> EncodingKey {
    EncodingKey::from_ed_der(
        SigningKey::from_bytes(seed)
            .to_pkcs8_der()
            .unwrap()
            .as_bytes(),
    )
}

/// A server signing with `SERVER_SEED`, the same key as a `KeySet` in the test's hands, and an
/// officer to impersonate.
struct Fixture {
    app: TestApp,
    server_keys: KeySet,
    kid: String,
    /// The public key as published: `x` of the JWK.
    x: String,
    officer: TestUser,
}

async fn fixture() -> Fixture {
    let app = spawn_app_with(|s| s.jwt.private_keys_pem = vec![pem(&SERVER_SEED)]).await;
    let server_keys = KeySet::from_pems("doanket", &[pem(&SERVER_SEED)]).unwrap();
    let jwks: Value = app
        .client
        .get(app.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kid = jwks["keys"][0]["kid"].as_str().unwrap().to_owned();
    let x = jwks["keys"][0]["x"].as_str().unwrap().to_owned();
    assert_eq!(
        kid,
        server_keys.jwks().keys[0].kid,
        "the test holds the server's key"
    );
    let officer = app.user("officer", COMMUNE).await;
    Fixture {
        app,
        server_keys,
        kid,
        x,
        officer,
    }
}

/// Claims that are right in every respect for `sub`.
fn good_claims(sub: Uuid) -> Claims {
    let now = chrono::Utc::now().timestamp();
    Claims {
        iss: "doanket".to_owned(),
        aud: AUDIENCE.to_owned(),
        sub,
        iat: now,
        nbf: now,
        exp: now + 900,
        jti: Uuid::now_v7(),
        roles: vec![],
    }
}

fn b64_json(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
}

async fn with_authorization(app: &TestApp, path: &str, authorization: &str) -> Response {
    app.client
        .get(app.url(path))
        .header("Authorization", authorization)
        .send()
        .await
        .unwrap()
}

/// The token is refused on `/v1/auth/me` and `/v1/units` with 401, `WWW-Authenticate: Bearer`
/// and the `unauthenticated` problem.
async fn assert_rejected_header(app: &TestApp, authorization: &str) {
    for path in ["/v1/auth/me", "/v1/units"] {
        let res = with_authorization(app, path, authorization).await;
        assert_eq!(
            res.headers()
                .get("www-authenticate")
                .map(|v| v.to_str().unwrap()),
            Some("Bearer"),
            "{path} with {authorization:?}"
        );
        let body = assert_problem(res, 401, "unauthenticated").await;
        assert!(
            body.get("items").is_none() && body.get("id").is_none(),
            "{body}"
        );
    }
}

async fn assert_rejected(app: &TestApp, token: &str) {
    assert_rejected_header(app, &format!("Bearer {token}")).await;
}

// ---------------------------------------------------------------- control

#[tokio::test]
async fn a_token_signed_with_the_servers_key_and_right_claims_is_accepted() {
    let f = fixture().await;
    let token = f.server_keys.sign(&good_claims(f.officer.id)).unwrap();

    let res = f.app.get("/v1/auth/me", &token).await;

    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().await.unwrap()["id"],
        f.officer.id.to_string()
    );
}

#[tokio::test]
async fn a_token_expired_less_than_the_leeway_ago_is_still_accepted() {
    let f = fixture().await;
    let now = chrono::Utc::now().timestamp();
    let claims = Claims {
        iat: now - 905,
        nbf: now - 905,
        exp: now - 5,
        ..good_claims(f.officer.id)
    };

    let res = f
        .app
        .get("/v1/auth/me", &f.server_keys.sign(&claims).unwrap())
        .await;

    assert_eq!(res.status(), 200);
}

// ---------------------------------------------------------------- time claims

#[tokio::test]
async fn an_expired_token_is_rejected() {
    let f = fixture().await;
    let now = chrono::Utc::now().timestamp();
    let claims = Claims {
        iat: now - 1500,
        nbf: now - 1500,
        exp: now - 600,
        ..good_claims(f.officer.id)
    };

    assert_rejected(&f.app, &f.server_keys.sign(&claims).unwrap()).await;
}

#[tokio::test]
async fn a_token_not_yet_valid_is_rejected() {
    let f = fixture().await;
    let now = chrono::Utc::now().timestamp();
    let claims = Claims {
        nbf: now + 600,
        exp: now + 1500,
        ..good_claims(f.officer.id)
    };

    assert_rejected(&f.app, &f.server_keys.sign(&claims).unwrap()).await;
}

#[tokio::test]
async fn a_token_issued_in_the_future_is_rejected() {
    let f = fixture().await;
    let now = chrono::Utc::now().timestamp();
    let claims = Claims {
        iat: now + 86_400,
        ..good_claims(f.officer.id)
    };

    assert_rejected(&f.app, &f.server_keys.sign(&claims).unwrap()).await;
}

// ---------------------------------------------------------------- keys and algorithms

#[tokio::test]
async fn a_token_signed_by_another_key_with_its_own_kid_is_rejected() {
    let f = fixture().await;
    let other = KeySet::from_pems("doanket", &[]).unwrap();
    assert_ne!(other.jwks().keys[0].kid, f.kid);

    assert_rejected(&f.app, &other.sign(&good_claims(f.officer.id)).unwrap()).await;
}

#[tokio::test]
async fn a_token_signed_by_another_key_under_the_servers_kid_is_rejected() {
    let f = fixture().await;
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(f.kid.clone());

    let token =
        jsonwebtoken::encode(&header, &good_claims(f.officer.id), &ed_key(&FOREIGN_SEED)).unwrap();

    assert_rejected(&f.app, &token).await;
}

#[tokio::test]
async fn a_token_without_a_kid_is_rejected_even_when_signed_by_the_servers_key() {
    let f = fixture().await;
    let header = Header::new(Algorithm::EdDSA);
    assert!(header.kid.is_none());

    let token =
        jsonwebtoken::encode(&header, &good_claims(f.officer.id), &ed_key(&SERVER_SEED)).unwrap();

    assert_rejected(&f.app, &token).await;
}

#[tokio::test]
async fn an_unsigned_alg_none_token_is_rejected_with_or_without_the_trailing_dot() {
    let f = fixture().await;
    let header = b64_json(&json!({"alg": "none", "typ": "JWT", "kid": f.kid}));
    let payload = b64_json(&serde_json::to_value(good_claims(f.officer.id)).unwrap());
    let lower_none = b64_json(&json!({"alg": "None", "typ": "JWT", "kid": f.kid}));

    for token in [
        format!("{header}.{payload}."),
        format!("{header}.{payload}"),
        format!("{lower_none}.{payload}."),
    ] {
        assert_rejected(&f.app, &token).await;
    }
}

#[tokio::test]
async fn an_hs256_token_keyed_with_the_public_key_bytes_is_rejected() {
    let f = fixture().await;
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(f.kid.clone());
    let public_key = URL_SAFE_NO_PAD.decode(&f.x).unwrap();
    assert_eq!(public_key.len(), 32);

    let token = jsonwebtoken::encode(
        &header,
        &good_claims(f.officer.id),
        &EncodingKey::from_secret(&public_key),
    )
    .unwrap();

    assert_rejected(&f.app, &token).await;
}

#[tokio::test]
async fn an_hs256_token_keyed_with_the_published_x_string_is_rejected() {
    let f = fixture().await;
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(f.kid.clone());

    let token = jsonwebtoken::encode(
        &header,
        &good_claims(f.officer.id),
        &EncodingKey::from_secret(f.x.as_bytes()),
    )
    .unwrap();

    assert_rejected(&f.app, &token).await;
}

// ---------------------------------------------------------------- tampering

/// Replaces the payload of a real server-issued token, keeping its header and signature.
fn tamper(token: &str, change: impl FnOnce(&mut Value)) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let mut payload: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    change(&mut payload);
    format!("{}.{}.{}", parts[0], b64_json(&payload), parts[2])
}

#[tokio::test]
async fn a_token_with_roles_changed_after_signing_is_rejected() {
    let f = fixture().await;
    let tw = f.app.unit_id("TW").await;

    let token = tamper(&f.officer.token, |claims| {
        claims["roles"] = json!([RoleClaim {
            role: "admin".into(),
            unit: tw,
            tier: "central".into()
        }]);
    });

    assert_rejected(&f.app, &token).await;
}

#[tokio::test]
async fn a_token_with_the_subject_changed_after_signing_is_rejected() {
    let f = fixture().await;
    let row = f
        .app
        .sql()
        .await
        .query_one(
            "SELECT id FROM users WHERE username = $1",
            &[&ROOT_USERNAME],
        )
        .await
        .unwrap();
    let root_id: Uuid = row.get(0);

    let token = tamper(&f.officer.token, |claims| claims["sub"] = json!(root_id));

    assert_rejected(&f.app, &token).await;
}

#[tokio::test]
async fn a_token_with_its_expiry_extended_after_signing_is_rejected() {
    let f = fixture().await;

    let token = tamper(&f.officer.token, |claims| {
        claims["exp"] = json!(claims["exp"].as_i64().unwrap() + 86_400 * 365);
    });

    assert_rejected(&f.app, &token).await;
}

#[tokio::test]
async fn a_token_with_a_flipped_signature_byte_is_rejected() {
    let f = fixture().await;
    let (rest, signature) = f.officer.token.rsplit_once('.').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
    bytes[0] ^= 1;

    assert_rejected(&f.app, &format!("{rest}.{}", URL_SAFE_NO_PAD.encode(bytes))).await;
}

// ---------------------------------------------------------------- issuer and audience

#[tokio::test]
async fn a_token_of_another_issuer_is_rejected() {
    let f = fixture().await;
    let claims = Claims {
        iss: "someone-else".into(),
        ..good_claims(f.officer.id)
    };

    assert_rejected(&f.app, &f.server_keys.sign(&claims).unwrap()).await;
}

#[tokio::test]
async fn a_token_for_another_audience_is_rejected() {
    let f = fixture().await;
    let claims = Claims {
        aud: "another-service".into(),
        ..good_claims(f.officer.id)
    };

    assert_rejected(&f.app, &f.server_keys.sign(&claims).unwrap()).await;
}

#[tokio::test]
async fn a_token_without_required_claims_is_rejected() {
    let f = fixture().await;
    let now = chrono::Utc::now().timestamp();
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(f.kid.clone());

    // no `exp`: a token that would never expire
    let claims = json!({"iss": "doanket", "aud": "doanket", "sub": f.officer.id, "iat": now, "nbf": now,
                        "jti": Uuid::now_v7(), "roles": []});
    let token = jsonwebtoken::encode(&header, &claims, &ed_key(&SERVER_SEED)).unwrap();

    assert_rejected(&f.app, &token).await;
}

#[tokio::test]
async fn a_token_for_a_user_that_does_not_exist_is_rejected() {
    let f = fixture().await;

    assert_rejected(
        &f.app,
        &f.server_keys.sign(&good_claims(Uuid::now_v7())).unwrap(),
    )
    .await;
}

// ---------------------------------------------------------------- garbage and schemes

#[tokio::test]
async fn garbage_tokens_are_rejected() {
    let app = spawn_app().await;
    let long = "a".repeat(4000);
    let garbage = [
        "",
        "x",
        "not-a-jwt",
        "a.b.c",
        "..",
        "a.b.c.d.e",
        "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0.AAAA",
        "%%%.%%%.%%%",
        "null",
        long.as_str(),
    ];

    for token in garbage {
        assert_rejected(&app, token).await;
    }
}

#[tokio::test]
async fn a_valid_token_under_the_basic_scheme_or_no_scheme_is_rejected() {
    let app = spawn_app().await;
    let user = app.user("officer", COMMUNE).await;

    assert_rejected_header(&app, &format!("Basic {}", user.token)).await;
    assert_rejected_header(&app, &user.token).await;
    assert_rejected_header(&app, "Bearer").await;
    assert_rejected_header(&app, &format!("Token {}", user.token)).await;
}

#[tokio::test]
async fn a_user_stripped_of_every_role_still_authenticates_but_sees_nothing() {
    let app = spawn_app().await;
    let user = app.user("auditor", PROVINCE).await;
    let before: Value = app
        .get("/v1/units", &user.token)
        .await
        .json()
        .await
        .unwrap();
    assert!(!before["items"].as_array().unwrap().is_empty());

    app.sql()
        .await
        .execute(
            "DELETE FROM role_assignments WHERE user_id = $1",
            &[&user.id],
        )
        .await
        .unwrap();

    let res = app.get("/v1/units", &user.token).await;
    assert_eq!(res.status(), 200);
    let after: Value = res.json().await.unwrap();
    assert_eq!(after["items"], json!([]));
    assert_eq!(after["next_cursor"], Value::Null);
    let me: Value = app
        .get("/v1/auth/me", &user.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["roles"], json!([]));
    let users: Value = app
        .get("/v1/users", &user.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(users["items"], json!([]));
    let province = app.unit_id(PROVINCE).await;
    assert_problem(
        app.get(&format!("/v1/units/{province}"), &user.token).await,
        404,
        "not_found",
    )
    .await;
}

// ---------------------------------------------------------------- every role outside its rights

/// Tries every admin-only write as `caller` (who holds some non-admin role at the province, so
/// every target is inside their scope) and checks each is 403 and changed nothing.
async fn assert_refused_admin_writes(app: &TestApp, caller: &TestUser) {
    let province = app.unit_id(PROVINCE).await;
    let commune = app.unit_id(COMMUNE).await;
    let target = app.user("officer", COMMUNE).await;

    let res = app
        .post(
            "/v1/units",
            &caller.token,
            &json!({"code": "99901", "name": "Mới", "full_name": "Xã Mới", "tier": "commune", "parent_id": province}),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;

    let res = app
        .post(
            "/v1/users",
            &caller.token,
            &json!({"username": "new.officer", "password": "a-long-enough-password", "full_name": "Nguyễn Văn A",
                    "roles": [{"role": "officer", "unit_id": commune}]}),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;

    let res = app
        .put(
            &format!("/v1/users/{}/roles", target.id),
            &caller.token,
            &json!({"roles": [{"role": "admin", "unit_id": commune}]}),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;

    let res = app
        .post(
            &format!("/v1/users/{}/disable", target.id),
            &caller.token,
            &json!({}),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;

    let res = app
        .client
        .post(app.url("/v1/units/import"))
        .bearer_auth(&caller.token)
        .header("Content-Type", "text/csv")
        .body("code,parent_code,tier,name,full_name,kind\n99,,province,Mới,Tỉnh Mới,Tỉnh\n")
        .send()
        .await
        .unwrap();
    assert_problem(res, 403, "forbidden").await;

    let db = app.sql().await;
    let row = db
        .query_one(
            "SELECT (SELECT count(*) FROM units WHERE code IN ('99901', '99')), \
                    (SELECT count(*) FROM users WHERE username = 'new.officer'), \
                    (SELECT count(*) FROM users WHERE id = $1 AND disabled_at IS NULL), \
                    (SELECT array_agg(role) FROM role_assignments WHERE user_id = $1)",
            &[&target.id],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 0, "no unit created");
    assert_eq!(row.get::<_, i64>(1), 0, "no user created");
    assert_eq!(row.get::<_, i64>(2), 1, "target still enabled");
    assert_eq!(
        row.get::<_, Vec<String>>(3),
        ["officer"],
        "target's roles unchanged"
    );
}

#[tokio::test]
async fn an_officer_is_refused_every_admin_write() {
    let app = spawn_app().await;
    let caller = app.user("officer", PROVINCE).await;
    assert_refused_admin_writes(&app, &caller).await;
}

#[tokio::test]
async fn an_approver_is_refused_every_admin_write() {
    let app = spawn_app().await;
    let caller = app.user("approver", PROVINCE).await;
    assert_refused_admin_writes(&app, &caller).await;
}

#[tokio::test]
async fn an_accountant_is_refused_every_admin_write() {
    let app = spawn_app().await;
    let caller = app.user("accountant", PROVINCE).await;
    assert_refused_admin_writes(&app, &caller).await;
}

#[tokio::test]
async fn an_auditor_is_refused_every_admin_write() {
    let app = spawn_app().await;
    let caller = app.user("auditor", PROVINCE).await;
    assert_refused_admin_writes(&app, &caller).await;
}

#[tokio::test]
async fn a_user_holding_every_non_admin_role_is_still_refused_every_admin_write() {
    let app = spawn_app().await;
    let caller = app
        .user_with_roles(&[
            ("officer", PROVINCE),
            ("approver", PROVINCE),
            ("accountant", PROVINCE),
            ("auditor", PROVINCE),
        ])
        .await;
    assert_refused_admin_writes(&app, &caller).await;
}

#[tokio::test]
async fn officers_approvers_and_accountants_cannot_read_the_audit_trail() {
    let app = spawn_app().await;

    for role in ["officer", "approver", "accountant"] {
        let caller = app.user(role, PROVINCE).await;
        let res = app.get("/v1/audit-events", &caller.token).await;
        let body = assert_problem(res, 403, "forbidden").await;
        assert!(body.get("items").is_none(), "{role}: {body}");
    }
}

#[tokio::test]
async fn auditors_and_admins_read_the_audit_trail() {
    let app = spawn_app().await;

    for role in ["auditor", "admin"] {
        let caller = app.user(role, PROVINCE).await;
        let res = app.get("/v1/audit-events", &caller.token).await;
        assert_eq!(res.status(), 200, "{role}");
        let body: Value = res.json().await.unwrap();
        assert!(body["items"].is_array(), "{role}: {body}");
    }
    let root = app.root_token().await;
    assert_eq!(app.get("/v1/audit-events", &root).await.status(), 200);
}

#[tokio::test]
async fn an_admin_of_one_commune_cannot_administer_its_sibling() {
    let app = spawn_app().await;
    let admin = app.user("admin", COMMUNE).await;
    let sibling_officer = app.user("officer", crate::helpers::SIBLING_COMMUNE).await;

    let res = app
        .post(
            &format!("/v1/users/{}/disable", sibling_officer.id),
            &admin.token,
            &json!({}),
        )
        .await;

    assert_problem(res, 404, "not_found").await;
    let res = app
        .request(
            Method::GET,
            &format!("/v1/users/{}", sibling_officer.id),
            Some(&admin.token),
            None,
        )
        .await;
    assert_problem(res, 404, "not_found").await;
}
