//! Use cases of tasks and 任务设置, called by the pages and the API alike.

use tracing::instrument;

use super::store::{self, LockedTask, Mine, NewEvent, TaskChange};
use super::{
    AUDIT_KIND, ActionInput, SETTINGS_AUDIT_KIND, Task, TaskAction, TaskDefault, TaskEvent,
    TaskFilter, TaskId, TaskStatus, rules,
};
use crate::kernel::audit;
use crate::kernel::auth::CurrentUser;
use crate::kernel::clock;
use crate::kernel::db::{Db, StoreError, Tx};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Message;
use crate::kernel::tenancy::Scope;
use crate::orders::order::rules::{OrderFacts, status_from_tasks};
use crate::system::department::DepartmentId;
use crate::system::department::service as departments;
use crate::system::settings_list::{self, PROCESS};

/// A task with its history.
pub struct TaskDetail {
    pub task: Task,
    pub events: Vec<TaskEvent>,
}

/// A choice of a select: id and label (departments indented by depth).
#[derive(Clone, Debug)]
pub struct Choice {
    pub id: i64,
    pub label: String,
}

/// What the filters and the forms offer.
pub struct Choices {
    /// The active processes.
    pub processes: Vec<Choice>,
    /// Live departments in tree order.
    pub departments: Vec<Choice>,
    /// Enabled users of the account set.
    pub users: Vec<Choice>,
}

/// One row of 任务设置: an active process and who its new tasks go to.
#[derive(Clone, Debug)]
pub struct TaskSettingLine {
    pub process_id: i64,
    pub process_name: String,
    pub department_id: Option<i64>,
    pub user_id: Option<i64>,
}

/// One row of 任务设置 as sent: the department's and the user's id as text, empty for none.
#[derive(Clone, Debug, Default)]
pub struct TaskSettingInput {
    pub process_id: i64,
    pub department_id: String,
    pub user_id: String,
}

/// The tasks matching `filter` (at most 500), by due time.
pub async fn list_tasks(db: &Db, scope: &Scope, filter: &TaskFilter) -> AppResult<Vec<Task>> {
    Ok(store::list(db.pool(), scope, filter, None).await?)
}

/// 我的任务: the open tasks assigned to the user or to their department, by due time, narrowed
/// by `filter`.
pub async fn my_tasks(db: &Db, user: &CurrentUser, filter: &TaskFilter) -> AppResult<Vec<Task>> {
    let scope = user.scope();
    let mine = Mine {
        user_id: user.user_id.0,
        department_id: store::department_of(db.pool(), scope, user.user_id.0).await?,
    };
    let filter = TaskFilter {
        open_only: true,
        ..filter.clone()
    };
    Ok(store::list(db.pool(), scope, &filter, Some(mine)).await?)
}

/// One task of a live order with its history; `NotFound` if it is not in this account set.
pub async fn show_task(db: &Db, scope: &Scope, id: TaskId) -> AppResult<TaskDetail> {
    let task = store::find(db.pool(), scope, id).await?;
    let events = store::events(db.pool(), scope, id).await?;
    Ok(TaskDetail { task, events })
}

/// The processes, departments and users the board's filters and the forms offer.
pub async fn choices(db: &Db, scope: &Scope) -> AppResult<Choices> {
    let processes = settings_list::options(db, scope, &PROCESS)
        .await?
        .into_iter()
        .map(|option| Choice {
            id: option.id,
            label: option.name,
        })
        .collect();
    let departments = departments::list_departments(db, scope)
        .await?
        .into_iter()
        .map(|line| Choice {
            id: line.department.id.0,
            label: format!("{}{}", "\u{3000}".repeat(line.depth), line.department.name),
        })
        .collect();
    let users = store::members(db.pool(), scope)
        .await?
        .into_iter()
        .map(|(id, label)| Choice { id, label })
        .collect();
    Ok(Choices {
        processes,
        departments,
        users,
    })
}

/// Applies `action` to a task in one write transaction: refused (409) when `input.version` is
/// not the current one, when the order is not approved, or when the task's status forbids it.
/// The history and the audit trail get an entry, and the order's status follows its tasks.
#[instrument(skip_all, fields(task.id = id.0, action = action.code()))]
pub async fn act(
    db: &Db,
    user: &CurrentUser,
    id: TaskId,
    action: TaskAction,
    input: &ActionInput,
) -> AppResult<TaskStatus> {
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    // The order first, then the task: the order's own actions lock in the same order.
    let order_id = store::order_of(&mut tx, scope, id).await?;
    let (order_status, order_number) =
        store::lock_order(&mut tx, scope, order_id, db.for_update()).await?;
    let task = store::lock_task(&mut tx, scope, id, db.for_update()).await?;
    if input.version.is_some_and(|v| v != task.version) {
        return Err(AppError::Conflict(Message::new("task.stale")));
    }
    if !rules::order_accepts_work(order_status) {
        return Err(AppError::Conflict(
            Message::new("task.order_not_open").arg("number", &order_number),
        ));
    }
    let next = rules::next_status(task.status, action).map_err(AppError::Conflict)?;
    let note = rules::check_input(action, input)?;
    let (department_id, assignee_id) = if action == TaskAction::Reassign {
        check_holders(&mut tx, scope, input.department_id, input.assignee_id).await?;
        (input.department_id, input.assignee_id)
    } else {
        (task.department_id, task.assignee_id)
    };
    let now = clock::now_text();
    let change = TaskChange {
        status: next,
        department_id,
        assignee_id,
        now: &now,
    };
    match store::update_task(&mut tx, scope, id, task.version, &change).await {
        Err(StoreError::NotFound) => return Err(AppError::Conflict(Message::new("task.stale"))),
        other => other?,
    }
    let reassigned = action == TaskAction::Reassign;
    let event = NewEvent {
        action,
        note: &note,
        department_id: department_id.filter(|_| reassigned),
        assignee_id: assignee_id.filter(|_| reassigned),
        at: &now,
        by_user: user.user_id.0,
    };
    store::insert_event(&mut tx, scope, id, &event).await?;
    follow_tasks(&mut tx, scope, order_id, order_status, &now).await?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        action.code(),
        AUDIT_KIND,
        Some(id.0),
        &summary(&order_number, &task, next, &note),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(task.id = id.0, task.status = next.code(), "task moved");
    Ok(next)
}

fn summary(order_number: &str, task: &LockedTask, next: TaskStatus, note: &str) -> String {
    let mut text = format!(
        "{order_number} {} {} → {}",
        task.process_name,
        task.status.code(),
        next.code()
    );
    if !note.is_empty() {
        text.push(' ');
        text.push_str(note);
    }
    text
}

/// Moves the order's status with its tasks (approved → in production → done, and back).
async fn follow_tasks(
    tx: &mut Tx,
    scope: &Scope,
    order_id: crate::orders::order::OrderId,
    order_status: crate::orders::order::rules::OrderStatus,
    now: &str,
) -> AppResult<()> {
    let (tasks, started, done) = store::task_counts(tx, scope, order_id).await?;
    let count = |n: i64| usize::try_from(n).unwrap_or(0);
    let facts = OrderFacts {
        tasks: count(tasks),
        tasks_started: count(started),
        tasks_done: count(done),
        ..OrderFacts::default()
    };
    let next = status_from_tasks(order_status, &facts);
    if next != order_status {
        store::set_order_status(tx, scope, order_id, next, now).await?;
    }
    Ok(())
}

/// A task's new department must be a live department, its new user an enabled user, of this
/// account set.
async fn check_holders(
    tx: &mut Tx,
    scope: &Scope,
    department_id: Option<i64>,
    assignee_id: Option<i64>,
) -> AppResult<()> {
    let mut errors = FieldErrors::new();
    if let Some(id) = department_id
        && !departments::is_live_department(tx, scope, DepartmentId(id)).await?
    {
        errors.add("department_id", Message::new("task.department_unknown"));
    }
    if let Some(id) = assignee_id
        && !store::is_member(tx, scope, id).await?
    {
        errors.add("assignee_id", Message::new("task.user_unknown"));
    }
    errors.into_result(()).map_err(AppError::Invalid)
}

/// 任务设置: every active process with the department and user its new tasks get.
pub async fn task_settings(db: &Db, scope: &Scope) -> AppResult<Vec<TaskSettingLine>> {
    let processes = settings_list::options(db, scope, &PROCESS).await?;
    let defaults = store::defaults(db.pool(), scope).await?;
    Ok(processes
        .into_iter()
        .map(|process| {
            let default = defaults
                .iter()
                .find(|d| d.process_id == process.id)
                .copied()
                .unwrap_or_default();
            TaskSettingLine {
                process_id: process.id,
                process_name: process.name,
                department_id: default.department_id,
                user_id: default.user_id,
            }
        })
        .collect())
}

/// Saves 任务设置 of the active processes. Each department must be a live department and each
/// user an enabled user of this account set; a bad one is reported on its row
/// (`department_{process id}`, `user_{process id}`), naming the process. Rows of processes that
/// are not active are ignored.
#[instrument(skip_all)]
pub async fn save_task_settings(
    db: &Db,
    user: &CurrentUser,
    rows: &[TaskSettingInput],
) -> AppResult<()> {
    let scope = user.scope();
    let processes = settings_list::options(db, scope, &PROCESS).await?;
    let mut tx = db.begin_write().await?;
    let mut errors = FieldErrors::new();
    let mut defaults = Vec::new();
    for process in &processes {
        let row = rows.iter().find(|r| r.process_id == process.id);
        let text = |pick: fn(&TaskSettingInput) -> &str| row.map_or("", pick).trim().to_owned();
        let department_text = text(|r| &r.department_id);
        let user_text = text(|r| &r.user_id);
        let department_field = format!("department_{}", process.id);
        let user_field = format!("user_{}", process.id);
        let unknown = |key: &'static str| Message::new(key).arg("process", &process.name);
        let department_id = match parse_id(&department_text) {
            Ok(None) => None,
            Ok(Some(id))
                if departments::is_live_department(&mut tx, scope, DepartmentId(id)).await? =>
            {
                Some(id)
            }
            _ => {
                errors.add(
                    department_field,
                    unknown("task_settings.department_unknown"),
                );
                None
            }
        };
        let user_id = match parse_id(&user_text) {
            Ok(None) => None,
            Ok(Some(id)) if store::is_member(&mut tx, scope, id).await? => Some(id),
            _ => {
                errors.add(user_field, unknown("task_settings.user_unknown"));
                None
            }
        };
        defaults.push(TaskDefault {
            process_id: process.id,
            department_id,
            user_id,
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    store::replace_defaults(&mut tx, scope, &defaults).await?;
    let n_assigned = defaults
        .iter()
        .filter(|d| d.department_id.is_some() || d.user_id.is_some())
        .count();
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "update",
        SETTINGS_AUDIT_KIND,
        None,
        &format!("{n_assigned}/{}", defaults.len()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An optional id typed or chosen: empty is none, anything but a positive number is an error.
fn parse_id(text: &str) -> Result<Option<i64>, ()> {
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(id) if id > 0 => Ok(Some(id)),
        _ => Err(()),
    }
}
