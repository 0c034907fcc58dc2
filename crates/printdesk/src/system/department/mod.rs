//! 部门管理 — departments (manual 5.1), a tree per account set.
//!
//! A department's parent is a live department of the same account set, never itself or one of
//! its descendants, so the tree has no cycles. Names are unique among siblings. A department
//! with live sub-departments or users cannot be deleted; a deleted one waits in the recycle bin.
//! This feature does not place staff files (人事档案) in departments; that is the HR chapter's.

pub mod api;
pub mod pages;
pub mod rules;
pub mod service;
mod store;

use crate::kernel::recycle_bin::RecycleKind;

/// How departments go to the recycle bin. No money is ever posted against a department.
pub const RECYCLE_KIND: RecycleKind = RecycleKind {
    key: "department",
    table: "departments",
    label_key: "menu.departments",
    describe_sql: "d.name",
    posted_sql: None,
    stored_files_sql: None,
};

/// The id of a department (部门).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DepartmentId(pub i64);

/// A live department as stored.
#[derive(Clone, Debug)]
pub struct Department {
    pub id: DepartmentId,
    pub parent_id: Option<DepartmentId>,
    pub name: String,
    pub sort_order: i64,
    pub remarks: String,
    /// Users placed in this department.
    pub n_users: i64,
}

/// What the department form or the API sends, as raw text; parsed by `rules::NewDepartment::parse`.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DepartmentInput {
    pub name: String,
    pub parent_id: String,
    pub sort_order: String,
    pub remarks: String,
    pub form_nonce: String,
}
