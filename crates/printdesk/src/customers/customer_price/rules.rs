//! Pure rules of cooperative prices: parsing the input, the overlap check, the label the clerk
//! recognises, and the conversion to the price calculation's `PriceRule`.
//!
//! No I/O: whether a customer, group, product, category or process is live in the account set is
//! checked by the service, which passes the rules it found here.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{CustomerPrice, CustomerPriceId, CustomerPriceInput, Holder, PriceKind};
use crate::customers::customer::CustomerId;
use crate::kernel::error::FieldErrors;
use crate::kernel::i18n::Message;
use crate::kernel::money::{AmountError, Money, parse_decimal};
use crate::system::product::rules::{PriceRule, RuleHolder, RuleKind, RuleTarget};

/// The largest fixed price accepted, in yuan; a bigger figure is a typing error.
pub const MAX_FIXED_PRICE: i64 = 1_000_000;
/// The most characters of the remarks.
pub const MAX_REMARKS: usize = 200;

/// A parsed rule, ready to check against the account set and store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCustomerPrice {
    pub holder: Holder,
    pub target: RuleTarget,
    pub kind: PriceKind,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub remarks: String,
}

impl NewCustomerPrice {
    /// Reads the raw input, collecting every bad field. Field names are the input's.
    pub fn parse(input: &CustomerPriceInput) -> Result<NewCustomerPrice, FieldErrors> {
        let mut errors = FieldErrors::new();
        let holder = parse_holder(input, &mut errors);
        let target = parse_target(input, &mut errors);
        let kind = parse_kind(input, &mut errors);
        if target == Some(RuleTarget::Everything) && matches!(kind, Some(PriceKind::Fixed(_))) {
            errors.add(
                "price_kind",
                Message::new("customer_price.everything_discount_only"),
            );
        }
        let valid_from = parse_optional_date(&input.valid_from, "valid_from", &mut errors);
        let valid_to = parse_optional_date(&input.valid_to, "valid_to", &mut errors);
        if let (Some(Some(from)), Some(Some(to))) = (valid_from, valid_to)
            && to < from
        {
            errors.add(
                "valid_to",
                Message::new("customer_price.valid_to_before_from"),
            );
        }
        let remarks = input.remarks.trim().to_owned();
        if remarks.chars().count() > MAX_REMARKS {
            errors.add(
                "remarks",
                Message::new("error.too_long").arg("max", MAX_REMARKS),
            );
        }
        match (holder, target, kind, valid_from, valid_to) {
            (Some(holder), Some(target), Some(kind), Some(valid_from), Some(valid_to))
                if errors.is_empty() =>
            {
                Ok(NewCustomerPrice {
                    holder,
                    target,
                    kind,
                    valid_from,
                    valid_to,
                    remarks,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Whether a rule valid from `from` to `to` (both inclusive, `None` open) applies on `date`.
pub fn valid_on(from: Option<NaiveDate>, to: Option<NaiveDate>, date: NaiveDate) -> bool {
    from.is_none_or(|from| from <= date) && to.is_none_or(|to| date <= to)
}

/// Whether two validity periods share at least one day.
pub fn periods_overlap(
    a: (Option<NaiveDate>, Option<NaiveDate>),
    b: (Option<NaiveDate>, Option<NaiveDate>),
) -> bool {
    let starts_before_other_ends = |from: Option<NaiveDate>, to: Option<NaiveDate>| match (from, to)
    {
        (Some(from), Some(to)) => from <= to,
        _ => true,
    };
    starts_before_other_ends(a.0, b.1) && starts_before_other_ends(b.0, a.1)
}

/// Refuses `new` when a live rule (other than `except`, the rule being edited) has the same
/// holder, target and kind and a validity period that overlaps: the field error on `valid_from`
/// names that rule by its id and label. `live` holds each live rule with its label.
pub fn check_no_overlap(
    new: &NewCustomerPrice,
    live: &[(CustomerPrice, String)],
    except: Option<CustomerPriceId>,
) -> Result<(), FieldErrors> {
    let clash = live.iter().find(|(rule, _)| {
        Some(rule.id) != except
            && rule.holder == new.holder
            && rule.target == new.target
            && rule.kind.code() == new.kind.code()
            && periods_overlap(
                (rule.valid_from, rule.valid_to),
                (new.valid_from, new.valid_to),
            )
    });
    match clash {
        Some((rule, label)) => Err(FieldErrors::single(
            "valid_from",
            Message::new("customer_price.overlap")
                .arg("id", rule.id.0)
                .arg("rule", label),
        )),
        None => Ok(()),
    }
}

/// A discount as shop people say it: 85 → "85折", 90 → "9折", 92.5 → "92.5折", 100 → "原价".
pub fn discount_text(percent: Decimal) -> String {
    let percent = percent.normalize();
    if percent == Decimal::from(100) {
        return "原价".to_owned();
    }
    if (percent % Decimal::from(10)).is_zero() {
        return format!("{}折", (percent / Decimal::from(10)).normalize());
    }
    format!("{percent}折")
}

/// The price part of a label: "18.00元" or "85折".
pub fn price_text(kind: PriceKind) -> String {
    match kind {
        PriceKind::Fixed(price) => format!("{price}元"),
        PriceKind::Discount(percent) => discount_text(percent),
    }
}

/// How the clerk knows a rule: "XX设计院：背胶PP 18.00元", "广告同行：全部 85折". Labels are
/// data in the shop's language (Chinese), shown as they are in price explanations.
pub fn label(holder_name: &str, target_name: &str, kind: PriceKind) -> String {
    format!("{holder_name}：{target_name} {}", price_text(kind))
}

/// The rule as the price calculation takes it; a discount becomes the fraction paid.
pub fn to_price_rule(price: &CustomerPrice, label: String) -> PriceRule {
    PriceRule {
        holder: match price.holder {
            Holder::Customer(_) => RuleHolder::Customer,
            Holder::Group(_) => RuleHolder::Group,
        },
        target: price.target,
        kind: match price.kind {
            PriceKind::Fixed(money) => RuleKind::FixedPrice(money),
            PriceKind::Discount(percent) => RuleKind::Discount(percent / Decimal::from(100)),
        },
        valid_from: price.valid_from,
        valid_to: price.valid_to,
        label,
    }
}

/// A date typed as YYYY-MM-DD.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if text.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// The stored text of a date, YYYY-MM-DD.
pub fn date_text(date: Option<NaiveDate>) -> String {
    date.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn parse_id(text: &str) -> Option<i64> {
    text.trim().parse::<i64>().ok().filter(|id| *id > 0)
}

fn parse_holder(input: &CustomerPriceInput, errors: &mut FieldErrors) -> Option<Holder> {
    match input.holder_kind.trim() {
        "customer" => {
            let id = parse_id(&input.customer_id).map(|id| Holder::Customer(CustomerId(id)));
            if id.is_none() {
                errors.add(
                    "customer_id",
                    Message::new("customer_price.customer_required"),
                );
            }
            id
        }
        "group" => {
            let id = parse_id(&input.customer_group_id).map(Holder::Group);
            if id.is_none() {
                errors.add(
                    "customer_group_id",
                    Message::new("customer_price.group_required"),
                );
            }
            id
        }
        _ => {
            errors.add(
                "holder_kind",
                Message::new("customer_price.holder_kind_invalid"),
            );
            None
        }
    }
}

fn parse_target(input: &CustomerPriceInput, errors: &mut FieldErrors) -> Option<RuleTarget> {
    let (make, required_key): (fn(i64) -> RuleTarget, &'static str) = match input.target_kind.trim()
    {
        "product" => (RuleTarget::Product, "customer_price.product_required"),
        "category" => (RuleTarget::Category, "customer_price.category_required"),
        "process" => (RuleTarget::Process, "customer_price.process_required"),
        "everything" => return Some(RuleTarget::Everything),
        _ => {
            errors.add(
                "target_kind",
                Message::new("customer_price.target_kind_invalid"),
            );
            return None;
        }
    };
    let target = parse_id(&input.target_id).map(make);
    if target.is_none() {
        errors.add("target_id", Message::new(required_key));
    }
    target
}

fn parse_kind(input: &CustomerPriceInput, errors: &mut FieldErrors) -> Option<PriceKind> {
    match input.price_kind.trim() {
        "fixed" => parse_fixed_price(&input.fixed_price)
            .map_err(|key| errors.add("fixed_price", Message::new(key)))
            .ok(),
        "discount" => parse_discount(&input.discount_percent)
            .map_err(|key| errors.add("discount_percent", Message::new(key)))
            .ok(),
        _ => {
            errors.add(
                "price_kind",
                Message::new("customer_price.price_kind_invalid"),
            );
            None
        }
    }
}

fn parse_fixed_price(text: &str) -> Result<PriceKind, &'static str> {
    if text.trim().is_empty() {
        return Err("customer_price.fixed_price_required");
    }
    let price = Money::parse(text).map_err(|err| match err {
        AmountError::NotANumber => "customer_price.fixed_price_invalid",
        AmountError::TooPrecise => "customer_price.fixed_price_too_precise",
        AmountError::OutOfRange => "customer_price.fixed_price_too_large",
    })?;
    if price.is_negative() {
        return Err("customer_price.fixed_price_negative");
    }
    if price.to_decimal() > Decimal::from(MAX_FIXED_PRICE) {
        return Err("customer_price.fixed_price_too_large");
    }
    Ok(PriceKind::Fixed(price))
}

fn parse_discount(text: &str) -> Result<PriceKind, &'static str> {
    if text.trim().is_empty() {
        return Err("customer_price.discount_required");
    }
    let percent = parse_decimal(text).map_err(|_| "customer_price.discount_invalid")?;
    if percent <= Decimal::ZERO || percent > Decimal::from(100) {
        return Err("customer_price.discount_out_of_range");
    }
    if percent.normalize().scale() > 2 {
        return Err("customer_price.discount_too_precise");
    }
    Ok(PriceKind::Discount(percent.normalize()))
}

/// `Some(None)` for an empty field, `Some(Some(date))` for a good one, `None` after an error.
fn parse_optional_date(
    text: &str,
    field: &'static str,
    errors: &mut FieldErrors,
) -> Option<Option<NaiveDate>> {
    if text.trim().is_empty() {
        return Some(None);
    }
    match parse_date(text) {
        Some(date) => Some(Some(date)),
        None => {
            errors.add(field, Message::new("customer_price.date_invalid"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(holder: &str, target: &str, kind: &str, value: &str) -> CustomerPriceInput {
        let (holder_kind, holder_id) = holder.split_once(':').unwrap_or((holder, ""));
        let (target_kind, target_id) = target.split_once(':').unwrap_or((target, ""));
        CustomerPriceInput {
            holder_kind: holder_kind.to_owned(),
            customer_id: if holder_kind == "customer" {
                holder_id.to_owned()
            } else {
                String::new()
            },
            customer_group_id: if holder_kind == "group" {
                holder_id.to_owned()
            } else {
                String::new()
            },
            target_kind: target_kind.to_owned(),
            target_id: target_id.to_owned(),
            price_kind: kind.to_owned(),
            fixed_price: if kind == "fixed" {
                value.to_owned()
            } else {
                String::new()
            },
            discount_percent: if kind == "discount" {
                value.to_owned()
            } else {
                String::new()
            },
            ..CustomerPriceInput::default()
        }
    }

    /// One input: (holder "kind:id", target "kind:id", price kind, value) → the errors as
    /// (field, message key), or none.
    #[track_caller]
    fn check(holder: &str, target: &str, kind: &str, value: &str, expected: &[(&str, &str)]) {
        check_input(&input(holder, target, kind, value), expected);
    }

    #[track_caller]
    fn check_input(input: &CustomerPriceInput, expected: &[(&str, &str)]) {
        let got: Vec<(String, &str)> = match NewCustomerPrice::parse(input) {
            Ok(_) => Vec::new(),
            Err(errors) => errors
                .iter()
                .map(|e| (e.field.to_string(), e.message.key()))
                .collect(),
        };
        let expected: Vec<(String, &str)> = expected
            .iter()
            .map(|(f, k)| ((*f).to_owned(), *k))
            .collect();
        assert_eq!(got, expected, "{input:?}");
    }

    #[test]
    fn parse_accepts_every_holder_target_and_kind() {
        for holder in ["customer:3", "group:4"] {
            for target in ["product:1", "category:2", "process:5"] {
                check(holder, target, "fixed", "18.00", &[]);
                check(holder, target, "discount", "85", &[]);
            }
            check(holder, "everything", "discount", "85", &[]);
        }
        let parsed =
            NewCustomerPrice::parse(&input("customer:3", "product:1", "fixed", "18")).unwrap();
        assert_eq!(parsed.holder, Holder::Customer(CustomerId(3)));
        assert_eq!(parsed.target, RuleTarget::Product(1));
        assert_eq!(parsed.kind, PriceKind::Fixed(Money::parse("18").unwrap()));
    }

    #[test]
    fn fixed_prices_are_money_from_zero_to_a_million() {
        check("customer:1", "product:1", "fixed", "0", &[]);
        check("customer:1", "product:1", "fixed", "1000000", &[]);
        check("customer:1", "product:1", "fixed", "0.1255", &[]);
        check(
            "customer:1",
            "product:1",
            "fixed",
            "1000000.01",
            &[("fixed_price", "customer_price.fixed_price_too_large")],
        );
        check(
            "customer:1",
            "product:1",
            "fixed",
            "-0.01",
            &[("fixed_price", "customer_price.fixed_price_negative")],
        );
        check(
            "customer:1",
            "product:1",
            "fixed",
            "",
            &[("fixed_price", "customer_price.fixed_price_required")],
        );
        check(
            "customer:1",
            "product:1",
            "fixed",
            "十八",
            &[("fixed_price", "customer_price.fixed_price_invalid")],
        );
        check(
            "customer:1",
            "product:1",
            "fixed",
            "1.23456",
            &[("fixed_price", "customer_price.fixed_price_too_precise")],
        );
        check(
            "customer:1",
            "product:1",
            "fixed",
            "99999999999999999",
            &[("fixed_price", "customer_price.fixed_price_too_large")],
        );
    }

    #[test]
    fn discounts_are_above_zero_up_to_a_hundred_with_two_decimals() {
        check("group:1", "everything", "discount", "100", &[]);
        check("group:1", "everything", "discount", "0.01", &[]);
        check("group:1", "everything", "discount", "92.50", &[]);
        check(
            "group:1",
            "everything",
            "discount",
            "0",
            &[("discount_percent", "customer_price.discount_out_of_range")],
        );
        check(
            "group:1",
            "everything",
            "discount",
            "120",
            &[("discount_percent", "customer_price.discount_out_of_range")],
        );
        check(
            "group:1",
            "everything",
            "discount",
            "-5",
            &[("discount_percent", "customer_price.discount_out_of_range")],
        );
        check(
            "group:1",
            "everything",
            "discount",
            "85.125",
            &[("discount_percent", "customer_price.discount_too_precise")],
        );
        check(
            "group:1",
            "everything",
            "discount",
            "",
            &[("discount_percent", "customer_price.discount_required")],
        );
        check(
            "group:1",
            "everything",
            "discount",
            "85%",
            &[("discount_percent", "customer_price.discount_invalid")],
        );
    }

    #[test]
    fn holder_target_and_kind_are_required() {
        check(
            "customer",
            "product:1",
            "fixed",
            "1",
            &[("customer_id", "customer_price.customer_required")],
        );
        check(
            "group:x",
            "product:1",
            "fixed",
            "1",
            &[("customer_group_id", "customer_price.group_required")],
        );
        check(
            "",
            "product:1",
            "fixed",
            "1",
            &[("holder_kind", "customer_price.holder_kind_invalid")],
        );
        check(
            "customer:1",
            "product",
            "fixed",
            "1",
            &[("target_id", "customer_price.product_required")],
        );
        check(
            "customer:1",
            "category:0",
            "fixed",
            "1",
            &[("target_id", "customer_price.category_required")],
        );
        check(
            "customer:1",
            "process:-3",
            "fixed",
            "1",
            &[("target_id", "customer_price.process_required")],
        );
        check(
            "customer:1",
            "all",
            "fixed",
            "1",
            &[("target_kind", "customer_price.target_kind_invalid")],
        );
        check(
            "customer:1",
            "product:1",
            "percent",
            "1",
            &[("price_kind", "customer_price.price_kind_invalid")],
        );
        check(
            "customer:1",
            "everything",
            "fixed",
            "18",
            &[("price_kind", "customer_price.everything_discount_only")],
        );
        // Every bad field at once.
        check(
            "",
            "",
            "",
            "",
            &[
                ("holder_kind", "customer_price.holder_kind_invalid"),
                ("target_kind", "customer_price.target_kind_invalid"),
                ("price_kind", "customer_price.price_kind_invalid"),
            ],
        );
    }

    #[test]
    fn dates_and_remarks() {
        let dated = |from: &str, to: &str| CustomerPriceInput {
            valid_from: from.to_owned(),
            valid_to: to.to_owned(),
            ..input("customer:1", "product:1", "fixed", "1")
        };
        check_input(&dated("2026-01-01", "2026-12-31"), &[]);
        check_input(&dated("2026-01-01", "2026-01-01"), &[]);
        check_input(&dated("", "2026-01-01"), &[]);
        check_input(
            &dated("2026-02-01", "2026-01-31"),
            &[("valid_to", "customer_price.valid_to_before_from")],
        );
        check_input(
            &dated("2026-02-30", "2026/03/01"),
            &[
                ("valid_from", "customer_price.date_invalid"),
                ("valid_to", "customer_price.date_invalid"),
            ],
        );
        let long = CustomerPriceInput {
            remarks: "备".repeat(201),
            ..input("customer:1", "product:1", "fixed", "1")
        };
        check_input(&long, &[("remarks", "error.too_long")]);
    }

    fn d(text: &str) -> Option<NaiveDate> {
        parse_date(text)
    }

    #[test]
    fn periods_overlap_when_they_share_a_day() {
        // (a from, a to, b from, b to, overlap)
        let cases = [
            ("", "", "", "", true),
            ("2026-01-01", "2026-06-30", "2026-06-30", "", true),
            ("2026-01-01", "2026-06-30", "2026-07-01", "", false),
            ("", "2026-06-30", "2026-07-01", "2026-12-31", false),
            ("", "2026-06-30", "", "2026-01-01", true),
            ("2026-03-01", "2026-03-31", "2026-01-01", "2026-12-31", true),
        ];
        for (a_from, a_to, b_from, b_to, expected) in cases {
            assert_eq!(
                periods_overlap((d(a_from), d(a_to)), (d(b_from), d(b_to))),
                expected,
                "{a_from}..{a_to} / {b_from}..{b_to}"
            );
            assert_eq!(
                periods_overlap((d(b_from), d(b_to)), (d(a_from), d(a_to))),
                expected
            );
        }
    }

    #[test]
    fn overlapping_duplicates_are_refused_naming_the_rule() {
        let existing = CustomerPrice {
            id: CustomerPriceId(12),
            holder: Holder::Customer(CustomerId(1)),
            target: RuleTarget::Product(1),
            kind: PriceKind::Fixed(Money::parse("18").unwrap()),
            valid_from: d("2026-01-01"),
            valid_to: None,
            remarks: String::new(),
        };
        let live = [(existing.clone(), "XX设计院：背胶PP 18.00元".to_owned())];
        let mut new =
            NewCustomerPrice::parse(&input("customer:1", "product:1", "fixed", "17")).unwrap();
        let errors = check_no_overlap(&new, &live, None).unwrap_err();
        let error = errors.iter().next().unwrap();
        assert_eq!(
            (error.field.as_ref(), error.message.key()),
            ("valid_from", "customer_price.overlap")
        );
        assert!(
            error
                .message
                .render(crate::kernel::i18n::Locale::ZhCn)
                .contains("#12「XX设计院：背胶PP 18.00元」")
        );
        // The rule itself, being edited, is no clash.
        assert!(check_no_overlap(&new, &live, Some(CustomerPriceId(12))).is_ok());
        // Before it starts: fine.
        new.valid_to = d("2025-12-31");
        assert!(check_no_overlap(&new, &live, None).is_ok());
        new.valid_to = None;
        // Another kind, target or holder: fine.
        let discount =
            NewCustomerPrice::parse(&input("customer:1", "product:1", "discount", "90")).unwrap();
        assert!(check_no_overlap(&discount, &live, None).is_ok());
        let other_product =
            NewCustomerPrice::parse(&input("customer:1", "product:2", "fixed", "17")).unwrap();
        assert!(check_no_overlap(&other_product, &live, None).is_ok());
        let group = NewCustomerPrice::parse(&input("group:1", "product:1", "fixed", "17")).unwrap();
        assert!(check_no_overlap(&group, &live, None).is_ok());
    }

    #[test]
    fn labels_read_like_the_shop_says_them() {
        let fixed = PriceKind::Fixed(Money::parse("18").unwrap());
        assert_eq!(
            label("XX设计院", "背胶PP", fixed),
            "XX设计院：背胶PP 18.00元"
        );
        let discount = |p: &str| PriceKind::Discount(parse_decimal(p).unwrap());
        assert_eq!(
            label("广告同行", "全部", discount("85")),
            "广告同行：全部 85折"
        );
        assert_eq!(price_text(discount("90.00")), "9折");
        assert_eq!(price_text(discount("92.5")), "92.5折");
        assert_eq!(price_text(discount("100")), "原价");
        assert_eq!(
            price_text(PriceKind::Fixed(Money::parse("0.1255").unwrap())),
            "0.1255元"
        );
    }

    #[test]
    fn price_rules_carry_the_fraction_paid_and_validity() {
        let price = CustomerPrice {
            id: CustomerPriceId(1),
            holder: Holder::Group(4),
            target: RuleTarget::Everything,
            kind: PriceKind::Discount(parse_decimal("85").unwrap()),
            valid_from: d("2026-01-01"),
            valid_to: d("2026-12-31"),
            remarks: String::new(),
        };
        let rule = to_price_rule(&price, "广告同行：全部 85折".to_owned());
        assert_eq!(rule.holder, RuleHolder::Group);
        assert_eq!(
            rule.kind,
            RuleKind::Discount(parse_decimal("0.85").unwrap())
        );
        assert_eq!(
            (rule.valid_from, rule.valid_to),
            (price.valid_from, price.valid_to)
        );
        assert!(valid_on(
            rule.valid_from,
            rule.valid_to,
            d("2026-12-31").unwrap()
        ));
        assert!(!valid_on(
            rule.valid_from,
            rule.valid_to,
            d("2027-01-01").unwrap()
        ));
        assert!(valid_on(None, None, d("2027-01-01").unwrap()));
    }
}
