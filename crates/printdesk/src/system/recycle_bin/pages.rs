//! The 回收站 page and its 导出 Excel.

use crate::kernel::spreadsheet::{self, Cell, ColumnKind, Table};
use crate::kernel::web::Query;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};

use super::service::{self, BinGroup};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::{AppError, AppResult};
use crate::kernel::i18n::Locale;
use crate::kernel::shell::{Shell, shell};
use crate::kernel::web::{AppState, Form, render, see_other};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/system/recycle-bin", get(list_recycle_bin))
        .route("/system/recycle-bin/export", get(export_recycle_bin))
        .route(
            "/system/recycle-bin/{kind}/{id}/restore",
            post(restore_item),
        )
        .route("/system/recycle-bin/{kind}/{id}/purge", post(purge_item))
}

#[derive(Template)]
#[template(path = "system/recycle_bin.html")]
struct RecycleBinPage {
    shell: Shell,
    groups: Vec<BinGroup>,
    can_purge: bool,
    notice: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct NoticeQuery {
    restored: String,
    purged: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct EmptyForm {}

async fn list_recycle_bin(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_RECYCLE_BIN_VIEW)?;
    let groups = service::list_recycle_bin(&state.db, user.scope()).await?;
    let notice = if query.restored == "1" {
        l.t("recycle_bin.restored")
    } else if query.purged == "1" {
        l.t("recycle_bin.purged")
    } else {
        String::new()
    };
    Ok(render(&RecycleBinPage {
        shell: shell(&state.db, &user, l, "/system/recycle-bin").await?,
        groups,
        can_purge: user.can(Permission::SYSTEM_RECYCLE_BIN_PURGE),
        notice,
    }))
}

/// 导出 Excel: everything in the bin, one sheet, kind by kind in the page's order, the kind named
/// in its own column.
async fn export_recycle_bin(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_RECYCLE_BIN_VIEW)?;
    let groups = service::list_recycle_bin(&state.db, user.scope()).await?;
    let mut table = Table::new(l.t("menu.recycle_bin"))
        .column(l.t("recycle_bin.kind"), ColumnKind::Text, 12)
        .column(l.t("recycle_bin.description"), ColumnKind::Text, 30)
        .column(l.t("recycle_bin.deleted_at"), ColumnKind::Text, 20)
        .column(l.t("recycle_bin.deleted_by"), ColumnKind::Text, 12);
    table.rows = groups
        .into_iter()
        .flat_map(|group| {
            let kind = l.t(group.kind.label_key);
            group.items.into_iter().map(move |item| {
                vec![
                    Cell::Text(kind.clone()),
                    Cell::Text(item.description),
                    Cell::Text(item.deleted_at),
                    Cell::Text(item.deleted_by.unwrap_or_default()),
                ]
            })
        })
        .collect();
    spreadsheet::export(&table)
}

async fn restore_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((kind, id)): Path<(String, String)>,
    Form(_): Form<EmptyForm>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_RECYCLE_BIN_VIEW)?;
    let kind = service::kind_by_key(&kind)?;
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    service::restore(&state.db, &user, kind, id).await?;
    Ok(see_other("/system/recycle-bin?restored=1"))
}

async fn purge_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((kind, id)): Path<(String, String)>,
    Form(_): Form<EmptyForm>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_RECYCLE_BIN_PURGE)?;
    let kind = service::kind_by_key(&kind)?;
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    service::purge(&state.db, &state.config, &user, kind, id).await?;
    Ok(see_other("/system/recycle-bin?purged=1"))
}
