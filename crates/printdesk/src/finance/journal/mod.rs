//! 凭证 — the double-entry journal, the kernel of every money movement (DESIGN.md rule 2).
//!
//! A document that moves money calls [`service::post`] inside its own transaction with a balanced
//! [`rules::NewEntry`]. Posted entries are never updated or deleted (database triggers refuse it);
//! a correction is a reversal (红冲) that swaps debit and credit. `printdesk check`
//! ([`service::check_books`]) proves for every account set that the journal balances and that
//! each document's postings match it.

mod api;
mod pages;
pub mod rules;
pub mod service;
mod store;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::kernel::web::AppState;

/// Pages of the journal.
pub(crate) fn router() -> Router<AppState> {
    pages::router()
}

/// `/api/v1/journal-entries`.
pub(crate) fn api_router() -> OpenApiRouter<AppState> {
    api::router()
}

/// The id of a journal entry (凭证).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct JournalEntryId(pub i64);

/// The kinds of document that post to the journal. A new kind adds its postings check to
/// `service::check_books`.
pub mod source_kind {
    /// A journal entry typed by the bookkeeper (手工凭证).
    pub const MANUAL: &str = "manual";
    /// A reversal (红冲) of another entry.
    pub const REVERSAL: &str = "reversal";
    /// Every kind `check_books` knows.
    pub const ALL: &[&str] = &[MANUAL, REVERSAL];

    /// Catalog key of a kind's name; `None` for a kind this build does not know.
    pub fn label_key(kind: &str) -> Option<&'static str> {
        match kind {
            MANUAL => Some("journal.source.manual"),
            REVERSAL => Some("journal.source.reversal"),
            _ => None,
        }
    }
}
