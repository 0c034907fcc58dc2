//! Pure rules of customers: reading the form into a [`NewCustomer`], the check digit of the
//! resident identity card number (GB 11643-1999), and reading an import sheet's rows through the
//! same parse ([`parse_import`]).
//!
//! Whether a chosen group, relationship, ID document kind or salesperson exists is a database
//! question; the service answers it inside its transaction and passes the answers in as a
//! [`ReferenceCheck`], so every bad field is reported in one go.

use std::collections::HashSet;

use super::{CreditMode, CustomerInput, SettlementType};
use crate::customers::contact::{self, Contact};
use crate::customers::import::{self, NameIndex};
use crate::kernel::auth::UserId;
use crate::kernel::error::FieldErrors;
use crate::kernel::i18n::{Locale, Message};
use crate::kernel::money::Money;
use crate::kernel::spreadsheet::{RawRow, TemplateColumn};

/// The longest customer name: a full legal name with its branch.
pub const MAX_NAME_CHARS: usize = 100;
/// The longest payment terms, in days.
pub const MAX_PAYMENT_TERMS_DAYS: i64 = 365;

/// How an ID document number is checked, decided by the document kind's name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum IdNumberRule {
    /// 居民身份证 and 临时居民身份证: 18 characters with a valid check digit.
    ResidentIdCard,
    /// Any other kind: free text up to 40 characters.
    #[default]
    Free,
}

/// The ids a customer input points at, read from its text; text that is no id reads as `None`
/// (and [`NewCustomer::parse`] reports it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReferenceIds {
    pub customer_group_id: Option<i64>,
    pub customer_relation_id: Option<i64>,
    pub id_document_kind_id: Option<i64>,
    pub sales_person_id: Option<i64>,
}

/// Whether each id of [`ReferenceIds`] is a live choice of this account set (true when absent),
/// and the number rule of the chosen ID document kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReferenceCheck {
    pub customer_group: bool,
    pub customer_relation: bool,
    pub id_document_kind: bool,
    pub id_number_rule: IdNumberRule,
    pub sales_person: bool,
}

/// A customer that passed every rule, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCustomer {
    pub name: String,
    pub short_name: String,
    pub address: String,
    pub customer_group_id: Option<i64>,
    pub customer_relation_id: Option<i64>,
    pub id_document_kind_id: Option<i64>,
    pub id_document_number: String,
    pub settlement_type: SettlementType,
    pub may_prepay: bool,
    pub cross_branch: bool,
    pub credit_limit: Money,
    pub credit_mode: CreditMode,
    pub payment_terms_days: i64,
    pub sales_person_id: Option<UserId>,
    pub remarks: String,
    pub contacts: Vec<Contact>,
    pub pinyin_initials: String,
    pub search_text: String,
}

impl ReferenceIds {
    pub fn read(input: &CustomerInput) -> ReferenceIds {
        ReferenceIds {
            customer_group_id: read_id(&input.customer_group_id),
            customer_relation_id: read_id(&input.customer_relation_id),
            id_document_kind_id: read_id(&input.id_document_kind_id),
            sales_person_id: read_id(&input.sales_person_id),
        }
    }
}

impl ReferenceCheck {
    /// Every reference found, no ID number rule: for tests and inputs that name nothing.
    pub const ALL_FOUND: ReferenceCheck = ReferenceCheck {
        customer_group: true,
        customer_relation: true,
        id_document_kind: true,
        id_number_rule: IdNumberRule::Free,
        sales_person: true,
    };
}

impl NewCustomer {
    /// Checks every field of `input`, collecting all problems by field name.
    pub fn parse(
        input: &CustomerInput,
        check: &ReferenceCheck,
    ) -> Result<NewCustomer, FieldErrors> {
        let mut errors = FieldErrors::new();
        let ids = ReferenceIds::read(input);

        let name = input.name.trim().to_owned();
        if name.is_empty() {
            errors.add("name", Message::new("customer.name_required"));
        } else if name.chars().count() > MAX_NAME_CHARS {
            errors.add(
                "name",
                Message::new("customer.name_too_long").arg("max", MAX_NAME_CHARS),
            );
        }
        let short_name = limited(&input.short_name, 30, "short_name", &mut errors);
        let address = limited(&input.address, 200, "address", &mut errors);
        let remarks = limited(&input.remarks, 500, "remarks", &mut errors);

        let reference = |text: &str, id: Option<i64>, found: bool| -> Result<Option<i64>, ()> {
            match id {
                None if text.trim().is_empty() => Ok(None),
                Some(id) if found => Ok(Some(id)),
                _ => Err(()),
            }
        };
        let customer_group_id = reference(
            &input.customer_group_id,
            ids.customer_group_id,
            check.customer_group,
        )
        .unwrap_or_else(|()| {
            errors.add("customer_group_id", Message::new("customer.group_unknown"));
            None
        });
        let customer_relation_id = reference(
            &input.customer_relation_id,
            ids.customer_relation_id,
            check.customer_relation,
        )
        .unwrap_or_else(|()| {
            errors.add(
                "customer_relation_id",
                Message::new("customer.relation_unknown"),
            );
            None
        });
        let id_document_kind = reference(
            &input.id_document_kind_id,
            ids.id_document_kind_id,
            check.id_document_kind,
        );
        let id_document_kind_id = *id_document_kind.as_ref().unwrap_or(&None);
        if id_document_kind.is_err() {
            errors.add(
                "id_document_kind_id",
                Message::new("customer.id_kind_unknown"),
            );
        }
        let id_document_number = match (id_document_kind, input.id_document_number.trim()) {
            (_, "") => String::new(),
            (Ok(None), _) => {
                errors.add(
                    "id_document_kind_id",
                    Message::new("customer.id_kind_required"),
                );
                String::new()
            }
            (Err(()), number) => number.to_owned(),
            (Ok(Some(_)), number) => match check.id_number_rule {
                IdNumberRule::ResidentIdCard => check_resident_id(number).unwrap_or_else(|m| {
                    errors.add("id_document_number", m);
                    String::new()
                }),
                IdNumberRule::Free => {
                    if number.chars().count() > 40 {
                        errors.add(
                            "id_document_number",
                            Message::new("customer.id_number_too_long"),
                        );
                    }
                    number.to_owned()
                }
            },
        };
        let sales_person_id = reference(
            &input.sales_person_id,
            ids.sales_person_id,
            check.sales_person,
        )
        .unwrap_or_else(|()| {
            errors.add(
                "sales_person_id",
                Message::new("customer.sales_person_unknown"),
            );
            None
        })
        .map(UserId);

        let settlement_type = match input.settlement_type.trim() {
            "" => SettlementType::default(),
            code => SettlementType::from_code(code).unwrap_or_else(|| {
                errors.add(
                    "settlement_type",
                    Message::new("customer.settlement_unknown"),
                );
                SettlementType::default()
            }),
        };
        let credit_mode = match input.credit_mode.trim() {
            "" => CreditMode::default(),
            code => CreditMode::from_code(code).unwrap_or_else(|| {
                errors.add("credit_mode", Message::new("customer.credit_mode_unknown"));
                CreditMode::default()
            }),
        };
        let credit_limit = match parse_credit_limit(&input.credit_limit) {
            Ok(limit) => {
                if credit_mode != CreditMode::None && limit.is_zero() {
                    errors.add(
                        "credit_limit",
                        Message::new("customer.credit_limit_required"),
                    );
                }
                limit
            }
            Err(message) => {
                errors.add("credit_limit", message);
                Money::ZERO
            }
        };
        let payment_terms_days = match input.payment_terms_days.trim() {
            "" => 0,
            text => match text.parse::<i64>() {
                Ok(days) if (0..=MAX_PAYMENT_TERMS_DAYS).contains(&days) => days,
                _ => {
                    errors.add(
                        "payment_terms_days",
                        Message::new("customer.payment_terms_invalid")
                            .arg("max", MAX_PAYMENT_TERMS_DAYS),
                    );
                    0
                }
            },
        };
        let contacts = contact::parse_contacts(&input.contacts, &mut errors);

        let pinyin_initials = contact::pinyin_initials(&name);
        let search_text = contact::search_text(&[&short_name], &contacts);
        errors.into_result(NewCustomer {
            name,
            short_name,
            address,
            customer_group_id,
            customer_relation_id,
            id_document_kind_id,
            id_document_number,
            settlement_type,
            may_prepay: input.may_prepay,
            cross_branch: input.cross_branch,
            credit_limit,
            credit_mode,
            payment_terms_days,
            sales_person_id,
            remarks,
            contacts,
            pinyin_initials,
            search_text,
        })
    }
}

/// The columns of the customer import template (manual 2.1 导入), in sheet order. Lists are
/// named, never numbered: 客户分组 holds a group's name.
pub const IMPORT_COLUMNS: &[TemplateColumn] = &[
    column(
        "name",
        "customer.name",
        true,
        "customer_import.note.name",
        30,
    ),
    column(
        "short_name",
        "customer.short_name",
        false,
        "customer_import.note.short_name",
        12,
    ),
    column(
        "customer_group",
        "customer.group",
        false,
        "customer_import.note.customer_group",
        14,
    ),
    column(
        "customer_relation",
        "customer.relation",
        false,
        "customer_import.note.customer_relation",
        12,
    ),
    column(
        "contact_person",
        "contact.person",
        false,
        "customer_import.note.contact_person",
        10,
    ),
    column(
        "mobile",
        "contact.mobile",
        false,
        "customer_import.note.mobile",
        14,
    ),
    column(
        "phone",
        "contact.phone",
        false,
        "customer_import.note.phone",
        16,
    ),
    column(
        "address",
        "customer.address",
        false,
        "customer_import.note.address",
        30,
    ),
    column(
        "settlement_type",
        "customer.settlement_type",
        false,
        "customer_import.note.settlement_type",
        10,
    ),
    column(
        "credit_limit",
        "customer.credit_limit",
        false,
        "customer_import.note.credit_limit",
        12,
    ),
    column(
        "credit_mode",
        "customer.credit_mode",
        false,
        "customer_import.note.credit_mode",
        16,
    ),
    column(
        "payment_terms_days",
        "customer.payment_terms_days",
        false,
        "customer_import.note.payment_terms_days",
        10,
    ),
    column(
        "id_document_kind",
        "customer.id_document_kind",
        false,
        "customer_import.note.id_document_kind",
        14,
    ),
    column(
        "id_document_number",
        "customer.id_document_number",
        false,
        "customer_import.note.id_document_number",
        22,
    ),
    column(
        "remarks",
        "customer.remarks",
        false,
        "customer_import.note.remarks",
        30,
    ),
];

/// The live items of the lists a customer sheet names, by name.
#[derive(Clone, Debug, Default)]
pub struct ImportLists {
    pub groups: NameIndex,
    pub relations: NameIndex,
    /// With each kind's number rule, decided by its name.
    pub id_document_kinds: NameIndex,
}

/// Reads every row of a customer sheet with [`NewCustomer::parse`], as the form would send it:
/// list names become ids (an unknown name is an error on its cell), 记账 / 现结 and the credit
/// modes may be written as shown in any language. A name repeated in the file or in `taken`
/// (the live customers' names) is an error too. Either every row is good, or every problem of
/// every row comes back, named `rows[<excel row>].<column>`.
pub fn parse_import(
    rows: &[RawRow],
    lists: &ImportLists,
    taken: &HashSet<String>,
) -> Result<Vec<NewCustomer>, FieldErrors> {
    let mut errors = FieldErrors::new();
    import::check_names(rows, 0, taken, "customer.name_taken", &mut errors);
    let mut customers = Vec::with_capacity(rows.len());
    for row in rows {
        let cell = |key: &str| {
            IMPORT_COLUMNS
                .iter()
                .position(|c| c.key == key)
                .map_or("", |idx| row.cell(idx))
        };
        let mut lookup = |index: &NameIndex, key: &str, unknown: &'static str| {
            import::id_of_name(index, row, key, cell(key), unknown, &mut errors)
        };
        let customer_group_id = lookup(
            &lists.groups,
            "customer_group",
            "customer.import_group_unknown",
        );
        let customer_relation_id = lookup(
            &lists.relations,
            "customer_relation",
            "customer.import_relation_unknown",
        );
        let id_document_kind_id = lookup(
            &lists.id_document_kinds,
            "id_document_kind",
            "customer.import_id_kind_unknown",
        );
        let input = CustomerInput {
            name: cell("name").to_owned(),
            short_name: cell("short_name").to_owned(),
            address: cell("address").to_owned(),
            customer_group_id,
            customer_relation_id,
            id_document_kind_id,
            id_document_number: cell("id_document_number").to_owned(),
            settlement_type: code_of_label(
                cell("settlement_type"),
                SettlementType::ALL.map(|t| (t.code(), t.label_key())),
            ),
            may_prepay: false,
            cross_branch: false,
            credit_limit: cell("credit_limit").to_owned(),
            credit_mode: code_of_label(
                cell("credit_mode"),
                CreditMode::ALL.map(|m| (m.code(), m.label_key())),
            ),
            payment_terms_days: cell("payment_terms_days").to_owned(),
            sales_person_id: String::new(),
            remarks: cell("remarks").to_owned(),
            contacts: import::single_contact(cell("contact_person"), cell("mobile"), cell("phone")),
            form_nonce: String::new(),
        };
        let check = ReferenceCheck {
            id_number_rule: if input.id_document_kind_id.is_empty() {
                IdNumberRule::Free
            } else {
                id_number_rule(cell("id_document_kind"))
            },
            ..ReferenceCheck::ALL_FOUND
        };
        match NewCustomer::parse(&input, &check) {
            Ok(customer) => customers.push(customer),
            Err(parse_errors) => {
                import::add_row_errors(&mut errors, row, &parse_errors, import_column_of)
            }
        }
    }
    errors.into_result(customers)
}

/// The import column of a form field, e.g. `contacts[0].mobile` → `mobile`.
fn import_column_of(field: &str) -> &str {
    match field {
        "customer_group_id" => "customer_group",
        "customer_relation_id" => "customer_relation",
        "id_document_kind_id" => "id_document_kind",
        "contacts" => "contact_person",
        field => match field.rsplit_once("].") {
            Some((_, "mobile")) => "mobile",
            Some((_, "phone")) => "phone",
            Some(_) => "contact_person",
            None => field,
        },
    }
}

/// The code a cell means: a code itself, or a label as shown in any language; anything else is
/// passed on for the parse to refuse.
fn code_of_label<const N: usize>(text: &str, choices: [(&'static str, &'static str); N]) -> String {
    let text = text.trim();
    choices
        .into_iter()
        .find(|(code, label_key)| {
            *code == text || Locale::ALL.into_iter().any(|l| l.t(label_key) == text)
        })
        .map_or_else(|| text.to_owned(), |(code, _)| code.to_owned())
}

const fn column(
    key: &'static str,
    header_key: &'static str,
    required: bool,
    note_key: &'static str,
    width: u16,
) -> TemplateColumn {
    TemplateColumn {
        key,
        header_key,
        required,
        note_key,
        width,
    }
}

/// The rule for numbers of the ID document kind named `kind_name`: the resident identity card
/// and its temporary form share the GB 11643 number; every other kind is free text.
pub fn id_number_rule(kind_name: &str) -> IdNumberRule {
    if kind_name.trim().ends_with("居民身份证") {
        IdNumberRule::ResidentIdCard
    } else {
        IdNumberRule::Free
    }
}

/// Checks a resident identity card number (GB 11643-1999): 17 digits and a check character,
/// `X` for 10. Returns it with a lowercase `x` made uppercase.
pub fn check_resident_id(number: &str) -> Result<String, Message> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let number = number.trim().to_ascii_uppercase();
    let chars: Vec<char> = number.chars().collect();
    let shape_ok = chars.len() == 18
        && chars[..17].iter().all(char::is_ascii_digit)
        && (chars[17].is_ascii_digit() || chars[17] == 'X');
    if !shape_ok {
        return Err(Message::new("customer.resident_id_shape"));
    }
    let sum: u32 = chars[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(c, weight)| c.to_digit(10).unwrap_or(0) * weight)
        .sum();
    let expected = CHECK[(sum % 11) as usize];
    if chars[17] == expected {
        Ok(number)
    } else {
        Err(Message::new("customer.resident_id_check"))
    }
}

/// A credit limit: an amount in yuan with at most two decimals, not negative; empty is zero.
pub fn parse_credit_limit(text: &str) -> Result<Money, Message> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Money::ZERO);
    }
    let invalid = || Message::new("customer.credit_limit_invalid");
    let value = crate::kernel::money::parse_decimal(text).map_err(|_| invalid())?;
    if value.normalize().scale() > 2 {
        return Err(invalid());
    }
    let money = Money::from_decimal(value).map_err(|_| invalid())?;
    if money.is_negative() {
        return Err(Message::new("customer.credit_limit_negative"));
    }
    Ok(money)
}

fn read_id(text: &str) -> Option<i64> {
    text.trim().parse::<i64>().ok().filter(|id| *id > 0)
}

/// `text` trimmed; a `<field>_too_long` error when it has more than `max` characters.
fn limited(text: &str, max: usize, field: &'static str, errors: &mut FieldErrors) -> String {
    let text = text.trim();
    if text.chars().count() > max {
        errors.add(
            field,
            Message::new("customer.text_too_long").arg("max", max),
        );
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customers::contact::ContactInput;

    fn valid_input() -> CustomerInput {
        CustomerInput {
            name: "星光广告有限公司".to_owned(),
            short_name: "星光".to_owned(),
            settlement_type: "on_account".to_owned(),
            credit_limit: "5000".to_owned(),
            credit_mode: "warn".to_owned(),
            payment_terms_days: "30".to_owned(),
            contacts: vec![ContactInput {
                person: "王经理".to_owned(),
                mobile: "13800138000".to_owned(),
                ..ContactInput::default()
            }],
            ..CustomerInput::default()
        }
    }

    /// Applies `change` to a valid input and expects exactly these (field, message key) errors.
    #[track_caller]
    fn check(
        change: impl FnOnce(&mut CustomerInput),
        check: ReferenceCheck,
        expected: &[(&str, &str)],
    ) {
        let mut input = valid_input();
        change(&mut input);
        let got: Vec<(String, &str)> = match NewCustomer::parse(&input, &check) {
            Ok(_) => Vec::new(),
            Err(errors) => errors
                .iter()
                .map(|e| (e.field.to_string(), e.message.key()))
                .collect(),
        };
        let expected: Vec<(String, &str)> = expected
            .iter()
            .map(|(field, key)| ((*field).to_owned(), *key))
            .collect();
        assert_eq!(got, expected);
    }

    const FOUND: ReferenceCheck = ReferenceCheck::ALL_FOUND;
    const RESIDENT: ReferenceCheck = ReferenceCheck {
        id_number_rule: IdNumberRule::ResidentIdCard,
        ..ReferenceCheck::ALL_FOUND
    };

    #[test]
    fn customer_fields_are_checked_by_name() {
        check(|_| {}, FOUND, &[]);
        check(
            |i| i.name = "  ".to_owned(),
            FOUND,
            &[("name", "customer.name_required")],
        );
        check(|i| i.name = "星".repeat(100), FOUND, &[]);
        check(
            |i| i.name = "星".repeat(101),
            FOUND,
            &[("name", "customer.name_too_long")],
        );
        check(
            |i| i.short_name = "短".repeat(31),
            FOUND,
            &[("short_name", "customer.text_too_long")],
        );
        check(|i| i.settlement_type = "cash".to_owned(), FOUND, &[]);
        check(
            |i| i.settlement_type = "later".to_owned(),
            FOUND,
            &[("settlement_type", "customer.settlement_unknown")],
        );
        check(
            |i| i.credit_mode = "stop".to_owned(),
            FOUND,
            &[("credit_mode", "customer.credit_mode_unknown")],
        );
        check(|i| i.payment_terms_days = "365".to_owned(), FOUND, &[]);
        check(
            |i| i.payment_terms_days = "366".to_owned(),
            FOUND,
            &[("payment_terms_days", "customer.payment_terms_invalid")],
        );
        check(
            |i| i.payment_terms_days = "-1".to_owned(),
            FOUND,
            &[("payment_terms_days", "customer.payment_terms_invalid")],
        );
        check(
            |i| i.payment_terms_days = "7.5".to_owned(),
            FOUND,
            &[("payment_terms_days", "customer.payment_terms_invalid")],
        );
        check(
            |i| i.contacts[0].mobile = "1380013800".to_owned(),
            FOUND,
            &[("contacts[0].mobile", "contact.mobile_invalid")],
        );
    }

    #[test]
    fn credit_limit_is_a_non_negative_amount() {
        check(
            |i| i.credit_limit = "0".to_owned(),
            FOUND,
            &[("credit_limit", "customer.credit_limit_required")],
        );
        check(
            |i| {
                i.credit_limit = String::new();
                i.credit_mode = "none".to_owned();
            },
            FOUND,
            &[],
        );
        check(|i| i.credit_limit = "10000.50".to_owned(), FOUND, &[]);
        check(
            |i| i.credit_limit = "-1".to_owned(),
            FOUND,
            &[("credit_limit", "customer.credit_limit_negative")],
        );
        check(
            |i| i.credit_limit = "1.005".to_owned(),
            FOUND,
            &[("credit_limit", "customer.credit_limit_invalid")],
        );
        check(
            |i| i.credit_limit = "1e5".to_owned(),
            FOUND,
            &[("credit_limit", "customer.credit_limit_invalid")],
        );
        check(
            |i| i.credit_limit = "5,000".to_owned(),
            FOUND,
            &[("credit_limit", "customer.credit_limit_invalid")],
        );
        check(
            |i| i.credit_limit = "9".repeat(20),
            FOUND,
            &[("credit_limit", "customer.credit_limit_invalid")],
        );
        assert_eq!(
            parse_credit_limit(" 5000.5 ").map(|m| m.format(2)),
            Ok("5000.50".to_owned())
        );
    }

    #[test]
    fn references_must_be_found() {
        let missing = ReferenceCheck {
            customer_group: false,
            customer_relation: false,
            id_document_kind: false,
            sales_person: false,
            ..ReferenceCheck::ALL_FOUND
        };
        check(
            |i| {
                i.customer_group_id = "7".to_owned();
                i.customer_relation_id = "abc".to_owned();
                i.id_document_kind_id = "9".to_owned();
                i.sales_person_id = "3".to_owned();
            },
            missing,
            &[
                ("customer_group_id", "customer.group_unknown"),
                ("customer_relation_id", "customer.relation_unknown"),
                ("id_document_kind_id", "customer.id_kind_unknown"),
                ("sales_person_id", "customer.sales_person_unknown"),
            ],
        );
        check(
            |i| i.customer_relation_id = "abc".to_owned(),
            FOUND,
            &[("customer_relation_id", "customer.relation_unknown")],
        );
        check(
            |i| i.id_document_number = "E12345678".to_owned(),
            FOUND,
            &[("id_document_kind_id", "customer.id_kind_required")],
        );
    }

    #[test]
    fn resident_id_numbers_need_the_check_digit() {
        let with_number = |number: &'static str| {
            move |i: &mut CustomerInput| {
                i.id_document_kind_id = "1".to_owned();
                i.id_document_number = number.to_owned();
            }
        };
        check(with_number("11010519491231002X"), RESIDENT, &[]);
        check(with_number("11010519491231002x"), RESIDENT, &[]);
        check(with_number("440524188001010014"), RESIDENT, &[]);
        check(
            with_number("440524188001010015"),
            RESIDENT,
            &[("id_document_number", "customer.resident_id_check")],
        );
        check(
            with_number("11010519491231002"),
            RESIDENT,
            &[("id_document_number", "customer.resident_id_shape")],
        );
        check(
            with_number("1101051949123100X2"),
            RESIDENT,
            &[("id_document_number", "customer.resident_id_shape")],
        );
        check(with_number("E12345678"), FOUND, &[]);
        assert_eq!(
            check_resident_id("11010519491231002x"),
            Ok("11010519491231002X".to_owned())
        );
        assert_eq!(id_number_rule("居民身份证"), IdNumberRule::ResidentIdCard);
        assert_eq!(
            id_number_rule("临时居民身份证"),
            IdNumberRule::ResidentIdCard
        );
        assert_eq!(id_number_rule("护照"), IdNumberRule::Free);
        assert_eq!(id_number_rule("港澳台居民居住证"), IdNumberRule::Free);
    }

    /// A sheet row from `(column key, text)` pairs, the others empty.
    fn sheet_row(row_number: usize, cells: &[(&str, &str)]) -> RawRow {
        RawRow {
            row_number,
            cells: IMPORT_COLUMNS
                .iter()
                .map(|column| {
                    cells
                        .iter()
                        .find(|(key, _)| *key == column.key)
                        .map_or_else(String::new, |(_, text)| (*text).to_owned())
                })
                .collect(),
        }
    }

    fn lists() -> ImportLists {
        ImportLists {
            groups: NameIndex::new([(7, "企业客户".to_owned())]),
            relations: NameIndex::new([(8, "老客户".to_owned())]),
            id_document_kinds: NameIndex::new([
                (9, "居民身份证".to_owned()),
                (10, "护照".to_owned()),
            ]),
        }
    }

    /// Parses `rows` against [`lists`] with 已有客户 taken; expects these (field, key) errors.
    #[track_caller]
    fn check_import(rows: &[RawRow], expected: &[(&str, &str)]) {
        let taken: HashSet<String> = ["已有客户".to_owned()].into();
        let got: Vec<(String, &str)> = match parse_import(rows, &lists(), &taken) {
            Ok(_) => Vec::new(),
            Err(errors) => errors
                .iter()
                .map(|e| (e.field.to_string(), e.message.key()))
                .collect(),
        };
        let expected: Vec<(String, &str)> = expected
            .iter()
            .map(|(field, key)| ((*field).to_owned(), *key))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn import_rows_are_read_like_the_form() {
        let good = sheet_row(
            2,
            &[
                ("name", "星光广告"),
                ("customer_group", "企业客户"),
                ("customer_relation", "老客户"),
                ("contact_person", "王经理"),
                ("mobile", "13800138000"),
                ("settlement_type", "现结"),
                ("credit_limit", "5000"),
                ("credit_mode", "保存订单时警告"),
                ("id_document_kind", "居民身份证"),
                ("id_document_number", "11010519491231002X"),
            ],
        );
        let customers =
            parse_import(std::slice::from_ref(&good), &lists(), &HashSet::new()).unwrap();
        let customer = &customers[0];
        assert_eq!(
            (
                customer.customer_group_id,
                customer.customer_relation_id,
                customer.id_document_kind_id
            ),
            (Some(7), Some(8), Some(9))
        );
        assert_eq!(customer.settlement_type, SettlementType::Cash);
        assert_eq!(customer.credit_mode, CreditMode::Warn);
        assert_eq!(customer.contacts[0].mobile, "13800138000");
        assert!(customer.contacts[0].is_primary);
        check_import(
            &[sheet_row(2, &[("name", "甲"), ("settlement_type", "cash")])],
            &[],
        );
        check_import(&[sheet_row(2, &[("name", "甲")])], &[]);
    }

    #[test]
    fn every_bad_cell_of_every_row_is_named() {
        check_import(
            &[
                sheet_row(2, &[("name", "甲"), ("mobile", "13800138000")]),
                sheet_row(5, &[("name", "乙"), ("mobile", "1380013800")]),
            ],
            &[("rows[5].mobile", "contact.mobile_invalid")],
        );
        check_import(
            &[
                sheet_row(
                    2,
                    &[
                        ("name", "甲"),
                        ("customer_group", "散户"),
                        ("settlement_type", "月结"),
                    ],
                ),
                sheet_row(
                    3,
                    &[
                        ("name", ""),
                        ("customer_relation", "新客户"),
                        ("id_document_kind", "军官证"),
                    ],
                ),
                sheet_row(
                    4,
                    &[
                        ("name", "甲"),
                        ("payment_terms_days", "400"),
                        ("phone", "0571#1"),
                    ],
                ),
                sheet_row(
                    6,
                    &[
                        ("name", "已有客户"),
                        ("id_document_kind", "居民身份证"),
                        ("id_document_number", "110105194912310021"),
                    ],
                ),
            ],
            &[
                ("rows[4].name", "customer_import.duplicate_in_file"),
                ("rows[6].name", "customer.name_taken"),
                ("rows[2].customer_group", "customer.import_group_unknown"),
                ("rows[2].settlement_type", "customer.settlement_unknown"),
                (
                    "rows[3].customer_relation",
                    "customer.import_relation_unknown",
                ),
                (
                    "rows[3].id_document_kind",
                    "customer.import_id_kind_unknown",
                ),
                ("rows[3].name", "customer.name_required"),
                (
                    "rows[4].payment_terms_days",
                    "customer.payment_terms_invalid",
                ),
                ("rows[4].phone", "contact.phone_invalid"),
                ("rows[6].id_document_number", "customer.resident_id_check"),
            ],
        );
    }

    #[test]
    fn search_keys_are_computed() {
        let customer = NewCustomer::parse(&valid_input(), &FOUND).unwrap();
        assert_eq!(customer.pinyin_initials, "xgggyxgs");
        assert_eq!(customer.search_text, "星光|xg|王经理|wjl|13800138000");
        assert!(customer.contacts[0].is_primary);
    }
}
