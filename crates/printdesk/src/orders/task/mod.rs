//! 任务 — production tasks (manual 5.5.1 任务设置, DOMAIN.md §4.7).
//!
//! Each process of each line of an order becomes one task when the order is released (on 审核,
//! or on save, per 任务设置). A task is `todo`, `doing`, `done` or `rework`; the order's
//! production status follows from its tasks (`orders::order::rules::status_from_tasks`).

use crate::kernel::db::{StoreResult, Tx};
use crate::kernel::tenancy::Scope;
use crate::orders::order::OrderId;

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

/// Creates one `todo` task per process of each line of the order (none if it already has tasks),
/// due when the order is due. Returns how many were created.
pub async fn release(
    tx: &mut Tx,
    scope: &Scope,
    order_id: OrderId,
    due_at: Option<&str>,
    now: &str,
) -> StoreResult<u64> {
    let existing: i64 = sqlx::query_scalar(
        "select cast(count(*) as bigint) from tasks where account_set_id = $1 and order_id = $2",
    )
    .bind(scope.id())
    .bind(order_id.0)
    .fetch_one(&mut **tx)
    .await?;
    if existing > 0 {
        return Ok(0);
    }
    let res = sqlx::query(
        r#"insert into tasks (account_set_id, order_id, order_line_id, process_id, process_name,
               status, due_at, created_at)
           select l.account_set_id, l.order_id, l.id, p.process_id, p.name, 'todo', $3, $4
           from order_line_processes p
           join order_lines l on l.id = p.order_line_id
           where l.account_set_id = $1 and l.order_id = $2
           order by l.line_no, p.sort"#,
    )
    .bind(scope.id())
    .bind(order_id.0)
    .bind(due_at)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(res.rows_affected())
}

/// Withdraws the tasks of an order taken back to draft or cancelled (the caller has checked
/// that none has started).
pub async fn withdraw(tx: &mut Tx, scope: &Scope, order_id: OrderId) -> StoreResult<()> {
    sqlx::query("delete from tasks where account_set_id = $1 and order_id = $2")
        .bind(scope.id())
        .bind(order_id.0)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
