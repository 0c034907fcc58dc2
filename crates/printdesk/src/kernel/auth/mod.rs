//! Who is asking: sign-in, sessions, API tokens, CSRF tokens, throttling and permission checks.
//!
//! A browser signs in with login and password and gets the `pd_session` cookie (HttpOnly,
//! SameSite=Lax); only its SHA-256 is stored, in the `sessions` table, so several app servers
//! share sessions and a database leak reveals no live cookie. An integration gets a bearer token
//! from `POST /api/v1/auth/token`, stored the same way. Either way the extractor builds a
//! [`CurrentUser`], whose [`Scope`] is the only source of the account set for the request.
//!
//! Failed sign-ins are counted per login and per client address in the database; past a few
//! failures the next attempt waits, doubling each time (see [`THROTTLE`]).

mod password;
mod permission;
mod store;

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64::Engine;
use chrono::{Duration, Utc};
use sha2::{Digest, Sha256};

pub use password::{hash_password, verify_password};
pub use permission::{CATALOGUE, Permission, PermissionGroup};

use crate::kernel::clock;
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::{AppError, AppResult};
use crate::kernel::i18n::{Locale, Message};
use crate::kernel::tenancy::{AccountSetId, Scope};
use crate::kernel::web::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "pd_session";
/// How long a session lives without being used.
const SESSION_IDLE_DAYS: i64 = 7;
/// A session's expiry is pushed forward at most this often, to keep reads read-only.
const TOUCH_EVERY_SECS: i64 = 60;

/// The id of a user (用户).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UserId(pub i64);

/// How a request proved who it is.
#[derive(Clone, Debug)]
pub enum Credential {
    /// A browser session; state-changing forms must carry its CSRF token.
    Session { id_hash: String, csrf_token: String },
    /// A bearer token; no CSRF token, since browsers never send it by themselves.
    ApiToken { id: i64 },
}

/// The signed-in user of a request, with the account set they are in and what they may do.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub user_id: UserId,
    pub login: String,
    pub display_name: String,
    pub locale: Locale,
    pub account_set_name: String,
    pub company_name: String,
    scope: Scope,
    superuser: bool,
    permissions: Arc<HashSet<String>>,
    credential: Credential,
}

impl CurrentUser {
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    /// The CSRF token that forms of this session must carry; `None` for API tokens.
    pub fn csrf_token(&self) -> Option<&str> {
        match &self.credential {
            Credential::Session { csrf_token, .. } => Some(csrf_token),
            Credential::ApiToken { .. } => None,
        }
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.superuser || self.permissions.contains(permission.key())
    }

    /// `Ok` if the user holds `permission`, else a 403 naming it.
    pub fn require(&self, permission: Permission) -> AppResult<()> {
        if self.can(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden(permission.key()))
        }
    }

    pub fn is_superuser(&self) -> bool {
        self.superuser
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<CurrentUser> {
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(user.clone());
        }
        let user = authenticate(parts, &state.db)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

/// The signed-in user if there is one; never rejects.
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<MaybeUser> {
        match CurrentUser::from_request_parts(parts, state).await {
            Ok(user) => Ok(MaybeUser(Some(user))),
            Err(AppError::Unauthenticated) => Ok(MaybeUser(None)),
            Err(err) => Err(err),
        }
    }
}

async fn authenticate(parts: &Parts, db: &Db) -> AppResult<Option<CurrentUser>> {
    let bearer = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    if let Some(token) = bearer {
        let rows = store::find_api_token(db.pool(), &sha256_hex(token.trim())).await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let now = Utc::now();
        let stale = clock::parse_text(&first.last_seen_at)
            .is_none_or(|seen| (now - seen).num_seconds() >= TOUCH_EVERY_SECS);
        let token_id: i64 = first.credential_id.parse().unwrap_or_default();
        if stale {
            store::touch_api_token(db.write_pool(), token_id, &clock::to_text(now)).await?;
        }
        return Ok(Some(current_user(rows, |_| Credential::ApiToken {
            id: token_id,
        })));
    }
    let Some(cookie) = cookie_value(parts, SESSION_COOKIE) else {
        return Ok(None);
    };
    let id_hash = sha256_hex(cookie);
    let now = Utc::now();
    let now_text = clock::to_text(now);
    let rows = store::find_session(db.pool(), &id_hash, &now_text).await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let stale = clock::parse_text(&first.last_seen_at)
        .is_none_or(|seen| (now - seen).num_seconds() >= TOUCH_EVERY_SECS);
    if stale {
        let expires = clock::to_text(now + Duration::days(SESSION_IDLE_DAYS));
        store::touch_session(db.write_pool(), &id_hash, &now_text, &expires).await?;
    }
    Ok(Some(current_user(rows, |first| Credential::Session {
        id_hash: first.credential_id.clone(),
        csrf_token: first.csrf_token.clone(),
    })))
}

/// Folds the rows of one credential (one per granted key) into the user. `rows` is not empty.
fn current_user(
    rows: Vec<store::CredentialGrantRow>,
    credential: impl FnOnce(&store::CredentialGrantRow) -> Credential,
) -> CurrentUser {
    let superuser = rows.iter().any(|row| row.is_superuser != 0);
    let mut rows = rows.into_iter();
    let first = rows.next().expect("authenticate passes at least one row");
    let credential = credential(&first);
    let mut permissions: HashSet<String> = rows
        .map(|row| row.permission_key)
        .filter(|k| !k.is_empty())
        .collect();
    let first_key = first.permission_key;
    if !first_key.is_empty() {
        permissions.insert(first_key);
    }
    CurrentUser {
        user_id: UserId(first.user_id),
        login: first.login,
        display_name: first.display_name,
        locale: Locale::from_code(&first.locale).unwrap_or_default(),
        account_set_name: first.account_set_name,
        company_name: first.company_name,
        scope: Scope::from_session(AccountSetId(first.account_set_id)),
        superuser,
        permissions: Arc::new(permissions),
        credential,
    }
}

/// The value of cookie `name` in the request, if sent.
pub fn cookie_value<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    cookie_value_in(&parts.headers, name)
}

/// The value of cookie `name` in these headers, if sent.
pub fn cookie_value_in<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A fresh random token: 32 bytes, base64url without padding (43 characters).
pub fn random_token() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// The SHA-256 of a token as lowercase hex: what the database stores instead of the token.
pub fn sha256_hex(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Compares two secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Throttling of failed sign-ins: after `free` failures on one key, each further attempt waits
/// `base_secs × 2^(extra failures)`, at most `max_secs`.
pub struct Throttle {
    pub free_per_login: i64,
    pub free_per_address: i64,
    pub base_secs: i64,
    pub max_secs: i64,
}

/// Five tries per login and twenty per address before waiting; 30 s doubling to 15 minutes.
pub const THROTTLE: Throttle = Throttle {
    free_per_login: 5,
    free_per_address: 20,
    base_secs: 30,
    max_secs: 900,
};

/// Where a sign-in came from, for the online-users list and throttling.
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    pub ip: String,
    pub user_agent: String,
}

/// A new session: the cookie value to set and the account set entered.
pub struct NewSession {
    pub cookie_value: String,
    pub user_id: UserId,
    pub locale: Locale,
}

/// Checks login and password and opens a session. Wrong credentials and unknown logins get the
/// same message; repeated failures are throttled per login and per address.
pub async fn sign_in(
    db: &Db,
    login: &str,
    password: &str,
    account_set: Option<AccountSetId>,
    client: &ClientInfo,
) -> AppResult<NewSession> {
    let user_id = check_credentials(db, login, password, client).await?;
    let account_set_id = store::entry_account_set(db.pool(), user_id.0, account_set.map(|a| a.0))
        .await?
        .ok_or_else(|| AppError::field("account_set", Message::new("auth.no_account_set")))?;
    let cookie_value = random_token();
    let id_hash = sha256_hex(&cookie_value);
    let now = Utc::now();
    let mut tx = db.begin_write().await?;
    // Expired sessions are cleared here, on a write that happens anyway, not on page views.
    store::delete_expired_sessions(&mut tx, &clock::to_text(now)).await?;
    store::insert_session(
        &mut tx,
        &store::NewSession {
            id_hash: &id_hash,
            user_id: user_id.0,
            account_set_id,
            csrf_token: &random_token(),
            ip: &client.ip,
            user_agent: &truncate(&client.user_agent, 200),
            now: &clock::to_text(now),
            expires_at: &clock::to_text(now + Duration::days(SESSION_IDLE_DAYS)),
        },
    )
    .await?;
    tx.commit().await?;
    let locale = locale_of(db, user_id).await?;
    tracing::info!(
        user.id = user_id.0,
        account_set.id = account_set_id,
        "signed in"
    );
    Ok(NewSession {
        cookie_value,
        user_id,
        locale,
    })
}

async fn locale_of(db: &Db, user_id: UserId) -> AppResult<Locale> {
    let code: String = sqlx::query_scalar("select locale from users where id = $1")
        .bind(user_id.0)
        .fetch_one(db.pool())
        .await?;
    Ok(Locale::from_code(&code).unwrap_or_default())
}

/// Issues an API token for an integration (`POST /api/v1/auth/token`). Returns the token, shown
/// once; only its hash is kept.
pub async fn issue_api_token(
    db: &Db,
    login: &str,
    password: &str,
    account_set: Option<AccountSetId>,
    name: &str,
    client: &ClientInfo,
) -> AppResult<(i64, String)> {
    let user_id = check_credentials(db, login, password, client).await?;
    let account_set_id = store::entry_account_set(db.pool(), user_id.0, account_set.map(|a| a.0))
        .await?
        .ok_or_else(|| AppError::field("account_set", Message::new("auth.no_account_set")))?;
    // The prefix lets secret scanners recognise a leaked PrintDesk token.
    let token = format!("pd_{}", random_token());
    let mut tx = db.begin_write().await?;
    let name = if name.trim().is_empty() {
        "API"
    } else {
        name.trim()
    };
    let id = store::insert_api_token(
        &mut tx,
        user_id.0,
        account_set_id,
        &truncate(name, 60),
        &sha256_hex(&token),
        &clock::now_text(),
    )
    .await?;
    tx.commit().await?;
    Ok((id, token))
}

async fn check_credentials(
    db: &Db,
    login: &str,
    password: &str,
    client: &ClientInfo,
) -> AppResult<UserId> {
    let mut errors = crate::kernel::error::FieldErrors::new();
    if login.trim().is_empty() {
        errors.add("login", Message::new("auth.login_required"));
    }
    if password.is_empty() {
        errors.add("password", Message::new("auth.password_required"));
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let login_key = format!("login:{}", login.trim().to_lowercase());
    let address_key = format!("ip:{}", client.ip);
    let now = Utc::now();
    for key in [&login_key, &address_key] {
        if let Some(until) = store::locked_until(db.pool(), key)
            .await?
            .as_deref()
            .and_then(clock::parse_text)
            && until > now
        {
            return Err(AppError::Throttled {
                retry_after_secs: (until - now).num_seconds().max(1),
            });
        }
    }
    let credentials = store::find_credentials(db.pool(), login.trim()).await?;
    let (user_id, hash) = match credentials {
        Some(row) if row.disabled == 0 => (Some(row.id), Some(row.password_hash)),
        _ => (None, None),
    };
    let ok = verify_password(hash, password.to_owned()).await?;
    match user_id {
        Some(id) if ok => {
            store::clear_failures(db.write_pool(), &login_key).await?;
            Ok(UserId(id))
        }
        _ => {
            let now_text = clock::to_text(now);
            for (key, free) in [
                (&login_key, THROTTLE.free_per_login),
                (&address_key, THROTTLE.free_per_address),
            ] {
                let failures = store::record_failure(db.write_pool(), key, &now_text).await?;
                if failures >= free {
                    let doublings = u32::try_from((failures - free).min(10)).unwrap_or(10);
                    let wait = (THROTTLE.base_secs << doublings).min(THROTTLE.max_secs);
                    store::lock_until(
                        db.write_pool(),
                        key,
                        &clock::to_text(now + Duration::seconds(wait)),
                    )
                    .await?;
                }
            }
            tracing::info!("sign-in refused");
            Err(AppError::field(
                "password",
                Message::new("auth.wrong_credentials"),
            ))
        }
    }
}

/// Ends the session of the request (注销登录).
pub async fn sign_out(db: &Db, user: &CurrentUser) -> AppResult<()> {
    if let Credential::Session { id_hash, .. } = &user.credential {
        let mut tx = db.begin_write().await?;
        store::delete_session(&mut tx, id_hash).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Changes the user's own password (修改密码) after checking the current one, and signs out
/// their other sessions.
pub async fn change_password(
    db: &Db,
    user: &CurrentUser,
    current: &str,
    new_password: &str,
    confirm: &str,
) -> AppResult<()> {
    let mut errors = crate::kernel::error::FieldErrors::new();
    if let Err(message) = check_new_password(new_password) {
        errors.add("new_password", message);
    }
    if new_password != confirm {
        errors.add("confirm_password", Message::new("auth.password_mismatch"));
    }
    let hash = store::password_hash_of(db.pool(), user.user_id.0).await?;
    if !verify_password(Some(hash), current.to_owned()).await? {
        errors.add(
            "current_password",
            Message::new("auth.current_password_wrong"),
        );
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let new_hash = hash_password(new_password.to_owned()).await?;
    let mut tx = db.begin_write().await?;
    store::set_password_hash(&mut tx, user.user_id.0, &new_hash, &clock::now_text()).await?;
    if let Credential::Session { id_hash, .. } = &user.credential {
        store::delete_other_sessions(&mut tx, user.user_id.0, id_hash).await?;
    }
    crate::kernel::audit::record(
        &mut tx,
        Some(user.scope()),
        Some(user.user_id),
        "change_password",
        "user",
        Some(user.user_id.0),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a user's password on behalf of an admin (reset) inside the caller's transaction, and ends
/// that user's sessions.
pub async fn set_password(tx: &mut Tx, user_id: UserId, new_password: &str) -> AppResult<()> {
    check_new_password(new_password).map_err(|m| AppError::field("password", m))?;
    let hash = hash_password(new_password.to_owned()).await?;
    store::set_password_hash(tx, user_id.0, &hash, &clock::now_text()).await?;
    store::delete_user_sessions(tx, user_id.0).await?;
    Ok(())
}

/// Ends every session of a user (when disabled or when their password is reset).
pub async fn end_user_sessions(tx: &mut Tx, user_id: UserId) -> AppResult<()> {
    store::delete_user_sessions(tx, user_id.0).await?;
    Ok(())
}

/// The password rule: 8 to 128 characters, not all of one kind (not only digits, not only letters).
pub fn check_new_password(password: &str) -> Result<(), Message> {
    let n = password.chars().count();
    if n < 8 {
        return Err(Message::new("auth.password_too_short"));
    }
    if n > 128 {
        return Err(Message::new("auth.password_too_long"));
    }
    let digits = password.chars().all(|c| c.is_ascii_digit());
    let letters = password.chars().all(|c| c.is_alphabetic());
    if digits || letters {
        return Err(Message::new("auth.password_too_simple"));
    }
    Ok(())
}

/// Saves the user's language.
pub async fn set_locale(db: &Db, user: &CurrentUser, locale: Locale) -> AppResult<()> {
    store::set_locale(db.write_pool(), user.user_id.0, locale.code()).await?;
    Ok(())
}

/// Moves the session into another account set the user may enter (header switcher).
pub async fn switch_account_set(
    db: &Db,
    user: &CurrentUser,
    account_set: AccountSetId,
) -> AppResult<()> {
    let Credential::Session { id_hash, .. } = &user.credential else {
        return Err(AppError::Conflict(Message::new(
            "auth.switch_needs_session",
        )));
    };
    let allowed = store::entry_account_set(db.pool(), user.user_id.0, Some(account_set.0)).await?;
    if allowed != Some(account_set.0) {
        return Err(AppError::NotFound);
    }
    let mut tx = db.begin_write().await?;
    store::set_session_account_set(&mut tx, id_hash, account_set.0).await?;
    tx.commit().await?;
    Ok(())
}

/// The account sets a user may enter, for the header switcher.
pub async fn account_sets_of(db: &Db, user_id: UserId) -> AppResult<Vec<(AccountSetId, String)>> {
    let rows = store::account_sets_of(db.pool(), user_id.0).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| (AccountSetId(id), name))
        .collect())
}

/// One live session in 在线人数.
pub struct OnlineSession {
    pub id: String,
    pub login: String,
    pub display_name: String,
    pub account_set_name: String,
    pub ip: String,
    pub user_agent: String,
    pub since: String,
    pub last_seen: String,
}

/// Live sessions of every user, most recent first.
pub async fn online_sessions(db: &Db) -> AppResult<Vec<OnlineSession>> {
    let now = clock::now_text();
    let rows = store::list_sessions(db.pool(), &now).await?;
    Ok(rows
        .into_iter()
        .map(|row| OnlineSession {
            id: row.id,
            login: row.login,
            display_name: row.display_name,
            account_set_name: row.account_set_name,
            ip: row.ip,
            user_agent: row.user_agent,
            since: clock::display_local(&row.created_at),
            last_seen: clock::display_local(&row.last_seen_at),
        })
        .collect())
}

/// Ends someone's session (admin, from 在线人数). 404 if it is gone already.
pub async fn end_session(db: &Db, admin: &CurrentUser, session_id: &str) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    if !store::delete_session(&mut tx, session_id).await? {
        return Err(AppError::NotFound);
    }
    crate::kernel::audit::record(
        &mut tx,
        Some(admin.scope()),
        Some(admin.user_id),
        "end_session",
        "session",
        None,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One live API token, for the token list.
pub struct ApiTokenInfo {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub account_set_name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// Live tokens: the user's own; every user's for a user-manager.
pub async fn list_api_tokens(db: &Db, user: &CurrentUser) -> AppResult<Vec<ApiTokenInfo>> {
    let all = user.can(Permission::SYSTEM_USER_MANAGE);
    let rows = store::list_api_tokens(db.pool(), user.user_id.0, all).await?;
    Ok(rows
        .into_iter()
        .map(|row| ApiTokenInfo {
            id: row.id,
            login: row.login,
            name: row.name,
            account_set_name: row.account_set_name,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
        })
        .collect())
}

/// Revokes a token of the user's own (or anyone's, for a user-manager). 404 otherwise.
pub async fn revoke_api_token(db: &Db, user: &CurrentUser, token_id: i64) -> AppResult<()> {
    let any_owner = user.can(Permission::SYSTEM_USER_MANAGE);
    let mut tx = db.begin_write().await?;
    if !store::revoke_api_token(
        &mut tx,
        token_id,
        user.user_id.0,
        any_owner,
        &clock::now_text(),
    )
    .await?
    {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// `text` cut to at most `max` characters.
pub fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_password(password: &str, expected: Result<(), &str>) {
        assert_eq!(
            check_new_password(password).map_err(|m| m.key()),
            expected,
            "{password:?}"
        );
    }

    #[test]
    fn password_rule() {
        check_password("abc12345", Ok(()));
        check_password("印务台门店2026", Ok(()));
        check_password("abc1234", Err("auth.password_too_short"));
        check_password("12345678", Err("auth.password_too_simple"));
        check_password("abcdefgh", Err("auth.password_too_simple"));
        check_password(&"a1".repeat(65), Err("auth.password_too_long"));
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
