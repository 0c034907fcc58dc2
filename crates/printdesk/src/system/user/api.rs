//! `/api/v1/users`: users, their roles and account sets as JSON. Password hashes never appear.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service;
use super::{UserDetail, UserInput};
use crate::kernel::auth::{CurrentUser, Permission, UserId};
use crate::kernel::error::AppResult;
use crate::kernel::web::{self, AppState, IdPath, Json};

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(show_user, update_user))
        .routes(routes!(disable_user))
        .routes(routes!(enable_user))
        .routes(routes!(reset_user_password))
}

/// A user to create, or the new state of one. `password` is required when creating and
/// ignored when changing (use `reset-password`). `account_set_ids` must name at least one.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct UserBody {
    login: String,
    display_name: String,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    department_id: Option<i64>,
    #[serde(default)]
    role_ids: Vec<i64>,
    #[serde(default)]
    account_set_ids: Vec<i64>,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct PasswordBody {
    password: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct UserView {
    id: i64,
    login: String,
    display_name: String,
    /// The department, when it belongs to the caller's account set.
    department_id: Option<i64>,
    department: String,
    role_ids: Vec<i64>,
    roles: Vec<String>,
    account_set_ids: Vec<i64>,
    disabled: bool,
}

impl UserBody {
    fn into_input(self) -> UserInput {
        UserInput {
            login: self.login,
            display_name: self.display_name,
            password: self.password.unwrap_or_default(),
            department_id: self
                .department_id
                .map(|d| d.to_string())
                .unwrap_or_default(),
            role_ids: self.role_ids.iter().map(i64::to_string).collect(),
            account_set_ids: self.account_set_ids.iter().map(i64::to_string).collect(),
            form_nonce: String::new(),
        }
    }
}

fn view(detail: UserDetail) -> UserView {
    UserView {
        id: detail.id.0,
        login: detail.login,
        display_name: detail.display_name,
        department_id: detail.department_id,
        department: detail.department_name,
        role_ids: detail.roles.iter().map(|(id, _)| id.0).collect(),
        roles: detail.roles.into_iter().map(|(_, name)| name).collect(),
        account_set_ids: detail.account_sets.iter().map(|(id, _)| *id).collect(),
        disabled: detail.disabled,
    }
}

/// Lists every user.
#[utoipa::path(get, path = "/api/v1/users", tag = "system",
    responses((status = 200, body = Vec<UserView>), (status = 403, body = web::ApiErrorBody)))]
async fn list_users(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<axum::Json<Vec<UserView>>> {
    user.require(Permission::SYSTEM_USER_MANAGE)?;
    let users = service::list_users(&state.db, user.scope()).await?;
    Ok(axum::Json(users.into_iter().map(view).collect()))
}

/// Creates a user.
#[utoipa::path(post, path = "/api/v1/users", tag = "system", request_body = UserBody,
    responses((status = 201, body = UserView), (status = 422, body = web::ApiErrorBody)))]
async fn create_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<UserBody>,
) -> AppResult<(StatusCode, axum::Json<UserView>)> {
    user.require(Permission::SYSTEM_USER_MANAGE)?;
    let id = service::create_user(&state.db, &user, &body.into_input()).await?;
    let detail = service::show_user(&state.db, user.scope(), id).await?;
    Ok((StatusCode::CREATED, axum::Json(view(detail))))
}

/// One user.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "system", params(("id" = i64, Path)),
    responses((status = 200, body = UserView), (status = 404, body = web::ApiErrorBody)))]
async fn show_user(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<axum::Json<UserView>> {
    user.require(Permission::SYSTEM_USER_MANAGE)?;
    let detail = service::show_user(&state.db, user.scope(), UserId(id)).await?;
    Ok(axum::Json(view(detail)))
}

/// Changes a user's login, name, department, roles and account sets.
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "system", params(("id" = i64, Path)),
    request_body = UserBody,
    responses((status = 200, body = UserView), (status = 404, body = web::ApiErrorBody), (status = 422, body = web::ApiErrorBody)))]
async fn update_user(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(body): Json<UserBody>,
) -> AppResult<axum::Json<UserView>> {
    user.require(Permission::SYSTEM_USER_MANAGE)?;
    service::update_user(&state.db, &user, UserId(id), &body.into_input()).await?;
    let detail = service::show_user(&state.db, user.scope(), UserId(id)).await?;
    Ok(axum::Json(view(detail)))
}

/// Disables a user and ends their sessions. 409 for the caller themselves.
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "system", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = web::ApiErrorBody), (status = 409, body = web::ApiErrorBody)))]
async fn disable_user(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<StatusCode> {
    user.require(Permission::SYSTEM_USER_MANAGE)?;
    service::disable_user(&state.db, &user, UserId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Lets a disabled user sign in again.
#[utoipa::path(post, path = "/api/v1/users/{id}/enable", tag = "system", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = web::ApiErrorBody)))]
async fn enable_user(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<StatusCode> {
    user.require(Permission::SYSTEM_USER_MANAGE)?;
    service::enable_user(&state.db, &user, UserId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets a new password for a user and ends their sessions.
#[utoipa::path(post, path = "/api/v1/users/{id}/reset-password", tag = "system", params(("id" = i64, Path)),
    request_body = PasswordBody,
    responses((status = 204), (status = 404, body = web::ApiErrorBody), (status = 422, body = web::ApiErrorBody)))]
async fn reset_user_password(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(body): Json<PasswordBody>,
) -> AppResult<StatusCode> {
    user.require(Permission::SYSTEM_USER_MANAGE)?;
    service::reset_password(&state.db, &user, UserId(id), &body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}
