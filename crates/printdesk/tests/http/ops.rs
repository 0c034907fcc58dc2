//! Tests of operations: backup and restore, crash safety (a transaction aborted at every step,
//! and the server process killed mid-write), `/healthz`, and the `migrate` and `init` commands
//! run through the real binary. Each runs on SQLite and PostgreSQL.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use printdesk::finance::journal::rules::{EntryLine, NewEntry};
use printdesk::finance::journal::{service as journal, source_kind};
use printdesk::finance::ledger_account::LedgerAccountId;
use printdesk::kernel::auth::UserId;
use printdesk::kernel::db::Db;
use printdesk::kernel::money::Money;
use printdesk::kernel::tenancy::{AccountSetId, Scope};
use printdesk::kernel::{audit, idempotency};
use reqwest::StatusCode;
use serde_json::json;
use sqlx::Connection;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::backend_tests;
use crate::harness::{ADMIN_LOGIN, ADMIN_PASSWORD, Backend, TestApp, spawn_app};

/// Every table a restore must bring back, row for row.
const TABLES: &[&str] = &[
    "company",
    "account_sets",
    "users",
    "ledger_accounts",
    "journal_entries",
    "journal_lines",
    "audit_log",
];

async fn backup_restores_every_document(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let first = first_account_set(&app.db).await;
    let mut tx = app.db.begin_write().await.expect("begin");
    let second =
        printdesk::system::account_set::service::create_account_set(&mut tx, "分店", "name")
            .await
            .expect("second account set");
    tx.commit().await.expect("commit");
    for (account_set, n_entries) in [(first, 3), (second, 2)] {
        for entry_idx in 0..n_entries {
            let amount = format!("{}.25", 100 + entry_idx);
            post_cash_sale(&app.db, account_set, &amount).await;
        }
    }
    let before = table_counts(&app.db).await;
    assert_eq!(before["journal_entries"], 5);
    assert_eq!(before["journal_lines"], 10);
    assert_eq!(before["account_sets"], 2);

    // The backup is taken while the app serves requests.
    let backup_dir = temp_dir("printdesk_backup");
    let file = backup_dir.join(match backend {
        Backend::Sqlite => "printdesk-backup.db",
        Backend::Postgres => "printdesk-backup.dump",
    });
    assert_eq!(app.browser().get("/healthz").await.status(), StatusCode::OK);
    printdesk::cli::backup(&app.db, &app.database_url, &file)
        .await
        .expect("backup");
    assert!(
        printdesk::cli::backup(&app.db, &app.database_url, &file)
            .await
            .is_err(),
        "an existing backup is never overwritten"
    );

    let restored = restore(backend, &file).await;
    assert_eq!(table_counts(&restored.db).await, before);
    assert_eq!(
        journal::check_books(&restored.db)
            .await
            .expect("check_books"),
        Vec::<String>::new()
    );
    let amounts: Vec<i64> =
        sqlx::query_scalar("select debit from journal_lines where debit > 0 order by id")
            .fetch_all(restored.db.pool())
            .await
            .expect("amounts");
    assert_eq!(
        amounts,
        [1_002_500, 1_012_500, 1_022_500, 1_002_500, 1_012_500],
        "amounts survive to the 0.0001 yuan"
    );
    restored.db.close().await;
    restored.clean_up().await;
    let _ = std::fs::remove_dir_all(&backup_dir);
}

async fn crash_safety(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let account_set = first_account_set(&app.db).await;
    let scope = Scope::for_operator_task(account_set);
    let user = admin_id(&app.db).await;
    let cash = account(&app.db, account_set, "1001").await;
    let sales = account(&app.db, account_set, "5001").await;
    let tax = account(&app.db, account_set, "2221").await;
    let before = table_counts(&app.db).await;

    // (a) A document written step by step through the public paths, abandoned after each step:
    // claim the form nonce, post the entry (header and lines), record the nonce's document, write
    // the audit line. Dropping the transaction must leave nothing of any step.
    let entry = three_line_entry(cash, sales, tax);
    for steps in 0..=4 {
        let mut tx = app.db.begin_write().await.expect("begin");
        let nonce = format!("crash-{steps}");
        if steps >= 1 {
            idempotency::claim(&mut tx, &nonce, user.0)
                .await
                .expect("claim");
        }
        let mut entry_id = None;
        if steps >= 2 {
            entry_id = Some(
                journal::post(&mut tx, &scope, Some(user), &entry)
                    .await
                    .expect("post")
                    .0,
            );
        }
        if let (true, Some(id)) = (steps >= 3, entry_id) {
            idempotency::complete(&mut tx, &nonce, id)
                .await
                .expect("complete");
        }
        if steps >= 4 {
            audit::record(
                &mut tx,
                Some(&scope),
                Some(user),
                "create",
                "journal_entry",
                entry_id,
                "收现金",
            )
            .await
            .expect("audit");
        }
        drop(tx);
        assert_eq!(
            table_counts(&app.db).await,
            before,
            "aborted after {steps} steps"
        );
    }
    assert_eq!(app.count("select count(*) from form_submissions").await, 0);

    // The same, row by row: the journal's own insert statements, stopped after k rows.
    let lines = [
        (cash, 1_130_000, 0),
        (sales, 0, 1_000_000),
        (tax, 0, 130_000),
    ];
    for k in 0..=1 + lines.len() {
        let mut tx = app.db.begin_write().await.expect("begin");
        if k >= 1 {
            sqlx::query(
                r#"insert into journal_entries (account_set_id, entry_no, entry_date, memo, source_kind, created_at)
                   values ($1, 900, '2026-11-25', '半张凭证', 'manual', '2026-11-25T00:00:00Z')"#,
            )
            .bind(account_set.0)
            .execute(&mut *tx)
            .await
            .expect("insert entry");
        }
        for (line_idx, (account, debit, credit)) in
            lines.iter().enumerate().take(k.saturating_sub(1))
        {
            sqlx::query(
                r#"insert into journal_lines (account_set_id, entry_id, line_no, ledger_account_id, debit, credit)
                   values ($1, (select max(id) from journal_entries), $2, $3, $4, $5)"#,
            )
            .bind(account_set.0)
            .bind(i64::try_from(line_idx).expect("small") + 1)
            .bind(account.0)
            .bind(*debit)
            .bind(*credit)
            .execute(&mut *tx)
            .await
            .expect("insert line");
        }
        drop(tx);
        assert_eq!(
            table_counts(&app.db).await,
            before,
            "aborted after {k} rows"
        );
    }

    // A document that posts two entries, the second with an unknown account: the first goes too.
    let bad = NewEntry::parse(
        "2026-11-25",
        "坏科目",
        source_kind::MANUAL,
        None,
        vec![
            line(cash, "5", "0"),
            line(LedgerAccountId(999_999), "0", "5"),
        ],
    )
    .expect("balanced");
    let mut tx = app.db.begin_write().await.expect("begin");
    journal::post(&mut tx, &scope, Some(user), &entry)
        .await
        .expect("first entry");
    assert!(
        journal::post(&mut tx, &scope, Some(user), &bad)
            .await
            .is_err()
    );
    drop(tx);
    assert_eq!(table_counts(&app.db).await, before);

    // Committed, the whole document arrives.
    let mut tx = app.db.begin_write().await.expect("begin");
    journal::post(&mut tx, &scope, Some(user), &entry)
        .await
        .expect("post");
    tx.commit().await.expect("commit");
    assert_eq!(
        app.count("select count(*) from journal_lines").await,
        before["journal_lines"] + 3
    );

    // (b) The server process killed with SIGKILL while clients post entries.
    let acknowledged = kill_server_mid_write(&app).await;
    let entries = app.count("select count(*) from journal_entries").await;
    assert!(
        entries >= before["journal_entries"] + 1 + acknowledged,
        "every acknowledged entry survived the kill ({entries} entries, {acknowledged} acknowledged)"
    );
    let short: Vec<i64> = sqlx::query_scalar(
        r#"select e.entry_no from journal_entries e
           where (select count(*) from journal_lines l where l.entry_id = e.id) <> 3
           order by e.entry_no"#,
    )
    .fetch_all(app.db.pool())
    .await
    .expect("lines per entry");
    assert_eq!(short, Vec::<i64>::new(), "entries without all their lines");
    assert_eq!(
        journal::check_books(&app.db).await.expect("check_books"),
        Vec::<String>::new()
    );
}

/// How many acknowledged entries the kill waits for.
const KILL_AFTER: usize = 30;

/// Runs `printdesk serve` on the app's database, has 8 clients post three-line entries, kills
/// the process once `KILL_AFTER` are acknowledged, and returns how many were acknowledged.
async fn kill_server_mid_write(app: &TestApp) -> i64 {
    let port = free_port().await;
    let mut child = printdesk_command(app)
        .arg("serve")
        .env("PRINTDESK_ADDR", format!("127.0.0.1:{port}"))
        .env("PRINTDESK_LOG", "info")
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("starting printdesk serve");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    loop {
        let line = lines
            .next_line()
            .await
            .expect("reading the server's log")
            .expect("the server exited before serving");
        if line.contains("PrintDesk is serving on") {
            break;
        }
    }
    // Keep draining the log so the child never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let res = http
        .post(format!("{base}/api/v1/auth/token"))
        .json(&json!({ "login": ADMIN_LOGIN, "password": ADMIN_PASSWORD }))
        .send()
        .await
        .expect("token");
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.expect("token JSON");
    let token = body["token"].as_str().expect("token").to_owned();
    let account_set = first_account_set(&app.db).await;
    let ids = [
        account(&app.db, account_set, "1001").await.0,
        account(&app.db, account_set, "5001").await.0,
        account(&app.db, account_set, "2221").await.0,
    ];

    let acknowledged = Arc::new(AtomicUsize::new(0));
    let enough = Arc::new(tokio::sync::Notify::new());
    let mut writers = tokio::task::JoinSet::new();
    for writer_idx in 0..8 {
        let (http, base, token, acknowledged, enough) = (
            http.clone(),
            base.clone(),
            token.clone(),
            Arc::clone(&acknowledged),
            Arc::clone(&enough),
        );
        writers.spawn(async move {
            for entry_idx in 0..1000 {
                let body = json!({
                    "entry_date": "2026-11-25",
                    "memo": format!("写入 {writer_idx}-{entry_idx}"),
                    "lines": [
                        { "ledger_account_id": ids[0].to_string(), "debit": "113.00" },
                        { "ledger_account_id": ids[1].to_string(), "credit": "100.00" },
                        { "ledger_account_id": ids[2].to_string(), "credit": "13.00" },
                    ],
                });
                let sent = http
                    .post(format!("{base}/api/v1/journal-entries"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await;
                match sent {
                    Ok(res) if res.status() == StatusCode::CREATED => {
                        if acknowledged.fetch_add(1, Ordering::SeqCst) + 1 == KILL_AFTER {
                            enough.notify_one();
                        }
                    }
                    Ok(res) => panic!("posting an entry answered {}", res.status()),
                    // The server is gone: the kill happened.
                    Err(_) => return,
                }
            }
        });
    }
    // A bound, not a timing assertion: if the writers stall, fail instead of hanging.
    tokio::time::timeout(std::time::Duration::from_secs(120), enough.notified())
        .await
        .expect("the writers never reached the kill point");
    child.start_kill().expect("SIGKILL");
    let acknowledged_at_kill = acknowledged.load(Ordering::SeqCst);
    child.wait().await.expect("reaping the killed server");
    while let Some(joined) = writers.join_next().await {
        joined.expect("writer");
    }
    let total = acknowledged.load(Ordering::SeqCst);
    assert!(total >= acknowledged_at_kill);
    i64::try_from(total).expect("small count")
}

async fn healthz_and_migrate(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app.browser().get("/healthz").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.expect("body"), "ok");

    // Migrating an up-to-date database does nothing, however often.
    assert_eq!(app.db.migrate().await.expect("migrate"), Vec::<i64>::new());
    assert_eq!(app.db.migrate().await.expect("migrate"), Vec::<i64>::new());
    let applied = app.count("select count(*) from schema_migrations").await;
    assert_eq!(
        usize::try_from(applied).expect("count"),
        printdesk::kernel::db::migration_names().len()
    );

    // `printdesk migrate` through the binary: on a fresh SQLite folder it applies everything,
    // the second time nothing.
    if backend == Backend::Sqlite {
        let fresh = temp_dir("printdesk_migrate");
        let first = run_printdesk(Some(&fresh), None, &["migrate"], "").await;
        assert!(first.status.success(), "{first:?}");
        assert!(String::from_utf8_lossy(&first.stdout).contains("migrations applied: [1"));
        assert!(fresh.join("printdesk.db").exists());
        let again = run_printdesk(Some(&fresh), None, &["migrate"], "").await;
        assert!(again.status.success(), "{again:?}");
        assert!(String::from_utf8_lossy(&again.stdout).contains("migrations applied: []"));
        let _ = std::fs::remove_dir_all(&fresh);
    }
    let migrate = run_app_printdesk(&app, &["migrate"], "").await;
    assert!(migrate.status.success(), "{migrate:?}");
    assert!(String::from_utf8_lossy(&migrate.stdout).contains("migrations applied: []"));

    // `printdesk init` sets up the app's database with the password from standard input...
    let init_args = [
        "init",
        "--company",
        "星光图文",
        "--account-set",
        "总店",
        "--admin",
        "boss",
        "--admin-name",
        "李老板",
    ];
    let init = run_app_printdesk(&app, &init_args, "Xingguang1\n").await;
    assert!(init.status.success(), "{init:?}");
    assert_eq!(app.count("select count(*) from company").await, 1);
    let boss = app.sign_in("boss", "Xingguang1").await;
    let (status, page) = boss.get_text("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("李老板"), "{page}");

    // ...and refuses a second run without touching anything.
    let again = run_app_printdesk(&app, &init_args, "Xingguang1\n").await;
    assert!(!again.status.success(), "{again:?}");
    assert_eq!(app.count("select count(*) from company").await, 1);
    assert_eq!(app.count("select count(*) from users").await, 1);

    // A bad password is reported by field, in Chinese, and saves nothing.
    let other = spawn_app(backend).await;
    let weak = run_app_printdesk(&other, &init_args, "12345678\n").await;
    assert!(!weak.status.success());
    assert!(
        String::from_utf8_lossy(&weak.stderr).contains("password:"),
        "{weak:?}"
    );
    assert_eq!(other.count("select count(*) from company").await, 0);
}

// ---- Helpers ----

fn line(account: LedgerAccountId, debit: &str, credit: &str) -> EntryLine {
    EntryLine {
        ledger_account_id: account,
        debit: Money::parse(debit).expect("amount"),
        credit: Money::parse(credit).expect("amount"),
        memo: String::new(),
    }
}

/// 收现金 113.00: 100.00 sales and 13.00 VAT.
fn three_line_entry(
    cash: LedgerAccountId,
    sales: LedgerAccountId,
    tax: LedgerAccountId,
) -> NewEntry {
    NewEntry::parse(
        "2026-11-25",
        "收现金",
        source_kind::MANUAL,
        None,
        vec![
            line(cash, "113.00", "0"),
            line(sales, "0", "100.00"),
            line(tax, "0", "13.00"),
        ],
    )
    .expect("balanced entry")
}

/// Posts a two-line cash sale of `amount` in `account_set`, as an operator task, with its audit line.
async fn post_cash_sale(db: &Db, account_set: AccountSetId, amount: &str) {
    let scope = Scope::for_operator_task(account_set);
    let user = admin_id(db).await;
    let entry = NewEntry::parse(
        "2026-11-25",
        "收现金",
        source_kind::MANUAL,
        None,
        vec![
            line(account(db, account_set, "1001").await, amount, "0"),
            line(account(db, account_set, "5001").await, "0", amount),
        ],
    )
    .expect("balanced entry");
    let mut tx = db.begin_write().await.expect("begin");
    let id = journal::post(&mut tx, &scope, Some(user), &entry)
        .await
        .expect("post");
    audit::record(
        &mut tx,
        Some(&scope),
        Some(user),
        "create",
        "journal_entry",
        Some(id.0),
        "收现金",
    )
    .await
    .expect("audit");
    tx.commit().await.expect("commit");
}

async fn first_account_set(db: &Db) -> AccountSetId {
    AccountSetId(
        sqlx::query_scalar("select min(id) from account_sets")
            .fetch_one(db.pool())
            .await
            .expect("account set"),
    )
}

async fn admin_id(db: &Db) -> UserId {
    UserId(
        sqlx::query_scalar("select min(id) from users")
            .fetch_one(db.pool())
            .await
            .expect("user"),
    )
}

async fn account(db: &Db, account_set: AccountSetId, code: &str) -> LedgerAccountId {
    LedgerAccountId(
        sqlx::query_scalar(
            "select id from ledger_accounts where account_set_id = $1 and code = $2",
        )
        .bind(account_set.0)
        .bind(code)
        .fetch_one(db.pool())
        .await
        .expect("ledger account"),
    )
}

async fn table_counts(db: &Db) -> std::collections::BTreeMap<&'static str, i64> {
    let mut counts = std::collections::BTreeMap::new();
    for table in TABLES {
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from {table}")))
                .fetch_one(db.pool())
                .await
                .expect("count");
        counts.insert(*table, n);
    }
    counts
}

fn temp_dir(prefix: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{prefix}_{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).expect("creating a temporary folder");
    dir
}

fn postgres_admin_url() -> String {
    std::env::var("PRINTDESK_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A database restored from a backup file, and what to remove afterwards.
struct Restored {
    db: Db,
    dir: Option<PathBuf>,
    pg_database: Option<String>,
}

impl Restored {
    async fn clean_up(self) {
        if let Some(dir) = self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some(name) = self.pg_database {
            let mut conn = sqlx::postgres::PgConnection::connect(&postgres_admin_url())
                .await
                .expect("connecting to PostgreSQL");
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "drop database if exists {name} with (force)"
            )))
            .execute(&mut conn)
            .await
            .expect("dropping the restored database");
        }
    }
}

/// Restores as the operations guide says: SQLite, put the file back as `printdesk.db` in a data
/// folder; PostgreSQL, `pg_restore` into a new, empty database.
async fn restore(backend: Backend, file: &Path) -> Restored {
    match backend {
        Backend::Sqlite => {
            let dir = temp_dir("printdesk_restore");
            std::fs::copy(file, dir.join("printdesk.db")).expect("copying the backup");
            let db = Db::connect(&printdesk::kernel::db::sqlite_url(&dir), 2)
                .await
                .expect("opening the restored database");
            assert_eq!(db.migrate().await.expect("migrate"), Vec::<i64>::new());
            Restored {
                db,
                dir: Some(dir),
                pg_database: None,
            }
        }
        Backend::Postgres => {
            let admin_url = postgres_admin_url();
            let name = format!("pd_restore_{:016x}", rand::random::<u64>());
            let mut conn = sqlx::postgres::PgConnection::connect(&admin_url)
                .await
                .expect("connecting to PostgreSQL");
            sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
                .execute(&mut conn)
                .await
                .expect("creating the restore database");
            let base = admin_url
                .rsplit_once('/')
                .map_or(admin_url.as_str(), |(base, _)| base);
            let url = format!("{base}/{name}");
            let restored = Restored {
                db: Db::connect(&url, 2).await.expect("connecting"),
                dir: None,
                pg_database: Some(name),
            };
            let output = tokio::process::Command::new("pg_restore")
                .args(["--no-owner", "--exit-on-error", "--dbname"])
                .arg(&url)
                .arg(file)
                .output()
                .await
                .expect("running pg_restore");
            assert!(output.status.success(), "pg_restore: {output:?}");
            assert_eq!(
                restored.db.migrate().await.expect("migrate"),
                Vec::<i64>::new()
            );
            restored
        }
    }
}

async fn free_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binding a port");
    listener.local_addr().expect("address").port()
}

/// The `printdesk` binary pointed at the app's database.
fn printdesk_command(app: &TestApp) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_printdesk"));
    command.env("PRINTDESK_DATA_DIR", &app.data_dir);
    match app.backend {
        // SQLite's default file under the data folder is the app's database.
        Backend::Sqlite => command.env_remove("PRINTDESK_DATABASE_URL"),
        Backend::Postgres => command.env("PRINTDESK_DATABASE_URL", &app.database_url),
    };
    command
}

async fn run_app_printdesk(app: &TestApp, args: &[&str], stdin: &str) -> std::process::Output {
    let url = (app.backend == Backend::Postgres).then_some(app.database_url.as_str());
    run_printdesk(Some(&app.data_dir), url, args, stdin).await
}

async fn run_printdesk(
    data_dir: Option<&Path>,
    database_url: Option<&str>,
    args: &[&str],
    stdin: &str,
) -> std::process::Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_printdesk"));
    command
        .args(args)
        .env_remove("PRINTDESK_DATABASE_URL")
        .env("PRINTDESK_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = data_dir {
        command.env("PRINTDESK_DATA_DIR", dir);
    }
    if let Some(url) = database_url {
        command.env("PRINTDESK_DATABASE_URL", url);
    }
    let mut child = command.spawn().expect("starting printdesk");
    let mut input = child.stdin.take().expect("stdin");
    input
        .write_all(stdin.as_bytes())
        .await
        .expect("writing stdin");
    drop(input);
    child.wait_with_output().await.expect("printdesk output")
}

backend_tests!(
    backup_restores_every_document,
    crash_safety,
    healthz_and_migrate
);
