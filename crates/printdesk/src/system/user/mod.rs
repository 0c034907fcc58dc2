//! 用户管理 — users (logins), their department, roles and the account sets they may enter.
//!
//! Users belong to the installation; which account sets a user may enter is `user_account_sets`,
//! and every user may enter at least one. A user's department is one of the current account
//! set's departments. Disabling a user ends their sessions at once; nobody can disable
//! themselves. Password hashes never leave `kernel::auth`.

pub mod api;
pub mod pages;
pub mod service;
mod store;

use crate::kernel::auth::UserId;

/// The id of a role (角色).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RoleId(pub i64);

/// The audit `doc_kind` of users.
pub const DOC_KIND: &str = "user";

/// What the user form or the API sends, as raw text; checked by `service::create_user` and
/// `service::update_user`. `password` is read only when creating.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct UserInput {
    pub login: String,
    pub display_name: String,
    pub password: String,
    pub department_id: String,
    pub role_ids: Vec<String>,
    pub account_set_ids: Vec<String>,
    pub form_nonce: String,
}

/// A user as the user list and the edit form show them.
#[derive(Clone, Debug)]
pub struct UserDetail {
    pub id: UserId,
    pub login: String,
    pub display_name: String,
    /// The department, when it belongs to the current account set.
    pub department_id: Option<i64>,
    pub department_name: String,
    pub roles: Vec<(RoleId, String)>,
    pub account_sets: Vec<(i64, String)>,
    pub disabled: bool,
}
