//! 任务 — production tasks and 任务设置 (manual 5.5.1, DOMAIN.md §4.7).
//!
//! Each process of each line of an order becomes one task when the order is released (on 审核,
//! or on save, per the front-desk settings), given the department and user that 任务设置 names
//! for its process. A task is `todo`, `doing`, `done` or `rework` (`rules::next_status`); every
//! action is kept in `task_events` and the audit trail, names the task version it was taken on,
//! and moves the order's status with its tasks (`orders::order::rules::status_from_tasks`):
//! approved → in production when a task starts, → done when all are done, back to in production
//! on a rework. Only tasks of an approved order (approved, in production or done) can be acted on.

pub mod api;
pub mod pages;
pub mod rules;
pub mod service;
mod store;

use crate::kernel::db::{StoreResult, Tx};
use crate::kernel::money::Quantity;
use crate::kernel::tenancy::Scope;
use crate::orders::order::OrderId;
use crate::orders::order::rules::OrderStatus;

/// The audit `doc_kind` of tasks.
pub const AUDIT_KIND: &str = "task";
/// The audit `doc_kind` of 任务设置.
pub const SETTINGS_AUDIT_KIND: &str = "task_defaults";

/// The id of a task (任务).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TaskId(pub i64);

/// Where a task is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskStatus {
    Todo,
    Doing,
    Done,
    Rework,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 4] = [
        TaskStatus::Todo,
        TaskStatus::Doing,
        TaskStatus::Done,
        TaskStatus::Rework,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TaskStatus::Todo => "todo",
            TaskStatus::Doing => "doing",
            TaskStatus::Done => "done",
            TaskStatus::Rework => "rework",
        }
    }

    pub fn from_code(code: &str) -> Option<TaskStatus> {
        TaskStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            TaskStatus::Todo => "task.status.todo",
            TaskStatus::Doing => "task.status.doing",
            TaskStatus::Done => "task.status.done",
            TaskStatus::Rework => "task.status.rework",
        }
    }
}

/// What a worker does to a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskAction {
    /// 开始: todo or rework → doing.
    Start,
    /// 完成: doing → done.
    Finish,
    /// 返工: done → rework, with a note saying why.
    Rework,
    /// 改派: to another department and/or user; the status does not move.
    Reassign,
}

impl TaskAction {
    pub const ALL: [TaskAction; 4] = [
        TaskAction::Start,
        TaskAction::Finish,
        TaskAction::Rework,
        TaskAction::Reassign,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TaskAction::Start => "start",
            TaskAction::Finish => "finish",
            TaskAction::Rework => "rework",
            TaskAction::Reassign => "reassign",
        }
    }

    pub fn from_code(code: &str) -> Option<TaskAction> {
        TaskAction::ALL.into_iter().find(|a| a.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            TaskAction::Start => "task.action.start",
            TaskAction::Finish => "task.action.finish",
            TaskAction::Rework => "task.action.rework",
            TaskAction::Reassign => "task.action.reassign",
        }
    }
}

/// A task with what the workshop needs to know of its order and line.
#[derive(Clone, Debug)]
pub struct Task {
    pub id: TaskId,
    pub order_id: OrderId,
    pub order_number: String,
    pub order_status: OrderStatus,
    /// The customer's name, or the walk-in name (empty for an anonymous walk-in).
    pub customer_name: String,
    pub product_name: String,
    pub specification: String,
    /// Metres; zero when the product has no size.
    pub width: Quantity,
    pub height: Quantity,
    pub quantity: Quantity,
    pub process_id: i64,
    pub process_name: String,
    pub department_id: Option<i64>,
    pub department_name: String,
    pub assignee_id: Option<i64>,
    pub assignee_name: String,
    pub status: TaskStatus,
    pub due_at: Option<String>,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub version: i64,
    /// The order's feature tags.
    pub tag_ids: Vec<i64>,
}

/// One entry of a task's history.
#[derive(Clone, Debug)]
pub struct TaskEvent {
    pub action: TaskAction,
    pub note: String,
    pub department_name: String,
    pub assignee_name: String,
    pub at: String,
    pub by_name: String,
}

/// What the board and the lists are narrowed to; `None` and empty are no filter.
#[derive(Clone, Debug, Default)]
pub struct TaskFilter {
    pub status: Option<TaskStatus>,
    pub process_id: Option<i64>,
    pub department_id: Option<i64>,
    pub assignee_id: Option<i64>,
    /// Part of the order number.
    pub order_number: String,
    /// Leave out done tasks.
    pub open_only: bool,
}

/// What an action sends: the version it was taken on, a note, and for 改派 the new holders.
#[derive(Clone, Debug, Default)]
pub struct ActionInput {
    pub version: Option<i64>,
    pub note: String,
    pub department_id: Option<i64>,
    pub assignee_id: Option<i64>,
}

/// 任务设置 of one process: who its new tasks go to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TaskDefault {
    pub process_id: i64,
    pub department_id: Option<i64>,
    pub user_id: Option<i64>,
}

/// Creates one `todo` task per process of each line of the order (none if it already has tasks),
/// due when the order is due, given the department and user of 任务设置. Returns how many were
/// created.
pub async fn release(
    tx: &mut Tx,
    scope: &Scope,
    order_id: OrderId,
    due_at: Option<&str>,
    now: &str,
) -> StoreResult<u64> {
    store::release(tx, scope, order_id, due_at, now).await
}

/// Withdraws the tasks of an order taken back to draft or cancelled (the caller has checked
/// that none has started).
pub async fn withdraw(tx: &mut Tx, scope: &Scope, order_id: OrderId) -> StoreResult<()> {
    store::withdraw(tx, scope, order_id).await
}
