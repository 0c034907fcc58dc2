//! 回收站 — the recycle bin page over `kernel::recycle_bin`: deleted documents of every kind in
//! [`RECYCLE_KINDS`], grouped by kind, to restore or purge.
//!
//! Deleting happens in each document's own service (it knows what may not be deleted); this
//! feature only restores and purges. A purge is refused while money is posted against the
//! document (it can only be reversed) or while other rows still refer to it. A purge that goes
//! through also removes the document's stored files (an order's artwork) from the file store,
//! after its transaction commits (`kernel::recycle_bin::Purged`).

pub mod api;
pub mod pages;
pub mod service;

use crate::kernel::recycle_bin::RecycleKind;

/// Every document kind that can go to the recycle bin. A new kind is added here.
pub const RECYCLE_KINDS: &[&RecycleKind] = &[
    &crate::system::department::RECYCLE_KIND,
    &crate::finance::ledger_account::RECYCLE_KIND,
    &crate::customers::customer::RECYCLE_KIND,
    &crate::customers::supplier::RECYCLE_KIND,
    &crate::system::product::RECYCLE_KIND,
    &crate::orders::order::RECYCLE_KIND,
];
