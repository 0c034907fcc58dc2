//! 图片识别 — artwork files of an order (DOMAIN.md §4.4).
//!
//! A clerk drops a file and the line fills itself: `rules` reads a raster image's pixels and
//! density (size in mm = pixels ÷ DPI × 25.4, the settings' default DPI when the file states
//! none), a PDF's pages with their sizes and a colour/mono guess, and the shop habit of naming
//! files "背胶_60x160_3张.jpg"; it refuses a file whose content is not what its name claims.
//! `inspect` reads without saving; a file attached to an order is kept in the file store
//! (`kernel::storage`: a folder under the data directory, or an S3-compatible bucket) under a
//! random key, with a row in `order_files` holding what was read.
//!
//! It does not change order lines itself: the suggested fill goes back to the caller (the entry
//! page or an integration), which saves the order as usual.

pub mod api;
pub mod pages;
pub mod rules;
pub mod service;
mod store;

use crate::kernel::money::Quantity;
use crate::orders::order::OrderId;
use rules::FileKind;

/// The id of a file attached to an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderFileId(pub i64);

/// A file attached to an order, with what was read from it.
#[derive(Clone, Debug)]
pub struct OrderFile {
    pub id: OrderFileId,
    pub order_id: OrderId,
    pub line_no: Option<i64>,
    pub storage_key: String,
    pub file_name: String,
    pub kind: FileKind,
    pub bytes: i64,
    pub width_px: Option<i64>,
    pub height_px: Option<i64>,
    pub dpi: Option<i64>,
    pub dpi_from_file: bool,
    pub width_mm: Option<Quantity>,
    pub height_mm: Option<Quantity>,
    pub pages: i64,
    pub colour_pages: i64,
    pub mono_pages: i64,
    pub created_at: String,
    pub created_by_name: String,
}
