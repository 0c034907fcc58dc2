//! SQL of account sets.

use sqlx::AnyPool;

use crate::kernel::db::{StoreResult, Tx};

pub(super) async fn insert_account_set(tx: &mut Tx, name: &str, now: &str) -> StoreResult<i64> {
    let id = sqlx::query_scalar(
        "insert into account_sets (name, is_active, created_at) values ($1, 1, $2) returning id",
    )
    .bind(name)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

pub(super) async fn insert_setting(
    tx: &mut Tx,
    account_set_id: i64,
    key: &str,
    value: &str,
) -> StoreResult<()> {
    sqlx::query("insert into settings (account_set_id, key, value) values ($1, $2, $3)")
        .bind(account_set_id)
        .bind(key)
        .bind(value)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(super) async fn list_account_sets(
    pool: &AnyPool,
) -> StoreResult<Vec<(i64, String, i64, String)>> {
    let rows =
        sqlx::query_as("select id, name, is_active, created_at from account_sets order by id")
            .fetch_all(pool)
            .await?;
    Ok(rows)
}

pub(super) async fn name_taken(tx: &mut Tx, name: &str) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar("select count(*) from account_sets where name = $1")
        .bind(name)
        .fetch_one(&mut **tx)
        .await?;
    Ok(n > 0)
}

pub(super) async fn exists(tx: &mut Tx, id: i64) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar("select count(*) from account_sets where id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(n > 0)
}

/// `(account set id, login, display name)` of every user who may enter each account set.
pub(super) async fn members(pool: &AnyPool) -> StoreResult<Vec<(i64, String, String)>> {
    let rows = sqlx::query_as(
        r#"select ua.account_set_id, u.login, u.display_name
           from user_account_sets ua join users u on u.id = ua.user_id
           order by u.login"#,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}
