//! Use cases of account sets.

use tracing::instrument;

use super::{AccountSetInput, DOC_KIND, store};
use crate::kernel::audit;
use crate::kernel::auth::CurrentUser;
use crate::kernel::clock;
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Message;
use crate::kernel::idempotency::{self, Claim};
use crate::kernel::money::DecimalPlaces;
use crate::kernel::tenancy::{AccountSetId, Scope};

/// One account set as listed.
pub struct AccountSetInfo {
    pub id: AccountSetId,
    pub name: String,
    pub is_active: bool,
    pub created_at: String,
    /// Display names of the users who may enter it.
    pub members: Vec<String>,
}

/// Checks an account set name: 1 to 50 characters after trimming.
pub fn parse_name(name: &str, field: &'static str, errors: &mut FieldErrors) -> String {
    let name = name.trim();
    if name.is_empty() {
        errors.add(field, Message::new("account_set.name_required"));
    } else if name.chars().count() > 50 {
        errors.add(field, Message::new("error.too_long").arg("max", 50));
    }
    name.to_owned()
}

/// Creates an account set with its seeded settings and chart of accounts, inside the caller's
/// transaction. The name must be unique.
pub async fn create_account_set(
    tx: &mut Tx,
    name: &str,
    field: &'static str,
) -> AppResult<AccountSetId> {
    if store::name_taken(tx, name).await? {
        return Err(AppError::field(
            field,
            Message::new("account_set.name_taken"),
        ));
    }
    let id = store::insert_account_set(tx, name, &clock::now_text()).await?;
    let places = DecimalPlaces::default();
    for (key, value) in [
        ("decimal_places.quantity", places.quantity),
        ("decimal_places.dimension", places.dimension),
        ("decimal_places.area", places.area),
        ("decimal_places.unit_price", places.unit_price),
        ("decimal_places.amount", places.amount),
    ] {
        store::insert_setting(tx, id, key, &value.to_string()).await?;
    }
    crate::finance::ledger_account::service::seed_chart(
        tx,
        &Scope::for_operator_task(AccountSetId(id)),
    )
    .await?;
    crate::system::settings_list::seed_defaults(tx, &Scope::for_operator_task(AccountSetId(id)))
        .await?;
    Ok(AccountSetId(id))
}

/// Every account set, in creation order.
pub async fn list_account_sets(db: &Db) -> AppResult<Vec<AccountSetInfo>> {
    let rows = store::list_account_sets(db.pool()).await?;
    let members = store::members(db.pool()).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, is_active, created_at)| AccountSetInfo {
            id: AccountSetId(id),
            name,
            is_active: is_active != 0,
            created_at: clock::display_local(&created_at),
            members: members
                .iter()
                .filter(|(account_set_id, _, _)| *account_set_id == id)
                .map(|(_, login, display_name)| format!("{display_name}（{login}）"))
                .collect(),
        })
        .collect())
}

/// Whether the account set exists (for the account sets a user may enter).
pub async fn account_set_exists(tx: &mut Tx, id: AccountSetId) -> AppResult<bool> {
    Ok(store::exists(tx, id.0).await?)
}

/// Opens a new account set (账套管理): seeds it, and lets the user who opened it enter it. A
/// repeated `form_nonce` returns the account set made the first time.
#[instrument(skip_all)]
pub async fn add_account_set(
    db: &Db,
    user: &CurrentUser,
    input: &AccountSetInput,
) -> AppResult<AccountSetId> {
    let mut errors = FieldErrors::new();
    let name = parse_name(&input.name, "name", &mut errors);
    errors.into_result(()).map_err(AppError::from)?;
    let mut tx = db.begin_write().await?;
    if let Claim::Seen(id) = idempotency::claim(&mut tx, &input.form_nonce, user.user_id.0).await? {
        return Ok(AccountSetId(id));
    }
    let id = create_account_set(&mut tx, &name, "name").await?;
    crate::system::user::service::grant_account_set(&mut tx, user.user_id, id).await?;
    audit::record(
        &mut tx,
        Some(user.scope()),
        Some(user.user_id),
        "create",
        DOC_KIND,
        Some(id.0),
        &name,
    )
    .await?;
    idempotency::complete(&mut tx, &input.form_nonce, id.0).await?;
    tx.commit().await?;
    tracing::info!(account_set.id = id.0, "account set created");
    Ok(id)
}
