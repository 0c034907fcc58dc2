//! Use cases of the journal: post, reverse, read, and check the books.

use super::rules::{self, EntryLine, NewEntry};
use super::{JournalEntryId, source_kind, store};
use crate::finance::ledger_account::LedgerAccountId;
use crate::kernel::auth::{CurrentUser, UserId};
use crate::kernel::db::{Db, StoreError, Tx};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Message;
use crate::kernel::idempotency::{self, Claim};
use crate::kernel::money::Money;
use crate::kernel::tenancy::Scope;
use crate::kernel::{audit, clock, db};

/// Posts a balanced entry inside the caller's transaction — the one way money reaches the books.
/// Every account must be a live, active account of `scope`. Returns the new entry's id.
pub async fn post(
    tx: &mut Tx,
    scope: &Scope,
    user: Option<UserId>,
    entry: &NewEntry,
) -> AppResult<JournalEntryId> {
    post_with(tx, scope, user, entry, None).await
}

async fn post_with(
    tx: &mut Tx,
    scope: &Scope,
    user: Option<UserId>,
    entry: &NewEntry,
    reversal_of: Option<i64>,
) -> AppResult<JournalEntryId> {
    let mut errors = FieldErrors::new();
    for (idx, line) in entry.lines().iter().enumerate() {
        if !store::account_usable(tx, scope, line.ledger_account_id.0).await? {
            errors.add(
                format!("lines[{idx}].ledger_account_id"),
                Message::new("journal.account_unknown"),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let entry_no = db::next_in_sequence(tx, scope.id(), "journal_entry", "").await?;
    let id = store::insert_entry(
        tx,
        scope,
        entry_no,
        entry,
        reversal_of,
        user.map(|u| u.0),
        &clock::now_text(),
    )
    .await?;
    Ok(JournalEntryId(id))
}

/// Raw lines of a manual entry, from a form or JSON.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct LineInput {
    pub ledger_account_id: String,
    pub debit: String,
    pub credit: String,
    pub memo: String,
}

/// A manual entry (手工凭证) as typed by the bookkeeper.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ManualEntryInput {
    pub entry_date: String,
    pub memo: String,
    pub lines: Vec<LineInput>,
    pub form_nonce: String,
}

/// Parses raw lines, one entry line per input line, so that every message's `lines[i]` points at
/// the line the client sent. (The page drops its blank rows before calling.)
pub fn parse_lines(inputs: &[LineInput], errors: &mut FieldErrors) -> Vec<EntryLine> {
    let mut lines = Vec::new();
    for (idx, input) in inputs.iter().enumerate() {
        let account = input
            .ledger_account_id
            .trim()
            .parse::<i64>()
            .unwrap_or_else(|_| {
                errors.add(
                    format!("lines[{idx}].ledger_account_id"),
                    Message::new("journal.account_required"),
                );
                0
            });
        let amount = |text: &str, field: &str, errors: &mut FieldErrors| {
            if text.trim().is_empty() {
                return Money::ZERO;
            }
            Money::parse(text).unwrap_or_else(|_| {
                errors.add(
                    format!("lines[{idx}].{field}"),
                    Message::new("error.amount_invalid"),
                );
                Money::ZERO
            })
        };
        let debit = amount(&input.debit, "debit", errors);
        let credit = amount(&input.credit, "credit", errors);
        lines.push(EntryLine {
            ledger_account_id: LedgerAccountId(account),
            debit,
            credit,
            memo: input.memo.trim().chars().take(200).collect(),
        });
    }
    lines
}

/// Posts a manual entry. A repeated form (same nonce) returns the entry it created.
pub async fn create_manual_entry(
    db: &Db,
    user: &CurrentUser,
    input: &ManualEntryInput,
) -> AppResult<JournalEntryId> {
    let mut errors = FieldErrors::new();
    let lines = parse_lines(&input.lines, &mut errors);
    let entry = NewEntry::parse(
        &input.entry_date,
        &input.memo,
        source_kind::MANUAL,
        None,
        lines,
    );
    let entry = match entry {
        Ok(entry) if errors.is_empty() => entry,
        Ok(_) => return Err(errors.into()),
        Err(more) => {
            for e in more.iter() {
                errors.add(e.field.clone(), e.message.clone());
            }
            return Err(errors.into());
        }
    };
    let mut tx = db.begin_write().await?;
    if let Claim::Seen(id) = idempotency::claim(&mut tx, &input.form_nonce, user.user_id.0).await? {
        return Ok(JournalEntryId(id));
    }
    let id = post(&mut tx, user.scope(), Some(user.user_id), &entry).await?;
    idempotency::complete(&mut tx, &input.form_nonce, id.0).await?;
    audit::record(
        &mut tx,
        Some(user.scope()),
        Some(user.user_id),
        "create",
        "journal_entry",
        Some(id.0),
        entry.memo(),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Reverses (红冲) a posted entry with a mirror entry dated `entry_date`. Refused for an entry
/// that is itself a reversal or that was reversed already.
pub async fn reverse(
    db: &Db,
    user: &CurrentUser,
    entry_id: JournalEntryId,
    entry_date: &str,
) -> AppResult<JournalEntryId> {
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    let lock = db.for_update();
    let (kind, reversal_of, reversed_by) =
        store::entry_kind_for_update(&mut tx, scope, entry_id.0, lock).await?;
    if reversal_of.is_some() || kind == source_kind::REVERSAL {
        return Err(AppError::Conflict(Message::new(
            "journal.cannot_reverse_reversal",
        )));
    }
    if reversed_by.is_some() {
        return Err(AppError::Conflict(Message::new("journal.already_reversed")));
    }
    let original = store::lines_of(&mut *tx, scope, entry_id.0).await?;
    let lines: Vec<EntryLine> = original
        .iter()
        .map(|row| EntryLine {
            ledger_account_id: LedgerAccountId(row.ledger_account_id),
            debit: Money::from_scaled(row.debit),
            credit: Money::from_scaled(row.credit),
            memo: row.memo.clone(),
        })
        .collect();
    let header = store::find_entry(db.pool(), scope, entry_id.0).await;
    let memo_text = match &header {
        Ok(row) => format!("红冲 #{}: {}", row.entry_no, row.memo),
        Err(_) => "红冲".to_owned(),
    };
    let entry = NewEntry::parse(
        entry_date,
        &memo_text.chars().take(200).collect::<String>(),
        source_kind::REVERSAL,
        Some(entry_id.0),
        rules::reversal_lines(&lines),
    )?;
    // The reversal may use accounts disabled since; it must still be possible to undo.
    let entry_no = db::next_in_sequence(&mut tx, scope.id(), "journal_entry", "").await?;
    let id = store::insert_entry(
        &mut tx,
        scope,
        entry_no,
        &entry,
        Some(entry_id.0),
        Some(user.user_id.0),
        &clock::now_text(),
    )
    .await
    .map_err(|err| match err {
        StoreError::Conflict(_) => AppError::Conflict(Message::new("journal.already_reversed")),
        other => other.into(),
    })?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "reverse",
        "journal_entry",
        Some(entry_id.0),
        &entry_no.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(JournalEntryId(id))
}

/// An entry as shown.
pub struct EntryView {
    pub id: JournalEntryId,
    pub entry_no: i64,
    pub entry_date: String,
    pub memo: String,
    pub source_kind: String,
    pub source_id: Option<i64>,
    pub reversal_of: Option<i64>,
    pub reversed_by: Option<i64>,
    pub created_by: String,
    pub created_at: String,
    pub total: Money,
    pub lines: Vec<LineView>,
}

/// A line as shown.
pub struct LineView {
    pub ledger_account_id: LedgerAccountId,
    pub account_code: String,
    pub account_name: String,
    pub debit: Money,
    pub credit: Money,
    pub memo: String,
}

fn entry_view(row: store::EntryRow, lines: Vec<LineView>) -> EntryView {
    EntryView {
        id: JournalEntryId(row.id),
        entry_no: row.entry_no,
        entry_date: row.entry_date,
        memo: row.memo,
        source_kind: row.source_kind,
        source_id: row.source_id,
        reversal_of: row.reversal_of,
        reversed_by: row.reversed_by,
        created_by: row.created_by.unwrap_or_default(),
        created_at: clock::display_local(&row.created_at),
        total: Money::from_scaled(row.total),
        lines,
    }
}

/// One entry with its lines; 404 if it is not in this account set.
pub async fn show_entry(db: &Db, scope: &Scope, id: JournalEntryId) -> AppResult<EntryView> {
    let row = store::find_entry(db.pool(), scope, id.0).await?;
    let lines = store::lines_of(db.pool(), scope, id.0)
        .await?
        .into_iter()
        .map(|l| LineView {
            ledger_account_id: LedgerAccountId(l.ledger_account_id),
            account_code: l.account_code,
            account_name: l.account_name,
            debit: Money::from_scaled(l.debit),
            credit: Money::from_scaled(l.credit),
            memo: l.memo,
        })
        .collect();
    Ok(entry_view(row, lines))
}

/// A page of entries, newest first (without lines), and the total count.
pub async fn list_entries(
    db: &Db,
    scope: &Scope,
    page: i64,
    per_page: i64,
) -> AppResult<(Vec<EntryView>, i64)> {
    let page = page.max(1);
    let rows = store::list_entries(db.pool(), scope, per_page, (page - 1) * per_page).await?;
    let total = store::count_entries(db.pool(), scope).await?;
    Ok((
        rows.into_iter()
            .map(|row| entry_view(row, Vec::new()))
            .collect(),
        total,
    ))
}

/// One journal line with its entry, as 导出 Excel writes it.
pub struct ExportLine {
    pub entry_no: i64,
    pub entry_date: String,
    pub memo: String,
    pub account_code: String,
    pub account_name: String,
    pub debit: Money,
    pub credit: Money,
    pub line_memo: String,
}

/// Every journal line of the account set, entry by entry, for 导出 Excel.
pub async fn export_lines(db: &Db, scope: &Scope) -> AppResult<Vec<ExportLine>> {
    let rows = store::export_lines(db.pool(), scope).await?;
    Ok(rows
        .into_iter()
        .map(|r| ExportLine {
            entry_no: r.entry_no,
            entry_date: r.entry_date,
            memo: r.memo,
            account_code: r.account_code,
            account_name: r.account_name,
            debit: Money::from_scaled(r.debit),
            credit: Money::from_scaled(r.credit),
            line_memo: r.line_memo,
        })
        .collect())
}

/// Checks every account set's books; each problem is one line naming the account set and what
/// is wrong. Empty means sound.
pub async fn check_books(db: &Db) -> anyhow::Result<Vec<String>> {
    let mut problems = Vec::new();
    for (id, name) in store::account_set_ids(db.pool()).await? {
        let scope = Scope::for_operator_task(crate::kernel::tenancy::AccountSetId(id));
        for (entry_no, debit, credit) in store::unbalanced_entries(db.pool(), &scope).await? {
            problems.push(format!(
                "account set {id} ({name}): journal entry #{entry_no} does not balance: debit {} credit {}",
                Money::from_scaled(debit).format(2),
                Money::from_scaled(credit).format(2)
            ));
        }
        let foreign = store::foreign_lines(db.pool(), &scope).await?;
        if foreign > 0 {
            problems.push(format!(
                "account set {id} ({name}): {foreign} journal lines point into another account set"
            ));
        }
        for (entry_no, kind) in store::entries_of_unknown_kind(db.pool(), &scope).await? {
            problems.push(format!("account set {id} ({name}): journal entry #{entry_no} has unknown source kind {kind:?}"));
        }
        for entry_no in store::mismatched_reversals(db.pool(), &scope).await? {
            problems.push(format!("account set {id} ({name}): reversal #{entry_no} does not mirror the entry it reverses"));
        }
    }
    Ok(problems)
}
