//! `/api/v1/ledger-accounts`: the chart of accounts for integrations. Amounts are strings.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::LedgerAccountId;
use super::service::{self, AccountInput, AccountView};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::AppResult;
use crate::kernel::web::{self, AppState, IdPath, Json};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_ledger_accounts, create_ledger_account))
        .routes(routes!(
            show_ledger_account,
            update_ledger_account,
            delete_ledger_account
        ))
}

/// A ledger account (会计科目) with its balance.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LedgerAccountBody {
    id: i64,
    code: String,
    name: String,
    /// `asset`, `liability`, `equity`, `cost` or `profit_loss`.
    category: String,
    /// `debit` or `credit`: the side that increases the balance.
    balance_direction: String,
    is_active: bool,
    /// The balance on the account's natural side, e.g. `"12.50"`; negative when on the other side.
    balance: String,
}

impl From<AccountView> for LedgerAccountBody {
    fn from(account: AccountView) -> LedgerAccountBody {
        LedgerAccountBody {
            id: account.id.0,
            code: account.code,
            name: account.name,
            category: account.category.code().to_owned(),
            balance_direction: account.direction.code().to_owned(),
            is_active: account.is_active,
            balance: account.balance.format(2),
        }
    }
}

/// A new account.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct NewLedgerAccountBody {
    /// 4 to 10 digits, unique in the account set.
    code: String,
    name: String,
    category: String,
    balance_direction: String,
    /// Optional: the same nonce sent twice creates one account.
    #[serde(default)]
    form_nonce: String,
}

/// The changed account. `code` may change only while no journal line uses the account.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct LedgerAccountChangeBody {
    code: String,
    name: String,
    category: String,
    balance_direction: String,
    is_active: bool,
}

/// Lists the live chart of accounts, by code.
#[utoipa::path(get, path = "/api/v1/ledger-accounts", tag = "finance",
    responses((status = 200, body = Vec<LedgerAccountBody>), (status = 403, body = web::ApiErrorBody)))]
async fn list_ledger_accounts(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<axum::Json<Vec<LedgerAccountBody>>> {
    user.require(Permission::FINANCE_LEDGER_ACCOUNT_VIEW)?;
    let accounts = service::list_accounts(&state.db, user.scope()).await?;
    Ok(axum::Json(
        accounts.into_iter().map(LedgerAccountBody::from).collect(),
    ))
}

/// Adds an account.
#[utoipa::path(post, path = "/api/v1/ledger-accounts", tag = "finance", request_body = NewLedgerAccountBody,
    responses((status = 201, body = LedgerAccountBody), (status = 422, body = web::ApiErrorBody)))]
async fn create_ledger_account(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<NewLedgerAccountBody>,
) -> AppResult<(StatusCode, axum::Json<LedgerAccountBody>)> {
    user.require(Permission::FINANCE_LEDGER_ACCOUNT_MANAGE)?;
    let input = AccountInput {
        code: body.code,
        name: body.name,
        category: body.category,
        balance_direction: body.balance_direction,
        is_active: true,
        form_nonce: body.form_nonce,
    };
    let id = service::create_account(&state.db, &user, &input).await?;
    let account = service::show_account(&state.db, user.scope(), id).await?;
    Ok((StatusCode::CREATED, axum::Json(account.into())))
}

/// One account.
#[utoipa::path(get, path = "/api/v1/ledger-accounts/{id}", tag = "finance", params(("id" = i64, Path)),
    responses((status = 200, body = LedgerAccountBody), (status = 404, body = web::ApiErrorBody)))]
async fn show_ledger_account(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<axum::Json<LedgerAccountBody>> {
    user.require(Permission::FINANCE_LEDGER_ACCOUNT_VIEW)?;
    let account = service::show_account(&state.db, user.scope(), LedgerAccountId(id)).await?;
    Ok(axum::Json(account.into()))
}

/// Changes an account; `is_active: false` disables it (停用).
#[utoipa::path(put, path = "/api/v1/ledger-accounts/{id}", tag = "finance", params(("id" = i64, Path)),
    request_body = LedgerAccountChangeBody,
    responses((status = 200, body = LedgerAccountBody), (status = 404, body = web::ApiErrorBody),
        (status = 422, body = web::ApiErrorBody)))]
async fn update_ledger_account(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(body): Json<LedgerAccountChangeBody>,
) -> AppResult<axum::Json<LedgerAccountBody>> {
    user.require(Permission::FINANCE_LEDGER_ACCOUNT_MANAGE)?;
    let input = AccountInput {
        code: body.code,
        name: body.name,
        category: body.category,
        balance_direction: body.balance_direction,
        is_active: body.is_active,
        form_nonce: String::new(),
    };
    service::update_account(&state.db, &user, LedgerAccountId(id), &input).await?;
    let account = service::show_account(&state.db, user.scope(), LedgerAccountId(id)).await?;
    Ok(axum::Json(account.into()))
}

/// Moves an unused account to the recycle bin; 409 when journal lines use it.
#[utoipa::path(delete, path = "/api/v1/ledger-accounts/{id}", tag = "finance", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = web::ApiErrorBody), (status = 409, body = web::ApiErrorBody)))]
async fn delete_ledger_account(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<StatusCode> {
    user.require(Permission::FINANCE_LEDGER_ACCOUNT_MANAGE)?;
    service::delete_account(&state.db, &user, LedgerAccountId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
