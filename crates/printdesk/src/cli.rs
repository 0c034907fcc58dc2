//! The command line: `serve`, `init`, `migrate`, `check`, `backup`, `bench`.
//!
//! Every command reads the same settings: `--data-dir` (PRINTDESK_DATA_DIR, default `./data`)
//! and PRINTDESK_DATABASE_URL (default: SQLite at `<data-dir>/printdesk.db`).

use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tokio::net::TcpListener;

use crate::kernel::db::{Backend, Db};
use crate::kernel::i18n::Locale;
use crate::kernel::web::{self, AppState, Config};

#[derive(Parser)]
#[command(
    name = "printdesk",
    version,
    about = "PrintDesk (印务台): web ERP for print, copy and sign shops"
)]
struct Cli {
    /// Folder for the SQLite database and uploaded files.
    #[arg(
        long,
        env = "PRINTDESK_DATA_DIR",
        default_value = "data",
        global = true
    )]
    data_dir: PathBuf,
    /// Database URL: postgres://… for PostgreSQL; SQLite under the data folder when unset.
    #[arg(
        long,
        env = "PRINTDESK_DATABASE_URL",
        hide_env_values = true,
        global = true
    )]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web app (pages and JSON API).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "PRINTDESK_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Mark cookies Secure (set when served over HTTPS).
        #[arg(long, env = "PRINTDESK_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Trust X-Forwarded-For (only behind your own reverse proxy).
        #[arg(long, env = "PRINTDESK_TRUST_PROXY")]
        trust_proxy: bool,
    },
    /// First-run set-up without a browser; the admin password is read from standard input.
    Init {
        #[arg(long)]
        company: String,
        #[arg(long)]
        account_set: String,
        #[arg(long)]
        admin: String,
        /// The admin's display name (the login when absent).
        #[arg(long)]
        admin_name: Option<String>,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Prove that every account set's journal balances and matches its documents.
    Check,
    /// Write a consistent copy of the database while the app runs.
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
    /// Fill an account set with a realistic demo shop (products, customers, suppliers, prices).
    Demo {
        /// Name or id of the account set; the first one when absent.
        #[arg(long)]
        account_set: Option<String>,
        /// The same seed gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 2000)]
        customers: usize,
        #[arg(long, default_value_t = 300)]
        products: usize,
        #[arg(long, default_value_t = 50)]
        suppliers: usize,
        /// Years of order history, ending yesterday.
        #[arg(long, default_value_t = 1)]
        years: u32,
        /// Orders on an average weekday (0 for no order history).
        #[arg(long, default_value_t = 150)]
        orders_per_day: u32,
        /// Run even if the account set holds demo data already.
        #[arg(long)]
        force: bool,
    },
    /// Load pages over loopback HTTP with N signed-in clients and print req/s and latency.
    Bench {
        /// Concurrent clients, each signed in once.
        #[arg(long, default_value_t = 32)]
        clients: usize,
        /// Page loads per client.
        #[arg(long, default_value_t = 200)]
        requests_per_client: usize,
        /// Upper bound on the page-loading phase, in seconds.
        #[arg(long, default_value_t = 30)]
        seconds: u64,
        /// Which database to measure (each run uses a fresh one).
        #[arg(long, value_enum, default_value = "sqlite")]
        backend: crate::bench::BenchBackend,
        /// PostgreSQL server on which the bench creates and drops its own database.
        #[arg(
            long,
            env = "PRINTDESK_BENCH_POSTGRES_URL",
            default_value = "postgres://postgres@127.0.0.1:5432/test",
            hide_env_values = true
        )]
        postgres_url: String,
        #[command(flatten)]
        scenario: crate::bench::ScenarioArgs,
    },
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: starting the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PRINTDESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// The database URL in effect: the explicit one, or SQLite under the data folder.
pub fn database_url(data_dir: &Path, explicit: Option<&str>) -> anyhow::Result<String> {
    match explicit.filter(|url| !url.trim().is_empty()) {
        Some(url) => Ok(url.to_owned()),
        None => {
            std::fs::create_dir_all(data_dir)
                .with_context(|| format!("creating the data folder {}", data_dir.display()))?;
            Ok(crate::kernel::db::sqlite_url(data_dir))
        }
    }
}

/// Connects and migrates: what every command does first.
pub async fn open_db(url: &str) -> anyhow::Result<Db> {
    let db = Db::connect(url, 16).await?;
    db.migrate().await?;
    crate::system::settings_list::seed_missing(&db).await?;
    Ok(db)
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let url = database_url(&cli.data_dir, cli.database_url.as_deref())?;
    match cli.command {
        Command::Serve {
            addr,
            secure_cookies,
            trust_proxy,
        } => {
            let db = open_db(&url).await?;
            let config = Config {
                addr,
                data_dir: cli.data_dir,
                database_url: url,
                secure_cookies,
                trust_proxy,
            };
            // Uploads cut off by a crash or a kill stay in incoming/ as *.partial; a day old,
            // none of them can still be arriving.
            match crate::kernel::spool::sweep_incoming(
                &config,
                std::time::Duration::from_secs(24 * 3600),
            ) {
                Ok(0) => {}
                Ok(n) => tracing::info!(files = n, "removed uploads left unfinished"),
                Err(err) => tracing::warn!(
                    error = format!("{err:#}"),
                    "could not clear unfinished uploads"
                ),
            }
            let listener = TcpListener::bind(addr)
                .await
                .with_context(|| format!("listening on {addr}"))?;
            tracing::info!("PrintDesk is serving on http://{}", listener.local_addr()?);
            serve(
                listener,
                AppState {
                    db,
                    config: Arc::new(config),
                },
                shutdown_signal(),
            )
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Init {
            company,
            account_set,
            admin,
            admin_name,
        } => {
            let db = open_db(&url).await?;
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            let input = crate::system::setup::service::SetupInput {
                company_name: company,
                account_set_name: account_set,
                display_name: admin_name.unwrap_or_default(),
                login: admin,
                confirm_password: password.clone(),
                password,
            };
            match crate::system::setup::service::set_up(&db, &input, Locale::ZhCn).await {
                Ok(()) => {
                    println!(
                        "PrintDesk is set up. Sign in as {} after `printdesk serve`.",
                        input.login
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(err) => {
                    for (field, message) in err.messages(Locale::ZhCn) {
                        eprintln!("{field}: {message}");
                    }
                    Ok(ExitCode::from(2))
                }
            }
        }
        Command::Migrate => {
            let db = Db::connect(&url, 2).await?;
            let applied = db.migrate().await?;
            println!("migrations applied: {applied:?}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Check => {
            let db = open_db(&url).await?;
            let problems = crate::finance::journal::service::check_books(&db).await?;
            if problems.is_empty() {
                println!("ok: every account set's journal balances and matches its documents");
                Ok(ExitCode::SUCCESS)
            } else {
                for problem in &problems {
                    println!("{problem}");
                }
                Ok(ExitCode::FAILURE)
            }
        }
        Command::Backup { out } => {
            let db = Db::connect(&url, 2).await?;
            backup(&db, &url, &out).await?;
            println!("backup written to {}", out.display());
            if crate::kernel::storage::S3Settings::from_env().is_some() {
                println!(
                    "order files are in the S3 bucket: back it up with the bucket's own tools"
                );
            } else {
                let files = cli.data_dir.join("files");
                let copy = files_backup_path(&out);
                let n = backup_files(&files, &copy)?;
                if n > 0 {
                    println!("{n} order files copied to {}", copy.display());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo {
            account_set,
            seed,
            customers,
            products,
            suppliers,
            years,
            orders_per_day,
            force,
        } => {
            let db = open_db(&url).await?;
            let options = crate::demo::DemoOptions {
                account_set,
                seed,
                customers,
                products,
                suppliers,
                years,
                orders_per_day,
                force,
            };
            let report = crate::demo::run(&db, &options).await?;
            println!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            clients,
            requests_per_client,
            seconds,
            backend,
            postgres_url,
            scenario,
        } => {
            let options = crate::bench::BenchOptions {
                scenario,
                clients,
                requests_per_client,
                seconds,
                backend,
                postgres_url,
            };
            let reports = crate::bench::run(&options).await?;
            let failed = reports.iter().any(|report| report.errors > 0);
            Ok(if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

/// Serves the app on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let app = web::router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .context("serving HTTP")
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// Where `printdesk backup --out FILE` copies the order files: the folder `FILE.files` beside it.
pub fn files_backup_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".files");
    PathBuf::from(name)
}

/// Copies the order files under `files` (the data folder's `files/`) to `to`, keeping their
/// paths, and returns how many were copied. Files are never changed once stored (a new upload
/// gets a new key), so a copy taken while the app runs holds every file the database backup
/// names except uploads of the last moments; half-written uploads (`*.partial`) are skipped.
pub fn backup_files(files: &Path, to: &Path) -> anyhow::Result<u64> {
    if !files.is_dir() {
        return Ok(0);
    }
    if to.exists() {
        anyhow::bail!("{} exists already; choose a new file name", to.display());
    }
    let mut copied = 0;
    let mut folders = vec![files.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries =
            std::fs::read_dir(&folder).with_context(|| format!("reading {}", folder.display()))?;
        for entry in entries {
            let path = entry?.path();
            let relative = path.strip_prefix(files).unwrap_or(&path);
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_none_or(|ext| ext != "partial") {
                let target = to.join(relative);
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("creating {}", parent.display()))?;
                }
                std::fs::copy(&path, &target)
                    .with_context(|| format!("copying {}", path.display()))?;
                copied += 1;
            }
        }
    }
    Ok(copied)
}

/// Writes a consistent copy of the database to `out`: SQLite's `VACUUM INTO` (a snapshot taken
/// inside one read transaction, safe while the app writes), or `pg_dump --format=custom`.
pub async fn backup(db: &Db, url: &str, out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        anyhow::bail!("{} exists already; choose a new file name", out.display());
    }
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    match db.backend() {
        Backend::Sqlite => {
            let target = out
                .to_str()
                .context("the backup path must be valid UTF-8")?;
            sqlx::query("vacuum into $1")
                .bind(target)
                .execute(db.pool())
                .await
                .context("VACUUM INTO")?;
        }
        Backend::Postgres => {
            let status = tokio::process::Command::new("pg_dump")
                .arg("--format=custom")
                .arg("--no-owner")
                .arg("--file")
                .arg(out)
                .arg("--dbname")
                .arg(url)
                .status()
                .await
                .context("running pg_dump (install the PostgreSQL client tools)")?;
            if !status.success() {
                anyhow::bail!("pg_dump failed with {status}");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_copies_order_files_but_not_half_written_ones() {
        let root = std::env::temp_dir().join(format!("pd_files_{:016x}", rand::random::<u64>()));
        let files = root.join("data").join("files");
        let folder = files.join("order-files").join("7");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("a1.pdf"), b"%PDF-1.7 one").unwrap();
        std::fs::write(folder.join("b2.jpg"), b"jpeg").unwrap();
        std::fs::write(folder.join("c3.partial"), b"half").unwrap();
        let out = root.join("backups").join("printdesk-2026-11-25.db");
        let copy = files_backup_path(&out);
        assert_eq!(
            copy,
            root.join("backups").join("printdesk-2026-11-25.db.files")
        );
        assert_eq!(backup_files(&files, &copy).unwrap(), 2);
        let copied = copy.join("order-files").join("7");
        assert_eq!(
            std::fs::read(copied.join("a1.pdf")).unwrap(),
            b"%PDF-1.7 one"
        );
        assert_eq!(std::fs::read(copied.join("b2.jpg")).unwrap(), b"jpeg");
        assert!(!copied.join("c3.partial").exists());
        assert!(
            backup_files(&files, &copy).is_err(),
            "never overwrites a backup"
        );
        assert_eq!(
            backup_files(&root.join("none"), &root.join("x")).unwrap(),
            0
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}
