//! Use cases of the chart of accounts.

use super::{STANDARD_CHART, store};
use crate::kernel::clock;
use crate::kernel::db::Tx;
use crate::kernel::error::AppResult;
use crate::kernel::tenancy::Scope;

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
