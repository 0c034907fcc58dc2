//! Prints of an order (issue 4, item 10): 施工单 for the workshop (no prices), the customer's
//! receipt for a 58 mm or 80 mm thermal printer, and the A5 送货单 with a line for the
//! recipient's signature.
//!
//! Each print is a page of its own, outside the app shell, with its paper size in `@page` and a
//! small on-screen toolbar (打印, 返回订单) that `@media print` hides. The figures come from
//! `pages::display`, the same text the order page shows, so a print never disagrees with the
//! screen. The 打印 button needs a script, and the CSP allows only scripts of our own origin, so
//! this module serves its few lines at `/orders/print.js` rather than inline.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_decimal::Decimal;

use super::pages::{OrderDisplay, display};
use super::{Order, OrderId, OrderLine, service};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::AppResult;
use crate::kernel::i18n::{Locale, Message};
use crate::kernel::money::Quantity;
use crate::kernel::web::{AppState, IdPath, Query, render};
use crate::system::settings_list::{self, DELIVERY_METHOD};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/orders/print.js", get(print_script))
        .route("/orders/{id}/print/ticket", get(print_ticket))
        .route("/orders/{id}/print/receipt", get(print_receipt))
        .route("/orders/{id}/print/delivery-note", get(print_delivery_note))
}

/// The paper widths of the thermal printers a receipt is laid out for, in millimetres.
pub const RECEIPT_WIDTHS: [u32; 2] = [58, 80];

/// 施工单: what to make and by when. Carries no money on purpose: the ticket travels through
/// the workshop, and prices are not the workshop's business.
#[derive(Template)]
#[template(path = "orders/print_ticket.html")]
struct TicketPrint {
    l: Locale,
    company_name: String,
    order: OrderDisplay,
    lines: Vec<TicketLine>,
}

/// A line as the workshop reads it.
struct TicketLine {
    line_no: i64,
    product: String,
    specification: String,
    /// Width × height in the product's own unit (`120 × 100 cm`), empty for unsized products.
    size: String,
    quantity: String,
    /// The billed quantity with its unit, when it says more than the quantity (`2.4 平方米`).
    billable: String,
    /// Pages, sides and colour of a sheet-priced line (`50页 · 双面 · 黑白`).
    sheet: String,
    /// Process names only, without their amounts.
    processes: String,
    remarks: String,
}

#[derive(Template)]
#[template(path = "orders/print_receipt.html")]
struct ReceiptPrint {
    l: Locale,
    company_name: String,
    order: OrderDisplay,
    /// Paper width in millimetres, one of [`RECEIPT_WIDTHS`].
    width: u32,
}

#[derive(Template)]
#[template(path = "orders/print_delivery_note.html")]
struct DeliveryNotePrint {
    l: Locale,
    company_name: String,
    order: OrderDisplay,
    delivery_method: String,
    delivery_address: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ReceiptParams {
    width: String,
}

impl ReceiptPrint {
    /// The other paper width, for the toolbar's switch.
    fn other_width(&self) -> u32 {
        if self.width == 58 { 80 } else { 58 }
    }
}

async fn print_ticket(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let (order, shown) = load(&state, &user, l, id).await?;
    let lines = order
        .lines
        .iter()
        .map(|line| ticket_line(l, line))
        .collect();
    Ok(render(&TicketPrint {
        l,
        company_name: company_name(&user),
        order: shown,
        lines,
    }))
}

async fn print_receipt(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Query(params): Query<ReceiptParams>,
) -> AppResult<Response> {
    let (_, shown) = load(&state, &user, l, id).await?;
    let width = match receipt_width(&params.width) {
        Some(width) => width,
        None => {
            crate::orders::settings::load(&state.db, user.scope())
                .await?
                .receipt_width
        }
    };
    Ok(render(&ReceiptPrint {
        l,
        company_name: company_name(&user),
        order: shown,
        width: if RECEIPT_WIDTHS.contains(&width) {
            width
        } else {
            80
        },
    }))
}

async fn print_delivery_note(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let (order, shown) = load(&state, &user, l, id).await?;
    let delivery_method =
        settings_list::service::list_items(&state.db, user.scope(), &DELIVERY_METHOD)
            .await?
            .into_iter()
            .find(|line| Some(line.item.id) == order.delivery_method_id)
            .map(|line| line.item.name)
            .unwrap_or_default();
    Ok(render(&DeliveryNotePrint {
        l,
        company_name: company_name(&user),
        order: shown,
        delivery_method,
        delivery_address: order.delivery_address,
    }))
}

/// Wires the toolbar's 打印 button, and fits a roll receipt's page to its length: a thermal
/// printer's paper is a roll, so the page is as long as the receipt (measured when printing)
/// instead of breaking it into fixed pages.
async fn print_script() -> Response {
    const SCRIPT: &str = r#"const button = document.getElementById("print-now");
if (button) button.addEventListener("click", () => window.print());
const receipt = document.querySelector("[data-roll-width]");
if (receipt) {
  const page = document.createElement("style");
  document.head.append(page);
  const fit = () => {
    const mm = Math.ceil(receipt.getBoundingClientRect().height * 25.4 / 96) + 4;
    page.textContent = `@page { size: ${receipt.dataset.rollWidth}mm ${mm}mm; margin: 0 }`;
  };
  fit();
  window.addEventListener("beforeprint", fit);
}
"#;
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SCRIPT,
    )
        .into_response()
}

/// The order of the user's account set (another account set's is not found) and its display,
/// with each line's size in the product's own unit.
async fn load(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    id: i64,
) -> AppResult<(Order, OrderDisplay)> {
    user.require(Permission::ORDER_VIEW)?;
    let order = service::show_order(&state.db, user.scope(), OrderId(id)).await?;
    let mut shown = display(state, user, l, &order).await?;
    for (line, stored) in shown.lines.iter_mut().zip(&order.lines) {
        line.size = size_text(stored.width, stored.height, &stored.dimension_unit);
    }
    Ok((order, shown))
}

/// The shop's name at the top of a print: the company of the account set.
fn company_name(user: &CurrentUser) -> String {
    if user.company_name.trim().is_empty() {
        user.account_set_name.clone()
    } else {
        user.company_name.clone()
    }
}

/// `width=58` or `width=80` of the receipt's address; anything else leaves the choice to the
/// front-desk settings.
fn receipt_width(text: &str) -> Option<u32> {
    text.trim()
        .parse()
        .ok()
        .filter(|width| RECEIPT_WIDTHS.contains(width))
}

fn ticket_line(l: Locale, line: &OrderLine) -> TicketLine {
    let quantity = number(line.quantity);
    let billable = number(line.billable_quantity);
    let sheet = if line.pricing_mode == "sheet" {
        let mut parts = Vec::new();
        if !line.pages.is_zero() {
            parts.push(
                Message::new("print.pages")
                    .arg("pages", number(line.pages))
                    .render(l),
            );
        }
        parts.push(l.t(if line.sides == 2 {
            "order.double_sided"
        } else {
            "order.single_sided"
        }));
        parts.push(l.t(if line.colour {
            "order.in_colour"
        } else {
            "order.mono"
        }));
        parts.join(" · ")
    } else {
        String::new()
    };
    TicketLine {
        line_no: line.line_no,
        product: format!("{} {}", line.product_code, line.product_name),
        specification: line.specification.clone(),
        size: size_text(line.width, line.height, &line.dimension_unit),
        billable: if billable == quantity || billable.is_empty() {
            String::new()
        } else {
            format!("{billable} {}", line.unit_name)
        },
        quantity,
        sheet,
        processes: line
            .processes
            .iter()
            .map(|process| process.name.as_str())
            .collect::<Vec<_>>()
            .join("、"),
        remarks: line.remarks.clone(),
    }
}

/// A quantity without trailing zeros; empty for zero.
fn number(value: Quantity) -> String {
    if value.is_zero() {
        String::new()
    } else {
        value.to_decimal().normalize().to_string()
    }
}

/// Width × height, stored in metres, shown in `unit` (`m`, `cm` or `mm`; metres otherwise):
/// the workshop cuts in the unit the clerk typed.
fn size_text(width: Quantity, height: Quantity, unit: &str) -> String {
    if width.is_zero() && height.is_zero() {
        return String::new();
    }
    let (factor, unit) = match unit {
        "cm" => (100, "cm"),
        "mm" => (1000, "mm"),
        _ => (1, "m"),
    };
    let show = |metres: Quantity| (metres.to_decimal() * Decimal::from(factor)).normalize();
    format!("{} × {} {unit}", show(width), show(height))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_size(width: &str, height: &str, unit: &str, expected: &str) {
        let parse = |text: &str| Quantity::parse(text).expect("a quantity");
        assert_eq!(size_text(parse(width), parse(height), unit), expected);
    }

    #[test]
    fn sizes_are_shown_in_the_product_unit() {
        check_size("1.2", "1", "cm", "120 × 100 cm");
        check_size("0.6", "0.8", "mm", "600 × 800 mm");
        check_size("2.5", "1.25", "m", "2.5 × 1.25 m");
        check_size("0.5", "0.5", "", "0.5 × 0.5 m");
        check_size("0", "0", "cm", "");
    }

    #[test]
    fn only_known_receipt_widths_are_taken_from_the_address() {
        for (text, expected) in [
            ("58", Some(58)),
            (" 80 ", Some(80)),
            ("", None),
            ("76", None),
            ("wide", None),
        ] {
            assert_eq!(receipt_width(text), expected, "{text:?}");
        }
    }
}
