//! The audit trail: who created, changed, deleted or restored what, and when.
//!
//! Services call [`record`] inside the transaction of the change itself, so the trail can never
//! disagree with the data. Entries are only ever inserted. The summary is short plain text
//! (never a password, token or phone number).

use sqlx::FromRow;

use crate::kernel::auth::UserId;
use crate::kernel::clock;
use crate::kernel::db::{Db, StoreResult, Tx};
use crate::kernel::deferred::{Bound, Deferred};
use crate::kernel::tenancy::Scope;

/// One line of the trail, as shown to a person.
pub struct AuditEntry {
    pub at: String,
    pub user_name: String,
    pub action: String,
    pub doc_kind: String,
    pub doc_id: Option<i64>,
    pub summary: String,
}

/// Records an action inside the caller's transaction.
pub async fn record(
    tx: &mut Tx,
    scope: Option<&Scope>,
    user_id: Option<UserId>,
    action: &str,
    doc_kind: &str,
    doc_id: Option<i64>,
    summary: &str,
) -> StoreResult<()> {
    sqlx::query(
        r#"insert into audit_log (account_set_id, user_id, action, doc_kind, doc_id, summary, at)
           values ($1, $2, $3, $4, $5, $6, $7)"#,
    )
    .bind(scope.map(Scope::id))
    .bind(user_id.map(|u| u.0))
    .bind(action)
    .bind(doc_kind)
    .bind(doc_id)
    .bind(summary.chars().take(500).collect::<String>())
    .bind(clock::now_text())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One entry of [`record_many`].
pub struct NewEntry<'a> {
    pub scope: &'a Scope,
    pub user_id: UserId,
    pub action: &'a str,
    pub doc_kind: &'a str,
    pub doc_id: i64,
    pub summary: String,
}

/// Queues the record of several actions, one statement, for the caller's transaction to run
/// before it commits (a batch of new documents, `kernel::batch`).
pub fn record_many(deferred: &mut Deferred, entries: &[NewEntry<'_>]) {
    let at = clock::now_text();
    for chunk in entries.chunks(50) {
        let sql = format!(
            "insert into audit_log (at, account_set_id, user_id, action, doc_kind, doc_id, summary) values {}",
            super::db::value_rows(chunk.len(), 1, 6)
        );
        let mut binds: Vec<Bound> = Vec::with_capacity(1 + chunk.len() * 6);
        binds.push(at.as_str().into());
        for entry in chunk {
            binds.extend([
                entry.scope.id().into(),
                entry.user_id.0.into(),
                entry.action.into(),
                entry.doc_kind.into(),
                entry.doc_id.into(),
                entry.summary.chars().take(500).collect::<String>().into(),
            ]);
        }
        deferred.push(sql, binds);
    }
}

#[derive(FromRow)]
struct AuditRow {
    at: String,
    user_name: Option<String>,
    action: String,
    doc_kind: String,
    doc_id: Option<i64>,
    summary: String,
}

impl From<AuditRow> for AuditEntry {
    fn from(row: AuditRow) -> AuditEntry {
        AuditEntry {
            at: clock::display_local(&row.at),
            user_name: row.user_name.unwrap_or_default(),
            action: row.action,
            doc_kind: row.doc_kind,
            doc_id: row.doc_id,
            summary: row.summary,
        }
    }
}

/// The trail of one document, oldest first.
pub async fn for_document(
    db: &Db,
    scope: &Scope,
    doc_kind: &str,
    doc_id: i64,
) -> StoreResult<Vec<AuditEntry>> {
    let rows = sqlx::query_as::<_, AuditRow>(
        r#"select l.at, u.display_name as user_name, l.action, l.doc_kind, l.doc_id, l.summary
           from audit_log l left join users u on u.id = l.user_id
           where l.account_set_id = $1 and l.doc_kind = $2 and l.doc_id = $3
           order by l.id"#,
    )
    .bind(scope.id())
    .bind(doc_kind)
    .bind(doc_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(AuditEntry::from).collect())
}

/// The latest `limit` entries of the account set, newest first.
pub async fn recent(db: &Db, scope: &Scope, limit: i64) -> StoreResult<Vec<AuditEntry>> {
    let rows = sqlx::query_as::<_, AuditRow>(
        r#"select l.at, u.display_name as user_name, l.action, l.doc_kind, l.doc_id, l.summary
           from audit_log l left join users u on u.id = l.user_id
           where l.account_set_id = $1
           order by l.id desc
           limit $2"#,
    )
    .bind(scope.id())
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(AuditEntry::from).collect())
}
