//! 客户管理 — customers (manual 2.1, DOMAIN.md §3.3), one list per account set.
//!
//! A customer is one paying entity under its full legal name, unique among the account set's
//! live customers, with any number of contacts. It carries the control fields the front desk and
//! finance read later: settlement type (记账 / 现结), whether it may hold prepaid money, whether
//! other branches may serve it, a credit limit with its mode, payment terms and a salesperson.
//! Saving a contact mobile that another live customer already has is allowed but warned about:
//! two records for one payer are merged instead (`service::merge_customer`).
//!
//! This feature does not compute debts, enforce the credit limit or link WeCom contacts: the
//! fields are kept for the chapters that do (`external_contact_id` is written by the WeCom sync).

pub mod api;
pub mod pages;
pub mod rules;
pub mod service;
mod store;

use crate::customers::contact::{Contact, ContactInput};
use crate::kernel::auth::UserId;
use crate::kernel::money::Money;
use crate::kernel::recycle_bin::RecycleKind;

/// How customers go to the recycle bin. Later chapters add `posted_sql` once money refers to them.
pub const RECYCLE_KIND: RecycleKind = RecycleKind {
    key: "customer",
    table: "customers",
    label_key: "menu.customer_list",
    describe_sql: "d.name",
    posted_sql: None,
    stored_files_sql: None,
};

/// The id of a customer (客户).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CustomerId(pub i64);

/// 结账方式: how a customer pays for its orders.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SettlementType {
    /// 记账: may take goods and pay later; the default for business customers.
    #[default]
    OnAccount,
    /// 现结: must pay before an order is approved.
    Cash,
}

/// What an exceeded credit limit does (信用额度控制).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CreditMode {
    /// The amount is advisory only.
    #[default]
    None,
    /// Saving an order over the limit warns.
    Warn,
    /// Saving an order over the limit is refused.
    Block,
}

impl SettlementType {
    pub const ALL: [SettlementType; 2] = [SettlementType::OnAccount, SettlementType::Cash];

    /// The stored and API code.
    pub fn code(self) -> &'static str {
        match self {
            SettlementType::OnAccount => "on_account",
            SettlementType::Cash => "cash",
        }
    }

    pub fn from_code(code: &str) -> Option<SettlementType> {
        SettlementType::ALL.into_iter().find(|t| t.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            SettlementType::OnAccount => "customer.settlement.on_account",
            SettlementType::Cash => "customer.settlement.cash",
        }
    }
}

impl CreditMode {
    pub const ALL: [CreditMode; 3] = [CreditMode::None, CreditMode::Warn, CreditMode::Block];

    /// The stored and API code.
    pub fn code(self) -> &'static str {
        match self {
            CreditMode::None => "none",
            CreditMode::Warn => "warn",
            CreditMode::Block => "block",
        }
    }

    pub fn from_code(code: &str) -> Option<CreditMode> {
        CreditMode::ALL.into_iter().find(|m| m.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            CreditMode::None => "customer.credit_mode.none",
            CreditMode::Warn => "customer.credit_mode.warn",
            CreditMode::Block => "customer.credit_mode.block",
        }
    }
}

/// A live customer as stored. List-item ids (group, relation, ID document kind) are ids of
/// `system::settings_list` items of the matching kind.
#[derive(Clone, Debug)]
pub struct Customer {
    pub id: CustomerId,
    pub name: String,
    pub short_name: String,
    pub address: String,
    pub customer_group_id: Option<i64>,
    pub customer_relation_id: Option<i64>,
    pub id_document_kind_id: Option<i64>,
    pub id_document_number: String,
    pub settlement_type: SettlementType,
    pub may_prepay: bool,
    pub cross_branch: bool,
    pub credit_limit: Money,
    pub credit_mode: CreditMode,
    pub payment_terms_days: i64,
    pub sales_person_id: Option<UserId>,
    pub remarks: String,
    pub external_contact_id: String,
    pub pinyin_initials: String,
    pub contacts: Vec<Contact>,
}

/// One customer in a list or a search result.
#[derive(Clone, Debug)]
pub struct CustomerLine {
    pub id: CustomerId,
    pub name: String,
    pub short_name: String,
    pub pinyin_initials: String,
    pub customer_group_id: Option<i64>,
    pub settlement_type: SettlementType,
    pub credit_limit: Money,
    pub sales_person_name: String,
    pub contact_person: String,
    pub contact_mobile: String,
    pub contact_phone: String,
}

/// Another live customer that already has one of the mobiles just saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateMobile {
    /// The contact field of the saved customer, e.g. `contacts[0].mobile`.
    pub field: String,
    pub mobile: String,
    pub customer_id: CustomerId,
    pub customer_name: String,
}

/// What the customer form or the API sends, as raw text; parsed by `rules::NewCustomer::parse`.
#[derive(Clone, Debug, Default)]
pub struct CustomerInput {
    pub name: String,
    pub short_name: String,
    pub address: String,
    pub customer_group_id: String,
    pub customer_relation_id: String,
    pub id_document_kind_id: String,
    pub id_document_number: String,
    pub settlement_type: String,
    pub may_prepay: bool,
    pub cross_branch: bool,
    pub credit_limit: String,
    pub credit_mode: String,
    pub payment_terms_days: String,
    pub sales_person_id: String,
    pub remarks: String,
    pub contacts: Vec<ContactInput>,
    pub form_nonce: String,
}
