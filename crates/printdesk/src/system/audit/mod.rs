//! 操作日志 — the audit trail pages over `kernel::audit`: the account set's recent entries, and
//! the trail shown at the foot of each document's edit page.
//!
//! Recording happens in each service, inside its own transaction; this feature only reads.

pub mod pages;

use crate::kernel::audit::{self, AuditEntry};
use crate::kernel::db::Db;
use crate::kernel::error::AppResult;
use crate::kernel::i18n::Locale;
use crate::kernel::tenancy::Scope;

/// One trail line ready to show: action and document kind in the user's language.
pub struct TrailLine {
    pub at: String,
    pub user_name: String,
    pub action: String,
    pub doc_kind: String,
    pub doc_id: String,
    pub summary: String,
}

/// The trail of one document, oldest first.
pub async fn trail(
    db: &Db,
    scope: &Scope,
    doc_kind: &str,
    doc_id: i64,
    l: Locale,
) -> AppResult<Vec<TrailLine>> {
    let entries = audit::for_document(db, scope, doc_kind, doc_id).await?;
    Ok(entries.into_iter().map(|e| trail_line(e, l)).collect())
}

/// The latest `limit` entries of the account set, newest first.
pub async fn recent(db: &Db, scope: &Scope, limit: i64, l: Locale) -> AppResult<Vec<TrailLine>> {
    let entries = audit::recent(db, scope, limit).await?;
    Ok(entries.into_iter().map(|e| trail_line(e, l)).collect())
}

fn trail_line(entry: AuditEntry, l: Locale) -> TrailLine {
    TrailLine {
        at: entry.at,
        user_name: entry.user_name,
        action: label_or_code(l, "audit.action.", &entry.action),
        doc_kind: label_or_code(l, "audit.kind.", &entry.doc_kind),
        doc_id: entry.doc_id.map(|id| id.to_string()).unwrap_or_default(),
        summary: entry.summary,
    }
}

/// The catalog text of `prefix` + `code`, or the code itself for actions recorded by chapters
/// that have no label for it yet.
fn label_or_code(l: Locale, prefix: &str, code: &str) -> String {
    let key = format!("{prefix}{code}");
    let text = l.t(&key);
    if text.is_empty() || text.ends_with(&key) {
        code.to_owned()
    } else {
        text
    }
}
