//! 第三章 财务管理 — finance.
//!
//! - `ledger_account`: the chart of accounts (会计科目, manual 3.5), seeded per account set, with
//!   its pages and `/api/v1/ledger-accounts`.
//! - `journal`: journal entries (凭证) — `post` for every money movement, reversal (红冲), and
//!   the check that the books balance (`printdesk check`); pages and `/api/v1/journal-entries`.

pub mod journal;
pub mod ledger_account;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::kernel::web::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .merge(ledger_account::router())
        .merge(journal::router())
}

pub(crate) fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(ledger_account::api_router())
        .merge(journal::api_router())
}
