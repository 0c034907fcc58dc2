//! Pure rules of orders: the life cycle (DOMAIN.md §4.6), reading the header a clerk typed, and
//! the order totals (§4.3 G–I) in one documented order:
//!
//! 1. goods = Σ line amounts, processes = Σ line process amounts (each priced by
//!    `system::product::rules::price_line`, or overridden by a clerk with the permission);
//! 2. 管理费 on goods + processes (percent rounded once to the amount's places, or fixed);
//! 3. 优惠 (discount) taken off, never below zero;
//! 4. 税 on what remains: tax-inclusive prices split it out (the total does not move),
//!    tax-exclusive prices add it;
//! 5. 抹零 rounds the total down to the jiao or yuan as an explicit, negative round-off figure.
//!
//! Nothing here touches the database.

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use crate::kernel::error::FieldErrors;
use crate::kernel::i18n::Message;
use crate::kernel::money::{DecimalPlaces, Money, parse_decimal};
use crate::orders::settings::OrderSettings;
use crate::system::product::rules::{management_fee, round_off, tax};

/// Most lines on one order.
pub const MAX_LINES: usize = 200;
const MAX_TEXT: usize = 200;
const MAX_REMARKS: usize = 1000;

/// Where an order is in its life (DOMAIN.md §4.6). Production moves it from approved to done as
/// its tasks start and finish; settlement (next chapter) closes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrderStatus {
    Draft,
    Approved,
    InProduction,
    Done,
    Delivered,
    Closed,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 7] = [
        OrderStatus::Draft,
        OrderStatus::Approved,
        OrderStatus::InProduction,
        OrderStatus::Done,
        OrderStatus::Delivered,
        OrderStatus::Closed,
        OrderStatus::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrderStatus::Draft => "draft",
            OrderStatus::Approved => "approved",
            OrderStatus::InProduction => "in_production",
            OrderStatus::Done => "done",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Closed => "closed",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            OrderStatus::Draft => "order.status.draft",
            OrderStatus::Approved => "order.status.approved",
            OrderStatus::InProduction => "order.status.in_production",
            OrderStatus::Done => "order.status.done",
            OrderStatus::Delivered => "order.status.delivered",
            OrderStatus::Closed => "order.status.closed",
            OrderStatus::Cancelled => "order.status.cancelled",
        }
    }

    /// Lines, prices and header may change only in a draft.
    pub fn is_editable(self) -> bool {
        self == OrderStatus::Draft
    }
}

/// What a clerk asks of an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderAction {
    /// 审核: locks the prices and releases the tasks.
    Approve,
    /// 反审核: back to draft, when nothing is posted and no task has started.
    Unapprove,
    /// 完工: production finished (every task done, or the order has none).
    Finish,
    /// 交付: handed over or shipped.
    Deliver,
    /// 作废.
    Cancel,
}

impl OrderAction {
    pub fn code(self) -> &'static str {
        match self {
            OrderAction::Approve => "approve",
            OrderAction::Unapprove => "unapprove",
            OrderAction::Finish => "finish",
            OrderAction::Deliver => "deliver",
            OrderAction::Cancel => "cancel",
        }
    }

    pub fn from_code(code: &str) -> Option<OrderAction> {
        [
            OrderAction::Approve,
            OrderAction::Unapprove,
            OrderAction::Finish,
            OrderAction::Deliver,
            OrderAction::Cancel,
        ]
        .into_iter()
        .find(|a| a.code() == code)
    }
}

/// What stands in the way of an action, beside the status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OrderFacts {
    pub paid: Money,
    pub shipped: bool,
    pub tasks: usize,
    pub tasks_started: usize,
    pub tasks_done: usize,
}

/// The status after `action`, or why it is refused (a message for a 409).
pub fn transition(
    status: OrderStatus,
    action: OrderAction,
    facts: &OrderFacts,
) -> Result<OrderStatus, Message> {
    use OrderAction as A;
    use OrderStatus as S;
    let refused = || {
        Message::new("order.action_refused")
            .arg("action", action.code())
            .arg("status", status.code())
    };
    match (action, status) {
        (A::Approve, S::Draft) => Ok(S::Approved),
        (A::Unapprove, S::Approved | S::InProduction | S::Done) => {
            if !facts.paid.is_zero() {
                Err(Message::new("order.unapprove_paid"))
            } else if facts.shipped {
                Err(Message::new("order.unapprove_shipped"))
            } else if facts.tasks_started > 0 {
                Err(Message::new("order.unapprove_started"))
            } else {
                Ok(S::Draft)
            }
        }
        (A::Finish, S::Approved | S::InProduction) => {
            if facts.tasks_done < facts.tasks {
                Err(Message::new("order.tasks_open").arg("n", facts.tasks - facts.tasks_done))
            } else {
                Ok(S::Done)
            }
        }
        (A::Deliver, S::Approved | S::InProduction | S::Done) => {
            if facts.tasks_done < facts.tasks {
                Err(Message::new("order.tasks_open").arg("n", facts.tasks - facts.tasks_done))
            } else {
                Ok(S::Delivered)
            }
        }
        (A::Cancel, S::Draft | S::Approved) => {
            if !facts.paid.is_zero() {
                Err(Message::new("order.cancel_paid"))
            } else if facts.tasks_started > 0 {
                Err(Message::new("order.unapprove_started"))
            } else {
                Ok(S::Cancelled)
            }
        }
        _ => Err(refused()),
    }
}

/// The production status an approved order shows (待生产, 生产中, 已完工), from its tasks.
pub fn status_from_tasks(status: OrderStatus, facts: &OrderFacts) -> OrderStatus {
    match status {
        OrderStatus::Approved | OrderStatus::InProduction | OrderStatus::Done => {
            if facts.tasks > 0 && facts.tasks_done == facts.tasks {
                OrderStatus::Done
            } else if facts.tasks_started > 0 {
                OrderStatus::InProduction
            } else {
                OrderStatus::Approved
            }
        }
        other => other,
    }
}

/// One line as typed: raw text, parsed and priced by the service.
#[derive(Clone, Debug, Default)]
pub struct LineInput {
    /// The product's id (API, or chosen from the search).
    pub product_id: Option<i64>,
    /// Or its code as typed at the counter (forms without JavaScript).
    pub product_code: String,
    pub specification: String,
    pub width: String,
    pub height: String,
    /// `m`, `cm` or `mm`; empty: the product's default.
    pub dimension_unit: String,
    pub quantity: String,
    pub pages: String,
    pub sides: String,
    pub colour: bool,
    /// 面议 products: the agreed price. Others: an override of the computed unit price.
    pub unit_price: String,
    /// An override of the computed goods amount.
    pub amount: String,
    /// Why the price was overridden (required with an override).
    pub override_reason: String,
    /// `None`: the product's default processes.
    pub process_ids: Option<Vec<i64>>,
    pub remarks: String,
}

impl LineInput {
    /// A grid row the clerk left empty, skipped rather than refused.
    pub fn is_blank(&self) -> bool {
        self.product_id.is_none()
            && self.product_code.trim().is_empty()
            && self.width.trim().is_empty()
            && self.height.trim().is_empty()
            && self.quantity.trim().is_empty()
            && self.unit_price.trim().is_empty()
            && self.amount.trim().is_empty()
    }
}

/// An order as typed, from the form or the API.
#[derive(Clone, Debug, Default)]
pub struct OrderInput {
    pub customer_id: Option<i64>,
    pub walk_in_name: String,
    pub walk_in_mobile: String,
    pub contact_person: String,
    pub contact_phone: String,
    pub category_id: String,
    pub delivery_method_id: String,
    pub delivery_address: String,
    /// `YYYY-MM-DD HH:MM` (or with a `T`); empty: none.
    pub due_at: String,
    pub sales_person_id: String,
    pub remarks: String,
    pub tag_ids: Vec<i64>,
    /// 优惠, yuan.
    pub discount: String,
    /// Percent; empty: the settings' default.
    pub tax_rate: String,
    pub lines: Vec<LineInput>,
    /// On edit, the version the clerk started from.
    pub version: Option<i64>,
    pub form_nonce: String,
}

/// The header of an order, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub customer_id: Option<i64>,
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
    pub discount: Money,
    pub tax_rate: Decimal,
}

fn optional_id(field: &'static str, text: &str, errors: &mut FieldErrors) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match text.parse::<i64>() {
        Ok(id) if id > 0 => Some(id),
        _ => {
            errors.add(field, Message::new("order.choice_unknown"));
            None
        }
    }
}

fn bounded(field: &'static str, text: &str, max: usize, errors: &mut FieldErrors) -> String {
    let text = text.trim();
    if text.chars().count() > max {
        errors.add(field, Message::new("order.text_too_long").arg("max", max));
    }
    text.to_owned()
}

/// Reads a due time `YYYY-MM-DD HH:MM` (a `T` between is fine, seconds are dropped).
pub fn parse_due_at(text: &str) -> Option<String> {
    let text = text.trim().replace('T', " ");
    let text = text.get(..16).unwrap_or(&text);
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
        .ok()
        .map(|at| at.format("%Y-%m-%d %H:%M").to_string())
}

/// Checks the header. `today` bounds the due date (not before the order's day).
pub fn parse_header(
    input: &OrderInput,
    settings: &OrderSettings,
    today: NaiveDate,
) -> Result<Header, FieldErrors> {
    let mut errors = FieldErrors::new();
    let walk_in_name = bounded("walk_in_name", &input.walk_in_name, 50, &mut errors);
    let walk_in_mobile = bounded("walk_in_mobile", &input.walk_in_mobile, 20, &mut errors);
    if !walk_in_mobile.is_empty()
        && !walk_in_mobile
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == '+' || c == ' ')
    {
        errors.add("walk_in_mobile", Message::new("order.phone_invalid"));
    }
    if input.customer_id.is_none() && settings.require_customer {
        errors.add("customer_id", Message::new("order.customer_required"));
    }
    let contact_person = bounded("contact_person", &input.contact_person, 50, &mut errors);
    let contact_phone = bounded("contact_phone", &input.contact_phone, 30, &mut errors);
    let category_id = optional_id("category_id", &input.category_id, &mut errors);
    let delivery_method_id =
        optional_id("delivery_method_id", &input.delivery_method_id, &mut errors);
    let delivery_address = bounded(
        "delivery_address",
        &input.delivery_address,
        MAX_TEXT,
        &mut errors,
    );
    let due_at = if input.due_at.trim().is_empty() {
        None
    } else {
        match parse_due_at(&input.due_at) {
            Some(at) if at.as_str() >= today.format("%Y-%m-%d").to_string().as_str() => Some(at),
            Some(_) => {
                errors.add("due_at", Message::new("order.due_in_past"));
                None
            }
            None => {
                errors.add("due_at", Message::new("order.due_invalid"));
                None
            }
        }
    };
    let sales_person_id = optional_id("sales_person_id", &input.sales_person_id, &mut errors);
    let remarks = bounded("remarks", &input.remarks, MAX_REMARKS, &mut errors);
    let discount = match input.discount.trim() {
        "" => Money::ZERO,
        text => match Money::parse(text) {
            Ok(m) if !m.is_negative() => m,
            _ => {
                errors.add("discount", Message::new("order.amount_invalid"));
                Money::ZERO
            }
        },
    };
    let tax_rate = match input.tax_rate.trim() {
        "" => settings.default_tax_rate,
        text => match parse_decimal(text) {
            Ok(r) if r >= Decimal::ZERO && r <= Decimal::from(100) => r,
            _ => {
                errors.add("tax_rate", Message::new("order.tax_rate_invalid"));
                Decimal::ZERO
            }
        },
    };
    let mut tag_ids = input.tag_ids.clone();
    tag_ids.sort_unstable();
    tag_ids.dedup();
    if input.lines.iter().filter(|l| !l.is_blank()).count() == 0 {
        errors.add("lines", Message::new("order.no_lines"));
    }
    if input.lines.len() > MAX_LINES {
        errors.add(
            "lines",
            Message::new("order.too_many_lines").arg("max", MAX_LINES),
        );
    }
    errors.into_result(Header {
        customer_id: input.customer_id,
        walk_in_name,
        walk_in_mobile,
        contact_person,
        contact_phone,
        category_id,
        delivery_method_id,
        delivery_address,
        due_at,
        sales_person_id,
        remarks,
        tag_ids,
        discount,
        tax_rate,
    })
}

/// The order figures (see the module docs for the order they are applied in).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub goods: Money,
    pub processes: Money,
    pub management_fee: Money,
    pub discount: Money,
    pub tax: Money,
    /// Zero or negative.
    pub round_off: Money,
    /// What the customer owes.
    pub total: Money,
}

/// The totals of priced lines given as (goods amount, process amount). Fails on `discount` when
/// it is more than the order is worth.
pub fn totals(
    lines: &[(Money, Money)],
    settings: &OrderSettings,
    discount: Money,
    tax_rate: Decimal,
    places: &DecimalPlaces,
) -> Result<Totals, FieldErrors> {
    let sum = |pick: fn(&(Money, Money)) -> Money| {
        Money::from_scaled(lines.iter().map(|l| pick(l).scaled()).sum())
    };
    let goods = sum(|l| l.0);
    let processes = sum(|l| l.1);
    let subtotal = Money::from_scaled(goods.scaled() + processes.scaled());
    let fee = management_fee(subtotal, settings.management_fee, places);
    let before_discount = Money::from_scaled(subtotal.scaled() + fee.scaled());
    if discount.scaled() > before_discount.scaled() {
        return Err(FieldErrors::single(
            "discount",
            Message::new("order.discount_too_large")
                .arg("max", before_discount.format(places.amount)),
        ));
    }
    let taxable = Money::from_scaled(before_discount.scaled() - discount.scaled());
    let split = tax(taxable, tax_rate, settings.tax_inclusive, places);
    let (total, adjustment) = round_off(split.gross, settings.round_off.unit());
    Ok(Totals {
        goods,
        processes,
        management_fee: fee,
        discount,
        tax: split.tax,
        round_off: adjustment,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orders::settings::RoundOffRule;
    use crate::system::product::rules::ManagementFee;

    fn money(text: &str) -> Money {
        Money::parse(text).unwrap()
    }

    #[test]
    fn totals_apply_fee_discount_tax_and_round_off_once_each_in_order() {
        let settings = OrderSettings {
            management_fee: ManagementFee::Percent(Decimal::from(5)),
            tax_inclusive: true,
            round_off: RoundOffRule::Yuan,
            ..OrderSettings::default()
        };
        let places = DecimalPlaces::default();
        // 1,800.00 goods + 200.00 processes = 2,000.00; fee 5% = 100.00 (§4.3 G);
        // discount 10.00 → 2,090.00; 13% inclusive tax = 240.44; nothing to round off.
        let t = totals(
            &[(money("1500"), money("200")), (money("300"), Money::ZERO)],
            &settings,
            money("10"),
            Decimal::from(13),
            &places,
        )
        .unwrap();
        assert_eq!(t.goods, money("1800"));
        assert_eq!(t.processes, money("200"));
        assert_eq!(t.management_fee, money("100"));
        assert_eq!(t.tax, money("240.44"));
        assert_eq!(t.round_off, Money::ZERO);
        assert_eq!(t.total, money("2090"));
        // §4.3 I: round-off changes the document: 1,234.56 to the yuan → −0.56 and 1,234.00 owed.
        let t = totals(
            &[(money("1234.56"), Money::ZERO)],
            &OrderSettings {
                round_off: RoundOffRule::Yuan,
                ..OrderSettings::default()
            },
            Money::ZERO,
            Decimal::ZERO,
            &places,
        )
        .unwrap();
        assert_eq!((t.total, t.round_off), (money("1234"), money("-0.56")));
    }

    #[test]
    fn exclusive_tax_is_added_and_a_discount_cannot_exceed_the_order() {
        let settings = OrderSettings {
            tax_inclusive: false,
            ..OrderSettings::default()
        };
        let places = DecimalPlaces::default();
        // §4.3 H: 1,000.00 ex-tax at 13% → 130.00 tax, 1,130.00 owed.
        let t = totals(
            &[(money("1000"), Money::ZERO)],
            &settings,
            Money::ZERO,
            Decimal::from(13),
            &places,
        )
        .unwrap();
        assert_eq!((t.tax, t.total), (money("130"), money("1130")));
        let err = totals(
            &[(money("10"), Money::ZERO)],
            &settings,
            money("10.01"),
            Decimal::ZERO,
            &places,
        )
        .unwrap_err();
        assert_eq!(err.iter().next().unwrap().field, "discount");
    }

    #[test]
    fn life_cycle_refuses_what_money_shipments_or_started_work_forbid() {
        let none = OrderFacts::default();
        assert_eq!(
            transition(OrderStatus::Draft, OrderAction::Approve, &none),
            Ok(OrderStatus::Approved)
        );
        assert_eq!(
            transition(OrderStatus::Approved, OrderAction::Unapprove, &none),
            Ok(OrderStatus::Draft)
        );
        let paid = OrderFacts {
            paid: money("5"),
            ..OrderFacts::default()
        };
        assert!(transition(OrderStatus::Approved, OrderAction::Unapprove, &paid).is_err());
        assert!(transition(OrderStatus::Approved, OrderAction::Cancel, &paid).is_err());
        let shipped = OrderFacts {
            shipped: true,
            ..OrderFacts::default()
        };
        assert!(transition(OrderStatus::Done, OrderAction::Unapprove, &shipped).is_err());
        let open = OrderFacts {
            tasks: 2,
            tasks_started: 1,
            tasks_done: 1,
            ..OrderFacts::default()
        };
        assert!(transition(OrderStatus::InProduction, OrderAction::Finish, &open).is_err());
        assert!(transition(OrderStatus::Draft, OrderAction::Deliver, &none).is_err());
        assert!(transition(OrderStatus::Cancelled, OrderAction::Approve, &none).is_err());
        assert_eq!(
            status_from_tasks(OrderStatus::Approved, &open),
            OrderStatus::InProduction
        );
        let all_done = OrderFacts {
            tasks: 2,
            tasks_started: 2,
            tasks_done: 2,
            ..OrderFacts::default()
        };
        assert_eq!(
            status_from_tasks(OrderStatus::InProduction, &all_done),
            OrderStatus::Done
        );
    }

    #[test]
    fn header_names_each_bad_field() {
        let settings = OrderSettings {
            require_customer: true,
            ..OrderSettings::default()
        };
        let input = OrderInput {
            walk_in_mobile: "13x".to_owned(),
            due_at: "2026-13-01 10:00".to_owned(),
            discount: "-1".to_owned(),
            tax_rate: "120".to_owned(),
            ..OrderInput::default()
        };
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let errors = parse_header(&input, &settings, today).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(
            fields,
            [
                "walk_in_mobile",
                "customer_id",
                "due_at",
                "discount",
                "tax_rate",
                "lines"
            ]
        );
        assert_eq!(
            parse_due_at("2026-11-26T17:30:00").as_deref(),
            Some("2026-11-26 17:30")
        );
    }
}
