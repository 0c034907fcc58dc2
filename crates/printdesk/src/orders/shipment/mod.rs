//! 物流发货 — shipments (issue 4 item 12, DOMAIN.md §9).
//!
//! A shipment sends one or more orders of one customer (or a single walk-in order) with a
//! delivery method (交货方式), a courier, a tracking number, the recipient and the number of
//! packages. Its freight is paid by the customer or by the shop. It lives as 待发货 (pending,
//! editable and deletable), 已发货 (shipped: the orders are marked shipped, and an order that was
//! done becomes delivered) and 已签收 (signed). A shipped shipment that is not signed can be
//! withdrawn (撤回) to pending, which clears the orders' shipped mark unless another shipment
//! still covers them.
//!
//! Not here: partial shipments per order line, weights and cash on delivery (DOMAIN.md §9 lists
//! them for later), and the delivery note (送货单), which `orders::order` prints per order.
//! Freight is recorded, never posted: see [`FeePayer::Customer`].

pub mod api;
pub mod pages;
pub mod rules;
pub mod service;
mod store;

use crate::kernel::money::Money;
use crate::orders::order::OrderId;
use crate::orders::order::rules::OrderStatus;
use rules::{FeePayer, ShipmentStatus};

/// The audit `doc_kind` and the number sequence of shipments.
pub const AUDIT_KIND: &str = "shipment";

/// The id of a shipment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShipmentId(pub i64);

/// A shipment as stored, with its orders.
#[derive(Clone, Debug)]
pub struct Shipment {
    pub id: ShipmentId,
    pub number: String,
    pub status: ShipmentStatus,
    /// `None` for a walk-in order's shipment.
    pub customer_id: Option<i64>,
    /// The customer's name, or the walk-in name of the order.
    pub customer_name: String,
    pub delivery_method_id: Option<i64>,
    pub courier: String,
    pub tracking_number: String,
    pub recipient: String,
    pub phone: String,
    pub address: String,
    pub packages: i64,
    pub fee: Money,
    pub fee_payer: FeePayer,
    pub shipped_at: Option<String>,
    pub signed_at: Option<String>,
    pub remarks: String,
    pub created_at: String,
    pub created_by_name: String,
    pub version: i64,
    pub orders: Vec<ShipmentOrder>,
}

/// An order a shipment covers, as the shipment shows it.
#[derive(Clone, Debug)]
pub struct ShipmentOrder {
    pub id: OrderId,
    pub number: String,
    pub status: OrderStatus,
    pub customer_id: Option<i64>,
    /// The customer's name, or the walk-in name.
    pub customer_name: String,
    pub total: Money,
}

/// A shipment in the list.
#[derive(Clone, Debug)]
pub struct ShipmentListLine {
    pub id: ShipmentId,
    pub number: String,
    pub status: ShipmentStatus,
    pub customer_name: String,
    pub order_numbers: Vec<String>,
    pub delivery_method_id: Option<i64>,
    pub courier: String,
    pub tracking_number: String,
    pub recipient: String,
    pub packages: i64,
    pub fee: Money,
    pub fee_payer: FeePayer,
    pub created_at: String,
    pub shipped_at: Option<String>,
    pub signed_at: Option<String>,
}

/// What the form or the API sends, as raw text; read by `rules::NewShipment::parse`.
#[derive(Clone, Debug, Default)]
pub struct ShipmentInput {
    pub order_ids: Vec<i64>,
    pub delivery_method_id: String,
    pub courier: String,
    pub tracking_number: String,
    pub recipient: String,
    pub phone: String,
    pub address: String,
    pub packages: String,
    /// Yuan, e.g. `12.50`.
    pub fee: String,
    /// `customer` or `shop`.
    pub fee_payer: String,
    pub remarks: String,
    /// On edit, the version the clerk started from.
    pub version: Option<i64>,
    pub form_nonce: String,
}
