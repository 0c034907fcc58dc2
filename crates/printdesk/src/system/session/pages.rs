//! Pages of sign-in, sign-out, password, language, account-set switch, users online and tokens.

use crate::kernel::web::IdPath;
use crate::kernel::web::Query;
use askama::Template;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Router};
use std::net::SocketAddr;

use crate::kernel::auth::{self, ApiTokenInfo, CurrentUser, MaybeUser, OnlineSession, Permission};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Locale;
use crate::kernel::shell::{Shell, shell};
use crate::kernel::tenancy::AccountSetId;
use crate::kernel::web::{self, AppState, Form, PreSessionCsrf, render, see_other};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/sign-in", get(show_sign_in).post(create_session))
        .route("/sign-out", post(delete_session))
        .route(
            "/account/password",
            get(show_password).post(update_password),
        )
        .route("/account/locale", post(update_locale))
        .route("/account/account-set", post(switch_account_set))
        .route("/account/tokens", get(list_tokens))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
        .route("/system/online-users", get(list_online_users))
        .route("/system/online-users/{id}/end", post(end_online_session))
}

#[derive(Template)]
#[template(path = "system/sign_in.html")]
struct SignInPage {
    l: Locale,
    csrf: String,
    next: String,
    login: String,
    welcome: bool,
    errors: FieldErrors,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SignInQuery {
    next: String,
    welcome: String,
}

async fn show_sign_in(
    State(state): State<AppState>,
    l: Locale,
    MaybeUser(user): MaybeUser,
    Extension(csrf): Extension<PreSessionCsrf>,
    Query(query): Query<SignInQuery>,
) -> AppResult<Response> {
    if !crate::system::setup::service::is_set_up(&state.db).await? {
        return Ok(see_other("/setup"));
    }
    if user.is_some() {
        return Ok(see_other(web::safe_next(&query.next)));
    }
    Ok(render(&SignInPage {
        l,
        csrf: csrf.0,
        next: query.next,
        login: String::new(),
        welcome: query.welcome == "1",
        errors: FieldErrors::new(),
    }))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SignInForm {
    login: String,
    password: String,
    next: String,
}

async fn create_session(
    State(state): State<AppState>,
    l: Locale,
    ConnectInfo(socket): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Extension(csrf): Extension<PreSessionCsrf>,
    Form(form): Form<SignInForm>,
) -> AppResult<Response> {
    let client = web::client_info(&headers, Some(socket), state.config.trust_proxy);
    match auth::sign_in(&state.db, &form.login, &form.password, None, &client).await {
        Ok(session) => {
            let mut res = see_other(web::safe_next(&form.next));
            let cookie =
                web::session_cookie(Some(&session.cookie_value), state.config.secure_cookies);
            append_cookie(&mut res, &cookie);
            append_cookie(&mut res, &web::locale_cookie(session.locale));
            Ok(res)
        }
        Err(err @ (AppError::Invalid(_) | AppError::Throttled { .. })) => {
            let status = err.status();
            let errors = match err {
                AppError::Invalid(errors) => errors,
                other => {
                    let mut errors = FieldErrors::new();
                    for (_, message) in other.messages(l) {
                        errors.add(
                            "form",
                            crate::kernel::i18n::Message::new("error.plain").arg("text", message),
                        );
                    }
                    errors
                }
            };
            let page = SignInPage {
                l,
                csrf: csrf.0,
                next: form.next,
                login: form.login,
                welcome: false,
                errors,
            };
            let mut res = render(&page);
            *res.status_mut() = status;
            Ok(res)
        }
        Err(err) => Err(err),
    }
}

fn append_cookie(res: &mut Response, cookie: &str) {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        res.headers_mut().append(header::SET_COOKIE, value);
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct EmptyForm {}

async fn delete_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(_): Form<EmptyForm>,
) -> AppResult<Response> {
    auth::sign_out(&state.db, &user).await?;
    let mut res = see_other("/sign-in");
    append_cookie(
        &mut res,
        &web::session_cookie(None, state.config.secure_cookies),
    );
    Ok(res)
}

#[derive(Template)]
#[template(path = "system/password.html")]
struct PasswordPage {
    shell: Shell,
    saved: bool,
    errors: FieldErrors,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SavedQuery {
    saved: String,
}

async fn show_password(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<SavedQuery>,
) -> AppResult<Response> {
    let shell = shell(&state.db, &user, l, "/account/password").await?;
    Ok(render(&PasswordPage {
        shell,
        saved: query.saved == "1",
        errors: FieldErrors::new(),
    }))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

async fn update_password(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    match auth::change_password(
        &state.db,
        &user,
        &form.current_password,
        &form.new_password,
        &form.confirm_password,
    )
    .await
    {
        Ok(()) => Ok(see_other("/account/password?saved=1")),
        Err(AppError::Invalid(errors)) => {
            let shell = shell(&state.db, &user, l, "/account/password").await?;
            let mut res = render(&PasswordPage {
                shell,
                saved: false,
                errors,
            });
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(err) => Err(err),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct LocaleForm {
    locale: String,
}

async fn update_locale(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Form(form): Form<LocaleForm>,
) -> AppResult<Response> {
    let locale = Locale::from_code(&form.locale).ok_or_else(|| {
        AppError::field(
            "locale",
            crate::kernel::i18n::Message::new("error.unknown_choice"),
        )
    })?;
    auth::set_locale(&state.db, &user, locale).await?;
    let mut res = see_other(&back_to(&headers));
    append_cookie(&mut res, &web::locale_cookie(locale));
    Ok(res)
}

/// The page the form was sent from, when it is ours; else the desktop.
fn back_to(headers: &HeaderMap) -> String {
    headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.find("://").map(|i| &v[i + 3..]))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_owned()))
        .map(|path| web::safe_next(&path).to_owned())
        .unwrap_or_else(|| "/".to_owned())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SwitchForm {
    account_set_id: String,
}

async fn switch_account_set(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<SwitchForm>,
) -> AppResult<Response> {
    let id: i64 = form
        .account_set_id
        .trim()
        .parse()
        .map_err(|_| AppError::NotFound)?;
    auth::switch_account_set(&state.db, &user, AccountSetId(id)).await?;
    // Ids of one account set mean nothing in another: go to the desktop, not back.
    Ok(see_other("/"))
}

#[derive(Template)]
#[template(path = "system/online_users.html")]
struct OnlineUsersPage {
    shell: Shell,
    sessions: Vec<OnlineSession>,
    can_end: bool,
    own_session: String,
}

async fn list_online_users(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_ONLINE_USERS_VIEW)?;
    let sessions = auth::online_sessions(&state.db).await?;
    let shell = shell(&state.db, &user, l, "/system/online-users").await?;
    let own_session = match user.credential() {
        auth::Credential::Session { id_hash, .. } => id_hash.clone(),
        auth::Credential::ApiToken { .. } => String::new(),
    };
    Ok(render(&OnlineUsersPage {
        shell,
        sessions,
        can_end: user.can(Permission::SYSTEM_ONLINE_USERS_END),
        own_session,
    }))
}

async fn end_online_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(_): Form<EmptyForm>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_ONLINE_USERS_END)?;
    auth::end_session(&state.db, &user, &id).await?;
    Ok(see_other("/system/online-users"))
}

#[derive(Template)]
#[template(path = "system/tokens.html")]
struct TokensPage {
    shell: Shell,
    tokens: Vec<ApiTokenInfo>,
}

async fn list_tokens(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
) -> AppResult<Response> {
    let tokens = auth::list_api_tokens(&state.db, &user).await?;
    let shell = shell(&state.db, &user, l, "/account/tokens").await?;
    Ok(render(&TokensPage { shell, tokens }))
}

async fn revoke_token(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(_): Form<EmptyForm>,
) -> AppResult<Response> {
    auth::revoke_api_token(&state.db, &user, id).await?;
    Ok(see_other("/account/tokens"))
}
