//! 用户管理 and 角色与权限 — users, their roles and the account sets they may enter.

pub mod service;
mod store;

/// The id of a role (角色).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RoleId(pub i64);
