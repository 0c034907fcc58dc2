//! 账套 — account sets: a shop, or one branch of a chain, with its own books.
//!
//! Creating one seeds its settings and chart of accounts. Users are granted entry per account
//! set; the header switcher moves a session between the ones a user may enter.

pub mod service;
mod store;
