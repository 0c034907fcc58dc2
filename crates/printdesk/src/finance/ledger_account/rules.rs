//! Rules of a ledger account: the code is 4–10 digits, the name 1–50 characters, and the category
//! and balance direction come from their fixed lists.

use super::{AccountCategory, BalanceDirection};
use crate::kernel::error::FieldErrors;
use crate::kernel::i18n::Message;

/// The longest account name accepted.
pub const NAME_MAX: usize = 50;

/// A valid account, ready to save. Built only by [`AccountFields::parse`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountFields {
    code: String,
    name: String,
    category: AccountCategory,
    direction: BalanceDirection,
}

impl AccountFields {
    /// Checks every field at once, collecting each bad one under its form field / JSON key.
    pub fn parse(
        code: &str,
        name: &str,
        category: &str,
        direction: &str,
    ) -> Result<AccountFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let code = code.trim();
        if !is_valid_code(code) {
            errors.add("code", Message::new("ledger_account.code_invalid"));
        }
        let name = name.trim();
        if name.is_empty() {
            errors.add("name", Message::new("ledger_account.name_required"));
        } else if name.chars().count() > NAME_MAX {
            errors.add("name", Message::new("error.too_long").arg("max", NAME_MAX));
        }
        let category = AccountCategory::from_code(category.trim());
        if category.is_none() {
            errors.add("category", Message::new("ledger_account.category_invalid"));
        }
        let direction = BalanceDirection::from_code(direction.trim());
        if direction.is_none() {
            errors.add(
                "balance_direction",
                Message::new("ledger_account.direction_invalid"),
            );
        }
        match (category, direction) {
            (Some(category), Some(direction)) if errors.is_empty() => Ok(AccountFields {
                code: code.to_owned(),
                name: name.to_owned(),
                category,
                direction,
            }),
            _ => Err(errors),
        }
    }

    pub fn code(&self) -> &str {
        &self.code
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn category(&self) -> AccountCategory {
        self.category
    }

    pub fn direction(&self) -> BalanceDirection {
        self.direction
    }
}

/// 4 to 10 ASCII digits (小企业会计准则 codes are four digits; sub-accounts add two at a time).
pub fn is_valid_code(code: &str) -> bool {
    (4..=10).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(code: &str, name: &str, category: &str, direction: &str, expected: &[(&str, &str)]) {
        let got: Vec<(String, &str)> = match AccountFields::parse(code, name, category, direction) {
            Ok(_) => Vec::new(),
            Err(errors) => errors
                .iter()
                .map(|e| (e.field.to_string(), e.message.key()))
                .collect(),
        };
        let expected: Vec<(String, &str)> =
            expected.iter().map(|(f, k)| (f.to_string(), *k)).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn account_fields_are_checked() {
        check("1001", "库存现金", "asset", "debit", &[]);
        check(" 1002010101 ", " 工行 ", "asset", "debit", &[]);
        check(
            "100",
            "x",
            "asset",
            "debit",
            &[("code", "ledger_account.code_invalid")],
        );
        check(
            "10020101011",
            "x",
            "asset",
            "debit",
            &[("code", "ledger_account.code_invalid")],
        );
        check(
            "10a1",
            "x",
            "asset",
            "debit",
            &[("code", "ledger_account.code_invalid")],
        );
        check(
            "１００１",
            "x",
            "asset",
            "debit",
            &[("code", "ledger_account.code_invalid")],
        );
        check(
            "1001",
            "",
            "asset",
            "debit",
            &[("name", "ledger_account.name_required")],
        );
        check(
            "1001",
            &"名".repeat(51),
            "asset",
            "debit",
            &[("name", "error.too_long")],
        );
        check("1001", &"名".repeat(50), "asset", "debit", &[]);
        check(
            "",
            "",
            "money",
            "up",
            &[
                ("code", "ledger_account.code_invalid"),
                ("name", "ledger_account.name_required"),
                ("category", "ledger_account.category_invalid"),
                ("balance_direction", "ledger_account.direction_invalid"),
            ],
        );
    }
}
