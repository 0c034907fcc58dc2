//! Pages of 角色与权限: the role list and its 导出 Excel, and the role form with permissions by
//! chapter.

use crate::kernel::spreadsheet::{self, Cell, ColumnKind, Table};
use crate::kernel::web::Query;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

use super::service;
use super::{DOC_KIND, Role, RoleId, RoleInput};
use crate::kernel::auth::{CATALOGUE, CurrentUser, Permission};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Locale;
use crate::kernel::shell::{Shell, shell};
use crate::kernel::web::{AppState, Form, IdPath, render, see_other};
use crate::system::audit::{self, TrailLine};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/system/roles", get(list_roles).post(create_role))
        .route("/system/roles/new", get(new_role))
        .route("/system/roles/export", get(export_roles))
        .route("/system/roles/{id}", get(show_role).post(update_role))
        .route("/system/roles/{id}/delete", post(delete_role))
}

struct RoleRow {
    id: i64,
    name: String,
    description: String,
    is_superuser: bool,
    permissions: String,
    n_users: i64,
}

#[derive(Template)]
#[template(path = "system/roles.html")]
struct RolesPage {
    shell: Shell,
    roles: Vec<RoleRow>,
    deleted: bool,
}

/// One checkbox of the permission list.
struct PermissionCheck {
    key: &'static str,
    element_id: String,
    label: String,
    checked: bool,
}

/// The permissions of one chapter.
struct PermissionChapter {
    label: String,
    checks: Vec<PermissionCheck>,
}

#[derive(Template)]
#[template(path = "system/role_edit.html")]
struct RoleEditPage {
    shell: Shell,
    /// `None` for a new role.
    id: Option<i64>,
    is_superuser: bool,
    input: RoleInput,
    chapters: Vec<PermissionChapter>,
    errors: FieldErrors,
    saved: bool,
    history: Vec<TrailLine>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct NoticeQuery {
    saved: String,
    deleted: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct EmptyForm {}

async fn list_roles(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_ROLE_MANAGE)?;
    let roles = role_rows(&state, l).await?;
    let shell = shell(&state.db, &user, l, "/system/roles").await?;
    Ok(render(&RolesPage {
        shell,
        roles,
        deleted: query.deleted == "1",
    }))
}

/// 导出 Excel: every role with its permissions and users, as the list shows it.
async fn export_roles(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_ROLE_MANAGE)?;
    let roles = role_rows(&state, l).await?;
    let mut table = Table::new(l.t("menu.roles"))
        .column(l.t("role.name"), ColumnKind::Text, 16)
        .column(l.t("role.description"), ColumnKind::Text, 24)
        .column(l.t("role.permissions"), ColumnKind::Text, 60)
        .column(l.t("role.user_count"), ColumnKind::Integer, 8);
    table.rows = roles
        .into_iter()
        .map(|role| {
            vec![
                Cell::Text(role.name),
                Cell::Text(role.description),
                Cell::Text(role.permissions),
                Cell::Integer(role.n_users),
            ]
        })
        .collect();
    spreadsheet::export(&table)
}

/// The rows of the role list, permissions named in the user's language; shared by the page and
/// its export.
async fn role_rows(state: &AppState, l: Locale) -> AppResult<Vec<RoleRow>> {
    Ok(service::list_roles(&state.db)
        .await?
        .into_iter()
        .map(|role| RoleRow {
            id: role.id.0,
            permissions: if role.is_superuser {
                l.t("role.all_permissions")
            } else {
                role.permissions
                    .iter()
                    .map(|key| l.t(&format!("permission.{key}")))
                    .collect::<Vec<_>>()
                    .join("、")
            },
            name: role.name,
            description: role.description,
            is_superuser: role.is_superuser,
            n_users: role.n_users,
        })
        .collect())
}

async fn new_role(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_ROLE_MANAGE)?;
    let page = edit_page(
        &state,
        &user,
        l,
        None,
        RoleInput::default(),
        FieldErrors::new(),
    )
    .await?;
    Ok(render(&page))
}

async fn create_role(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Form(input): Form<RoleInput>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_ROLE_MANAGE)?;
    match service::create_role(&state.db, &user, &input).await {
        Ok(id) => Ok(see_other(&format!("/system/roles/{}?saved=1", id.0))),
        Err(AppError::Invalid(errors)) => invalid(&state, &user, l, None, input, errors).await,
        Err(err) => Err(err),
    }
}

async fn show_role(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_ROLE_MANAGE)?;
    let role = service::show_role(&state.db, RoleId(id)).await?;
    let input = input_of(&role);
    let mut page = edit_page(&state, &user, l, Some(role.id), input, FieldErrors::new()).await?;
    page.saved = query.saved == "1";
    Ok(render(&page))
}

async fn update_role(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(input): Form<RoleInput>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_ROLE_MANAGE)?;
    match service::update_role(&state.db, &user, RoleId(id), &input).await {
        Ok(()) => Ok(see_other(&format!("/system/roles/{id}?saved=1"))),
        Err(AppError::Invalid(errors)) => {
            invalid(&state, &user, l, Some(RoleId(id)), input, errors).await
        }
        Err(err) => Err(err),
    }
}

async fn delete_role(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(_): Form<EmptyForm>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_ROLE_MANAGE)?;
    service::delete_role(&state.db, &user, RoleId(id)).await?;
    Ok(see_other("/system/roles?deleted=1"))
}

async fn invalid(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    id: Option<RoleId>,
    input: RoleInput,
    errors: FieldErrors,
) -> AppResult<Response> {
    let page = edit_page(state, user, l, id, input, errors).await?;
    let mut res = render(&page);
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}

async fn edit_page(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    id: Option<RoleId>,
    input: RoleInput,
    errors: FieldErrors,
) -> AppResult<RoleEditPage> {
    let (is_superuser, history) = match id {
        Some(id) => (
            service::show_role(&state.db, id).await?.is_superuser,
            audit::trail(&state.db, user.scope(), DOC_KIND, id.0, l).await?,
        ),
        None => (false, Vec::new()),
    };
    let chapters = CATALOGUE
        .iter()
        .map(|group| PermissionChapter {
            label: l.t(group.label_key),
            checks: group
                .permissions
                .iter()
                .map(|p| PermissionCheck {
                    key: p.key(),
                    element_id: format!("perm-{}", p.key().replace('.', "-")),
                    label: l.t(&format!("permission.{}", p.key())),
                    checked: input.permissions.iter().any(|k| k == p.key()),
                })
                .collect(),
        })
        .collect();
    Ok(RoleEditPage {
        shell: shell(&state.db, user, l, "/system/roles").await?,
        id: id.map(|id| id.0),
        is_superuser,
        input,
        chapters,
        errors,
        saved: false,
        history,
    })
}

fn input_of(role: &Role) -> RoleInput {
    RoleInput {
        name: role.name.clone(),
        description: role.description.clone(),
        permissions: role.permissions.clone(),
        form_nonce: String::new(),
    }
}
