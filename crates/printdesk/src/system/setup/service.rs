//! The first-run use case, shared by the set-up page and `printdesk init`.

use super::store;
use crate::kernel::audit;
use crate::kernel::auth;
use crate::kernel::clock;
use crate::kernel::db::Db;
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::{Locale, Message};
use crate::kernel::tenancy::Scope;
use crate::system::{account_set, user};

/// What the set-up form sends (raw text).
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SetupInput {
    pub company_name: String,
    pub account_set_name: String,
    pub login: String,
    pub display_name: String,
    pub password: String,
    pub confirm_password: String,
}

/// Whether first-run set-up has been done.
pub async fn is_set_up(db: &Db) -> AppResult<bool> {
    Ok(store::is_set_up(db.pool()).await?)
}

/// Creates the company, the first account set (with its chart), the 系统管理员 role and the
/// admin user, in one transaction. Refused once set-up has been done.
pub async fn set_up(db: &Db, input: &SetupInput, locale: Locale) -> AppResult<()> {
    let mut errors = FieldErrors::new();
    let company_name = input.company_name.trim();
    if company_name.is_empty() {
        errors.add("company_name", Message::new("setup.company_required"));
    } else if company_name.chars().count() > 100 {
        errors.add(
            "company_name",
            Message::new("error.too_long").arg("max", 100),
        );
    }
    let account_set_name =
        account_set::service::parse_name(&input.account_set_name, "account_set_name", &mut errors);
    let login = user::service::parse_login(&input.login, &mut errors);
    let display_name = if input.display_name.trim().is_empty() {
        login.clone()
    } else {
        input.display_name.trim().to_owned()
    };
    if display_name.chars().count() > 50 {
        errors.add(
            "display_name",
            Message::new("error.too_long").arg("max", 50),
        );
    }
    if let Err(message) = auth::check_new_password(&input.password) {
        errors.add("password", message);
    }
    if input.password != input.confirm_password {
        errors.add("confirm_password", Message::new("auth.password_mismatch"));
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let mut tx = db.begin_write().await?;
    if !store::insert_company(&mut tx, company_name, &clock::now_text()).await? {
        return Err(AppError::Conflict(Message::new("setup.already_done")));
    }
    let account_set_id =
        account_set::service::create_account_set(&mut tx, &account_set_name, "account_set_name")
            .await?;
    let role_id = user::service::insert_admin_role(&mut tx, locale).await?;
    let user_id =
        user::service::insert_user(&mut tx, &login, &display_name, &input.password, locale).await?;
    user::service::grant_role(&mut tx, user_id, role_id).await?;
    user::service::grant_account_set(&mut tx, user_id, account_set_id).await?;
    let scope = Scope::for_operator_task(account_set_id);
    audit::record(
        &mut tx,
        Some(&scope),
        Some(user_id),
        "setup",
        "company",
        Some(1),
        company_name,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(account_set.id = account_set_id.0, "first-run set-up done");
    Ok(())
}
