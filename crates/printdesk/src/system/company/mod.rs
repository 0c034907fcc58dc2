//! 公司信息 — the company profile (manual 5.1): name, short name, address, phone, tax number and
//! bank account, printed on receipts and statements.
//!
//! There is one company per installation (the row made at first run); every account set shares
//! it. This feature never creates or deletes that row, it only changes it.

pub mod api;
pub mod pages;
pub mod service;
mod store;

/// The audit `doc_kind` of the company profile.
pub const DOC_KIND: &str = "company";

/// The company profile, as the form and the API send and show it.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CompanyInput {
    pub name: String,
    pub short_name: String,
    pub address: String,
    pub phone: String,
    pub tax_number: String,
    pub bank_account: String,
}
