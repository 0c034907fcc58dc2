//! 供应商管理 — suppliers (manual 2.2, DOMAIN.md §3.4), one list per account set.
//!
//! Paper and media dealers, ink and toner, equipment service and outsourcing partners (外协).
//! A supplier has a unique name among the account set's live suppliers, any number of contacts,
//! the supply scopes it serves (settings-list items of kind `supply_scope`) and its bank and tax
//! details. Duplicates are merged like customers; deleting moves a supplier to the recycle bin.
//!
//! This feature does not record purchases, outsourcing orders or payments: those chapters refer
//! to a supplier by [`SupplierId`] and add their tables to the merge in `store.rs`.

pub mod api;
pub mod pages;
pub mod rules;
pub mod service;
mod store;

use crate::customers::contact::{Contact, ContactInput};
use crate::kernel::recycle_bin::RecycleKind;

/// How suppliers go to the recycle bin. Later chapters add `posted_sql` once money refers to them.
pub const RECYCLE_KIND: RecycleKind = RecycleKind {
    key: "supplier",
    table: "suppliers",
    label_key: "menu.suppliers",
    describe_sql: "d.name",
    posted_sql: None,
    stored_files_sql: None,
};

/// The id of a supplier (供应商).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SupplierId(pub i64);

/// A live supplier as stored.
#[derive(Clone, Debug)]
pub struct Supplier {
    pub id: SupplierId,
    pub name: String,
    pub bank_name: String,
    pub bank_account: String,
    pub tax_number: String,
    pub address: String,
    pub remarks: String,
    pub pinyin_initials: String,
    /// Ids of `supply_scope` settings-list items, ascending.
    pub supply_scope_ids: Vec<i64>,
    pub contacts: Vec<Contact>,
}

/// One supplier in a list or a search result.
#[derive(Clone, Debug)]
pub struct SupplierLine {
    pub id: SupplierId,
    pub name: String,
    pub pinyin_initials: String,
    pub contact_person: String,
    pub contact_mobile: String,
    pub contact_phone: String,
}

/// What the supplier form or the API sends, as raw text; parsed by `rules::NewSupplier::parse`.
#[derive(Clone, Debug, Default)]
pub struct SupplierInput {
    pub name: String,
    pub bank_name: String,
    pub bank_account: String,
    pub tax_number: String,
    pub address: String,
    pub remarks: String,
    pub supply_scope_ids: Vec<String>,
    pub contacts: Vec<ContactInput>,
    pub form_nonce: String,
}
