//! 产品订单 — orders (manual 1.1, 1.1.1, 1.1.2, DOMAIN.md §4).
//!
//! `rules` holds the life cycle and the order totals; every line is priced by
//! `system::product::rules::price_line` through `system::product::service` (the same calculation
//! as the price preview), with the customer's cooperative prices. `service` saves an order in one
//! write transaction with a gap-free number (prefix + date + sequence, `kernel::db::next_in_sequence`)
//! and a form nonce against double submits; an edit names the version it started from and is
//! refused if someone saved first. Approval locks the prices and releases the tasks
//! (`orders::task`). A deleted order waits in 订单回收站 (the kernel bin).
//! `print` lays an order out on paper: 施工单, the thermal receipt and the A5 送货单.

pub mod api;
pub mod pages;
pub mod print;
pub mod rules;
pub mod service;
mod store;

pub(crate) use store::remember_all_search_values;

use crate::kernel::money::{Money, Quantity};
use crate::kernel::recycle_bin::RecycleKind;
use rules::OrderStatus;

/// How orders go to the recycle bin; money posted against an order forbids purging it.
pub const RECYCLE_KIND: RecycleKind = RecycleKind {
    key: "order",
    table: "orders",
    label_key: "menu.orders",
    describe_sql: "d.number",
    posted_sql: Some(
        "select count(*) from orders where account_set_id = $1 and id = $2 and paid_amount <> 0",
    ),
    // 图片识别: the order's artwork files (`order_files` rows go by `on delete cascade`).
    stored_files_sql: Some(
        "select storage_key from order_files where account_set_id = $1 and order_id = $2",
    ),
};

/// The id of an order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct OrderId(pub i64);

/// An order as stored, with its lines.
#[derive(Clone, Debug)]
pub struct Order {
    pub id: OrderId,
    pub number: String,
    pub order_date: String,
    pub status: OrderStatus,
    pub customer_id: Option<i64>,
    pub customer_name: String,
    pub walk_in_name: String,
    pub walk_in_mobile: String,
    pub contact_person: String,
    pub contact_phone: String,
    pub category_id: Option<i64>,
    pub delivery_method_id: Option<i64>,
    pub delivery_address: String,
    pub due_at: Option<String>,
    pub sales_person_id: Option<i64>,
    pub remarks: String,
    pub tag_ids: Vec<i64>,
    pub goods_amount: Money,
    pub process_amount: Money,
    pub management_fee: Money,
    pub tax_rate: Quantity,
    pub tax_inclusive: bool,
    pub tax_amount: Money,
    pub discount: Money,
    pub round_off: Money,
    pub total: Money,
    pub paid_amount: Money,
    pub shipped: bool,
    pub created_at: String,
    pub created_by_name: String,
    pub approved_at: Option<String>,
    pub version: i64,
    pub lines: Vec<OrderLine>,
}

/// A priced line of an order.
#[derive(Clone, Debug)]
pub struct OrderLine {
    pub id: i64,
    pub line_no: i64,
    pub product_id: i64,
    pub product_code: String,
    pub product_name: String,
    pub unit_name: String,
    pub specification: String,
    pub pricing_mode: String,
    pub dimension_unit: String,
    /// Metres.
    pub width: Quantity,
    pub height: Quantity,
    pub quantity: Quantity,
    pub pages: Quantity,
    pub sides: i64,
    pub colour: bool,
    pub billable_quantity: Quantity,
    pub unit_price: Money,
    pub amount: Money,
    pub process_amount: Money,
    pub line_total: Money,
    pub price_source: String,
    /// How the price was reached, in the words of the clerk who priced it, one step per line.
    pub explanation: String,
    /// What the rules gave before an override (equal to `amount` without one).
    pub priced_amount: Money,
    pub override_reason: String,
    pub override_by: Option<i64>,
    pub remarks: String,
    pub processes: Vec<LineProcess>,
}

/// A process (工序) of a line, priced.
#[derive(Clone, Debug)]
pub struct LineProcess {
    pub process_id: i64,
    pub name: String,
    pub quantity: Quantity,
    pub unit_price: Money,
    pub amount: Money,
}

/// An order in the list.
#[derive(Clone, Debug)]
pub struct OrderListLine {
    pub id: OrderId,
    pub number: String,
    pub order_date: String,
    pub status: OrderStatus,
    pub customer_name: String,
    pub category_id: Option<i64>,
    pub due_at: Option<String>,
    pub sales_person_name: String,
    pub total: Money,
    pub paid_amount: Money,
    pub tag_ids: Vec<i64>,
}
