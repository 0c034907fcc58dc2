//! 账套 — account sets: a shop, or one branch of a chain, with its own books.
//!
//! Creating one seeds its settings and chart of accounts, and lets the user who created it
//! enter it. Users are granted entry per account set (on the user form); the header switcher
//! moves a session between the ones a user may enter. Account sets are never deleted.

pub mod api;
pub mod pages;
pub mod service;
mod store;

/// The audit `doc_kind` of account sets.
pub const DOC_KIND: &str = "account_set";

/// What the new-account-set form or the API sends.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AccountSetInput {
    pub name: String,
    pub form_nonce: String,
}
