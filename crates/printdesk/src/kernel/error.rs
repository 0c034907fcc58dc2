//! The error types of the request path: [`FieldErrors`] from rules and [`AppError`] from services
//! and handlers, mapped to a response in one place.
//!
//! [`AppError`]'s `IntoResponse` does not build the body: it attaches the error to the response,
//! and `kernel::web::render_errors` renders it once, knowing the user's language and whether the
//! request was for a page or the API. `Internal` errors are logged there, once, and never shown.

use std::borrow::Cow;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::kernel::db::StoreError;
use crate::kernel::i18n::{AsLocale, Locale, Message};

/// One bad field: the form field or JSON key, and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: Cow<'static, str>,
    pub message: Message,
}

/// Every bad field of one input, collected rather than stopping at the first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors {
    errors: Vec<FieldError>,
}

impl FieldErrors {
    pub fn new() -> FieldErrors {
        FieldErrors::default()
    }

    /// One error, for the common case of a single bad field.
    pub fn single(field: impl Into<Cow<'static, str>>, message: Message) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.add(field, message);
        errors
    }

    pub fn add(&mut self, field: impl Into<Cow<'static, str>>, message: Message) {
        self.errors.push(FieldError {
            field: field.into(),
            message,
        });
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.errors.iter()
    }

    /// The rendered message for `field`, if it has one (for putting it next to the input).
    pub fn message_for(&self, field: &str, locale: Locale) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.render(locale))
    }

    /// The message for `field` or an empty string, for `<span class="field-error">` in templates.
    pub fn text(&self, field: &str, locale: impl AsLocale) -> String {
        self.message_for(field, locale.as_locale())
            .unwrap_or_default()
    }

    /// Messages that belong to no field shown on the form (shown at the top of it).
    pub fn others(&self, shown: &[&str], locale: impl AsLocale) -> Vec<String> {
        let locale = locale.as_locale();
        self.errors
            .iter()
            .filter(|e| !shown.contains(&e.field.as_ref()))
            .map(|e| e.message.render(locale))
            .collect()
    }

    /// `Ok(value)` when no error was collected.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

/// The one error type handlers return.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input broke a rule. 422 for the API; pages re-render the form with each message.
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// Missing, or owned by another account set. 404 either way.
    #[error("not found")]
    NotFound,
    /// Signed in without the permission named. 403.
    #[error("missing permission {0}")]
    Forbidden(&'static str),
    /// Not signed in. 401 for the API; pages redirect to the sign-in page.
    #[error("not signed in")]
    Unauthenticated,
    /// The document's state forbids the action, e.g. "该订单已结算，不能修改". 409.
    #[error("conflict")]
    Conflict(Message),
    /// A form came without this session's CSRF token, or with a wrong or replayed one. 403.
    #[error("csrf token rejected")]
    CsrfRejected,
    /// Too many failed attempts; try again after the given seconds. 429.
    #[error("throttled")]
    Throttled { retry_after_secs: i64 },
    /// Anything unexpected. Logged once; the user sees "系统出错，请重试". 500.
    #[error(transparent)]
    Internal(anyhow::Error),
}

/// What services and handlers return.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden(_) | AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A single field error, the common case.
    pub fn field(field: &'static str, message: Message) -> AppError {
        AppError::Invalid(FieldErrors::single(field, message))
    }

    /// Each message of this error as (field, text) in `locale`; `field` is empty for errors that
    /// belong to no field.
    pub fn messages(&self, locale: Locale) -> Vec<(String, String)> {
        match self {
            AppError::Invalid(errors) => errors
                .iter()
                .map(|e| (e.field.to_string(), e.message.render(locale)))
                .collect(),
            AppError::NotFound => vec![(String::new(), locale.t("error.not_found"))],
            AppError::Forbidden(permission) => vec![(
                String::new(),
                Message::new("error.forbidden")
                    .arg("permission", locale.t(&format!("permission.{permission}")))
                    .arg("key", permission)
                    .render(locale),
            )],
            AppError::Unauthenticated => {
                vec![(String::new(), locale.t("error.unauthenticated"))]
            }
            AppError::Conflict(message) => vec![(String::new(), message.render(locale))],
            AppError::CsrfRejected => vec![(String::new(), locale.t("error.csrf"))],
            AppError::Throttled { retry_after_secs } => vec![(
                String::new(),
                Message::new("error.throttled")
                    .arg("seconds", retry_after_secs)
                    .render(locale),
            )],
            AppError::Internal(_) => vec![(String::new(), locale.t("error.internal"))],
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> AppError {
        AppError::Invalid(errors)
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> AppError {
        match err {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(detail) => {
                AppError::Internal(anyhow::anyhow!("unmapped constraint violation: {detail}"))
            }
            StoreError::Db(err) => AppError::Internal(err.into()),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> AppError {
        AppError::from(StoreError::from(err))
    }
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> AppError {
        AppError::Internal(err)
    }
}

/// The error travelling on a response until `render_errors` turns it into a body.
#[derive(Clone, Debug)]
pub struct PendingError(pub Arc<AppError>);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut res = self.status().into_response();
        res.extensions_mut().insert(PendingError(Arc::new(self)));
        res
    }
}
