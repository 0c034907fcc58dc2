//! 第二章 客户中心 — customers and suppliers (manual 2.1, 2.2).
//!
//! - `customer`: 客户管理 (2.1). One record per paying entity under its full legal name, with
//!   several contacts, group, relationship, settlement type, credit limit and payment terms
//!   (DOMAIN.md §3.3); search as you type by name, pinyin initials, phone or contact; merging
//!   duplicates; deleting to the recycle bin.
//! - `supplier`: 供应商管理 (2.2). Dealers and outsourcing partners with contacts, supply scopes
//!   and bank details (DOMAIN.md §3.4), searched and merged like customers.
//! - `contact`: the contact rows both keep, and the pinyin initials and search text both store.
//! - `import`: what the customer and supplier imports share (list names to ids, names repeated
//!   or taken, errors by row and column); each feature owns its template columns and saving.
//!
//! Groups, relationships, ID document kinds and supply scopes are settings-list items
//! (`system::settings_list`), read only through that chapter's service. This chapter does not
//! price (客户合作价 belongs with products), hold balances (prepaid, receivables are finance) or
//! share customers across account sets: the 可跨店消费 flag is stored, and the branches that honour
//! it are a later design (DOMAIN.md §2).

pub mod contact;
pub mod customer;
pub mod customer_price;
pub mod import;
pub mod supplier;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::kernel::web::AppState;

/// Pages under `/customers`.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .merge(customer::pages::router())
        .merge(customer_price::pages::router())
        .merge(supplier::pages::router())
}

/// `/api/v1/customers` and `/api/v1/suppliers`.
pub(crate) fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(customer::api::router())
        .merge(customer_price::api::router())
        .merge(supplier::api::router())
}
