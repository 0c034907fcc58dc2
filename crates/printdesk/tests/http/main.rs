//! HTTP integration tests: one binary, one module per chapter. Each test runs on SQLite and on
//! PostgreSQL (`backend_tests!`), each on its own fresh database.

#![expect(
    clippy::unwrap_used,
    reason = "a failed unwrap is how a test reports; helpers outside #[test] need it too"
)]

mod harness;

mod artwork;
mod auth;
mod batch;
mod customer_prices;
mod customers;
mod demo;
mod finance;
mod ops;
mod orders;
mod prints;
mod products;
mod settings_list;
mod shipments;
mod spreadsheets;
mod system_org;
mod tasks;
