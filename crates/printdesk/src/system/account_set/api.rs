//! `/api/v1/account-sets`: list and open account sets.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AccountSetInput;
use super::service::{self, AccountSetInfo};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::AppResult;
use crate::kernel::web::{self, AppState, Json};

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_account_sets, create_account_set))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct AccountSetBody {
    name: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AccountSetView {
    id: i64,
    name: String,
    is_active: bool,
    created_at: String,
    /// "Name（login）" of each user who may enter it.
    members: Vec<String>,
}

fn view(info: AccountSetInfo) -> AccountSetView {
    AccountSetView {
        id: info.id.0,
        name: info.name,
        is_active: info.is_active,
        created_at: info.created_at,
        members: info.members,
    }
}

/// Lists every account set.
#[utoipa::path(get, path = "/api/v1/account-sets", tag = "system",
    responses((status = 200, body = Vec<AccountSetView>), (status = 403, body = web::ApiErrorBody)))]
async fn list_account_sets(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<axum::Json<Vec<AccountSetView>>> {
    user.require(Permission::SYSTEM_ACCOUNT_SET_MANAGE)?;
    let account_sets = service::list_account_sets(&state.db).await?;
    Ok(axum::Json(account_sets.into_iter().map(view).collect()))
}

/// Opens a new account set, seeded with settings and the standard chart; the caller may enter it.
#[utoipa::path(post, path = "/api/v1/account-sets", tag = "system", request_body = AccountSetBody,
    responses((status = 201, body = AccountSetView), (status = 422, body = web::ApiErrorBody)))]
async fn create_account_set(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<AccountSetBody>,
) -> AppResult<(StatusCode, axum::Json<AccountSetView>)> {
    user.require(Permission::SYSTEM_ACCOUNT_SET_MANAGE)?;
    let input = AccountSetInput {
        name: body.name,
        form_nonce: String::new(),
    };
    let id = service::add_account_set(&state.db, &user, &input).await?;
    let created = service::list_account_sets(&state.db)
        .await?
        .into_iter()
        .find(|info| info.id == id)
        .ok_or(crate::kernel::error::AppError::NotFound)?;
    Ok((StatusCode::CREATED, axum::Json(view(created))))
}
