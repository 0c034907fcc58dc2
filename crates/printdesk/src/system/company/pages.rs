//! The 公司信息 page.

use crate::kernel::web::Query;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

use super::{CompanyInput, DOC_KIND, service};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Locale;
use crate::kernel::shell::{Shell, shell};
use crate::kernel::web::{AppState, Form, render, see_other};
use crate::system::audit::{self, TrailLine};

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/system/company", get(show_company).post(update_company))
}

#[derive(Template)]
#[template(path = "system/company.html")]
struct CompanyPage {
    shell: Shell,
    input: CompanyInput,
    errors: FieldErrors,
    saved: bool,
    history: Vec<TrailLine>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SavedQuery {
    saved: String,
}

async fn show_company(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<SavedQuery>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_COMPANY_MANAGE)?;
    let input = service::show_company(&state.db).await?;
    let page = CompanyPage {
        shell: shell(&state.db, &user, l, "/system/company").await?,
        input,
        errors: FieldErrors::new(),
        saved: query.saved == "1",
        history: audit::trail(&state.db, user.scope(), DOC_KIND, 1, l).await?,
    };
    Ok(render(&page))
}

async fn update_company(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Form(input): Form<CompanyInput>,
) -> AppResult<Response> {
    user.require(Permission::SYSTEM_COMPANY_MANAGE)?;
    match service::update_company(&state.db, &user, &input).await {
        Ok(()) => Ok(see_other("/system/company?saved=1")),
        Err(AppError::Invalid(errors)) => {
            let page = CompanyPage {
                shell: shell(&state.db, &user, l, "/system/company").await?,
                input,
                errors,
                saved: false,
                history: audit::trail(&state.db, user.scope(), DOC_KIND, 1, l).await?,
            };
            let mut res = render(&page);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(err) => Err(err),
    }
}
