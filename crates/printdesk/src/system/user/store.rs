//! SQL of users and roles. Users and roles belong to the installation; which account sets a user
//! may enter is the `user_account_sets` table.

use sqlx::AnyPool;

use crate::kernel::db::{StoreResult, Tx};

pub(super) async fn insert_user(
    tx: &mut Tx,
    login: &str,
    display_name: &str,
    password_hash: &str,
    locale: &str,
    now: &str,
) -> StoreResult<i64> {
    let id = sqlx::query_scalar(
        r#"insert into users (login, display_name, password_hash, locale, disabled, created_at, updated_at)
           values ($1, $2, $3, $4, 0, $5, $5) returning id"#,
    )
    .bind(login)
    .bind(display_name)
    .bind(password_hash)
    .bind(locale)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

pub(super) async fn login_taken(tx: &mut Tx, login: &str) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar("select count(*) from users where lower(login) = lower($1)")
        .bind(login)
        .fetch_one(&mut **tx)
        .await?;
    Ok(n > 0)
}

pub(super) async fn insert_role(
    tx: &mut Tx,
    name: &str,
    description: &str,
    is_superuser: bool,
    now: &str,
) -> StoreResult<i64> {
    let id = sqlx::query_scalar(
        r#"insert into roles (name, description, is_superuser, created_at) values ($1, $2, $3, $4) returning id"#,
    )
    .bind(name)
    .bind(description)
    .bind(i64::from(is_superuser))
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

pub(super) async fn grant_role(tx: &mut Tx, user_id: i64, role_id: i64) -> StoreResult<()> {
    sqlx::query("insert into user_roles (user_id, role_id) values ($1, $2)")
        .bind(user_id)
        .bind(role_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(super) async fn grant_account_set(
    tx: &mut Tx,
    user_id: i64,
    account_set_id: i64,
) -> StoreResult<()> {
    sqlx::query("insert into user_account_sets (user_id, account_set_id) values ($1, $2)")
        .bind(user_id)
        .bind(account_set_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    pub disabled: i64,
}

/// Users with their department's name when the department is in the account set `$1`.
const SELECT_USER: &str = r#"
    select u.id, u.login, u.display_name, d.id as department_id, d.name as department_name, u.disabled
    from users u
    left join departments d on d.account_set_id = $1 and d.id = u.department_id and d.deleted_at is null"#;

pub(super) async fn list_users(pool: &AnyPool, account_set_id: i64) -> StoreResult<Vec<UserRow>> {
    let sql = format!("{SELECT_USER} order by u.disabled, u.login");
    let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(account_set_id)
        .fetch_all(pool)
        .await?;
    Ok(rows)
}

pub(super) async fn find_user(
    pool: &AnyPool,
    account_set_id: i64,
    user_id: i64,
) -> StoreResult<UserRow> {
    let sql = format!("{SELECT_USER} where u.id = $2");
    let row = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(account_set_id)
        .bind(user_id)
        .fetch_one(pool)
        .await?;
    Ok(row)
}

/// `(user id, role id, role name)` of every grant, or of one user when `user_id` is not 0.
pub(super) async fn role_grants(
    pool: &AnyPool,
    user_id: i64,
) -> StoreResult<Vec<(i64, i64, String)>> {
    let rows = sqlx::query_as(
        r#"select ur.user_id, r.id, r.name from user_roles ur join roles r on r.id = ur.role_id
           where ($1 = 0 or ur.user_id = $1) order by r.id"#,
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// `(user id, account set id, name)` of every grant, or of one user when `user_id` is not 0.
pub(super) async fn account_set_grants(
    pool: &AnyPool,
    user_id: i64,
) -> StoreResult<Vec<(i64, i64, String)>> {
    let rows = sqlx::query_as(
        r#"select ua.user_id, a.id, a.name from user_account_sets ua join account_sets a on a.id = ua.account_set_id
           where ($1 = 0 or ua.user_id = $1) order by a.id"#,
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

pub(super) async fn user_exists(tx: &mut Tx, user_id: i64) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar("select count(*) from users where id = $1")
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(n > 0)
}

pub(super) async fn login_taken_by_other(
    tx: &mut Tx,
    login: &str,
    user_id: i64,
) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "select count(*) from users where lower(login) = lower($1) and id <> $2",
    )
    .bind(login)
    .bind(user_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

/// The department of a user, and whether it belongs to account set `account_set_id`.
pub(super) async fn department_of(
    tx: &mut Tx,
    user_id: i64,
    account_set_id: i64,
) -> StoreResult<Option<(i64, bool)>> {
    let row: Option<(Option<i64>, i64)> = sqlx::query_as(
        r#"select u.department_id,
                  (select count(*) from departments d where d.account_set_id = $2 and d.id = u.department_id)
           from users u where u.id = $1"#,
    )
    .bind(user_id)
    .bind(account_set_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.and_then(|(department, n)| department.map(|d| (d, n > 0))))
}

pub(super) async fn update_user(
    tx: &mut Tx,
    user_id: i64,
    login: &str,
    display_name: &str,
    department_id: Option<i64>,
    now: &str,
) -> StoreResult<()> {
    sqlx::query(
        r#"update users set login = $2, display_name = $3, department_id = $4, updated_at = $5
           where id = $1"#,
    )
    .bind(user_id)
    .bind(login)
    .bind(display_name)
    .bind(department_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(super) async fn set_department(
    tx: &mut Tx,
    user_id: i64,
    department_id: Option<i64>,
) -> StoreResult<()> {
    sqlx::query("update users set department_id = $2 where id = $1")
        .bind(user_id)
        .bind(department_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(super) async fn clear_roles(tx: &mut Tx, user_id: i64) -> StoreResult<()> {
    sqlx::query("delete from user_roles where user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(super) async fn clear_account_sets(tx: &mut Tx, user_id: i64) -> StoreResult<()> {
    sqlx::query("delete from user_account_sets where user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Sets the disabled flag; false if there is no such user.
pub(super) async fn set_disabled(
    tx: &mut Tx,
    user_id: i64,
    disabled: bool,
    now: &str,
) -> StoreResult<bool> {
    let res = sqlx::query("update users set disabled = $2, updated_at = $3 where id = $1")
        .bind(user_id)
        .bind(i64::from(disabled))
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(res.rows_affected() > 0)
}

/// Whether a store error is the login unique index (a concurrent save got there first).
pub(super) fn is_login_conflict(err: &crate::kernel::db::StoreError) -> bool {
    matches!(err, crate::kernel::db::StoreError::Conflict(detail) if detail.contains("uq_users_login"))
}
