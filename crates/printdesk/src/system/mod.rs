//! 第五章 系统设置 — system settings, plus sign-in and users online (chapter 6).
//!
//! - `setup`: the first-run page (首次使用) and `printdesk init`.
//! - `session`: sign-in/out (注销登录), change password (修改密码), language, account-set switch,
//!   users online (在线人数) and API tokens.
//! - `company`, `department`, `role`, `user`, `account_set`: 组织机构 (5.1).
//! - `recycle_bin`, `audit`: the recycle bin and audit trail pages over the kernel mechanisms.

pub mod account_set;
pub mod audit;
pub mod company;
pub mod department;
pub mod product;
pub mod recycle_bin;
pub mod role;
pub mod session;
pub mod settings_list;
pub mod setup;
pub mod user;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::kernel::web::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .merge(setup::pages::router())
        .merge(session::pages::router())
        .merge(company::pages::router())
        .merge(department::pages::router())
        .merge(role::pages::router())
        .merge(user::pages::router())
        .merge(account_set::pages::router())
        .merge(recycle_bin::pages::router())
        .merge(audit::pages::router())
        .merge(settings_list::pages::router())
        .merge(product::pages::router())
}

pub(crate) fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(session::api::router())
        .merge(company::api::router())
        .merge(department::api::router())
        .merge(role::api::router())
        .merge(user::api::router())
        .merge(account_set::api::router())
        .merge(recycle_bin::api::router())
        .merge(settings_list::api::router())
        .merge(product::api::router())
}
