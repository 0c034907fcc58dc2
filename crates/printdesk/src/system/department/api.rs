//! `/api/v1/departments`: the department tree as JSON.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service;
use super::{Department, DepartmentId, DepartmentInput};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::AppResult;
use crate::kernel::web::{self, AppState, IdPath, Json};

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_departments, create_department))
        .routes(routes!(
            show_department,
            update_department,
            delete_department
        ))
}

/// A department to create or the new state of one. `parent_id` absent or null: top level.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct DepartmentBody {
    name: String,
    #[serde(default)]
    parent_id: Option<i64>,
    #[serde(default)]
    sort_order: Option<i64>,
    #[serde(default)]
    remarks: Option<String>,
}

/// A live department. `depth` is 0 at the top of the tree (lists only; 0 on single reads).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DepartmentView {
    id: i64,
    parent_id: Option<i64>,
    name: String,
    sort_order: i64,
    remarks: String,
    user_count: i64,
    depth: usize,
}

impl DepartmentBody {
    fn into_input(self) -> DepartmentInput {
        DepartmentInput {
            name: self.name,
            parent_id: self.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            sort_order: self.sort_order.map(|n| n.to_string()).unwrap_or_default(),
            remarks: self.remarks.unwrap_or_default(),
            form_nonce: String::new(),
        }
    }
}

fn view(department: Department, depth: usize) -> DepartmentView {
    DepartmentView {
        id: department.id.0,
        parent_id: department.parent_id.map(|p| p.0),
        name: department.name,
        sort_order: department.sort_order,
        remarks: department.remarks,
        user_count: department.n_users,
        depth,
    }
}

/// Lists the account set's departments in tree order.
#[utoipa::path(get, path = "/api/v1/departments", tag = "system",
    responses((status = 200, body = Vec<DepartmentView>), (status = 403, body = web::ApiErrorBody)))]
async fn list_departments(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<axum::Json<Vec<DepartmentView>>> {
    user.require(Permission::SYSTEM_DEPARTMENT_VIEW)?;
    let lines = service::list_departments(&state.db, user.scope()).await?;
    Ok(axum::Json(
        lines
            .into_iter()
            .map(|line| view(line.department, line.depth))
            .collect(),
    ))
}

/// Creates a department.
#[utoipa::path(post, path = "/api/v1/departments", tag = "system", request_body = DepartmentBody,
    responses((status = 201, body = DepartmentView), (status = 422, body = web::ApiErrorBody)))]
async fn create_department(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<DepartmentBody>,
) -> AppResult<(StatusCode, axum::Json<DepartmentView>)> {
    user.require(Permission::SYSTEM_DEPARTMENT_MANAGE)?;
    let id = service::create_department(&state.db, &user, &body.into_input()).await?;
    let department = service::show_department(&state.db, user.scope(), id).await?;
    Ok((StatusCode::CREATED, axum::Json(view(department, 0))))
}

/// One department.
#[utoipa::path(get, path = "/api/v1/departments/{id}", tag = "system", params(("id" = i64, Path)),
    responses((status = 200, body = DepartmentView), (status = 404, body = web::ApiErrorBody)))]
async fn show_department(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<axum::Json<DepartmentView>> {
    user.require(Permission::SYSTEM_DEPARTMENT_VIEW)?;
    let department = service::show_department(&state.db, user.scope(), DepartmentId(id)).await?;
    Ok(axum::Json(view(department, 0)))
}

/// Changes a department.
#[utoipa::path(put, path = "/api/v1/departments/{id}", tag = "system", params(("id" = i64, Path)),
    request_body = DepartmentBody,
    responses((status = 200, body = DepartmentView), (status = 404, body = web::ApiErrorBody), (status = 422, body = web::ApiErrorBody)))]
async fn update_department(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(body): Json<DepartmentBody>,
) -> AppResult<axum::Json<DepartmentView>> {
    user.require(Permission::SYSTEM_DEPARTMENT_MANAGE)?;
    let id = DepartmentId(id);
    service::update_department(&state.db, &user, id, &body.into_input()).await?;
    let department = service::show_department(&state.db, user.scope(), id).await?;
    Ok(axum::Json(view(department, 0)))
}

/// Moves a department to the recycle bin. 409 while sub-departments or users are in it.
#[utoipa::path(delete, path = "/api/v1/departments/{id}", tag = "system", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = web::ApiErrorBody), (status = 409, body = web::ApiErrorBody)))]
async fn delete_department(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<StatusCode> {
    user.require(Permission::SYSTEM_DEPARTMENT_MANAGE)?;
    service::delete_department(&state.db, &user, DepartmentId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
