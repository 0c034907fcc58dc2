//! SQL of the chart of accounts.

use crate::kernel::db::{StoreResult, Tx};
use crate::kernel::tenancy::Scope;

pub(super) async fn insert_account(
    tx: &mut Tx,
    scope: &Scope,
    code: &str,
    name: &str,
    category: &str,
    direction: &str,
    now: &str,
) -> StoreResult<i64> {
    let id = sqlx::query_scalar(
        r#"insert into ledger_accounts (account_set_id, code, name, category, balance_direction,
                                        is_active, created_at, updated_at)
           values ($1, $2, $3, $4, $5, 1, $6, $6) returning id"#,
    )
    .bind(scope.id())
    .bind(code)
    .bind(name)
    .bind(category)
    .bind(direction)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}
