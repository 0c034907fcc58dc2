//! Exact money and quantities: [`Money`] and [`Quantity`], both `i64` counts of 1/10000.
//!
//! DESIGN.md rule 1: never a float. Values live as scaled integers so that `SUM` in SQL is exact on
//! both backends, and as `rust_decimal::Decimal` only while a rule computes with them. Rounding is
//! half away from zero (四舍五入) and happens only through [`round_half_away`], called at the one
//! documented point of each figure (the line amount, the order total, …) with the places that
//! 小数位数 sets for that figure kind ([`DecimalPlaces`]).
//!
//! This module does no I/O and parses only from strings: JSON carries decimals as strings.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};

/// Digits after the decimal point kept in storage: 0.0001 yuan, 0.0001 m².
pub const STORAGE_SCALE: u32 = 4;
const SCALE_FACTOR: i64 = 10_000;
/// The largest magnitude accepted: one trillion yuan. Keeps every sum far from `i64::MAX`.
const LIMIT: i64 = 1_000_000_000_000 * SCALE_FACTOR;

/// Why a decimal text was refused. The caller turns it into a field error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Occurs when the text is empty or not a plain decimal number (`"12.5"`, `"-3"`).
    #[error("not a number")]
    NotANumber,
    /// Occurs when the value has more than four digits after the point.
    #[error("too many decimal places")]
    TooPrecise,
    /// Occurs when the magnitude is above one trillion.
    #[error("out of range")]
    OutOfRange,
}

/// Rounds half away from zero (四舍五入) to `places` digits. The only rounding in PrintDesk.
///
/// `rust_decimal`'s `round_dp` rounds half to even (banker's rounding), which a shop would read
/// as a wrong price: 0.125 must become 0.13.
pub fn round_half_away(value: Decimal, places: u32) -> Decimal {
    value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
}

/// Parses a plain decimal text strictly: optional sign, digits, optional point and digits.
/// No exponent, no thousands separators, no spaces inside.
pub fn parse_decimal(text: &str) -> Result<Decimal, AmountError> {
    let text = text.trim();
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let plain = !digits.is_empty()
        && !digits.starts_with('.')
        && !digits.ends_with('.')
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1;
    if !plain {
        return Err(AmountError::NotANumber);
    }
    // 30 digits is past the limit already; refuse before rust_decimal overflows.
    if digits.len() > 30 {
        return Err(AmountError::OutOfRange);
    }
    text.parse::<Decimal>().map_err(|_| AmountError::NotANumber)
}

macro_rules! scaled_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(i64);

        impl $name {
            pub const ZERO: $name = $name(0);

            /// From the stored integer (units of 0.0001). Used by stores when reading rows.
            pub fn from_scaled(scaled: i64) -> $name {
                $name(scaled)
            }

            /// The stored integer (units of 0.0001). Used by stores when binding values.
            pub fn scaled(self) -> i64 {
                self.0
            }

            /// From a decimal with at most four places and within range.
            pub fn from_decimal(value: Decimal) -> Result<$name, AmountError> {
                if value.normalize().scale() > STORAGE_SCALE {
                    return Err(AmountError::TooPrecise);
                }
                let scaled = value * Decimal::from(SCALE_FACTOR);
                let scaled = i64::try_from(scaled).map_err(|_| AmountError::OutOfRange)?;
                if scaled.abs() > LIMIT {
                    return Err(AmountError::OutOfRange);
                }
                Ok($name(scaled))
            }

            /// From a computed decimal, rounding half away from zero to `places` first.
            /// This is the documented rounding point for a figure.
            pub fn rounded(value: Decimal, places: u32) -> Result<$name, AmountError> {
                $name::from_decimal(round_half_away(value, places.min(STORAGE_SCALE)))
            }

            /// Parses text such as `"12.30"` or `"-0.5"` (form fields, JSON strings).
            pub fn parse(text: &str) -> Result<$name, AmountError> {
                $name::from_decimal(parse_decimal(text)?)
            }

            pub fn to_decimal(self) -> Decimal {
                Decimal::new(self.0, STORAGE_SCALE)
            }

            pub fn is_zero(self) -> bool {
                self.0 == 0
            }

            pub fn is_negative(self) -> bool {
                self.0 < 0
            }

            pub fn checked_add(self, other: $name) -> Option<$name> {
                self.0.checked_add(other.0).filter(|v| v.abs() <= LIMIT).map($name)
            }

            pub fn checked_sub(self, other: $name) -> Option<$name> {
                self.0.checked_sub(other.0).filter(|v| v.abs() <= LIMIT).map($name)
            }

            /// Text with exactly `places` decimals, rounded half away from zero, e.g. `"12.30"`.
            pub fn format(self, places: u32) -> String {
                let rounded = round_half_away(self.to_decimal(), places);
                format!("{:.*}", places as usize, rounded)
            }
        }

        impl fmt::Display for $name {
            /// At least two decimals, more only when the value has them: `12.30`, `0.1255`.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let value = self.to_decimal().normalize();
                let places = value.scale().max(2) as usize;
                write!(f, "{:.*}", places, value)
            }
        }
    };
}

scaled_type! {
    /// An amount of money in yuan, held as 1/10000 yuan (金额, 单价).
    Money
}

scaled_type! {
    /// A quantity, a length in metres or an area in m², held as 1/10000 of its unit (数量, 面积).
    Quantity
}

/// The kinds of figure that 小数位数 sets places for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FigureKind {
    Quantity,
    Dimension,
    Area,
    UnitPrice,
    Amount,
}

/// 小数位数: places per figure kind, per account set. Defaults from DOMAIN.md §12.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecimalPlaces {
    pub quantity: u32,
    pub dimension: u32,
    pub area: u32,
    pub unit_price: u32,
    pub amount: u32,
}

impl Default for DecimalPlaces {
    fn default() -> DecimalPlaces {
        DecimalPlaces {
            quantity: 2,
            dimension: 3,
            area: 2,
            unit_price: 2,
            amount: 2,
        }
    }
}

impl DecimalPlaces {
    pub fn for_kind(&self, kind: FigureKind) -> u32 {
        match kind {
            FigureKind::Quantity => self.quantity,
            FigureKind::Dimension => self.dimension,
            FigureKind::Area => self.area,
            FigureKind::UnitPrice => self.unit_price,
            FigureKind::Amount => self.amount,
        }
    }

    /// Rounds `value` for the given figure kind: the single rounding point of that figure.
    pub fn round(&self, kind: FigureKind, value: Decimal) -> Decimal {
        round_half_away(value, self.for_kind(kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_round(value: &str, places: u32, expected: &str) {
        let value = parse_decimal(value).unwrap();
        assert_eq!(round_half_away(value, places).to_string(), expected);
    }

    #[test]
    fn rounds_half_away_from_zero() {
        check_round("0.125", 2, "0.13");
        check_round("-0.125", 2, "-0.13");
        check_round("0.135", 2, "0.14");
        check_round("2.5", 0, "3");
        check_round("-2.5", 0, "-3");
        check_round("0.124999", 2, "0.12");
        check_round("10.00", 2, "10.00");
    }

    #[track_caller]
    fn check_parse(text: &str, expected: Result<i64, AmountError>) {
        assert_eq!(Money::parse(text).map(Money::scaled), expected, "{text:?}");
    }

    #[test]
    fn parses_plain_decimals_only() {
        check_parse("12.3", Ok(123_000));
        check_parse("-0.0001", Ok(-1));
        check_parse(" 7 ", Ok(70_000));
        check_parse("+5", Ok(50_000));
        check_parse("", Err(AmountError::NotANumber));
        check_parse("1e3", Err(AmountError::NotANumber));
        check_parse("1,000", Err(AmountError::NotANumber));
        check_parse(".5", Err(AmountError::NotANumber));
        check_parse("5.", Err(AmountError::NotANumber));
        check_parse("1.2.3", Err(AmountError::NotANumber));
        check_parse("NaN", Err(AmountError::NotANumber));
        check_parse("0.00001", Err(AmountError::TooPrecise));
        check_parse("1.50000", Ok(15_000));
        check_parse("1000000000000", Ok(LIMIT));
        check_parse("1000000000000.0001", Err(AmountError::OutOfRange));
        check_parse(
            "99999999999999999999999999999999",
            Err(AmountError::OutOfRange),
        );
    }

    #[test]
    fn formats_with_places() {
        let money = Money::parse("1234.565").unwrap();
        assert_eq!(money.format(2), "1234.57");
        assert_eq!(Money::parse("-1234.565").unwrap().format(2), "-1234.57");
        assert_eq!(Money::parse("12.3").unwrap().to_string(), "12.30");
        assert_eq!(Money::parse("0.1255").unwrap().to_string(), "0.1255");
        assert_eq!(Money::ZERO.format(0), "0");
    }

    #[test]
    fn rounded_is_the_rounding_point() {
        // 3.3333 × 3 = 9.9999 → 10.00 at two places.
        let value = parse_decimal("3.3333").unwrap() * Decimal::from(3);
        assert_eq!(Money::rounded(value, 2).unwrap().format(2), "10.00");
        let places = DecimalPlaces::default();
        assert_eq!(
            places
                .round(FigureKind::Dimension, parse_decimal("1.2345").unwrap())
                .to_string(),
            "1.235"
        );
    }

    #[test]
    fn sums_refuse_overflow() {
        let big = Money::parse("1000000000000").unwrap();
        assert_eq!(big.checked_add(Money::parse("1").unwrap()), None);
        assert_eq!(big.checked_sub(big), Some(Money::ZERO));
    }

    proptest::proptest! {
        #[test]
        fn text_round_trips(scaled in -LIMIT..=LIMIT) {
            let money = Money::from_scaled(scaled);
            proptest::prop_assert_eq!(Money::parse(&money.to_string()), Ok(money));
        }
    }
}
