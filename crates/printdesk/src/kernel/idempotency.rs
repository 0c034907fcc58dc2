//! One document per form, however often the save button is pressed.
//!
//! Each create form carries a random `form_nonce`. The service [`claim`]s it inside its write
//! transaction before creating anything: the first request gets [`Claim::New`] and records the new
//! document's id with [`complete`]; a repeat (a double click, a resubmitted page) gets
//! [`Claim::Seen`] with that id and shows it instead of creating a second document. On PostgreSQL
//! a concurrent repeat waits on the first one's uncommitted row, then sees it.

use crate::kernel::clock;
use crate::kernel::db::{StoreResult, Tx};

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
