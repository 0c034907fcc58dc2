//! The set-up page (首次使用).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::{Extension, Router};

use super::service::{self, SetupInput};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Locale;
use crate::kernel::web::{AppState, Form, PreSessionCsrf, render, see_other};

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/setup", get(show_setup).post(submit_setup))
}

#[derive(Template)]
#[template(path = "system/setup.html")]
struct SetupPage {
    l: Locale,
    csrf: String,
    input: SetupInput,
    errors: FieldErrors,
}

async fn show_setup(
    State(state): State<AppState>,
    l: Locale,
    Extension(csrf): Extension<PreSessionCsrf>,
) -> AppResult<Response> {
    if service::is_set_up(&state.db).await? {
        return Err(AppError::NotFound);
    }
    Ok(render(&SetupPage {
        l,
        csrf: csrf.0,
        input: SetupInput::default(),
        errors: FieldErrors::new(),
    }))
}

async fn submit_setup(
    State(state): State<AppState>,
    l: Locale,
    Extension(csrf): Extension<PreSessionCsrf>,
    Form(input): Form<SetupInput>,
) -> AppResult<Response> {
    if service::is_set_up(&state.db).await? {
        return Err(AppError::NotFound);
    }
    match service::set_up(&state.db, &input, l).await {
        Ok(()) => Ok(see_other("/sign-in?welcome=1")),
        Err(AppError::Invalid(errors)) => {
            let input = SetupInput {
                password: String::new(),
                confirm_password: String::new(),
                ..input
            };
            let page = SetupPage {
                l,
                csrf: csrf.0,
                input,
                errors,
            };
            let mut res = render(&page);
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(err) => Err(err),
    }
}
