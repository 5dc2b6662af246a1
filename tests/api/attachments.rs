//! Attachments (api.md "Great Unity houses", security.md "Input limits"): multipart upload of
//! JPEG, PNG and PDF up to 10 MiB, typed by magic bytes, stored once per content under the
//! configured directory, streamed back within the reader's scope, and never a 500 for bad input.

use std::path::{Path, PathBuf};

use reqwest::multipart::{Form, Part};
use reqwest::Response;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::helpers::{assert_problem, spawn_app_with, TestApp, COMMUNE, PROVINCE, SIBLING_COMMUNE};

const MIB: usize = 1024 * 1024;

/// The first bytes of a JPEG (SOI + APP0 "JFIF") and a little more.
fn jpeg() -> Vec<u8> {
    let mut b = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00,
    ];
    b.extend_from_slice(b"a photo of the new roof");
    b.extend_from_slice(&[0xFF, 0xD9]);
    b
}

fn png() -> Vec<u8> {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    b.extend_from_slice(b"\0\0\0\rIHDR signed minutes");
    b
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.7\n% bien ban nghiem thu\n%%EOF\n".to_vec()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// An app whose attachments go to a directory of the test's own.
async fn app_with_store() -> (TestApp, PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "doanket-attachments-test-{}",
        Uuid::new_v4().simple()
    ));
    let store = dir.clone();
    let app = spawn_app_with(move |s| s.attachments_dir = store).await;
    (app, dir)
}

/// Every file under `dir` (none when it does not exist).
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn form(bytes: Vec<u8>, filename: &str, mime: &str, unit_id: Uuid) -> Form {
    Form::new()
        .part(
            "file",
            Part::bytes(bytes)
                .file_name(filename.to_owned())
                .mime_str(mime)
                .unwrap(),
        )
        .text("unit_id", unit_id.to_string())
}

async fn send(app: &TestApp, token: Option<&str>, form: Form) -> Response {
    let mut req = app.client.post(app.url("/v1/attachments")).multipart(form);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    req.send().await.expect("request sent")
}

/// Uploads `bytes` as `filename` to `unit_code` and returns the 201 body.
async fn upload(app: &TestApp, token: &str, unit_code: &str, bytes: Vec<u8>) -> Value {
    let unit_id = app.unit_id(unit_code).await;
    let res = send(
        app,
        Some(token),
        form(bytes, "photo.jpg", "image/jpeg", unit_id),
    )
    .await;
    assert_eq!(res.status(), 201, "upload accepted");
    res.json().await.unwrap()
}

async fn attachment_count(app: &TestApp) -> i64 {
    app.sql()
        .await
        .query_one("SELECT count(*) FROM attachments", &[])
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn a_jpeg_upload_is_recorded_with_its_digest_size_and_sniffed_type() {
    let (app, _) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    let bytes = jpeg();

    // the part claims another type; the bytes decide
    let res = send(
        &app,
        Some(&officer.token),
        form(
            bytes.clone(),
            "nhà mới.jpg",
            "application/octet-stream",
            unit_id,
        ),
    )
    .await;

    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        location,
        format!("/v1/attachments/{}", body["id"].as_str().unwrap())
    );
    assert_eq!(body["sha256"], sha256_hex(&bytes));
    assert_eq!(body["size"], bytes.len());
    assert_eq!(body["content_type"], "image/jpeg");
    assert_eq!(body["unit_id"], unit_id.to_string());
    assert_eq!(body["filename"], "nhà mới.jpg");
    assert!(body["uploaded_at"].is_string());
}

#[tokio::test]
async fn the_download_streams_exactly_the_bytes_with_safe_headers() {
    let (app, _) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;
    let bytes = jpeg();
    let uploaded = upload(&app, &officer.token, COMMUNE, bytes.clone()).await;
    let id = uploaded["id"].as_str().unwrap();

    let res = app
        .get(&format!("/v1/attachments/{id}"), &officer.token)
        .await;

    assert_eq!(res.status(), 200);
    let header = |name: &str| res.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(header("content-type"), "image/jpeg");
    assert_eq!(header("content-length"), bytes.len().to_string());
    assert_eq!(
        header("content-disposition"),
        format!("inline; filename=\"{id}.jpg\"")
    );
    assert_eq!(header("etag"), format!("\"{}\"", sha256_hex(&bytes)));
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("cache-control"), "private");
    assert_eq!(res.bytes().await.unwrap().to_vec(), bytes);
}

#[tokio::test]
async fn a_matching_etag_answers_not_modified() {
    let (app, _) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;
    let uploaded = upload(&app, &officer.token, COMMUNE, pdf()).await;

    let res = app
        .client
        .get(app.url(&format!(
            "/v1/attachments/{}",
            uploaded["id"].as_str().unwrap()
        )))
        .bearer_auth(&officer.token)
        .header(
            "If-None-Match",
            format!("\"{}\"", uploaded["sha256"].as_str().unwrap()),
        )
        .send()
        .await
        .unwrap();

    assert_eq!(res.status(), 304);
}

#[tokio::test]
async fn text_named_like_a_photo_is_refused_and_leaves_no_trace() {
    let (app, dir) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;

    let res = send(
        &app,
        Some(&officer.token),
        form(
            b"just some text, not a photo".to_vec(),
            "photo.jpg",
            "image/jpeg",
            unit_id,
        ),
    )
    .await;

    assert_problem(res, 415, "unsupported_media_type").await;
    assert_eq!(attachment_count(&app).await, 0);
    // the temporary file is removed on the blocking pool, just after the response
    for _ in 0..50 {
        if files_under(&dir).is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(files_under(&dir), Vec::<PathBuf>::new());
}

#[tokio::test]
async fn png_and_pdf_are_accepted_with_their_types() {
    let (app, _) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;

    let png = upload(&app, &officer.token, COMMUNE, png()).await;
    let pdf = upload(&app, &officer.token, COMMUNE, pdf()).await;

    assert_eq!(png["content_type"], "image/png");
    assert_eq!(pdf["content_type"], "application/pdf");
    let res = app
        .get(
            &format!("/v1/attachments/{}", pdf["id"].as_str().unwrap()),
            &officer.token,
        )
        .await;
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .ends_with(".pdf\""));
}

#[tokio::test]
async fn a_file_of_exactly_10_mib_is_accepted() {
    let (app, _) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;
    let mut bytes = pdf();
    bytes.resize(10 * MIB, b' ');

    let body = upload(&app, &officer.token, COMMUNE, bytes.clone()).await;

    assert_eq!(body["size"], 10 * MIB);
    assert_eq!(body["sha256"], sha256_hex(&bytes));
}

#[tokio::test]
async fn a_file_over_10_mib_is_too_large() {
    let (app, _) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    let mut bytes = pdf();
    bytes.resize(10 * MIB + 1, b' ');

    let res = send(
        &app,
        Some(&officer.token),
        form(bytes, "big.pdf", "application/pdf", unit_id),
    )
    .await;

    assert_problem(res, 413, "payload_too_large").await;
    assert_eq!(attachment_count(&app).await, 0);
}

#[tokio::test]
async fn a_body_far_over_the_limit_is_refused_by_its_length() {
    let (app, _) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    let mut bytes = jpeg();
    bytes.resize(12 * MIB, 0);

    let res = send(
        &app,
        Some(&officer.token),
        form(bytes, "big.jpg", "image/jpeg", unit_id),
    )
    .await;

    assert_problem(res, 413, "payload_too_large").await;
}

#[tokio::test]
async fn a_chunked_upload_without_a_length_is_cut_off_at_the_limit_and_leaves_nothing() {
    let (app, store) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    // 12 MiB of JPEG in 64 KiB chunks; the sender cannot say the size up front
    let mut first = jpeg();
    first.resize(64 * 1024, 0);
    let chunks = std::iter::once(first)
        .chain(std::iter::repeat_n(vec![0u8; 64 * 1024], 12 * 16 - 1))
        .map(Ok::<_, std::io::Error>);
    let part = Part::stream(reqwest::Body::wrap_stream(futures_util::stream::iter(
        chunks,
    )))
    .file_name("big.jpg")
    .mime_str("image/jpeg")
    .unwrap();
    let form = Form::new()
        .text("unit_id", unit_id.to_string())
        .part("file", part);

    let res = send(&app, Some(&officer.token), form).await;

    assert_problem(res, 413, "payload_too_large").await;
    assert_eq!(attachment_count(&app).await, 0);
    assert_eq!(files_under(&store), Vec::<PathBuf>::new(), "no file kept");
}

#[tokio::test]
async fn a_sibling_communes_officer_cannot_see_it() {
    let (app, _) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;
    let sibling = app.user("officer", SIBLING_COMMUNE).await;
    let uploaded = upload(&app, &officer.token, COMMUNE, jpeg()).await;

    let res = app
        .get(
            &format!("/v1/attachments/{}", uploaded["id"].as_str().unwrap()),
            &sibling.token,
        )
        .await;

    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn a_province_officer_above_can_download_it() {
    let (app, _) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;
    let province = app.user("officer", PROVINCE).await;
    let bytes = png();
    let uploaded = upload(&app, &officer.token, COMMUNE, bytes.clone()).await;

    let res = app
        .get(
            &format!("/v1/attachments/{}", uploaded["id"].as_str().unwrap()),
            &province.token,
        )
        .await;

    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().to_vec(), bytes);
}

#[tokio::test]
async fn an_unknown_id_is_not_found() {
    let (app, _) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;

    let res = app
        .get(
            &format!("/v1/attachments/{}", Uuid::now_v7()),
            &officer.token,
        )
        .await;

    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn a_file_lost_from_disk_is_not_found_rather_than_an_error() {
    let (app, dir) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;
    let uploaded = upload(&app, &officer.token, COMMUNE, jpeg()).await;
    std::fs::remove_dir_all(&dir).unwrap();

    let res = app
        .get(
            &format!("/v1/attachments/{}", uploaded["id"].as_str().unwrap()),
            &officer.token,
        )
        .await;

    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn an_upload_without_a_file_part_names_the_field() {
    let (app, _) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;

    let res = send(
        &app,
        Some(&officer.token),
        Form::new().text("unit_id", unit_id.to_string()),
    )
    .await;

    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "file");
}

#[tokio::test]
async fn a_missing_or_malformed_unit_id_names_the_field() {
    let (app, _) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;
    let file = || Part::bytes(jpeg()).file_name("a.jpg");

    for form in [
        Form::new().part("file", file()),
        Form::new().part("file", file()).text("unit_id", "06001"),
    ] {
        let res = send(&app, Some(&officer.token), form).await;
        let body = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(body["errors"][0]["field"], "unit_id", "{body}");
    }
    assert_eq!(attachment_count(&app).await, 0);
}

#[tokio::test]
async fn an_empty_file_is_refused() {
    let (app, _) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;

    let res = send(
        &app,
        Some(&officer.token),
        form(Vec::new(), "a.jpg", "image/jpeg", unit_id),
    )
    .await;

    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "file");
}

#[tokio::test]
async fn unknown_or_repeated_parts_are_refused() {
    let (app, _) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;

    let extra = form(jpeg(), "a.jpg", "image/jpeg", unit_id).text("caption", "roof");
    let res = send(&app, Some(&officer.token), extra).await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "caption");

    let twice = form(jpeg(), "a.jpg", "image/jpeg", unit_id).part("file", Part::bytes(png()));
    let res = send(&app, Some(&officer.token), twice).await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "file");
    assert_eq!(attachment_count(&app).await, 0);
}

#[tokio::test]
async fn a_json_body_is_an_unsupported_media_type() {
    let (app, _) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;

    let res = app
        .post(
            "/v1/attachments",
            &officer.token,
            &json!({"unit_id": unit_id, "file": "/9j/4AAQ"}),
        )
        .await;

    assert_problem(res, 415, "unsupported_media_type").await;
}

#[tokio::test]
async fn a_malformed_multipart_body_is_a_client_error() {
    let (app, _) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;
    let bodies: [(&str, &[u8]); 4] = [
        (
            "multipart/form-data; boundary=XyZ",
            b"this is not multipart at all",
        ),
        (
            "multipart/form-data; boundary=XyZ",
            b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n\xFF\xD8\xFF truncated",
        ),
        (
            "multipart/form-data; boundary=XyZ",
            b"--XyZ\r\nno-colon-header\r\n\r\nx\r\n--XyZ--\r\n",
        ),
        ("multipart/form-data", b"--XyZ\r\n\r\n--XyZ--\r\n"),
    ];

    for (content_type, body) in bodies {
        let res = app
            .client
            .post(app.url("/v1/attachments"))
            .bearer_auth(&officer.token)
            .header("content-type", content_type)
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        assert!(
            (400..500).contains(&status),
            "{content_type} {:?} gave {status}",
            String::from_utf8_lossy(body)
        );
        assert_eq!(res.headers()["content-type"], "application/problem+json");
    }
    assert_eq!(attachment_count(&app).await, 0);
}

#[tokio::test]
async fn an_auditor_cannot_upload() {
    let (app, _) = app_with_store().await;
    let auditor = app.user("auditor", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;

    let res = send(
        &app,
        Some(&auditor.token),
        form(jpeg(), "a.jpg", "image/jpeg", unit_id),
    )
    .await;

    assert_problem(res, 403, "forbidden").await;
    assert_eq!(attachment_count(&app).await, 0);
}

#[tokio::test]
async fn an_officer_cannot_upload_to_a_sibling_commune() {
    let (app, _) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;
    let sibling_id = app.unit_id(SIBLING_COMMUNE).await;

    let res = send(
        &app,
        Some(&officer.token),
        form(jpeg(), "a.jpg", "image/jpeg", sibling_id),
    )
    .await;

    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn an_accountant_above_may_upload_to_a_commune() {
    let (app, _) = app_with_store().await;
    let accountant = app.user("accountant", PROVINCE).await;

    let body = upload(&app, &accountant.token, COMMUNE, pdf()).await;

    assert_eq!(body["unit_id"], app.unit_id(COMMUNE).await.to_string());
}

#[tokio::test]
async fn the_same_bytes_twice_are_two_attachments_and_one_file() {
    let (app, dir) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;
    let province = app.user("officer", PROVINCE).await;
    let bytes = jpeg();

    let first = upload(&app, &officer.token, COMMUNE, bytes.clone()).await;
    let second = upload(&app, &province.token, PROVINCE, bytes.clone()).await;

    assert_ne!(first["id"], second["id"]);
    assert_eq!(first["sha256"], second["sha256"]);
    assert_eq!(second["unit_id"], app.unit_id(PROVINCE).await.to_string());
    let digest = sha256_hex(&bytes);
    assert_eq!(
        files_under(&dir),
        vec![dir.join(&digest[..2]).join(&digest)]
    );
    assert_eq!(
        std::fs::read(dir.join(&digest[..2]).join(&digest)).unwrap(),
        bytes
    );
    assert_eq!(attachment_count(&app).await, 2);
}

#[tokio::test]
async fn an_upload_is_audited_without_its_filename() {
    let (app, _) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;
    let uploaded = upload(&app, &officer.token, COMMUNE, png()).await;
    let id: Uuid = uploaded["id"].as_str().unwrap().parse().unwrap();

    let row = app
        .sql()
        .await
        .query_one(
            "SELECT actor_id, changes FROM audit_events WHERE action = 'attachment.upload' AND target_id = $1",
            &[&id],
        )
        .await
        .unwrap();

    let actor: Uuid = row.get(0);
    let changes: Value = row.get(1);
    assert_eq!(actor, officer.id);
    assert_eq!(changes["sha256"], uploaded["sha256"]);
    assert_eq!(changes["size"], uploaded["size"]);
    assert_eq!(changes["content_type"], "image/png");
    assert!(!changes.to_string().contains("photo.jpg"));
}

#[tokio::test]
async fn without_a_token_nothing_is_uploaded_or_read() {
    let (app, _) = app_with_store().await;
    let officer = app.user("officer", COMMUNE).await;
    let unit_id = app.unit_id(COMMUNE).await;
    let uploaded = upload(&app, &officer.token, COMMUNE, jpeg()).await;

    let res = send(&app, None, form(jpeg(), "a.jpg", "image/jpeg", unit_id)).await;
    assert_problem(res, 401, "unauthenticated").await;

    let res = app
        .client
        .get(app.url(&format!(
            "/v1/attachments/{}",
            uploaded["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_problem(res, 401, "unauthenticated").await;
}
