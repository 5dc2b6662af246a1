//! The checked-in OpenAPI document is exactly what the code generates.

#[test]
fn checked_in_openapi_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");
    let generated = doanket::openapi::to_pretty_json();
    if std::env::var("DOANKET_UPDATE_OPENAPI").is_ok() {
        std::fs::write(path, &generated).unwrap();
        return;
    }
    let checked_in = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "openapi/openapi.json is stale: run `cargo run -- openapi > openapi/openapi.json` \
         (or DOANKET_UPDATE_OPENAPI=1 cargo test openapi) and commit it"
    );
}

#[tokio::test]
async fn the_served_document_is_the_generated_one() {
    let app = crate::helpers::spawn_app().await;
    let served: serde_json::Value = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let generated: serde_json::Value =
        serde_json::from_str(&doanket::openapi::to_pretty_json()).unwrap();
    assert_eq!(served, generated);
    for path in [
        "/v1/auth/token",
        "/v1/units",
        "/v1/units/import",
        "/v1/users/{id}/roles",
        "/v1/audit-events",
    ] {
        assert!(served["paths"][path].is_object(), "{path} documented");
    }
}
