//! `/api/v1/journal-entries`: read, post manual entries and reverse them. Amounts are strings.

use crate::kernel::web::Query;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::JournalEntryId;
use super::service::{self, EntryView, LineInput, ManualEntryInput};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::AppResult;
use crate::kernel::web::{self, AppState, IdPath, Json};

/// Entries per page unless `per_page` says otherwise.
const DEFAULT_PER_PAGE: i64 = 50;
/// The most entries one page returns.
const MAX_PER_PAGE: i64 = 200;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_journal_entries, create_journal_entry))
        .routes(routes!(show_journal_entry))
        .routes(routes!(reverse_journal_entry))
}

/// One line of an entry.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct JournalLineBody {
    ledger_account_id: i64,
    account_code: String,
    account_name: String,
    /// E.g. `"100.00"`; `"0.00"` on the other side.
    debit: String,
    credit: String,
    memo: String,
}

/// A journal entry (凭证). `lines` is empty in lists.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct JournalEntryBody {
    id: i64,
    entry_no: i64,
    entry_date: String,
    memo: String,
    /// `manual`, `reversal`, or the kind of document that posted it.
    source_kind: String,
    source_id: Option<i64>,
    /// The id of the entry this one reverses.
    reversal_of: Option<i64>,
    /// The id of the entry that reversed this one.
    reversed_by: Option<i64>,
    created_by: String,
    created_at: String,
    /// The total of either side, e.g. `"100.00"`.
    total: String,
    lines: Vec<JournalLineBody>,
}

impl From<EntryView> for JournalEntryBody {
    fn from(entry: EntryView) -> JournalEntryBody {
        JournalEntryBody {
            id: entry.id.0,
            entry_no: entry.entry_no,
            entry_date: entry.entry_date,
            memo: entry.memo,
            source_kind: entry.source_kind,
            source_id: entry.source_id,
            reversal_of: entry.reversal_of,
            reversed_by: entry.reversed_by,
            created_by: entry.created_by,
            created_at: entry.created_at,
            total: entry.total.format(2),
            lines: entry
                .lines
                .into_iter()
                .map(|line| JournalLineBody {
                    ledger_account_id: line.ledger_account_id.0,
                    account_code: line.account_code,
                    account_name: line.account_name,
                    debit: line.debit.format(2),
                    credit: line.credit.format(2),
                    memo: line.memo,
                })
                .collect(),
        }
    }
}

/// A page of entries, newest first.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct JournalEntryPageBody {
    items: Vec<JournalEntryBody>,
    total: i64,
    page: i64,
    per_page: i64,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct PageQuery {
    page: String,
    per_page: String,
}

/// One line of a new entry: an account id and an amount on one side.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct NewJournalLineBody {
    /// The ledger account's id, as a string.
    ledger_account_id: String,
    #[serde(default)]
    debit: String,
    #[serde(default)]
    credit: String,
    #[serde(default)]
    memo: String,
}

/// A manual entry (手工凭证).
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct NewJournalEntryBody {
    /// `YYYY-MM-DD`.
    entry_date: String,
    memo: String,
    lines: Vec<NewJournalLineBody>,
    /// Optional: the same nonce sent twice posts one entry.
    #[serde(default)]
    form_nonce: String,
}

/// The date of the reversal.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ReverseBody {
    /// `YYYY-MM-DD`.
    entry_date: String,
}

/// Lists entries, newest first, without their lines.
#[utoipa::path(get, path = "/api/v1/journal-entries", tag = "finance",
    params(("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = JournalEntryPageBody), (status = 403, body = web::ApiErrorBody)))]
async fn list_journal_entries(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PageQuery>,
) -> AppResult<axum::Json<JournalEntryPageBody>> {
    user.require(Permission::FINANCE_JOURNAL_VIEW)?;
    let page = query.page.trim().parse::<i64>().unwrap_or(1).max(1);
    let per_page = query
        .per_page
        .trim()
        .parse::<i64>()
        .unwrap_or(DEFAULT_PER_PAGE)
        .clamp(1, MAX_PER_PAGE);
    let (entries, total) = service::list_entries(&state.db, user.scope(), page, per_page).await?;
    Ok(axum::Json(JournalEntryPageBody {
        items: entries.into_iter().map(JournalEntryBody::from).collect(),
        total,
        page,
        per_page,
    }))
}

/// One entry with its lines.
#[utoipa::path(get, path = "/api/v1/journal-entries/{id}", tag = "finance", params(("id" = i64, Path)),
    responses((status = 200, body = JournalEntryBody), (status = 404, body = web::ApiErrorBody)))]
async fn show_journal_entry(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<axum::Json<JournalEntryBody>> {
    user.require(Permission::FINANCE_JOURNAL_VIEW)?;
    let entry = service::show_entry(&state.db, user.scope(), JournalEntryId(id)).await?;
    Ok(axum::Json(entry.into()))
}

/// Posts a manual entry; refused with 422 unless it balances.
#[utoipa::path(post, path = "/api/v1/journal-entries", tag = "finance", request_body = NewJournalEntryBody,
    responses((status = 201, body = JournalEntryBody), (status = 422, body = web::ApiErrorBody)))]
async fn create_journal_entry(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<NewJournalEntryBody>,
) -> AppResult<(StatusCode, axum::Json<JournalEntryBody>)> {
    user.require(Permission::FINANCE_JOURNAL_POST)?;
    let input = ManualEntryInput {
        entry_date: body.entry_date,
        memo: body.memo,
        lines: body
            .lines
            .into_iter()
            .map(|line| LineInput {
                ledger_account_id: line.ledger_account_id,
                debit: line.debit,
                credit: line.credit,
                memo: line.memo,
            })
            .collect(),
        form_nonce: body.form_nonce,
    };
    let id = service::create_manual_entry(&state.db, &user, &input).await?;
    let entry = service::show_entry(&state.db, user.scope(), id).await?;
    Ok((StatusCode::CREATED, axum::Json(entry.into())))
}

/// Reverses (红冲) an entry with a mirror entry; 409 when it is a reversal or reversed already.
#[utoipa::path(post, path = "/api/v1/journal-entries/{id}/reverse", tag = "finance",
    params(("id" = i64, Path)), request_body = ReverseBody,
    responses((status = 201, body = JournalEntryBody), (status = 404, body = web::ApiErrorBody),
        (status = 409, body = web::ApiErrorBody)))]
async fn reverse_journal_entry(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(body): Json<ReverseBody>,
) -> AppResult<(StatusCode, axum::Json<JournalEntryBody>)> {
    user.require(Permission::FINANCE_JOURNAL_POST)?;
    let reversal = service::reverse(&state.db, &user, JournalEntryId(id), &body.entry_date).await?;
    let entry = service::show_entry(&state.db, user.scope(), reversal).await?;
    Ok((StatusCode::CREATED, axum::Json(entry.into())))
}
