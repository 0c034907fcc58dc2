//! SQL of users and roles. Users and roles belong to the installation; which account sets a user
//! may enter is the `user_account_sets` table.

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
