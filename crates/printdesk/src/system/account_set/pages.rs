//! The 账套管理 page: every account set with who may enter it, and a form to open a new one; and
//! its 导出 Excel.

use crate::kernel::spreadsheet::{self, Cell, ColumnKind, Table};
use crate::kernel::web::Query;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

use super::AccountSetInput;
use super::service::{self, AccountSetInfo};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Locale;
use crate::kernel::shell::{Shell, shell};
use crate::kernel::web::{AppState, Form, render, see_other};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/system/account-sets",
            get(list_account_sets).post(create_account_set),
        )
        .route("/system/account-sets/export", get(export_account_sets))
}

#[derive(Template)]
#[template(path = "system/account_sets.html")]
struct AccountSetsPage {
    shell: Shell,
    account_sets: Vec<AccountSetInfo>,
    input: AccountSetInput,
    errors: FieldErrors,
    saved: bool,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SavedQuery {
    saved: String,
}

async fn list_account_sets(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<SavedQuery>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_ACCOUNT_SET_MANAGE)?;
    let mut page = page(
        &state,
        &user,
        l,
        AccountSetInput::default(),
        FieldErrors::new(),
    )
    .await?;
    page.saved = query.saved == "1";
    Ok(render(&page))
}

/// 导出 Excel: every account set with who may enter it, as the list shows it.
async fn export_account_sets(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_ACCOUNT_SET_MANAGE)?;
    let account_sets = service::list_account_sets(&state.db).await?;
    let mut table = Table::new(l.t("menu.account_sets"))
        .column(l.t("account_set.name"), ColumnKind::Text, 20)
        .column(l.t("account_set.members"), ColumnKind::Text, 40)
        .column(l.t("account_set.created_at"), ColumnKind::Text, 20)
        .column(l.t("account_set.status"), ColumnKind::Text, 8);
    table.rows = account_sets
        .into_iter()
        .map(|account_set| {
            let status = if account_set.is_active {
                "account_set.active"
            } else {
                "account_set.inactive"
            };
            vec![
                Cell::Text(account_set.name),
                Cell::Text(account_set.members.join("、")),
                Cell::Text(account_set.created_at),
                Cell::Text(l.t(status)),
            ]
        })
        .collect();
    spreadsheet::export(&table)
}

async fn create_account_set(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Form(input): Form<AccountSetInput>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_ACCOUNT_SET_MANAGE)?;
    match service::add_account_set(&state.db, &user, &input).await {
        Ok(_) => Ok(see_other("/system/account-sets?saved=1")),
        Err(AppError::Invalid(errors)) => {
            let page = page(&state, &user, l, input, errors).await?;
            let mut res = render(&page);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(err) => Err(err),
    }
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    input: AccountSetInput,
    errors: FieldErrors,
) -> AppResult<AccountSetsPage> {
    Ok(AccountSetsPage {
        shell: shell(&state.db, user, l, "/system/account-sets").await?,
        account_sets: service::list_account_sets(&state.db).await?,
        input,
        errors,
        saved: false,
    })
}
