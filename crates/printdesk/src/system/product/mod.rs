//! 产品管理 — products and how they are priced (manual 5.3, DOMAIN.md §3.1 and §4).
//!
//! `rules` holds the price calculation: a pure function in the order of operations of DOMAIN.md
//! §4.2 (raw quantity → per-piece minimum → rounded billable quantity → unit price by the first
//! matching rule → amount → minimum charge → processes), which also explains how it reached the
//! figure, plus the order-level figures (management fee, tax, round-off) of §4.3 G–I. Orders, the
//! price preview API and quotes all call it; nothing else computes a price. `rules` also parses
//! the product form ([`ProductInput`] → `rules::NewProduct`), the preview request, and the rows
//! of an import sheet (`rules::parse_import`, through the same form parse; `service` saves every
//! row in one write transaction or none).
//!
//! `store`, `service`, `pages` and `api` keep products (code, name, category, unit, pricing mode,
//! list and colour prices, tiers, minimums, default processes) and offer the price preview
//! (试算). Categories, units and processes are settings-list items read through
//! `system::settings_list::service`. A deleted product waits in the recycle bin (产品回收站) and
//! keeps its code there. Cooperative prices (客户合作价) are not kept here: the preview asks
//! `customers::customer_price` for a customer's rules.

pub mod api;
pub mod pages;
pub mod rules;
mod search;
pub mod service;
mod store;

use rust_decimal::Decimal;

use crate::kernel::money::Money;
use crate::kernel::recycle_bin::RecycleKind;
use rules::{DimensionUnit, PricingMode, SheetUnit, TierTable};

/// How products go to the recycle bin. A product sold on any order (even one in the order bin)
/// cannot be purged: `order_lines.product_id` references it, so the purge is refused as still
/// referenced, and the product can only be deactivated.
pub const RECYCLE_KIND: RecycleKind = RecycleKind {
    key: "product",
    table: "products",
    label_key: "menu.products",
    describe_sql: "d.code || ' ' || d.name",
    posted_sql: None,
    stored_files_sql: None,
};

/// The id of a product (产品).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ProductId(pub i64);

/// A live product as stored, with its tiers and default processes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Product {
    pub id: ProductId,
    pub code: String,
    pub name: String,
    /// A 产品类别 item.
    pub category_id: i64,
    /// A 计量单位 item.
    pub unit_id: i64,
    pub specification: String,
    pub cost_price: Money,
    /// Percent, e.g. 13 for 13 %.
    pub tax_rate: Decimal,
    pub pricing_mode: PricingMode,
    pub sheet_unit: SheetUnit,
    pub list_price: Money,
    /// Sheet products printed in colour.
    pub colour_list_price: Option<Money>,
    pub min_per_piece: Decimal,
    pub min_charge: Money,
    /// 最大幅宽 and 最大长度 in metres; zero for no limit.
    pub max_width: Decimal,
    pub max_length: Decimal,
    pub tiers: Option<TierTable>,
    pub colour_tiers: Option<TierTable>,
    /// The unit sizes are typed in by default.
    pub dimension_unit: DimensionUnit,
    pub pinyin_initials: String,
    pub is_active: bool,
    /// Grows by one on every save; an edit based on an older version is refused.
    pub version: i64,
    /// 工序 items, in order.
    pub process_ids: Vec<i64>,
}

/// A product in a list or search result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductLine {
    pub id: ProductId,
    pub code: String,
    pub name: String,
    pub category_id: i64,
    pub unit_id: i64,
    pub specification: String,
    pub pricing_mode: PricingMode,
    pub list_price: Money,
    pub is_active: bool,
}

/// One tier row as typed: from which quantity, and the price.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TierInput {
    pub from: String,
    pub price: String,
}

/// What the product form or the API sends, as raw text; parsed by `rules::NewProduct::parse`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProductInput {
    pub code: String,
    pub name: String,
    pub category_id: String,
    pub unit_id: String,
    pub specification: String,
    pub cost_price: String,
    pub tax_rate: String,
    pub pricing_mode: String,
    pub sheet_unit: String,
    pub list_price: String,
    pub colour_list_price: String,
    pub min_per_piece: String,
    pub min_charge: String,
    pub max_width: String,
    pub max_length: String,
    pub tier_style: String,
    pub tiers: Vec<TierInput>,
    pub colour_tier_style: String,
    pub colour_tiers: Vec<TierInput>,
    pub run_on_per_thousand: String,
    pub dimension_unit: String,
    pub process_ids: Vec<String>,
    pub is_active: bool,
    /// On edit, the version the form was based on; empty skips the check (API clients).
    pub version: String,
    pub form_nonce: String,
}

/// What a price preview (试算) asks, as raw text; parsed by `rules::PreviewRequest::parse`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreviewInput {
    pub product_id: ProductId,
    pub customer_id: Option<i64>,
    pub width: String,
    pub height: String,
    /// `m`, `cm` or `mm`; empty means the product's default.
    pub dimension_unit: String,
    pub quantity: String,
    pub pages: String,
    pub sides: String,
    pub colour: bool,
    /// 面议 products: the unit price agreed at the counter.
    pub unit_price: String,
    /// `None`: the product's default processes.
    pub process_ids: Option<Vec<i64>>,
}
