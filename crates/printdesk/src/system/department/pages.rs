//! Pages of 部门管理: the tree with a form for a new department and its 导出 Excel, and each
//! department's edit page.

use std::collections::HashMap;

use crate::kernel::spreadsheet::{self, Cell, ColumnKind, Table};
use crate::kernel::web::Query;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

use super::service::{self, DepartmentLine};
use super::{Department, DepartmentId, DepartmentInput, RECYCLE_KIND};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Locale;
use crate::kernel::shell::{Shell, shell};
use crate::kernel::web::{AppState, Form, IdPath, render, see_other};
use crate::system::audit::{self, TrailLine};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/system/departments",
            get(list_departments).post(create_department),
        )
        .route("/system/departments/export", get(export_departments))
        .route(
            "/system/departments/{id}",
            get(show_department).post(update_department),
        )
        .route("/system/departments/{id}/delete", post(delete_department))
}

/// One row of the tree.
struct TreeRow {
    id: i64,
    indent: String,
    name: String,
    sort_order: i64,
    remarks: String,
    n_users: i64,
}

/// One choice of the parent select, indented like the tree.
struct ParentOption {
    id: i64,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "system/departments.html")]
struct DepartmentsPage {
    shell: Shell,
    rows: Vec<TreeRow>,
    parents: Vec<ParentOption>,
    can_manage: bool,
    input: DepartmentInput,
    errors: FieldErrors,
    notice: String,
}

#[derive(Template)]
#[template(path = "system/department_edit.html")]
struct DepartmentEditPage {
    shell: Shell,
    id: i64,
    parents: Vec<ParentOption>,
    can_manage: bool,
    input: DepartmentInput,
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

async fn list_departments(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_DEPARTMENT_VIEW)?;
    let notice = if query.deleted == "1" {
        l.t("department.deleted")
    } else if query.saved == "1" {
        l.t("org.saved")
    } else {
        String::new()
    };
    let page = list_page(
        &state,
        &user,
        l,
        DepartmentInput::default(),
        FieldErrors::new(),
    )
    .await?;
    Ok(render(&DepartmentsPage { notice, ..page }))
}

/// 导出 Excel: the department tree as the list shows it, children indented under their parent,
/// with the parent named in its own column so the sheet sorts and filters without losing it.
async fn export_departments(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_DEPARTMENT_VIEW)?;
    let lines = service::list_departments(&state.db, user.scope()).await?;
    let names: HashMap<DepartmentId, &str> = lines
        .iter()
        .map(|line| (line.department.id, line.department.name.as_str()))
        .collect();
    let mut table = Table::new(l.t("menu.departments"))
        .column(l.t("department.name"), ColumnKind::Text, 24)
        .column(l.t("department.parent"), ColumnKind::Text, 20)
        .column(l.t("department.sort_order"), ColumnKind::Integer, 8)
        .column(l.t("department.user_count"), ColumnKind::Integer, 8)
        .column(l.t("department.remarks"), ColumnKind::Text, 30);
    table.rows = lines
        .iter()
        .map(|line| {
            let department = &line.department;
            let parent = department
                .parent_id
                .and_then(|id| names.get(&id))
                .copied()
                .unwrap_or("");
            vec![
                Cell::Text(format!(
                    "{}{}",
                    "\u{3000}".repeat(line.depth),
                    department.name
                )),
                Cell::Text(parent.to_owned()),
                Cell::Integer(department.sort_order),
                Cell::Integer(department.n_users),
                Cell::Text(department.remarks.clone()),
            ]
        })
        .collect();
    spreadsheet::export(&table)
}

async fn create_department(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Form(input): Form<DepartmentInput>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_DEPARTMENT_MANAGE)?;
    match service::create_department(&state.db, &user, &input).await {
        Ok(_) => Ok(see_other("/system/departments?saved=1")),
        Err(AppError::Invalid(errors)) => {
            let page = list_page(&state, &user, l, input, errors).await?;
            let mut res = render(&page);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(err) => Err(err),
    }
}

async fn list_page(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    input: DepartmentInput,
    errors: FieldErrors,
) -> AppResult<DepartmentsPage> {
    let lines = service::list_departments(&state.db, user.scope()).await?;
    let parents = parent_options(&lines, &[], &input.parent_id);
    let rows = lines
        .into_iter()
        .map(|line| TreeRow {
            id: line.department.id.0,
            indent: indent(line.depth),
            name: line.department.name,
            sort_order: line.department.sort_order,
            remarks: line.department.remarks,
            n_users: line.department.n_users,
        })
        .collect();
    Ok(DepartmentsPage {
        shell: shell(&state.db, user, l, "/system/departments").await?,
        rows,
        parents,
        can_manage: user.can(Permission::SYSTEM_DEPARTMENT_MANAGE),
        input,
        errors,
        notice: String::new(),
    })
}

async fn show_department(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_DEPARTMENT_VIEW)?;
    let department = service::show_department(&state.db, user.scope(), DepartmentId(id)).await?;
    let input = input_of(&department);
    let mut page = edit_page(
        &state,
        &user,
        l,
        DepartmentId(id),
        input,
        FieldErrors::new(),
    )
    .await?;
    page.saved = query.saved == "1";
    Ok(render(&page))
}

async fn update_department(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(input): Form<DepartmentInput>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_DEPARTMENT_MANAGE)?;
    match service::update_department(&state.db, &user, DepartmentId(id), &input).await {
        Ok(()) => Ok(see_other(&format!("/system/departments/{id}?saved=1"))),
        Err(AppError::Invalid(errors)) => {
            let page = edit_page(&state, &user, l, DepartmentId(id), input, errors).await?;
            let mut res = render(&page);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(err) => Err(err),
    }
}

async fn delete_department(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(_): Form<EmptyForm>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_DEPARTMENT_MANAGE)?;
    service::delete_department(&state.db, &user, DepartmentId(id)).await?;
    Ok(see_other("/system/departments?deleted=1"))
}

async fn edit_page(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    id: DepartmentId,
    input: DepartmentInput,
    errors: FieldErrors,
) -> AppResult<DepartmentEditPage> {
    let lines = service::list_departments(&state.db, user.scope()).await?;
    let excluded = service::not_parent_candidates(&state.db, user.scope(), id).await?;
    let parents = parent_options(&lines, &excluded, &input.parent_id);
    let history = audit::trail(&state.db, user.scope(), RECYCLE_KIND.key, id.0, l).await?;
    Ok(DepartmentEditPage {
        shell: shell(&state.db, user, l, "/system/departments").await?,
        id: id.0,
        parents,
        can_manage: user.can(Permission::SYSTEM_DEPARTMENT_MANAGE),
        input,
        errors,
        saved: false,
        history,
    })
}

fn input_of(department: &Department) -> DepartmentInput {
    DepartmentInput {
        name: department.name.clone(),
        parent_id: department
            .parent_id
            .map(|p| p.0.to_string())
            .unwrap_or_default(),
        sort_order: department.sort_order.to_string(),
        remarks: department.remarks.clone(),
        form_nonce: String::new(),
    }
}

fn parent_options(
    lines: &[DepartmentLine],
    excluded: &[DepartmentId],
    selected: &str,
) -> Vec<ParentOption> {
    lines
        .iter()
        .filter(|line| !excluded.contains(&line.department.id))
        .map(|line| ParentOption {
            id: line.department.id.0,
            label: format!("{}{}", indent(line.depth), line.department.name),
            selected: line.department.id.0.to_string() == selected.trim(),
        })
        .collect()
}

/// Full-width spaces and a corner mark, so the tree reads in a table and in a select alike.
fn indent(depth: usize) -> String {
    if depth == 0 {
        String::new()
    } else {
        format!("{}└ ", "\u{3000}".repeat(depth - 1))
    }
}
