//! The test harness: a template database (migrated once, seeded with the central unit, Lạng Sơn
//! and a root admin), one clone per test, the app on port 0, and helpers that read like the
//! domain.

use std::net::TcpListener;
use std::sync::OnceLock;

use chrono::NaiveDate;
use doanket::config::Settings;
use doanket::domain::clock::Clock;
use doanket::startup::Application;
use reqwest::{Method, Response};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;
use tokio_postgres::NoTls;
use uuid::Uuid;

pub const ROOT_USERNAME: &str = "root";
pub const ROOT_PASSWORD: &str = "root-password-for-tests";
/// Password of every user made with `TestApp::user`.
pub const USER_PASSWORD: &str = "user-password-for-tests";
/// Lạng Sơn and two of its communes (2026 list): Đoàn Kết and its sibling Quốc Khánh.
pub const PROVINCE: &str = "20";
pub const COMMUNE: &str = "06001";
pub const SIBLING_COMMUNE: &str = "06004";

/// The service's clock in every test app: the system clock, or noon (local time) of the day
/// `DOANKET_TEST_TODAY=YYYY-MM-DD` names, so the suite can be run as if on any date (CI runs it
/// once more on a date years ahead). Tests derive their dates from [`today`], never from the
/// day they were written.
pub fn test_clock() -> Clock {
    static CLOCK: OnceLock<Clock> = OnceLock::new();
    *CLOCK.get_or_init(|| match std::env::var("DOANKET_TEST_TODAY") {
        Ok(day) if !day.is_empty() => {
            let day = NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                .expect("DOANKET_TEST_TODAY is YYYY-MM-DD");
            // 12:00 in Asia/Ho_Chi_Minh
            Clock::fixed(day.and_hms_opt(5, 0, 0).unwrap().and_utc())
        }
        _ => Clock::system(),
    })
}

/// Today's local date on the test apps' clock.
pub fn today() -> NaiveDate {
    test_clock().today()
}

/// The server that holds the test databases (`postgres` maintenance database).
pub fn server_url() -> String {
    std::env::var("DOANKET_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

pub fn database_url(name: &str) -> String {
    let mut config: tokio_postgres::Config =
        server_url().parse().expect("DOANKET_TEST_DATABASE_URL");
    config.dbname(name);
    // rebuild a URL from the parts the harness needs
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(tokio_postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "127.0.0.1".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap_or("postgres");
    let password = config
        .get_password()
        .map(|p| format!(":{}", String::from_utf8_lossy(p)))
        .unwrap_or_default();
    format!("postgres://{user}{password}@{host}:{port}/{name}")
}

pub async fn admin_client() -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(&server_url(), NoTls)
        .await
        .expect("PostgreSQL must be reachable for the tests (see README: scripts/test.sh)");
    tokio::spawn(connection);
    client
}

/// The template's name changes with the migrations and this file, so a stale one is never used.
fn template_name() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let mut hasher = Sha256::new();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        let mut files: Vec<_> = walk(std::path::Path::new(dir));
        files.sort();
        for f in files {
            hasher.update(f.display().to_string());
            hasher.update(std::fs::read(&f).unwrap());
        }
        hasher.update(include_str!("helpers.rs"));
        // the binary's own view of its migrations, in case it was built before the files changed
        hasher.update(doanket::db::migrations::latest_version());
        format!("doanket_tpl_{}", &hex::encode(hasher.finalize())[..16])
    })
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Creates the template once per server: migrated, with TW, Lạng Sơn's 2026 units and the root
/// admin. Processes (nextest runs one per test) serialise on an advisory lock.
async fn ensure_template() -> &'static str {
    static READY: OnceCell<()> = OnceCell::const_new();
    READY
        .get_or_init(|| async {
            let name = template_name();
            let client = admin_client().await;
            client
                .execute("SELECT pg_advisory_lock(7272026)", &[])
                .await
                .unwrap();
            let exists = client
                .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
                .await
                .unwrap()
                .is_some();
            if !exists {
                let building = format!("{name}_building");
                client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
                    .await
                    .unwrap();
                client
                    .batch_execute(&format!("CREATE DATABASE {building}"))
                    .await
                    .unwrap();
                let url = database_url(&building);
                doanket::db::migrations::run_pending(&url)
                    .await
                    .expect("migrations run");
                seed_template(&url).await;
                // renaming is atomic: a template either exists complete or not at all
                client
                    .batch_execute(&format!("ALTER DATABASE {building} RENAME TO {name}"))
                    .await
                    .unwrap();
            }
            client
                .execute("SELECT pg_advisory_unlock(7272026)", &[])
                .await
                .unwrap();
        })
        .await;
    template_name()
}

async fn seed_template(url: &str) {
    use diesel_async::{AsyncConnection, AsyncPgConnection};
    let mut conn = AsyncPgConnection::establish(url).await.unwrap();
    let file = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/units/vn-admin-units-2026.csv"
    ))
    .unwrap();
    let records: Vec<_> = doanket::domain::unit_file::parse(&file)
        .unwrap()
        .into_iter()
        .filter(|r| r.code.as_str() == PROVINCE || r.parent_code.as_str() == PROVINCE)
        .collect();
    doanket::db::units::import(&mut conn, records)
        .await
        .unwrap();
    let tw = doanket::db::units::find_by_code(&mut conn, "TW")
        .await
        .unwrap()
        .unwrap();
    let root = doanket::db::users::insert(
        &mut conn,
        &doanket::db::users::NewUser {
            id: Uuid::now_v7(),
            username: ROOT_USERNAME,
            password_hash: &doanket::auth::password::hash(ROOT_PASSWORD.into())
                .await
                .unwrap(),
            full_name: "Root Admin",
            created_by: None,
        },
    )
    .await
    .unwrap();
    doanket::db::users::set_assignments(&mut conn, root.id, &[("admin".into(), tw.id)], None)
        .await
        .unwrap();
    // one hash for every user the tests create, so making users costs no argon2 work
    let hash = doanket::auth::password::hash(USER_PASSWORD.into())
        .await
        .unwrap();
    diesel_async::RunQueryDsl::execute(
        diesel::sql_query("CREATE TABLE test_fixture (password_hash text NOT NULL)"),
        &mut conn,
    )
    .await
    .unwrap();
    diesel_async::RunQueryDsl::execute(
        diesel::sql_query("INSERT INTO test_fixture VALUES ($1)")
            .bind::<diesel::sql_types::Text, _>(&hash),
        &mut conn,
    )
    .await
    .unwrap();
}

pub struct TestApp {
    pub address: String,
    pub db_name: String,
    pub db_url: String,
    pub client: reqwest::Client,
    root_token: OnceCell<String>,
}

#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: Uuid,
    pub username: String,
    pub token: String,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Spawns the app on a database that is only migrated, as a new installation's is (no unit
/// but the central one once the app starts, no user): for what must begin from nothing, such as
/// the demo, which builds Lạng Sơn's 2025 tree before the 2026 list.
pub async fn spawn_app_on_new_database() -> TestApp {
    let db_name = format!("doanket_test_{}", Uuid::new_v4().simple());
    admin_client()
        .await
        .batch_execute(&format!("CREATE DATABASE {db_name}"))
        .await
        .unwrap();
    doanket::db::migrations::run_pending(&database_url(&db_name))
        .await
        .expect("migrations run");
    spawn_app_on(db_name, |_| {}).await
}

/// Spawns the app after letting the test adjust its settings.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let template = ensure_template().await;
    let db_name = format!("doanket_test_{}", Uuid::new_v4().simple());
    let client = admin_client().await;
    // the template may be briefly in use by a concurrent clone: retry
    for attempt in 0.. {
        match client
            .batch_execute(&format!("CREATE DATABASE {db_name} TEMPLATE {template}"))
            .await
        {
            Ok(()) => break,
            Err(e) if attempt < 50 => {
                let _ = e;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(e) => panic!("cloning the template: {e}"),
        }
    }
    spawn_app_on(db_name, adjust).await
}

/// Spawns the app on the database `db_name` (dropped with the app).
async fn spawn_app_on(db_name: String, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let db_url = database_url(&db_name);

    let mut settings = Settings::from_map(&Default::default()).unwrap();
    settings.database_url = db_url.clone();
    settings.database_pool_size = 8;
    settings.bind = "127.0.0.1:0".parse().unwrap();
    settings.workers = Some(2);
    // each test keeps its uploads apart, like its database
    settings.attachments_dir = std::env::temp_dir().join(format!("doanket-attachments-{db_name}"));
    settings.seal_interval = std::time::Duration::from_millis(100);
    settings.clock = test_clock();
    adjust(&mut settings);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let app = Application::build_with_listener(settings.clone(), listener)
        .await
        .expect("app builds");
    let port = app.port();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        db_name,
        db_url,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        root_token: OnceCell::new(),
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let name = self.db_name.clone();
        // Drop runs inside the test's runtime: do the async cleanup on a thread of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                let client = admin_client().await;
                let _ = client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await;
            });
        })
        .join();
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A raw SQL connection to this test's database (as the superuser).
    pub async fn sql(&self) -> tokio_postgres::Client {
        let (client, connection) = tokio_postgres::connect(&self.db_url, NoTls).await.unwrap();
        tokio::spawn(connection);
        client
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let mut req = self.client.request(method, self.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        req.send().await.expect("request sent")
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.request(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Response {
        self.request(Method::POST, path, Some(token), Some(body))
            .await
    }

    pub async fn put(&self, path: &str, token: &str, body: &Value) -> Response {
        self.request(Method::PUT, path, Some(token), Some(body))
            .await
    }

    /// `POST /v1/auth/token`.
    pub async fn sign_in(&self, username: &str, password: &str) -> Response {
        self.request(
            Method::POST,
            "/v1/auth/token",
            None,
            Some(&json!({"username": username, "password": password})),
        )
        .await
    }

    /// An access token of the root admin (admin at `TW`).
    pub async fn root_token(&self) -> String {
        self.root_token
            .get_or_init(|| async {
                let res = self.sign_in(ROOT_USERNAME, ROOT_PASSWORD).await;
                assert_eq!(res.status(), 200, "root signs in");
                res.json::<Value>().await.unwrap()["access_token"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .await
            .clone()
    }

    pub async fn unit_id(&self, code: &str) -> Uuid {
        let row = self
            .sql()
            .await
            .query_one("SELECT id FROM units WHERE code = $1", &[&code])
            .await
            .unwrap();
        row.get(0)
    }

    /// A user holding `role` at the unit `unit_code` (e.g. `("officer", COMMUNE)`), signed in.
    pub async fn user(&self, role: &str, unit_code: &str) -> TestUser {
        self.user_with_roles(&[(role, unit_code)]).await
    }

    /// A user with several roles, inserted directly (the API path is tested on its own).
    pub async fn user_with_roles(&self, roles: &[(&str, &str)]) -> TestUser {
        let db = self.sql().await;
        let id = Uuid::now_v7();
        let username = format!("u{}", &id.simple().to_string()[20..]);
        db.execute(
            "INSERT INTO users (id, username, password_hash, full_name) \
             SELECT $1, $2, password_hash, 'Test User' FROM test_fixture",
            &[&id, &username],
        )
        .await
        .unwrap();
        for (role, code) in roles {
            db.execute(
                "INSERT INTO role_assignments (user_id, role, unit_id) SELECT $1, $2, id FROM units WHERE code = $3",
                &[&id, role, code],
            )
            .await
            .unwrap();
        }
        let res = self.sign_in(&username, USER_PASSWORD).await;
        assert_eq!(res.status(), 200);
        let token = res.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        TestUser {
            id,
            username,
            token,
        }
    }
}

/// Asserts a problem response with `status` and `code`, returning the body.
pub async fn assert_problem(res: Response, status: u16, code: &str) -> Value {
    assert_eq!(res.status().as_u16(), status, "status");
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(
        content_type.as_deref(),
        Some("application/problem+json"),
        "content type"
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], code, "code in {body}");
    assert_eq!(body["status"], status, "status in {body}");
    assert!(body["title"].is_string(), "title in {body}");
    body
}

/// A local date in the past on which test donations are received, so receipt years and
/// periods do not depend on the day the tests run.
pub const RECEIVED_ON: &str = "2026-03-10";

/// The body of a cash donation of `amount` đồng from a named individual to the unit's fund.
pub fn cash_donation(unit_id: Uuid, amount: &str) -> Value {
    json!({
        "unit_id": unit_id,
        "channel": "cash",
        "amount": amount,
        "received_on": RECEIVED_ON,
        "donor": {"kind": "individual", "name": "Nguyễn Văn A"},
        "public_display": "name"
    })
}

impl TestApp {
    /// `POST` with an `Idempotency-Key`.
    pub async fn post_with_key(
        &self,
        path: &str,
        token: &str,
        key: &str,
        body: &Value,
    ) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Registers a bank account of the unit's fund as a finance officer; returns it (with
    /// `ledger_account_code`, e.g. `1121.1`).
    pub async fn bank_account(&self, unit_code: &str, accountant_token: &str) -> Value {
        self.bank_account_at(unit_code, accountant_token, "970436")
            .await
    }

    /// As [`TestApp::bank_account`], at the bank with NAPAS BIN `bin` (970436 Vietcombank,
    /// 970418 BIDV, 970415 VietinBank, 970405 Agribank): a statement is imported in its own
    /// bank's layout.
    pub async fn bank_account_at(
        &self,
        unit_code: &str,
        accountant_token: &str,
        bin: &str,
    ) -> Value {
        let unit_id = self.unit_id(unit_code).await;
        // account numbers are unique per bank: a random one per call
        let number = format!("{:012}", Uuid::new_v4().as_u128() % 1_000_000_000_000);
        let res = self
            .post(
                &format!("/v1/units/{unit_id}/bank-accounts"),
                accountant_token,
                &json!({"bank_bin": bin, "bank_name": "Vietcombank", "account_number": number,
                        "account_name": "QUY VI NGUOI NGHEO", "currency": "VND"}),
            )
            .await;
        assert_eq!(res.status(), 201, "bank account registered");
        res.json().await.unwrap()
    }

    /// Opens a campaign of the unit (as its officer or approver) running through 2026.
    pub async fn campaign(
        &self,
        token: &str,
        unit_code: &str,
        name: &str,
        restricted: bool,
    ) -> Value {
        let unit_id = self.unit_id(unit_code).await;
        let res = self
            .post(
                "/v1/campaigns",
                token,
                &json!({"unit_id": unit_id, "kind": "general", "name": name, "starts_on": "2026-01-01",
                        "ends_on": "2026-12-31", "restricted": restricted}),
            )
            .await;
        assert_eq!(res.status(), 201, "campaign created");
        res.json().await.unwrap()
    }

    /// Records a donation (as an officer of its unit), asserting 201; returns it.
    pub async fn record_donation(&self, token: &str, body: &Value) -> Value {
        let res = self.post("/v1/donations", token, body).await;
        let status = res.status();
        let json: Value = res.json().await.unwrap();
        assert_eq!(status, 201, "donation recorded: {json}");
        json
    }

    /// Records a cash donation of `amount` đồng into the unit's fund; returns it.
    pub async fn record_cash_donation(&self, token: &str, unit_id: Uuid, amount: &str) -> Value {
        self.record_donation(token, &cash_donation(unit_id, amount))
            .await
    }

    /// How many donations the database holds.
    pub async fn donation_count(&self) -> i64 {
        self.sql()
            .await
            .query_one("SELECT count(*) FROM donations", &[])
            .await
            .unwrap()
            .get(0)
    }
}

/// A fresh, valid 12-digit national ID (CCCD) for a test household.
pub fn national_id() -> String {
    format!("{:012}", Uuid::new_v4().as_u128() % 1_000_000_000_000)
}

/// The body of a household registration in the commune `unit_id`.
pub fn household_body(unit_id: Uuid, head_name: &str) -> Value {
    json!({
        "unit_id": unit_id,
        "head_name": head_name,
        "national_id": national_id(),
        "village": "Thôn Nà Pàn",
        "address": "Thôn Nà Pàn, xã Đoàn Kết",
        "members": 4,
        "status": "poor",
        "status_year": 2026
    })
}

impl TestApp {
    /// `PATCH` with a JSON body.
    pub async fn patch(&self, path: &str, token: &str, body: &Value) -> Response {
        self.request(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    /// Registers a household in the commune `unit_code` (as an officer there or above);
    /// returns it.
    pub async fn household(&self, officer_token: &str, unit_code: &str, head_name: &str) -> Value {
        let unit_id = self.unit_id(unit_code).await;
        let res = self
            .post(
                "/v1/households",
                officer_token,
                &household_body(unit_id, head_name),
            )
            .await;
        let status = res.status();
        let json: Value = res.json().await.unwrap();
        assert_eq!(status, 201, "household registered: {json}");
        json
    }

    /// Opens a campaign of `kind` (`general|peak_month|tet|disaster|housing`) running through
    /// 2026.
    pub async fn campaign_of_kind(
        &self,
        token: &str,
        unit_code: &str,
        kind: &str,
        restricted: bool,
    ) -> Value {
        let unit_id = self.unit_id(unit_code).await;
        let res = self
            .post(
                "/v1/campaigns",
                token,
                &json!({"unit_id": unit_id, "kind": kind, "name": format!("Đợt {kind}"),
                        "starts_on": "2026-01-01", "ends_on": "2026-12-31", "restricted": restricted}),
            )
            .await;
        assert_eq!(res.status(), 201, "campaign created");
        res.json().await.unwrap()
    }
}
