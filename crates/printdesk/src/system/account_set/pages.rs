//! The 账套管理 page: every account set with who may enter it, and a form to open a new one.

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
    Router::new().route(
        "/system/account-sets",
        get(list_account_sets).post(create_account_set),
    )
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
