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

/// A `$ref` to a schema the document does not define breaks every client generator (and
/// schemathesis): each one must resolve.
#[test]
fn every_schema_reference_resolves() {
    let doc: serde_json::Value = serde_json::from_str(&doanket::openapi::to_pretty_json()).unwrap();
    let text = doc.to_string();
    let defined = doc["components"]["schemas"].as_object().unwrap();
    let prefix = "\"#/components/schemas/";
    let mut missing: Vec<&str> = text
        .match_indices(prefix)
        .map(|(i, _)| {
            let rest = &text[i + prefix.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .filter(|name| !defined.contains_key(*name))
        .collect();
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "undefined schemas: {missing:?}");
}
