//! Use cases of users: the first admin (for set-up), and 用户管理's create, change, disable,
//! enable and reset password.

use tracing::instrument;

use super::{DOC_KIND, RoleId, UserDetail, UserInput, store};
use crate::kernel::audit;
use crate::kernel::auth::{self, CurrentUser, UserId};
use crate::kernel::clock;
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::{Locale, Message};
use crate::kernel::idempotency::{self, Claim};
use crate::kernel::tenancy::{AccountSetId, Scope};
use crate::system::department::{self, DepartmentId};
use crate::system::{account_set, role};

/// Checks a login name: 2 to 32 characters, letters (Chinese too), digits and `_ . - @`.
pub fn parse_login(login: &str, errors: &mut FieldErrors) -> String {
    let login = login.trim();
    let n = login.chars().count();
    if n == 0 {
        errors.add("login", Message::new("auth.login_required"));
    } else if !(2..=32).contains(&n) {
        errors.add("login", Message::new("user.login_length"));
    } else if !login
        .chars()
        .all(|c| c.is_alphanumeric() || "_.-@".contains(c))
    {
        errors.add("login", Message::new("user.login_chars"));
    }
    login.to_owned()
}

/// Checks a display name: 1 to 50 characters.
pub fn parse_display_name(name: &str, errors: &mut FieldErrors) -> String {
    let name = name.trim();
    if name.is_empty() {
        errors.add("display_name", Message::new("user.display_name_required"));
    } else if name.chars().count() > 50 {
        errors.add(
            "display_name",
            Message::new("error.too_long").arg("max", 50),
        );
    }
    name.to_owned()
}

/// Creates a user inside the caller's transaction. The login must be unused (case-insensitive).
pub async fn insert_user(
    tx: &mut Tx,
    login: &str,
    display_name: &str,
    password: &str,
    locale: Locale,
) -> AppResult<UserId> {
    if store::login_taken(tx, login).await? {
        return Err(AppError::field("login", Message::new("user.login_taken")));
    }
    let hash = auth::hash_password(password.to_owned()).await?;
    let id = store::insert_user(
        tx,
        login,
        display_name,
        &hash,
        locale.code(),
        &clock::now_text(),
    )
    .await?;
    Ok(UserId(id))
}

/// Creates the superuser role 系统管理员, which holds every permission (first run).
pub async fn insert_admin_role(tx: &mut Tx, locale: Locale) -> AppResult<RoleId> {
    let id = store::insert_role(
        tx,
        &locale.t("role.admin_name"),
        &locale.t("role.admin_description"),
        true,
        &clock::now_text(),
    )
    .await?;
    Ok(RoleId(id))
}

pub async fn grant_role(tx: &mut Tx, user_id: UserId, role_id: RoleId) -> AppResult<()> {
    store::grant_role(tx, user_id.0, role_id.0).await?;
    Ok(())
}

pub async fn grant_account_set(
    tx: &mut Tx,
    user_id: UserId,
    account_set_id: AccountSetId,
) -> AppResult<()> {
    store::grant_account_set(tx, user_id.0, account_set_id.0).await?;
    Ok(())
}

/// Every user, for the user list. Department names are those of the current account set.
pub async fn list_users(db: &Db, scope: &Scope) -> AppResult<Vec<UserDetail>> {
    let rows = store::list_users(db.pool(), scope.id()).await?;
    let roles = store::role_grants(db.pool(), 0).await?;
    let account_sets = store::account_set_grants(db.pool(), 0).await?;
    Ok(rows
        .into_iter()
        .map(|row| detail_of(row, &roles, &account_sets))
        .collect())
}

/// One user; `NotFound` if there is none.
pub async fn show_user(db: &Db, scope: &Scope, id: UserId) -> AppResult<UserDetail> {
    let row = store::find_user(db.pool(), scope.id(), id.0).await?;
    let roles = store::role_grants(db.pool(), id.0).await?;
    let account_sets = store::account_set_grants(db.pool(), id.0).await?;
    Ok(detail_of(row, &roles, &account_sets))
}

/// Creates a user with their department, roles and account sets. A repeated `form_nonce`
/// returns the user made the first time, so a double click makes one user.
#[instrument(skip_all)]
pub async fn create_user(db: &Db, admin: &CurrentUser, input: &UserInput) -> AppResult<UserId> {
    let mut errors = FieldErrors::new();
    let login = parse_login(&input.login, &mut errors);
    let display_name = parse_display_name(&input.display_name, &mut errors);
    if let Err(message) = auth::check_new_password(&input.password) {
        errors.add("password", message);
    }
    let ids = parse_choice_ids(input, &mut errors);
    let mut tx = db.begin_write().await?;
    if let Claim::Seen(id) = idempotency::claim(&mut tx, &input.form_nonce, admin.user_id.0).await?
    {
        return Ok(UserId(id));
    }
    check_choices(&mut tx, admin.scope(), &ids, &mut errors).await?;
    if errors.is_empty() && store::login_taken(&mut tx, &login).await? {
        errors.add("login", Message::new("user.login_taken"));
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let user_id = insert_user(
        &mut tx,
        &login,
        &display_name,
        &input.password,
        admin.locale,
    )
    .await
    .map_err(login_conflict)?;
    store::set_department(&mut tx, user_id.0, ids.department_id).await?;
    grant_all(&mut tx, user_id, &ids).await?;
    audit::record(
        &mut tx,
        Some(admin.scope()),
        Some(admin.user_id),
        "create",
        DOC_KIND,
        Some(user_id.0),
        &format!("{login} {display_name}"),
    )
    .await?;
    idempotency::complete(&mut tx, &input.form_nonce, user_id.0).await?;
    tx.commit().await?;
    tracing::info!(user.id = user_id.0, "user created");
    Ok(user_id)
}

/// Changes a user's login, name, department, roles and account sets (not the password).
#[instrument(skip_all, fields(user.id = id.0))]
pub async fn update_user(
    db: &Db,
    admin: &CurrentUser,
    id: UserId,
    input: &UserInput,
) -> AppResult<()> {
    let mut errors = FieldErrors::new();
    let login = parse_login(&input.login, &mut errors);
    let display_name = parse_display_name(&input.display_name, &mut errors);
    let mut ids = parse_choice_ids(input, &mut errors);
    let mut tx = db.begin_write().await?;
    if !store::user_exists(&mut tx, id.0).await? {
        return Err(AppError::NotFound);
    }
    check_choices(&mut tx, admin.scope(), &ids, &mut errors).await?;
    if errors.is_empty() && store::login_taken_by_other(&mut tx, &login, id.0).await? {
        errors.add("login", Message::new("user.login_taken"));
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    // The form lists only this account set's departments: an empty choice must not take the
    // user out of a department that another account set gave them.
    if ids.department_id.is_none()
        && let Some((department, in_this_set)) =
            store::department_of(&mut tx, id.0, admin.scope().id()).await?
        && !in_this_set
    {
        ids.department_id = Some(department);
    }
    store::update_user(
        &mut tx,
        id.0,
        &login,
        &display_name,
        ids.department_id,
        &clock::now_text(),
    )
    .await
    .map_err(|err| {
        if store::is_login_conflict(&err) {
            AppError::field("login", Message::new("user.login_taken"))
        } else {
            err.into()
        }
    })?;
    store::clear_roles(&mut tx, id.0).await?;
    store::clear_account_sets(&mut tx, id.0).await?;
    grant_all(&mut tx, id, &ids).await?;
    audit::record(
        &mut tx,
        Some(admin.scope()),
        Some(admin.user_id),
        "update",
        DOC_KIND,
        Some(id.0),
        &format!("{login} {display_name}"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Disables a user and ends their sessions. Nobody can disable themselves.
#[instrument(skip_all, fields(user.id = id.0))]
pub async fn disable_user(db: &Db, admin: &CurrentUser, id: UserId) -> AppResult<()> {
    if id == admin.user_id {
        return Err(AppError::Conflict(Message::new("user.cannot_disable_self")));
    }
    let mut tx = db.begin_write().await?;
    if !store::set_disabled(&mut tx, id.0, true, &clock::now_text()).await? {
        return Err(AppError::NotFound);
    }
    auth::end_user_sessions(&mut tx, id).await?;
    audit::record(
        &mut tx,
        Some(admin.scope()),
        Some(admin.user_id),
        "disable",
        DOC_KIND,
        Some(id.0),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Lets a disabled user sign in again.
#[instrument(skip_all, fields(user.id = id.0))]
pub async fn enable_user(db: &Db, admin: &CurrentUser, id: UserId) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    if !store::set_disabled(&mut tx, id.0, false, &clock::now_text()).await? {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut tx,
        Some(admin.scope()),
        Some(admin.user_id),
        "enable",
        DOC_KIND,
        Some(id.0),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new password for a user (重置密码) and ends their sessions.
#[instrument(skip_all, fields(user.id = id.0))]
pub async fn reset_password(
    db: &Db,
    admin: &CurrentUser,
    id: UserId,
    password: &str,
) -> AppResult<()> {
    auth::check_new_password(password).map_err(|m| AppError::field("password", m))?;
    let mut tx = db.begin_write().await?;
    if !store::user_exists(&mut tx, id.0).await? {
        return Err(AppError::NotFound);
    }
    auth::set_password(&mut tx, id, password).await?;
    audit::record(
        &mut tx,
        Some(admin.scope()),
        Some(admin.user_id),
        "reset_password",
        DOC_KIND,
        Some(id.0),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The ids a user form chose, read but not yet checked against the database.
struct ChoiceIds {
    department_id: Option<i64>,
    role_ids: Vec<RoleId>,
    account_set_ids: Vec<AccountSetId>,
}

fn parse_choice_ids(input: &UserInput, errors: &mut FieldErrors) -> ChoiceIds {
    let department_text = input.department_id.trim();
    let department_id = if department_text.is_empty() {
        None
    } else if let Ok(id) = department_text.parse() {
        Some(id)
    } else {
        errors.add("department_id", Message::new("user.department_unknown"));
        None
    };
    let mut role_ids: Vec<RoleId> = Vec::new();
    for text in &input.role_ids {
        match text.trim().parse() {
            Ok(id) if !role_ids.contains(&RoleId(id)) => role_ids.push(RoleId(id)),
            Ok(_) => {}
            Err(_) => errors.add("role_ids", Message::new("user.role_unknown")),
        }
    }
    let mut account_set_ids: Vec<AccountSetId> = Vec::new();
    for text in &input.account_set_ids {
        match text.trim().parse() {
            Ok(id) if !account_set_ids.contains(&AccountSetId(id)) => {
                account_set_ids.push(AccountSetId(id));
            }
            Ok(_) => {}
            Err(_) => errors.add("account_set_ids", Message::new("user.account_set_unknown")),
        }
    }
    if input.account_set_ids.is_empty() {
        errors.add("account_set_ids", Message::new("user.account_set_required"));
    }
    ChoiceIds {
        department_id,
        role_ids,
        account_set_ids,
    }
}

/// The department must be live in the current account set; roles and account sets must exist.
async fn check_choices(
    tx: &mut Tx,
    scope: &Scope,
    ids: &ChoiceIds,
    errors: &mut FieldErrors,
) -> AppResult<()> {
    if let Some(id) = ids.department_id
        && !department::service::is_live_department(tx, scope, DepartmentId(id)).await?
    {
        errors.add("department_id", Message::new("user.department_unknown"));
    }
    for id in &ids.role_ids {
        if !role::service::role_exists(tx, *id).await? {
            errors.add("role_ids", Message::new("user.role_unknown"));
            break;
        }
    }
    for id in &ids.account_set_ids {
        if !account_set::service::account_set_exists(tx, *id).await? {
            errors.add("account_set_ids", Message::new("user.account_set_unknown"));
            break;
        }
    }
    Ok(())
}

async fn grant_all(tx: &mut Tx, user_id: UserId, ids: &ChoiceIds) -> AppResult<()> {
    for role_id in &ids.role_ids {
        grant_role(tx, user_id, *role_id).await?;
    }
    for account_set_id in &ids.account_set_ids {
        grant_account_set(tx, user_id, *account_set_id).await?;
    }
    Ok(())
}

fn detail_of(
    row: store::UserRow,
    roles: &[(i64, i64, String)],
    account_sets: &[(i64, i64, String)],
) -> UserDetail {
    UserDetail {
        id: UserId(row.id),
        roles: roles
            .iter()
            .filter(|(user_id, _, _)| *user_id == row.id)
            .map(|(_, id, name)| (RoleId(*id), name.clone()))
            .collect(),
        account_sets: account_sets
            .iter()
            .filter(|(user_id, _, _)| *user_id == row.id)
            .map(|(_, id, name)| (*id, name.clone()))
            .collect(),
        login: row.login,
        display_name: row.display_name,
        department_id: row.department_id,
        department_name: row.department_name.unwrap_or_default(),
        disabled: row.disabled != 0,
    }
}

/// A concurrent create that took the login between our check and our insert.
fn login_conflict(err: AppError) -> AppError {
    match err {
        AppError::Internal(ref cause) if cause.to_string().contains("uq_users_login") => {
            AppError::field("login", Message::new("user.login_taken"))
        }
        other => other,
    }
}
