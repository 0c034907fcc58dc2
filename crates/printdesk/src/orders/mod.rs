//! 前台中心 — orders, production tasks and the front-desk settings (manual 1.1, 1.4, 5.5.1).

pub mod order;
pub mod settings;
pub mod task;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::kernel::web::AppState;

/// The pages of this chapter.
pub(crate) fn router() -> Router<AppState> {
    Router::new().merge(order::pages::router())
}

/// The `/api/v1` routes of this chapter.
pub(crate) fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().merge(order::api::router())
}
