//! The 操作日志 page.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use super::TrailLine;
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::AppResult;
use crate::kernel::i18n::Locale;
use crate::kernel::shell::{Shell, shell};
use crate::kernel::web::{AppState, render};

/// How many entries the page shows.
const PAGE_SIZE: i64 = 200;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/system/audit", get(list_audit_entries))
}

#[derive(Template)]
#[template(path = "system/audit.html")]
struct AuditPage {
    shell: Shell,
    entries: Vec<TrailLine>,
}

async fn list_audit_entries(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_AUDIT_VIEW)?;
    let entries = super::recent(&state.db, user.scope(), PAGE_SIZE, l).await?;
    let shell = shell(&state.db, &user, l, "/system/audit").await?;
    Ok(render(&AuditPage { shell, entries }))
}
