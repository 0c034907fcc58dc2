//! Use cases of departments, called by the pages and the API alike.

use tracing::instrument;

use super::rules::{self, NewDepartment};
use super::{Department, DepartmentId, DepartmentInput, RECYCLE_KIND, store};
use crate::kernel::audit;
use crate::kernel::auth::CurrentUser;
use crate::kernel::clock;
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Message;
use crate::kernel::idempotency::{self, Claim};
use crate::kernel::recycle_bin;
use crate::kernel::tenancy::Scope;

/// One department in the tree, with its depth (0 for a top-level department).
pub struct DepartmentLine {
    pub department: Department,
    pub depth: usize,
}

/// The live departments of the account set in tree order.
pub async fn list_departments(db: &Db, scope: &Scope) -> AppResult<Vec<DepartmentLine>> {
    let departments = store::list_live(db.pool(), scope).await?;
    let order = rules::tree_order(&departments);
    let mut slots: Vec<Option<Department>> = departments.into_iter().map(Some).collect();
    Ok(order
        .into_iter()
        .filter_map(|(idx, depth)| {
            slots[idx]
                .take()
                .map(|department| DepartmentLine { department, depth })
        })
        .collect())
}

/// One live department; `NotFound` if it is not in this account set.
pub async fn show_department(db: &Db, scope: &Scope, id: DepartmentId) -> AppResult<Department> {
    Ok(store::find_live(db.pool(), scope, id).await?)
}

/// The ids of `id` and its descendants: what cannot become its parent.
pub async fn not_parent_candidates(
    db: &Db,
    scope: &Scope,
    id: DepartmentId,
) -> AppResult<Vec<DepartmentId>> {
    let departments = store::list_live(db.pool(), scope).await?;
    let links: Vec<_> = departments.iter().map(|d| (d.id, d.parent_id)).collect();
    Ok(rules::subtree(id, &links).into_iter().collect())
}

/// Whether `id` is a live department of the account set (for a user's department).
pub async fn is_live_department(tx: &mut Tx, scope: &Scope, id: DepartmentId) -> AppResult<bool> {
    Ok(store::is_live(tx, scope, id).await?)
}

/// Creates a department. A repeated `form_nonce` returns the department made the first time.
#[instrument(skip_all)]
pub async fn create_department(
    db: &Db,
    user: &CurrentUser,
    input: &DepartmentInput,
) -> AppResult<DepartmentId> {
    let department = NewDepartment::parse(input)?;
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    if let Claim::Seen(id) = idempotency::claim(&mut tx, &input.form_nonce, user.user_id.0).await? {
        return Ok(DepartmentId(id));
    }
    check_placement(&mut tx, scope, None, &department).await?;
    let id = store::insert(&mut tx, scope, &department, &clock::now_text())
        .await
        .map_err(name_conflict)?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "create",
        RECYCLE_KIND.key,
        Some(id.0),
        &department.name,
    )
    .await?;
    idempotency::complete(&mut tx, &input.form_nonce, id.0).await?;
    tx.commit().await?;
    tracing::info!(department.id = id.0, "department created");
    Ok(id)
}

/// Changes a department: name, parent, order and remarks.
#[instrument(skip_all, fields(department.id = id.0))]
pub async fn update_department(
    db: &Db,
    user: &CurrentUser,
    id: DepartmentId,
    input: &DepartmentInput,
) -> AppResult<()> {
    let department = NewDepartment::parse(input)?;
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    if !store::is_live(&mut tx, scope, id).await? {
        return Err(AppError::NotFound);
    }
    check_placement(&mut tx, scope, Some(id), &department).await?;
    store::update(&mut tx, scope, id, &department, &clock::now_text())
        .await
        .map_err(name_conflict)?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "update",
        RECYCLE_KIND.key,
        Some(id.0),
        &department.name,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a department to the recycle bin, unless sub-departments or users are still in it.
#[instrument(skip_all, fields(department.id = id.0))]
pub async fn delete_department(db: &Db, user: &CurrentUser, id: DepartmentId) -> AppResult<()> {
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    if !store::is_live(&mut tx, scope, id).await? {
        return Err(AppError::NotFound);
    }
    let n_children = store::count_live_children(&mut tx, scope, id).await?;
    if n_children > 0 {
        return Err(AppError::Conflict(
            Message::new("department.has_children").arg("n", n_children),
        ));
    }
    let n_users = store::count_users(&mut tx, scope, id).await?;
    if n_users > 0 {
        return Err(AppError::Conflict(
            Message::new("department.has_users").arg("n", n_users),
        ));
    }
    recycle_bin::move_to_bin(&mut tx, scope, &RECYCLE_KIND, id.0, user.user_id).await?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "delete",
        RECYCLE_KIND.key,
        Some(id.0),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The parent must be a live department of this account set and not `id` or below it; the name
/// must be free among its siblings.
async fn check_placement(
    tx: &mut Tx,
    scope: &Scope,
    id: Option<DepartmentId>,
    department: &NewDepartment,
) -> AppResult<()> {
    let mut errors = FieldErrors::new();
    if let Some(parent) = department.parent_id {
        let links = store::parent_links(tx, scope).await?;
        if !links.iter().any(|(live, _)| *live == parent) {
            errors.add("parent_id", Message::new("department.parent_unknown"));
        } else if id.is_some_and(|id| rules::subtree(id, &links).contains(&parent)) {
            errors.add("parent_id", Message::new("department.parent_cycle"));
        }
    }
    if store::sibling_name_taken(tx, scope, department.parent_id, &department.name, id).await? {
        errors.add("name", Message::new("department.name_taken"));
    }
    errors.into_result(()).map_err(AppError::from)
}

fn name_conflict(err: crate::kernel::db::StoreError) -> AppError {
    if store::is_name_conflict(&err) {
        AppError::field("name", Message::new("department.name_taken"))
    } else {
        err.into()
    }
}
