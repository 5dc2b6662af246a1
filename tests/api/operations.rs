//! Health, readiness, metrics, request ids, CORS and the API browser.

use crate::helpers::spawn_app;

#[tokio::test]
async fn healthz_and_readyz_answer_ok() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let res = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn readyz_is_503_when_migrations_are_missing() {
    let app = spawn_app().await;
    app.sql().await.batch_execute("DELETE FROM __diesel_schema_migrations").await.unwrap();
    let res = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 503);
}

#[tokio::test]
async fn every_response_carries_a_request_id_echoed_when_given() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/healthz")).header("X-Request-Id", "abc-123").send().await.unwrap();
    assert_eq!(res.headers()["x-request-id"], "abc-123");
    let res = app.client.get(app.url("/v1/nowhere")).send().await.unwrap();
    assert!(!res.headers()["x-request-id"].is_empty());
    // a hostile id is replaced, not echoed
    let res = app.client.get(app.url("/healthz")).header("X-Request-Id", "a b\tc").send().await.unwrap();
    assert_ne!(res.headers()["x-request-id"], "a b\tc");
}

#[tokio::test]
async fn metrics_count_requests_and_show_the_pool() {
    let app = spawn_app().await;
    app.client.get(app.url("/healthz")).send().await.unwrap();
    let text = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(text.contains("doanket_http_requests_total"), "{text}");
    assert!(text.contains("doanket_http_requests_duration_seconds_bucket"));
    assert!(text.contains("doanket_db_pool_connections{pool=\"write\",state=\"max\"} 8"));
}

#[tokio::test]
async fn docs_are_served_offline() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(res.status(), 302);
    let html = app.client.get(app.url("/docs/")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("swagger"), "{html}");
    assert!(!html.contains("https://"), "no CDN: every asset comes from the service");
    let js = app.client.get(app.url("/docs/swagger-ui-bundle.js")).send().await.unwrap();
    assert_eq!(js.status(), 200);
    let spec = app.client.get(app.url("/openapi.json")).send().await.unwrap();
    assert_eq!(spec.status(), 200);
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app = crate::helpers::spawn_app_with(|s| s.cors_allowed_origins = vec!["https://app.example".into()]).await;
    let allowed = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/v1/auth/me"))
        .header("Origin", "https://app.example")
        .header("Access-Control-Request-Method", "GET")
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://app.example");
    let denied = app
        .client
        .get(app.url("/healthz"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(denied.headers().get("access-control-allow-origin").is_none());
}
