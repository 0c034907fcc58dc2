//! The browser test harness: the app in-process on SQLite, a `chromedriver` child process, a
//! headless Chromium session through fantoccini, and screenshots under
//! `target/screenshots/<test>-<step>.png`.
//!
//! [`run`] is the one way in: it takes the lock that keeps browser tests one at a time (each
//! Chromium needs a few hundred MB and the CI machine has 2 cores), starts chromedriver, opens the
//! browser, runs the test body in its own task and then always closes the browser session and
//! kills chromedriver, even when the body panicked or timed out; the panic is resumed afterwards.
//!
//! Set `PRINTDESK_CHROMEDRIVER` or `PRINTDESK_CHROMIUM` to use other binaries than the Debian
//! packages' (`chromedriver` on the PATH, `/usr/bin/chromium`).

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use printdesk::kernel::auth::UserId;
use printdesk::kernel::db::Db;
use printdesk::kernel::i18n::Locale;
use printdesk::kernel::tenancy::AccountSetId;
use printdesk::kernel::web::{AppState, Config};
use serde_json::{Value, json};

/// The shop that `App::with_setup` creates (the same one `first_run_setup` types in).
pub const COMPANY: &str = "星光图文";
pub const ACCOUNT_SET: &str = "总店";
pub const ADMIN_LOGIN: &str = "boss";
pub const ADMIN_NAME: &str = "李老板";
pub const ADMIN_PASSWORD: &str = "Xingguang1";
/// The admin's user id after first-run set-up.
pub const ADMIN_ID: UserId = UserId(1);

/// How long a test waits for something to appear before it fails.
const WAIT: Duration = Duration::from_secs(15);
/// How long one test body may take in all.
const TEST_TIMEOUT: Duration = Duration::from_secs(180);

/// Browser tests run one at a time: one Chromium is plenty for 2 cores.
static ONE_BROWSER_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Key codes of the WebDriver protocol.
pub const TAB: &str = "\u{E004}";
pub const ENTER: &str = "\u{E007}";

fn random_name(prefix: &str) -> String {
    format!("{prefix}_{:016x}", rand::random::<u64>())
}

/// The app, in-process, on a fresh SQLite database in a temporary folder.
pub struct App {
    pub base: String,
    pub db: Db,
    data_dir: PathBuf,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl App {
    /// Starts the app on `127.0.0.1:0` against a fresh, migrated database. Not yet set up.
    pub async fn spawn() -> App {
        let data_dir = std::env::temp_dir().join(random_name("printdesk_browser"));
        std::fs::create_dir_all(&data_dir).expect("creating the test data folder");
        let database_url = printdesk::kernel::db::sqlite_url(&data_dir);
        let db = Db::connect(&database_url, 8)
            .await
            .expect("connecting to the test database");
        db.migrate().await.expect("migrating the test database");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding a port");
        let addr: SocketAddr = listener.local_addr().expect("local address");
        let state = AppState {
            db: db.clone(),
            config: Arc::new(Config {
                addr,
                data_dir: data_dir.clone(),
                database_url,
                secure_cookies: false,
                trust_proxy: false,
            }),
        };
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = printdesk::cli::serve(listener, state, async move {
                let _ = rx.await;
            })
            .await;
        });
        App {
            base: format!("http://{addr}"),
            db,
            data_dir,
            shutdown: Some(tx),
        }
    }

    /// Starts the app and sets up 星光图文 / 总店 with the admin boss (李老板).
    pub async fn with_setup() -> App {
        let app = App::spawn().await;
        let input = printdesk::system::setup::service::SetupInput {
            company_name: COMPANY.to_owned(),
            account_set_name: ACCOUNT_SET.to_owned(),
            login: ADMIN_LOGIN.to_owned(),
            display_name: ADMIN_NAME.to_owned(),
            password: ADMIN_PASSWORD.to_owned(),
            confirm_password: ADMIN_PASSWORD.to_owned(),
        };
        printdesk::system::setup::service::set_up(&app.db, &input, Locale::ZhCn)
            .await
            .expect("first-run set-up");
        app
    }

    /// The id of the account set named `name`.
    pub async fn account_set_id(&self, name: &str) -> AccountSetId {
        printdesk::system::account_set::service::list_account_sets(&self.db)
            .await
            .expect("listing account sets")
            .into_iter()
            .find(|it| it.name == name)
            .unwrap_or_else(|| panic!("no account set named {name}"))
            .id
    }

    /// Creates the account set `name` and lets `user_id` enter it.
    pub async fn add_account_set(&self, name: &str, user_id: UserId) -> AccountSetId {
        let mut tx = self.db.begin_write().await.expect("begin");
        let id = printdesk::system::account_set::service::create_account_set(&mut tx, name, "name")
            .await
            .expect("creating the account set");
        printdesk::system::user::service::grant_account_set(&mut tx, user_id, id)
            .await
            .expect("granting the account set");
        tx.commit().await.expect("commit");
        id
    }

    /// Creates a user with no role who may enter `account_set`.
    pub async fn add_user_without_role(
        &self,
        login: &str,
        display_name: &str,
        password: &str,
        account_set: AccountSetId,
    ) -> UserId {
        let mut tx = self.db.begin_write().await.expect("begin");
        let user_id = printdesk::system::user::service::insert_user(
            &mut tx,
            login,
            display_name,
            password,
            Locale::ZhCn,
        )
        .await
        .expect("creating the user");
        printdesk::system::user::service::grant_account_set(&mut tx, user_id, account_set)
            .await
            .expect("granting the account set");
        tx.commit().await.expect("commit");
        user_id
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// A `chromedriver` child process on a free port; killed when dropped.
struct Chromedriver {
    child: Child,
    url: String,
}

impl Chromedriver {
    async fn start() -> Chromedriver {
        let program =
            std::env::var("PRINTDESK_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".to_owned());
        let port = free_port();
        let child = Command::new(&program)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| {
                panic!(
                    "starting {program}: {err}. Install Debian's chromium, chromium-driver and \
                     fonts-noto-cjk (.ci/run does, as root)."
                )
            });
        // Owned from here on, so a failed wait below still kills it.
        let mut driver = Chromedriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        driver.wait_until_ready().await;
        driver
    }

    async fn wait_until_ready(&mut self) {
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("building the HTTP client");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("chromedriver exited at start with {status}");
            }
            if let Ok(res) = http.get(format!("{}/status", self.url)).send().await
                && let Ok(body) = res.json::<Value>().await
                && body["value"]["ready"] == Value::Bool(true)
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer {}/status within 20 s",
                self.url
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port that was free a moment ago (bound to 127.0.0.1:0, then released).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("finding a free port")
        .port()
}

/// Where screenshots go: `<target>/screenshots`, with `<target>` from `CARGO_TARGET_DIR` or the
/// workspace's `target/` (the nearest folder above this crate that holds `Cargo.lock`).
pub fn screenshot_dir() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = manifest_dir
        .ancestors()
        .find(|dir| dir.join("Cargo.lock").is_file())
        .unwrap_or(manifest_dir);
    let target = match std::env::var_os("CARGO_TARGET_DIR").filter(|dir| !dir.is_empty()) {
        Some(dir) => workspace.join(dir),
        None => workspace.join("target"),
    };
    target.join("screenshots")
}

/// A fresh, empty Chromium profile folder, removed when dropped.
struct Profile(PathBuf);

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn open_browser(driver: &Chromedriver, profile: &Path) -> Client {
    let binary =
        std::env::var("PRINTDESK_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": binary,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1366,900",
                "--lang=zh-CN",
                format!("--user-data-dir={}", profile.display()),
            ],
            // --lang sets the UI, not what headless Chromium asks of web sites: say Chinese, like
            // a shop's browser, so the pages before sign-in come in Chinese too.
            "prefs": { "intl.accept_languages": "zh-CN,zh" }
        }
    });
    let Value::Object(capabilities) = capabilities else {
        unreachable!("json! of an object is an object")
    };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .unwrap_or_else(|err| panic!("opening a Chromium session through chromedriver: {err}"))
}

/// Runs one browser test: `body` gets a [`Page`] on the app at `base`. The browser session is
/// closed and chromedriver stopped whatever happens in `body`; a panic in `body` is resumed after.
pub async fn run<F, Fut>(test: &'static str, base: &str, body: F)
where
    F: FnOnce(Page) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let _one_at_a_time = ONE_BROWSER_AT_A_TIME.lock().await;
    let driver = Chromedriver::start().await;
    let profile = Profile(std::env::temp_dir().join(random_name("printdesk_chromium")));
    std::fs::create_dir_all(&profile.0).expect("creating the Chromium profile folder");
    let client = open_browser(&driver, &profile.0).await;
    let page = Page {
        client: client.clone(),
        base: base.to_owned(),
        test,
    };
    let failure_page = page.clone();
    let task = tokio::spawn(tokio::time::timeout(TEST_TIMEOUT, body(page)));
    let outcome = task.await;
    let failed = !matches!(outcome, Ok(Ok(())));
    if failed {
        // What the browser showed when the test failed; best effort.
        let _ = tokio::time::timeout(
            Duration::from_secs(10),
            failure_page.try_screenshot("failure"),
        )
        .await;
    }
    drop(failure_page);
    if let Err(err) = tokio::time::timeout(Duration::from_secs(20), client.close()).await {
        eprintln!("closing the browser session timed out: {err}");
    }
    drop(driver);
    drop(profile);
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(_elapsed)) => panic!("{test} took longer than {TEST_TIMEOUT:?}"),
        Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
        Err(err) => panic!("{test} did not finish: {err}"),
    }
}

/// The browser, pointed at the app, with helpers that wait like a person looking at the screen.
#[derive(Clone)]
pub struct Page {
    pub client: Client,
    pub base: String,
    test: &'static str,
}

impl Page {
    /// Opens `path` of the app.
    pub async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|err| panic!("opening {path}: {err}"));
    }

    /// The path (and query) of the page shown now.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current URL");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Waits until the page shown is `path` (query ignored unless `path` has one).
    pub async fn wait_for_path(&self, path: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let now = self.path().await;
            let now_cmp = if path.contains('?') {
                now.as_str()
            } else {
                now.split('?').next().unwrap_or("")
            };
            if now_cmp == path {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "expected to land on {path}, still on {now}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the browser has left `path` (after a form was sent); returns the new path.
    pub async fn wait_to_leave(&self, path: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let now = self.path().await;
            if now.split('?').next() != Some(path) {
                return now;
            }
            if Instant::now() >= deadline {
                let main = self.text("main").await;
                panic!("still on {path} after sending the form; the page shows: {main}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits for the element matching `css` to be there.
    pub async fn find(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(err) => panic!("no element {css} on {}: {err}", self.path().await),
        }
    }

    /// Whether an element matches `css` now (no waiting).
    pub async fn has(&self, css: &str) -> bool {
        self.client
            .find_all(Locator::Css(css))
            .await
            .is_ok_and(|found| !found.is_empty())
    }

    /// The visible text of the element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("element text")
    }

    /// Waits until the element matching `css` shows text containing `expected`; returns the text.
    pub async fn wait_for_text(&self, css: &str, expected: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let shown = match self.client.find(Locator::Css(css)).await {
                Ok(element) => element.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if shown.contains(expected) {
                return shown;
            }
            if Instant::now() >= deadline {
                panic!(
                    "expected {css} to show {expected:?} on {}; it shows {shown:?}",
                    self.path().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The `value` of the form field matching `css`.
    pub async fn value(&self, css: &str) -> String {
        self.find(css)
            .await
            .prop("value")
            .await
            .expect("field value")
            .unwrap_or_default()
    }

    /// Clears the field `#id` and types `text` into it.
    pub async fn fill(&self, id: &str, text: &str) {
        let field = self.find(&format!("#{id}")).await;
        field.clear().await.expect("clearing a field");
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|err| panic!("typing into #{id}: {err}"));
    }

    /// Clicks the element matching `css`.
    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|err| panic!("clicking {css}: {err}"));
    }

    /// Ticks the checkbox `#id` unless it is ticked already.
    pub async fn tick(&self, id: &str) {
        let checkbox = self.find(&format!("#{id}")).await;
        if !checkbox.is_selected().await.expect("checkbox state") {
            checkbox
                .click()
                .await
                .unwrap_or_else(|err| panic!("ticking #{id}: {err}"));
        }
    }

    /// Types `keys` into whatever has the keyboard focus, as a person at the keyboard would.
    /// WebDriver refuses keys for an element it finds not interactable at that instant — the
    /// focus caught while the page's script is still moving it, on a busy machine — where a
    /// keyboard would simply type into whatever has the focus next; nothing is typed when it
    /// refuses, so asking the focused element again is safe.
    pub async fn type_keys(&self, keys: &str) {
        let mut tries = 0;
        loop {
            let focused = self.client.active_element().await.expect("focused element");
            match focused.send_keys(keys).await {
                Ok(()) => return,
                Err(_) if tries < 30 => {
                    tries += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(err) => {
                    let html = focused.html(false).await.unwrap_or_default();
                    panic!(
                        "typing {keys:?} into {}: {err}",
                        html.chars().take(300).collect::<String>()
                    );
                }
            }
        }
    }

    /// The `id` of the element that has the keyboard focus.
    pub async fn focused_id(&self) -> String {
        self.client
            .active_element()
            .await
            .expect("focused element")
            .attr("id")
            .await
            .expect("id attribute")
            .unwrap_or_default()
    }

    /// Saves `target/screenshots/<test>-<step>.png` and returns its path.
    pub async fn screenshot(&self, step: &str) -> PathBuf {
        self.try_screenshot(step)
            .await
            .unwrap_or_else(|err| panic!("screenshot {step}: {err}"))
    }

    async fn try_screenshot(&self, step: &str) -> anyhow::Result<PathBuf> {
        let png = self.client.screenshot().await?;
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{}-{step}.png", self.test));
        std::fs::write(&path, png)?;
        eprintln!("screenshot: {}", path.display());
        Ok(path)
    }

    /// Signs in from the sign-in page with the keyboard only: the login field has the focus,
    /// type the login, Tab, type the password, Enter.
    pub async fn sign_in_by_keyboard(&self, login: &str, password: &str) {
        self.open("/sign-in").await;
        self.find("#login").await;
        assert_eq!(
            self.focused_id().await,
            "login",
            "the sign-in page should put the cursor in the login field"
        );
        self.type_keys(login).await;
        self.type_keys(TAB).await;
        assert_eq!(
            self.focused_id().await,
            "password",
            "Tab should move from the login to the password"
        );
        self.type_keys(password).await;
        self.type_keys(ENTER).await;
    }
}
