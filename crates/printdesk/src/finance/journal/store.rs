//! SQL of the journal. Entries and lines are only ever inserted.

use sqlx::{AnyPool, FromRow};

use super::rules::NewEntry;
use crate::kernel::db::{StoreResult, Tx};
use crate::kernel::tenancy::Scope;

/// Whether `id` is a live, active account of this account set.
pub(super) async fn account_usable(tx: &mut Tx, scope: &Scope, id: i64) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar(
        r#"select count(*) from ledger_accounts
           where account_set_id = $1 and id = $2 and deleted_at is null and is_active = 1"#,
    )
    .bind(scope.id())
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n == 1)
}

pub(super) async fn insert_entry(
    tx: &mut Tx,
    scope: &Scope,
    entry_no: i64,
    entry: &NewEntry,
    reversal_of: Option<i64>,
    created_by: Option<i64>,
    now: &str,
) -> StoreResult<i64> {
    let id: i64 = sqlx::query_scalar(
        r#"insert into journal_entries (account_set_id, entry_no, entry_date, memo, source_kind, source_id,
                                        reversal_of, created_by, created_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id"#,
    )
    .bind(scope.id())
    .bind(entry_no)
    .bind(entry.entry_date())
    .bind(entry.memo())
    .bind(entry.source_kind())
    .bind(entry.source_id())
    .bind(reversal_of)
    .bind(created_by)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    for (idx, line) in entry.lines().iter().enumerate() {
        sqlx::query(
            r#"insert into journal_lines (account_set_id, entry_id, line_no, ledger_account_id, debit, credit, memo)
               values ($1, $2, $3, $4, $5, $6, $7)"#,
        )
        .bind(scope.id())
        .bind(id)
        .bind(idx as i64 + 1)
        .bind(line.ledger_account_id.0)
        .bind(line.debit.scaled())
        .bind(line.credit.scaled())
        .bind(&line.memo)
        .execute(&mut **tx)
        .await?;
    }
    Ok(id)
}

#[derive(FromRow)]
pub(super) struct EntryRow {
    pub id: i64,
    pub entry_no: i64,
    pub entry_date: String,
    pub memo: String,
    pub source_kind: String,
    pub source_id: Option<i64>,
    pub reversal_of: Option<i64>,
    pub reversed_by: Option<i64>,
    pub created_by: Option<String>,
    pub created_at: String,
    pub total: i64,
}

const ENTRY_COLUMNS: &str = r#"e.id, e.entry_no, e.entry_date, e.memo, e.source_kind, e.source_id, e.reversal_of,
    (select r.id from journal_entries r where r.reversal_of = e.id) as reversed_by,
    u.display_name as created_by, e.created_at,
    cast(coalesce((select sum(l.debit) from journal_lines l where l.entry_id = e.id), 0) as bigint) as total"#;

pub(super) async fn find_entry(pool: &AnyPool, scope: &Scope, id: i64) -> StoreResult<EntryRow> {
    let sql = format!(
        "select {ENTRY_COLUMNS} from journal_entries e left join users u on u.id = e.created_by \
         where e.account_set_id = $1 and e.id = $2"
    );
    let row = sqlx::query_as::<_, EntryRow>(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(id)
        .fetch_one(pool)
        .await?;
    Ok(row)
}

pub(super) async fn list_entries(
    pool: &AnyPool,
    scope: &Scope,
    limit: i64,
    offset: i64,
) -> StoreResult<Vec<EntryRow>> {
    let sql = format!(
        "select {ENTRY_COLUMNS} from journal_entries e left join users u on u.id = e.created_by \
         where e.account_set_id = $1 order by e.entry_no desc limit $2 offset $3"
    );
    let rows = sqlx::query_as::<_, EntryRow>(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await?;
    Ok(rows)
}

#[derive(FromRow)]
pub(super) struct LineRow {
    pub ledger_account_id: i64,
    pub account_code: String,
    pub account_name: String,
    pub debit: i64,
    pub credit: i64,
    pub memo: String,
}

pub(super) async fn lines_of<'e, E>(
    executor: E,
    scope: &Scope,
    entry_id: i64,
) -> StoreResult<Vec<LineRow>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows = sqlx::query_as::<_, LineRow>(
        r#"select l.ledger_account_id, a.code as account_code, a.name as account_name, l.debit, l.credit, l.memo
           from journal_lines l join ledger_accounts a on a.id = l.ledger_account_id
           where l.account_set_id = $1 and l.entry_id = $2
           order by l.line_no"#,
    )
    .bind(scope.id())
    .bind(entry_id)
    .fetch_all(executor)
    .await?;
    Ok(rows)
}

/// `(source_kind, reversal_of)` of an entry, read inside the reversing transaction.
pub(super) async fn entry_kind_for_update(
    tx: &mut Tx,
    scope: &Scope,
    id: i64,
    lock: &str,
) -> StoreResult<(String, Option<i64>, Option<i64>)> {
    let sql = format!(
        r#"select e.source_kind, e.reversal_of, (select r.id from journal_entries r where r.reversal_of = e.id)
           from journal_entries e where e.account_set_id = $1 and e.id = $2{lock}"#
    );
    let row = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(row)
}

pub(super) async fn count_entries(pool: &AnyPool, scope: &Scope) -> StoreResult<i64> {
    let n = sqlx::query_scalar("select count(*) from journal_entries where account_set_id = $1")
        .bind(scope.id())
        .fetch_one(pool)
        .await?;
    Ok(n)
}

#[derive(FromRow)]
pub(super) struct ExportLineRow {
    pub entry_no: i64,
    pub entry_date: String,
    pub memo: String,
    pub account_code: String,
    pub account_name: String,
    pub debit: i64,
    pub credit: i64,
    pub line_memo: String,
}

/// Every line of every entry of the account set, in entry and line order (the journal export).
pub(super) async fn export_lines(pool: &AnyPool, scope: &Scope) -> StoreResult<Vec<ExportLineRow>> {
    let rows = sqlx::query_as::<_, ExportLineRow>(
        r#"select e.entry_no, e.entry_date, e.memo, a.code as account_code, a.name as account_name,
                  l.debit, l.credit, l.memo as line_memo
           from journal_entries e
           join journal_lines l on l.entry_id = e.id
           join ledger_accounts a on a.id = l.ledger_account_id
           where e.account_set_id = $1
           order by e.entry_no, l.line_no"#,
    )
    .bind(scope.id())
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

// ---- Checks of `printdesk check`. Each returns the offending rows; empty means sound. ----

pub(super) async fn account_set_ids(pool: &AnyPool) -> StoreResult<Vec<(i64, String)>> {
    Ok(
        sqlx::query_as("select id, name from account_sets order by id")
            .fetch_all(pool)
            .await?,
    )
}

/// Entries whose debits differ from their credits, or that have fewer than two lines.
pub(super) async fn unbalanced_entries(
    pool: &AnyPool,
    scope: &Scope,
) -> StoreResult<Vec<(i64, i64, i64)>> {
    let rows = sqlx::query_as(
        r#"select e.entry_no,
                  cast(coalesce(sum(l.debit), 0) as bigint), cast(coalesce(sum(l.credit), 0) as bigint)
           from journal_entries e left join journal_lines l on l.entry_id = e.id
           where e.account_set_id = $1
           group by e.id, e.entry_no
           having coalesce(sum(l.debit), 0) <> coalesce(sum(l.credit), 0) or count(l.id) < 2
           order by e.entry_no"#,
    )
    .bind(scope.id())
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// Lines that point to an account or entry of another account set.
pub(super) async fn foreign_lines(pool: &AnyPool, scope: &Scope) -> StoreResult<i64> {
    let n = sqlx::query_scalar(
        r#"select count(*) from journal_lines l
           join journal_entries e on e.id = l.entry_id
           join ledger_accounts a on a.id = l.ledger_account_id
           where l.account_set_id = $1 and (e.account_set_id <> $1 or a.account_set_id <> $1)"#,
    )
    .bind(scope.id())
    .fetch_one(pool)
    .await?;
    Ok(n)
}

/// Entries whose source kind no check knows.
pub(super) async fn entries_of_unknown_kind(
    pool: &AnyPool,
    scope: &Scope,
) -> StoreResult<Vec<(i64, String)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "select entry_no, source_kind from journal_entries where account_set_id = $1 order by entry_no",
    )
    .bind(scope.id())
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, kind)| !super::source_kind::ALL.contains(&kind.as_str()))
        .collect())
}

/// Reversals whose lines are not the mirror of their original's, per account.
pub(super) async fn mismatched_reversals(pool: &AnyPool, scope: &Scope) -> StoreResult<Vec<i64>> {
    let rows = sqlx::query_scalar(
        r#"select r.entry_no from journal_entries r
           where r.account_set_id = $1 and r.reversal_of is not null
             and exists (
               select 1 from (
                 select l.ledger_account_id as account_id, l.debit - l.credit as net
                 from journal_lines l where l.entry_id = r.id
                 union all
                 select l.ledger_account_id, l.debit - l.credit
                 from journal_lines l where l.entry_id = r.reversal_of
               ) both_sides
               group by account_id
               having sum(net) <> 0
             )
           order by r.entry_no"#,
    )
    .bind(scope.id())
    .fetch_all(pool)
    .await?;
    Ok(rows)
}
