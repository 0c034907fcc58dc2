//! The HTTP shell: [`AppState`], the router, the middleware that every request passes, our own
//! `Form` and `Json` extractors, static assets and `/healthz`.
//!
//! Every page and asset is served by the binary (DESIGN.md rule 6). Chapters export
//! `router()` (pages) and `api_router()` (`/api/v1`, with OpenAPI) and this module merges them.
//! Errors returned by handlers are rendered here once ([`web_context`]): JSON envelope for the
//! API, an HTML page otherwise, in the user's language.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::de::DeserializeOwned;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::kernel::auth::{self, CurrentUser, MaybeUser};
use crate::kernel::db::Db;
use crate::kernel::error::{AppError, AppResult, FieldErrors, PendingError};
use crate::kernel::i18n::{Locale, Message};
use crate::kernel::spreadsheet::MAX_IMPORT_BYTES;

/// Settings read once at start-up (flags and `PRINTDESK_*` variables).
#[derive(Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    /// Adds `Secure` to cookies; set when PrintDesk is served over HTTPS.
    pub secure_cookies: bool,
    /// Takes the client address from `X-Forwarded-For`; set only behind a trusted reverse proxy.
    pub trust_proxy: bool,
}

impl std::fmt::Debug for Config {
    /// Redacts the database URL, which may hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = self.database_url.split(':').next().unwrap_or("");
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("data_dir", &self.data_dir)
            .field("database_url", &format!("{scheme}://[redacted]"))
            .field("secure_cookies", &self.secure_cookies)
            .field("trust_proxy", &self.trust_proxy)
            .finish()
    }
}

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
}

/// Largest request body the server reads at all: a spooled upload (`kernel::spool`, 1 GiB) with
/// room for the form around it. Forms and JSON stay at axum's 2 MB default (`DefaultBodyLimit`);
/// only routes layered with [`upload_limit`] (spreadsheets, read into memory) or
/// `spool::body_limit` (artwork, streamed to disk) take more.
const BODY_LIMIT: usize = crate::kernel::spool::MAX_BODY_BYTES + 1024 * 1024;

/// The body limit of an upload route (spreadsheet imports), as a route layer.
pub fn upload_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(crate::kernel::spreadsheet::MAX_IMPORT_BYTES + 64 * 1024)
}
/// The cookie that carries the CSRF token of a browser that is not signed in yet.
const PRE_SESSION_CSRF_COOKIE: &str = "pd_csrf";
/// The cookie that remembers the UI language.
pub const LOCALE_COOKIE: &str = "pd_locale";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "PrintDesk API",
        description = "印务台 JSON API. Sign in with POST /api/v1/auth/token, then send Authorization: Bearer TOKEN. Decimals are strings."
    ),
    components(schemas(ApiErrorBody, ApiFieldError))
)]
struct ApiDoc;

/// The whole application: pages, API, assets and middleware.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(crate::system::api_router())
        .merge(crate::finance::api_router())
        .merge(crate::customers::api_router())
        .merge(crate::orders::api_router())
        .split_for_parts();
    let openapi = Arc::new(openapi);
    let api = api.route(
        "/api/v1/openapi.json",
        get(move || {
            let openapi = Arc::clone(&openapi);
            async move { axum::Json(openapi.as_ref().clone()) }
        }),
    );
    Router::new()
        .merge(crate::desktop::router())
        .merge(crate::system::router())
        .merge(crate::finance::router())
        .merge(crate::customers::router())
        .merge(crate::orders::router())
        .merge(api)
        .route("/healthz", get(healthz))
        .route("/static/{*path}", get(static_asset))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            web_context,
        ))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let path = req
                .extensions()
                .get::<axum::extract::MatchedPath>()
                .map_or("", |p| p.as_str())
                .to_owned();
            tracing::info_span!("request", method = %req.method(), path)
        }))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("handler panicked");
            AppError::Internal(anyhow::anyhow!("handler panicked")).into_response()
        }))
        .with_state(state)
}

async fn healthz(State(state): State<AppState>) -> Response {
    if state.db.ping().await {
        (StatusCode::OK, "ok").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

async fn not_found() -> AppError {
    AppError::NotFound
}

/// The request's UI language, chosen by [`web_context`].
impl FromRequestParts<AppState> for Locale {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &AppState,
    ) -> Result<Locale, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Locale>()
            .copied()
            .unwrap_or_default())
    }
}

/// The CSRF token for forms of a browser that is not signed in, from the `pd_csrf` cookie.
#[derive(Clone, Debug)]
pub struct PreSessionCsrf(pub String);

/// The client address: the socket's, or `X-Forwarded-For`'s first hop behind a trusted proxy.
pub fn client_info(
    parts_headers: &HeaderMap,
    socket: Option<SocketAddr>,
    trust_proxy: bool,
) -> auth::ClientInfo {
    let forwarded = trust_proxy
        .then(|| {
            parts_headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
        })
        .flatten()
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_owned());
    let ip = forwarded
        .or_else(|| socket.map(|s| s.ip().to_string()))
        .unwrap_or_default();
    let user_agent = parts_headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    auth::ClientInfo { ip, user_agent }
}

/// Runs around every request: picks the language, makes sure a browser has a CSRF cookie before
/// it signs in, renders errors, and sets protective headers.
pub async fn web_context(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let is_api = parts.uri.path().starts_with("/api/");
    let accept_language = parts
        .headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let locale =
        match auth::cookie_value_in(&parts.headers, LOCALE_COOKIE).and_then(Locale::from_code) {
            Some(chosen) => chosen,
            // Integrations get the language they ask for.
            None if is_api => Locale::from_accept_language(accept_language),
            // Pages are Simplified Chinese first: a browser set to English still gets Chinese until
            // the user picks English; a Traditional-Chinese browser gets Traditional.
            None => match Locale::from_accept_language(accept_language) {
                Locale::ZhTw => Locale::ZhTw,
                _ => Locale::ZhCn,
            },
        };
    let existing_csrf = auth::cookie_value_in(&parts.headers, PRE_SESSION_CSRF_COOKIE)
        .filter(|v| v.len() == 43)
        .map(str::to_owned);
    // Defence in depth behind the CSRF token: a state-changing request that a browser says came
    // from another site is refused before any handler runs.
    let unsafe_method = !matches!(
        parts.method,
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    );
    if unsafe_method && is_cross_site(&parts.headers) {
        let path_and_query = parts.uri.path().to_owned();
        return render_error(&AppError::CsrfRejected, locale, is_api, &path_and_query);
    }
    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    req = Request::from_parts(parts, body);
    let new_csrf = existing_csrf.is_none().then(auth::random_token);
    let csrf = existing_csrf
        .or_else(|| new_csrf.clone())
        .unwrap_or_default();
    req.extensions_mut().insert(locale);
    req.extensions_mut().insert(PreSessionCsrf(csrf));

    let mut res = next.run(req).await;
    if let Some(PendingError(err)) = res.extensions_mut().remove::<PendingError>() {
        res = render_error(&err, locale, is_api, &path_and_query);
    }
    let headers = res.headers_mut();
    if let Some(token) = new_csrf.filter(|_| !is_api) {
        let cookie = format!(
            "{PRE_SESSION_CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{}",
            if state.config.secure_cookies {
                "; Secure"
            } else {
                ""
            }
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; \
             script-src 'self'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    res
}

/// Whether the browser marked the request as coming from another site (`Sec-Fetch-Site`), or its
/// `Origin` names a host other than the one it was sent to.
fn is_cross_site(headers: &HeaderMap) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if header("sec-fetch-site") == Some("cross-site") {
        return true;
    }
    match (header("origin"), header("host")) {
        (Some(origin), Some(host)) if origin != "null" => {
            let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
            let forwarded =
                header("x-forwarded-host").is_some_and(|h| origin_host.eq_ignore_ascii_case(h));
            !origin_host.eq_ignore_ascii_case(host) && !forwarded
        }
        _ => false,
    }
}

/// The JSON body of every API error: `{"errors":[{"field":"login","message":"…"}]}`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ApiErrorBody {
    pub errors: Vec<ApiFieldError>,
}

/// One message of an API error; `field` is empty when the error concerns no field.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ApiFieldError {
    pub field: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "kernel/error.html")]
struct ErrorPage {
    l: Locale,
    status: u16,
    title: String,
    messages: Vec<String>,
}

fn render_error(err: &AppError, locale: Locale, is_api: bool, path_and_query: &str) -> Response {
    if let AppError::Internal(cause) = err {
        tracing::error!(error = format!("{cause:#}"), "request failed");
    }
    let status = err.status();
    let messages = err.messages(locale);
    if is_api {
        let body = ApiErrorBody {
            errors: messages
                .into_iter()
                .map(|(field, message)| ApiFieldError { field, message })
                .collect(),
        };
        let mut res = (status, axum::Json(body)).into_response();
        if let AppError::Throttled { retry_after_secs } = err
            && let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return res;
    }
    if matches!(err, AppError::Unauthenticated) {
        let next = urlencode(path_and_query);
        return Redirect::to(&format!("/sign-in?next={next}")).into_response();
    }
    let title_key = match status {
        StatusCode::NOT_FOUND => "error.title_not_found",
        StatusCode::FORBIDDEN => "error.title_forbidden",
        StatusCode::UNPROCESSABLE_ENTITY => "error.title_invalid",
        StatusCode::CONFLICT => "error.title_conflict",
        StatusCode::TOO_MANY_REQUESTS => "error.title_throttled",
        _ => "error.title_internal",
    };
    let page = ErrorPage {
        l: locale,
        status: status.as_u16(),
        title: locale.t(title_key),
        messages: messages.into_iter().map(|(_, m)| m).collect(),
    };
    (status, render(&page)).into_response()
}

/// Renders a template to an HTML response; a template error is an internal error.
/// A form page re-rendered with its errors: the page, with status 422.
pub fn unprocessable(template: &impl Template) -> Response {
    let mut res = render(template);
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    res
}

pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "系统出错，请重试").into_response()
        }
    }
}

/// Percent-encodes a query value.
pub fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .map(|s| s[1..].to_owned())
        .unwrap_or_default()
}

/// `key=value&…` of the pairs whose value is not blank, values trimmed and percent-encoded: the
/// filters of a list carried into its paging, export and return links.
pub fn query_string<V: AsRef<str>>(pairs: &[(&str, V)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| (k, v.as_ref().trim()))
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A path to return to after sign-in: only local paths, never another site.
pub fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next
    } else {
        "/"
    }
}

/// A urlencoded form, checked against the CSRF token of the session (or, before sign-in, of the
/// `pd_csrf` cookie). A form without the right `csrf_token` field is refused with 403 before the
/// handler runs, so no handler can forget the check.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for Form<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> AppResult<Form<T>> {
        let (mut parts, body) = req.into_parts();
        let MaybeUser(user) = MaybeUser::from_request_parts(&mut parts, state).await?;
        let expected = match &user {
            Some(user) => user.csrf_token().map(str::to_owned),
            None => parts
                .extensions
                .get::<PreSessionCsrf>()
                .map(|c| c.0.clone()),
        };
        let content_type_ok = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| AppError::field("body", Message::new("error.body_too_large")))?;
        if !content_type_ok {
            return Err(AppError::field(
                "body",
                Message::new("error.malformed_form"),
            ));
        }
        let sent = form_urlencoded_value(&bytes, "csrf_token");
        match (expected, sent) {
            (Some(expected), Some(sent)) if auth::same_secret(&expected, &sent) => {}
            _ => return Err(AppError::CsrfRejected),
        }
        // serde_html_form, unlike serde_urlencoded, reads repeated keys (checkboxes) into a Vec.
        let value = serde_html_form::from_bytes(&bytes).map_err(|err| {
            tracing::debug!(error = %err, "form not readable");
            AppError::Invalid(FieldErrors::single(
                "form",
                Message::new("error.malformed_form"),
            ))
        })?;
        Ok(Form(value))
    }
}

fn form_urlencoded_value(bytes: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(bytes)
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// A JSON body parsed into `T`, with a wrong type or a missing field reported as a field error
/// naming its path (`lines[0].quantity`). A browser session calling the API with its cookie must
/// send the CSRF token in `X-CSRF-Token`; bearer tokens need none.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for Json<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> AppResult<Json<T>> {
        let (mut parts, body) = req.into_parts();
        let MaybeUser(user) = MaybeUser::from_request_parts(&mut parts, state).await?;
        if let Some(expected) = user.as_ref().and_then(CurrentUser::csrf_token) {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !auth::same_secret(expected, sent) {
                return Err(AppError::CsrfRejected);
            }
        }
        let json_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json_type {
            return Err(AppError::field(
                "body",
                Message::new("error.json_content_type"),
            ));
        }
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| AppError::field("body", Message::new("error.body_too_large")))?;
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
            let path = err.path().to_string();
            let inner = err.into_inner();
            let (field, key) = if inner.is_syntax() || inner.is_eof() {
                ("body".to_owned(), "error.json_syntax")
            } else if inner.to_string().starts_with("missing field") {
                let missing = inner.to_string().split('`').nth(1).unwrap_or("").to_owned();
                let field = if path == "." {
                    missing
                } else {
                    format!("{path}.{missing}")
                };
                (field, "error.json_missing")
            } else {
                (path, "error.json_type")
            };
            AppError::Invalid(FieldErrors::single(field, Message::new(key)))
        })?;
        Ok(Json(value))
    }
}

/// An uploaded file, read whole into memory (at most `spreadsheet::MAX_IMPORT_BYTES`).
///
/// Two shapes are accepted. A page posts `multipart/form-data` with the file in the field `file`
/// and the CSRF token in the field `csrf_token`, checked exactly like [`Form`] (the session's
/// token, or `pd_csrf` before sign-in): a wrong or missing token is 403 before the handler runs.
/// An integration posts the file itself as the body with its own content type; a browser
/// session doing so must send `X-CSRF-Token`, like [`Json`]. Every other rejection (a broken
/// multipart body, a file too large) is a field error on `file`. A form sent without choosing a
/// file gives empty `bytes`: the handler says what to upload.
pub struct Upload {
    pub bytes: Vec<u8>,
    /// The name the browser gave the file; empty for a raw body.
    pub filename: String,
}

impl FromRequest<AppState> for Upload {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> AppResult<Upload> {
        match UploadBody::from_request(req, state).await? {
            UploadBody::Raw(body) => {
                let bytes = axum::body::to_bytes(body, MAX_IMPORT_BYTES)
                    .await
                    .map_err(|_| upload_too_large())?;
                Ok(Upload {
                    bytes: bytes.to_vec(),
                    filename: String::new(),
                })
            }
            UploadBody::Multipart {
                mut multipart,
                expected_csrf,
            } => {
                let mut sent = None;
                let mut upload = Upload {
                    bytes: Vec::new(),
                    filename: String::new(),
                };
                while let Some(mut field) = multipart.next_field().await.map_err(upload_error)? {
                    match field.name() {
                        Some("csrf_token") => {
                            sent = Some(field.text().await.map_err(upload_error)?);
                        }
                        Some("file") => {
                            upload.filename = field.file_name().unwrap_or("").to_owned();
                            while let Some(chunk) = field.chunk().await.map_err(upload_error)? {
                                if upload.bytes.len() + chunk.len() > MAX_IMPORT_BYTES {
                                    return Err(upload_too_large());
                                }
                                upload.bytes.extend_from_slice(&chunk);
                            }
                        }
                        _ => {}
                    }
                }
                if csrf_sent_matches(expected_csrf.as_deref(), sent.as_deref()) {
                    Ok(upload)
                } else {
                    Err(AppError::CsrfRejected)
                }
            }
        }
    }
}

/// The body of an upload route, its CSRF token checked or still to be read: what [`Upload`]
/// reads into memory and `kernel::spool::SpooledUpload` streams to disk, with the same rules.
pub(crate) enum UploadBody {
    /// The file itself as the body (an integration), limited by the route's body limit. A
    /// browser session's `X-CSRF-Token` has been checked.
    Raw(axum::body::Body),
    /// A page's `multipart/form-data`; its `csrf_token` field must match `expected_csrf`
    /// ([`csrf_sent_matches`]).
    Multipart {
        multipart: axum::extract::Multipart,
        expected_csrf: Option<String>,
    },
}

impl UploadBody {
    pub(crate) async fn from_request(req: Request, state: &AppState) -> AppResult<UploadBody> {
        use axum::RequestExt;
        let (mut parts, body) = req.into_parts();
        let MaybeUser(user) = MaybeUser::from_request_parts(&mut parts, state).await?;
        let is_multipart = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if !is_multipart {
            if let Some(expected) = user.as_ref().and_then(CurrentUser::csrf_token) {
                let sent = parts
                    .headers
                    .get("x-csrf-token")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                if !auth::same_secret(expected, sent) {
                    return Err(AppError::CsrfRejected);
                }
            }
            return Ok(UploadBody::Raw(
                Request::from_parts(parts, body).into_limited_body(),
            ));
        }
        let expected_csrf = match &user {
            Some(user) => user.csrf_token().map(str::to_owned),
            None => parts
                .extensions
                .get::<PreSessionCsrf>()
                .map(|c| c.0.clone()),
        };
        let multipart =
            axum::extract::Multipart::from_request(Request::from_parts(parts, body), state)
                .await
                .map_err(|_| malformed_upload())?;
        Ok(UploadBody::Multipart {
            multipart,
            expected_csrf,
        })
    }
}

/// Whether a multipart form's `csrf_token` is the one expected (both present and equal).
pub(crate) fn csrf_sent_matches(expected: Option<&str>, sent: Option<&str>) -> bool {
    match (expected, sent) {
        (Some(expected), Some(sent)) => auth::same_secret(expected, sent),
        _ => false,
    }
}

fn upload_error(err: axum::extract::multipart::MultipartError) -> AppError {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        upload_too_large()
    } else {
        malformed_upload()
    }
}

fn upload_too_large() -> AppError {
    AppError::field("file", Message::new("spreadsheet.too_large"))
}

pub(crate) fn malformed_upload() -> AppError {
    AppError::field("file", Message::new("error.malformed_form"))
}

/// A query string parsed into `T`. Unreadable ones (a duplicated key, bad encoding) get our
/// error page or envelope naming the field `query`, never axum's plain-text 400.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequestParts<AppState> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &AppState,
    ) -> AppResult<Query<T>> {
        let query = parts.uri.query().unwrap_or("");
        serde_html_form::from_str(query)
            .map(Query)
            .map_err(|_| AppError::field("query", Message::new("error.malformed_query")))
    }
}

/// A numeric id from the path; anything else is "not found", never a 400 in axum's words.
pub struct IdPath(pub i64);

impl FromRequestParts<AppState> for IdPath {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> AppResult<IdPath> {
        let axum::extract::Path(text) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| AppError::NotFound)?;
        text.parse().map(IdPath).map_err(|_| AppError::NotFound)
    }
}

/// A `303 See Other` to `to`, the answer to a successful form post.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// The `Set-Cookie` value for the session cookie; `None` clears it.
pub fn session_cookie(value: Option<&str>, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    match value {
        Some(value) => format!(
            "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=604800{secure}",
            auth::SESSION_COOKIE
        ),
        None => format!(
            "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
            auth::SESSION_COOKIE
        ),
    }
}

/// The `Set-Cookie` value that remembers the UI language for a year.
pub fn locale_cookie(locale: Locale) -> String {
    format!(
        "{LOCALE_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
        locale.code()
    )
}

/// Serves the files under `static/`, compiled into the binary.
async fn static_asset(axum::extract::Path(path): axum::extract::Path<String>) -> Response {
    let Some((bytes, content_type)) = crate::kernel::assets::get(&path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        bytes,
    )
        .into_response()
}
