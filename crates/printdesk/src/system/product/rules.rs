//! The price calculation (DOMAIN.md §4.2) and the order-level figures of §4.3 G–I.
//!
//! [`price_line`] takes a product's pricing, the customer's price rules and one line's request,
//! and returns the billable quantity, unit price, amount, processes and an explanation of each
//! step. The order of operations is fixed: (1) raw quantity from the pricing mode, (2) per-piece
//! minimum, (3) billable quantity rounded to 小数位数, (4) unit price by the first matching rule —
//! customer fixed price → customer discount → group fixed price → group discount → quantity tier →
//! list price, (5) amount rounded half away from zero, (6) per-line minimum charge (起步价),
//! (7) processes from the same billable quantity. Every rounding happens at one of those points
//! through `DecimalPlaces::round`; nothing is rounded twice.
//!
//! No I/O, no clock: the date that decides which rules are valid is an argument.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::customers::import::{self, NameIndex};
use crate::kernel::error::FieldErrors;
use crate::kernel::i18n::{Locale, Message};
use crate::kernel::money::{
    AmountError, DecimalPlaces, FigureKind, Money, Quantity, parse_decimal,
};
use crate::kernel::spreadsheet::{RawRow, TemplateColumn, row_error};

/// How a product's quantity is measured (DOMAIN.md §3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PricingMode {
    /// 按面积: width × height per piece, m².
    Area,
    /// 按长度: the length per piece, m.
    Length,
    /// 按周长: 2 × (width + height) per piece, m.
    Perimeter,
    /// 按虚方: like area, but a short side under 1 m counts as 1 m.
    VirtualArea,
    /// 按数量/件: pieces.
    Count,
    /// 按张/面/份: originals × copies, by printed side, sheet of paper or copy.
    Sheet,
    /// 按盒/套: sets, e.g. boxes of 100 cards.
    Set,
    /// 按时间: hours.
    Time,
    /// 面议: the unit price is entered at the counter.
    Negotiated,
}

impl PricingMode {
    pub const ALL: [PricingMode; 9] = [
        PricingMode::Area,
        PricingMode::Length,
        PricingMode::Perimeter,
        PricingMode::VirtualArea,
        PricingMode::Count,
        PricingMode::Sheet,
        PricingMode::Set,
        PricingMode::Time,
        PricingMode::Negotiated,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PricingMode::Area => "area",
            PricingMode::Length => "length",
            PricingMode::Perimeter => "perimeter",
            PricingMode::VirtualArea => "virtual_area",
            PricingMode::Count => "count",
            PricingMode::Sheet => "sheet",
            PricingMode::Set => "set",
            PricingMode::Time => "time",
            PricingMode::Negotiated => "negotiated",
        }
    }

    pub fn from_code(code: &str) -> Option<PricingMode> {
        PricingMode::ALL
            .into_iter()
            .find(|mode| mode.code() == code)
    }

    /// Whether a line of this mode needs a width and a height (length mode needs the width only).
    pub fn needs_dimensions(self) -> bool {
        matches!(
            self,
            PricingMode::Area | PricingMode::Perimeter | PricingMode::VirtualArea
        )
    }

    fn quantity_kind(self) -> FigureKind {
        match self {
            PricingMode::Area | PricingMode::VirtualArea => FigureKind::Area,
            _ => FigureKind::Quantity,
        }
    }
}

/// What one unit of a sheet-priced product is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SheetUnit {
    /// 面: a printed side; a 120-page original is 120 sides a copy, single- or double-sided.
    Side,
    /// 张: a sheet of paper; double-sided halves the sheets (rounded up).
    Sheet,
    /// 份: one copy of the whole original.
    Copy,
}

/// The unit dimensions are typed in; stored and priced in metres.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DimensionUnit {
    Metre,
    Centimetre,
    Millimetre,
}

impl DimensionUnit {
    pub fn from_code(code: &str) -> Option<DimensionUnit> {
        match code {
            "m" => Some(DimensionUnit::Metre),
            "cm" => Some(DimensionUnit::Centimetre),
            "mm" => Some(DimensionUnit::Millimetre),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            DimensionUnit::Metre => "m",
            DimensionUnit::Centimetre => "cm",
            DimensionUnit::Millimetre => "mm",
        }
    }

    /// `value` in this unit, in metres.
    pub fn to_metres(self, value: Decimal) -> Decimal {
        match self {
            DimensionUnit::Metre => value,
            DimensionUnit::Centimetre => value / Decimal::from(100),
            DimensionUnit::Millimetre => value / Decimal::from(1000),
        }
    }
}

/// How quantity tiers (阶梯价) price a quantity (DOMAIN.md §4.3 D, E).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TierStyle {
    /// The bracket the quantity reaches prices every unit.
    Whole,
    /// Each bracket prices only the units that fall in it.
    Incremental,
    /// Tiers are set prices for whole quantities; between two the price is interpolated, above
    /// the last the run-on rate per 1000 applies, below the first the first set price is due.
    Interpolated,
}

impl TierStyle {
    pub fn code(self) -> &'static str {
        match self {
            TierStyle::Whole => "whole",
            TierStyle::Incremental => "incremental",
            TierStyle::Interpolated => "interpolated",
        }
    }

    pub fn from_code(code: &str) -> Option<TierStyle> {
        [
            TierStyle::Whole,
            TierStyle::Incremental,
            TierStyle::Interpolated,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// One bracket: from this quantity (inclusive) up to the next bracket's. For interpolated tables
/// `price` is the set price of `from` units; otherwise it is a unit price.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tier {
    pub from: Decimal,
    pub price: Money,
}

/// A product's quantity tiers, sorted by `from` (checked by [`check_tiers`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TierTable {
    pub style: TierStyle,
    pub tiers: Vec<Tier>,
    /// Interpolated tables: the price per further 1000 units above the last tier.
    pub run_on_per_thousand: Money,
}

/// A list price with optional tiers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriceTable {
    pub list_price: Money,
    pub tiers: Option<TierTable>,
}

/// Everything about a product that pricing needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductPricing {
    pub product_id: i64,
    /// The product's category and its ancestors, nearest first (for category-wide rules).
    pub category_ids: Vec<i64>,
    pub mode: PricingMode,
    /// Sheet mode only.
    pub sheet_unit: SheetUnit,
    /// The price (black-and-white for sheet products).
    pub price: PriceTable,
    /// Sheet mode: the price when printed in colour, if the product offers colour.
    pub colour_price: Option<PriceTable>,
    /// Smallest billable quantity per piece in the mode's unit (m² or m); zero for none.
    pub min_per_piece: Decimal,
    /// 起步价: the least a line is charged; zero for none.
    pub min_charge: Money,
    /// 最大幅宽: the widest the machine or material takes, in metres, for the shorter side of
    /// a piece (a piece may be turned); zero for no limit.
    pub max_width: Decimal,
    /// 最大长度: the longest piece, in metres, for the longer side; zero for no limit.
    pub max_length: Decimal,
}

/// How a process (工序) counts its quantity on a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessBasis {
    /// The line's billable area (after minimums), or width × height × pieces for other products.
    PerArea,
    /// The line's billable length for length products; the perimeter × pieces for others.
    PerLength,
    /// 2 × (width + height) × pieces.
    PerPerimeter,
    /// Pieces, copies or sets.
    PerPiece,
}

impl ProcessBasis {
    pub fn from_code(code: &str) -> Option<ProcessBasis> {
        match code {
            "per_area" => Some(ProcessBasis::PerArea),
            "per_length" => Some(ProcessBasis::PerLength),
            "per_perimeter" => Some(ProcessBasis::PerPerimeter),
            "per_piece" => Some(ProcessBasis::PerPiece),
            _ => None,
        }
    }
}

/// A process on a line with its list price.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessPricing {
    pub process_id: i64,
    pub name: String,
    pub unit_price: Money,
    pub basis: ProcessBasis,
}

/// Who a cooperative price (客户合作价) is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleHolder {
    Customer,
    Group,
}

/// What a cooperative price applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleTarget {
    Product(i64),
    Category(i64),
    Process(i64),
    /// Every product and process (discounts only).
    Everything,
}

/// A fixed unit price, or a discount as the fraction paid (0.85 = 85折).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    FixedPrice(Money),
    Discount(Decimal),
}

/// One cooperative price rule of the customer or of the customer's group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriceRule {
    pub holder: RuleHolder,
    pub target: RuleTarget,
    pub kind: RuleKind,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    /// How the clerk knows the rule, e.g. "XX设计院 背胶 18元/平米".
    pub label: String,
}

impl PriceRule {
    fn valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|from| from <= date) && self.valid_to.is_none_or(|to| date <= to)
    }
}

/// One order line to price. Dimensions are in metres (convert with [`DimensionUnit::to_metres`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineRequest {
    pub width: Decimal,
    pub height: Decimal,
    /// Pieces, copies (sheet mode), sets or hours.
    pub quantity: Decimal,
    /// Sheet mode: pages of the original.
    pub pages: Decimal,
    /// Sheet mode: 1 or 2.
    pub sides: u8,
    /// Sheet mode: printed in colour.
    pub colour: bool,
    /// 面议 products: the unit price the clerk typed.
    pub negotiated_unit_price: Option<Money>,
    pub processes: Vec<ProcessPricing>,
    /// The order date: decides which cooperative prices are valid.
    pub date: NaiveDate,
}

/// A priced process of a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PricedProcess {
    pub process_id: i64,
    pub name: String,
    pub quantity: Decimal,
    pub unit_price: Money,
    pub amount: Money,
}

/// Where a unit price came from, for the explanation and for reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PriceSource {
    CustomerFixed(String),
    CustomerDiscount(String),
    GroupFixed(String),
    GroupDiscount(String),
    Tier,
    List,
    Negotiated,
}

/// A priced line: the figures and how they were reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PricedLine {
    /// In the mode's unit: m², m, sides, sheets, copies, sets, hours or pieces.
    pub billable_quantity: Decimal,
    /// The unit price charged; for incremental and interpolated tiers, the amount ÷ quantity.
    pub unit_price: Money,
    /// The goods amount, after the minimum charge.
    pub amount: Money,
    pub source: PriceSource,
    /// Sheet mode: sheets of paper used (for cost and stock).
    pub paper_sheets: Option<Decimal>,
    pub processes: Vec<PricedProcess>,
    /// Goods plus processes.
    pub total: Money,
    /// Each step, in the clerk's words.
    pub explanation: Vec<Message>,
}

/// Largest width, height or length accepted, in metres; a bigger figure is a typing error.
const MAX_DIMENSION_M: i64 = 1000;
/// Largest quantity accepted on a line.
const MAX_QUANTITY: i64 = 10_000_000;

/// Prices one line. Fails with field errors naming `width`, `height`, `quantity`, `pages`,
/// `sides` or `unit_price` when the request does not fit the product's mode.
pub fn price_line(
    product: &ProductPricing,
    rules: &[PriceRule],
    request: &LineRequest,
    places: &DecimalPlaces,
) -> Result<PricedLine, FieldErrors> {
    check_request(product.mode, request)?;
    check_size_limits(product, request)?;
    let mut explanation = Vec::new();
    let (billable, paper_sheets) = billable_quantity(product, request, places, &mut explanation);
    let table = match (&product.colour_price, request.colour) {
        (Some(colour), true) => colour,
        _ => &product.price,
    };
    let (amount, unit_price, source) = if product.mode == PricingMode::Negotiated {
        let unit_price = request.negotiated_unit_price.unwrap_or(Money::ZERO);
        explanation.push(
            Message::new("pricing.explain.negotiated")
                .arg("price", unit_price.format(places.unit_price)),
        );
        let amount = amount_of(billable, unit_price, places)?;
        (amount, unit_price, PriceSource::Negotiated)
    } else {
        goods_amount(
            product,
            table,
            rules,
            billable,
            request.date,
            places,
            &mut explanation,
        )?
    };
    explanation.push(
        Message::new("pricing.explain.amount")
            .arg("quantity", show(billable))
            .arg("price", unit_price.format(places.unit_price))
            .arg("amount", amount.format(places.amount)),
    );
    let amount = if !product.min_charge.is_zero() && amount < product.min_charge {
        explanation.push(
            Message::new("pricing.explain.min_charge")
                .arg("min", product.min_charge.format(places.amount)),
        );
        product.min_charge
    } else {
        amount
    };
    let mut total = amount;
    let mut processes = Vec::new();
    for process in &request.processes {
        let priced = price_process(
            product,
            process,
            rules,
            request,
            billable,
            places,
            &mut explanation,
        )?;
        total = total.checked_add(priced.amount).ok_or_else(too_large)?;
        processes.push(priced);
    }
    if let Some(sheets) = paper_sheets {
        explanation.push(Message::new("pricing.explain.paper").arg("sheets", show(sheets)));
    }
    Ok(PricedLine {
        billable_quantity: billable,
        unit_price,
        amount,
        source,
        paper_sheets,
        processes,
        total,
        explanation,
    })
}

/// A piece must fit the product's 最大幅宽 and 最大长度. A piece may be turned, so its shorter
/// side is held against the width and its longer side against the length; the error names the
/// field the clerk typed that side in.
fn check_size_limits(product: &ProductPricing, request: &LineRequest) -> Result<(), FieldErrors> {
    if !product.mode.needs_dimensions() {
        return Ok(());
    }
    let (short, short_field, long, long_field) = if request.width <= request.height {
        (request.width, "width", request.height, "height")
    } else {
        (request.height, "height", request.width, "width")
    };
    let mut errors = FieldErrors::new();
    if !product.max_width.is_zero() && short > product.max_width {
        errors.add(
            short_field,
            Message::new("pricing.wider_than_product").arg("max", show(product.max_width)),
        );
    }
    if !product.max_length.is_zero() && long > product.max_length {
        errors.add(
            long_field,
            Message::new("pricing.longer_than_product").arg("max", show(product.max_length)),
        );
    }
    errors.into_result(())
}

fn check_request(mode: PricingMode, request: &LineRequest) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    let max_dimension = Decimal::from(MAX_DIMENSION_M);
    let dimension = |value: Decimal, field: &'static str, errors: &mut FieldErrors| {
        if value <= Decimal::ZERO {
            errors.add(field, Message::new("pricing.dimension_positive"));
        } else if value > max_dimension {
            errors.add(
                field,
                Message::new("pricing.dimension_too_large").arg("max", MAX_DIMENSION_M),
            );
        }
    };
    if mode.needs_dimensions() {
        dimension(request.width, "width", &mut errors);
        dimension(request.height, "height", &mut errors);
    }
    if mode == PricingMode::Length {
        dimension(request.width, "width", &mut errors);
    }
    if request.quantity <= Decimal::ZERO {
        errors.add("quantity", Message::new("pricing.quantity_positive"));
    } else if request.quantity > Decimal::from(MAX_QUANTITY) {
        errors.add(
            "quantity",
            Message::new("pricing.quantity_too_large").arg("max", MAX_QUANTITY),
        );
    } else if !matches!(
        mode,
        PricingMode::Time
            | PricingMode::Area
            | PricingMode::Length
            | PricingMode::Perimeter
            | PricingMode::VirtualArea
    ) && request.quantity.fract() != Decimal::ZERO
    {
        errors.add("quantity", Message::new("pricing.quantity_whole"));
    }
    if mode == PricingMode::Sheet {
        if request.pages <= Decimal::ZERO || request.pages.fract() != Decimal::ZERO {
            errors.add("pages", Message::new("pricing.pages_positive"));
        }
        if !matches!(request.sides, 1 | 2) {
            errors.add("sides", Message::new("pricing.sides_invalid"));
        }
    }
    if mode == PricingMode::Negotiated {
        match request.negotiated_unit_price {
            None => errors.add(
                "unit_price",
                Message::new("pricing.negotiated_price_required"),
            ),
            Some(price) if price.is_negative() => {
                errors.add("unit_price", Message::new("pricing.price_negative"))
            }
            Some(_) => {}
        }
    }
    errors.into_result(())
}

/// Steps 1–3: raw quantity, per-piece minimum, rounding. Also the paper sheets of sheet products.
fn billable_quantity(
    product: &ProductPricing,
    request: &LineRequest,
    places: &DecimalPlaces,
    explanation: &mut Vec<Message>,
) -> (Decimal, Option<Decimal>) {
    let one = Decimal::ONE;
    let (width, height) = (
        places.round(FigureKind::Dimension, request.width),
        places.round(FigureKind::Dimension, request.height),
    );
    let per_piece = match product.mode {
        PricingMode::Area => {
            let area = width * height;
            explanation.push(
                Message::new("pricing.explain.area")
                    .arg("width", show(width))
                    .arg("height", show(height))
                    .arg("area", show(area)),
            );
            Some(area)
        }
        PricingMode::VirtualArea => {
            let (short, long) = if width <= height {
                (width, height)
            } else {
                (height, width)
            };
            let counted_short = short.max(one);
            if short < one {
                explanation
                    .push(Message::new("pricing.explain.virtual_area").arg("short", show(short)));
            }
            let area = counted_short * long;
            explanation.push(
                Message::new("pricing.explain.area")
                    .arg("width", show(counted_short))
                    .arg("height", show(long))
                    .arg("area", show(area)),
            );
            Some(area)
        }
        PricingMode::Length => {
            explanation.push(Message::new("pricing.explain.length").arg("length", show(width)));
            Some(width)
        }
        PricingMode::Perimeter => {
            let perimeter = (width + height) * Decimal::from(2);
            explanation.push(
                Message::new("pricing.explain.perimeter")
                    .arg("width", show(width))
                    .arg("height", show(height))
                    .arg("perimeter", show(perimeter)),
            );
            Some(perimeter)
        }
        _ => None,
    };
    let kind = product.mode.quantity_kind();
    if let Some(per_piece) = per_piece {
        let per_piece = if !product.min_per_piece.is_zero() && per_piece < product.min_per_piece {
            explanation.push(
                Message::new("pricing.explain.min_per_piece")
                    .arg("raw", show(per_piece))
                    .arg("min", show(product.min_per_piece)),
            );
            product.min_per_piece
        } else {
            per_piece
        };
        let billable = places.round(kind, per_piece * request.quantity);
        explanation.push(
            Message::new("pricing.explain.billable_pieces")
                .arg("per_piece", show(per_piece))
                .arg("pieces", show(request.quantity))
                .arg("billable", show(billable)),
        );
        return (billable, None);
    }
    if product.mode == PricingMode::Sheet {
        let sheets_per_copy = (request.pages / Decimal::from(request.sides)).ceil();
        let paper = sheets_per_copy * request.quantity;
        let per_copy = match product.sheet_unit {
            SheetUnit::Side => request.pages,
            SheetUnit::Sheet => sheets_per_copy,
            SheetUnit::Copy => one,
        };
        let billable = places.round(kind, per_copy * request.quantity);
        explanation.push(
            Message::new(match product.sheet_unit {
                SheetUnit::Side => "pricing.explain.sides",
                SheetUnit::Sheet => "pricing.explain.sheets",
                SheetUnit::Copy => "pricing.explain.copies",
            })
            .arg("pages", show(request.pages))
            .arg("copies", show(request.quantity))
            .arg("sides", request.sides)
            .arg("billable", show(billable)),
        );
        return (billable, Some(paper));
    }
    (places.round(kind, request.quantity), None)
}

/// Steps 4–5 for goods: the unit price by the first matching rule, and the amount.
fn goods_amount(
    product: &ProductPricing,
    table: &PriceTable,
    rules: &[PriceRule],
    billable: Decimal,
    date: NaiveDate,
    places: &DecimalPlaces,
    explanation: &mut Vec<Message>,
) -> Result<(Money, Money, PriceSource), FieldErrors> {
    let live: Vec<&PriceRule> = rules.iter().filter(|rule| rule.valid_on(date)).collect();
    let targets_product = |target: RuleTarget| match target {
        RuleTarget::Product(id) => id == product.product_id,
        RuleTarget::Category(id) => product.category_ids.contains(&id),
        RuleTarget::Process(_) => false,
        RuleTarget::Everything => true,
    };
    // Product-specific before category, nearer category before farther, then everything.
    let specificity = |target: RuleTarget| match target {
        RuleTarget::Product(_) => 0,
        RuleTarget::Category(id) => {
            1 + product
                .category_ids
                .iter()
                .position(|c| *c == id)
                .unwrap_or(0)
        }
        RuleTarget::Process(_) | RuleTarget::Everything => usize::MAX,
    };
    let pick = |holder: RuleHolder, fixed: bool| {
        live.iter()
            .filter(|rule| rule.holder == holder && targets_product(rule.target))
            .filter(|rule| matches!(rule.kind, RuleKind::FixedPrice(_)) == fixed)
            .min_by_key(|rule| specificity(rule.target))
            .copied()
    };
    for (holder, fixed) in [
        (RuleHolder::Customer, true),
        (RuleHolder::Customer, false),
        (RuleHolder::Group, true),
        (RuleHolder::Group, false),
    ] {
        let Some(rule) = pick(holder, fixed) else {
            continue;
        };
        match rule.kind {
            RuleKind::FixedPrice(price) => {
                let key = if holder == RuleHolder::Customer {
                    "pricing.explain.customer_fixed"
                } else {
                    "pricing.explain.group_fixed"
                };
                explanation.push(
                    Message::new(key)
                        .arg("rule", &rule.label)
                        .arg("price", price.format(places.unit_price)),
                );
                let source = if holder == RuleHolder::Customer {
                    PriceSource::CustomerFixed(rule.label.clone())
                } else {
                    PriceSource::GroupFixed(rule.label.clone())
                };
                return Ok((amount_of(billable, price, places)?, price, source));
            }
            RuleKind::Discount(rate) => {
                let key = if holder == RuleHolder::Customer {
                    "pricing.explain.customer_discount"
                } else {
                    "pricing.explain.group_discount"
                };
                explanation.push(
                    Message::new(key)
                        .arg("rule", &rule.label)
                        .arg("rate", show(rate * Decimal::from(100))),
                );
                let (base_amount, base_price) = table_amount(table, billable, places, explanation)?;
                let source = if holder == RuleHolder::Customer {
                    PriceSource::CustomerDiscount(rule.label.clone())
                } else {
                    PriceSource::GroupDiscount(rule.label.clone())
                };
                return match base_price {
                    // A plain unit price: discount the unit price, then multiply.
                    Some(unit) => {
                        let price = Money::rounded(unit.to_decimal() * rate, places.unit_price)
                            .map_err(|_| too_large())?;
                        Ok((amount_of(billable, price, places)?, price, source))
                    }
                    // Incremental or interpolated tiers: discount the amount.
                    None => {
                        let amount = Money::rounded(base_amount.to_decimal() * rate, places.amount)
                            .map_err(|_| too_large())?;
                        Ok((amount, per_unit(amount, billable, places)?, source))
                    }
                };
            }
        }
    }
    let (amount, unit) = table_amount(table, billable, places, explanation)?;
    let source = if table.tiers.is_some() {
        PriceSource::Tier
    } else {
        PriceSource::List
    };
    Ok((
        amount,
        unit.map_or_else(|| per_unit(amount, billable, places), Ok)?,
        source,
    ))
}

/// The amount a price table gives for `billable`, and the unit price when one unit price applies
/// to every unit (list price or whole-quantity tier).
fn table_amount(
    table: &PriceTable,
    billable: Decimal,
    places: &DecimalPlaces,
    explanation: &mut Vec<Message>,
) -> Result<(Money, Option<Money>), FieldErrors> {
    let Some(tiers) = table.tiers.as_ref().filter(|t| !t.tiers.is_empty()) else {
        explanation.push(
            Message::new("pricing.explain.list")
                .arg("price", table.list_price.format(places.unit_price)),
        );
        return Ok((
            amount_of(billable, table.list_price, places)?,
            Some(table.list_price),
        ));
    };
    match tiers.style {
        TierStyle::Whole => {
            let tier = tiers
                .tiers
                .iter()
                .rev()
                .find(|tier| tier.from <= billable)
                .unwrap_or(&tiers.tiers[0]);
            explanation.push(
                Message::new("pricing.explain.tier_whole")
                    .arg("quantity", show(billable))
                    .arg("from", show(tier.from))
                    .arg("price", tier.price.format(places.unit_price)),
            );
            Ok((amount_of(billable, tier.price, places)?, Some(tier.price)))
        }
        TierStyle::Incremental => {
            let base = tiers.tiers[0].from;
            let mut sum = Decimal::ZERO;
            let mut bands = Vec::new();
            for (idx, tier) in tiers.tiers.iter().enumerate() {
                let lower = tier.from - base;
                let upper = tiers.tiers.get(idx + 1).map(|next| next.from - base);
                let top = upper.map_or(billable, |upper| billable.min(upper));
                let units = (top - lower).max(Decimal::ZERO);
                if units > Decimal::ZERO {
                    sum += units * tier.price.to_decimal();
                    bands.push(format!(
                        "{} × {}",
                        show(units),
                        tier.price.format(places.unit_price)
                    ));
                }
            }
            explanation.push(
                Message::new("pricing.explain.tier_incremental").arg("bands", bands.join(" + ")),
            );
            Ok((
                Money::rounded(sum, places.amount).map_err(|_| too_large())?,
                None,
            ))
        }
        TierStyle::Interpolated => {
            let list = &tiers.tiers;
            let first = &list[0];
            let last = &list[list.len() - 1];
            let total = if billable <= first.from {
                explanation.push(
                    Message::new("pricing.explain.tier_set_minimum")
                        .arg("from", show(first.from))
                        .arg("price", first.price.format(places.amount)),
                );
                first.price.to_decimal()
            } else if billable >= last.from {
                let extra = billable - last.from;
                explanation.push(
                    Message::new("pricing.explain.tier_run_on")
                        .arg("from", show(last.from))
                        .arg("price", last.price.format(places.amount))
                        .arg(
                            "run_on",
                            tiers.run_on_per_thousand.format(places.unit_price),
                        ),
                );
                last.price.to_decimal()
                    + extra / Decimal::from(1000) * tiers.run_on_per_thousand.to_decimal()
            } else {
                let upper_idx = list
                    .iter()
                    .position(|tier| tier.from > billable)
                    .unwrap_or(list.len() - 1);
                let (lo, hi) = (&list[upper_idx - 1], &list[upper_idx]);
                explanation.push(
                    Message::new("pricing.explain.tier_interpolated")
                        .arg("quantity", show(billable))
                        .arg("low", show(lo.from))
                        .arg("high", show(hi.from)),
                );
                let share = (billable - lo.from) / (hi.from - lo.from);
                lo.price.to_decimal() + share * (hi.price.to_decimal() - lo.price.to_decimal())
            };
            Ok((
                Money::rounded(total, places.amount).map_err(|_| too_large())?,
                None,
            ))
        }
    }
}

/// Step 7: one process, from the line's billable quantity.
fn price_process(
    product: &ProductPricing,
    process: &ProcessPricing,
    rules: &[PriceRule],
    request: &LineRequest,
    billable: Decimal,
    places: &DecimalPlaces,
    explanation: &mut Vec<Message>,
) -> Result<PricedProcess, FieldErrors> {
    let width = places.round(FigureKind::Dimension, request.width);
    let height = places.round(FigureKind::Dimension, request.height);
    let perimeter_total = || {
        places.round(
            FigureKind::Quantity,
            (width + height) * Decimal::from(2) * request.quantity,
        )
    };
    let quantity = match process.basis {
        ProcessBasis::PerArea => match product.mode {
            PricingMode::Area | PricingMode::VirtualArea => billable,
            _ => places.round(FigureKind::Area, width * height * request.quantity),
        },
        ProcessBasis::PerLength => match product.mode {
            PricingMode::Length => billable,
            _ => perimeter_total(),
        },
        ProcessBasis::PerPerimeter => match product.mode {
            PricingMode::Perimeter => billable,
            _ => perimeter_total(),
        },
        ProcessBasis::PerPiece => request.quantity,
    };
    if quantity <= Decimal::ZERO {
        return Err(FieldErrors::single(
            "processes",
            Message::new("pricing.process_needs_size").arg("name", &process.name),
        ));
    }
    let live = rules.iter().filter(|rule| rule.valid_on(request.date));
    let applies = |rule: &&PriceRule| {
        matches!(rule.target, RuleTarget::Process(id) if id == process.process_id)
            || rule.target == RuleTarget::Everything
    };
    let candidates: Vec<&PriceRule> = live.filter(applies).collect();
    let mut unit_price = process.unit_price;
    'rules: for (holder, fixed) in [
        (RuleHolder::Customer, true),
        (RuleHolder::Customer, false),
        (RuleHolder::Group, true),
        (RuleHolder::Group, false),
    ] {
        // A rule naming the process beats one for everything.
        let mut matching: Vec<&&PriceRule> = candidates
            .iter()
            .filter(|rule| {
                rule.holder == holder && matches!(rule.kind, RuleKind::FixedPrice(_)) == fixed
            })
            .collect();
        matching.sort_by_key(|rule| rule.target == RuleTarget::Everything);
        if let Some(rule) = matching.first() {
            unit_price = match rule.kind {
                RuleKind::FixedPrice(price) => price,
                RuleKind::Discount(rate) => {
                    Money::rounded(process.unit_price.to_decimal() * rate, places.unit_price)
                        .map_err(|_| too_large())?
                }
            };
            explanation.push(
                Message::new("pricing.explain.process_rule")
                    .arg("name", &process.name)
                    .arg("rule", &rule.label)
                    .arg("price", unit_price.format(places.unit_price)),
            );
            break 'rules;
        }
    }
    let amount = amount_of(quantity, unit_price, places)?;
    explanation.push(
        Message::new("pricing.explain.process")
            .arg("name", &process.name)
            .arg("quantity", show(quantity))
            .arg("price", unit_price.format(places.unit_price))
            .arg("amount", amount.format(places.amount)),
    );
    Ok(PricedProcess {
        process_id: process.process_id,
        name: process.name.clone(),
        quantity,
        unit_price,
        amount,
    })
}

/// Step 5: quantity × unit price, rounded to the amount's places (the line amount's rounding point).
fn amount_of(
    quantity: Decimal,
    unit_price: Money,
    places: &DecimalPlaces,
) -> Result<Money, FieldErrors> {
    let product = quantity
        .checked_mul(unit_price.to_decimal())
        .ok_or_else(too_large)?;
    Money::rounded(product, places.amount).map_err(|_| too_large())
}

/// The unit price shown for an amount that tiers built: amount ÷ quantity, at unit-price places.
fn per_unit(
    amount: Money,
    quantity: Decimal,
    places: &DecimalPlaces,
) -> Result<Money, FieldErrors> {
    if quantity.is_zero() {
        return Ok(Money::ZERO);
    }
    Money::rounded(amount.to_decimal() / quantity, places.unit_price).map_err(|_| too_large())
}

fn too_large() -> FieldErrors {
    FieldErrors::single("quantity", Message::new("pricing.amount_too_large"))
}

/// A decimal as a person reads it: no trailing zeros (`0.96`, `3`, `1.5`).
fn show(value: Decimal) -> String {
    value.normalize().to_string()
}

/// Checks a tier table as entered: brackets strictly ascending, the first starting at 0 or 1 (a
/// first bracket starting higher leaves a gap below it), prices not negative; interpolated set
/// prices must not fall as the quantity grows. Field names are `tiers[i].from` / `tiers[i].price`.
pub fn check_tiers(table: &TierTable) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    if table.tiers.is_empty() {
        errors.add("tiers", Message::new("pricing.tiers_empty"));
        return Err(errors);
    }
    if table.tiers[0].from > Decimal::ONE || table.tiers[0].from < Decimal::ZERO {
        errors.add("tiers[0].from", Message::new("pricing.tiers_first_gap"));
    }
    for (idx, tier) in table.tiers.iter().enumerate() {
        if tier.price.is_negative() {
            errors.add(
                format!("tiers[{idx}].price"),
                Message::new("pricing.price_negative"),
            );
        }
        if idx > 0 {
            let previous = &table.tiers[idx - 1];
            if tier.from <= previous.from {
                errors.add(
                    format!("tiers[{idx}].from"),
                    Message::new("pricing.tiers_overlap").arg("previous", show(previous.from)),
                );
            } else if table.style == TierStyle::Interpolated && tier.price < previous.price {
                errors.add(
                    format!("tiers[{idx}].price"),
                    Message::new("pricing.tiers_set_price_falls"),
                );
            }
        }
    }
    if table.run_on_per_thousand.is_negative() {
        errors.add(
            "run_on_per_thousand",
            Message::new("pricing.price_negative"),
        );
    }
    errors.into_result(())
}

/// 管理费: a percentage of the goods-and-processes subtotal, or a fixed amount (§4.3 G).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ManagementFee {
    None,
    /// Percent of the subtotal, e.g. 5 for 5 %.
    Percent(Decimal),
    Fixed(Money),
}

/// The management fee on `subtotal`, rounded to the amount's places (its rounding point).
pub fn management_fee(subtotal: Money, fee: ManagementFee, places: &DecimalPlaces) -> Money {
    match fee {
        ManagementFee::None => Money::ZERO,
        ManagementFee::Fixed(amount) => amount,
        ManagementFee::Percent(percent) => Money::rounded(
            subtotal.to_decimal() * percent / Decimal::from(100),
            places.amount,
        )
        .unwrap_or(Money::ZERO),
    }
}

/// An amount split into net and tax (§4.3 H).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaxSplit {
    pub net: Money,
    pub tax: Money,
    pub gross: Money,
}

/// Tax at `rate_percent` on `amount`. Tax-inclusive prices (walk-ins): tax = amount × r ÷ (1 + r)
/// and the amount is the gross. Tax-exclusive (quotes to companies): tax = amount × r is added.
/// The tax is rounded once, to the amount's places; net is what remains.
pub fn tax(
    amount: Money,
    rate_percent: Decimal,
    inclusive: bool,
    places: &DecimalPlaces,
) -> TaxSplit {
    let rate = rate_percent / Decimal::from(100);
    if inclusive {
        let tax = Money::rounded(
            amount.to_decimal() * rate / (Decimal::ONE + rate),
            places.amount,
        )
        .unwrap_or(Money::ZERO);
        TaxSplit {
            net: amount.checked_sub(tax).unwrap_or(amount),
            tax,
            gross: amount,
        }
    } else {
        let tax = Money::rounded(amount.to_decimal() * rate, places.amount).unwrap_or(Money::ZERO);
        TaxSplit {
            net: amount,
            tax,
            gross: amount.checked_add(tax).unwrap_or(amount),
        }
    }
}

/// 抹零: writes off the small change below `unit` (¥1 to the yuan, ¥0.1 to the jiao, or what the
/// clerk chose, e.g. ¥10). Returns the receivable and the (negative or zero) round-off line. The
/// document changes, not the display (§4.3 I).
pub fn round_off(total: Money, unit: Money) -> (Money, Money) {
    if unit.scaled() <= 0 || total.is_negative() {
        return (total, Money::ZERO);
    }
    let kept = Money::from_scaled(total.scaled() / unit.scaled() * unit.scaled());
    (kept, Money::from_scaled(kept.scaled() - total.scaled()))
}

// ---------------------------------------------------------------------------------------------
// Parsing the product form and the price preview (manual 5.3). Everything above prices; what
// follows turns raw text into the types above, collecting every bad field.
// ---------------------------------------------------------------------------------------------

/// The highest unit price (or set price, minimum charge, run-on rate) a product may carry. A
/// higher figure is a typing error, not a price.
pub const MAX_PRODUCT_PRICE: i64 = 1_000_000;
const MAX_CODE_CHARS: usize = 30;
const MAX_NAME_CHARS: usize = 100;
const MAX_SPECIFICATION_CHARS: usize = 100;

impl SheetUnit {
    pub const ALL: [SheetUnit; 3] = [SheetUnit::Side, SheetUnit::Sheet, SheetUnit::Copy];

    pub fn code(self) -> &'static str {
        match self {
            SheetUnit::Side => "side",
            SheetUnit::Sheet => "sheet",
            SheetUnit::Copy => "copy",
        }
    }

    pub fn from_code(code: &str) -> Option<SheetUnit> {
        SheetUnit::ALL.into_iter().find(|unit| unit.code() == code)
    }
}

/// A product as the form or API described it, every field valid on its own. Whether the
/// category, unit and processes are live items of the account set, and whether the code is free,
/// the service checks inside its write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewProduct {
    pub code: String,
    pub name: String,
    pub category_id: i64,
    pub unit_id: i64,
    pub specification: String,
    pub cost_price: Money,
    /// Percent, 0 to 100.
    pub tax_rate: Decimal,
    pub pricing_mode: PricingMode,
    pub sheet_unit: SheetUnit,
    pub list_price: Money,
    pub colour_list_price: Option<Money>,
    pub min_per_piece: Decimal,
    pub min_charge: Money,
    /// Metres; zero for no limit (see [`ProductPricing::max_width`]).
    pub max_width: Decimal,
    pub max_length: Decimal,
    pub tiers: Option<TierTable>,
    pub colour_tiers: Option<TierTable>,
    pub run_on_per_thousand: Money,
    pub dimension_unit: DimensionUnit,
    /// 拼音首字母 of the name, for search as you type.
    pub pinyin_initials: String,
    pub is_active: bool,
    /// Distinct, in the order given.
    pub process_ids: Vec<i64>,
    /// The version an edit was based on; `None` skips the stale-edit check.
    pub version: Option<i64>,
}

impl NewProduct {
    /// Parses the raw text of the form or API. Field names are the form's and the JSON keys;
    /// tier rows are `tiers[i].from` / `tiers[i].price` (and `colour_tiers[…]`), `i` counting the
    /// rows as sent, blank rows included.
    pub fn parse(input: &super::ProductInput) -> Result<NewProduct, FieldErrors> {
        let mut errors = FieldErrors::new();
        let code = input.code.trim();
        if code.is_empty() {
            errors.add("code", Message::new("product.code_required"));
        } else if code.chars().count() > MAX_CODE_CHARS
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            errors.add(
                "code",
                Message::new("product.code_invalid").arg("max", MAX_CODE_CHARS),
            );
        }
        let name = input.name.trim();
        if name.is_empty() {
            errors.add("name", Message::new("product.name_required"));
        } else if name.chars().count() > MAX_NAME_CHARS {
            errors.add(
                "name",
                Message::new("product.name_too_long").arg("max", MAX_NAME_CHARS),
            );
        }
        let category_id = parse_id(&input.category_id);
        if category_id.is_none() {
            errors.add("category_id", Message::new("product.category_required"));
        }
        let unit_id = parse_id(&input.unit_id);
        if unit_id.is_none() {
            errors.add("unit_id", Message::new("product.unit_required"));
        }
        let specification = input.specification.trim();
        if specification.chars().count() > MAX_SPECIFICATION_CHARS {
            errors.add(
                "specification",
                Message::new("product.specification_too_long").arg("max", MAX_SPECIFICATION_CHARS),
            );
        }
        let pricing_mode = PricingMode::from_code(input.pricing_mode.trim());
        if pricing_mode.is_none() {
            errors.add("pricing_mode", Message::new("product.pricing_mode_invalid"));
        }
        let sheet_unit = match input.sheet_unit.trim() {
            "" => Some(SheetUnit::Side),
            text => SheetUnit::from_code(text),
        };
        if sheet_unit.is_none() {
            errors.add("sheet_unit", Message::new("product.sheet_unit_invalid"));
        }
        let unit_price = "product.price_too_large";
        let amount = "product.amount_too_large";
        let cost_price = parse_price(
            &mut errors,
            "cost_price".into(),
            &input.cost_price,
            unit_price,
        );
        let list_price = parse_price(
            &mut errors,
            "list_price".into(),
            &input.list_price,
            unit_price,
        );
        let colour_list_price = if input.colour_list_price.trim().is_empty() {
            None
        } else {
            parse_price(
                &mut errors,
                "colour_list_price".into(),
                &input.colour_list_price,
                unit_price,
            )
        };
        let min_charge = parse_price(&mut errors, "min_charge".into(), &input.min_charge, amount);
        let run_on = parse_price(
            &mut errors,
            "run_on_per_thousand".into(),
            &input.run_on_per_thousand,
            unit_price,
        )
        .unwrap_or(Money::ZERO);
        let tax_rate = parse_bounded(&input.tax_rate, Decimal::from(100));
        if tax_rate.is_none() {
            errors.add("tax_rate", Message::new("product.tax_rate_invalid"));
        }
        let min_per_piece = parse_bounded(&input.min_per_piece, Decimal::from(MAX_PRODUCT_PRICE));
        if min_per_piece.is_none() {
            errors.add(
                "min_per_piece",
                Message::new("product.min_per_piece_invalid"),
            );
        }
        let mut size_limit = |field: &'static str, text: &str| {
            parse_bounded(text, Decimal::from(MAX_DIMENSION_M)).unwrap_or_else(|| {
                errors.add(
                    field,
                    Message::new("product.size_limit_invalid").arg("max", MAX_DIMENSION_M),
                );
                Decimal::ZERO
            })
        };
        let max_width = size_limit("max_width", &input.max_width);
        let max_length = size_limit("max_length", &input.max_length);
        let tiers = parse_tiers(
            &mut errors,
            "tiers",
            "tier_style",
            &input.tier_style,
            &input.tiers,
            run_on,
        );
        let colour_tiers = parse_tiers(
            &mut errors,
            "colour_tiers",
            "colour_tier_style",
            &input.colour_tier_style,
            &input.colour_tiers,
            run_on,
        );
        let dimension_unit = match input.dimension_unit.trim() {
            "" => Some(DimensionUnit::Metre),
            text => DimensionUnit::from_code(text),
        };
        if dimension_unit.is_none() {
            errors.add(
                "dimension_unit",
                Message::new("product.dimension_unit_invalid"),
            );
        }
        let mut process_ids = Vec::new();
        for text in input
            .process_ids
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
        {
            match parse_id(text) {
                Some(id) if !process_ids.contains(&id) => process_ids.push(id),
                Some(_) => {}
                None => errors.add("process_ids", Message::new("product.process_unknown")),
            }
        }
        // An unreadable version can only be a tampered form: treat it as stale.
        let version = match input.version.trim() {
            "" => None,
            text => Some(text.parse::<i64>().unwrap_or(-1)),
        };
        let (
            Some(category_id),
            Some(unit_id),
            Some(pricing_mode),
            Some(sheet_unit),
            Some(cost_price),
            Some(list_price),
            Some(min_charge),
            Some(tax_rate),
            Some(min_per_piece),
            Some(dimension_unit),
            true,
        ) = (
            category_id,
            unit_id,
            pricing_mode,
            sheet_unit,
            cost_price,
            list_price,
            min_charge,
            tax_rate,
            min_per_piece,
            dimension_unit,
            errors.is_empty(),
        )
        else {
            return Err(errors);
        };
        Ok(NewProduct {
            code: code.to_owned(),
            name: name.to_owned(),
            category_id,
            unit_id,
            specification: specification.to_owned(),
            cost_price,
            tax_rate,
            pricing_mode,
            sheet_unit,
            list_price,
            colour_list_price,
            min_per_piece,
            min_charge,
            max_width,
            max_length,
            tiers,
            colour_tiers,
            run_on_per_thousand: run_on,
            dimension_unit,
            pinyin_initials: crate::customers::contact::pinyin_initials(name),
            is_active: input.is_active,
            process_ids,
            version,
        })
    }
}

/// A positive id typed as text.
fn parse_id(text: &str) -> Option<i64> {
    text.trim().parse::<i64>().ok().filter(|id| *id > 0)
}

/// A price field: empty is 0; not negative; at most [`MAX_PRODUCT_PRICE`] (`too_large_key` says
/// so); at most four decimals.
fn parse_price(
    errors: &mut FieldErrors,
    field: std::borrow::Cow<'static, str>,
    text: &str,
    too_large_key: &'static str,
) -> Option<Money> {
    let text = text.trim();
    if text.is_empty() {
        return Some(Money::ZERO);
    }
    let max = Money::from_scaled(MAX_PRODUCT_PRICE * 10_000);
    match Money::parse(text) {
        Ok(price) if price.is_negative() => {
            errors.add(field, Message::new("pricing.price_negative"))
        }
        Ok(price) if price > max => errors.add(
            field,
            Message::new(too_large_key).arg("max", MAX_PRODUCT_PRICE),
        ),
        Ok(price) => return Some(price),
        Err(AmountError::OutOfRange) => errors.add(
            field,
            Message::new(too_large_key).arg("max", MAX_PRODUCT_PRICE),
        ),
        Err(AmountError::TooPrecise) => errors.add(field, Message::new("product.too_precise")),
        Err(AmountError::NotANumber) => errors.add(field, Message::new("product.price_invalid")),
    }
    None
}

/// A decimal from 0 to `max` with at most four places; empty is 0.
fn parse_bounded(text: &str, max: Decimal) -> Option<Decimal> {
    let text = text.trim();
    if text.is_empty() {
        return Some(Decimal::ZERO);
    }
    let value = parse_decimal(text).ok()?;
    ((Decimal::ZERO..=max).contains(&value) && Quantity::from_decimal(value).is_ok())
        .then_some(value)
}

/// The tier rows of one table. Blank rows are skipped; no filled row means no tiers. Errors name
/// the row as sent (`tiers[3].from`), also those [`check_tiers`] finds.
fn parse_tiers(
    errors: &mut FieldErrors,
    prefix: &'static str,
    style_field: &'static str,
    style_text: &str,
    rows: &[super::TierInput],
    run_on_per_thousand: Money,
) -> Option<TierTable> {
    let filled: Vec<(usize, &super::TierInput)> = rows
        .iter()
        .enumerate()
        .filter(|(_, row)| !(row.from.trim().is_empty() && row.price.trim().is_empty()))
        .collect();
    if filled.is_empty() {
        return None;
    }
    let style = match style_text.trim() {
        "" => TierStyle::Whole,
        text => match TierStyle::from_code(text) {
            Some(style) => style,
            None => {
                errors.add(style_field, Message::new("product.tier_style_invalid"));
                return None;
            }
        },
    };
    let n_errors_before = errors.iter().count();
    let mut tiers = Vec::with_capacity(filled.len());
    for (idx, row) in &filled {
        let from = parse_decimal(row.from.trim()).ok().filter(|from| {
            Quantity::from_decimal(*from).is_ok() && *from <= Decimal::from(MAX_QUANTITY)
        });
        if from.is_none() {
            errors.add(
                format!("{prefix}[{idx}].from"),
                Message::new("product.tier_from_invalid"),
            );
        }
        let price = if row.price.trim().is_empty() {
            errors.add(
                format!("{prefix}[{idx}].price"),
                Message::new("product.tier_price_required"),
            );
            None
        } else {
            parse_price(
                errors,
                format!("{prefix}[{idx}].price").into(),
                &row.price,
                "product.price_too_large",
            )
        };
        if let (Some(from), Some(price)) = (from, price) {
            tiers.push(Tier { from, price });
        }
    }
    if errors.iter().count() > n_errors_before {
        return None;
    }
    let table = TierTable {
        style,
        tiers,
        run_on_per_thousand,
    };
    if let Err(found) = check_tiers(&table) {
        for error in found.iter() {
            errors.add(
                rename_tier_field(&error.field, prefix, &filled),
                error.message.clone(),
            );
        }
        return None;
    }
    Some(table)
}

/// `tiers[k].from` of the filled rows → `{prefix}[i].from` of the rows as sent.
fn rename_tier_field(
    field: &str,
    prefix: &'static str,
    filled: &[(usize, &super::TierInput)],
) -> String {
    let Some(rest) = field.strip_prefix("tiers[") else {
        return if field == "tiers" {
            prefix.to_owned()
        } else {
            field.to_owned()
        };
    };
    let Some((k, tail)) = rest.split_once(']') else {
        return field.to_owned();
    };
    let row = k
        .parse::<usize>()
        .ok()
        .and_then(|k| filled.get(k))
        .map_or(0, |(idx, _)| *idx);
    format!("{prefix}[{row}]{tail}")
}

/// A price preview (试算) request, parsed: sizes in metres, ready for [`price_line`], which
/// checks them against the product's mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreviewRequest {
    pub width: Decimal,
    pub height: Decimal,
    pub quantity: Decimal,
    pub pages: Decimal,
    pub sides: u8,
    pub colour: bool,
    pub negotiated_unit_price: Option<Money>,
}

impl PreviewRequest {
    /// Parses the raw text; sizes typed in `input.dimension_unit` (or `default_unit` when empty)
    /// become metres. Empty figures read as 0, which [`price_line`] then refuses where the mode
    /// needs them.
    pub fn parse(
        input: &super::PreviewInput,
        default_unit: DimensionUnit,
    ) -> Result<PreviewRequest, FieldErrors> {
        let mut errors = FieldErrors::new();
        let unit = match input.dimension_unit.trim() {
            "" => Some(default_unit),
            text => DimensionUnit::from_code(text),
        };
        if unit.is_none() {
            errors.add(
                "dimension_unit",
                Message::new("product.dimension_unit_invalid"),
            );
        }
        let mut number = |field: &'static str, text: &str| -> Decimal {
            let text = text.trim();
            if text.is_empty() {
                return Decimal::ZERO;
            }
            match parse_decimal(text) {
                Ok(value) => value,
                Err(_) => {
                    errors.add(field, Message::new("product.number_invalid"));
                    Decimal::ZERO
                }
            }
        };
        let width = number("width", &input.width);
        let height = number("height", &input.height);
        let quantity = number("quantity", &input.quantity);
        let pages = number("pages", &input.pages);
        let sides = match input.sides.trim() {
            "" => 1,
            text => text.parse::<u8>().unwrap_or(0),
        };
        let negotiated_unit_price = match input.unit_price.trim() {
            "" => None,
            text => match Money::parse(text) {
                Ok(price) => Some(price),
                Err(_) => {
                    errors.add("unit_price", Message::new("product.price_invalid"));
                    None
                }
            },
        };
        let Some(unit) = unit.filter(|_| errors.is_empty()) else {
            return Err(errors);
        };
        Ok(PreviewRequest {
            width: unit.to_metres(width),
            height: unit.to_metres(height),
            quantity,
            pages,
            sides,
            colour: input.colour,
            negotiated_unit_price,
        })
    }

    /// The line to price, with its processes, on `date`.
    pub fn into_line_request(self, processes: Vec<ProcessPricing>, date: NaiveDate) -> LineRequest {
        LineRequest {
            width: self.width,
            height: self.height,
            quantity: self.quantity,
            pages: self.pages,
            sides: self.sides,
            colour: self.colour,
            negotiated_unit_price: self.negotiated_unit_price,
            processes,
            date,
        }
    }
}

/// The pricing of a stored product: what [`price_line`] needs, given its category and the
/// category's ancestors (nearest first).
pub fn pricing_of_product(product: &super::Product, category_ids: Vec<i64>) -> ProductPricing {
    let colour_price = match (product.colour_list_price, &product.colour_tiers) {
        (None, None) => None,
        (list_price, tiers) => Some(PriceTable {
            list_price: list_price.unwrap_or(product.list_price),
            tiers: tiers.clone(),
        }),
    };
    ProductPricing {
        product_id: product.id.0,
        category_ids,
        mode: product.pricing_mode,
        sheet_unit: product.sheet_unit,
        price: PriceTable {
            list_price: product.list_price,
            tiers: product.tiers.clone(),
        },
        colour_price,
        min_per_piece: product.min_per_piece,
        min_charge: product.min_charge,
        max_width: product.max_width,
        max_length: product.max_length,
    }
}

/// A process item's pricing from its stored attributes: `unit_price` (empty or unreadable is 0)
/// and `basis` (per piece unless it says otherwise).
pub fn process_pricing(
    process_id: i64,
    name: &str,
    unit_price: &str,
    basis: &str,
) -> ProcessPricing {
    ProcessPricing {
        process_id,
        name: name.to_owned(),
        unit_price: Money::parse(unit_price).unwrap_or(Money::ZERO),
        basis: ProcessBasis::from_code(basis).unwrap_or(ProcessBasis::PerPiece),
    }
}

/// `id`'s category followed by its ancestors, nearest first, from (id, parent) links. A broken
/// or cyclic chain stops where it breaks.
pub fn category_chain(id: i64, links: &[(i64, Option<i64>)]) -> Vec<i64> {
    let mut chain = vec![id];
    let mut current = id;
    while let Some(parent) = links
        .iter()
        .find(|(item, _)| *item == current)
        .and_then(|(_, parent)| *parent)
    {
        if chain.contains(&parent) {
            break;
        }
        chain.push(parent);
        current = parent;
    }
    chain
}

/// The columns of the product import template (manual 5.3 导入), in sheet order. Lists are
/// named, never numbered: 产品类别 holds a category's own name (a sub-category's too), 默认工序
/// the processes' names.
pub const IMPORT_COLUMNS: &[TemplateColumn] = &[
    import_column("code", true, 14),
    import_column("name", true, 24),
    import_column("category", true, 14),
    import_column("unit", true, 10),
    import_column("specification", false, 16),
    import_column("pricing_mode", true, 12),
    import_column("list_price", true, 10),
    import_column("cost_price", false, 10),
    import_column("tax_rate", false, 8),
    import_column("min_per_piece", false, 10),
    import_column("min_charge", false, 10),
    import_column("max_width", false, 10),
    import_column("max_length", false, 10),
    import_column("tiers", false, 28),
    import_column("processes", false, 24),
];

const fn import_column(key: &'static str, required: bool, width: u16) -> TemplateColumn {
    let (header_key, note_key) = match key.as_bytes() {
        b"code" => ("product_import.col.code", "product_import.note.code"),
        b"name" => ("product_import.col.name", "product_import.note.name"),
        b"category" => (
            "product_import.col.category",
            "product_import.note.category",
        ),
        b"unit" => ("product_import.col.unit", "product_import.note.unit"),
        b"specification" => (
            "product_import.col.specification",
            "product_import.note.specification",
        ),
        b"pricing_mode" => (
            "product_import.col.pricing_mode",
            "product_import.note.pricing_mode",
        ),
        b"list_price" => (
            "product_import.col.list_price",
            "product_import.note.list_price",
        ),
        b"cost_price" => (
            "product_import.col.cost_price",
            "product_import.note.cost_price",
        ),
        b"tax_rate" => (
            "product_import.col.tax_rate",
            "product_import.note.tax_rate",
        ),
        b"min_per_piece" => (
            "product_import.col.min_per_piece",
            "product_import.note.min_per_piece",
        ),
        b"min_charge" => (
            "product_import.col.min_charge",
            "product_import.note.min_charge",
        ),
        b"max_width" => (
            "product_import.col.max_width",
            "product_import.note.max_width",
        ),
        b"max_length" => (
            "product_import.col.max_length",
            "product_import.note.max_length",
        ),
        b"tiers" => ("product_import.col.tiers", "product_import.note.tiers"),
        _ => (
            "product_import.col.processes",
            "product_import.note.processes",
        ),
    };
    TemplateColumn {
        key,
        header_key,
        required,
        note_key,
        width,
    }
}

/// The live items of the lists a product sheet names, by name.
#[derive(Clone, Debug, Default)]
pub struct ImportLists {
    pub categories: NameIndex,
    pub units: NameIndex,
    pub processes: NameIndex,
}

/// A code already held by a product of the account set: its name, and whether it is binned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeHolder {
    pub name: String,
    pub binned: bool,
}

/// Reads every row of a product sheet with [`NewProduct::parse`], as the form would send it:
/// category, unit and process names become ids (an unknown name is an error on its cell), the
/// pricing mode may be written as its label in any language or as its code, 阶梯价 is written
/// `from:price;from:price` (whole-quantity style, checked by [`check_tiers`] through the parse).
/// A code repeated in the file or held by a product in `taken` (live or binned) is an error too.
/// Either every row is good, or every problem of every row comes back, named
/// `rows[<excel row>].<column>`.
pub fn parse_import(
    rows: &[RawRow],
    lists: &ImportLists,
    taken: &HashMap<String, CodeHolder>,
) -> Result<Vec<NewProduct>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut products = Vec::with_capacity(rows.len());
    let mut first_row: HashMap<String, usize> = HashMap::with_capacity(rows.len());
    for row in rows {
        let cell = |key: &str| {
            IMPORT_COLUMNS
                .iter()
                .position(|c| c.key == key)
                .map_or("", |idx| row.cell(idx))
        };
        let code = cell("code").trim();
        if !code.is_empty() {
            if let Some(first) = first_row.get(code) {
                row_error(
                    &mut errors,
                    row,
                    "code",
                    Message::new("product_import.duplicate_code").arg("row", first),
                );
            } else {
                first_row.insert(code.to_owned(), row.row_number);
                if let Some(holder) = taken.get(code) {
                    let key = if holder.binned {
                        "product.code_taken_binned"
                    } else {
                        "product.code_taken"
                    };
                    row_error(
                        &mut errors,
                        row,
                        "code",
                        Message::new(key)
                            .arg("code", code)
                            .arg("name", &holder.name),
                    );
                }
            }
        }
        let category_id = import::id_of_name(
            &lists.categories,
            row,
            "category",
            cell("category"),
            "product_import.category_unknown",
            &mut errors,
        );
        let unit_id = import::id_of_name(
            &lists.units,
            row,
            "unit",
            cell("unit"),
            "product_import.unit_unknown",
            &mut errors,
        );
        let mut process_ids = Vec::new();
        for name in cell("processes")
            .split(['、', ',', '，'])
            .map(str::trim)
            .filter(|name| !name.is_empty())
        {
            process_ids.push(import::id_of_name(
                &lists.processes,
                row,
                "processes",
                name,
                "product_import.process_unknown",
                &mut errors,
            ));
        }
        let tiers = match tier_inputs(cell("tiers")) {
            Some(tiers) => tiers,
            None => {
                row_error(
                    &mut errors,
                    row,
                    "tiers",
                    Message::new("product_import.tiers_invalid"),
                );
                Vec::new()
            }
        };
        let input = super::ProductInput {
            code: code.to_owned(),
            name: cell("name").to_owned(),
            category_id,
            unit_id,
            specification: cell("specification").to_owned(),
            cost_price: cell("cost_price").to_owned(),
            tax_rate: cell("tax_rate").trim_end_matches(['%', '％']).to_owned(),
            pricing_mode: pricing_mode_code(cell("pricing_mode")),
            list_price: cell("list_price").to_owned(),
            min_per_piece: cell("min_per_piece").to_owned(),
            min_charge: cell("min_charge").to_owned(),
            max_width: cell("max_width").to_owned(),
            max_length: cell("max_length").to_owned(),
            tiers,
            process_ids,
            is_active: true,
            ..super::ProductInput::default()
        };
        let mut row_errors = FieldErrors::new();
        if cell("list_price").trim().is_empty() {
            row_errors.add(
                "list_price",
                Message::new("product_import.list_price_required"),
            );
        }
        match NewProduct::parse(&input) {
            Ok(product) if row_errors.is_empty() => products.push(product),
            Ok(_) => {}
            Err(parse_errors) => {
                for error in parse_errors.iter() {
                    // A name the sheet gave but no list holds is already reported on its cell.
                    let column = import_column_of(&error.field);
                    let already = matches!(column, "category" | "unit" | "processes")
                        && !cell(column).trim().is_empty();
                    if !already {
                        row_errors.add(error.field.clone(), error.message.clone());
                    }
                }
            }
        }
        import::add_row_errors(&mut errors, row, &row_errors, import_column_of);
    }
    errors.into_result(products)
}

/// The tier rows of a 阶梯价 cell such as `1:0.30;500:0.20;2000:0.15` (full-width `；` `：`
/// too); `None` when a part is not `from:price`. Empty means no tiers.
fn tier_inputs(text: &str) -> Option<Vec<super::TierInput>> {
    text.split([';', '；'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (from, price) = part.split_once([':', '：'])?;
            Some(super::TierInput {
                from: from.trim().to_owned(),
                price: price.trim().to_owned(),
            })
        })
        .collect()
}

/// The code of a 计价方式 cell: a code itself, or a label as shown in any language; anything
/// else is passed on for the parse to refuse.
fn pricing_mode_code(text: &str) -> String {
    let text = text.trim();
    PricingMode::ALL
        .into_iter()
        .find(|mode| {
            let key = format!("product.mode.{}", mode.code());
            mode.code() == text || Locale::ALL.into_iter().any(|l| l.t(&key) == text)
        })
        .map_or_else(|| text.to_owned(), |mode| mode.code().to_owned())
}

/// The import column of a form field, e.g. `tiers[2].price` → `tiers`.
fn import_column_of(field: &str) -> &str {
    match field {
        "category_id" => "category",
        "unit_id" => "unit",
        "process_ids" => "processes",
        "tier_style" | "run_on_per_thousand" => "tiers",
        field if field.starts_with("tiers") => "tiers",
        field => field,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        crate::kernel::money::parse_decimal(text).unwrap()
    }

    fn m(text: &str) -> Money {
        Money::parse(text).unwrap()
    }

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn product(mode: PricingMode, list: &str) -> ProductPricing {
        ProductPricing {
            product_id: 1,
            category_ids: vec![10, 1],
            mode,
            sheet_unit: SheetUnit::Side,
            price: PriceTable {
                list_price: m(list),
                tiers: None,
            },
            colour_price: None,
            min_per_piece: Decimal::ZERO,
            min_charge: Money::ZERO,
            max_width: Decimal::ZERO,
            max_length: Decimal::ZERO,
        }
    }

    fn request(width: &str, height: &str, quantity: &str) -> LineRequest {
        LineRequest {
            width: d(width),
            height: d(height),
            quantity: d(quantity),
            pages: Decimal::ZERO,
            sides: 1,
            colour: false,
            negotiated_unit_price: None,
            processes: Vec::new(),
            date: date(),
        }
    }

    fn process(id: i64, name: &str, price: &str, basis: ProcessBasis) -> ProcessPricing {
        ProcessPricing {
            process_id: id,
            name: name.to_owned(),
            unit_price: m(price),
            basis,
        }
    }

    fn tiers(style: TierStyle, brackets: &[(&str, &str)]) -> Option<TierTable> {
        Some(TierTable {
            style,
            tiers: brackets
                .iter()
                .map(|(from, price)| Tier {
                    from: d(from),
                    price: m(price),
                })
                .collect(),
            run_on_per_thousand: Money::ZERO,
        })
    }

    fn rule(holder: RuleHolder, target: RuleTarget, kind: RuleKind, label: &str) -> PriceRule {
        PriceRule {
            holder,
            target,
            kind,
            valid_from: None,
            valid_to: None,
            label: label.to_owned(),
        }
    }

    /// One worked example: (billable quantity, goods amount, line total).
    #[track_caller]
    fn check(
        product: &ProductPricing,
        rules: &[PriceRule],
        request: &LineRequest,
        expected: (&str, &str, &str),
    ) -> PricedLine {
        let line = price_line(product, rules, request, &DecimalPlaces::default()).unwrap();
        assert_eq!(
            (
                show(line.billable_quantity),
                line.amount.format(2),
                line.total.format(2)
            ),
            (
                expected.0.to_owned(),
                expected.1.to_owned(),
                expected.2.to_owned()
            ),
            "{:?}",
            line.explanation
                .iter()
                .map(|e| e.render(crate::kernel::i18n::Locale::ZhCn))
                .collect::<Vec<_>>()
        );
        line
    }

    #[test]
    fn example_a_adhesive_print_with_minimum_and_lamination() {
        let mut pp = product(PricingMode::Area, "25");
        pp.min_per_piece = d("1");
        let mut req = request("0.60", "1.60", "3");
        req.processes = vec![process(7, "覆膜", "8", ProcessBasis::PerArea)];
        let line = check(&pp, &[], &req, ("3", "75.00", "99.00"));
        assert_eq!(line.processes[0].amount.format(2), "24.00");
        assert_eq!(line.source, PriceSource::List);
        // Without the minimum: 2.88 m² → 72.00 + 23.04.
        pp.min_per_piece = Decimal::ZERO;
        check(&pp, &[], &req, ("2.88", "72.00", "95.04"));
    }

    #[test]
    fn example_b_banner_by_length_and_letters_by_virtual_area() {
        check(
            &product(PricingMode::Length, "10"),
            &[],
            &request("10", "0", "1"),
            ("10", "100.00", "100.00"),
        );
        let line = check(
            &product(PricingMode::VirtualArea, "100"),
            &[],
            &request("0.4", "0.8", "1"),
            ("0.8", "80.00", "80.00"),
        );
        assert!(
            line.explanation
                .iter()
                .any(|e| e.key() == "pricing.explain.virtual_area")
        );
        // Plain area would have been 0.32 m² → 32.00.
        check(
            &product(PricingMode::Area, "100"),
            &[],
            &request("0.4", "0.8", "1"),
            ("0.32", "32.00", "32.00"),
        );
    }

    #[test]
    fn example_c_frame_by_perimeter() {
        check(
            &product(PricingMode::Perimeter, "5"),
            &[],
            &request("0.5", "0.5", "1"),
            ("2", "10.00", "10.00"),
        );
    }

    #[test]
    fn example_d_copying_with_sides_and_tiers() {
        let mut pp = product(PricingMode::Sheet, "0.30");
        pp.price.tiers = tiers(
            TierStyle::Whole,
            &[("1", "0.30"), ("500", "0.20"), ("2000", "0.15")],
        );
        let mut req = request("0", "0", "30");
        req.pages = d("120");
        req.sides = 2;
        req.processes = vec![process(9, "胶装", "5", ProcessBasis::PerPiece)];
        let line = check(&pp, &[], &req, ("3600", "540.00", "690.00"));
        assert_eq!(line.paper_sheets, Some(d("1800")));
        assert_eq!(line.processes[0].amount.format(2), "150.00");
        assert_eq!(line.source, PriceSource::Tier);
        // Incremental: 499 × 0.30 + 1500 × 0.20 + 1601 × 0.15 = 689.85.
        pp.price.tiers = tiers(
            TierStyle::Incremental,
            &[("1", "0.30"), ("500", "0.20"), ("2000", "0.15")],
        );
        req.processes.clear();
        check(&pp, &[], &req, ("3600", "689.85", "689.85"));
        // The 8 colour pages as their own line, on the colour table.
        pp.colour_price = Some(PriceTable {
            list_price: m("1.00"),
            tiers: None,
        });
        req.pages = d("8");
        req.colour = true;
        check(&pp, &[], &req, ("240", "240.00", "240.00"));
        // Priced per sheet of paper instead: 60 sheets × 30 copies.
        pp.sheet_unit = SheetUnit::Sheet;
        pp.colour_price = None;
        pp.price = PriceTable {
            list_price: m("0.50"),
            tiers: None,
        };
        req.pages = d("120");
        req.colour = false;
        check(&pp, &[], &req, ("1800", "900.00", "900.00"));
    }

    #[test]
    fn example_e_business_cards_by_box_with_tiers() {
        let mut pp = product(PricingMode::Set, "30");
        pp.price.tiers = tiers(TierStyle::Whole, &[("1", "30"), ("2", "25"), ("5", "20")]);
        check(&pp, &[], &request("0", "0", "6"), ("6", "120.00", "120.00"));
        check(&pp, &[], &request("0", "0", "1"), ("1", "30.00", "30.00"));
        check(&pp, &[], &request("0", "0", "4"), ("4", "100.00", "100.00"));
    }

    #[test]
    fn example_f_customer_cooperative_price() {
        let mut pp = product(PricingMode::Area, "25");
        pp.min_per_piece = d("1");
        let mut req = request("0.60", "1.60", "3");
        req.processes = vec![process(7, "覆膜", "8", ProcessBasis::PerArea)];
        let group = rule(
            RuleHolder::Group,
            RuleTarget::Everything,
            RuleKind::Discount(d("0.85")),
            "广告同行 85折",
        );
        let fixed = rule(
            RuleHolder::Customer,
            RuleTarget::Product(1),
            RuleKind::FixedPrice(m("18")),
            "XX设计院 背胶 18元",
        );
        // XX设计院: its fixed price on the print, the group discount on lamination.
        let line = check(&pp, &[group.clone(), fixed], &req, ("3", "54.00", "74.40"));
        assert_eq!(
            line.source,
            PriceSource::CustomerFixed("XX设计院 背胶 18元".to_owned())
        );
        assert_eq!(line.processes[0].amount.format(2), "20.40");
        // Any other member of the group.
        let line = check(&pp, &[group], &req, ("3", "63.75", "84.15"));
        assert_eq!(line.unit_price.format(2), "21.25");
        assert!(matches!(line.source, PriceSource::GroupDiscount(_)));
    }

    #[test]
    fn rule_precedence_and_validity() {
        let pp = product(PricingMode::Count, "10");
        let req = request("0", "0", "2");
        let customer_discount = rule(
            RuleHolder::Customer,
            RuleTarget::Category(1),
            RuleKind::Discount(d("0.9")),
            "客户9折",
        );
        let group_fixed = rule(
            RuleHolder::Group,
            RuleTarget::Product(1),
            RuleKind::FixedPrice(m("7")),
            "组固定价",
        );
        // Customer discount beats group fixed price.
        check(
            &pp,
            &[group_fixed.clone(), customer_discount.clone()],
            &req,
            ("2", "18.00", "18.00"),
        );
        // A nearer category beats a farther one.
        let near = rule(
            RuleHolder::Customer,
            RuleTarget::Category(10),
            RuleKind::Discount(d("0.5")),
            "近类别",
        );
        check(
            &pp,
            &[customer_discount.clone(), near],
            &req,
            ("2", "10.00", "10.00"),
        );
        // An expired rule is skipped.
        let mut expired = customer_discount;
        expired.valid_to = NaiveDate::from_ymd_opt(2026, 11, 24);
        check(&pp, &[expired, group_fixed], &req, ("2", "14.00", "14.00"));
        // A rule of another product does not apply.
        let other = rule(
            RuleHolder::Customer,
            RuleTarget::Product(2),
            RuleKind::FixedPrice(m("1")),
            "别的产品",
        );
        check(&pp, &[other], &req, ("2", "20.00", "20.00"));
    }

    #[test]
    fn minimum_charge_and_negotiated_and_time() {
        let mut pp = product(PricingMode::Count, "0.50");
        pp.min_charge = m("5");
        let line = check(&pp, &[], &request("0", "0", "2"), ("2", "5.00", "5.00"));
        assert!(
            line.explanation
                .iter()
                .any(|e| e.key() == "pricing.explain.min_charge")
        );
        let pp = product(PricingMode::Negotiated, "0");
        let mut req = request("0", "0", "1");
        req.negotiated_unit_price = Some(m("350"));
        check(&pp, &[], &req, ("1", "350.00", "350.00"));
        check(
            &product(PricingMode::Time, "80"),
            &[],
            &request("0", "0", "1.5"),
            ("1.5", "120.00", "120.00"),
        );
    }

    #[test]
    fn interpolated_set_prices() {
        let mut pp = product(PricingMode::Count, "0");
        pp.price.tiers = Some(TierTable {
            style: TierStyle::Interpolated,
            tiers: vec![
                Tier {
                    from: d("1000"),
                    price: m("150"),
                },
                Tier {
                    from: d("2000"),
                    price: m("250"),
                },
                Tier {
                    from: d("5000"),
                    price: m("500"),
                },
            ],
            run_on_per_thousand: m("80"),
        });
        // 250 + 1000/3000 × 250 = 333.333… → 333.33.
        let line = check(
            &pp,
            &[],
            &request("0", "0", "3000"),
            ("3000", "333.33", "333.33"),
        );
        assert_eq!(line.unit_price.format(2), "0.11");
        check(
            &pp,
            &[],
            &request("0", "0", "500"),
            ("500", "150.00", "150.00"),
        );
        check(
            &pp,
            &[],
            &request("0", "0", "2000"),
            ("2000", "250.00", "250.00"),
        );
        check(
            &pp,
            &[],
            &request("0", "0", "6500"),
            ("6500", "620.00", "620.00"),
        );
    }

    #[test]
    fn example_g_management_fee() {
        let places = DecimalPlaces::default();
        assert_eq!(
            management_fee(m("2000"), ManagementFee::Percent(d("5")), &places).format(2),
            "100.00"
        );
        assert_eq!(
            management_fee(m("99.99"), ManagementFee::Percent(d("5")), &places).format(2),
            "5.00"
        );
        assert_eq!(
            management_fee(m("2000"), ManagementFee::Fixed(m("50")), &places).format(2),
            "50.00"
        );
        assert_eq!(
            management_fee(m("2000"), ManagementFee::None, &places),
            Money::ZERO
        );
    }

    #[test]
    fn example_h_tax() {
        let places = DecimalPlaces::default();
        let split = tax(m("1130"), d("13"), true, &places);
        assert_eq!(
            (
                split.net.format(2),
                split.tax.format(2),
                split.gross.format(2)
            ),
            ("1000.00".into(), "130.00".into(), "1130.00".into())
        );
        let split = tax(m("1000"), d("6"), false, &places);
        assert_eq!(
            (
                split.net.format(2),
                split.tax.format(2),
                split.gross.format(2)
            ),
            ("1000.00".into(), "60.00".into(), "1060.00".into())
        );
        assert_eq!(tax(m("71.40"), d("0"), true, &places).tax, Money::ZERO);
    }

    #[test]
    fn example_i_round_off_changes_the_document() {
        assert_eq!(round_off(m("1234.56"), m("10")), (m("1230"), m("-4.56")));
        assert_eq!(round_off(m("1234.56"), m("1")), (m("1234"), m("-0.56")));
        assert_eq!(
            round_off(m("1234.56"), m("0.1")),
            (m("1234.50"), m("-0.06"))
        );
        assert_eq!(round_off(m("71.40"), m("1")), (m("71"), m("-0.40")));
        assert_eq!(round_off(m("71.00"), m("1")), (m("71"), Money::ZERO));
    }

    #[test]
    fn dimensions_convert_and_round_to_millimetres() {
        assert_eq!(DimensionUnit::Centimetre.to_metres(d("60")), d("0.6"));
        assert_eq!(DimensionUnit::Millimetre.to_metres(d("1600")), d("1.6"));
        // 60.04 cm × 160 cm → 0.600 m (3 places) × 1.6 = 0.96.
        let req = request(
            &DimensionUnit::Centimetre.to_metres(d("60.04")).to_string(),
            "1.6",
            "1",
        );
        check(
            &product(PricingMode::Area, "10"),
            &[],
            &req,
            ("0.96", "9.60", "9.60"),
        );
    }

    #[test]
    fn pieces_must_fit_the_products_width_and_length_turned_either_way() {
        // A 3.2 m wide-format printer on 50 m rolls.
        let mut pp = product(PricingMode::Area, "20");
        pp.max_width = d("3.2");
        pp.max_length = d("50");
        let places = DecimalPlaces::default();
        let fields = |pp: &ProductPricing, req: &LineRequest| -> Vec<(String, String)> {
            match price_line(pp, &[], req, &places) {
                Ok(_) => Vec::new(),
                Err(errors) => errors
                    .iter()
                    .map(|e| (e.field.to_string(), e.message.key().to_owned()))
                    .collect(),
            }
        };
        let pair = |field: &str, key: &str| vec![(field.to_owned(), key.to_owned())];
        assert_eq!(
            fields(&pp, &request("3.2", "10", "1")),
            Vec::new(),
            "exactly the width fits"
        );
        assert_eq!(
            fields(&pp, &request("10", "3", "1")),
            Vec::new(),
            "turned, it fits"
        );
        assert_eq!(
            fields(&pp, &request("3.3", "10", "1")),
            pair("width", "pricing.wider_than_product")
        );
        assert_eq!(
            fields(&pp, &request("10", "3.5", "1")),
            pair("height", "pricing.wider_than_product"),
            "the shorter side is the one held against the width"
        );
        assert_eq!(
            fields(&pp, &request("1", "60", "1")),
            pair("height", "pricing.longer_than_product")
        );
        // No limits: only the sanity bound applies.
        pp.max_width = Decimal::ZERO;
        pp.max_length = Decimal::ZERO;
        assert_eq!(fields(&pp, &request("5", "60", "1")), Vec::new());
    }

    #[track_caller]
    fn check_bad(mode: PricingMode, req: &LineRequest, expected: &[(&str, &str)]) {
        let errors =
            price_line(&product(mode, "1"), &[], req, &DecimalPlaces::default()).unwrap_err();
        let got: Vec<(String, &str)> = errors
            .iter()
            .map(|e| (e.field.to_string(), e.message.key()))
            .collect();
        let expected: Vec<(String, &str)> =
            expected.iter().map(|(f, k)| (f.to_string(), *k)).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn bad_requests_name_their_fields() {
        check_bad(
            PricingMode::Area,
            &request("0", "-1", "1"),
            &[
                ("width", "pricing.dimension_positive"),
                ("height", "pricing.dimension_positive"),
            ],
        );
        check_bad(
            PricingMode::Area,
            &request("2000", "1", "0"),
            &[
                ("width", "pricing.dimension_too_large"),
                ("quantity", "pricing.quantity_positive"),
            ],
        );
        check_bad(
            PricingMode::Count,
            &request("0", "0", "1.5"),
            &[("quantity", "pricing.quantity_whole")],
        );
        let mut sheet = request("0", "0", "2");
        sheet.sides = 3;
        check_bad(
            PricingMode::Sheet,
            &sheet,
            &[
                ("pages", "pricing.pages_positive"),
                ("sides", "pricing.sides_invalid"),
            ],
        );
        check_bad(
            PricingMode::Negotiated,
            &request("0", "0", "1"),
            &[("unit_price", "pricing.negotiated_price_required")],
        );
        let mut req = request("0", "0", "1");
        req.processes = vec![process(1, "覆膜", "8", ProcessBasis::PerArea)];
        check_bad(
            PricingMode::Count,
            &req,
            &[("processes", "pricing.process_needs_size")],
        );
    }

    #[test]
    fn tier_tables_are_checked() {
        let check_table = |style, brackets: &[(&str, &str)], expected: &[(&str, &str)]| {
            let table = tiers(style, brackets).unwrap();
            let got: Vec<(String, &str)> = match check_tiers(&table) {
                Ok(()) => Vec::new(),
                Err(errors) => errors
                    .iter()
                    .map(|e| (e.field.to_string(), e.message.key()))
                    .collect(),
            };
            let expected: Vec<(String, &str)> =
                expected.iter().map(|(f, k)| (f.to_string(), *k)).collect();
            assert_eq!(got, expected);
        };
        check_table(TierStyle::Whole, &[("1", "0.3"), ("500", "0.2")], &[]);
        check_table(
            TierStyle::Whole,
            &[("10", "0.3")],
            &[("tiers[0].from", "pricing.tiers_first_gap")],
        );
        check_table(
            TierStyle::Whole,
            &[("1", "0.3"), ("500", "0.2"), ("500", "0.1")],
            &[("tiers[2].from", "pricing.tiers_overlap")],
        );
        check_table(
            TierStyle::Whole,
            &[("1", "0.3"), ("100", "-1")],
            &[("tiers[1].price", "pricing.price_negative")],
        );
        check_table(
            TierStyle::Interpolated,
            &[("1", "150"), ("2000", "100")],
            &[("tiers[1].price", "pricing.tiers_set_price_falls")],
        );
        check_table(TierStyle::Whole, &[], &[("tiers", "pricing.tiers_empty")]);
    }

    proptest::proptest! {
        /// Whatever the sizes, the amount is the billable quantity × unit price rounded once,
        /// and the billable quantity never goes below the per-piece minimum × pieces.
        #[test]
        fn area_amount_is_rounded_once(w in 1i64..50_000, h in 1i64..50_000, pieces in 1i64..50, price in 0i64..100_000) {
            let mut pp = product(PricingMode::Area, "0");
            pp.price.list_price = Money::from_scaled(price * 100);
            pp.min_per_piece = d("1");
            let req = request(&Decimal::new(w, 3).to_string(), &Decimal::new(h, 3).to_string(), &pieces.to_string());
            let places = DecimalPlaces::default();
            let line = price_line(&pp, &[], &req, &places).unwrap();
            proptest::prop_assert!(line.billable_quantity >= Decimal::from(pieces));
            let expected = Money::rounded(line.billable_quantity * pp.price.list_price.to_decimal(), 2).unwrap();
            proptest::prop_assert_eq!(line.amount, expected);
        }
    }

    /// The product form and preview parsing (below the price calculation in this file).
    mod product_form {
        use crate::system::product::rules::*;
        use crate::system::product::{PreviewInput, ProductInput, TierInput};

        fn input() -> ProductInput {
            ProductInput {
                code: "BJ-PP.01".to_owned(),
                name: "背胶PP写真".to_owned(),
                category_id: "3".to_owned(),
                unit_id: "1".to_owned(),
                pricing_mode: "area".to_owned(),
                list_price: "25".to_owned(),
                min_per_piece: "1".to_owned(),
                is_active: true,
                ..ProductInput::default()
            }
        }

        fn rows(pairs: &[(&str, &str)]) -> Vec<TierInput> {
            pairs
                .iter()
                .map(|(from, price)| TierInput {
                    from: (*from).to_owned(),
                    price: (*price).to_owned(),
                })
                .collect()
        }

        /// Parses `input` and compares the (field, message key) pairs, in order; none for a valid one.
        #[track_caller]
        fn check(input: &ProductInput, expected: &[(&str, &str)]) {
            let got: Vec<(String, &str)> = match NewProduct::parse(input) {
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
            assert_eq!(got, expected);
        }

        #[test]
        fn a_valid_product_parses_with_its_initials() {
            let product = NewProduct::parse(&input()).unwrap();
            assert_eq!(product.code, "BJ-PP.01");
            assert_eq!(product.pinyin_initials, "bjppxz");
            assert_eq!(product.list_price, Money::parse("25").unwrap());
            assert_eq!(product.min_per_piece, Decimal::ONE);
            assert_eq!(product.dimension_unit, DimensionUnit::Metre);
            assert_eq!(product.sheet_unit, SheetUnit::Side);
            assert_eq!(product.tiers, None);
            assert_eq!(product.version, None);
        }

        #[test]
        fn bad_fields_are_each_named() {
            let with = |change: &dyn Fn(&mut ProductInput)| {
                let mut input = input();
                change(&mut input);
                input
            };
            check(
                &with(&|i| i.code = " ".into()),
                &[("code", "product.code_required")],
            );
            check(
                &with(&|i| i.code = "喷绘01".into()),
                &[("code", "product.code_invalid")],
            );
            check(
                &with(&|i| i.code = "A".repeat(31)),
                &[("code", "product.code_invalid")],
            );
            check(&with(&|i| i.code = "A".repeat(30)), &[]);
            check(
                &with(&|i| i.name = "".into()),
                &[("name", "product.name_required")],
            );
            check(
                &with(&|i| i.name = "名".repeat(101)),
                &[("name", "product.name_too_long")],
            );
            check(
                &with(&|i| i.category_id = "x".into()),
                &[("category_id", "product.category_required")],
            );
            check(
                &with(&|i| i.unit_id = "-1".into()),
                &[("unit_id", "product.unit_required")],
            );
            check(
                &with(&|i| i.pricing_mode = "weight".into()),
                &[("pricing_mode", "product.pricing_mode_invalid")],
            );
            check(
                &with(&|i| i.sheet_unit = "ream".into()),
                &[("sheet_unit", "product.sheet_unit_invalid")],
            );
            check(
                &with(&|i| i.dimension_unit = "inch".into()),
                &[("dimension_unit", "product.dimension_unit_invalid")],
            );
            check(
                &with(&|i| i.process_ids = vec!["7".into(), "x".into()]),
                &[("process_ids", "product.process_unknown")],
            );
            check(
                &with(&|i| i.tax_rate = "101".into()),
                &[("tax_rate", "product.tax_rate_invalid")],
            );
            check(
                &with(&|i| i.tax_rate = "-1".into()),
                &[("tax_rate", "product.tax_rate_invalid")],
            );
            check(
                &with(&|i| i.min_per_piece = "-0.5".into()),
                &[("min_per_piece", "product.min_per_piece_invalid")],
            );
        }

        #[test]
        fn prices_are_not_negative_nor_absurd() {
            let with_price = |price: &str| ProductInput {
                list_price: price.to_owned(),
                ..input()
            };
            check(
                &with_price("-1"),
                &[("list_price", "pricing.price_negative")],
            );
            check(&with_price("1000000"), &[]);
            check(
                &with_price("1000000.0001"),
                &[("list_price", "product.price_too_large")],
            );
            check(
                &with_price("99999999999999999999"),
                &[("list_price", "product.price_too_large")],
            );
            check(
                &with_price("12.345678"),
                &[("list_price", "product.too_precise")],
            );
            check(
                &with_price("12元"),
                &[("list_price", "product.price_invalid")],
            );
            check(&with_price(""), &[]);
            check(
                &ProductInput {
                    min_charge: "2000000".into(),
                    ..input()
                },
                &[("min_charge", "product.amount_too_large")],
            );
            check(
                &ProductInput {
                    cost_price: "-3".into(),
                    ..input()
                },
                &[("cost_price", "pricing.price_negative")],
            );
        }

        #[test]
        fn tiers_are_checked_and_named_by_the_row_sent() {
            let with_tiers = |pairs: &[(&str, &str)]| ProductInput {
                tiers: rows(pairs),
                ..input()
            };
            check(
                &with_tiers(&[("1", "0.30"), ("", ""), ("500", "0.20")]),
                &[],
            );
            let parsed =
                NewProduct::parse(&with_tiers(&[("1", "0.30"), ("", ""), ("500", "0.20")]))
                    .unwrap();
            let table = parsed.tiers.unwrap();
            assert_eq!((table.style, table.tiers.len()), (TierStyle::Whole, 2));
            // Blank rows only: no tiers.
            assert_eq!(
                NewProduct::parse(&with_tiers(&[("", ""), (" ", "")]))
                    .unwrap()
                    .tiers,
                None
            );
            check(
                &with_tiers(&[("1", "0.30"), ("", ""), ("1", "0.20")]),
                &[("tiers[2].from", "pricing.tiers_overlap")],
            );
            check(
                &with_tiers(&[("10", "0.30"), ("50", "0.20")]),
                &[("tiers[0].from", "pricing.tiers_first_gap")],
            );
            check(
                &with_tiers(&[("1", "0.30"), ("50", "-0.20")]),
                &[("tiers[1].price", "pricing.price_negative")],
            );
            check(
                &with_tiers(&[("1", "")]),
                &[("tiers[0].price", "product.tier_price_required")],
            );
            check(
                &with_tiers(&[("x", "1")]),
                &[("tiers[0].from", "product.tier_from_invalid")],
            );
            check(
                &with_tiers(&[("1", "2000000")]),
                &[("tiers[0].price", "product.price_too_large")],
            );
            let interpolated = ProductInput {
                tier_style: "interpolated".into(),
                tiers: rows(&[("1", "150"), ("", ""), ("", ""), ("2000", "100")]),
                ..input()
            };
            check(
                &interpolated,
                &[("tiers[3].price", "pricing.tiers_set_price_falls")],
            );
            let colour = ProductInput {
                colour_tiers: rows(&[("5", "1")]),
                ..input()
            };
            check(
                &colour,
                &[("colour_tiers[0].from", "pricing.tiers_first_gap")],
            );
            check(
                &ProductInput {
                    tier_style: "steps".into(),
                    ..with_tiers(&[("1", "1")])
                },
                &[("tier_style", "product.tier_style_invalid")],
            );
        }

        #[track_caller]
        fn check_preview(input: &PreviewInput, expected: Result<(&str, &str), &[(&str, &str)]>) {
            let got = PreviewRequest::parse(input, DimensionUnit::Metre);
            match (got, expected) {
                (Ok(request), Ok((width, height))) => {
                    assert_eq!(
                        (
                            request.width.normalize().to_string(),
                            request.height.normalize().to_string()
                        ),
                        (width.to_owned(), height.to_owned())
                    );
                }
                (Err(errors), Err(expected)) => {
                    let got: Vec<(String, &str)> = errors
                        .iter()
                        .map(|e| (e.field.to_string(), e.message.key()))
                        .collect();
                    let expected: Vec<(String, &str)> = expected
                        .iter()
                        .map(|(f, k)| ((*f).to_owned(), *k))
                        .collect();
                    assert_eq!(got, expected);
                }
                (got, expected) => panic!("{got:?} but expected {expected:?}"),
            }
        }

        #[test]
        fn preview_sizes_become_metres() {
            let preview = |width: &str, height: &str, unit: &str| PreviewInput {
                width: width.to_owned(),
                height: height.to_owned(),
                dimension_unit: unit.to_owned(),
                quantity: "3".to_owned(),
                ..PreviewInput::default()
            };
            check_preview(&preview("0.60", "1.60", ""), Ok(("0.6", "1.6")));
            check_preview(&preview("60", "160", "cm"), Ok(("0.6", "1.6")));
            check_preview(&preview("600", "1600", "mm"), Ok(("0.6", "1.6")));
            check_preview(&preview("", "", "m"), Ok(("0", "0")));
            check_preview(
                &preview("6o", "1", "yd"),
                Err(&[
                    ("dimension_unit", "product.dimension_unit_invalid"),
                    ("width", "product.number_invalid"),
                ]),
            );
            let mut negotiated = preview("1", "1", "");
            negotiated.unit_price = "abc".to_owned();
            check_preview(&negotiated, Err(&[("unit_price", "product.price_invalid")]));
        }

        #[test]
        fn categories_chain_to_the_top() {
            let links = [
                (1, None),
                (2, Some(1)),
                (3, Some(2)),
                (8, Some(9)),
                (9, Some(8)),
            ];
            assert_eq!(category_chain(3, &links), vec![3, 2, 1]);
            assert_eq!(category_chain(1, &links), vec![1]);
            assert_eq!(category_chain(8, &links), vec![8, 9]);
            assert_eq!(category_chain(42, &links), vec![42]);
        }
    }
}
