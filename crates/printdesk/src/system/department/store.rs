//! SQL of departments. Every statement has `account_set_id = $1` first; deleted departments are
//! left out (the recycle bin reads them through `kernel::recycle_bin`).

use sqlx::{AnyPool, FromRow};

use super::rules::NewDepartment;
use super::{Department, DepartmentId};
use crate::kernel::db::{StoreError, StoreResult, Tx};
use crate::kernel::tenancy::Scope;

#[derive(FromRow)]
struct DepartmentRow {
    id: i64,
    parent_id: Option<i64>,
    name: String,
    sort_order: i64,
    remarks: String,
    n_users: i64,
}

impl From<DepartmentRow> for Department {
    fn from(row: DepartmentRow) -> Department {
        Department {
            id: DepartmentId(row.id),
            parent_id: row.parent_id.map(DepartmentId),
            name: row.name,
            sort_order: row.sort_order,
            remarks: row.remarks,
            n_users: row.n_users,
        }
    }
}

const SELECT_DEPARTMENT: &str = r#"
    select d.id, d.parent_id, d.name, d.sort_order, d.remarks,
           (select count(*) from users u where u.department_id = d.id) as n_users
    from departments d"#;

pub(super) async fn list_live(pool: &AnyPool, scope: &Scope) -> StoreResult<Vec<Department>> {
    let sql = format!(
        "{SELECT_DEPARTMENT} where d.account_set_id = $1 and d.deleted_at is null order by d.id"
    );
    let rows = sqlx::query_as::<_, DepartmentRow>(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(Department::from).collect())
}

pub(super) async fn find_live(
    pool: &AnyPool,
    scope: &Scope,
    id: DepartmentId,
) -> StoreResult<Department> {
    let sql = format!(
        "{SELECT_DEPARTMENT} where d.account_set_id = $1 and d.id = $2 and d.deleted_at is null"
    );
    let row = sqlx::query_as::<_, DepartmentRow>(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(id.0)
        .fetch_one(pool)
        .await?;
    Ok(row.into())
}

/// Each live department with its parent, for the cycle check inside a write.
pub(super) async fn parent_links(
    tx: &mut Tx,
    scope: &Scope,
) -> StoreResult<Vec<(DepartmentId, Option<DepartmentId>)>> {
    let rows: Vec<(i64, Option<i64>)> = sqlx::query_as(
        "select id, parent_id from departments where account_set_id = $1 and deleted_at is null",
    )
    .bind(scope.id())
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, parent)| (DepartmentId(id), parent.map(DepartmentId)))
        .collect())
}

pub(super) async fn is_live(tx: &mut Tx, scope: &Scope, id: DepartmentId) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "select count(*) from departments where account_set_id = $1 and id = $2 and deleted_at is null",
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

/// Whether a live sibling (same parent) other than `except` already has `name`.
pub(super) async fn sibling_name_taken(
    tx: &mut Tx,
    scope: &Scope,
    parent_id: Option<DepartmentId>,
    name: &str,
    except: Option<DepartmentId>,
) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar(
        r#"select count(*) from departments
           where account_set_id = $1 and coalesce(parent_id, 0) = $2 and name = $3
             and deleted_at is null and id <> $4"#,
    )
    .bind(scope.id())
    .bind(parent_id.map_or(0, |p| p.0))
    .bind(name)
    .bind(except.map_or(0, |e| e.0))
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

pub(super) async fn insert(
    tx: &mut Tx,
    scope: &Scope,
    department: &NewDepartment,
    now: &str,
) -> StoreResult<DepartmentId> {
    let id = sqlx::query_scalar(
        r#"insert into departments (account_set_id, parent_id, name, sort_order, remarks, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $6) returning id"#,
    )
    .bind(scope.id())
    .bind(department.parent_id.map(|p| p.0))
    .bind(&department.name)
    .bind(department.sort_order)
    .bind(&department.remarks)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(DepartmentId(id))
}

/// Updates a live department; `NotFound` if there is none with this id in the account set.
pub(super) async fn update(
    tx: &mut Tx,
    scope: &Scope,
    id: DepartmentId,
    department: &NewDepartment,
    now: &str,
) -> StoreResult<()> {
    let res = sqlx::query(
        r#"update departments set parent_id = $3, name = $4, sort_order = $5, remarks = $6, updated_at = $7
           where account_set_id = $1 and id = $2 and deleted_at is null"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .bind(department.parent_id.map(|p| p.0))
    .bind(&department.name)
    .bind(department.sort_order)
    .bind(&department.remarks)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if res.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(super) async fn count_live_children(
    tx: &mut Tx,
    scope: &Scope,
    id: DepartmentId,
) -> StoreResult<i64> {
    let n = sqlx::query_scalar(
        "select count(*) from departments where account_set_id = $1 and parent_id = $2 and deleted_at is null",
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n)
}

pub(super) async fn count_users(tx: &mut Tx, scope: &Scope, id: DepartmentId) -> StoreResult<i64> {
    let n = sqlx::query_scalar(
        r#"select count(*) from departments d join users u on u.department_id = d.id
           where d.account_set_id = $1 and d.id = $2"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n)
}

/// Whether a store error is the sibling-name unique index (a concurrent save got there first).
pub(super) fn is_name_conflict(err: &StoreError) -> bool {
    matches!(err, StoreError::Conflict(detail) if detail.contains("uq_departments_name"))
}
