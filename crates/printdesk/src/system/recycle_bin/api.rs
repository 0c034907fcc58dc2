//! `/api/v1/recycle-bin`: the recycle bin as JSON.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service;
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::{AppError, AppResult};
use crate::kernel::web::{self, AppState};

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_recycle_bin))
        .routes(routes!(restore_recycle_bin_item))
        .routes(routes!(purge_recycle_bin_item))
}

/// A deleted document. `kind` is the route key (`department`, `ledger_account`, …).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct BinItemView {
    kind: String,
    id: i64,
    description: String,
    deleted_at: String,
    deleted_by: Option<String>,
}

/// Lists the deleted documents of the caller's account set.
#[utoipa::path(get, path = "/api/v1/recycle-bin", tag = "system",
    responses((status = 200, body = Vec<BinItemView>), (status = 403, body = web::ApiErrorBody)))]
async fn list_recycle_bin(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<axum::Json<Vec<BinItemView>>> {
    user.require(Permission::SYSTEM_RECYCLE_BIN_VIEW)?;
    let groups = service::list_recycle_bin(&state.db, user.scope()).await?;
    Ok(axum::Json(
        groups
            .into_iter()
            .flat_map(|group| {
                group.items.into_iter().map(move |item| BinItemView {
                    kind: group.kind.key.to_owned(),
                    id: item.id,
                    description: item.description,
                    deleted_at: item.deleted_at,
                    deleted_by: item.deleted_by,
                })
            })
            .collect(),
    ))
}

/// Restores a deleted document. 404 for an unknown kind or id; 409 when its name is taken.
#[utoipa::path(post, path = "/api/v1/recycle-bin/{kind}/{id}/restore", tag = "system",
    params(("kind" = String, Path), ("id" = i64, Path)),
    responses((status = 204), (status = 404, body = web::ApiErrorBody), (status = 409, body = web::ApiErrorBody)))]
async fn restore_recycle_bin_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((kind, id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    user.require(Permission::SYSTEM_RECYCLE_BIN_VIEW)?;
    let kind = service::kind_by_key(&kind)?;
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    service::restore(&state.db, &user, kind, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes a document for good. 409 while money is posted against it or it is referenced.
#[utoipa::path(delete, path = "/api/v1/recycle-bin/{kind}/{id}", tag = "system",
    params(("kind" = String, Path), ("id" = i64, Path)),
    responses((status = 204), (status = 404, body = web::ApiErrorBody), (status = 409, body = web::ApiErrorBody)))]
async fn purge_recycle_bin_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((kind, id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    user.require(Permission::SYSTEM_RECYCLE_BIN_PURGE)?;
    let kind = service::kind_by_key(&kind)?;
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    service::purge(&state.db, &state.config, &user, kind, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
