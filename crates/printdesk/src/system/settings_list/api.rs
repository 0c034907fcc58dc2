//! `/api/v1/settings/{kind}`: the settings lists as JSON. `{kind}` is a kind key such as
//! `customer_group` (the page segment `customer-groups` is accepted too); any other is 404.
//! Extra fields travel in `attributes` as strings, like every decimal of the API.

use std::collections::BTreeMap;

use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service;
use super::{ItemInput, ListItem, ListKind, kind_by_key};
use crate::kernel::auth::CurrentUser;
use crate::kernel::error::{AppError, AppResult};
use crate::kernel::web::{self, AppState, Json};

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_items, create_item))
        .routes(routes!(show_item, update_item))
}

/// The kind named by `{kind}`; 404 for any other.
struct ApiKind(&'static ListKind);

impl FromRequestParts<AppState> for ApiKind {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> AppResult<ApiKind> {
        let axum::extract::Path(key) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| AppError::NotFound)?;
        kind_by_key(&key).map(ApiKind).ok_or(AppError::NotFound)
    }
}

/// The kind and the numeric item id of `{kind}/{id}`; 404 for anything else.
struct ApiKindId(&'static ListKind, i64);

impl FromRequestParts<AppState> for ApiKindId {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> AppResult<ApiKindId> {
        let axum::extract::Path((key, id)) =
            axum::extract::Path::<(String, String)>::from_request_parts(parts, state)
                .await
                .map_err(|_| AppError::NotFound)?;
        let kind = kind_by_key(&key).ok_or(AppError::NotFound)?;
        let id = id.parse().map_err(|_| AppError::NotFound)?;
        Ok(ApiKindId(kind, id))
    }
}

/// An item to create or the new state of one. `parent_id` (tree kinds only) absent or null:
/// top level. `attributes` holds the kind's extra fields as strings, e.g.
/// `{"unit_price": "8.00", "basis": "per_area"}`. `is_active` absent leaves it as it is (new
/// items are active).
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ItemBody {
    name: String,
    #[serde(default)]
    parent_id: Option<i64>,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
    #[serde(default)]
    is_active: Option<bool>,
}

/// An item of a settings list. `depth` is 0 at the top of a tree (lists only; 0 on single reads).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ItemView {
    id: i64,
    parent_id: Option<i64>,
    name: String,
    sort_order: i64,
    is_active: bool,
    attributes: BTreeMap<String, String>,
    depth: usize,
}

impl ItemBody {
    fn into_input(self) -> ItemInput {
        ItemInput {
            name: self.name,
            parent_id: self.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            attributes: self.attributes,
            is_active: self.is_active,
            form_nonce: String::new(),
        }
    }
}

fn view(kind: &ListKind, item: ListItem, depth: usize) -> ItemView {
    let attributes = kind
        .extra_fields
        .iter()
        .map(|f| (f.key.to_owned(), item.attribute(f.key).to_owned()))
        .collect();
    ItemView {
        id: item.id,
        parent_id: item.parent_id,
        name: item.name,
        sort_order: item.sort_order,
        is_active: item.is_active,
        attributes,
        depth,
    }
}

/// Lists every item of the kind (active or not) in display order; tree kinds in tree order.
#[utoipa::path(get, path = "/api/v1/settings/{kind}", tag = "system", params(("kind" = String, Path)),
    responses((status = 200, body = Vec<ItemView>), (status = 403, body = web::ApiErrorBody), (status = 404, body = web::ApiErrorBody)))]
async fn list_items(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiKind(kind): ApiKind,
) -> AppResult<axum::Json<Vec<ItemView>>> {
    user.require(kind.view)?;
    let lines = service::list_items(&state.db, user.scope(), kind).await?;
    Ok(axum::Json(
        lines
            .into_iter()
            .map(|line| view(kind, line.item, line.depth))
            .collect(),
    ))
}

/// Adds an item at the end of its siblings.
#[utoipa::path(post, path = "/api/v1/settings/{kind}", tag = "system", params(("kind" = String, Path)),
    request_body = ItemBody,
    responses((status = 201, body = ItemView), (status = 403, body = web::ApiErrorBody), (status = 404, body = web::ApiErrorBody), (status = 422, body = web::ApiErrorBody)))]
async fn create_item(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiKind(kind): ApiKind,
    Json(body): Json<ItemBody>,
) -> AppResult<(StatusCode, axum::Json<ItemView>)> {
    user.require(kind.manage)?;
    let id = service::create_item(&state.db, &user, kind, &body.into_input()).await?;
    let item = service::show_item(&state.db, user.scope(), kind, id).await?;
    Ok((StatusCode::CREATED, axum::Json(view(kind, item, 0))))
}

/// One item.
#[utoipa::path(get, path = "/api/v1/settings/{kind}/{id}", tag = "system",
    params(("kind" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = ItemView), (status = 404, body = web::ApiErrorBody)))]
async fn show_item(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiKindId(kind, id): ApiKindId,
) -> AppResult<axum::Json<ItemView>> {
    user.require(kind.view)?;
    let item = service::show_item(&state.db, user.scope(), kind, id).await?;
    Ok(axum::Json(view(kind, item, 0)))
}

/// Changes an item: name, parent, extra fields and, if sent, whether it is active.
#[utoipa::path(put, path = "/api/v1/settings/{kind}/{id}", tag = "system",
    params(("kind" = String, Path), ("id" = i64, Path)), request_body = ItemBody,
    responses((status = 200, body = ItemView), (status = 404, body = web::ApiErrorBody), (status = 422, body = web::ApiErrorBody)))]
async fn update_item(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiKindId(kind, id): ApiKindId,
    Json(body): Json<ItemBody>,
) -> AppResult<axum::Json<ItemView>> {
    user.require(kind.manage)?;
    service::update_item(&state.db, &user, kind, id, &body.into_input()).await?;
    let item = service::show_item(&state.db, user.scope(), kind, id).await?;
    Ok(axum::Json(view(kind, item, 0)))
}
