//! The recycle bin (回收站) mechanism, usable by any document table.
//!
//! A document kind declares a [`RecycleKind`]: its table, the catalog key of its name, the column
//! shown in the bin, the SQL that tells whether money is posted against a row, and the SQL that
//! finds the stored files that go with it. Deleting sets `deleted_at`/`deleted_by`; restoring
//! clears them; both leave files alone, so a restored document has them all. Purging removes the
//! row for good and is refused while money is posted (DESIGN.md rule 4: such a document can only
//! be reversed). Table and column names come only from these constants, never from a request.
//!
//! Files (DESIGN.md rule 4, "nothing lost"): [`purge`] collects the file-store keys of the
//! document's files inside the transaction that deletes the rows, and hands them back in
//! [`Purged`]; the caller removes the bytes only after that transaction commits
//! ([`crate::kernel::storage::remove_purged`]). A failed or rolled-back purge therefore never
//! loses a file, and a file the store fails to delete is an orphan that is logged, never a row
//! without its bytes.

use sqlx::FromRow;

use crate::kernel::auth::UserId;
use crate::kernel::db::{Db, StoreError, StoreResult, Tx};
use crate::kernel::tenancy::Scope;
use crate::kernel::{cache, clock};

/// A document kind that can go to the recycle bin.
#[derive(Debug)]
pub struct RecycleKind {
    /// The route segment and audit `doc_kind`, e.g. `ledger_account`.
    pub key: &'static str,
    /// The table, e.g. `ledger_accounts`. Must have `id`, `account_set_id`, `deleted_at`, `deleted_by`.
    pub table: &'static str,
    /// Catalog key of the kind's name, e.g. `finance.ledger_account.title`.
    pub label_key: &'static str,
    /// SQL expression over the row (alias `d`) that describes it in the bin, e.g. `d.code || ' ' || d.name`.
    pub describe_sql: &'static str,
    /// `select count(*)` of postings that make purging impossible; `$1` is the account set, `$2` the id.
    pub posted_sql: Option<&'static str>,
    /// `select storage_key` of the files kept with a document (`kernel::storage` keys); `$1` is
    /// the account set, `$2` the id. Their rows must go with the document (`on delete cascade`;
    /// otherwise the purge is refused as still referenced); their bytes are removed after commit.
    pub stored_files_sql: Option<&'static str>,
}

/// A deleted document as listed in the bin.
#[derive(FromRow)]
pub struct BinItem {
    pub id: i64,
    pub description: String,
    pub deleted_at: String,
    pub deleted_by: Option<String>,
}

/// What a purge that went through leaves to do once its transaction has committed.
#[derive(Debug, Default, PartialEq, Eq)]
#[must_use = "the purged document's files are removed only when the caller does it after commit"]
pub struct Purged {
    /// File-store keys of the document's files; their rows are gone with the document.
    pub storage_keys: Vec<String>,
}

/// Why a purge was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum PurgeRefusal {
    /// Occurs when journal lines or payments reference the document.
    MoneyPosted,
    /// Occurs when other rows still refer to it.
    StillReferenced,
}

/// Moves a live document to the bin. `NotFound` if it is not live in this account set.
pub async fn move_to_bin(
    tx: &mut Tx,
    scope: &Scope,
    kind: &RecycleKind,
    id: i64,
    user: UserId,
) -> StoreResult<()> {
    let sql = format!(
        "update {} set deleted_at = $3, deleted_by = $4 where account_set_id = $1 and id = $2 and deleted_at is null",
        kind.table
    );
    let res = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(id)
        .bind(clock::now_text())
        .bind(user.0)
        .execute(&mut **tx)
        .await?;
    if res.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    // Caches of live rows (product search) are built per table's change counter.
    cache::touch(tx, scope.id(), kind.table).await
}

/// Brings a document back from the bin. `NotFound` if it is not in this account set's bin;
/// `Conflict` if a live row now holds its unique key.
pub async fn restore(tx: &mut Tx, scope: &Scope, kind: &RecycleKind, id: i64) -> StoreResult<()> {
    let sql = format!(
        "update {} set deleted_at = null, deleted_by = null where account_set_id = $1 and id = $2 and deleted_at is not null",
        kind.table
    );
    let res = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    if res.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    // Caches of live rows (product search) are built per table's change counter.
    cache::touch(tx, scope.id(), kind.table).await
}

/// Deletes a binned document for good, unless money is posted against it. `lock` is
/// `Db::for_update`: the row stays locked until commit, so no file can be attached to the
/// document between collecting its files and deleting it (such an insert waits, then fails on
/// its foreign key).
pub async fn purge(
    tx: &mut Tx,
    scope: &Scope,
    kind: &RecycleKind,
    id: i64,
    lock: &str,
) -> StoreResult<Result<Purged, PurgeRefusal>> {
    let exists_sql = format!(
        "select id from {} where account_set_id = $1 and id = $2 and deleted_at is not null{lock}",
        kind.table
    );
    let found: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(exists_sql))
        .bind(scope.id())
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    if found.is_none() {
        return Err(StoreError::NotFound);
    }
    if let Some(posted_sql) = kind.posted_sql {
        let posted: i64 = sqlx::query_scalar(posted_sql)
            .bind(scope.id())
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
        if posted > 0 {
            return Ok(Err(PurgeRefusal::MoneyPosted));
        }
    }
    let storage_keys: Vec<String> = match kind.stored_files_sql {
        Some(files_sql) => {
            sqlx::query_scalar(files_sql)
                .bind(scope.id())
                .bind(id)
                .fetch_all(&mut **tx)
                .await?
        }
        None => Vec::new(),
    };
    let sql = format!(
        "delete from {} where account_set_id = $1 and id = $2",
        kind.table
    );
    match sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(id)
        .execute(&mut **tx)
        .await
    {
        Ok(_) => Ok(Ok(Purged { storage_keys })),
        Err(sqlx::Error::Database(e)) if e.is_foreign_key_violation() => {
            Ok(Err(PurgeRefusal::StillReferenced))
        }
        Err(e) => Err(e.into()),
    }
}

/// The bin's content for one kind, most recently deleted first.
pub async fn list_in_recycle_bin(
    db: &Db,
    scope: &Scope,
    kind: &RecycleKind,
) -> StoreResult<Vec<BinItem>> {
    let sql = format!(
        r#"select d.id, {} as description, d.deleted_at, u.display_name as deleted_by
           from {} d left join users u on u.id = d.deleted_by
           where d.account_set_id = $1 and d.deleted_at is not null
           order by d.deleted_at desc"#,
        kind.describe_sql, kind.table
    );
    let mut rows = sqlx::query_as::<_, BinItem>(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .fetch_all(db.pool())
        .await?;
    for row in &mut rows {
        row.deleted_at = clock::display_local(&row.deleted_at);
    }
    Ok(rows)
}
