//! 前台中心 — orders, production tasks and the front-desk settings (manual 1.1, 1.4, 5.5.1).

pub mod artwork;
pub mod order;
pub mod settings;
pub mod settings_pages;
pub mod shipment;
pub mod task;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::kernel::web::AppState;

/// The pages of this chapter.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .merge(order::pages::router())
        .merge(task::pages::router())
        .merge(order::print::router())
        .merge(settings_pages::router())
        .merge(shipment::pages::router())
        .merge(artwork::pages::router())
}

/// The `/api/v1` routes of this chapter.
pub(crate) fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(order::api::router())
        .merge(task::api::router())
        .merge(settings_pages::api_router())
        .merge(shipment::api::router())
        .merge(artwork::api::router())
}
