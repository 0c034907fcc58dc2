//! What the customer and supplier imports (manual 2.1, 2.2 导入) share: reading settings-list
//! names typed in a sheet back to item ids, the one contact a sheet row can hold, the names a
//! file repeats or that are already taken, and naming every problem by its row and column.
//!
//! Pure: the services read the lists and the taken names, and save. Each feature's `rules.rs`
//! owns its own columns and its own mapping from form fields to them.

use std::collections::{HashMap, HashSet};

use crate::customers::contact::ContactInput;
use crate::kernel::error::FieldErrors;
use crate::kernel::i18n::Message;
use crate::kernel::spreadsheet::{RawRow, row_error};

/// The live items of one settings list by name, as a sheet names them.
#[derive(Clone, Debug, Default)]
pub struct NameIndex {
    ids: HashMap<String, i64>,
}

impl NameIndex {
    /// Indexes `(id, name)` pairs; when two items share a name the first is kept.
    pub fn new(items: impl IntoIterator<Item = (i64, String)>) -> NameIndex {
        let mut ids = HashMap::new();
        for (id, name) in items {
            ids.entry(name.trim().to_owned()).or_insert(id);
        }
        NameIndex { ids }
    }

    pub fn get(&self, name: &str) -> Option<i64> {
        self.ids.get(name.trim()).copied()
    }
}

/// The id text a form would send for the item `name` names: empty for an empty cell; for a name
/// no live item has, `unknown` (with the name) goes on the cell and the result is empty.
pub fn id_of_name(
    index: &NameIndex,
    row: &RawRow,
    column_key: &str,
    name: &str,
    unknown: &'static str,
    errors: &mut FieldErrors,
) -> String {
    let name = name.trim();
    if name.is_empty() {
        return String::new();
    }
    match index.get(name) {
        Some(id) => id.to_string(),
        None => {
            row_error(
                errors,
                row,
                column_key,
                Message::new(unknown).arg("name", name),
            );
            String::new()
        }
    }
}

/// The contacts of a sheet row: none when its three cells are empty, else one primary contact.
pub fn single_contact(person: &str, mobile: &str, phone: &str) -> Vec<ContactInput> {
    if [person, mobile, phone]
        .iter()
        .all(|text| text.trim().is_empty())
    {
        return Vec::new();
    }
    vec![ContactInput {
        person: person.to_owned(),
        mobile: mobile.to_owned(),
        phone: phone.to_owned(),
        position: String::new(),
        is_primary: true,
    }]
}

/// Flags, on the `name` column, every row whose name an earlier row of the file has
/// (`customer_import.duplicate_in_file`) or that `taken` holds (`taken_message`).
pub fn check_names(
    rows: &[RawRow],
    name_idx: usize,
    taken: &HashSet<String>,
    taken_message: &'static str,
    errors: &mut FieldErrors,
) {
    let mut first_row: HashMap<&str, usize> = HashMap::with_capacity(rows.len());
    for row in rows {
        let name = row.cell(name_idx).trim();
        if name.is_empty() {
            continue;
        }
        if let Some(first) = first_row.get(name) {
            let message = Message::new("customer_import.duplicate_in_file").arg("row", first);
            row_error(errors, row, "name", message);
        } else {
            first_row.insert(name, row.row_number);
            if taken.contains(name) {
                row_error(errors, row, "name", Message::new(taken_message));
            }
        }
    }
}

/// Moves the errors a form parse gave for one row onto that row, each under the column
/// `column_of` names for its form field.
pub fn add_row_errors(
    errors: &mut FieldErrors,
    row: &RawRow,
    parse_errors: &FieldErrors,
    column_of: fn(&str) -> &str,
) {
    for error in parse_errors.iter() {
        row_error(errors, row, column_of(&error.field), error.message.clone());
    }
}

/// The Excel row number and column key of an import error field `rows[5].mobile`; `None` for a
/// field about the whole file.
pub fn row_and_column(field: &str) -> Option<(usize, &str)> {
    let rest = field.strip_prefix("rows[")?;
    let (number, column) = rest.split_once("].")?;
    Some((number.parse().ok()?, column))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(row_number: usize, cells: &[&str]) -> RawRow {
        RawRow {
            row_number,
            cells: cells.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    fn fields(errors: &FieldErrors) -> Vec<(String, &'static str)> {
        errors
            .iter()
            .map(|e| (e.field.to_string(), e.message.key()))
            .collect()
    }

    #[test]
    fn names_repeated_in_the_file_or_taken_are_flagged_once_each() {
        let rows = [
            row(2, &["星光"]),
            row(3, &["红星"]),
            row(4, &[" 星光 "]),
            row(6, &[""]),
            row(7, &["老客户"]),
        ];
        let taken: HashSet<String> = ["老客户".to_owned()].into();
        let mut errors = FieldErrors::new();
        check_names(&rows, 0, &taken, "customer.name_taken", &mut errors);
        assert_eq!(
            fields(&errors),
            [
                (
                    "rows[4].name".to_owned(),
                    "customer_import.duplicate_in_file"
                ),
                ("rows[7].name".to_owned(), "customer.name_taken"),
            ]
        );
    }

    #[test]
    fn list_names_become_ids_or_an_error_on_the_cell() {
        let index = NameIndex::new([(3, "企业客户".to_owned()), (4, "企业客户".to_owned())]);
        let mut errors = FieldErrors::new();
        let sheet_row = row(5, &[]);
        let unknown = "customer.import_group_unknown";
        assert_eq!(
            id_of_name(&index, &sheet_row, "g", " 企业客户", unknown, &mut errors),
            "3"
        );
        assert_eq!(
            id_of_name(&index, &sheet_row, "g", "", unknown, &mut errors),
            ""
        );
        assert_eq!(
            id_of_name(&index, &sheet_row, "g", "散户", unknown, &mut errors),
            ""
        );
        assert_eq!(fields(&errors), [("rows[5].g".to_owned(), unknown)]);
    }

    #[test]
    fn error_fields_name_their_row_and_column() {
        assert_eq!(row_and_column("rows[5].mobile"), Some((5, "mobile")));
        assert_eq!(row_and_column("file"), None);
        assert_eq!(row_and_column("rows[x].mobile"), None);
        assert!(single_contact(" ", "", "").is_empty());
        assert!(single_contact("", "13800138000", "")[0].is_primary);
    }
}
