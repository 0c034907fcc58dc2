//! Pages of 生产任务: 我的任务 (the worker's open tasks by due time), 任务看板 (one column per
//! status, filtered by process, department, user and order number), each task's page with its
//! actions and history, and 任务设置 (who each process's new tasks go to). Every action is a plain
//! form post naming the task version, so the pages work without script.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};

use super::api::TaskParams;
use super::rules::actions_for;
use super::service::{self, Choice, Choices, TaskDetail, TaskSettingInput};
use super::{ActionInput, Task, TaskAction, TaskId, TaskStatus};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Locale;
use crate::kernel::money::Quantity;
use crate::kernel::shell::{Shell, shell};
use crate::kernel::web::{
    AppState, Form, IdPath, Query, query_string, render, see_other, unprocessable,
};
use crate::system::settings_list::{self, FEATURE_TAG};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/orders/tasks", get(list_tasks))
        .route("/orders/tasks/mine", get(list_my_tasks))
        .route("/orders/tasks/{id}", get(show_task))
        .route("/orders/tasks/{id}/actions/{action}", post(act_on_task))
        .route(
            "/orders/task-settings",
            get(show_task_settings).post(update_task_settings),
        )
}

/// A select option.
struct SelectOption {
    value: String,
    label: String,
    selected: bool,
}

/// A task as the lists, the board and the task page show it.
struct TaskCard {
    id: i64,
    order_id: i64,
    order_number: String,
    customer: String,
    product: String,
    size: String,
    quantity: String,
    process: String,
    holder: String,
    status: &'static str,
    status_label: String,
    due_at: String,
    started_at: String,
    finished_at: String,
    version: i64,
    tags: Vec<(String, String)>,
    /// Actions a button can do at once: (code, label). 返工 and 改派 need the task page's forms.
    quick_actions: Vec<(&'static str, String)>,
}

/// One status column of the board.
struct Column {
    status: &'static str,
    label: String,
    cards: Vec<TaskCard>,
}

#[derive(Template)]
#[template(path = "orders/my_tasks.html")]
struct MyTasksPage {
    shell: Shell,
    cards: Vec<TaskCard>,
    q: String,
    can_work: bool,
}

#[derive(Template)]
#[template(path = "orders/task_board.html")]
struct TaskBoardPage {
    shell: Shell,
    columns: Vec<Column>,
    processes: Vec<SelectOption>,
    departments: Vec<SelectOption>,
    users: Vec<SelectOption>,
    q: String,
    can_work: bool,
    /// The board's filters as a query string, sent back with every action so the board the
    /// worker returns to is the one they left.
    filters: String,
}

/// One line of a task's history.
struct HistoryLine {
    at: String,
    by: String,
    action: String,
    holder: String,
    note: String,
}

#[derive(Template)]
#[template(path = "orders/task.html")]
struct TaskPage {
    shell: Shell,
    task: TaskCard,
    can_work: bool,
    can_rework: bool,
    can_reassign: bool,
    departments: Vec<SelectOption>,
    users: Vec<SelectOption>,
    note: String,
    history: Vec<HistoryLine>,
    errors: FieldErrors,
    notice: String,
}

impl TaskPage {
    fn err(&self, field: &str) -> String {
        self.errors.text(field, self.shell.l)
    }

    fn other_errors(&self) -> Vec<String> {
        self.errors
            .others(&["note", "department_id", "assignee_id"], self.shell.l)
    }
}

/// One row of 任务设置.
struct SettingRow {
    process_id: i64,
    process_name: String,
    departments: Vec<SelectOption>,
    users: Vec<SelectOption>,
}

#[derive(Template)]
#[template(path = "orders/task_settings.html")]
struct TaskSettingsPage {
    shell: Shell,
    rows: Vec<SettingRow>,
    errors: FieldErrors,
    notice: String,
}

impl TaskSettingsPage {
    fn err(&self, field: &str) -> String {
        self.errors.text(field, self.shell.l)
    }
}

fn qty(q: Quantity) -> String {
    if q.is_zero() {
        String::new()
    } else {
        q.to_decimal().normalize().to_string()
    }
}

/// Tag names and colours by id.
async fn tag_names(
    state: &AppState,
    user: &CurrentUser,
) -> AppResult<BTreeMap<i64, (String, String)>> {
    let items = settings_list::service::list_items(&state.db, user.scope(), &FEATURE_TAG).await?;
    Ok(items
        .into_iter()
        .map(|line| {
            (
                line.item.id,
                (
                    line.item.name.clone(),
                    line.item.attribute("color").to_owned(),
                ),
            )
        })
        .collect())
}

fn card(task: Task, l: Locale, tags: &BTreeMap<i64, (String, String)>) -> TaskCard {
    let size = if task.width.is_zero() && task.height.is_zero() {
        String::new()
    } else {
        format!("{} × {} m", qty(task.width), qty(task.height))
    };
    let product = if task.specification.is_empty() {
        task.product_name
    } else {
        format!("{} {}", task.product_name, task.specification)
    };
    let holder = [task.department_name, task.assignee_name]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let customer = if task.customer_name.is_empty() {
        l.t("order.walk_in")
    } else {
        task.customer_name
    };
    let local = |at: Option<String>| {
        at.map(|at| crate::kernel::clock::display_local(&at))
            .unwrap_or_default()
    };
    TaskCard {
        id: task.id.0,
        order_id: task.order_id.0,
        order_number: task.order_number,
        customer,
        product,
        size,
        quantity: qty(task.quantity),
        process: task.process_name,
        holder,
        status: task.status.code(),
        status_label: l.t(task.status.label_key()),
        due_at: task.due_at.unwrap_or_default(),
        started_at: local(task.started_at),
        finished_at: local(task.finished_at),
        version: task.version,
        tags: task
            .tag_ids
            .iter()
            .filter_map(|id| tags.get(id).cloned())
            .collect(),
        quick_actions: actions_for(task.status)
            .into_iter()
            .filter(|a| matches!(a, TaskAction::Start | TaskAction::Finish))
            .map(|a| (a.code(), l.t(a.label_key())))
            .collect(),
    }
}

fn options(choices: &[Choice], selected: Option<i64>) -> Vec<SelectOption> {
    choices
        .iter()
        .map(|choice| SelectOption {
            value: choice.id.to_string(),
            label: choice.label.clone(),
            selected: Some(choice.id) == selected,
        })
        .collect()
}

async fn list_my_tasks(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(params): Query<TaskParams>,
) -> AppResult<Response> {
    user.require(Permission::TASK_VIEW)?;
    let tasks = service::my_tasks(&state.db, &user, &params.filter()).await?;
    let tags = tag_names(&state, &user).await?;
    let page = MyTasksPage {
        shell: shell(&state.db, &user, l, "/orders/tasks/mine").await?,
        cards: tasks.into_iter().map(|t| card(t, l, &tags)).collect(),
        q: params.q.trim().to_owned(),
        can_work: user.can(Permission::TASK_WORK),
    };
    Ok(render(&page))
}

async fn list_tasks(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(params): Query<TaskParams>,
) -> AppResult<Response> {
    user.require(Permission::TASK_VIEW)?;
    let filter = params.filter();
    let tasks = service::list_tasks(&state.db, user.scope(), &filter).await?;
    let tags = tag_names(&state, &user).await?;
    let Choices {
        processes,
        departments,
        users,
    } = service::choices(&state.db, user.scope()).await?;
    let mut columns: Vec<Column> = TaskStatus::ALL
        .into_iter()
        .map(|status| Column {
            status: status.code(),
            label: l.t(status.label_key()),
            cards: Vec::new(),
        })
        .collect();
    for task in tasks {
        if let Some(column) = columns.iter_mut().find(|c| c.status == task.status.code()) {
            column.cards.push(card(task, l, &tags));
        }
    }
    let page = TaskBoardPage {
        shell: shell(&state.db, &user, l, "/orders/tasks").await?,
        columns,
        processes: options(&processes, filter.process_id),
        departments: options(&departments, filter.department_id),
        users: options(&users, filter.assignee_id),
        q: params.q.trim().to_owned(),
        can_work: user.can(Permission::TASK_WORK),
        filters: query_string(&[
            ("process_id", &params.process_id),
            ("department_id", &params.department_id),
            ("assignee_id", &params.assignee_id),
            ("q", &params.q),
        ]),
    };
    Ok(render(&page))
}

/// The board with the filters it was left with. They are echoed only when made of the
/// characters `urlencode` produces, so a crafted form cannot point the redirect elsewhere.
fn board_url(filters: &str) -> String {
    let safe = filters
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_=&%+.-*".contains(c));
    if filters.is_empty() || !safe {
        "/orders/tasks".to_owned()
    } else {
        format!("/orders/tasks?{filters}")
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct TaskQuery {
    done: String,
}

async fn show_task(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Query(query): Query<TaskQuery>,
) -> AppResult<Response> {
    user.require(Permission::TASK_VIEW)?;
    let detail = service::show_task(&state.db, user.scope(), TaskId(id)).await?;
    let mut page = task_page(&state, &user, l, detail, None, FieldErrors::new()).await?;
    if !query.done.is_empty() {
        page.notice = l.t("task.action_done");
    }
    Ok(render(&page))
}

/// The task page; `form` is what a refused action sent, shown again with `errors`.
async fn task_page(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    detail: TaskDetail,
    form: Option<&ActionForm>,
    errors: FieldErrors,
) -> AppResult<TaskPage> {
    let tags = tag_names(state, user).await?;
    let choices = service::choices(&state.db, user.scope()).await?;
    let id_of = |text: &str| text.trim().parse::<i64>().ok();
    let (department_id, assignee_id) = match form {
        Some(form) => (id_of(&form.department_id), id_of(&form.assignee_id)),
        None => (detail.task.department_id, detail.task.assignee_id),
    };
    let actions = actions_for(detail.task.status);
    let history = detail
        .events
        .into_iter()
        .map(|event| HistoryLine {
            at: crate::kernel::clock::display_local(&event.at),
            by: event.by_name,
            action: l.t(event.action.label_key()),
            holder: [event.department_name, event.assignee_name]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · "),
            note: event.note,
        })
        .collect();
    Ok(TaskPage {
        shell: shell(&state.db, user, l, "/orders/tasks").await?,
        can_work: user.can(Permission::TASK_WORK),
        can_rework: actions.contains(&TaskAction::Rework),
        can_reassign: actions.contains(&TaskAction::Reassign),
        departments: options(&choices.departments, department_id),
        users: options(&choices.users, assignee_id),
        note: form.map(|f| f.note.clone()).unwrap_or_default(),
        task: card(detail.task, l, &tags),
        history,
        errors,
        notice: String::new(),
    })
}

/// An action as the forms send it. `back` is `mine` or `board` to return to that list.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ActionForm {
    version: String,
    note: String,
    department_id: String,
    assignee_id: String,
    back: String,
    /// The board's filters (`TaskBoardPage::filters`).
    filters: String,
}

async fn act_on_task(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let id: i64 = id.trim().parse().map_err(|_| AppError::NotFound)?;
    let action = TaskAction::from_code(action.trim()).ok_or(AppError::NotFound)?;
    user.require(Permission::TASK_WORK)?;
    let id_of = |text: &str| text.trim().parse::<i64>().ok();
    let input = ActionInput {
        version: id_of(&form.version),
        note: form.note.clone(),
        department_id: id_of(&form.department_id),
        assignee_id: id_of(&form.assignee_id),
    };
    match service::act(&state.db, &user, TaskId(id), action, &input).await {
        Ok(_) => {
            let to = match form.back.as_str() {
                "mine" => "/orders/tasks/mine".to_owned(),
                "board" => board_url(&form.filters),
                _ => format!("/orders/tasks/{id}?done={}", action.code()),
            };
            Ok(see_other(&to))
        }
        Err(AppError::Invalid(errors)) => {
            let detail = service::show_task(&state.db, user.scope(), TaskId(id)).await?;
            let page = task_page(&state, &user, l, detail, Some(&form), errors).await?;
            Ok(unprocessable(&page))
        }
        Err(err) => Err(err),
    }
}

async fn show_task_settings(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<TaskQuery>,
) -> AppResult<Response> {
    user.require(Permission::ORDER_SETTINGS_MANAGE)?;
    let lines = service::task_settings(&state.db, user.scope()).await?;
    let choices = service::choices(&state.db, user.scope()).await?;
    let rows = lines
        .into_iter()
        .map(|line| SettingRow {
            process_id: line.process_id,
            process_name: line.process_name,
            departments: options(&choices.departments, line.department_id),
            users: options(&choices.users, line.user_id),
        })
        .collect();
    let page = TaskSettingsPage {
        shell: shell(&state.db, &user, l, "/orders/task-settings").await?,
        rows,
        errors: FieldErrors::new(),
        notice: if query.done.is_empty() {
            String::new()
        } else {
            l.t("task_settings.saved")
        },
    };
    Ok(render(&page))
}

/// Reads `department_{process id}` and `user_{process id}` fields.
fn read_settings(pairs: &[(String, String)]) -> Vec<TaskSettingInput> {
    let mut rows: BTreeMap<i64, TaskSettingInput> = BTreeMap::new();
    for (key, value) in pairs {
        let (field, id) = match key.split_once('_') {
            Some((field, id)) => (field, id.parse::<i64>().ok()),
            None => continue,
        };
        let Some(process_id) = id else { continue };
        let row = rows.entry(process_id).or_insert_with(|| TaskSettingInput {
            process_id,
            ..TaskSettingInput::default()
        });
        match field {
            "department" => row.department_id = value.clone(),
            "user" => row.user_id = value.clone(),
            _ => {}
        }
    }
    rows.into_values().collect()
}

async fn update_task_settings(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    user.require(Permission::ORDER_SETTINGS_MANAGE)?;
    let inputs = read_settings(&pairs);
    match service::save_task_settings(&state.db, &user, &inputs).await {
        Ok(()) => Ok(see_other("/orders/task-settings?done=1")),
        Err(AppError::Invalid(errors)) => {
            let lines = service::task_settings(&state.db, user.scope()).await?;
            let choices = service::choices(&state.db, user.scope()).await?;
            let id_of = |text: &str| text.trim().parse::<i64>().ok();
            let rows = lines
                .into_iter()
                .map(|line| {
                    let sent = inputs.iter().find(|i| i.process_id == line.process_id);
                    SettingRow {
                        process_id: line.process_id,
                        process_name: line.process_name,
                        departments: options(
                            &choices.departments,
                            sent.and_then(|s| id_of(&s.department_id)),
                        ),
                        users: options(&choices.users, sent.and_then(|s| id_of(&s.user_id))),
                    }
                })
                .collect();
            let page = TaskSettingsPage {
                shell: shell(&state.db, &user, l, "/orders/task-settings").await?,
                rows,
                errors,
                notice: String::new(),
            };
            Ok(unprocessable(&page))
        }
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::board_url;

    #[test]
    fn the_board_url_keeps_filters_but_never_leaves_the_board() {
        assert_eq!(board_url(""), "/orders/tasks");
        assert_eq!(
            board_url("process_id=3&q=%E8%A6%86"),
            "/orders/tasks?process_id=3&q=%E8%A6%86"
        );
        assert_eq!(board_url("x\r\nSet-Cookie: a=b"), "/orders/tasks");
        assert_eq!(board_url("#//evil.example"), "/orders/tasks");
        assert_eq!(board_url("a=1/../../x"), "/orders/tasks");
    }
}
