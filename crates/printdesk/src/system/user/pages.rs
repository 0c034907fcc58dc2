//! Pages of 用户管理: the user list and its 导出 Excel, the user form, disable/enable and password
//! reset.

use crate::kernel::spreadsheet::{self, Cell, ColumnKind, Table};
use crate::kernel::web::Query;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};

use super::service;
use super::{DOC_KIND, UserDetail, UserInput};
use crate::kernel::auth::{CurrentUser, Permission, UserId};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Locale;
use crate::kernel::shell::{Shell, shell};
use crate::kernel::web::{AppState, Form, IdPath, render, see_other, unprocessable};
use crate::system::audit::{self, TrailLine};
use crate::system::{account_set, department, role};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/system/users", get(list_users).post(create_user))
        .route("/system/users/new", get(new_user))
        .route("/system/users/export", get(export_users))
        .route("/system/users/{id}", get(show_user).post(update_user))
        .route("/system/users/{id}/disable", post(disable_user))
        .route("/system/users/{id}/enable", post(enable_user))
        .route("/system/users/{id}/reset-password", post(reset_password))
}

struct UserRow {
    id: i64,
    login: String,
    display_name: String,
    department: String,
    roles: String,
    account_sets: String,
    disabled: bool,
    is_self: bool,
}

#[derive(Template)]
#[template(path = "system/users.html")]
struct UsersPage {
    shell: Shell,
    users: Vec<UserRow>,
}

/// One option of a select or checkbox list.
struct Choice {
    id: i64,
    label: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "system/user_edit.html")]
struct UserEditPage {
    shell: Shell,
    /// `None` for a new user.
    id: Option<i64>,
    disabled: bool,
    is_self: bool,
    input: UserInput,
    departments: Vec<Choice>,
    roles: Vec<Choice>,
    account_sets: Vec<Choice>,
    errors: FieldErrors,
    password_errors: FieldErrors,
    notice: String,
    history: Vec<TrailLine>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct NoticeQuery {
    saved: String,
    password: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct EmptyForm {}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct PasswordForm {
    password: String,
}

async fn list_users(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_USER_MANAGE)?;
    let users = user_rows(&state, &user).await?;
    let shell = shell(&state.db, &user, l, "/system/users").await?;
    Ok(render(&UsersPage { shell, users }))
}

/// 导出 Excel: the users of the account set, as the list shows them.
async fn export_users(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_USER_MANAGE)?;
    let users = user_rows(&state, &user).await?;
    let mut table = Table::new(l.t("menu.users"))
        .column(l.t("user.login"), ColumnKind::Text, 16)
        .column(l.t("user.display_name"), ColumnKind::Text, 12)
        .column(l.t("user.department"), ColumnKind::Text, 14)
        .column(l.t("user.roles"), ColumnKind::Text, 24)
        .column(l.t("user.account_sets"), ColumnKind::Text, 24)
        .column(l.t("user.status"), ColumnKind::Text, 8);
    table.rows = users
        .into_iter()
        .map(|u| {
            let status = if u.disabled {
                "user.status_disabled"
            } else {
                "user.status_active"
            };
            vec![
                Cell::Text(u.login),
                Cell::Text(u.display_name),
                Cell::Text(u.department),
                Cell::Text(u.roles),
                Cell::Text(u.account_sets),
                Cell::Text(l.t(status)),
            ]
        })
        .collect();
    spreadsheet::export(&table)
}

/// The rows of the user list, shared by the page and its export.
async fn user_rows(state: &AppState, user: &CurrentUser) -> AppResult<Vec<UserRow>> {
    Ok(service::list_users(&state.db, user.scope())
        .await?
        .into_iter()
        .map(|detail| UserRow {
            id: detail.id.0,
            is_self: detail.id == user.user_id,
            roles: join(detail.roles.iter().map(|(_, name)| name.as_str())),
            account_sets: join(detail.account_sets.iter().map(|(_, name)| name.as_str())),
            login: detail.login,
            display_name: detail.display_name,
            department: detail.department_name,
            disabled: detail.disabled,
        })
        .collect())
}

async fn new_user(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_USER_MANAGE)?;
    // A new user may enter the account set the admin is working in, unless unticked.
    let input = UserInput {
        account_set_ids: vec![user.scope().id().to_string()],
        ..UserInput::default()
    };
    let page = edit_page(&state, &user, l, None, input, FieldErrors::new()).await?;
    Ok(render(&page))
}

async fn create_user(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Form(input): Form<UserInput>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_USER_MANAGE)?;
    match service::create_user(&state.db, &user, &input).await {
        Ok(id) => Ok(see_other(&format!("/system/users/{}?saved=1", id.0))),
        Err(AppError::Invalid(errors)) => {
            let input = UserInput {
                password: String::new(),
                ..input
            };
            let page = edit_page(&state, &user, l, None, input, errors).await?;
            Ok(unprocessable(&page))
        }
        Err(err) => Err(err),
    }
}

async fn show_user(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_USER_MANAGE)?;
    let detail = service::show_user(&state.db, user.scope(), UserId(id)).await?;
    let input = input_of(&detail);
    let mut page = edit_page(&state, &user, l, Some(detail), input, FieldErrors::new()).await?;
    page.notice = if query.password == "1" {
        l.t("user.password_reset_done")
    } else if query.saved == "1" {
        l.t("org.saved")
    } else {
        String::new()
    };
    Ok(render(&page))
}

async fn update_user(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(input): Form<UserInput>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_USER_MANAGE)?;
    match service::update_user(&state.db, &user, UserId(id), &input).await {
        Ok(()) => Ok(see_other(&format!("/system/users/{id}?saved=1"))),
        Err(AppError::Invalid(errors)) => {
            let detail = service::show_user(&state.db, user.scope(), UserId(id)).await?;
            let page = edit_page(&state, &user, l, Some(detail), input, errors).await?;
            Ok(unprocessable(&page))
        }
        Err(err) => Err(err),
    }
}

async fn disable_user(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(_): Form<EmptyForm>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_USER_MANAGE)?;
    service::disable_user(&state.db, &user, UserId(id)).await?;
    Ok(see_other(&format!("/system/users/{id}?saved=1")))
}

async fn enable_user(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(_): Form<EmptyForm>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_USER_MANAGE)?;
    service::enable_user(&state.db, &user, UserId(id)).await?;
    Ok(see_other(&format!("/system/users/{id}?saved=1")))
}

async fn reset_password(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_USER_MANAGE)?;
    match service::reset_password(&state.db, &user, UserId(id), &form.password).await {
        Ok(()) => Ok(see_other(&format!("/system/users/{id}?password=1"))),
        Err(AppError::Invalid(password_errors)) => {
            let detail = service::show_user(&state.db, user.scope(), UserId(id)).await?;
            let input = input_of(&detail);
            let mut page =
                edit_page(&state, &user, l, Some(detail), input, FieldErrors::new()).await?;
            page.password_errors = password_errors;
            Ok(unprocessable(&page))
        }
        Err(err) => Err(err),
    }
}

async fn edit_page(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    detail: Option<UserDetail>,
    input: UserInput,
    errors: FieldErrors,
) -> AppResult<UserEditPage> {
    let departments = department::service::list_departments(&state.db, user.scope())
        .await?
        .into_iter()
        .map(|line| Choice {
            id: line.department.id.0,
            checked: line.department.id.0.to_string() == input.department_id.trim(),
            label: format!("{}{}", "\u{3000}".repeat(line.depth), line.department.name),
        })
        .collect();
    let roles = role::service::list_roles(&state.db)
        .await?
        .into_iter()
        .map(|r| Choice {
            id: r.id.0,
            checked: input
                .role_ids
                .iter()
                .any(|v| v.trim() == r.id.0.to_string()),
            label: r.name,
        })
        .collect();
    let account_sets = account_set::service::list_account_sets(&state.db)
        .await?
        .into_iter()
        .map(|a| Choice {
            id: a.id.0,
            checked: input
                .account_set_ids
                .iter()
                .any(|v| v.trim() == a.id.0.to_string()),
            label: a.name,
        })
        .collect();
    let history = match &detail {
        Some(detail) => audit::trail(&state.db, user.scope(), DOC_KIND, detail.id.0, l).await?,
        None => Vec::new(),
    };
    Ok(UserEditPage {
        shell: shell(&state.db, user, l, "/system/users").await?,
        id: detail.as_ref().map(|d| d.id.0),
        disabled: detail.as_ref().is_some_and(|d| d.disabled),
        is_self: detail.as_ref().is_some_and(|d| d.id == user.user_id),
        input,
        departments,
        roles,
        account_sets,
        errors,
        password_errors: FieldErrors::new(),
        notice: String::new(),
        history,
    })
}

fn input_of(detail: &UserDetail) -> UserInput {
    UserInput {
        login: detail.login.clone(),
        display_name: detail.display_name.clone(),
        password: String::new(),
        department_id: detail
            .department_id
            .map(|d| d.to_string())
            .unwrap_or_default(),
        role_ids: detail
            .roles
            .iter()
            .map(|(id, _)| id.0.to_string())
            .collect(),
        account_set_ids: detail
            .account_sets
            .iter()
            .map(|(id, _)| id.to_string())
            .collect(),
        form_nonce: String::new(),
    }
}

fn join<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join("、")
}
