//! Pages of the journal: the paged list, one entry with its trail, manual entry (手工凭证) and
//! reversal (红冲).
//!
//! The manual entry form has one row per line. Forms cannot nest, so each row's inputs are
//! parallel repeated fields (`line_account`, `line_debit`, `line_credit`, `line_memo`) zipped back
//! into lines here; blank rows are dropped before the service sees them, so the service's
//! `lines[i]` errors point at the rows as they are shown again.

use crate::kernel::spreadsheet::{self, Cell, ColumnKind, Table};
use crate::kernel::web::Query;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

use super::service::{self, EntryView, LineInput, ManualEntryInput};
use super::{JournalEntryId, source_kind};
use crate::finance::ledger_account;
use crate::kernel::audit::{self, AuditEntry};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::clock;
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Locale;
use crate::kernel::money::Money;
use crate::kernel::shell::{Shell, shell};
use crate::kernel::web::{AppState, Form, IdPath, render, see_other};

const LIST_PATH: &str = "/finance/journal";
/// Entries per page of the list.
const PER_PAGE: i64 = 50;
/// Rows the manual entry form shows at least.
const MIN_ROWS: usize = 4;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(LIST_PATH, get(list_journal_entries))
        .route("/finance/journal/export", get(export_journal))
        .route(
            "/finance/journal/new",
            get(new_journal_entry).post(create_journal_entry),
        )
        .route("/finance/journal/{id}", get(show_journal_entry))
        .route("/finance/journal/{id}/reverse", post(reverse_journal_entry))
}

/// The name of a source kind, or the kind itself when this build does not know it.
fn source_label(l: Locale, kind: &str) -> String {
    source_kind::label_key(kind).map_or_else(|| kind.to_owned(), |key| l.t(key))
}

#[derive(Template)]
#[template(path = "finance/journal_list.html")]
struct JournalListPage {
    shell: Shell,
    entries: Vec<EntryView>,
    page: i64,
    pages: i64,
    total: i64,
    can_post: bool,
}

impl JournalListPage {
    fn source_label(&self, kind: &str) -> String {
        source_label(self.shell.l, kind)
    }

    fn page_of(&self) -> String {
        self.shell.l.t_args(
            "journal.page_of",
            &[
                ("page", &self.page.to_string()),
                ("pages", &self.pages.to_string()),
                ("total", &self.total.to_string()),
            ],
        )
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct PageQuery {
    page: String,
}

/// 导出 Excel: every line of every entry, entry by entry.
async fn export_journal(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
) -> AppResult<Response> {
    user.require(Permission::FINANCE_JOURNAL_VIEW)?;
    let lines = service::export_lines(&state.db, user.scope()).await?;
    let mut table = Table::new(l.t("menu.journal"))
        .column(l.t("journal.export.entry_no"), ColumnKind::Integer, 8)
        .column(l.t("journal.export.date"), ColumnKind::Text, 12)
        .column(l.t("journal.export.memo"), ColumnKind::Text, 24)
        .column(l.t("journal.export.account_code"), ColumnKind::Text, 10)
        .column(l.t("journal.export.account_name"), ColumnKind::Text, 16)
        .column(l.t("journal.export.debit"), ColumnKind::Money(2), 12)
        .column(l.t("journal.export.credit"), ColumnKind::Money(2), 12)
        .column(l.t("journal.export.line_memo"), ColumnKind::Text, 20);
    table.rows = lines
        .into_iter()
        .map(|line| {
            let side = |amount: crate::kernel::money::Money| {
                if amount.is_zero() {
                    Cell::Empty
                } else {
                    Cell::Money(amount)
                }
            };
            vec![
                Cell::Integer(line.entry_no),
                Cell::Text(line.entry_date),
                Cell::Text(line.memo),
                Cell::Text(line.account_code),
                Cell::Text(line.account_name),
                side(line.debit),
                side(line.credit),
                Cell::Text(line.line_memo),
            ]
        })
        .collect();
    spreadsheet::export(&table)
}

async fn list_journal_entries(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<PageQuery>,
) -> AppResult<Response> {
    user.require(Permission::FINANCE_JOURNAL_VIEW)?;
    let page = query.page.trim().parse::<i64>().unwrap_or(1).max(1);
    let (entries, total) = service::list_entries(&state.db, user.scope(), page, PER_PAGE).await?;
    let shell = shell(&state.db, &user, l, LIST_PATH).await?;
    Ok(render(&JournalListPage {
        shell,
        entries,
        page,
        pages: if total <= 0 {
            1
        } else {
            (total - 1) / PER_PAGE + 1
        },
        total,
        can_post: user.can(Permission::FINANCE_JOURNAL_POST),
    }))
}

#[derive(Template)]
#[template(path = "finance/journal_entry.html")]
struct JournalEntryPage {
    shell: Shell,
    entry: EntryView,
    credit_total: Money,
    /// `(id, entry number)` of the entry this one reverses.
    reverses: Option<(i64, i64)>,
    /// `(id, entry number)` of the entry that reversed this one.
    reversed_by: Option<(i64, i64)>,
    can_reverse: bool,
    today: String,
    trail: Vec<AuditEntry>,
}

impl JournalEntryPage {
    fn source_label(&self) -> String {
        source_label(self.shell.l, &self.entry.source_kind)
    }

    fn title(&self) -> String {
        self.shell.l.t_args(
            "journal.entry_title",
            &[("no", &self.entry.entry_no.to_string())],
        )
    }

    fn link_text(&self, key: &str, entry_no: &i64) -> String {
        self.shell.l.t_args(key, &[("no", &entry_no.to_string())])
    }

    /// The name of an action of the trail; the action itself when it has none.
    fn action_label(&self, action: &str) -> String {
        match action {
            "create" => self.shell.l.t("journal.action.create"),
            "reverse" => self.shell.l.t("journal.action.reverse"),
            other => other.to_owned(),
        }
    }

    /// A debit or credit cell: blank for zero, so each line reads as one side.
    fn cell(&self, amount: &Money) -> String {
        if amount.is_zero() {
            String::new()
        } else {
            amount.format(2)
        }
    }
}

async fn entry_number(
    state: &AppState,
    user: &CurrentUser,
    id: Option<i64>,
) -> AppResult<Option<(i64, i64)>> {
    match id {
        Some(id) => {
            let other = service::show_entry(&state.db, user.scope(), JournalEntryId(id)).await?;
            Ok(Some((id, other.entry_no)))
        }
        None => Ok(None),
    }
}

async fn show_journal_entry(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    user.require(Permission::FINANCE_JOURNAL_VIEW)?;
    let entry = service::show_entry(&state.db, user.scope(), JournalEntryId(id)).await?;
    let credit_total = entry.lines.iter().fold(Money::ZERO, |sum, line| {
        sum.checked_add(line.credit).unwrap_or(sum)
    });
    let reverses = entry_number(&state, &user, entry.reversal_of).await?;
    let reversed_by = entry_number(&state, &user, entry.reversed_by).await?;
    let can_reverse = user.can(Permission::FINANCE_JOURNAL_POST)
        && entry.reversal_of.is_none()
        && entry.reversed_by.is_none()
        && entry.source_kind != source_kind::REVERSAL;
    let trail = audit::for_document(&state.db, user.scope(), "journal_entry", id).await?;
    let shell = shell(&state.db, &user, l, LIST_PATH).await?;
    Ok(render(&JournalEntryPage {
        shell,
        entry,
        credit_total,
        reverses,
        reversed_by,
        can_reverse,
        today: clock::today_local(),
        trail,
    }))
}

/// The manual entry form as typed: parallel repeated fields, one value per row.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct EntryForm {
    entry_date: String,
    memo: String,
    form_nonce: String,
    line_account: Vec<String>,
    line_debit: Vec<String>,
    line_credit: Vec<String>,
    line_memo: Vec<String>,
}

impl EntryForm {
    /// The rows that hold an account or an amount, in order; blank rows are dropped.
    fn lines(&self) -> Vec<LineInput> {
        let n_rows = self
            .line_account
            .len()
            .max(self.line_debit.len())
            .max(self.line_credit.len())
            .max(self.line_memo.len());
        let cell = |values: &[String], idx: usize| values.get(idx).cloned().unwrap_or_default();
        (0..n_rows)
            .map(|idx| LineInput {
                ledger_account_id: cell(&self.line_account, idx),
                debit: cell(&self.line_debit, idx),
                credit: cell(&self.line_credit, idx),
                memo: cell(&self.line_memo, idx),
            })
            .filter(|line| {
                !(line.ledger_account_id.trim().is_empty()
                    && line.debit.trim().is_empty()
                    && line.credit.trim().is_empty())
            })
            .collect()
    }
}

/// One row of the form as shown again, with its messages.
struct RowView {
    account: String,
    debit: String,
    credit: String,
    memo: String,
    error: String,
}

#[derive(Template)]
#[template(path = "finance/journal_new.html")]
struct NewEntryPage {
    shell: Shell,
    nonce: String,
    entry_date: String,
    memo: String,
    rows: Vec<RowView>,
    /// `(id, "code name")` of the live, active accounts.
    accounts: Vec<(i64, String)>,
    top_errors: Vec<String>,
    errors: FieldErrors,
}

async fn entry_form_page(
    state: &AppState,
    l: Locale,
    user: &CurrentUser,
    form: EntryForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let accounts = ledger_account::service::list_accounts(&state.db, user.scope())
        .await?
        .into_iter()
        .filter(|a| a.is_active)
        .map(|a| (a.id.0, format!("{} {}", a.code, a.name)))
        .collect();
    let lines = form.lines();
    let mut shown: Vec<String> = vec!["entry_date".to_owned(), "memo".to_owned()];
    let mut rows: Vec<RowView> = Vec::new();
    for (idx, line) in lines.into_iter().enumerate() {
        let fields = [
            format!("lines[{idx}].ledger_account_id"),
            format!("lines[{idx}].debit"),
            format!("lines[{idx}].credit"),
            format!("lines[{idx}]"),
        ];
        let error = fields
            .iter()
            .filter_map(|field| errors.message_for(field, l))
            .collect::<Vec<_>>()
            .join(" ");
        shown.extend(fields);
        rows.push(RowView {
            account: line.ledger_account_id,
            debit: line.debit,
            credit: line.credit,
            memo: line.memo,
            error,
        });
    }
    while rows.len() < MIN_ROWS {
        rows.push(RowView {
            account: String::new(),
            debit: String::new(),
            credit: String::new(),
            memo: String::new(),
            error: String::new(),
        });
    }
    let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
    let top_errors = errors.others(&shown, l);
    let shell = shell(&state.db, user, l, LIST_PATH).await?;
    let nonce = if form.form_nonce.is_empty() {
        shell.nonce.clone()
    } else {
        form.form_nonce
    };
    let entry_date = if form.entry_date.is_empty() && errors.is_empty() {
        clock::today_local()
    } else {
        form.entry_date
    };
    let invalid = !errors.is_empty();
    let mut res = render(&NewEntryPage {
        shell,
        nonce,
        entry_date,
        memo: form.memo,
        rows,
        accounts,
        top_errors,
        errors,
    });
    if invalid {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

async fn new_journal_entry(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
) -> AppResult<Response> {
    user.require(Permission::FINANCE_JOURNAL_POST)?;
    entry_form_page(&state, l, &user, EntryForm::default(), FieldErrors::new()).await
}

async fn create_journal_entry(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Form(form): Form<EntryForm>,
) -> AppResult<Response> {
    user.require(Permission::FINANCE_JOURNAL_POST)?;
    let input = ManualEntryInput {
        entry_date: form.entry_date.clone(),
        memo: form.memo.clone(),
        lines: form.lines(),
        form_nonce: form.form_nonce.clone(),
    };
    match service::create_manual_entry(&state.db, &user, &input).await {
        Ok(id) => Ok(see_other(&format!("{LIST_PATH}/{}", id.0))),
        Err(AppError::Invalid(errors)) => entry_form_page(&state, l, &user, form, errors).await,
        Err(err) => Err(err),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ReverseForm {
    entry_date: String,
}

async fn reverse_journal_entry(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(form): Form<ReverseForm>,
) -> AppResult<Response> {
    user.require(Permission::FINANCE_JOURNAL_POST)?;
    let reversal = service::reverse(&state.db, &user, JournalEntryId(id), &form.entry_date).await?;
    Ok(see_other(&format!("{LIST_PATH}/{}", reversal.0)))
}
