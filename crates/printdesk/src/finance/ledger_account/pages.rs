//! Pages of the chart of accounts: the list with balances, new, edit (停用 included) and delete.

use crate::kernel::spreadsheet::{self, Cell, ColumnKind, Table};
use crate::kernel::web::Query;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

use super::service::{self, AccountInput, AccountView};
use super::{AccountCategory, BalanceDirection, LedgerAccountId};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Locale;
use crate::kernel::shell::{Shell, shell};
use crate::kernel::web::{AppState, Form, IdPath, render, see_other};

const LIST_PATH: &str = "/finance/ledger-accounts";

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            LIST_PATH,
            get(list_ledger_accounts).post(create_ledger_account),
        )
        .route("/finance/ledger-accounts/new", get(new_ledger_account))
        .route(
            "/finance/ledger-accounts/export",
            get(export_ledger_accounts),
        )
        .route(
            "/finance/ledger-accounts/{id}",
            get(show_ledger_account).post(update_ledger_account),
        )
        .route(
            "/finance/ledger-accounts/{id}/delete",
            post(delete_ledger_account),
        )
}

#[derive(Template)]
#[template(path = "finance/ledger_accounts.html")]
struct AccountsPage {
    shell: Shell,
    accounts: Vec<AccountView>,
    can_manage: bool,
    notice: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct NoticeQuery {
    saved: String,
    deleted: String,
}

async fn list_ledger_accounts(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require(Permission::FINANCE_LEDGER_ACCOUNT_VIEW)?;
    let accounts = service::list_accounts(&state.db, user.scope()).await?;
    let notice = if query.deleted == "1" {
        l.t("ledger_account.deleted")
    } else if query.saved == "1" {
        l.t("ledger_account.saved")
    } else {
        String::new()
    };
    let shell = shell(&state.db, &user, l, LIST_PATH).await?;
    Ok(render(&AccountsPage {
        shell,
        accounts,
        can_manage: user.can(Permission::FINANCE_LEDGER_ACCOUNT_MANAGE),
        notice,
    }))
}

/// 导出 Excel: the chart of accounts with balances, as the list shows it.
async fn export_ledger_accounts(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
) -> AppResult<Response> {
    user.require(Permission::FINANCE_LEDGER_ACCOUNT_VIEW)?;
    let accounts = service::list_accounts(&state.db, user.scope()).await?;
    let mut table = Table::new(l.t("menu.ledger_accounts"))
        .column(l.t("ledger_account.code"), ColumnKind::Text, 10)
        .column(l.t("ledger_account.name"), ColumnKind::Text, 20)
        .column(l.t("ledger_account.category_title"), ColumnKind::Text, 12)
        .column(l.t("ledger_account.direction_title"), ColumnKind::Text, 8)
        .column(l.t("ledger_account.active"), ColumnKind::Text, 8)
        .column(l.t("ledger_account.balance"), ColumnKind::Money(2), 14);
    table.rows = accounts
        .into_iter()
        .map(|a| {
            let state_key = if a.is_active {
                "ledger_account.active"
            } else {
                "ledger_account.inactive"
            };
            vec![
                Cell::Text(a.code),
                Cell::Text(a.name),
                Cell::Text(l.t(a.category.label_key())),
                Cell::Text(l.t(a.direction.label_key())),
                Cell::Text(l.t(state_key)),
                Cell::Money(a.balance),
            ]
        })
        .collect();
    spreadsheet::export(&table)
}

/// What the form shows: the typed text, so a refused form comes back as it was sent.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct AccountForm {
    code: String,
    name: String,
    category: String,
    balance_direction: String,
    is_active: String,
    form_nonce: String,
}

#[derive(Template)]
#[template(path = "finance/ledger_account_form.html")]
struct AccountFormPage {
    shell: Shell,
    /// `None` for a new account.
    account_id: Option<i64>,
    form: AccountForm,
    /// The account has journal lines, so its code cannot change (and it cannot be deleted).
    code_fixed: bool,
    nonce: String,
    categories: [AccountCategory; 5],
    directions: [BalanceDirection; 2],
    errors: FieldErrors,
}

impl AccountFormPage {
    fn action(&self) -> String {
        match self.account_id {
            Some(id) => format!("{LIST_PATH}/{id}"),
            None => LIST_PATH.to_owned(),
        }
    }

    /// Messages for no field on the form, shown above it.
    fn other_errors(&self) -> Vec<String> {
        self.errors.others(
            &["code", "name", "category", "balance_direction", "is_active"],
            self.shell.l,
        )
    }
}

async fn form_page(
    state: &AppState,
    l: Locale,
    user: &CurrentUser,
    account_id: Option<i64>,
    form: AccountForm,
    code_fixed: bool,
    errors: FieldErrors,
) -> AppResult<Response> {
    let shell = shell(&state.db, user, l, LIST_PATH).await?;
    let nonce = if form.form_nonce.is_empty() {
        shell.nonce.clone()
    } else {
        form.form_nonce.clone()
    };
    let invalid = !errors.is_empty();
    let mut res = render(&AccountFormPage {
        shell,
        account_id,
        form,
        code_fixed,
        nonce,
        categories: AccountCategory::ALL,
        directions: BalanceDirection::ALL,
        errors,
    });
    if invalid {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

async fn new_ledger_account(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
) -> AppResult<Response> {
    user.require(Permission::FINANCE_LEDGER_ACCOUNT_MANAGE)?;
    let form = AccountForm {
        category: AccountCategory::Asset.code().to_owned(),
        balance_direction: BalanceDirection::Debit.code().to_owned(),
        is_active: "1".to_owned(),
        ..AccountForm::default()
    };
    form_page(&state, l, &user, None, form, false, FieldErrors::new()).await
}

fn input_of(form: &AccountForm, is_active: bool) -> AccountInput {
    AccountInput {
        code: form.code.clone(),
        name: form.name.clone(),
        category: form.category.clone(),
        balance_direction: form.balance_direction.clone(),
        is_active,
        form_nonce: form.form_nonce.clone(),
    }
}

async fn create_ledger_account(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Form(form): Form<AccountForm>,
) -> AppResult<Response> {
    user.require(Permission::FINANCE_LEDGER_ACCOUNT_MANAGE)?;
    match service::create_account(&state.db, &user, &input_of(&form, true)).await {
        Ok(_) => Ok(see_other(&format!("{LIST_PATH}?saved=1"))),
        Err(AppError::Invalid(errors)) => {
            form_page(&state, l, &user, None, form, false, errors).await
        }
        Err(err) => Err(err),
    }
}

async fn show_ledger_account(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    user.require(Permission::FINANCE_LEDGER_ACCOUNT_MANAGE)?;
    let account = service::show_account(&state.db, user.scope(), LedgerAccountId(id)).await?;
    let form = AccountForm {
        code: account.code,
        name: account.name,
        category: account.category.code().to_owned(),
        balance_direction: account.direction.code().to_owned(),
        is_active: if account.is_active { "1" } else { "" }.to_owned(),
        form_nonce: String::new(),
    };
    let code_fixed = account.n_lines > 0;
    form_page(
        &state,
        l,
        &user,
        Some(id),
        form,
        code_fixed,
        FieldErrors::new(),
    )
    .await
}

async fn update_ledger_account(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(form): Form<AccountForm>,
) -> AppResult<Response> {
    user.require(Permission::FINANCE_LEDGER_ACCOUNT_MANAGE)?;
    let input = input_of(&form, !form.is_active.is_empty());
    match service::update_account(&state.db, &user, LedgerAccountId(id), &input).await {
        Ok(()) => Ok(see_other(&format!("{LIST_PATH}?saved=1"))),
        Err(AppError::Invalid(errors)) => {
            let account =
                service::show_account(&state.db, user.scope(), LedgerAccountId(id)).await?;
            form_page(
                &state,
                l,
                &user,
                Some(id),
                form,
                account.n_lines > 0,
                errors,
            )
            .await
        }
        Err(err) => Err(err),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct EmptyForm {}

async fn delete_ledger_account(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(_): Form<EmptyForm>,
) -> AppResult<Response> {
    user.require(Permission::FINANCE_LEDGER_ACCOUNT_MANAGE)?;
    service::delete_account(&state.db, &user, LedgerAccountId(id)).await?;
    Ok(see_other(&format!("{LIST_PATH}?deleted=1")))
}
