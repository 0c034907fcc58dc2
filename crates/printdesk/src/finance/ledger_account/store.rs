//! SQL of the chart of accounts.

use sqlx::{AnyPool, FromRow};

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

/// A live account with the totals of its journal lines.
#[derive(FromRow)]
pub(super) struct AccountRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub category: String,
    pub balance_direction: String,
    pub is_active: i64,
    pub debit_total: i64,
    pub credit_total: i64,
    pub n_lines: i64,
}

const ACCOUNT_SELECT: &str = r#"select a.id, a.code, a.name, a.category, a.balance_direction,
       cast(a.is_active as bigint) as is_active,
       cast(coalesce(sum(l.debit), 0) as bigint) as debit_total,
       cast(coalesce(sum(l.credit), 0) as bigint) as credit_total,
       cast(count(l.id) as bigint) as n_lines
from ledger_accounts a
left join journal_lines l on l.account_set_id = a.account_set_id and l.ledger_account_id = a.id"#;

const ACCOUNT_GROUP: &str =
    "group by a.id, a.code, a.name, a.category, a.balance_direction, a.is_active";

/// Every live account of the account set, by code.
pub(super) async fn list_accounts(pool: &AnyPool, scope: &Scope) -> StoreResult<Vec<AccountRow>> {
    let sql = format!(
        "{ACCOUNT_SELECT} where a.account_set_id = $1 and a.deleted_at is null {ACCOUNT_GROUP} order by a.code"
    );
    let rows = sqlx::query_as::<_, AccountRow>(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .fetch_all(pool)
        .await?;
    Ok(rows)
}

/// One live account; `NotFound` when it is missing, binned or in another account set.
pub(super) async fn find_account<'e, E>(
    executor: E,
    scope: &Scope,
    id: i64,
) -> StoreResult<AccountRow>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!(
        "{ACCOUNT_SELECT} where a.account_set_id = $1 and a.id = $2 and a.deleted_at is null {ACCOUNT_GROUP}"
    );
    let row = sqlx::query_as::<_, AccountRow>(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(id)
        .fetch_one(executor)
        .await?;
    Ok(row)
}

/// Who holds `code` in this account set, other than `except_id`: `(id, in_recycle_bin)`.
pub(super) async fn code_holder(
    tx: &mut Tx,
    scope: &Scope,
    code: &str,
    except_id: i64,
) -> StoreResult<Option<(i64, i64)>> {
    let row = sqlx::query_as(
        r#"select id, case when deleted_at is null then 0 else 1 end
           from ledger_accounts
           where account_set_id = $1 and code = $2 and id <> $3"#,
    )
    .bind(scope.id())
    .bind(code)
    .bind(except_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row)
}

/// How many journal lines use the account.
pub(super) async fn count_lines(tx: &mut Tx, scope: &Scope, id: i64) -> StoreResult<i64> {
    let n = sqlx::query_scalar(
        "select count(*) from journal_lines where account_set_id = $1 and ledger_account_id = $2",
    )
    .bind(scope.id())
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n)
}

/// The code of a live account, read inside the changing transaction.
pub(super) async fn code_for_update(
    tx: &mut Tx,
    scope: &Scope,
    id: i64,
    lock: &str,
) -> StoreResult<String> {
    let sql = format!(
        "select code from ledger_accounts where account_set_id = $1 and id = $2 and deleted_at is null{lock}"
    );
    let code = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(code)
}

#[expect(clippy::too_many_arguments, reason = "one bind per column")]
pub(super) async fn update_account(
    tx: &mut Tx,
    scope: &Scope,
    id: i64,
    code: &str,
    name: &str,
    category: &str,
    direction: &str,
    is_active: i64,
    now: &str,
) -> StoreResult<()> {
    let res = sqlx::query(
        r#"update ledger_accounts
           set code = $3, name = $4, category = $5, balance_direction = $6, is_active = $7, updated_at = $8
           where account_set_id = $1 and id = $2 and deleted_at is null"#,
    )
    .bind(scope.id())
    .bind(id)
    .bind(code)
    .bind(name)
    .bind(category)
    .bind(direction)
    .bind(is_active)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if res.rows_affected() == 0 {
        return Err(crate::kernel::db::StoreError::NotFound);
    }
    Ok(())
}
