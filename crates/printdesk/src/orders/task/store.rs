//! SQL of tasks, their history (`task_events`), 任务设置 (`task_defaults`) and the order status
//! that follows the tasks. Every statement names the account set first; tasks of a deleted order
//! are left out.

use sqlx::{AnyPool, FromRow};

use super::{Task, TaskAction, TaskDefault, TaskEvent, TaskFilter, TaskId, TaskStatus};
use crate::kernel::db::{StoreError, StoreResult, Tx};
use crate::kernel::money::Quantity;
use crate::kernel::tenancy::Scope;
use crate::orders::order::OrderId;
use crate::orders::order::rules::OrderStatus;

/// Most tasks one list shows.
pub(super) const LIST_LIMIT: i64 = 500;

/// Whose tasks "我的任务" shows: assigned to the user, or to their department.
#[derive(Clone, Copy, Debug)]
pub(super) struct Mine {
    pub user_id: i64,
    pub department_id: Option<i64>,
}

pub(super) async fn release(
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
    // A default department deleted or a default user disabled since 任务设置 was saved gives
    // an unassigned task rather than a task nobody sees.
    let res = sqlx::query(
        r#"insert into tasks (account_set_id, order_id, order_line_id, process_id, process_name,
               department_id, assignee_id, status, due_at, created_at)
           select l.account_set_id, l.order_id, l.id, p.process_id, p.name, d.id, u.id, 'todo',
                  $3, $4
           from order_line_processes p
           join order_lines l on l.id = p.order_line_id
           left join task_defaults td
             on td.account_set_id = l.account_set_id and td.process_id = p.process_id
           left join departments d
             on d.id = td.department_id and d.account_set_id = l.account_set_id
                and d.deleted_at is null
           left join users u on u.id = td.user_id and u.disabled = 0
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

pub(super) async fn withdraw(tx: &mut Tx, scope: &Scope, order_id: OrderId) -> StoreResult<()> {
    sqlx::query("delete from tasks where account_set_id = $1 and order_id = $2")
        .bind(scope.id())
        .bind(order_id.0)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(FromRow)]
struct TaskRow {
    id: i64,
    order_id: i64,
    order_number: String,
    order_status: String,
    customer_name: Option<String>,
    product_name: String,
    specification: String,
    width: i64,
    height: i64,
    quantity: i64,
    process_id: i64,
    process_name: String,
    department_id: Option<i64>,
    department_name: Option<String>,
    assignee_id: Option<i64>,
    assignee_name: Option<String>,
    status: String,
    due_at: Option<String>,
    started_at: Option<String>,
    finished_at: Option<String>,
    version: i64,
}

const TASK_SELECT: &str = r#"select t.id, t.order_id, o.number as order_number,
           o.status as order_status, coalesce(c.name, o.walk_in_name) as customer_name,
           l.product_name, l.specification, l.width, l.height, l.quantity, t.process_id,
           t.process_name, t.department_id, d.name as department_name, t.assignee_id,
           u.display_name as assignee_name, t.status, t.due_at, t.started_at, t.finished_at,
           t.version
    from tasks t
    join orders o on o.id = t.order_id
    join order_lines l on l.id = t.order_line_id
    left join customers c on c.id = o.customer_id
    left join departments d on d.id = t.department_id
    left join users u on u.id = t.assignee_id"#;

enum Bind {
    Text(String),
    Int(i64),
}

fn task_of(row: TaskRow, tags: &[(i64, i64)]) -> Task {
    Task {
        id: TaskId(row.id),
        order_id: OrderId(row.order_id),
        order_number: row.order_number,
        order_status: OrderStatus::from_code(&row.order_status).unwrap_or(OrderStatus::Draft),
        customer_name: row.customer_name.unwrap_or_default(),
        product_name: row.product_name,
        specification: row.specification,
        width: Quantity::from_scaled(row.width),
        height: Quantity::from_scaled(row.height),
        quantity: Quantity::from_scaled(row.quantity),
        process_id: row.process_id,
        process_name: row.process_name,
        department_id: row.department_id,
        department_name: row.department_name.unwrap_or_default(),
        assignee_id: row.assignee_id,
        assignee_name: row.assignee_name.unwrap_or_default(),
        status: TaskStatus::from_code(&row.status).unwrap_or(TaskStatus::Todo),
        due_at: row.due_at,
        started_at: row.started_at,
        finished_at: row.finished_at,
        version: row.version,
        tag_ids: tags
            .iter()
            .filter(|(order_id, _)| *order_id == row.order_id)
            .map(|(_, tag_id)| *tag_id)
            .collect(),
    }
}

/// The tasks of released, live orders matching `filter` (and `mine`), by due time then id.
pub(super) async fn list(
    pool: &AnyPool,
    scope: &Scope,
    filter: &TaskFilter,
    mine: Option<Mine>,
) -> StoreResult<Vec<Task>> {
    let mut sql = String::from(
        "t.account_set_id = $1 and o.deleted_at is null and o.status in ('approved', 'in_production', 'done')",
    );
    let mut binds: Vec<Bind> = Vec::new();
    let mut push = |sql: &mut String, clause: &str, bind: Bind| {
        binds.push(bind);
        sql.push_str(&clause.replace('?', &format!("${}", binds.len() + 1)));
    };
    if let Some(status) = filter.status {
        push(
            &mut sql,
            " and t.status = ?",
            Bind::Text(status.code().to_owned()),
        );
    }
    if filter.open_only {
        sql.push_str(" and t.status <> 'done'");
    }
    if let Some(id) = filter.process_id {
        push(&mut sql, " and t.process_id = ?", Bind::Int(id));
    }
    if let Some(id) = filter.department_id {
        push(&mut sql, " and t.department_id = ?", Bind::Int(id));
    }
    if let Some(id) = filter.assignee_id {
        push(&mut sql, " and t.assignee_id = ?", Bind::Int(id));
    }
    let number = filter.order_number.trim().to_lowercase();
    if !number.is_empty() {
        let pattern = format!("%{}%", crate::customers::contact::like_escape(&number));
        push(
            &mut sql,
            r" and lower(o.number) like ? escape '\'",
            Bind::Text(pattern),
        );
    }
    if let Some(mine) = mine {
        match mine.department_id {
            Some(department_id) => {
                push(&mut sql, " and (t.assignee_id = ?", Bind::Int(mine.user_id));
                push(
                    &mut sql,
                    " or t.department_id = ?)",
                    Bind::Int(department_id),
                );
            }
            None => push(&mut sql, " and t.assignee_id = ?", Bind::Int(mine.user_id)),
        }
    }
    let rows_sql = format!(
        "{TASK_SELECT}\n    where {sql}\n    order by coalesce(t.due_at, '9999'), t.id\n    limit ${}",
        binds.len() + 2
    );
    let mut query = sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(rows_sql)).bind(scope.id());
    for bind in &binds {
        query = match bind {
            Bind::Text(text) => query.bind(text.clone()),
            Bind::Int(int) => query.bind(*int),
        };
    }
    let rows = query.bind(LIST_LIMIT).fetch_all(pool).await?;
    let tags: Vec<(i64, i64)> = if rows.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as(
            r#"select ot.order_id, ot.tag_id from order_tags ot
               join orders o on o.id = ot.order_id
               where ot.account_set_id = $1 and o.deleted_at is null
                 and o.status in ('approved', 'in_production', 'done')
               order by ot.order_id, ot.tag_id"#,
        )
        .bind(scope.id())
        .fetch_all(pool)
        .await?
    };
    Ok(rows.into_iter().map(|row| task_of(row, &tags)).collect())
}

/// One task of a live order, whatever the order's status.
pub(super) async fn find(pool: &AnyPool, scope: &Scope, id: TaskId) -> StoreResult<Task> {
    let sql = format!(
        "{TASK_SELECT}\n    where t.account_set_id = $1 and t.id = $2 and o.deleted_at is null"
    );
    let row = sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(id.0)
        .fetch_one(pool)
        .await?;
    let tags: Vec<(i64, i64)> = sqlx::query_as(
        "select order_id, tag_id from order_tags where account_set_id = $1 and order_id = $2 order by tag_id",
    )
    .bind(scope.id())
    .bind(row.order_id)
    .fetch_all(pool)
    .await?;
    Ok(task_of(row, &tags))
}

#[derive(FromRow)]
struct EventRow {
    action: String,
    note: String,
    department_name: Option<String>,
    assignee_name: Option<String>,
    at: String,
    by_name: Option<String>,
}

/// The history of a task, oldest first.
pub(super) async fn events(
    pool: &AnyPool,
    scope: &Scope,
    id: TaskId,
) -> StoreResult<Vec<TaskEvent>> {
    let rows: Vec<EventRow> = sqlx::query_as(
        r#"select e.action, e.note, d.name as department_name, a.display_name as assignee_name,
                  e.at, b.display_name as by_name
           from task_events e
           left join departments d on d.id = e.department_id
           left join users a on a.id = e.assignee_id
           left join users b on b.id = e.by_user
           where e.account_set_id = $1 and e.task_id = $2
           order by e.id"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(TaskEvent {
                action: TaskAction::from_code(&row.action)?,
                note: row.note,
                department_name: row.department_name.unwrap_or_default(),
                assignee_name: row.assignee_name.unwrap_or_default(),
                at: row.at,
                by_name: row.by_name.unwrap_or_default(),
            })
        })
        .collect())
}

/// The order of a task whose order is live.
pub(super) async fn order_of(tx: &mut Tx, scope: &Scope, id: TaskId) -> StoreResult<OrderId> {
    let order_id: i64 = sqlx::query_scalar(
        r#"select t.order_id from tasks t join orders o on o.id = t.order_id
           where t.account_set_id = $1 and t.id = $2 and o.deleted_at is null"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_one(&mut **tx)
    .await?;
    Ok(OrderId(order_id))
}

/// The status and number of a live order, locked for the rest of the transaction.
pub(super) async fn lock_order(
    tx: &mut Tx,
    scope: &Scope,
    id: OrderId,
    for_update: &str,
) -> StoreResult<(OrderStatus, String)> {
    let sql = format!(
        "select status, number from orders where account_set_id = $1 and id = $2 and deleted_at is null{for_update}"
    );
    let (status, number): (String, String) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(id.0)
        .fetch_one(&mut **tx)
        .await?;
    let status = OrderStatus::from_code(&status).unwrap_or(OrderStatus::Draft);
    Ok((status, number))
}

/// A task as locked for an action.
pub(super) struct LockedTask {
    pub status: TaskStatus,
    pub version: i64,
    pub process_name: String,
    pub department_id: Option<i64>,
    pub assignee_id: Option<i64>,
}

/// The task's status and version, locked for the rest of the transaction.
pub(super) async fn lock_task(
    tx: &mut Tx,
    scope: &Scope,
    id: TaskId,
    for_update: &str,
) -> StoreResult<LockedTask> {
    let sql = format!(
        "select status, version, process_name, department_id, assignee_id from tasks where account_set_id = $1 and id = $2{for_update}"
    );
    let (status, version, process_name, department_id, assignee_id): (
        String,
        i64,
        String,
        Option<i64>,
        Option<i64>,
    ) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(id.0)
        .fetch_one(&mut **tx)
        .await?;
    Ok(LockedTask {
        status: TaskStatus::from_code(&status).unwrap_or(TaskStatus::Todo),
        version,
        process_name,
        department_id,
        assignee_id,
    })
}

/// What an action writes on the task.
pub(super) struct TaskChange<'a> {
    pub status: TaskStatus,
    pub department_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub now: &'a str,
}

/// Moves the task at `version` and raises the version. `NotFound` if someone acted first.
pub(super) async fn update_task(
    tx: &mut Tx,
    scope: &Scope,
    id: TaskId,
    version: i64,
    change: &TaskChange<'_>,
) -> StoreResult<()> {
    // Starting keeps the first start; finishing stamps the end; anything else reopens the task.
    let res = sqlx::query(
        r#"update tasks set status = $4, department_id = $5, assignee_id = $6,
               started_at = case when $4 = 'doing' then coalesce(started_at, $7) else started_at end,
               finished_at = case when $4 = 'done' then $7 when $4 = 'doing' then null
                                  when $4 = 'rework' then null else finished_at end,
               version = version + 1
           where account_set_id = $1 and id = $2 and version = $3"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .bind(version)
    .bind(change.status.code())
    .bind(change.department_id)
    .bind(change.assignee_id)
    .bind(change.now)
    .execute(&mut **tx)
    .await?;
    if res.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// One entry of a task's history.
pub(super) struct NewEvent<'a> {
    pub action: TaskAction,
    pub note: &'a str,
    pub department_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub at: &'a str,
    pub by_user: i64,
}

pub(super) async fn insert_event(
    tx: &mut Tx,
    scope: &Scope,
    id: TaskId,
    event: &NewEvent<'_>,
) -> StoreResult<()> {
    sqlx::query(
        r#"insert into task_events (account_set_id, task_id, action, note, department_id,
               assignee_id, at, by_user)
           values ($1, $2, $3, $4, $5, $6, $7, $8)"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .bind(event.action.code())
    .bind(event.note)
    .bind(event.department_id)
    .bind(event.assignee_id)
    .bind(event.at)
    .bind(event.by_user)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// How many tasks the order has, how many have started (not `todo`) and how many are done.
pub(super) async fn task_counts(
    tx: &mut Tx,
    scope: &Scope,
    order_id: OrderId,
) -> StoreResult<(i64, i64, i64)> {
    Ok(sqlx::query_as(
        r#"select cast(count(*) as bigint),
                  cast(coalesce(sum(case when status <> 'todo' then 1 else 0 end), 0) as bigint),
                  cast(coalesce(sum(case when status = 'done' then 1 else 0 end), 0) as bigint)
           from tasks where account_set_id = $1 and order_id = $2"#,
    )
    .bind(scope.id())
    .bind(order_id.0)
    .fetch_one(&mut **tx)
    .await?)
}

/// Sets the production status of an approved order (approved, in production or done).
pub(super) async fn set_order_status(
    tx: &mut Tx,
    scope: &Scope,
    order_id: OrderId,
    status: OrderStatus,
    now: &str,
) -> StoreResult<()> {
    sqlx::query(
        r#"update orders set status = $3, updated_at = $4, version = version + 1
           where account_set_id = $1 and id = $2
             and status in ('approved', 'in_production', 'done')"#,
    )
    .bind(scope.id())
    .bind(order_id.0)
    .bind(status.code())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whether `user_id` is an enabled user of the account set.
pub(super) async fn is_member(tx: &mut Tx, scope: &Scope, user_id: i64) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar(
        r#"select cast(count(*) as bigint) from user_account_sets a
           join users u on u.id = a.user_id
           where a.account_set_id = $1 and a.user_id = $2 and u.disabled = 0"#,
    )
    .bind(scope.id())
    .bind(user_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

/// The enabled users of the account set by name: (id, display name).
pub(super) async fn members(pool: &AnyPool, scope: &Scope) -> StoreResult<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        r#"select u.id, u.display_name from user_account_sets a
           join users u on u.id = a.user_id
           where a.account_set_id = $1 and u.disabled = 0
           order by u.display_name, u.id"#,
    )
    .bind(scope.id())
    .fetch_all(pool)
    .await?)
}

/// The user's department, when it is a live department of the account set.
pub(super) async fn department_of(
    pool: &AnyPool,
    scope: &Scope,
    user_id: i64,
) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        r#"select d.id from departments d join users u on u.department_id = d.id
           where d.account_set_id = $1 and u.id = $2 and d.deleted_at is null"#,
    )
    .bind(scope.id())
    .bind(user_id)
    .fetch_optional(pool)
    .await?)
}

/// 任务设置 of every process that has one.
pub(super) async fn defaults(pool: &AnyPool, scope: &Scope) -> StoreResult<Vec<TaskDefault>> {
    let rows: Vec<(i64, Option<i64>, Option<i64>)> = sqlx::query_as(
        r#"select process_id, department_id, user_id from task_defaults
           where account_set_id = $1 order by process_id"#,
    )
    .bind(scope.id())
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(process_id, department_id, user_id)| TaskDefault {
            process_id,
            department_id,
            user_id,
        })
        .collect())
}

/// Replaces 任务设置 of the processes in `defaults`; a row naming neither a department nor a
/// user clears its process. Processes not named (disabled ones) keep what they had.
pub(super) async fn replace_defaults(
    tx: &mut Tx,
    scope: &Scope,
    defaults: &[TaskDefault],
) -> StoreResult<()> {
    for default in defaults {
        sqlx::query("delete from task_defaults where account_set_id = $1 and process_id = $2")
            .bind(scope.id())
            .bind(default.process_id)
            .execute(&mut **tx)
            .await?;
        if default.department_id.is_none() && default.user_id.is_none() {
            continue;
        }
        sqlx::query(
            r#"insert into task_defaults (account_set_id, process_id, department_id, user_id)
               values ($1, $2, $3, $4)"#,
        )
        .bind(scope.id())
        .bind(default.process_id)
        .bind(default.department_id)
        .bind(default.user_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
