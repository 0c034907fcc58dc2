//! Use cases of the chart of accounts: seed, list, show, create, change, and move to the bin.

use super::rules::AccountFields;
use super::{
    AccountCategory, BalanceDirection, LedgerAccountId, RECYCLE_KIND, STANDARD_CHART, store,
};
use crate::kernel::auth::CurrentUser;
use crate::kernel::db::{self, Db, StoreError, Tx};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Message;
use crate::kernel::idempotency::{self, Claim};
use crate::kernel::money::Money;
use crate::kernel::tenancy::Scope;
use crate::kernel::{audit, clock, recycle_bin};

/// Seeds a new account set's chart with the standard accounts, inside the caller's transaction.
pub async fn seed_chart(tx: &mut Tx, scope: &Scope) -> AppResult<()> {
    let now = clock::now_text();
    for (code, name, category, direction) in STANDARD_CHART {
        store::insert_account(
            tx,
            scope,
            code,
            name,
            category.code(),
            direction.code(),
            &now,
        )
        .await?;
    }
    Ok(())
}

/// An account as shown, with its balance from the journal.
pub struct AccountView {
    pub id: LedgerAccountId,
    pub code: String,
    pub name: String,
    pub category: AccountCategory,
    pub direction: BalanceDirection,
    pub is_active: bool,
    /// The balance on the account's natural side: debits − credits for a debit account,
    /// credits − debits for a credit account. Negative when it sits on the other side.
    pub balance: Money,
    /// How many journal lines use the account; its code is fixed once there are any.
    pub n_lines: i64,
}

/// Raw fields of an account, from a form or JSON.
#[derive(Clone, Debug, Default)]
pub struct AccountInput {
    pub code: String,
    pub name: String,
    pub category: String,
    pub balance_direction: String,
    pub is_active: bool,
    pub form_nonce: String,
}

fn account_view(row: store::AccountRow) -> AppResult<AccountView> {
    let category = AccountCategory::from_code(&row.category).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "ledger account {} has unknown category {:?}",
            row.id,
            row.category
        ))
    })?;
    let direction = BalanceDirection::from_code(&row.balance_direction).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "ledger account {} has unknown balance direction {:?}",
            row.id,
            row.balance_direction
        ))
    })?;
    let natural = match direction {
        BalanceDirection::Debit => row.debit_total - row.credit_total,
        BalanceDirection::Credit => row.credit_total - row.debit_total,
    };
    Ok(AccountView {
        id: LedgerAccountId(row.id),
        code: row.code,
        name: row.name,
        category,
        direction,
        is_active: db::flag(row.is_active),
        balance: Money::from_scaled(natural),
        n_lines: row.n_lines,
    })
}

/// The live chart of the account set, by code.
pub async fn list_accounts(db: &Db, scope: &Scope) -> AppResult<Vec<AccountView>> {
    store::list_accounts(db.pool(), scope)
        .await?
        .into_iter()
        .map(account_view)
        .collect()
}

/// One live account; 404 when it is missing, binned or in another account set.
pub async fn show_account(db: &Db, scope: &Scope, id: LedgerAccountId) -> AppResult<AccountView> {
    account_view(store::find_account(db.pool(), scope, id.0).await?)
}

/// Refuses a code held by another account of the account set, live or in the recycle bin.
async fn check_code_free(tx: &mut Tx, scope: &Scope, code: &str, except_id: i64) -> AppResult<()> {
    match store::code_holder(tx, scope, code, except_id).await? {
        None => Ok(()),
        Some((_, 0)) => Err(AppError::field(
            "code",
            Message::new("ledger_account.code_taken"),
        )),
        Some(_) => Err(AppError::field(
            "code",
            Message::new("ledger_account.code_in_recycle_bin"),
        )),
    }
}

/// A unique-key race lost to another writer is the same "code taken" the check gives.
fn code_conflict(err: StoreError) -> AppError {
    match err {
        StoreError::Conflict(_) => {
            AppError::field("code", Message::new("ledger_account.code_taken"))
        }
        other => other.into(),
    }
}

/// Adds an account. A repeated form (same nonce) returns the account it created.
pub async fn create_account(
    db: &Db,
    user: &CurrentUser,
    input: &AccountInput,
) -> AppResult<LedgerAccountId> {
    let fields = AccountFields::parse(
        &input.code,
        &input.name,
        &input.category,
        &input.balance_direction,
    )?;
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    if let Claim::Seen(id) = idempotency::claim(&mut tx, &input.form_nonce, user.user_id.0).await? {
        return Ok(LedgerAccountId(id));
    }
    check_code_free(&mut tx, scope, fields.code(), 0).await?;
    let id = store::insert_account(
        &mut tx,
        scope,
        fields.code(),
        fields.name(),
        fields.category().code(),
        fields.direction().code(),
        &clock::now_text(),
    )
    .await
    .map_err(code_conflict)?;
    idempotency::complete(&mut tx, &input.form_nonce, id).await?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "create",
        RECYCLE_KIND.key,
        Some(id),
        &format!("{} {}", fields.code(), fields.name()),
    )
    .await?;
    tx.commit().await?;
    Ok(LedgerAccountId(id))
}

/// Changes an account's code, name, category, direction and whether it is active. The code is
/// fixed once journal lines use the account: reports and printed vouchers name it.
pub async fn update_account(
    db: &Db,
    user: &CurrentUser,
    id: LedgerAccountId,
    input: &AccountInput,
) -> AppResult<()> {
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    let old_code = store::code_for_update(&mut tx, scope, id.0, db.for_update()).await?;
    let fields = AccountFields::parse(
        &input.code,
        &input.name,
        &input.category,
        &input.balance_direction,
    )?;
    if fields.code() != old_code {
        if store::count_lines(&mut tx, scope, id.0).await? > 0 {
            return Err(AppError::Invalid(FieldErrors::single(
                "code",
                Message::new("ledger_account.code_locked"),
            )));
        }
        check_code_free(&mut tx, scope, fields.code(), id.0).await?;
    }
    store::update_account(
        &mut tx,
        scope,
        id.0,
        fields.code(),
        fields.name(),
        fields.category().code(),
        fields.direction().code(),
        db::to_flag(input.is_active),
        &clock::now_text(),
    )
    .await
    .map_err(code_conflict)?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "update",
        RECYCLE_KIND.key,
        Some(id.0),
        &format!(
            "{} {}{}",
            fields.code(),
            fields.name(),
            if input.is_active { "" } else { " (停用)" }
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves an unused account to the recycle bin. An account with journal lines is refused: it can
/// only be disabled, so the books keep naming it (DESIGN.md rule 4).
pub async fn delete_account(db: &Db, user: &CurrentUser, id: LedgerAccountId) -> AppResult<()> {
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    let code = store::code_for_update(&mut tx, scope, id.0, db.for_update()).await?;
    if store::count_lines(&mut tx, scope, id.0).await? > 0 {
        return Err(AppError::Conflict(Message::new(
            "ledger_account.has_lines_cannot_delete",
        )));
    }
    recycle_bin::move_to_bin(&mut tx, scope, &RECYCLE_KIND, id.0, user.user_id).await?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "delete",
        RECYCLE_KIND.key,
        Some(id.0),
        &code,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
