//! HTTP integration tests: one binary, one module per chapter. Each test runs on SQLite and on
//! PostgreSQL (`backend_tests!`), each on its own fresh database.

mod harness;

mod auth;
mod finance;
mod ops;
mod system_org;
