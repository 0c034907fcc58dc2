//! 我的桌面 — the home page after sign-in (manual 6.1), with room for widgets that later
//! chapters fill (orders due today, receivables, reminders).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use crate::kernel::auth::MaybeUser;
use crate::kernel::error::AppResult;
use crate::kernel::i18n::Locale;
use crate::kernel::shell::{Shell, shell};
use crate::kernel::web::{AppState, render, see_other};

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/", get(show_desktop))
}

#[derive(Template)]
#[template(path = "desktop/desktop.html")]
struct DesktopPage {
    shell: Shell,
}

async fn show_desktop(
    State(state): State<AppState>,
    l: Locale,
    MaybeUser(user): MaybeUser,
) -> AppResult<Response> {
    let Some(user) = user else {
        if !crate::system::setup::service::is_set_up(&state.db).await? {
            return Ok(see_other("/setup"));
        }
        return Ok(see_other("/sign-in"));
    };
    let shell = shell(&state.db, &user, l, "/").await?;
    Ok(render(&DesktopPage { shell }))
}
