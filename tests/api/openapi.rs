//! The checked-in OpenAPI document is exactly what the code generates, and a valid, useful one:
//! one operationId per operation, a description on every response, examples for every
//! creation, and the `code`s each problem response can carry.

use serde_json::Value;

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

// ---------------------------------------------------------------- a valid, useful document
// These read the checked-in document (the one CI validates and schemathesis fuzzes from); the
// test above keeps it equal to the generated one.

fn checked_in() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `(method, path, operation)` of every operation.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if op.get("responses").is_some() {
                ops.push((method.to_uppercase(), path.clone(), op.clone()));
            }
        }
    }
    ops
}

#[test]
fn every_operation_has_its_own_descriptive_operation_id() {
    let doc = checked_in();
    let mut seen = std::collections::HashMap::new();
    for (method, path, op) in operations(&doc) {
        let id = op["operationId"].as_str().unwrap_or_default().to_owned();
        assert!(
            !id.is_empty()
                && id.chars().next().unwrap().is_ascii_lowercase()
                && id.chars().all(|c| c.is_ascii_alphanumeric())
                && id.chars().any(|c| c.is_ascii_uppercase()),
            "{method} {path}: operationId {id:?} is not a verb and a noun in camelCase"
        );
        if let Some(other) = seen.insert(id.clone(), format!("{method} {path}")) {
            panic!("operationId {id} is used by {other} and {method} {path}");
        }
    }
}

#[test]
fn every_response_has_a_description() {
    let doc = checked_in();
    for (method, path, op) in operations(&doc) {
        for (status, response) in op["responses"].as_object().unwrap() {
            let description = response["description"].as_str().unwrap_or_default();
            assert!(
                !description.trim().is_empty(),
                "{method} {path} {status} has no description"
            );
        }
    }
}

#[test]
fn every_operation_that_creates_has_a_request_and_a_response_example() {
    let doc = checked_in();
    let mut creating = 0;
    for (method, path, op) in operations(&doc) {
        let Some(created) = op["responses"].get("201") else {
            continue;
        };
        creating += 1;
        for (media_type, content) in created["content"].as_object().unwrap() {
            assert!(
                content["example"].is_object(),
                "{method} {path}: the 201 {media_type} has no example"
            );
        }
        if let Some(body) = op.get("requestBody") {
            for (media_type, content) in body["content"].as_object().unwrap() {
                assert!(
                    !content["example"].is_null(),
                    "{method} {path}: the {media_type} request body has no example"
                );
            }
        }
    }
    assert!(creating >= 19, "only {creating} operations answer 201");
}

/// The codes of a problem response's schema (`allOf: [Problem, {properties: {code: {enum}}}]`).
fn code_enum(schema: &Value) -> Vec<String> {
    schema["allOf"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["properties"]["code"]["enum"].as_array())
        .flatten()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_problem_response_names_the_codes_it_carries() {
    use doanket::openapi::problems::ALL;
    let status_of = |code: &str| {
        ALL.iter()
            .find(|c| c.as_str() == code)
            .unwrap_or_else(|| panic!("`{code}` is no code of error.rs"))
            .status()
            .as_u16()
    };
    let doc = checked_in();
    for (method, path, op) in operations(&doc) {
        for (status, response) in op["responses"].as_object().unwrap() {
            if !(status.starts_with('4') || status.starts_with('5')) {
                continue;
            }
            let at = format!("{method} {path} {status}");
            let schema = &response["content"]["application/problem+json"]["schema"];
            assert!(schema.is_object(), "{at} is not a problem document");
            let codes = code_enum(schema);
            assert!(!codes.is_empty(), "{at} has no `code` enum");
            for code in &codes {
                let s = status_of(code).to_string();
                let fits = if status.ends_with("XX") {
                    s.starts_with(&status[..1])
                } else {
                    &s == status
                };
                assert!(fits, "{at} lists `{code}`, a {s}");
            }
            // a code the description names by hand must be in the enum
            let description = response["description"].as_str().unwrap();
            for named in description.split('`').skip(1).step_by(2) {
                if ALL.iter().any(|c| c.as_str() == named) {
                    assert!(
                        codes.iter().any(|c| c == named),
                        "{at} names `{named}` but its enum has {codes:?}"
                    );
                }
            }
        }
    }
}

/// Every operation has its line in the table of the codes it answers, and the table names
/// no operation the document lacks.
#[test]
fn the_table_of_codes_covers_exactly_the_operations() {
    use doanket::openapi::problems::OPERATIONS;
    let doc: Value = serde_json::from_str(&doanket::openapi::to_pretty_json()).unwrap();
    let ids: std::collections::BTreeSet<String> = operations(&doc)
        .into_iter()
        .map(|(_, _, op)| op["operationId"].as_str().unwrap().to_owned())
        .collect();
    let listed: std::collections::BTreeSet<String> =
        OPERATIONS.iter().map(|(id, _)| id.to_string()).collect();
    let missing: Vec<_> = ids.difference(&listed).collect();
    let extra: Vec<_> = listed.difference(&ids).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "not in openapi::problems::OPERATIONS: {missing:?}; listed but not in the document: {extra:?}"
    );
}
