//! `printdesk bench`: end-to-end load over loopback HTTP, on SQLite and PostgreSQL.
//!
//! Each run starts the app in this process on `127.0.0.1:0` against a fresh database (a
//! temporary SQLite file, or a PostgreSQL database created for the run and dropped afterwards),
//! does first-run set-up, then lets N clients sign in once each and load pages round-robin,
//! bounded in count and in time. It prints requests per second, p50/p99 latency and the
//! process's resident memory idle and after the run. docs/performance.md records the figures.
//!
//! `--scenario product-search` instead fills the fresh database with `--products` products from
//! the demo generator (`crate::demo`) and times `--searches` realistic search-as-you-type queries
//! (pinyin initials, code prefixes, name fragments), once through
//! `system::product::service::search_products` directly and once through
//! `GET /api/v1/products/search`, printing p50/p99/max.
//!
//! `--scenario import` builds a customer sheet and a product sheet of `--rows` rows each from the
//! import templates' columns and uploads each through the API as a signed-in clerk would, timing
//! the whole request (read, check every row, save in one transaction).
//!
//! `--scenario order-save` lets N clients save 5-line orders through `POST /api/v1/orders`
//! (orders/s, p50/p99), each as fast as it is answered (closed loop: the throughput), or with
//! `--rate R` at R orders per second in all (open loop: the latency at a given load); `--scenario order-list` generates `--years` of history at
//! `--orders-per-day` and times filtered pages of `GET /api/v1/orders`.
//!
//! This is the only module allowed floats: they are ratios and milliseconds, never money.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::Connection;
use tokio::net::TcpListener;

use crate::kernel::db::Db;
use crate::kernel::i18n::Locale;
use crate::kernel::web::{AppState, Config};
use crate::system::setup::service::SetupInput;

/// The pages each client loads in turn: the desktop, a form page, and a list that reads sessions.
const PAGES: &[&str] = &["/", "/account/password", "/system/online-users"];
const ADMIN_LOGIN: &str = "bench";
const ADMIN_PASSWORD: &str = "Bench2026!";

/// Which backends to measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BenchBackend {
    Sqlite,
    Postgres,
    Both,
}

/// What to measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BenchScenario {
    /// N signed-in clients loading pages (the default).
    Pages,
    /// Product search as you type over a large catalogue.
    ProductSearch,
    /// Spreadsheet imports of `--rows` customers and `--rows` products over HTTP.
    Import,
    /// N clients saving 5-line orders through `POST /api/v1/orders`.
    OrderSave,
    /// Filtered pages of the order list over `--years` of history at `--orders-per-day`.
    OrderList,
}

/// The options of `--scenario`, flattened into `printdesk bench`.
#[derive(Clone, Debug, clap::Args)]
pub struct ScenarioArgs {
    /// Which scenario to run.
    #[arg(long, value_enum, default_value = "pages")]
    pub scenario: BenchScenario,
    /// product-search: how many products the demo generator creates.
    #[arg(long, default_value_t = 20_000)]
    pub products: usize,
    /// product-search: how many searches are timed (each way).
    #[arg(long, default_value_t = 500)]
    pub searches: usize,
    /// import: rows per file.
    #[arg(long, default_value_t = 10_000)]
    pub rows: usize,
    /// order-list: years of generated order history.
    #[arg(long, default_value_t = 10)]
    pub years: u32,
    /// order-list: orders on an average weekday.
    #[arg(long, default_value_t = 150)]
    pub orders_per_day: u32,
    /// order-save: offer this many orders per second in all, spread evenly over the clients
    /// (open loop), instead of each client saving again as soon as it is answered. Latency is
    /// then counted from when each order was due to be sent, so a stall is not hidden.
    #[arg(long)]
    pub rate: Option<u32>,
}

/// What `printdesk bench` was asked to do.
#[derive(Clone, Debug)]
pub struct BenchOptions {
    pub scenario: ScenarioArgs,
    /// Concurrent clients, each with its own session and connection.
    pub clients: usize,
    /// Page loads per client (the run stops earlier when `seconds` have passed).
    pub requests_per_client: usize,
    /// Upper bound on the page-loading phase.
    pub seconds: u64,
    pub backend: BenchBackend,
    /// The PostgreSQL server to create the bench database on.
    pub postgres_url: String,
}

/// The figures of one backend's run.
#[derive(Debug)]
pub struct BenchReport {
    pub backend: &'static str,
    pub clients: usize,
    pub requests: usize,
    pub errors: usize,
    pub elapsed: Duration,
    pub p50: Duration,
    pub p99: Duration,
    pub rss_idle_kib: Option<u64>,
    /// After the N sign-ins, before the page loads: argon2 takes 19 MiB per concurrent check.
    pub rss_signed_in_kib: Option<u64>,
    pub rss_after_kib: Option<u64>,
}

impl BenchReport {
    pub fn requests_per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.requests as f64 / secs
        } else {
            0.0
        }
    }
}

/// Runs the benchmark on the chosen backends and prints one table.
pub async fn run(options: &BenchOptions) -> anyhow::Result<Vec<BenchReport>> {
    let mut reports = Vec::new();
    if matches!(options.backend, BenchBackend::Sqlite | BenchBackend::Both) {
        reports.push(run_sqlite(options).await?);
    }
    if matches!(options.backend, BenchBackend::Postgres | BenchBackend::Both) {
        reports.push(run_postgres(options).await?);
    }
    if options.scenario.scenario == BenchScenario::Pages {
        print_table(&reports);
    }
    Ok(reports)
}

fn print_table(reports: &[BenchReport]) {
    println!(
        "{:<10} {:>7} {:>9} {:>7} {:>9} {:>8} {:>8} {:>12} {:>15} {:>13}",
        "backend",
        "clients",
        "requests",
        "errors",
        "req/s",
        "p50 ms",
        "p99 ms",
        "RSS idle MB",
        "RSS sign-in MB",
        "RSS after MB"
    );
    for report in reports {
        println!(
            "{:<10} {:>7} {:>9} {:>7} {:>9.0} {:>8.2} {:>8.2} {:>12} {:>15} {:>13}",
            report.backend,
            report.clients,
            report.requests,
            report.errors,
            report.requests_per_second(),
            millis(report.p50),
            millis(report.p99),
            megabytes(report.rss_idle_kib),
            megabytes(report.rss_signed_in_kib),
            megabytes(report.rss_after_kib),
        );
    }
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn megabytes(kib: Option<u64>) -> String {
    kib.map_or_else(
        || "n/a".to_owned(),
        |kib| format!("{:.1}", kib as f64 / 1024.0),
    )
}

/// The resident set size of this process in KiB, from `/proc/self/status` (Linux only).
pub fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

async fn run_sqlite(options: &BenchOptions) -> anyhow::Result<BenchReport> {
    let data_dir =
        std::env::temp_dir().join(format!("printdesk_bench_{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let url = crate::kernel::db::sqlite_url(&data_dir);
    let result = run_backend("sqlite", &url, data_dir.clone(), options).await;
    let _ = std::fs::remove_dir_all(&data_dir);
    result
}

async fn run_postgres(options: &BenchOptions) -> anyhow::Result<BenchReport> {
    let admin_url = options.postgres_url.as_str();
    let name = format!("pd_bench_{:016x}", rand::random::<u64>());
    let mut admin = sqlx::postgres::PgConnection::connect(admin_url)
        .await
        .with_context(|| {
            "connecting to PostgreSQL (set PRINTDESK_BENCH_POSTGRES_URL to a server where you may create databases)"
        })?;
    // The name is generated above from hex digits, never from input.
    sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
        .execute(&mut admin)
        .await
        .context("creating the bench database")?;
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url, |(base, _)| base);
    let url = format!("{base}/{name}");
    let data_dir = std::env::temp_dir().join(&name);
    let result = run_backend("postgres", &url, data_dir.clone(), options).await;
    let dropped = sqlx::query(sqlx::AssertSqlSafe(format!(
        "drop database if exists {name} with (force)"
    )))
    .execute(&mut admin)
    .await;
    let _ = std::fs::remove_dir_all(&data_dir);
    let report = result?;
    dropped.context("dropping the bench database")?;
    Ok(report)
}

async fn run_backend(
    backend: &'static str,
    url: &str,
    data_dir: PathBuf,
    options: &BenchOptions,
) -> anyhow::Result<BenchReport> {
    // The same pool size as `printdesk serve`.
    let db = crate::cli::open_db(url).await?;
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .context("binding a loopback port")?;
    let addr = listener.local_addr()?;
    let state = AppState {
        db: db.clone(),
        config: Arc::new(Config {
            addr,
            data_dir,
            database_url: url.to_owned(),
            secure_cookies: false,
            trust_proxy: false,
        }),
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(crate::cli::serve(listener, state, async move {
        let _ = stopped.await;
    }));
    let base = format!("http://{addr}");
    let result = match options.scenario.scenario {
        BenchScenario::Pages => load(backend, &db, &base, options).await,
        BenchScenario::ProductSearch => search(backend, &db, &base, options).await,
        BenchScenario::Import => import(backend, &db, &base, options).await,
        BenchScenario::OrderSave => order_save(backend, &db, &base, options).await,
        BenchScenario::OrderList => order_list(backend, &db, &base, options).await,
    };
    let _ = stop.send(());
    let _ = server.await;
    db.close().await;
    result
}

async fn load(
    backend: &'static str,
    db: &Db,
    base: &str,
    options: &BenchOptions,
) -> anyhow::Result<BenchReport> {
    set_up(db).await?;
    let rss_idle_kib = rss_kib();

    // Sign everyone in first: argon2 is deliberately slow and is not what is measured here.
    let mut sign_ins = tokio::task::JoinSet::new();
    for _ in 0..options.clients {
        let base = base.to_owned();
        sign_ins.spawn(async move { signed_in_client(&base).await });
    }
    let mut clients = Vec::with_capacity(options.clients);
    while let Some(joined) = sign_ins.join_next().await {
        clients.push(joined.context("a sign-in task failed")??);
    }
    let rss_signed_in_kib = rss_kib();

    let deadline = Instant::now() + Duration::from_secs(options.seconds);
    let started = Instant::now();
    let mut loads = tokio::task::JoinSet::new();
    for (client_idx, client) in clients.into_iter().enumerate() {
        let base = base.to_owned();
        let requests = options.requests_per_client;
        loads
            .spawn(async move { load_pages(&client, &base, client_idx, requests, deadline).await });
    }
    gather(
        backend,
        options,
        loads,
        started,
        (rss_idle_kib, rss_signed_in_kib),
    )
    .await
}

/// Waits for every client of a load and folds their latencies and errors into the report.
async fn gather(
    backend: &'static str,
    options: &BenchOptions,
    mut clients: tokio::task::JoinSet<(Vec<Duration>, usize)>,
    started: Instant,
    (rss_idle_kib, rss_signed_in_kib): (Option<u64>, Option<u64>),
) -> anyhow::Result<BenchReport> {
    let mut latencies = Vec::with_capacity(options.clients * options.requests_per_client);
    let mut errors = 0;
    while let Some(joined) = clients.join_next().await {
        let (client_latencies, client_errors) = joined.context("a client task failed")?;
        latencies.extend(client_latencies);
        errors += client_errors;
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    Ok(BenchReport {
        backend,
        clients: options.clients,
        requests: latencies.len(),
        errors,
        elapsed,
        p50: percentile(&latencies, 50),
        p99: percentile(&latencies, 99),
        rss_idle_kib,
        rss_signed_in_kib,
        rss_after_kib: rss_kib(),
    })
}

/// The product-search scenario: generate the catalogue, then time the searches directly and
/// over HTTP. The report's `requests`/`p50`/`p99` are those of the direct calls.
async fn search(
    backend: &'static str,
    db: &Db,
    base: &str,
    options: &BenchOptions,
) -> anyhow::Result<BenchReport> {
    set_up(db).await?;
    let rss_idle_kib = rss_kib();
    let generated = crate::demo::run(
        db,
        &crate::demo::DemoOptions {
            customers: 0,
            suppliers: 0,
            orders_per_day: 0,
            products: options.scenario.products,
            ..crate::demo::DemoOptions::default()
        },
    )
    .await?;
    println!(
        "{backend}: {} products generated in {:.1} s",
        generated.products,
        generated.products_took.as_secs_f64()
    );
    let scope = crate::kernel::tenancy::Scope::for_operator_task(generated.account_set_id);
    let queries = crate::demo::search_queries(7, options.scenario.searches);
    let mut errors = 0;
    let mut hits = 0;
    // Warm the caches the way a running shop has them warm.
    for query in queries.iter().take(20) {
        let _ = crate::system::product::service::search_products(db, &scope, query).await;
    }
    let started = Instant::now();
    let mut direct = Vec::with_capacity(queries.len());
    for query in &queries {
        let one = Instant::now();
        match crate::system::product::service::search_products(db, &scope, query).await {
            Ok(lines) => hits += lines.len(),
            Err(_) => errors += 1,
        }
        direct.push(one.elapsed());
    }
    let elapsed = started.elapsed();
    direct.sort_unstable();

    let client = signed_in_client(base).await?;
    let mut http = Vec::with_capacity(queries.len());
    for query in &queries {
        let one = Instant::now();
        let ok = match client
            .get(format!("{base}/api/v1/products/search"))
            .query(&[("q", query)])
            .send()
            .await
        {
            Ok(res) => res.status() == reqwest::StatusCode::OK && res.bytes().await.is_ok(),
            Err(_) => false,
        };
        http.push(one.elapsed());
        if !ok {
            errors += 1;
        }
    }
    http.sort_unstable();
    println!(
        "{:<10} {:>9} {:>9} {:>8} {:>8} {:>8} {:>10}",
        "backend", "way", "searches", "p50 ms", "p99 ms", "max ms", "avg hits"
    );
    for (way, samples) in [("direct", &direct), ("http", &http)] {
        println!(
            "{:<10} {:>9} {:>9} {:>8.2} {:>8.2} {:>8.2} {:>10.1}",
            backend,
            way,
            samples.len(),
            millis(percentile(samples, 50)),
            millis(percentile(samples, 99)),
            millis(samples.last().copied().unwrap_or_default()),
            hits as f64 / direct.len().max(1) as f64,
        );
    }
    Ok(BenchReport {
        backend,
        clients: 1,
        requests: direct.len(),
        errors,
        elapsed,
        p50: percentile(&direct, 50),
        p99: percentile(&direct, 99),
        rss_idle_kib,
        rss_signed_in_kib: None,
        rss_after_kib: rss_kib(),
    })
}

/// The import scenario: one upload of `--rows` customers, then one of `--rows` products.
async fn import(
    backend: &'static str,
    db: &Db,
    base: &str,
    options: &BenchOptions,
) -> anyhow::Result<BenchReport> {
    use crate::kernel::spreadsheet::{self, Cell, ColumnKind, Table, TemplateColumn};
    set_up(db).await?;
    let rss_idle_kib = rss_kib();
    let client = signed_in_client(base).await?;
    let page = client
        .get(format!("{base}/customers"))
        .send()
        .await?
        .text()
        .await?;
    let token = csrf_token(&page).context("no csrf_token on the customer list")?;
    let rows = options.scenario.rows;
    let sheet = |columns: &[TemplateColumn], row: &dyn Fn(usize, &str) -> String| {
        let mut table = Table::new("import");
        for column in columns {
            table = table.column(Locale::ZhCn.t(column.header_key), ColumnKind::Text, 12);
        }
        for n in 0..rows {
            table
                .rows
                .push(columns.iter().map(|c| Cell::Text(row(n, c.key))).collect());
        }
        spreadsheet::to_xlsx(&table)
    };
    let customers = sheet(
        crate::customers::customer::rules::IMPORT_COLUMNS,
        &|n, key| match key {
            "name" => format!("压测客户{n:06}"),
            "contact_person" => "王经理".to_owned(),
            "mobile" => format!("139{n:08}"),
            "address" => "杭州市西湖区文三路 90 号".to_owned(),
            "settlement_type" => "现结".to_owned(),
            _ => String::new(),
        },
    )?;
    let products = sheet(
        crate::system::product::rules::IMPORT_COLUMNS,
        &|n, key| match key {
            "code" => format!("YC{n:06}"),
            "name" => format!("压测写真{n}"),
            "category" => "写真".to_owned(),
            "unit" => "平方米".to_owned(),
            "pricing_mode" => "按面积".to_owned(),
            "list_price" => "25".to_owned(),
            "tiers" => "0:25;10:22;50:20".to_owned(),
            _ => String::new(),
        },
    )?;
    println!(
        "{:<10} {:>10} {:>8} {:>10} {:>10}",
        "backend", "sheet", "rows", "file KiB", "seconds"
    );
    let mut timings = Vec::new();
    let mut errors = 0;
    let started = Instant::now();
    for (what, path, bytes) in [
        ("customers", "/api/v1/customers/import", customers),
        ("products", "/api/v1/products/import", products),
    ] {
        let size = bytes.len();
        let one = Instant::now();
        let res = client
            .post(format!("{base}{path}"))
            .header("x-csrf-token", &token)
            .header(
                "content-type",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            .body(bytes)
            .send()
            .await?;
        let took = one.elapsed();
        let status = res.status();
        let body = res.text().await.unwrap_or_default();
        if !status.is_success() {
            errors += 1;
            println!("{backend}: {what} import answered {status}: {body:.400}");
        }
        println!(
            "{:<10} {:>10} {:>8} {:>10} {:>10.2}",
            backend,
            what,
            rows,
            size / 1024,
            took.as_secs_f64()
        );
        timings.push(took);
    }
    let elapsed = started.elapsed();
    timings.sort_unstable();
    Ok(BenchReport {
        backend,
        clients: 1,
        requests: timings.len(),
        errors,
        elapsed,
        p50: percentile(&timings, 50),
        p99: percentile(&timings, 99),
        rss_idle_kib,
        rss_signed_in_kib: None,
        rss_after_kib: rss_kib(),
    })
}

/// Fills the fresh database with the demo shop (and `years` of history when asked).
async fn demo_shop(db: &Db, years: u32, orders_per_day: u32) -> anyhow::Result<Vec<i64>> {
    let report = crate::demo::run(
        db,
        &crate::demo::DemoOptions {
            customers: 200,
            suppliers: 0,
            products: 300,
            years,
            orders_per_day,
            ..crate::demo::DemoOptions::default()
        },
    )
    .await?;
    if report.orders.orders > 0 {
        println!(
            "history: {} orders, {} lines in {:.1} s",
            report.orders.orders,
            report.orders.lines,
            report.orders.took.as_secs_f64()
        );
    }
    let ids: Vec<i64> = sqlx::query_scalar(
        "select id from products where is_active = 1 and pricing_mode in ('area', 'count', 'sheet', 'set') order by id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(ids)
}

/// The CSRF token of a signed-in client, read from a page, for JSON posts with the cookie.
async fn page_token(client: &reqwest::Client, base: &str) -> anyhow::Result<String> {
    let page = client
        .get(format!("{base}/orders/new"))
        .send()
        .await?
        .text()
        .await?;
    csrf_token(&page).context("no csrf_token on the order form")
}

/// The order-save scenario: every client saves 5-line walk-in orders as fast as it can.
async fn order_save(
    backend: &'static str,
    db: &Db,
    base: &str,
    options: &BenchOptions,
) -> anyhow::Result<BenchReport> {
    set_up(db).await?;
    // A year of history first, as a shop that has been open a while has: the database's
    // statistics and plans are then those of real tables, not of empty ones.
    let products = Arc::new(demo_shop(db, 1, 150).await?);
    anyhow::ensure!(
        !products.is_empty(),
        "the demo shop has no products to sell"
    );
    let rss_idle_kib = rss_kib();
    let mut sign_ins = tokio::task::JoinSet::new();
    for _ in 0..options.clients {
        let base = base.to_owned();
        sign_ins.spawn(async move {
            let client = signed_in_client(&base).await?;
            let token = page_token(&client, &base).await?;
            anyhow::Ok((client, token))
        });
    }
    let mut clients = Vec::with_capacity(options.clients);
    while let Some(joined) = sign_ins.join_next().await {
        clients.push(joined.context("a sign-in task failed")??);
    }
    let rss_signed_in_kib = rss_kib();
    let deadline = Instant::now() + Duration::from_secs(options.seconds);
    let started = Instant::now();
    // Open loop: client `idx` sends its n-th order at `started + (n × clients + idx) / rate`.
    let n_clients = options.clients;
    let interval = options
        .scenario
        .rate
        .filter(|rate| *rate > 0)
        .map(|rate| Duration::from_secs(1) / rate);
    let mut saves = tokio::task::JoinSet::new();
    for (idx, (client, token)) in clients.into_iter().enumerate() {
        let base = base.to_owned();
        let products = Arc::clone(&products);
        let requests = options.requests_per_client;
        saves.spawn(async move {
            let mut rng = crate::demo::SplitMix64::new(idx as u64 + 1);
            let mut latencies = Vec::with_capacity(requests);
            let mut errors = 0;
            for n in 0..requests {
                let due = interval.map(|every| {
                    let slot = u32::try_from(n * n_clients + idx).unwrap_or(u32::MAX);
                    started + every * slot
                });
                if let Some(due) = due {
                    tokio::time::sleep_until(due.into()).await;
                }
                if Instant::now() >= deadline {
                    break;
                }
                let lines: Vec<serde_json::Value> = (0..5)
                    .map(|_| {
                        serde_json::json!({
                            "product_id": *rng.pick(&products),
                            "width": "60", "height": "80", "dimension_unit": "cm",
                            "quantity": (1 + rng.below(5)).to_string(),
                            "pages": "2", "sides": "1",
                        })
                    })
                    .collect();
                let mut body = serde_json::json!({
                    "lines": lines,
                    "form_nonce": format!("bench-{idx}-{n}"),
                });
                // A third leave a mobile, as at a real counter (the list searches it).
                if rng.below(3) == 0 {
                    body["walk_in_name"] = serde_json::json!("王先生");
                    body["walk_in_mobile"] =
                        serde_json::json!(format!("139{:08}", rng.below(100_000_000)));
                }
                let one = due.unwrap_or_else(Instant::now);
                let ok = match client
                    .post(format!("{base}/api/v1/orders"))
                    .header("x-csrf-token", &token)
                    .json(&body)
                    .send()
                    .await
                {
                    Ok(res) => {
                        let status = res.status();
                        let text = res.text().await.unwrap_or_default();
                        if status != reqwest::StatusCode::CREATED && errors == 0 {
                            eprintln!("order save answered {status}: {text:.300}");
                        }
                        status == reqwest::StatusCode::CREATED
                    }
                    Err(_) => false,
                };
                latencies.push(one.elapsed());
                if !ok {
                    errors += 1;
                }
            }
            (latencies, errors)
        });
    }
    let report = gather(
        backend,
        options,
        saves,
        started,
        (rss_idle_kib, rss_signed_in_kib),
    )
    .await?;
    let offered = options.scenario.rate.map_or_else(
        || "as fast as answered".to_owned(),
        |rate| format!("offered {rate}/s"),
    );
    println!(
        "{backend}: {} orders of 5 lines by {} clients ({offered}) in {:.1} s: {:.0} orders/s, p50 {:.1} ms, p99 {:.1} ms, {} errors",
        report.requests,
        report.clients,
        report.elapsed.as_secs_f64(),
        report.requests_per_second(),
        millis(report.p50),
        millis(report.p99),
        report.errors
    );
    Ok(report)
}

/// The order-list scenario: history first, then filtered first pages of the list, each kind of
/// filter timed over the API (the page adds only its template).
async fn order_list(
    backend: &'static str,
    db: &Db,
    base: &str,
    options: &BenchOptions,
) -> anyhow::Result<BenchReport> {
    set_up(db).await?;
    demo_shop(db, options.scenario.years, options.scenario.orders_per_day).await?;
    let rss_idle_kib = rss_kib();
    let client = signed_in_client(base).await?;
    let (last_day, customer, tag): (String, i64, i64) = sqlx::query_as(
        r#"select (select max(order_date) from orders),
                  (select customer_id from orders where customer_id is not null group by customer_id order by count(*) desc limit 1),
                  (select tag_id from order_tags group by tag_id order by count(*) desc limit 1)"#,
    )
    .fetch_one(db.pool())
    .await?;
    // Part of the busiest customer's name, as a clerk types it.
    let customer_name: String = sqlx::query_scalar("select name from customers where id = $1")
        .bind(customer)
        .fetch_one(db.pool())
        .await?;
    let name_part: String = customer_name.chars().take(2).collect();
    let month_ago =
        chrono::NaiveDate::parse_from_str(&last_day, "%Y-%m-%d")? - chrono::Duration::days(30);
    let number_prefix = format!("DD{}", last_day.replace('-', ""));
    let queries: Vec<(&str, String)> = vec![
        ("no filter", String::new()),
        (
            "last 30 days",
            format!("date_from={month_ago}&date_to={last_day}"),
        ),
        ("status draft", "status=draft".to_owned()),
        ("one customer", format!("customer_id={customer}")),
        ("tag", format!("tag_id={tag}")),
        ("number text", format!("q={number_prefix}")),
        (
            "walk-in name",
            format!("q={}", crate::kernel::web::urlencode("王先生")),
        ),
        ("mobile digits", "q=5678".to_owned()),
        (
            "customer name",
            format!("q={}", crate::kernel::web::urlencode(&name_part)),
        ),
        ("sort by total, page 20", "sort=total&page=20".to_owned()),
    ];
    println!(
        "{:<10} {:<24} {:>8} {:>8} {:>8}",
        "backend", "filter", "p50 ms", "p99 ms", "rows"
    );
    let mut all = Vec::new();
    let started = Instant::now();
    let mut errors = 0;
    for (label, query) in &queries {
        let mut samples = Vec::new();
        let mut rows = 0;
        for _ in 0..20 {
            let one = Instant::now();
            let res = client
                .get(format!("{base}/api/v1/orders?{query}"))
                .send()
                .await?;
            let ok = res.status() == reqwest::StatusCode::OK;
            let body: serde_json::Value = res.json().await.unwrap_or_default();
            samples.push(one.elapsed());
            if ok {
                rows = body["total"].as_i64().unwrap_or(0);
            } else {
                errors += 1;
            }
        }
        samples.sort_unstable();
        println!(
            "{:<10} {:<24} {:>8.1} {:>8.1} {:>8}",
            backend,
            label,
            millis(percentile(&samples, 50)),
            millis(percentile(&samples, 99)),
            rows
        );
        all.extend(samples);
    }
    let elapsed = started.elapsed();
    all.sort_unstable();
    Ok(BenchReport {
        backend,
        clients: 1,
        requests: all.len(),
        errors,
        elapsed,
        p50: percentile(&all, 50),
        p99: percentile(&all, 99),
        rss_idle_kib,
        rss_signed_in_kib: None,
        rss_after_kib: rss_kib(),
    })
}

async fn set_up(db: &Db) -> anyhow::Result<()> {
    let input = SetupInput {
        company_name: "压测图文".to_owned(),
        account_set_name: "总店".to_owned(),
        login: ADMIN_LOGIN.to_owned(),
        display_name: "压测".to_owned(),
        password: ADMIN_PASSWORD.to_owned(),
        confirm_password: ADMIN_PASSWORD.to_owned(),
    };
    crate::system::setup::service::set_up(db, &input, Locale::ZhCn)
        .await
        .map_err(|err| anyhow::anyhow!("first-run set-up failed: {:?}", err.messages(Locale::En)))
}

/// A cookie-keeping client signed in as the bench admin, the way a browser does it: read the
/// sign-in page (which sets `pd_csrf`), post the form with that token.
async fn signed_in_client(base: &str) -> anyhow::Result<reqwest::Client> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .context("building an HTTP client")?;
    let page = client
        .get(format!("{base}/sign-in"))
        .send()
        .await
        .context("loading the sign-in page")?
        .text()
        .await?;
    let token = csrf_token(&page).context("no csrf_token on the sign-in page")?;
    let res = client
        .post(format!("{base}/sign-in"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("login", ADMIN_LOGIN),
            ("password", ADMIN_PASSWORD),
        ])
        .send()
        .await
        .context("signing in")?;
    if res.status() != reqwest::StatusCode::SEE_OTHER {
        anyhow::bail!("sign-in answered {}", res.status());
    }
    Ok(client)
}

fn csrf_token(page: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let rest = &page[page.find(marker)? + marker.len()..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// Loads pages until `requests` are done or `deadline` passes. A request that fails or answers
/// anything but 200 counts as an error and its latency is still recorded.
async fn load_pages(
    client: &reqwest::Client,
    base: &str,
    client_idx: usize,
    requests: usize,
    deadline: Instant,
) -> (Vec<Duration>, usize) {
    let mut latencies = Vec::with_capacity(requests);
    let mut errors = 0;
    for request_idx in 0..requests {
        if Instant::now() >= deadline {
            break;
        }
        let path = PAGES[(client_idx + request_idx) % PAGES.len()];
        let started = Instant::now();
        let ok = match client.get(format!("{base}{path}")).send().await {
            Ok(res) => res.status() == reqwest::StatusCode::OK && res.bytes().await.is_ok(),
            Err(_) => false,
        };
        latencies.push(started.elapsed());
        if !ok {
            errors += 1;
        }
    }
    (latencies, errors)
}

/// The nearest-rank percentile of sorted samples; zero when there are none.
fn percentile(sorted: &[Duration], pct: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (sorted.len() * pct).div_ceil(100).max(1);
    sorted[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_is_nearest_rank() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&samples, 50), Duration::from_millis(50));
        assert_eq!(percentile(&samples, 99), Duration::from_millis(99));
        assert_eq!(percentile(&samples[..1], 99), Duration::from_millis(1));
        assert_eq!(percentile(&[], 50), Duration::ZERO);
    }

    #[test]
    fn csrf_token_is_read_from_the_form() {
        let page = r#"<input type="hidden" name="csrf_token" value="abc123">"#;
        assert_eq!(csrf_token(page).as_deref(), Some("abc123"));
        assert_eq!(csrf_token("<form></form>"), None);
    }
}
