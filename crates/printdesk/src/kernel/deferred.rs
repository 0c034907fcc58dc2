//! Writes whose results nobody reads, sent together at the end of a write transaction.
//!
//! On SQLite every statement is a hand-off to the connection's own thread and back (sqlx runs
//! each SQLite connection on a thread of its own): at a busy counter a one-order save spent more
//! of its time in those hand-offs than in SQLite (docs/performance.md, order save). The inserts
//! at the end of a save — processes, tags, the audit entry, the form's nonce, the search values —
//! return nothing anyone reads, so they are queued here and sent as one multi-statement text:
//! one hand-off instead of five. PostgreSQL's extended protocol takes one statement per query,
//! so there they are sent one by one, as before.
//!
//! Each statement is written with its own placeholders from `$1`; [`Deferred::run`] renumbers
//! them when it joins statements, so the SQL text of each piece is the one that runs alone.

use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments};

use super::db::{StoreError, StoreResult, Tx};

/// A value bound to a statement built at run time (a deferred insert, the demo's bulk rows).
#[derive(Debug, Clone, PartialEq)]
pub enum Bound {
    Int(i64),
    Text(String),
    NullInt,
    NullText,
}

impl From<Option<i64>> for Bound {
    fn from(value: Option<i64>) -> Bound {
        value.map_or(Bound::NullInt, Bound::Int)
    }
}

impl From<Option<String>> for Bound {
    fn from(value: Option<String>) -> Bound {
        value.map_or(Bound::NullText, Bound::Text)
    }
}

impl From<i64> for Bound {
    fn from(value: i64) -> Bound {
        Bound::Int(value)
    }
}

impl From<&str> for Bound {
    fn from(value: &str) -> Bound {
        Bound::Text(value.to_owned())
    }
}

impl From<String> for Bound {
    fn from(value: String) -> Bound {
        Bound::Text(value)
    }
}

impl From<&String> for Bound {
    fn from(value: &String) -> Bound {
        Bound::Text(value.clone())
    }
}

/// Statements queued in a write transaction, to be run before it commits.
#[derive(Debug, Default)]
pub struct Deferred {
    statements: Vec<(String, Vec<Bound>)>,
}

impl Deferred {
    pub fn new() -> Deferred {
        Deferred::default()
    }

    /// Queues `sql` (placeholders `$1`… for `binds`, in order).
    pub fn push(&mut self, sql: String, binds: Vec<Bound>) {
        self.statements.push((sql, binds));
    }

    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Runs what is queued, in order, and empties the queue. Call it before anything in the
    /// transaction reads what these statements write.
    pub async fn run(&mut self, tx: &mut Tx) -> StoreResult<()> {
        let statements = std::mem::take(&mut self.statements);
        if statements.is_empty() {
            return Ok(());
        }
        if tx.backend_name() == "SQLite" {
            let (sql, binds) = joined(&statements);
            execute(tx, sql, &binds).await
        } else {
            for (sql, binds) in statements {
                execute(tx, sql, &binds).await?;
            }
            Ok(())
        }
    }
}

async fn execute(tx: &mut Tx, sql: String, binds: &[Bound]) -> StoreResult<()> {
    sqlx::query_with::<Any, _>(sqlx::AssertSqlSafe(sql), arguments(binds)?)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// `binds` as the arguments of a query, in order (`sqlx::query_with`).
pub fn arguments(binds: &[Bound]) -> StoreResult<AnyArguments> {
    let mut args = AnyArguments::default();
    for bind in binds {
        let added = match bind {
            Bound::Int(value) => args.add(*value),
            Bound::Text(value) => args.add(value.clone()),
            Bound::NullInt => args.add(None::<i64>),
            Bound::NullText => args.add(None::<String>),
        };
        added.map_err(|err| StoreError::Db(sqlx::Error::Encode(err)))?;
    }
    Ok(args)
}

/// One text of all `statements`, each one's placeholders moved past the previous ones' binds.
fn joined(statements: &[(String, Vec<Bound>)]) -> (String, Vec<Bound>) {
    let mut sql = String::new();
    let mut binds = Vec::new();
    for (text, own) in statements {
        sql.push_str(&shift_placeholders(text, binds.len()));
        sql.push_str(";\n");
        binds.extend(own.iter().cloned());
    }
    (sql, binds)
}

/// `sql` with every `$N` placeholder made `$(N + by)`. The statements are the app's own text
/// (values are always bound), so a `$` followed by digits is always a placeholder.
fn shift_placeholders(sql: &str, by: usize) -> String {
    if by == 0 {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len() + sql.len() / 8);
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 {
            let n: usize = rest[..digits].parse().unwrap_or(0);
            out.push_str(&(n + by).to_string());
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::{Bound, joined, shift_placeholders};

    #[test]
    fn placeholders_move_past_the_earlier_statements_binds() {
        assert_eq!(
            shift_placeholders("($1, $2), ($1, $3)", 0),
            "($1, $2), ($1, $3)"
        );
        assert_eq!(
            shift_placeholders("($1, $2), ($1, $13)", 5),
            "($6, $7), ($6, $18)"
        );
        assert_eq!(
            shift_placeholders("x = $9 and y = '$'", 1),
            "x = $10 and y = '$'"
        );
        let (sql, binds) = joined(&[
            (
                "insert into a values ($1, $2)".to_owned(),
                vec![1.into(), "x".into()],
            ),
            (
                "insert into b values ($1), ($2)".to_owned(),
                vec![2.into(), 3.into()],
            ),
        ]);
        assert_eq!(
            sql,
            "insert into a values ($1, $2);\ninsert into b values ($3), ($4);\n"
        );
        assert_eq!(
            binds,
            [
                Bound::Int(1),
                Bound::Text("x".to_owned()),
                Bound::Int(2),
                Bound::Int(3)
            ]
        );
    }
}
