//! The 操作日志 page and its 导出 Excel.

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
use crate::kernel::spreadsheet::{self, Cell, ColumnKind, Table};
use crate::kernel::web::{AppState, render};

/// How many entries the page shows, and so how many its export holds.
const PAGE_SIZE: i64 = 200;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/system/audit", get(list_audit_entries))
        .route("/system/audit/export", get(export_audit_entries))
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

/// 导出 Excel: the entries the page shows, newest first, in the user's language.
async fn export_audit_entries(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_AUDIT_VIEW)?;
    let entries = super::recent(&state.db, user.scope(), PAGE_SIZE, l).await?;
    let mut table = Table::new(l.t("menu.audit"))
        .column(l.t("audit.at"), ColumnKind::Text, 20)
        .column(l.t("audit.user"), ColumnKind::Text, 12)
        .column(l.t("audit.action"), ColumnKind::Text, 10)
        .column(l.t("audit.doc_kind"), ColumnKind::Text, 14)
        .column(l.t("audit.doc_id"), ColumnKind::Integer, 8)
        .column(l.t("audit.summary"), ColumnKind::Text, 40);
    table.rows = entries
        .into_iter()
        .map(|entry| {
            vec![
                Cell::Text(entry.at),
                Cell::Text(entry.user_name),
                Cell::Text(entry.action),
                Cell::Text(entry.doc_kind),
                entry.doc_id.parse().map_or(Cell::Empty, Cell::Integer),
                Cell::Text(entry.summary),
            ]
        })
        .collect();
    spreadsheet::export(&table)
}
