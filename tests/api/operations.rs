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
    app.sql()
        .await
        .batch_execute("DELETE FROM __diesel_schema_migrations")
        .await
        .unwrap();
    let res = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 503);
}

#[tokio::test]
async fn every_response_carries_a_request_id_echoed_when_given() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/healthz"))
        .header("X-Request-Id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "abc-123");
    let res = app.client.get(app.url("/v1/nowhere")).send().await.unwrap();
    assert!(!res.headers()["x-request-id"].is_empty());
    // a hostile id is replaced, not echoed
    let res = app
        .client
        .get(app.url("/healthz"))
        .header("X-Request-Id", "a b\tc")
        .send()
        .await
        .unwrap();
    assert_ne!(res.headers()["x-request-id"], "a b\tc");
}

#[tokio::test]
async fn metrics_count_requests_and_show_the_pool() {
    let app = spawn_app().await;
    app.client.get(app.url("/healthz")).send().await.unwrap();
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("doanket_http_requests_total"), "{text}");
    assert!(text.contains("doanket_http_requests_duration_seconds_bucket"));
    assert!(text.contains("doanket_db_pool_connections{pool=\"write\",state=\"max\"} 8"));
}

#[tokio::test]
async fn docs_are_served_offline() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(res.status(), 302);
    let html = app
        .client
        .get(app.url("/docs/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("swagger"), "{html}");
    assert!(
        !html.contains("https://"),
        "no CDN: every asset comes from the service"
    );
    let js = app
        .client
        .get(app.url("/docs/swagger-ui-bundle.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(js.status(), 200);
    let spec = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(spec.status(), 200);
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.cors_allowed_origins = vec!["https://app.example".into()]
    })
    .await;
    let allowed = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/v1/auth/me"))
        .header("Origin", "https://app.example")
        .header("Access-Control-Request-Method", "GET")
        .send()
        .await
        .unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://app.example"
    );
    let denied = app
        .client
        .get(app.url("/healthz"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(denied
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}

/// The real binary: `serve` migrates, answers, and on SIGTERM drains and exits cleanly.
#[tokio::test]
async fn serve_stops_gracefully_on_sigterm() {
    let app = spawn_app().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_doanket"))
        .arg("serve")
        .env("DATABASE_URL", &app.db_url)
        .env("DOANKET_BIND", format!("127.0.0.1:{port}"))
        .env("DOANKET_LOG_FORMAT", "json")
        .env("DOANKET_WORKERS", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}/readyz");
    let mut ready = false;
    for _ in 0..100 {
        if let Ok(res) = app.client.get(&url).send().await {
            if res.status() == 200 {
                ready = true;
                break;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(ready, "the binary serves /readyz");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = std::time::Instant::now();
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "stops within 20 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(exit.success(), "exit status {exit:?}");
    let mut logs = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut logs).unwrap();
    assert!(logs.contains("\"message\":\"stopped\""), "{logs}");
    // JSON lines: every line parses
    assert!(
        logs.lines()
            .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()),
        "{logs}"
    );
}
