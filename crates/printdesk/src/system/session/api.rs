//! `/api/v1/auth/*`: tokens for integrations, and who the token belongs to.

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use std::net::SocketAddr;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::kernel::auth::{self, CurrentUser};
use crate::kernel::error::AppResult;
use crate::kernel::tenancy::AccountSetId;
use crate::kernel::web::{self, AppState, IdPath, Json};

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_token))
        .routes(routes!(list_tokens))
        .routes(routes!(delete_token))
        .routes(routes!(show_me))
}

/// Credentials for a new token. `account_set` is the id of the account set to act in; the
/// user's first one when absent.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct TokenRequest {
    login: String,
    password: String,
    #[serde(default)]
    account_set: Option<i64>,
    /// A label to recognise the token by in the token list.
    #[serde(default)]
    name: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    id: i64,
    /// Send as `Authorization: Bearer TOKEN`. Shown only once.
    token: String,
}

/// Signs in and returns a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = TokenRequest,
    responses((status = 200, body = TokenResponse), (status = 422, body = web::ApiErrorBody), (status = 429, body = web::ApiErrorBody)))]
async fn create_token(
    State(state): State<AppState>,
    ConnectInfo(socket): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(body): Json<TokenRequest>,
) -> AppResult<axum::Json<TokenResponse>> {
    let client = web::client_info(&headers, Some(socket), state.config.trust_proxy);
    let (id, token) = auth::issue_api_token(
        &state.db,
        &body.login,
        &body.password,
        body.account_set.map(AccountSetId),
        body.name.as_deref().unwrap_or(""),
        &client,
    )
    .await?;
    Ok(axum::Json(TokenResponse { id, token }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TokenInfo {
    id: i64,
    login: String,
    name: String,
    account_set: String,
    created_at: String,
    last_used_at: Option<String>,
}

/// Lists live tokens: the caller's own, or everyone's for a user manager.
#[utoipa::path(get, path = "/api/v1/auth/tokens", tag = "auth",
    responses((status = 200, body = Vec<TokenInfo>), (status = 401, body = web::ApiErrorBody)))]
async fn list_tokens(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<axum::Json<Vec<TokenInfo>>> {
    let tokens = auth::list_api_tokens(&state.db, &user).await?;
    Ok(axum::Json(
        tokens
            .into_iter()
            .map(|t| TokenInfo {
                id: t.id,
                login: t.login,
                name: t.name,
                account_set: t.account_set_name,
                created_at: t.created_at,
                last_used_at: t.last_used_at,
            })
            .collect(),
    ))
}

/// Revokes a token.
#[utoipa::path(delete, path = "/api/v1/auth/tokens/{id}", tag = "auth", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = web::ApiErrorBody)))]
async fn delete_token(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<axum::http::StatusCode> {
    auth::revoke_api_token(&state.db, &user, id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MeResponse {
    user_id: i64,
    login: String,
    display_name: String,
    account_set_id: i64,
    account_set: String,
    locale: String,
}

/// Who the caller is, and in which account set.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    responses((status = 200, body = MeResponse), (status = 401, body = web::ApiErrorBody)))]
async fn show_me(user: CurrentUser) -> axum::Json<MeResponse> {
    axum::Json(MeResponse {
        user_id: user.user_id.0,
        login: user.login.clone(),
        display_name: user.display_name.clone(),
        account_set_id: user.scope().id(),
        account_set: user.account_set_name.clone(),
        locale: user.locale.code().to_owned(),
    })
}
