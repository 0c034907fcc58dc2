//! PrintDesk (印务台): a web ERP for print, copy and sign shops.
//!
//! The modules follow the manual's chapters (ARCHITECTURE.md is the map): `kernel` is what every
//! chapter builds on; `desktop`, `system` and `finance` are chapters of the manual.

rust_i18n::i18n!("locales", fallback = "zh-CN");

pub mod bench;
pub mod cli;
pub mod customers;
pub mod demo;
pub mod demo_orders;
pub mod desktop;
pub mod finance;
pub mod kernel;
pub mod orders;
pub mod system;
