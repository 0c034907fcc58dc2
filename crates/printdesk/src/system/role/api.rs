//! `/api/v1/roles`: roles and their permission keys as JSON.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service;
use super::{Role, RoleId, RoleInput};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::AppResult;
use crate::kernel::web::{self, AppState, IdPath, Json};

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_roles, create_role))
        .routes(routes!(show_role, update_role, delete_role))
}

/// A role to create, or the new state of one. `permissions` are keys such as
/// `system.user.manage`; they are ignored for the superuser role, which holds them all.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct RoleBody {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    permissions: Vec<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RoleView {
    id: i64,
    name: String,
    description: String,
    is_superuser: bool,
    /// Granted keys; empty for the superuser role, which holds every key.
    permissions: Vec<String>,
    user_count: i64,
}

impl RoleBody {
    fn into_input(self) -> RoleInput {
        RoleInput {
            name: self.name,
            description: self.description.unwrap_or_default(),
            permissions: self.permissions,
            form_nonce: String::new(),
        }
    }
}

fn view(role: Role) -> RoleView {
    RoleView {
        id: role.id.0,
        name: role.name,
        description: role.description,
        is_superuser: role.is_superuser,
        permissions: role.permissions,
        user_count: role.n_users,
    }
}

/// Lists every role.
#[utoipa::path(get, path = "/api/v1/roles", tag = "system",
    responses((status = 200, body = Vec<RoleView>), (status = 403, body = web::ApiErrorBody)))]
async fn list_roles(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<axum::Json<Vec<RoleView>>> {
    user.require(Permission::SYSTEM_ROLE_MANAGE)?;
    let roles = service::list_roles(&state.db).await?;
    Ok(axum::Json(roles.into_iter().map(view).collect()))
}

/// Creates a role.
#[utoipa::path(post, path = "/api/v1/roles", tag = "system", request_body = RoleBody,
    responses((status = 201, body = RoleView), (status = 422, body = web::ApiErrorBody)))]
async fn create_role(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<RoleBody>,
) -> AppResult<(StatusCode, axum::Json<RoleView>)> {
    user.require(Permission::SYSTEM_ROLE_MANAGE)?;
    let id = service::create_role(&state.db, &user, &body.into_input()).await?;
    let role = service::show_role(&state.db, id).await?;
    Ok((StatusCode::CREATED, axum::Json(view(role))))
}

/// One role.
#[utoipa::path(get, path = "/api/v1/roles/{id}", tag = "system", params(("id" = i64, Path)),
    responses((status = 200, body = RoleView), (status = 404, body = web::ApiErrorBody)))]
async fn show_role(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<axum::Json<RoleView>> {
    user.require(Permission::SYSTEM_ROLE_MANAGE)?;
    let role = service::show_role(&state.db, RoleId(id)).await?;
    Ok(axum::Json(view(role)))
}

/// Changes a role.
#[utoipa::path(put, path = "/api/v1/roles/{id}", tag = "system", params(("id" = i64, Path)),
    request_body = RoleBody,
    responses((status = 200, body = RoleView), (status = 404, body = web::ApiErrorBody), (status = 422, body = web::ApiErrorBody)))]
async fn update_role(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(body): Json<RoleBody>,
) -> AppResult<axum::Json<RoleView>> {
    user.require(Permission::SYSTEM_ROLE_MANAGE)?;
    service::update_role(&state.db, &user, RoleId(id), &body.into_input()).await?;
    let role = service::show_role(&state.db, RoleId(id)).await?;
    Ok(axum::Json(view(role)))
}

/// Deletes a role nobody holds. 409 for the superuser role or a role in use.
#[utoipa::path(delete, path = "/api/v1/roles/{id}", tag = "system", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = web::ApiErrorBody), (status = 409, body = web::ApiErrorBody)))]
async fn delete_role(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<StatusCode> {
    user.require(Permission::SYSTEM_ROLE_MANAGE)?;
    service::delete_role(&state.db, &user, RoleId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
