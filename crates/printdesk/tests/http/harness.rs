//! The test harness: a fresh app on a random port against a fresh database, and HTTP clients
//! that behave like a browser (cookies, CSRF tokens) or an integration (bearer token).
//!
//! Every test runs on both backends through `backend_tests!`. SQLite gets a temporary file;
//! PostgreSQL gets its own database, created from `PRINTDESK_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`) and dropped afterwards. Set
//! `PRINTDESK_TEST_SKIP_POSTGRES=1` to skip PostgreSQL explicitly; otherwise an unreachable
//! server fails the test with a message saying so.

use std::path::PathBuf;
use std::sync::Arc;

use printdesk::kernel::db::Db;
use printdesk::kernel::i18n::Locale;
use printdesk::kernel::web::{AppState, Config};
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::Connection;

/// Generates one `#[tokio::test]` per backend for each named `async fn name(backend: Backend)`.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name($crate::harness::Backend::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() {
                   if $crate::harness::skip_postgres() { return; }
                   super::$name($crate::harness::Backend::Postgres).await
               } )*
        }
    };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The admin created by `TestApp::set_up`.
pub const ADMIN_LOGIN: &str = "admin";
pub const ADMIN_PASSWORD: &str = "Admin2026!";

/// True (and says so) when PostgreSQL tests are skipped on purpose.
pub fn skip_postgres() -> bool {
    let skip =
        std::env::var("PRINTDESK_TEST_SKIP_POSTGRES").is_ok_and(|v| !v.is_empty() && v != "0");
    if skip {
        eprintln!("skipping the PostgreSQL run: PRINTDESK_TEST_SKIP_POSTGRES is set");
    }
    skip
}

fn postgres_admin_url() -> String {
    std::env::var("PRINTDESK_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

fn random_name(prefix: &str) -> String {
    format!("{prefix}_{:016x}", rand::random::<u64>())
}

/// A running app with its own database.
pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub backend: Backend,
    pub database_url: String,
    pub data_dir: PathBuf,
    pg_database: Option<String>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

/// Starts the app on `127.0.0.1:0` against a fresh, migrated database. Not yet set up.
pub async fn spawn_app(backend: Backend) -> TestApp {
    let data_dir = std::env::temp_dir().join(random_name("printdesk_test"));
    std::fs::create_dir_all(&data_dir).expect("creating the test data folder");
    let (database_url, pg_database) = match backend {
        Backend::Sqlite => (printdesk::kernel::db::sqlite_url(&data_dir), None),
        Backend::Postgres => {
            let admin_url = postgres_admin_url();
            let name = random_name("pd_test");
            let mut conn = sqlx::postgres::PgConnection::connect(&admin_url).await.unwrap_or_else(|err| {
                panic!(
                    "PostgreSQL is not reachable at {admin_url}: {err}. Start it (see DESIGN.md / .ci/run) \
                     or set PRINTDESK_TEST_SKIP_POSTGRES=1 to skip the PostgreSQL run."
                )
            });
            sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
                .execute(&mut conn)
                .await
                .expect("creating the test database");
            let base = admin_url
                .rsplit_once('/')
                .map_or(admin_url.as_str(), |(base, _)| base)
                .to_owned();
            (format!("{base}/{name}"), Some(name))
        }
    };
    let db = Db::connect(&database_url, 8)
        .await
        .expect("connecting to the test database");
    db.migrate().await.expect("migrating the test database");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binding a port");
    let addr = listener.local_addr().expect("local address");
    let config = Config {
        addr,
        data_dir: data_dir.clone(),
        database_url: database_url.clone(),
        secure_cookies: false,
        trust_proxy: false,
    };
    let state = AppState {
        db: db.clone(),
        config: Arc::new(config),
    };
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = printdesk::cli::serve(listener, state, async move {
            let _ = rx.await;
        })
        .await;
    });
    TestApp {
        base: format!("http://{addr}"),
        db,
        backend,
        database_url,
        data_dir,
        pg_database,
        shutdown: Some(tx),
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
        if let Some(name) = self.pg_database.take() {
            // Drop runs outside async; a short-lived thread with its own runtime removes the database.
            let admin_url = postgres_admin_url();
            let _ = std::thread::spawn(move || {
                let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                runtime.block_on(async move {
                    if let Ok(mut conn) = sqlx::postgres::PgConnection::connect(&admin_url).await {
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                            "drop database if exists {name} with (force)"
                        )))
                        .execute(&mut conn)
                        .await;
                    }
                });
            })
            .join();
        }
    }
}

impl TestApp {
    /// Spawns the app and runs first-run set-up: company 测试图文, account set 总店, admin.
    pub async fn with_setup(backend: Backend) -> TestApp {
        let app = spawn_app(backend).await;
        app.set_up().await;
        app
    }

    pub async fn set_up(&self) {
        let input = printdesk::system::setup::service::SetupInput {
            company_name: "测试图文".to_owned(),
            account_set_name: "总店".to_owned(),
            login: ADMIN_LOGIN.to_owned(),
            display_name: "王店长".to_owned(),
            password: ADMIN_PASSWORD.to_owned(),
            confirm_password: ADMIN_PASSWORD.to_owned(),
        };
        printdesk::system::setup::service::set_up(&self.db, &input, Locale::ZhCn)
            .await
            .expect("first-run set-up");
    }

    /// A browser-like client with no session yet.
    pub fn browser(&self) -> Browser {
        Browser {
            base: self.base.clone(),
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("building the HTTP client"),
        }
    }

    /// A browser signed in as `login`; panics if sign-in fails.
    pub async fn sign_in(&self, login: &str, password: &str) -> Browser {
        let browser = self.browser();
        let res = browser
            .post_form("/sign-in", &[("login", login), ("password", password)])
            .await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "sign-in of {login} failed: {}",
            res.text().await.unwrap_or_default()
        );
        browser
    }

    pub async fn sign_in_admin(&self) -> Browser {
        self.sign_in(ADMIN_LOGIN, ADMIN_PASSWORD).await
    }

    /// An API client with a bearer token for `login` in `account_set` (their first when `None`).
    pub async fn api(&self, login: &str, password: &str, account_set: Option<i64>) -> Api {
        let http = reqwest::Client::new();
        let res = http
            .post(format!("{}/api/v1/auth/token", self.base))
            .json(&serde_json::json!({ "login": login, "password": password, "account_set": account_set }))
            .send()
            .await
            .expect("requesting a token");
        assert_eq!(res.status(), StatusCode::OK, "token for {login}");
        let body: Value = res.json().await.expect("token JSON");
        let token = body["token"]
            .as_str()
            .expect("token in response")
            .to_owned();
        Api {
            base: self.base.clone(),
            http,
            token,
        }
    }

    pub async fn api_admin(&self) -> Api {
        self.api(ADMIN_LOGIN, ADMIN_PASSWORD, None).await
    }

    /// Runs a scalar query on the app's database (for asserting what was saved).
    pub async fn count(&self, sql: &'static str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(self.db.pool())
            .await
            .expect("count query")
    }
}

/// A cookie-keeping client that sends forms with the CSRF token of the page, like a browser.
pub struct Browser {
    pub base: String,
    pub http: reqwest::Client,
}

impl Browser {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET")
    }

    pub async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let res = self.get(path).await;
        let status = res.status();
        (status, res.text().await.expect("body"))
    }

    /// The CSRF token the app would put in this browser's forms (read from a page).
    pub async fn csrf_token(&self) -> String {
        for path in ["/account/password", "/sign-in", "/setup"] {
            let (_, body) = self.get_text(path).await;
            if let Some(token) = extract_csrf(&body) {
                return token;
            }
        }
        panic!("no CSRF token found on any page");
    }

    /// Posts a form with this browser's CSRF token added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf_token().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_form_raw(path, &all).await
    }

    /// Posts exactly these fields (no CSRF token added).
    pub async fn post_form_raw(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }
}

/// The value of the first `csrf_token` field or meta tag in a page.
pub fn extract_csrf(body: &str) -> Option<String> {
    for marker in [
        "name=\"csrf_token\" value=\"",
        "name=\"csrf-token\" content=\"",
    ] {
        if let Some(start) = body.find(marker) {
            let rest = &body[start + marker.len()..];
            let token = &rest[..rest.find('"')?];
            if !token.is_empty() {
                return Some(token.to_owned());
            }
        }
    }
    None
}

/// A client of the JSON API with a bearer token.
pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
    pub token: String,
}

impl Api {
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("GET");
        split(res).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect("POST");
        split(res).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let res = self
            .http
            .put(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect("PUT");
        split(res).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        let res = self
            .http
            .delete(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("DELETE");
        split(res).await
    }
}

async fn split(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.expect("body");
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}

/// The message the API gave for `field` (first match), for asserting exact Chinese messages.
pub fn field_message(body: &Value, field: &str) -> Option<String> {
    body["errors"]
        .as_array()?
        .iter()
        .find(|e| e["field"] == field)
        .and_then(|e| e["message"].as_str())
        .map(str::to_owned)
}
