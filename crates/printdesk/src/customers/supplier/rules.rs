//! Pure rules of suppliers: reading the form into a [`NewSupplier`], and reading an import
//! sheet's rows through the same parse ([`parse_import`]).
//!
//! Whether each chosen supply scope is a live item of this account set is a database question;
//! the service answers it inside its transaction and passes the answer in.

use std::collections::HashSet;

use super::SupplierInput;
use crate::customers::contact::{self, Contact};
use crate::customers::import::{self, NameIndex};
use crate::kernel::error::FieldErrors;
use crate::kernel::i18n::Message;
use crate::kernel::spreadsheet::{RawRow, TemplateColumn, row_error};

/// The longest supplier name.
pub const MAX_NAME_CHARS: usize = 100;

/// A supplier that passed every rule, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSupplier {
    pub name: String,
    pub bank_name: String,
    pub bank_account: String,
    pub tax_number: String,
    pub address: String,
    pub remarks: String,
    /// Ascending, without repeats.
    pub supply_scope_ids: Vec<i64>,
    pub contacts: Vec<Contact>,
    pub pinyin_initials: String,
    pub search_text: String,
}

/// The supply scope ids an input names; text that is no id reads as `None`.
pub fn scope_ids(input: &SupplierInput) -> Vec<Option<i64>> {
    input
        .supply_scope_ids
        .iter()
        .filter(|text| !text.trim().is_empty())
        .map(|text| text.trim().parse::<i64>().ok().filter(|id| *id > 0))
        .collect()
}

impl NewSupplier {
    /// Checks every field; `scopes_found` tells whether every id of [`scope_ids`] is a live
    /// supply scope of this account set.
    pub fn parse(input: &SupplierInput, scopes_found: bool) -> Result<NewSupplier, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = input.name.trim().to_owned();
        if name.is_empty() {
            errors.add("name", Message::new("supplier.name_required"));
        } else if name.chars().count() > MAX_NAME_CHARS {
            errors.add(
                "name",
                Message::new("supplier.name_too_long").arg("max", MAX_NAME_CHARS),
            );
        }
        let bank_name = limited(&input.bank_name, 50, "bank_name", &mut errors);
        let address = limited(&input.address, 200, "address", &mut errors);
        let remarks = limited(&input.remarks, 500, "remarks", &mut errors);
        let bank_account = input.bank_account.trim().to_owned();
        let account_ok = bank_account.chars().count() <= 40
            && bank_account.chars().all(|c| c.is_ascii_digit() || c == ' ');
        if !account_ok {
            errors.add(
                "bank_account",
                Message::new("supplier.bank_account_invalid"),
            );
        }
        let tax_number = input.tax_number.trim().to_ascii_uppercase();
        let tax_ok = tax_number.is_empty()
            || ((15..=20).contains(&tax_number.len())
                && tax_number.chars().all(|c| c.is_ascii_alphanumeric()));
        if !tax_ok {
            errors.add("tax_number", Message::new("supplier.tax_number_invalid"));
        }
        let ids = scope_ids(input);
        if !scopes_found || ids.iter().any(Option::is_none) {
            errors.add("supply_scope_ids", Message::new("supplier.scope_unknown"));
        }
        let mut supply_scope_ids: Vec<i64> = ids.into_iter().flatten().collect();
        supply_scope_ids.sort_unstable();
        supply_scope_ids.dedup();
        let contacts = contact::parse_contacts(&input.contacts, &mut errors);
        let pinyin_initials = contact::pinyin_initials(&name);
        let search_text = contact::search_text(&[], &contacts);
        errors.into_result(NewSupplier {
            name,
            bank_name,
            bank_account,
            tax_number,
            address,
            remarks,
            supply_scope_ids,
            contacts,
            pinyin_initials,
            search_text,
        })
    }
}

/// The columns of the supplier import template (manual 2.2 导入), in sheet order.
pub const IMPORT_COLUMNS: &[TemplateColumn] = &[
    column(
        "name",
        "supplier.name",
        true,
        "supplier_import.note.name",
        30,
    ),
    column(
        "supply_scopes",
        "supplier.supply_scopes",
        false,
        "supplier_import.note.supply_scopes",
        24,
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
        "bank_name",
        "supplier.bank_name",
        false,
        "supplier_import.note.bank_name",
        20,
    ),
    column(
        "bank_account",
        "supplier.bank_account",
        false,
        "supplier_import.note.bank_account",
        24,
    ),
    column(
        "tax_number",
        "supplier.tax_number",
        false,
        "supplier_import.note.tax_number",
        22,
    ),
    column(
        "address",
        "customer.address",
        false,
        "customer_import.note.address",
        30,
    ),
    column(
        "remarks",
        "customer.remarks",
        false,
        "customer_import.note.remarks",
        30,
    ),
];

/// Reads every row of a supplier sheet with [`NewSupplier::parse`], as the form would send it.
/// 供应经营范围 names scopes separated by 、 or a comma; an unknown one is an error on its cell.
/// A name repeated in the file or in `taken` (the live suppliers' names) is an error too. Either
/// every row is good, or every problem of every row comes back, named `rows[<row>].<column>`.
pub fn parse_import(
    rows: &[RawRow],
    scopes: &NameIndex,
    taken: &HashSet<String>,
) -> Result<Vec<NewSupplier>, FieldErrors> {
    let mut errors = FieldErrors::new();
    import::check_names(rows, 0, taken, "supplier.name_taken", &mut errors);
    let mut suppliers = Vec::with_capacity(rows.len());
    for row in rows {
        let cell = |key: &str| {
            IMPORT_COLUMNS
                .iter()
                .position(|c| c.key == key)
                .map_or("", |idx| row.cell(idx))
        };
        let mut supply_scope_ids = Vec::new();
        for name in scope_names(cell("supply_scopes")) {
            match scopes.get(name) {
                Some(id) => supply_scope_ids.push(id.to_string()),
                None => row_error(
                    &mut errors,
                    row,
                    "supply_scopes",
                    Message::new("supplier.import_scope_unknown").arg("name", name),
                ),
            }
        }
        let input = SupplierInput {
            name: cell("name").to_owned(),
            bank_name: cell("bank_name").to_owned(),
            bank_account: cell("bank_account").to_owned(),
            tax_number: cell("tax_number").to_owned(),
            address: cell("address").to_owned(),
            remarks: cell("remarks").to_owned(),
            supply_scope_ids,
            contacts: import::single_contact(cell("contact_person"), cell("mobile"), cell("phone")),
            form_nonce: String::new(),
        };
        match NewSupplier::parse(&input, true) {
            Ok(supplier) => suppliers.push(supplier),
            Err(parse_errors) => {
                import::add_row_errors(&mut errors, row, &parse_errors, import_column_of)
            }
        }
    }
    errors.into_result(suppliers)
}

/// The scope names of a cell: `纸张、墨水碳粉`, `纸张,墨水碳粉` or `纸张，墨水碳粉`.
fn scope_names(text: &str) -> impl Iterator<Item = &str> {
    text.split(['、', ',', '，'])
        .map(str::trim)
        .filter(|name| !name.is_empty())
}

/// The import column of a form field, e.g. `contacts[0].mobile` → `mobile`.
fn import_column_of(field: &str) -> &str {
    match field {
        "supply_scope_ids" => "supply_scopes",
        "contacts" => "contact_person",
        field => match field.rsplit_once("].") {
            Some((_, "mobile")) => "mobile",
            Some((_, "phone")) => "phone",
            Some(_) => "contact_person",
            None => field,
        },
    }
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

/// `text` trimmed; an error on `field` when it has more than `max` characters.
fn limited(text: &str, max: usize, field: &'static str, errors: &mut FieldErrors) -> String {
    let text = text.trim();
    if text.chars().count() > max {
        errors.add(
            field,
            Message::new("supplier.text_too_long").arg("max", max),
        );
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customers::contact::ContactInput;

    fn valid_input() -> SupplierInput {
        SupplierInput {
            name: "宏达纸业".to_owned(),
            bank_name: "工商银行杭州分行".to_owned(),
            bank_account: "6222 0212 3456 7890".to_owned(),
            tax_number: "91330100mA2B3C4D5E".to_owned(),
            supply_scope_ids: vec!["3".to_owned(), "1".to_owned(), "3".to_owned()],
            contacts: vec![ContactInput {
                person: "刘经理".to_owned(),
                mobile: "13900139000".to_owned(),
                ..ContactInput::default()
            }],
            ..SupplierInput::default()
        }
    }

    #[track_caller]
    fn check(
        change: impl FnOnce(&mut SupplierInput),
        scopes_found: bool,
        expected: &[(&str, &str)],
    ) {
        let mut input = valid_input();
        change(&mut input);
        let got: Vec<(String, &str)> = match NewSupplier::parse(&input, scopes_found) {
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
    fn supplier_fields_are_checked_by_name() {
        check(|_| {}, true, &[]);
        check(
            |i| i.name = String::new(),
            true,
            &[("name", "supplier.name_required")],
        );
        check(
            |i| i.name = "纸".repeat(101),
            true,
            &[("name", "supplier.name_too_long")],
        );
        check(
            |i| i.bank_account = "6222-0212".to_owned(),
            true,
            &[("bank_account", "supplier.bank_account_invalid")],
        );
        check(
            |i| i.tax_number = "9133".to_owned(),
            true,
            &[("tax_number", "supplier.tax_number_invalid")],
        );
        check(
            |i| i.tax_number = "91330100MA2B3C4D5#".to_owned(),
            true,
            &[("tax_number", "supplier.tax_number_invalid")],
        );
        check(|i| i.tax_number = String::new(), true, &[]);
        check(
            |_| {},
            false,
            &[("supply_scope_ids", "supplier.scope_unknown")],
        );
        check(
            |i| i.supply_scope_ids = vec!["x".to_owned()],
            true,
            &[("supply_scope_ids", "supplier.scope_unknown")],
        );
        check(
            |i| i.contacts[0].mobile = "139".to_owned(),
            true,
            &[("contacts[0].mobile", "contact.mobile_invalid")],
        );
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

    #[track_caller]
    fn check_import(rows: &[RawRow], expected: &[(&str, &str)]) -> Vec<NewSupplier> {
        let scopes = NameIndex::new([(1, "纸张".to_owned()), (2, "墨水碳粉".to_owned())]);
        let taken: HashSet<String> = ["宏达纸业".to_owned()].into();
        let (suppliers, got): (Vec<NewSupplier>, Vec<(String, &str)>) =
            match parse_import(rows, &scopes, &taken) {
                Ok(suppliers) => (suppliers, Vec::new()),
                Err(errors) => (
                    Vec::new(),
                    errors
                        .iter()
                        .map(|e| (e.field.to_string(), e.message.key()))
                        .collect(),
                ),
            };
        let expected: Vec<(String, &str)> = expected
            .iter()
            .map(|(field, key)| ((*field).to_owned(), *key))
            .collect();
        assert_eq!(got, expected);
        suppliers
    }

    #[test]
    fn import_rows_are_read_like_the_form() {
        let suppliers = check_import(
            &[
                sheet_row(
                    2,
                    &[
                        ("name", "新纸业"),
                        ("supply_scopes", "墨水碳粉、纸张"),
                        ("mobile", "13900139000"),
                    ],
                ),
                sheet_row(
                    3,
                    &[
                        ("name", "老墨水"),
                        ("supply_scopes", "纸张, 墨水碳粉，纸张"),
                    ],
                ),
            ],
            &[],
        );
        assert_eq!(suppliers[0].supply_scope_ids, [1, 2]);
        assert_eq!(suppliers[1].supply_scope_ids, [1, 2]);
        assert_eq!(suppliers[0].contacts[0].mobile, "13900139000");
        check_import(
            &[
                sheet_row(2, &[("name", "宏达纸业"), ("supply_scopes", "纸张、木材")]),
                sheet_row(
                    3,
                    &[("name", "甲"), ("tax_number", "123"), ("mobile", "139")],
                ),
                sheet_row(4, &[("name", "甲")]),
            ],
            &[
                ("rows[2].name", "supplier.name_taken"),
                ("rows[4].name", "customer_import.duplicate_in_file"),
                ("rows[2].supply_scopes", "supplier.import_scope_unknown"),
                ("rows[3].tax_number", "supplier.tax_number_invalid"),
                ("rows[3].mobile", "contact.mobile_invalid"),
            ],
        );
    }

    #[test]
    fn scopes_are_sorted_once_and_search_keys_computed() {
        let supplier = NewSupplier::parse(&valid_input(), true).unwrap();
        assert_eq!(supplier.supply_scope_ids, [1, 3]);
        assert_eq!(supplier.tax_number, "91330100MA2B3C4D5E");
        assert_eq!(supplier.pinyin_initials, "hdzy");
        assert_eq!(supplier.search_text, "刘经理|ljl|13900139000");
    }
}
