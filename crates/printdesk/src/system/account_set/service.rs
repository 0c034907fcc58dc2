//! Use cases of account sets.

use super::store;
use crate::kernel::clock;
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Message;
use crate::kernel::money::DecimalPlaces;
use crate::kernel::tenancy::{AccountSetId, Scope};

/// One account set as listed.
pub struct AccountSetInfo {
    pub id: AccountSetId,
    pub name: String,
    pub is_active: bool,
    pub created_at: String,
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
    Ok(AccountSetId(id))
}

/// Every account set, in creation order.
pub async fn list_account_sets(db: &Db) -> AppResult<Vec<AccountSetInfo>> {
    let rows = store::list_account_sets(db.pool()).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, is_active, created_at)| AccountSetInfo {
            id: AccountSetId(id),
            name,
            is_active: is_active != 0,
            created_at: clock::display_local(&created_at),
        })
        .collect())
}
