//! 角色与权限 — roles and the permission keys they grant (manual 5.1).
//!
//! Roles belong to the installation, not to an account set: a user's roles apply in every
//! account set they may enter. The superuser role (系统管理员, made at first run) holds every
//! permission, including ones added by later versions; it can be renamed but never narrowed or
//! deleted. A role still given to users cannot be deleted.

pub mod api;
pub mod pages;
pub mod rules;
pub mod service;
mod store;

pub use crate::system::user::RoleId;

/// The audit `doc_kind` of roles.
pub const DOC_KIND: &str = "role";

/// A role as stored.
#[derive(Clone, Debug)]
pub struct Role {
    pub id: RoleId,
    pub name: String,
    pub description: String,
    pub is_superuser: bool,
    /// Granted keys, in catalogue order; empty for the superuser role, which holds them all.
    pub permissions: Vec<String>,
    /// Users holding this role.
    pub n_users: i64,
}

/// What the role form or the API sends; parsed by `rules::NewRole::parse`.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RoleInput {
    pub name: String,
    pub description: String,
    pub permissions: Vec<String>,
    pub form_nonce: String,
}
