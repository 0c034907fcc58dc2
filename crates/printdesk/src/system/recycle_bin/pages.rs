//! The 回收站 page.

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
    service::purge(&state.db, &user, kind, id).await?;
    Ok(see_other("/system/recycle-bin?purged=1"))
}
