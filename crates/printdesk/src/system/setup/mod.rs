//! 首次使用 — first-run set-up: the company, the first account set and the admin.
//!
//! Until it has run, every page leads to `/setup`; once it has, `/setup` is gone for good (it
//! answers 404). `printdesk init` does the same for unattended installs.

pub mod pages;
pub mod service;
mod store;
