//! 客户合作价 — cooperative prices (manual 2.3, DOMAIN.md §4.2 step 4, §4.3 F).
//!
//! A rule gives a customer, or every customer of a customer group (客户分组), a fixed unit price
//! or a discount on one product, a product category, a process (工序) or everything. Rules carry
//! an optional validity period. Two live rules with the same holder, target and kind whose
//! periods overlap are refused: the lidian manual warns that duplicates make prices
//! unpredictable. "Everything" takes a discount only (a fixed price for every product is
//! meaningless).
//!
//! This feature stores and checks the rules and hands them to the price calculation as
//! `system::product::rules::PriceRule` through [`service::price_rules_for`]. It does not price:
//! which rule wins (customer fixed → customer discount → group fixed → group discount) is decided
//! by `system::product::rules::price_line` alone. A deleted rule is only marked deleted (it holds
//! no money, so it skips the recycle bin) and the API can restore it.

pub mod api;
pub mod pages;
pub mod rules;
pub mod service;
mod store;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::customers::customer::CustomerId;
use crate::kernel::money::Money;
use crate::system::product::rules::RuleTarget;

/// The audit `doc_kind` of cooperative prices.
pub const AUDIT_KIND: &str = "customer_price";

/// The id of a cooperative price rule (合作价).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CustomerPriceId(pub i64);

/// Who a rule is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    Customer(CustomerId),
    /// A live item of the settings list `CUSTOMER_GROUP`.
    Group(i64),
}

impl Holder {
    /// The stored and API code of the holder kind.
    pub fn code(self) -> &'static str {
        match self {
            Holder::Customer(_) => "customer",
            Holder::Group(_) => "group",
        }
    }
}

/// A fixed unit price, or a discount as the percent of the list price paid (85 = 85折).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PriceKind {
    Fixed(Money),
    /// Percent paid, above 0 and at most 100, at most two decimals.
    Discount(Decimal),
}

impl PriceKind {
    /// The stored and API code.
    pub fn code(self) -> &'static str {
        match self {
            PriceKind::Fixed(_) => "fixed",
            PriceKind::Discount(_) => "discount",
        }
    }
}

/// The stored and API code of a target kind.
pub fn target_code(target: RuleTarget) -> &'static str {
    match target {
        RuleTarget::Product(_) => "product",
        RuleTarget::Category(_) => "category",
        RuleTarget::Process(_) => "process",
        RuleTarget::Everything => "everything",
    }
}

/// The target's id; `None` for everything.
pub fn target_id(target: RuleTarget) -> Option<i64> {
    match target {
        RuleTarget::Product(id) | RuleTarget::Category(id) | RuleTarget::Process(id) => Some(id),
        RuleTarget::Everything => None,
    }
}

/// A live rule as stored, with the names the clerk knows its holder and target by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerPrice {
    pub id: CustomerPriceId,
    pub holder: Holder,
    pub target: RuleTarget,
    pub kind: PriceKind,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub remarks: String,
}

/// What the form or the API sends, as raw text; parsed by `rules::NewCustomerPrice::parse`.
/// `target_id` is the id of the product, category or process `target_kind` names.
#[derive(Clone, Debug, Default)]
pub struct CustomerPriceInput {
    pub holder_kind: String,
    pub customer_id: String,
    pub customer_group_id: String,
    pub target_kind: String,
    pub target_id: String,
    pub price_kind: String,
    pub fixed_price: String,
    pub discount_percent: String,
    pub valid_from: String,
    pub valid_to: String,
    pub remarks: String,
    pub form_nonce: String,
}
