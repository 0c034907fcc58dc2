//! SQL of the first run.

use sqlx::AnyPool;

use crate::kernel::db::{StoreResult, Tx};

pub(super) async fn is_set_up(pool: &AnyPool) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar("select count(*) from company")
        .fetch_one(pool)
        .await?;
    Ok(n > 0)
}

/// Inserts the company row, or does nothing when one exists; true if inserted. The primary key
/// makes two concurrent set-ups produce one company.
pub(super) async fn insert_company(tx: &mut Tx, name: &str, now: &str) -> StoreResult<bool> {
    let res = sqlx::query(
        "insert into company (id, name, updated_at) values (1, $1, $2) on conflict (id) do nothing",
    )
    .bind(name)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(res.rows_affected() == 1)
}
