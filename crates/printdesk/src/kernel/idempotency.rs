//! One document per form, however often the save button is pressed.
//!
//! Each create form carries a random `form_nonce`. The service [`claim`]s it inside its write
//! transaction before creating anything: the first request gets [`Claim::New`] and records the new
//! document's id with [`complete`]; a repeat (a double click, a resubmitted page) gets
//! [`Claim::Seen`] with that id and shows it instead of creating a second document. On PostgreSQL
//! a concurrent repeat waits on the first one's uncommitted row, then sees it.

use std::collections::HashMap;

use crate::kernel::clock;
use crate::kernel::db::{StoreResult, Tx};
use crate::kernel::deferred::{Bound, Deferred};

/// The outcome of claiming a nonce.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// First use: go on and create the document.
    New,
    /// Used before: the id of the document that submission created.
    Seen(i64),
}

/// Claims `nonce` for this transaction. An empty nonce (API clients that send none) is always new.
pub async fn claim(tx: &mut Tx, nonce: &str, user_id: i64) -> StoreResult<Claim> {
    let nonce = nonce.trim();
    if nonce.is_empty() {
        return Ok(Claim::New);
    }
    let inserted = sqlx::query(
        r#"insert into form_submissions (nonce, user_id, location, created_at) values ($1, $2, '', $3)
           on conflict (nonce) do nothing"#,
    )
    .bind(nonce)
    .bind(user_id)
    .bind(clock::now_text())
    .execute(&mut **tx)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(Claim::New);
    }
    let location: String =
        sqlx::query_scalar("select location from form_submissions where nonce = $1")
            .bind(nonce)
            .fetch_one(&mut **tx)
            .await?;
    Ok(location.parse().map(Claim::Seen).unwrap_or(Claim::New))
}

/// Records the id of the document created under `nonce`.
pub async fn complete(tx: &mut Tx, nonce: &str, doc_id: i64) -> StoreResult<()> {
    if nonce.trim().is_empty() {
        return Ok(());
    }
    sqlx::query("update form_submissions set location = $2 where nonce = $1")
        .bind(nonce.trim())
        .bind(doc_id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The documents that any of `nonces` already made (a batch of saves, `kernel::batch`), as
/// nonce → document id. Blank nonces are never looked up.
pub async fn seen_many(tx: &mut Tx, nonces: &[&str]) -> StoreResult<HashMap<String, i64>> {
    let nonces: Vec<&str> = nonces
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect();
    let mut seen = HashMap::new();
    for chunk in nonces.chunks(100) {
        let sql = format!(
            "select nonce, location from form_submissions where nonce in ({})",
            crate::kernel::db::placeholders(1, chunk.len())
        );
        let mut query = sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(sql));
        for nonce in chunk {
            query = query.bind(*nonce);
        }
        for (nonce, location) in query.fetch_all(&mut **tx).await? {
            if let Ok(id) = location.parse() {
                seen.insert(nonce, id);
            }
        }
    }
    Ok(seen)
}

/// Queues one statement recording that each `(nonce, user id, document id)` made its document,
/// for the caller's transaction to run before it commits. Blank nonces are skipped. A nonce
/// recorded meanwhile by another server fails the statement, and with it the batch, which is
/// then written job by job and sees it.
pub fn record_many(deferred: &mut Deferred, made: &[(&str, i64, i64)]) {
    let made: Vec<&(&str, i64, i64)> = made.iter().filter(|m| !m.0.trim().is_empty()).collect();
    let now = clock::now_text();
    for chunk in made.chunks(100) {
        let sql = format!(
            "insert into form_submissions (created_at, nonce, user_id, location) values {}",
            crate::kernel::db::value_rows(chunk.len(), 1, 3)
        );
        let mut binds: Vec<Bound> = Vec::with_capacity(1 + chunk.len() * 3);
        binds.push(now.as_str().into());
        for (nonce, user_id, doc_id) in chunk {
            binds.extend([
                nonce.trim().into(),
                (*user_id).into(),
                doc_id.to_string().into(),
            ]);
        }
        deferred.push(sql, binds);
    }
}
