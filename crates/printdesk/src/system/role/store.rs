//! SQL of roles. Roles belong to the installation, so no statement here has an account set.

use sqlx::{AnyPool, FromRow};

use super::rules::NewRole;
use super::{Role, RoleId};
use crate::kernel::db::{StoreError, StoreResult, Tx};

#[derive(FromRow)]
struct RoleRow {
    id: i64,
    name: String,
    description: String,
    is_superuser: i64,
    n_users: i64,
}

const SELECT_ROLE: &str = r#"
    select r.id, r.name, r.description, r.is_superuser,
           (select count(*) from user_roles ur where ur.role_id = r.id) as n_users
    from roles r"#;

pub(super) async fn list_roles(pool: &AnyPool) -> StoreResult<Vec<Role>> {
    let sql = format!("{SELECT_ROLE} order by r.is_superuser desc, r.name");
    let rows = sqlx::query_as::<_, RoleRow>(sqlx::AssertSqlSafe(sql))
        .fetch_all(pool)
        .await?;
    let grants: Vec<(i64, String)> =
        sqlx::query_as("select role_id, permission_key from role_permissions")
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let keys = grants
                .iter()
                .filter(|(role_id, _)| *role_id == row.id)
                .map(|(_, key)| key.clone())
                .collect();
            role_of(row, keys)
        })
        .collect())
}

pub(super) async fn find_role(pool: &AnyPool, id: RoleId) -> StoreResult<Role> {
    let sql = format!("{SELECT_ROLE} where r.id = $1");
    let row = sqlx::query_as::<_, RoleRow>(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_one(pool)
        .await?;
    let keys: Vec<String> =
        sqlx::query_scalar("select permission_key from role_permissions where role_id = $1")
            .bind(id.0)
            .fetch_all(pool)
            .await?;
    Ok(role_of(row, keys))
}

/// Whether the role exists, and whether it is the superuser role; `None` when it does not exist.
pub(super) async fn superuser_flag(tx: &mut Tx, id: RoleId) -> StoreResult<Option<bool>> {
    let flag: Option<i64> = sqlx::query_scalar("select is_superuser from roles where id = $1")
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(flag.map(|f| f != 0))
}

pub(super) async fn name_taken(
    tx: &mut Tx,
    name: &str,
    except: Option<RoleId>,
) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar("select count(*) from roles where name = $1 and id <> $2")
        .bind(name)
        .bind(except.map_or(0, |r| r.0))
        .fetch_one(&mut **tx)
        .await?;
    Ok(n > 0)
}

pub(super) async fn insert_role(tx: &mut Tx, role: &NewRole, now: &str) -> StoreResult<RoleId> {
    let id = sqlx::query_scalar(
        "insert into roles (name, description, is_superuser, created_at) values ($1, $2, 0, $3) returning id",
    )
    .bind(&role.name)
    .bind(&role.description)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(RoleId(id))
}

pub(super) async fn update_role(tx: &mut Tx, id: RoleId, role: &NewRole) -> StoreResult<()> {
    let res = sqlx::query("update roles set name = $2, description = $3 where id = $1")
        .bind(id.0)
        .bind(&role.name)
        .bind(&role.description)
        .execute(&mut **tx)
        .await?;
    if res.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Replaces the role's granted keys.
pub(super) async fn replace_permissions(tx: &mut Tx, id: RoleId, keys: &[&str]) -> StoreResult<()> {
    sqlx::query("delete from role_permissions where role_id = $1")
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    for key in keys {
        sqlx::query("insert into role_permissions (role_id, permission_key) values ($1, $2)")
            .bind(id.0)
            .bind(*key)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub(super) async fn count_users(tx: &mut Tx, id: RoleId) -> StoreResult<i64> {
    let n = sqlx::query_scalar("select count(*) from user_roles where role_id = $1")
        .bind(id.0)
        .fetch_one(&mut **tx)
        .await?;
    Ok(n)
}

pub(super) async fn delete_role(tx: &mut Tx, id: RoleId) -> StoreResult<()> {
    sqlx::query("delete from role_permissions where role_id = $1")
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    let res = sqlx::query("delete from roles where id = $1")
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    if res.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Whether a store error is the role-name unique index.
pub(super) fn is_name_conflict(err: &StoreError) -> bool {
    matches!(err, StoreError::Conflict(detail) if detail.contains("uq_roles_name"))
}

fn role_of(row: RoleRow, keys: Vec<String>) -> Role {
    let is_superuser = row.is_superuser != 0;
    let permissions = crate::kernel::auth::CATALOGUE
        .iter()
        .flat_map(|group| group.permissions)
        .map(|p| p.key())
        .filter(|key| !is_superuser && keys.iter().any(|k| k == key))
        .map(str::to_owned)
        .collect();
    Role {
        id: RoleId(row.id),
        name: row.name,
        description: row.description,
        is_superuser,
        permissions,
        n_users: row.n_users,
    }
}
