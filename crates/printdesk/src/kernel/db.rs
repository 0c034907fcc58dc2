//! The database: one [`Db`] over SQLite or PostgreSQL through sqlx's `Any` driver.
//!
//! Every query in PrintDesk is one text that runs on both backends (`$1` placeholders, the shared
//! SQL subset; DESIGN.md "Stack"). Where the dialects really differ, the difference lives here
//! behind a named function, never in a chapter. This module also owns the embedded migrations
//! ([`Db::migrate`]) and the one way to open a write transaction ([`Db::begin_write`]).
//!
//! It knows nothing of business tables.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, ConnectOptions, Connection, Executor};

/// A write transaction. Dropping it without `commit` rolls it back: that is how a failed use case
/// leaves nothing half-saved.
pub type Tx = sqlx::Transaction<'static, Any>;

/// The two supported backends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool plus the backend it talks to. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    /// Where writes go. On SQLite a pool of one connection: writers queue for it in order
    /// inside the process instead of meeting on SQLite's file lock, whose busy handler sleeps in
    /// steps of up to 100 ms and lets late comers overtake (a p99 of ~500 ms at 32 concurrent
    /// order saves, docs/performance.md). On PostgreSQL the same pool as reads.
    writer: AnyPool,
    backend: Backend,
    cache: std::sync::Arc<super::cache::Cache>,
    batchers: std::sync::Arc<super::batch::Batchers>,
    /// Dropped with the last handle, which stops the SQLite checkpointer.
    _checkpointer: Option<std::sync::Arc<tokio::sync::oneshot::Sender<()>>>,
}

/// Errors of the store layer (CONVENTIONS.md §5).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Occurs when a row does not exist, or exists in another account set.
    #[error("row not found")]
    NotFound,
    /// Occurs when a unique or foreign-key constraint refuses the write.
    #[error("constraint violated: {0}")]
    Conflict(String),
    /// Anything else the database reported.
    #[error(transparent)]
    Db(sqlx::Error),
}

/// What store functions return.
pub type StoreResult<T> = Result<T, StoreError>;

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> StoreError {
        match err {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db_err)
                if db_err.is_unique_violation() || db_err.is_foreign_key_violation() =>
            {
                StoreError::Conflict(db_err.message().to_owned())
            }
            other => StoreError::Db(other),
        }
    }
}

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// The embedded migrations, in order. `tests/tidy.rs` checks this list against both folders.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "kernel",
        sqlite: include_str!("../../migrations/sqlite/0001_kernel.sql"),
        postgres: include_str!("../../migrations/postgres/0001_kernel.sql"),
    },
    Migration {
        version: 2,
        name: "settings_lists",
        sqlite: include_str!("../../migrations/sqlite/0002_settings_lists.sql"),
        postgres: include_str!("../../migrations/postgres/0002_settings_lists.sql"),
    },
    Migration {
        version: 3,
        name: "customers",
        sqlite: include_str!("../../migrations/sqlite/0003_customers.sql"),
        postgres: include_str!("../../migrations/postgres/0003_customers.sql"),
    },
    Migration {
        version: 4,
        name: "products",
        sqlite: include_str!("../../migrations/sqlite/0004_products.sql"),
        postgres: include_str!("../../migrations/postgres/0004_products.sql"),
    },
    Migration {
        version: 5,
        name: "customer_prices",
        sqlite: include_str!("../../migrations/sqlite/0005_customer_prices.sql"),
        postgres: include_str!("../../migrations/postgres/0005_customer_prices.sql"),
    },
    Migration {
        version: 6,
        name: "orders",
        sqlite: include_str!("../../migrations/sqlite/0006_orders.sql"),
        postgres: include_str!("../../migrations/postgres/0006_orders.sql"),
    },
    Migration {
        version: 7,
        name: "task_defaults",
        sqlite: include_str!("../../migrations/sqlite/0007_task_defaults.sql"),
        postgres: include_str!("../../migrations/postgres/0007_task_defaults.sql"),
    },
    Migration {
        version: 8,
        name: "order_list_indexes",
        sqlite: include_str!("../../migrations/sqlite/0008_order_list_indexes.sql"),
        postgres: include_str!("../../migrations/postgres/0008_order_list_indexes.sql"),
    },
    Migration {
        version: 9,
        name: "order_files",
        sqlite: include_str!("../../migrations/sqlite/0009_order_files.sql"),
        postgres: include_str!("../../migrations/postgres/0009_order_files.sql"),
    },
    Migration {
        version: 10,
        name: "product_size_limits",
        sqlite: include_str!("../../migrations/sqlite/0010_product_size_limits.sql"),
        postgres: include_str!("../../migrations/postgres/0010_product_size_limits.sql"),
    },
    Migration {
        version: 11,
        name: "order_list_live_index",
        sqlite: include_str!("../../migrations/sqlite/0011_order_list_live_index.sql"),
        postgres: include_str!("../../migrations/postgres/0011_order_list_live_index.sql"),
    },
    Migration {
        version: 12,
        name: "order_search_values",
        sqlite: include_str!("../../migrations/sqlite/0012_order_search_values.sql"),
        postgres: include_str!("../../migrations/postgres/0012_order_search_values.sql"),
    },
];

/// Versions and names of the embedded migrations, for the tidy test and `printdesk migrate`.
pub fn migration_names() -> Vec<(i64, &'static str)> {
    MIGRATIONS.iter().map(|m| (m.version, m.name)).collect()
}

/// The SQLite URL for the default database file under `data_dir`.
pub fn sqlite_url(data_dir: &Path) -> String {
    format!(
        "sqlite://{}?mode=rwc",
        data_dir.join("printdesk.db").display()
    )
}

/// Prepared statements kept per PostgreSQL connection. sqlx keeps 100; a batch of new orders
/// alone has some 80 statement texts (a multi-row insert is a new text for each row count), and a
/// statement pushed out is parsed and planned again on its next use.
const PG_STATEMENT_CACHE: usize = 1000;

/// `url` with a larger statement cache for PostgreSQL, unless the URL sets one.
fn with_statement_cache(url: &str, backend: Backend) -> String {
    if backend != Backend::Postgres || url.contains("statement-cache-capacity=") {
        return url.to_owned();
    }
    let joint = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joint}statement-cache-capacity={PG_STATEMENT_CACHE}")
}

/// How long a pooled connection may sit unused before it is pinged on its next loan.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(10);

impl Db {
    /// Connects to `url` (`sqlite://…` or `postgres://…`). For SQLite the file is created if
    /// missing and every connection gets WAL, `synchronous=NORMAL`, a busy timeout and foreign keys.
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            anyhow::bail!("unsupported database URL (expected sqlite:// or postgres://)");
        };
        let url = with_statement_cache(url, backend);
        let options = AnyConnectOptions::from_str(&url)
            .context("parsing the database URL")?
            .log_statements(tracing::log::LevelFilter::Trace)
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(500));
        let pool = Self::pool_options(backend, max_connections)
            .connect_with(options.clone())
            .await
            .context("connecting to the database")?;
        let (writer, checkpointer) = match backend {
            Backend::Sqlite => {
                let writer = Self::pool_options(backend, 1)
                    .connect_with(options)
                    .await
                    .context("connecting to the database")?;
                let (stop, stopped) = tokio::sync::oneshot::channel();
                tokio::spawn(checkpoint_wal(pool.clone(), stopped));
                (writer, Some(std::sync::Arc::new(stop)))
            }
            Backend::Postgres => (pool.clone(), None),
        };
        Ok(Db {
            pool,
            writer,
            backend,
            cache: std::sync::Arc::default(),
            batchers: std::sync::Arc::default(),
            _checkpointer: checkpointer,
        })
    }

    fn pool_options(backend: Backend, max_connections: u32) -> AnyPoolOptions {
        AnyPoolOptions::new()
            .max_connections(max_connections)
            .min_connections(0)
            .acquire_timeout(Duration::from_secs(10))
            // sqlx pings every connection before lending it: one more round trip per query
            // (to PostgreSQL, or to the SQLite connection's thread) — a tenth of an order
            // save's CPU (docs/performance.md). A connection that has just been used is
            // alive; only one idle for a while is checked, so one dropped by a restarted
            // server is still replaced before it fails a request.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= IDLE_BEFORE_PING {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers work while one writer commits; NORMAL is durable in
                        // WAL mode except for the last transactions on power loss, never corrupt.
                        // The busy timeout still matters for a second process (`printdesk
                        // demo`, a backup) on the same file. No connection checkpoints on
                        // commit: `checkpoint_wal` does it beside the writer. Pages are read
                        // through a 256 MB memory map instead of a read call each: the order
                        // list's tag filter probes thousands of scattered rows (52 -> 42 ms).
                        conn.execute(
                            "pragma journal_mode = wal; pragma synchronous = normal; \
                             pragma busy_timeout = 10000; pragma foreign_keys = on; \
                             pragma wal_autocheckpoint = 0; pragma mmap_size = 268435456;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Read caches kept right by change counters (`kernel::cache`).
    pub fn cache(&self) -> &super::cache::Cache {
        &self.cache
    }

    /// The writer channels of group commit (`kernel::batch`).
    pub(crate) fn batchers(&self) -> &super::batch::Batchers {
        &self.batchers
    }

    /// The pool, for reads outside a transaction.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The pool for a single write statement outside a transaction (a session touch, a sign-in
    /// failure). Every other write goes through [`Db::begin_write`].
    pub fn write_pool(&self) -> &AnyPool {
        &self.writer
    }

    /// Opens a write transaction. On SQLite this is `BEGIN IMMEDIATE`, which takes the write lock
    /// up front: a deferred `BEGIN` that reads and then writes fails with "database is locked"
    /// under concurrency (DESIGN.md measured 14 of 16 failing). On PostgreSQL a plain `BEGIN`;
    /// callers use atomic updates or `for update` (see [`Db::for_update`]).
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.writer.begin_with("begin immediate").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// The row-lock suffix for a `select` inside a write transaction: `for update` on PostgreSQL,
    /// nothing on SQLite, whose `BEGIN IMMEDIATE` already holds the only write lock.
    pub fn for_update(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " for update",
        }
    }

    /// After rows were inserted with explicit ids (bulk history in `printdesk demo`), brings
    /// PostgreSQL's identity sequence of `table` past them; SQLite needs nothing. `table` is a
    /// constant of the caller, never input.
    pub async fn sync_identity(&self, tx: &mut Tx, table: &str) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Postgres {
            let sql = format!(
                "select setval(pg_get_serial_sequence('{table}', 'id'), (select coalesce(max(id), 0) + 1 from {table}), false)"
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// Copies SQLite's whole write-ahead log into the database file and empties it (after a bulk
    /// load); nothing on PostgreSQL.
    pub async fn checkpoint(&self) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Sqlite {
            sqlx::query("pragma wal_checkpoint(truncate)")
                .execute(&self.writer)
                .await?;
        }
        Ok(())
    }

    /// Whether the database answers, for `/healthz`.
    pub async fn ping(&self) -> bool {
        sqlx::query("select 1").execute(&self.pool).await.is_ok()
    }

    /// Applies the embedded migrations that are not yet applied, each in its own transaction.
    /// Returns the versions it applied.
    pub async fn migrate(&self) -> anyhow::Result<Vec<i64>> {
        sqlx::query(
            r#"create table if not exists schema_migrations (
                version bigint primary key,
                name text not null,
                applied_at text not null
            )"#,
        )
        .execute(&self.pool)
        .await
        .context("creating schema_migrations")?;
        let mut applied = Vec::new();
        for migration in MIGRATIONS {
            let mut tx = self.begin_write().await?;
            let done: Option<i64> =
                sqlx::query_scalar("select version from schema_migrations where version = $1")
                    .bind(migration.version)
                    .fetch_optional(&mut *tx)
                    .await?;
            if done.is_some() {
                continue;
            }
            let text = match self.backend {
                Backend::Sqlite => migration.sqlite,
                Backend::Postgres => migration.postgres,
            };
            sqlx::raw_sql(sqlx::AssertSqlSafe(text))
                .execute(&mut *tx)
                .await
                .with_context(|| {
                    format!(
                        "applying migration {:04}_{}",
                        migration.version, migration.name
                    )
                })?;
            sqlx::query(
                "insert into schema_migrations (version, name, applied_at) values ($1, $2, $3)",
            )
            .bind(migration.version)
            .bind(migration.name)
            .bind(crate::kernel::clock::now_text())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            applied.push(migration.version);
        }
        Ok(applied)
    }

    /// Closes the pool, waiting for connections to finish.
    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }
}

/// Takes `count` consecutive numbers of a gap-free sequence at once (a batch of orders, see
/// `kernel::batch`) and returns the first; like [`next_in_sequence`] otherwise.
pub async fn next_block_in_sequence(
    tx: &mut Tx,
    account_set_id: i64,
    kind: &str,
    period: &str,
    count: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        r#"insert into doc_sequences (account_set_id, kind, period, next_value)
           values ($1, $2, $3, $4 + 1)
           on conflict (account_set_id, kind, period)
           do update set next_value = doc_sequences.next_value + $4
           returning next_value - $4"#,
    )
    .bind(account_set_id)
    .bind(kind)
    .bind(period)
    .bind(count)
    .fetch_one(&mut **tx)
    .await
}

/// `$first, $first+1, …`: `count` numbered placeholders, for an `in (…)` list.
pub fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `values` list of a multi-row insert: `rows` tuples that each start with the `shared`
/// placeholders `$1 … $shared` (account set, parent id) and take `per_row` fresh ones, numbered on
/// from `shared + 1`. One statement instead of one per row: on SQLite every statement is a
/// hand-off to the connection's thread, which is most of what a save costs.
pub fn value_rows(rows: usize, shared: usize, per_row: usize) -> String {
    let shared_list = placeholders(1, shared);
    (0..rows)
        .map(|row| {
            let fresh = placeholders(shared + 1 + row * per_row, per_row);
            let parts: Vec<&str> = [shared_list.as_str(), fresh.as_str()]
                .into_iter()
                .filter(|part| !part.is_empty())
                .collect();
            format!("({})", parts.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// How often the SQLite checkpointer copies the write-ahead log into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(200);

/// Copies committed pages from SQLite's write-ahead log into the database file, on a reader
/// connection, until the last `Db` handle is dropped or the pool closed. SQLite's own automatic
/// checkpoint runs inside the commit that crosses 1,000 pages: that save then waits for ~4 MB of
/// writes and an fsync, which put order saves' p99 at 22 ms instead of 10 (docs/performance.md).
/// A passive checkpoint never blocks the writer or readers.
async fn checkpoint_wal(pool: AnyPool, mut stopped: tokio::sync::oneshot::Receiver<()>) {
    loop {
        tokio::select! {
            _ = &mut stopped => return,
            () = tokio::time::sleep(CHECKPOINT_EVERY) => {}
        }
        if pool.is_closed() {
            return;
        }
        if let Err(err) = sqlx::query("pragma wal_checkpoint(passive)")
            .execute(&pool)
            .await
        {
            tracing::warn!(error = %err, "checkpointing the SQLite write-ahead log failed");
        }
    }
}

/// Reads a 0/1 flag column.
pub fn flag(value: i64) -> bool {
    value != 0
}

/// Writes a flag column.
pub fn to_flag(value: bool) -> i64 {
    i64::from(value)
}

/// Takes the next number of a gap-free sequence (journal entry numbers, order numbers) inside the
/// caller's transaction. The row lock taken by the upsert serialises concurrent writers, and a
/// rolled-back transaction gives its number back, so numbers have no gaps.
pub async fn next_in_sequence(
    tx: &mut Tx,
    account_set_id: i64,
    kind: &str,
    period: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        r#"insert into doc_sequences (account_set_id, kind, period, next_value)
           values ($1, $2, $3, 2)
           on conflict (account_set_id, kind, period)
           do update set next_value = doc_sequences.next_value + 1
           returning next_value - 1"#,
    )
    .bind(account_set_id)
    .bind(kind)
    .bind(period)
    .fetch_one(&mut **tx)
    .await
}

#[cfg(test)]
mod tests {
    use super::{Backend, value_rows, with_statement_cache};

    #[test]
    fn postgres_urls_get_a_larger_statement_cache_unless_they_set_one() {
        assert_eq!(
            with_statement_cache("postgres://root@127.0.0.1/shop", Backend::Postgres),
            "postgres://root@127.0.0.1/shop?statement-cache-capacity=1000"
        );
        assert_eq!(
            with_statement_cache("postgres://h/shop?sslmode=require", Backend::Postgres),
            "postgres://h/shop?sslmode=require&statement-cache-capacity=1000"
        );
        let own = "postgres://h/shop?statement-cache-capacity=50";
        assert_eq!(with_statement_cache(own, Backend::Postgres), own);
        let sqlite = "sqlite://data/printdesk.db?mode=rwc";
        assert_eq!(with_statement_cache(sqlite, Backend::Sqlite), sqlite);
    }

    #[test]
    fn value_rows_repeat_the_shared_placeholders_and_number_the_rest() {
        assert_eq!(value_rows(2, 1, 2), "($1, $2, $3), ($1, $4, $5)");
        assert_eq!(value_rows(1, 2, 1), "($1, $2, $3)");
        assert_eq!(value_rows(2, 0, 1), "($1), ($2)");
        assert_eq!(super::placeholders(3, 2), "$3, $4");
        assert_eq!(super::placeholders(1, 0), "");
    }
}
