//! Use cases of roles.

use tracing::instrument;

use super::rules::NewRole;
use super::{DOC_KIND, Role, RoleId, RoleInput, store};
use crate::kernel::audit;
use crate::kernel::auth::CurrentUser;
use crate::kernel::clock;
use crate::kernel::db::{Db, StoreError, Tx};
use crate::kernel::error::{AppError, AppResult};
use crate::kernel::i18n::Message;
use crate::kernel::idempotency::{self, Claim};

/// Every role, the superuser role first.
pub async fn list_roles(db: &Db) -> AppResult<Vec<Role>> {
    Ok(store::list_roles(db.pool()).await?)
}

pub async fn show_role(db: &Db, id: RoleId) -> AppResult<Role> {
    Ok(store::find_role(db.pool(), id).await?)
}

/// Whether the role exists (for a user's roles).
pub async fn role_exists(tx: &mut Tx, id: RoleId) -> AppResult<bool> {
    Ok(store::superuser_flag(tx, id).await?.is_some())
}

/// Creates a role. A repeated `form_nonce` returns the role made the first time.
#[instrument(skip_all)]
pub async fn create_role(db: &Db, user: &CurrentUser, input: &RoleInput) -> AppResult<RoleId> {
    let role = NewRole::parse(input)?;
    let mut tx = db.begin_write().await?;
    if let Claim::Seen(id) = idempotency::claim(&mut tx, &input.form_nonce, user.user_id.0).await? {
        return Ok(RoleId(id));
    }
    if store::name_taken(&mut tx, &role.name, None).await? {
        return Err(name_taken());
    }
    let id = store::insert_role(&mut tx, &role, &clock::now_text())
        .await
        .map_err(name_conflict)?;
    let keys: Vec<&str> = role.permissions.iter().map(|p| p.key()).collect();
    store::replace_permissions(&mut tx, id, &keys).await?;
    audit::record(
        &mut tx,
        Some(user.scope()),
        Some(user.user_id),
        "create",
        DOC_KIND,
        Some(id.0),
        &summary(&role.name, &keys),
    )
    .await?;
    idempotency::complete(&mut tx, &input.form_nonce, id.0).await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a role. The superuser role keeps every permission whatever the input says.
#[instrument(skip_all, fields(role.id = id.0))]
pub async fn update_role(
    db: &Db,
    user: &CurrentUser,
    id: RoleId,
    input: &RoleInput,
) -> AppResult<()> {
    let role = NewRole::parse(input)?;
    let mut tx = db.begin_write().await?;
    let is_superuser = store::superuser_flag(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if store::name_taken(&mut tx, &role.name, Some(id)).await? {
        return Err(name_taken());
    }
    store::update_role(&mut tx, id, &role)
        .await
        .map_err(name_conflict)?;
    let keys: Vec<&str> = if is_superuser {
        Vec::new()
    } else {
        role.permissions.iter().map(|p| p.key()).collect()
    };
    store::replace_permissions(&mut tx, id, &keys).await?;
    audit::record(
        &mut tx,
        Some(user.scope()),
        Some(user.user_id),
        "update",
        DOC_KIND,
        Some(id.0),
        &summary(&role.name, &keys),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a role nobody holds. The superuser role can never be deleted.
#[instrument(skip_all, fields(role.id = id.0))]
pub async fn delete_role(db: &Db, user: &CurrentUser, id: RoleId) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    let is_superuser = store::superuser_flag(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if is_superuser {
        return Err(AppError::Conflict(Message::new(
            "role.superuser_undeletable",
        )));
    }
    let n_users = store::count_users(&mut tx, id).await?;
    if n_users > 0 {
        return Err(AppError::Conflict(
            Message::new("role.in_use").arg("n", n_users),
        ));
    }
    store::delete_role(&mut tx, id).await?;
    audit::record(
        &mut tx,
        Some(user.scope()),
        Some(user.user_id),
        "delete",
        DOC_KIND,
        Some(id.0),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn summary(name: &str, keys: &[&str]) -> String {
    format!("{name}: {}", keys.join(", "))
}

fn name_taken() -> AppError {
    AppError::field("name", Message::new("role.name_taken"))
}

fn name_conflict(err: StoreError) -> AppError {
    if store::is_name_conflict(&err) {
        name_taken()
    } else {
        err.into()
    }
}
