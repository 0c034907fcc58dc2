//! `/api/v1/tasks`: production tasks as JSON — the list with the board's filters (or 我的任务),
//! one task with its history, and the actions 开始, 完成, 返工 and 改派; and
//! `/api/v1/task-settings` (任务设置): who gets each process's tasks by default.

use axum::extract::{Path, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service::{self, TaskDetail};
use super::{ActionInput, Task, TaskAction, TaskEvent, TaskFilter, TaskId, TaskStatus};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::{AppError, AppResult};
use crate::kernel::i18n::Locale;
use crate::kernel::money::Quantity;
use crate::kernel::web::{self, AppState, IdPath, Json, Query};

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tasks))
        .routes(routes!(show_task))
        .routes(routes!(act_on_task))
        .routes(routes!(get_task_settings, put_task_settings))
}

/// The filters of the list and the board. Ids are numbers; anything else is no filter.
#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct TaskParams {
    /// `todo`, `doing`, `done` or `rework`.
    pub status: String,
    pub process_id: String,
    pub department_id: String,
    pub assignee_id: String,
    /// Part of the order number.
    pub q: String,
    /// `1`: only 我的任务 (open tasks assigned to the caller or the caller's department).
    pub mine: String,
}

impl TaskParams {
    pub fn filter(&self) -> TaskFilter {
        let id = |text: &str| text.trim().parse::<i64>().ok();
        TaskFilter {
            status: TaskStatus::from_code(self.status.trim()),
            process_id: id(&self.process_id),
            department_id: id(&self.department_id),
            assignee_id: id(&self.assignee_id),
            order_number: self.q.trim().to_owned(),
            open_only: false,
        }
    }

    pub fn mine(&self) -> bool {
        matches!(self.mine.trim(), "1" | "true")
    }
}

/// An action on a task. `version` is the one the worker saw (a newer one is refused with 409);
/// `note` is required for `rework`; `department_id` and `assignee_id` are the new holders for
/// `reassign` (at least one; null clears it).
#[derive(serde::Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct TaskActionBody {
    version: Option<i64>,
    note: String,
    department_id: Option<i64>,
    assignee_id: Option<i64>,
}

/// A task with its order, line and holders. Sizes and quantities are strings, sizes in metres.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TaskView {
    id: i64,
    order_id: i64,
    order_number: String,
    /// The order's status code.
    order_status: &'static str,
    customer: String,
    product: String,
    specification: String,
    width: String,
    height: String,
    quantity: String,
    process_id: i64,
    process: String,
    department_id: Option<i64>,
    department: String,
    assignee_id: Option<i64>,
    assignee: String,
    /// `todo`, `doing`, `done` or `rework`.
    status: &'static str,
    /// The status in the caller's language.
    status_label: String,
    due_at: Option<String>,
    started_at: Option<String>,
    finished_at: Option<String>,
    version: i64,
    /// The order's feature tags (ids of the `feature_tag` settings list).
    tag_ids: Vec<i64>,
    /// What the task offers now: `start`, `finish`, `rework`, `reassign`.
    actions: Vec<&'static str>,
}

/// One entry of a task's history.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TaskEventView {
    action: &'static str,
    note: String,
    /// The new department and user of a `reassign`; empty otherwise.
    department: String,
    assignee: String,
    at: String,
    by: String,
}

/// A task with its history, oldest first.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TaskDetailView {
    #[serde(flatten)]
    task: TaskView,
    history: Vec<TaskEventView>,
}

fn qty(q: Quantity) -> String {
    q.to_decimal().normalize().to_string()
}

fn view(task: Task, l: Locale) -> TaskView {
    TaskView {
        id: task.id.0,
        order_id: task.order_id.0,
        order_number: task.order_number,
        order_status: task.order_status.code(),
        customer: task.customer_name,
        product: task.product_name,
        specification: task.specification,
        width: qty(task.width),
        height: qty(task.height),
        quantity: qty(task.quantity),
        process_id: task.process_id,
        process: task.process_name,
        department_id: task.department_id,
        department: task.department_name,
        assignee_id: task.assignee_id,
        assignee: task.assignee_name,
        status: task.status.code(),
        status_label: l.t(task.status.label_key()),
        due_at: task.due_at,
        started_at: task.started_at,
        finished_at: task.finished_at,
        version: task.version,
        tag_ids: task.tag_ids,
        actions: super::rules::actions_for(task.status)
            .into_iter()
            .map(TaskAction::code)
            .collect(),
    }
}

fn event_view(event: TaskEvent) -> TaskEventView {
    TaskEventView {
        action: event.action.code(),
        note: event.note,
        department: event.department_name,
        assignee: event.assignee_name,
        at: event.at,
        by: event.by_name,
    }
}

fn detail_view(detail: TaskDetail, l: Locale) -> TaskDetailView {
    TaskDetailView {
        task: view(detail.task, l),
        history: detail.events.into_iter().map(event_view).collect(),
    }
}

/// Lists tasks of approved orders by due time (at most 500), narrowed by the filters; `mine=1`
/// gives the caller's open tasks.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "tasks", params(TaskParams),
    responses((status = 200, body = Vec<TaskView>), (status = 403, body = web::ApiErrorBody)))]
async fn list_tasks(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(params): Query<TaskParams>,
) -> AppResult<axum::Json<Vec<TaskView>>> {
    user.require(Permission::TASK_VIEW)?;
    let filter = params.filter();
    let tasks = if params.mine() {
        service::my_tasks(&state.db, &user, &filter).await?
    } else {
        service::list_tasks(&state.db, user.scope(), &filter).await?
    };
    Ok(axum::Json(tasks.into_iter().map(|t| view(t, l)).collect()))
}

/// One task with its history.
#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "tasks", params(("id" = i64, Path)),
    responses((status = 200, body = TaskDetailView), (status = 404, body = web::ApiErrorBody)))]
async fn show_task(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<axum::Json<TaskDetailView>> {
    user.require(Permission::TASK_VIEW)?;
    let detail = service::show_task(&state.db, user.scope(), TaskId(id)).await?;
    Ok(axum::Json(detail_view(detail, l)))
}

/// Applies `start`, `finish`, `rework` or `reassign` and answers the task as it now is. 409 when
/// the version is stale, the order is not approved or the status forbids the action; 422 naming
/// `note`, `department_id` or `assignee_id`.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/actions/{action}", tag = "tasks",
    params(("id" = i64, Path), ("action" = String, Path)), request_body = TaskActionBody,
    responses((status = 200, body = TaskDetailView), (status = 403, body = web::ApiErrorBody),
        (status = 404, body = web::ApiErrorBody), (status = 409, body = web::ApiErrorBody),
        (status = 422, body = web::ApiErrorBody)))]
async fn act_on_task(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Path((id, action)): Path<(String, String)>,
    Json(body): Json<TaskActionBody>,
) -> AppResult<axum::Json<TaskDetailView>> {
    let id: i64 = id.trim().parse().map_err(|_| AppError::NotFound)?;
    let action = TaskAction::from_code(action.trim()).ok_or(AppError::NotFound)?;
    user.require(Permission::TASK_WORK)?;
    let input = ActionInput {
        version: body.version,
        note: body.note,
        department_id: body.department_id,
        assignee_id: body.assignee_id,
    };
    service::act(&state.db, &user, TaskId(id), action, &input).await?;
    let detail = service::show_task(&state.db, user.scope(), TaskId(id)).await?;
    Ok(axum::Json(detail_view(detail, l)))
}

/// 任务设置 of one process: the department and the user its tasks go to by default.
#[derive(serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct TaskSettingView {
    pub process_id: i64,
    /// Read only: the process's name.
    #[serde(default)]
    pub process_name: String,
    /// A live department of this account set, or null.
    #[serde(default)]
    pub department_id: Option<i64>,
    /// An active user of this account set, or null.
    #[serde(default)]
    pub user_id: Option<i64>,
}

async fn settings_view(state: &AppState, user: &CurrentUser) -> AppResult<Vec<TaskSettingView>> {
    Ok(service::task_settings(&state.db, user.scope())
        .await?
        .into_iter()
        .map(|line| TaskSettingView {
            process_id: line.process_id,
            process_name: line.process_name,
            department_id: line.department_id,
            user_id: line.user_id,
        })
        .collect())
}

/// Every active process (工序) with the department and user its new tasks go to.
#[utoipa::path(get, path = "/api/v1/task-settings", tag = "tasks",
    responses((status = 200, body = Vec<TaskSettingView>), (status = 403, body = web::ApiErrorBody)))]
async fn get_task_settings(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<axum::Json<Vec<TaskSettingView>>> {
    user.require(Permission::ORDER_SETTINGS_MANAGE)?;
    Ok(axum::Json(settings_view(&state, &user).await?))
}

/// Replaces 任务设置: a process left out of the list gets no default. 422 naming
/// `department_{process_id}` or `user_{process_id}` for an unknown department or user; nothing is
/// saved then.
#[utoipa::path(put, path = "/api/v1/task-settings", tag = "tasks",
    request_body = Vec<TaskSettingView>,
    responses((status = 200, body = Vec<TaskSettingView>), (status = 403, body = web::ApiErrorBody),
        (status = 422, body = web::ApiErrorBody)))]
async fn put_task_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<Vec<TaskSettingView>>,
) -> AppResult<axum::Json<Vec<TaskSettingView>>> {
    user.require(Permission::ORDER_SETTINGS_MANAGE)?;
    let text = |id: Option<i64>| id.map(|id| id.to_string()).unwrap_or_default();
    let inputs: Vec<service::TaskSettingInput> = body
        .iter()
        .map(|row| service::TaskSettingInput {
            process_id: row.process_id,
            department_id: text(row.department_id),
            user_id: text(row.user_id),
        })
        .collect();
    service::save_task_settings(&state.db, &user, &inputs).await?;
    Ok(axum::Json(settings_view(&state, &user).await?))
}
