//! SQL of sessions, API tokens, sign-in throttling and the permission lookup.
//!
//! These tables belong to the installation, not to an account set: a user is one person across
//! the branches they may enter, and the session carries which account set they are in.

use sqlx::{AnyPool, FromRow};

use crate::kernel::db::{StoreResult, Tx};

/// What authenticating a request needs, one row per permission key the user's roles grant (a
/// user without keys still gets one row, with an empty key). One query instead of two on the
/// path every page load takes.
#[derive(FromRow)]
pub(super) struct CredentialGrantRow {
    pub credential_id: String,
    pub user_id: i64,
    pub account_set_id: i64,
    pub csrf_token: String,
    pub last_seen_at: String,
    pub login: String,
    pub display_name: String,
    pub locale: String,
    pub account_set_name: String,
    pub company_name: String,
    pub is_superuser: i64,
    pub permission_key: String,
}

/// The session with this id, if it is live, its user enabled and still allowed into its account
/// set, with the user's grants.
pub(super) async fn find_session(
    pool: &AnyPool,
    id_hash: &str,
    now: &str,
) -> StoreResult<Vec<CredentialGrantRow>> {
    let rows = sqlx::query_as::<_, CredentialGrantRow>(
        r#"select s.id as credential_id, s.user_id, s.account_set_id, s.csrf_token, s.last_seen_at,
                  u.login, u.display_name, u.locale, a.name as account_set_name,
                  coalesce((select name from company where id = 1), '') as company_name,
                  coalesce(r.is_superuser, 0) as is_superuser,
                  coalesce(rp.permission_key, '') as permission_key
           from sessions s
           join users u on u.id = s.user_id
           join account_sets a on a.id = s.account_set_id
           left join user_roles ur on ur.user_id = s.user_id
           left join roles r on r.id = ur.role_id
           left join role_permissions rp on rp.role_id = r.id
           where s.id = $1 and s.expires_at > $2 and u.disabled = 0 and a.is_active = 1
             and exists (select 1 from user_account_sets ua
                         where ua.user_id = s.user_id and ua.account_set_id = s.account_set_id)"#,
    )
    .bind(id_hash)
    .bind(now)
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// The live API token with this hash, with its user's grants (see [`find_session`]).
pub(super) async fn find_api_token(
    pool: &AnyPool,
    token_hash: &str,
) -> StoreResult<Vec<CredentialGrantRow>> {
    let rows = sqlx::query_as::<_, CredentialGrantRow>(
        r#"select cast(t.id as text) as credential_id, t.user_id, t.account_set_id, '' as csrf_token,
                  coalesce(t.last_used_at, '') as last_seen_at,
                  u.login, u.display_name, u.locale, a.name as account_set_name,
                  coalesce((select name from company where id = 1), '') as company_name,
                  coalesce(r.is_superuser, 0) as is_superuser,
                  coalesce(rp.permission_key, '') as permission_key
           from api_tokens t
           join users u on u.id = t.user_id
           join account_sets a on a.id = t.account_set_id
           left join user_roles ur on ur.user_id = t.user_id
           left join roles r on r.id = ur.role_id
           left join role_permissions rp on rp.role_id = r.id
           where t.token_hash = $1 and t.revoked_at is null and u.disabled = 0 and a.is_active = 1
             and exists (select 1 from user_account_sets ua
                         where ua.user_id = t.user_id and ua.account_set_id = t.account_set_id)"#,
    )
    .bind(token_hash)
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

pub(super) async fn touch_session(
    pool: &AnyPool,
    id_hash: &str,
    now: &str,
    expires_at: &str,
) -> StoreResult<()> {
    sqlx::query("update sessions set last_seen_at = $2, expires_at = $3 where id = $1")
        .bind(id_hash)
        .bind(now)
        .bind(expires_at)
        .execute(pool)
        .await?;
    Ok(())
}

pub(super) struct NewSession<'a> {
    pub id_hash: &'a str,
    pub user_id: i64,
    pub account_set_id: i64,
    pub csrf_token: &'a str,
    pub ip: &'a str,
    pub user_agent: &'a str,
    pub now: &'a str,
    pub expires_at: &'a str,
}

pub(super) async fn insert_session(tx: &mut Tx, session: &NewSession<'_>) -> StoreResult<()> {
    sqlx::query(
        r#"insert into sessions (id, user_id, account_set_id, csrf_token, ip, user_agent,
                                 created_at, last_seen_at, expires_at)
           values ($1, $2, $3, $4, $5, $6, $7, $7, $8)"#,
    )
    .bind(session.id_hash)
    .bind(session.user_id)
    .bind(session.account_set_id)
    .bind(session.csrf_token)
    .bind(session.ip)
    .bind(session.user_agent)
    .bind(session.now)
    .bind(session.expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(super) async fn delete_session(tx: &mut Tx, id_hash: &str) -> StoreResult<bool> {
    let res = sqlx::query("delete from sessions where id = $1")
        .bind(id_hash)
        .execute(&mut **tx)
        .await?;
    Ok(res.rows_affected() > 0)
}

pub(super) async fn delete_other_sessions(
    tx: &mut Tx,
    user_id: i64,
    keep_id_hash: &str,
) -> StoreResult<()> {
    sqlx::query("delete from sessions where user_id = $1 and id <> $2")
        .bind(user_id)
        .bind(keep_id_hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(super) async fn delete_user_sessions(tx: &mut Tx, user_id: i64) -> StoreResult<()> {
    sqlx::query("delete from sessions where user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(super) async fn delete_expired_sessions(tx: &mut Tx, now: &str) -> StoreResult<u64> {
    let res = sqlx::query("delete from sessions where expires_at <= $1")
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(res.rows_affected())
}

pub(super) async fn set_session_account_set(
    tx: &mut Tx,
    id_hash: &str,
    account_set_id: i64,
) -> StoreResult<()> {
    sqlx::query("update sessions set account_set_id = $2 where id = $1")
        .bind(id_hash)
        .bind(account_set_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(FromRow)]
pub(super) struct OnlineRow {
    pub id: String,
    pub login: String,
    pub display_name: String,
    pub account_set_name: String,
    pub ip: String,
    pub user_agent: String,
    pub created_at: String,
    pub last_seen_at: String,
}

pub(super) async fn list_sessions(pool: &AnyPool, now: &str) -> StoreResult<Vec<OnlineRow>> {
    let rows = sqlx::query_as::<_, OnlineRow>(
        r#"select s.id, u.login, u.display_name, a.name as account_set_name, s.ip, s.user_agent,
                  s.created_at, s.last_seen_at
           from sessions s
           join users u on u.id = s.user_id
           join account_sets a on a.id = s.account_set_id
           where s.expires_at > $1
           order by s.last_seen_at desc"#,
    )
    .bind(now)
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

#[derive(FromRow)]
pub(super) struct CredentialRow {
    pub id: i64,
    pub password_hash: String,
    pub disabled: i64,
}

pub(super) async fn find_credentials(
    pool: &AnyPool,
    login: &str,
) -> StoreResult<Option<CredentialRow>> {
    let row = sqlx::query_as::<_, CredentialRow>(
        "select id, password_hash, disabled from users where lower(login) = lower($1)",
    )
    .bind(login)
    .fetch_optional(pool)
    .await?;
    Ok(row)
}

pub(super) async fn password_hash_of(pool: &AnyPool, user_id: i64) -> StoreResult<String> {
    let hash = sqlx::query_scalar("select password_hash from users where id = $1")
        .bind(user_id)
        .fetch_one(pool)
        .await?;
    Ok(hash)
}

pub(super) async fn set_password_hash(
    tx: &mut Tx,
    user_id: i64,
    hash: &str,
    now: &str,
) -> StoreResult<()> {
    sqlx::query("update users set password_hash = $2, updated_at = $3 where id = $1")
        .bind(user_id)
        .bind(hash)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(super) async fn set_locale(pool: &AnyPool, user_id: i64, locale: &str) -> StoreResult<()> {
    sqlx::query("update users set locale = $2 where id = $1")
        .bind(user_id)
        .bind(locale)
        .execute(pool)
        .await?;
    Ok(())
}

/// The account set the user enters at sign-in: the one asked for if allowed, else their first.
pub(super) async fn entry_account_set(
    pool: &AnyPool,
    user_id: i64,
    wanted: Option<i64>,
) -> StoreResult<Option<i64>> {
    let id = sqlx::query_scalar(
        r#"select ua.account_set_id
           from user_account_sets ua join account_sets a on a.id = ua.account_set_id
           where ua.user_id = $1 and a.is_active = 1 and ($2 = 0 or ua.account_set_id = $2)
           order by ua.account_set_id
           limit 1"#,
    )
    .bind(user_id)
    .bind(wanted.unwrap_or(0))
    .fetch_optional(pool)
    .await?;
    Ok(id)
}

/// The account sets a user may enter, `(id, name)` in id order.
pub(super) async fn account_sets_of(
    pool: &AnyPool,
    user_id: i64,
) -> StoreResult<Vec<(i64, String)>> {
    let rows = sqlx::query_as(
        r#"select a.id, a.name from user_account_sets ua join account_sets a on a.id = ua.account_set_id
           where ua.user_id = $1 and a.is_active = 1 order by a.id"#,
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

pub(super) async fn locked_until(pool: &AnyPool, key: &str) -> StoreResult<Option<String>> {
    let until: Option<Option<String>> =
        sqlx::query_scalar("select locked_until from sign_in_throttle where key = $1")
            .bind(key)
            .fetch_optional(pool)
            .await?;
    Ok(until.flatten())
}

/// Counts one more failure for `key` atomically and returns the new count.
pub(super) async fn record_failure(pool: &AnyPool, key: &str, now: &str) -> StoreResult<i64> {
    let failures = sqlx::query_scalar(
        r#"insert into sign_in_throttle (key, failures, updated_at) values ($1, 1, $2)
           on conflict (key) do update set failures = sign_in_throttle.failures + 1, updated_at = $2
           returning failures"#,
    )
    .bind(key)
    .bind(now)
    .fetch_one(pool)
    .await?;
    Ok(failures)
}

pub(super) async fn lock_until(pool: &AnyPool, key: &str, until: &str) -> StoreResult<()> {
    sqlx::query("update sign_in_throttle set locked_until = $2 where key = $1")
        .bind(key)
        .bind(until)
        .execute(pool)
        .await?;
    Ok(())
}

pub(super) async fn clear_failures(pool: &AnyPool, key: &str) -> StoreResult<()> {
    sqlx::query("delete from sign_in_throttle where key = $1")
        .bind(key)
        .execute(pool)
        .await?;
    Ok(())
}

pub(super) async fn insert_api_token(
    tx: &mut Tx,
    user_id: i64,
    account_set_id: i64,
    name: &str,
    token_hash: &str,
    now: &str,
) -> StoreResult<i64> {
    let id = sqlx::query_scalar(
        r#"insert into api_tokens (user_id, account_set_id, name, token_hash, created_at)
           values ($1, $2, $3, $4, $5) returning id"#,
    )
    .bind(user_id)
    .bind(account_set_id)
    .bind(name)
    .bind(token_hash)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

#[derive(FromRow)]
pub(super) struct TokenListRow {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub account_set_name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// Live tokens: the user's own, or everyone's when `all` (for an admin).
pub(super) async fn list_api_tokens(
    pool: &AnyPool,
    user_id: i64,
    all: bool,
) -> StoreResult<Vec<TokenListRow>> {
    let rows = sqlx::query_as::<_, TokenListRow>(
        r#"select t.id, u.login, t.name, a.name as account_set_name, t.created_at, t.last_used_at
           from api_tokens t join users u on u.id = t.user_id join account_sets a on a.id = t.account_set_id
           where t.revoked_at is null and ($2 = 1 or t.user_id = $1)
           order by t.id"#,
    )
    .bind(user_id)
    .bind(i64::from(all))
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// Revokes a live token owned by `user_id` (or by anyone when `any_owner`); false if none.
pub(super) async fn revoke_api_token(
    tx: &mut Tx,
    token_id: i64,
    user_id: i64,
    any_owner: bool,
    now: &str,
) -> StoreResult<bool> {
    let res = sqlx::query(
        r#"update api_tokens set revoked_at = $4
           where id = $1 and revoked_at is null and ($3 = 1 or user_id = $2)"#,
    )
    .bind(token_id)
    .bind(user_id)
    .bind(i64::from(any_owner))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(res.rows_affected() > 0)
}

pub(super) async fn touch_api_token(pool: &AnyPool, token_id: i64, now: &str) -> StoreResult<()> {
    sqlx::query("update api_tokens set last_used_at = $2 where id = $1")
        .bind(token_id)
        .bind(now)
        .execute(pool)
        .await?;
    Ok(())
}
