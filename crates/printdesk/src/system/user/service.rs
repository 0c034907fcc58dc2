//! Use cases of users and roles.

use super::{RoleId, store};
use crate::kernel::auth::{self, UserId};
use crate::kernel::clock;
use crate::kernel::db::Tx;
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::{Locale, Message};
use crate::kernel::tenancy::AccountSetId;

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
