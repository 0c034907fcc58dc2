//! Pure rules of shipments: the life cycle 待发货 → 已发货 → 已签收 (and 撤回 back to 待发货),
//! reading what the clerk typed, which orders may travel together, what shipping does to an
//! order's status, and the day bounds of the list's date filter.
//!
//! Nothing here touches the database or the clock.

use chrono::{Duration, NaiveDate, NaiveTime, SecondsFormat};

use rust_decimal::Decimal;

use super::ShipmentInput;
use crate::kernel::error::FieldErrors;
use crate::kernel::i18n::Message;
use crate::kernel::money::Money;
use crate::orders::order::OrderId;
use crate::orders::order::rules::OrderStatus;

/// Most orders on one shipment.
pub const MAX_ORDERS: usize = 50;
/// Most packages (件数) on one shipment; more is a typing error.
pub const MAX_PACKAGES: i64 = 9_999;
/// The largest freight accepted, in yuan.
pub const MAX_FEE: i64 = 1_000_000;
const MAX_TEXT: usize = 50;
const MAX_ADDRESS: usize = 200;
const MAX_REMARKS: usize = 500;

/// Couriers the form suggests (the clerk may type any other).
pub const COURIERS: [&str; 5] = ["顺丰", "中通", "德邦", "货拉拉", "自送"];

/// What shipping does to an order: one that was 已完工 becomes 已交付.
pub const ON_SHIP: (OrderStatus, OrderStatus) = (OrderStatus::Done, OrderStatus::Delivered);
/// What withdrawing the last shipment of an order undoes.
pub const ON_WITHDRAW: (OrderStatus, OrderStatus) = (OrderStatus::Delivered, OrderStatus::Done);

/// Where a shipment is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShipmentStatus {
    /// 待发货: being prepared; may be edited or deleted.
    Pending,
    /// 已发货: handed to the courier; its orders are shipped.
    Shipped,
    /// 已签收: the customer signed for it; final.
    Signed,
}

impl ShipmentStatus {
    pub const ALL: [ShipmentStatus; 3] = [
        ShipmentStatus::Pending,
        ShipmentStatus::Shipped,
        ShipmentStatus::Signed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ShipmentStatus::Pending => "pending",
            ShipmentStatus::Shipped => "shipped",
            ShipmentStatus::Signed => "signed",
        }
    }

    pub fn from_code(code: &str) -> Option<ShipmentStatus> {
        ShipmentStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            ShipmentStatus::Pending => "shipment.status.pending",
            ShipmentStatus::Shipped => "shipment.status.shipped",
            ShipmentStatus::Signed => "shipment.status.signed",
        }
    }

    /// Only a pending shipment may be edited or deleted.
    pub fn is_editable(self) -> bool {
        self == ShipmentStatus::Pending
    }
}

/// Who pays the freight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FeePayer {
    /// Charged to the customer. Recorded on the shipment only: posting it to the order's
    /// receivable (as an order line, DOMAIN.md §9) waits for the settlement chapter (收款结算),
    /// which owns receivables. Until then nobody is billed for it automatically.
    Customer,
    /// A cost of the shop (its order's profit, once finance reports it).
    Shop,
}

impl FeePayer {
    pub const ALL: [FeePayer; 2] = [FeePayer::Customer, FeePayer::Shop];

    pub fn code(self) -> &'static str {
        match self {
            FeePayer::Customer => "customer",
            FeePayer::Shop => "shop",
        }
    }

    pub fn from_code(code: &str) -> Option<FeePayer> {
        FeePayer::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            FeePayer::Customer => "shipment.fee_payer.customer",
            FeePayer::Shop => "shipment.fee_payer.shop",
        }
    }
}

/// What a clerk asks of a shipment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShipmentAction {
    /// 发货.
    Ship,
    /// 签收.
    Sign,
    /// 撤回: back to pending, while not signed.
    Revert,
}

impl ShipmentAction {
    pub const ALL: [ShipmentAction; 3] = [
        ShipmentAction::Ship,
        ShipmentAction::Sign,
        ShipmentAction::Revert,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ShipmentAction::Ship => "ship",
            ShipmentAction::Sign => "sign",
            ShipmentAction::Revert => "revert",
        }
    }

    pub fn from_code(code: &str) -> Option<ShipmentAction> {
        ShipmentAction::ALL.into_iter().find(|a| a.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            ShipmentAction::Ship => "shipment.action.ship",
            ShipmentAction::Sign => "shipment.action.sign",
            ShipmentAction::Revert => "shipment.action.revert",
        }
    }
}

/// The status after `action`, or why it is refused (a message for a 409).
pub fn transition(
    status: ShipmentStatus,
    action: ShipmentAction,
) -> Result<ShipmentStatus, Message> {
    use ShipmentAction as A;
    use ShipmentStatus as S;
    match (action, status) {
        (A::Ship, S::Pending) => Ok(S::Shipped),
        (A::Sign, S::Shipped) => Ok(S::Signed),
        (A::Revert, S::Shipped) => Ok(S::Pending),
        (A::Revert, S::Signed) => Err(Message::new("shipment.revert_signed")),
        _ => Err(Message::new("shipment.action_refused")
            .arg("action", action.code())
            .arg("status", status.code())),
    }
}

/// Whether an order in `status` may be put on a shipment and shipped: approved, in production
/// or done. A draft has no agreed prices yet; a delivered, closed or cancelled order has gone.
pub fn shippable(status: OrderStatus) -> bool {
    matches!(
        status,
        OrderStatus::Approved | OrderStatus::InProduction | OrderStatus::Done
    )
}

/// A shipment as typed, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewShipment {
    /// At least one, no repeats, in the order given.
    pub order_ids: Vec<OrderId>,
    pub delivery_method_id: Option<i64>,
    pub courier: String,
    pub tracking_number: String,
    pub recipient: String,
    pub phone: String,
    pub address: String,
    pub packages: i64,
    pub fee: Money,
    pub fee_payer: FeePayer,
    pub remarks: String,
}

fn bounded(field: &'static str, text: &str, max: usize, errors: &mut FieldErrors) -> String {
    let text = text.trim();
    if text.chars().count() > max {
        errors.add(field, Message::new("error.too_long").arg("max", max));
    }
    text.to_owned()
}

impl NewShipment {
    /// Reads the raw input, collecting every bad field. Field names are the input's.
    pub fn parse(input: &ShipmentInput) -> Result<NewShipment, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut order_ids: Vec<OrderId> = Vec::new();
        for id in &input.order_ids {
            if !order_ids.contains(&OrderId(*id)) {
                order_ids.push(OrderId(*id));
            }
        }
        if order_ids.is_empty() {
            errors.add("order_ids", Message::new("shipment.orders_required"));
        } else if order_ids.len() > MAX_ORDERS {
            errors.add(
                "order_ids",
                Message::new("shipment.too_many_orders").arg("max", MAX_ORDERS),
            );
        }
        let delivery_method_id = match input.delivery_method_id.trim() {
            "" => None,
            text => match text.parse::<i64>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    errors.add("delivery_method_id", Message::new("error.unknown_choice"));
                    None
                }
            },
        };
        let courier = bounded("courier", &input.courier, MAX_TEXT, &mut errors);
        let tracking_number = bounded(
            "tracking_number",
            &input.tracking_number,
            MAX_TEXT,
            &mut errors,
        );
        let recipient = bounded("recipient", &input.recipient, MAX_TEXT, &mut errors);
        let phone = bounded("phone", &input.phone, 30, &mut errors);
        if !phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | ' '))
        {
            errors.add("phone", Message::new("shipment.phone_invalid"));
        }
        let address = bounded("address", &input.address, MAX_ADDRESS, &mut errors);
        let packages = match input.packages.trim() {
            "" => 1,
            text => match text.parse::<i64>() {
                Ok(n) if (1..=MAX_PACKAGES).contains(&n) => n,
                _ => {
                    errors.add(
                        "packages",
                        Message::new("shipment.packages_invalid").arg("max", MAX_PACKAGES),
                    );
                    1
                }
            },
        };
        let fee = match input.fee.trim() {
            "" => Money::ZERO,
            text => match Money::parse(text) {
                Ok(fee) if !fee.is_negative() && fee.to_decimal() <= Decimal::from(MAX_FEE) => fee,
                _ => {
                    errors.add("fee", Message::new("shipment.fee_invalid"));
                    Money::ZERO
                }
            },
        };
        let fee_payer = match input.fee_payer.trim() {
            "" => FeePayer::Shop,
            code => FeePayer::from_code(code).unwrap_or_else(|| {
                errors.add("fee_payer", Message::new("error.unknown_choice"));
                FeePayer::Shop
            }),
        };
        let remarks = bounded("remarks", &input.remarks, MAX_REMARKS, &mut errors);
        errors.into_result(NewShipment {
            order_ids,
            delivery_method_id,
            courier,
            tracking_number,
            recipient,
            phone,
            address,
            packages,
            fee,
            fee_payer,
            remarks,
        })
    }
}

/// An order asked for, as the store found it (live orders of the account set only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderToShip {
    pub id: OrderId,
    pub number: String,
    pub status: OrderStatus,
    /// `None` for a walk-in order.
    pub customer_id: Option<i64>,
    /// The number of another shipment (pending or not) that already covers the order.
    pub other_shipment: Option<String>,
}

/// Checks that the orders `wanted` (found: what the store found of them) may travel together:
/// every one live, shippable and on no other shipment, all of one customer, and a walk-in order
/// only on its own. Every problem is a message on `order_ids`. Returns the customer.
pub fn check_orders(wanted: &[OrderId], found: &[OrderToShip]) -> Result<Option<i64>, FieldErrors> {
    let mut errors = FieldErrors::new();
    for id in wanted {
        if !found.iter().any(|o| o.id == *id) {
            errors.add(
                "order_ids",
                Message::new("shipment.order_unknown").arg("id", id.0),
            );
        }
    }
    for order in found {
        if !shippable(order.status) {
            errors.add(
                "order_ids",
                Message::new("shipment.order_not_shippable").arg("number", &order.number),
            );
        }
        if let Some(other) = &order.other_shipment {
            errors.add(
                "order_ids",
                Message::new("shipment.order_in_other")
                    .arg("number", &order.number)
                    .arg("shipment", other),
            );
        }
    }
    let customer_id = found.first().and_then(|o| o.customer_id);
    if found.len() > 1 && found.iter().any(|o| o.customer_id.is_none()) {
        errors.add("order_ids", Message::new("shipment.walk_in_alone"));
    } else if found.iter().any(|o| o.customer_id != customer_id) {
        errors.add("order_ids", Message::new("shipment.mixed_customers"));
    }
    errors.into_result(customer_id)
}

/// The stored UTC timestamp at which the shop's day `date` (China Standard Time) begins, for
/// comparing with stored timestamps as text.
pub fn day_start_utc(date: NaiveDate) -> String {
    (date.and_time(NaiveTime::MIN) - Duration::hours(8))
        .and_utc()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_transition(
        status: ShipmentStatus,
        action: ShipmentAction,
        expected: Result<ShipmentStatus, &str>,
    ) {
        let got = transition(status, action).map_err(|m| m.key());
        assert_eq!(got, expected);
    }

    #[test]
    fn life_cycle_ships_signs_and_withdraws_only_what_is_not_signed() {
        use ShipmentAction as A;
        use ShipmentStatus as S;
        check_transition(S::Pending, A::Ship, Ok(S::Shipped));
        check_transition(S::Shipped, A::Sign, Ok(S::Signed));
        check_transition(S::Shipped, A::Revert, Ok(S::Pending));
        check_transition(S::Signed, A::Revert, Err("shipment.revert_signed"));
        check_transition(S::Pending, A::Sign, Err("shipment.action_refused"));
        check_transition(S::Pending, A::Revert, Err("shipment.action_refused"));
        check_transition(S::Shipped, A::Ship, Err("shipment.action_refused"));
        check_transition(S::Signed, A::Sign, Err("shipment.action_refused"));
    }

    #[track_caller]
    fn check_fee(text: &str, expected: Result<&str, ()>) {
        let input = ShipmentInput {
            order_ids: vec![1],
            fee: text.to_owned(),
            ..ShipmentInput::default()
        };
        let got = NewShipment::parse(&input).map(|s| s.fee).map_err(|errors| {
            assert!(errors.iter().all(|e| e.field == "fee"), "{errors:?}");
        });
        assert_eq!(got, expected.map(|m| Money::parse(m).unwrap()));
    }

    #[test]
    fn fee_is_money_at_least_zero() {
        check_fee("", Ok("0"));
        check_fee("0", Ok("0"));
        check_fee("12.5", Ok("12.50"));
        check_fee(" 18 ", Ok("18"));
        check_fee("1000000", Ok("1000000"));
        check_fee("-0.01", Err(()));
        check_fee("1000000.01", Err(()));
        check_fee("abc", Err(()));
        check_fee("1e3", Err(()));
    }

    #[test]
    fn input_names_each_bad_field() {
        let input = ShipmentInput {
            order_ids: vec![],
            delivery_method_id: "x".to_owned(),
            courier: "顺".repeat(51),
            phone: "138abc".to_owned(),
            packages: "0".to_owned(),
            fee: "-1".to_owned(),
            fee_payer: "nobody".to_owned(),
            ..ShipmentInput::default()
        };
        let errors = NewShipment::parse(&input).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(
            fields,
            [
                "order_ids",
                "delivery_method_id",
                "courier",
                "phone",
                "packages",
                "fee",
                "fee_payer"
            ]
        );
        let ok = NewShipment::parse(&ShipmentInput {
            order_ids: vec![3, 2, 3],
            ..ShipmentInput::default()
        })
        .unwrap();
        assert_eq!(ok.order_ids, [OrderId(3), OrderId(2)]);
        assert_eq!((ok.packages, ok.fee_payer), (1, FeePayer::Shop));
    }

    fn order(id: i64, status: OrderStatus, customer_id: Option<i64>) -> OrderToShip {
        OrderToShip {
            id: OrderId(id),
            number: format!("DD{id}"),
            status,
            customer_id,
            other_shipment: None,
        }
    }

    #[track_caller]
    fn check_orders_case(found: &[OrderToShip], expected: Result<Option<i64>, &[&str]>) {
        let wanted: Vec<OrderId> = found.iter().map(|o| o.id).collect();
        let got = check_orders(&wanted, found)
            .map_err(|errors| errors.iter().map(|e| e.message.key()).collect::<Vec<_>>());
        assert_eq!(got, expected.map_err(<[&str]>::to_vec));
    }

    #[test]
    fn orders_travel_together_only_when_one_customer_owns_them() {
        use OrderStatus as S;
        check_orders_case(&[order(1, S::Approved, Some(7))], Ok(Some(7)));
        check_orders_case(
            &[
                order(1, S::Done, Some(7)),
                order(2, S::InProduction, Some(7)),
            ],
            Ok(Some(7)),
        );
        check_orders_case(&[order(1, S::Done, None)], Ok(None));
        check_orders_case(
            &[order(1, S::Done, Some(7)), order(2, S::Done, Some(8))],
            Err(&["shipment.mixed_customers"]),
        );
        check_orders_case(
            &[order(1, S::Done, None), order(2, S::Done, None)],
            Err(&["shipment.walk_in_alone"]),
        );
        check_orders_case(
            &[order(1, S::Done, Some(7)), order(2, S::Done, None)],
            Err(&["shipment.walk_in_alone"]),
        );
        check_orders_case(
            &[order(1, S::Draft, Some(7)), order(2, S::Delivered, Some(7))],
            Err(&[
                "shipment.order_not_shippable",
                "shipment.order_not_shippable",
            ]),
        );
        let mut taken = order(1, S::Approved, Some(7));
        taken.other_shipment = Some("FH202611250001".to_owned());
        check_orders_case(&[taken], Err(&["shipment.order_in_other"]));
        let missing = check_orders(&[OrderId(1), OrderId(9)], &[order(1, S::Done, Some(7))]);
        assert_eq!(
            missing.unwrap_err().iter().next().unwrap().message.key(),
            "shipment.order_unknown"
        );
    }

    #[test]
    fn a_shop_day_starts_at_sixteen_hundred_utc_the_day_before() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(day_start_utc(date), "2026-11-24T16:00:00.000Z");
    }
}
