//! The kernel: what every chapter builds on and nothing chapter-specific.
//!
//! - `money`: exact amounts and quantities, and the one rounding function.
//! - `tenancy`: account sets and the `Scope` every business query takes.
//! - `auth`: sign-in, sessions, API tokens, CSRF, throttling, permissions.
//! - `db`: the SQLite/PostgreSQL pool, migrations, write transactions.
//! - `error`, `i18n`: field errors, the one error type, messages in the user's language.
//! - `web`, `shell`, `assets`: router, middleware, extractors, the page shell, static files.
//! - `audit`, `recycle_bin`, `idempotency`: mechanisms any document uses.
//! - `clock`: the timestamp format.
//! - `storage`: the file store (a local folder or an S3 bucket) for uploaded files; `spool`:
//!   large uploads streamed to disk on their way there.

pub mod assets;
pub mod audit;
pub mod auth;
pub mod batch;
pub mod cache;
pub mod clock;
pub mod db;
pub mod deferred;
pub mod error;
pub mod i18n;
pub mod idempotency;
pub mod money;
pub mod recycle_bin;
pub mod shell;
pub mod spool;
pub mod spreadsheet;
pub mod storage;
pub mod tenancy;
pub mod web;
