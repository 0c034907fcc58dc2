//! Contacts (联系人) of customers and suppliers, and the search keys both store.
//!
//! A customer or supplier has any number of contacts (none is fine); at most one is the primary
//! contact, and when contacts exist but none is marked, the first one is. Pages send contacts as
//! parallel repeated fields (forms cannot nest), zipped here into rows; the API sends an array.
//! Either way an error names its row as `contacts[1].mobile`, counting only non-blank rows.
//!
//! The search keys are computed on every save, never typed: `pinyin_initials` holds the first
//! letters of the name's pinyin (星光广告 → `xggg`), `search_text` the short name, the contacts'
//! names and their initials, mobiles and phones. This module is pure; `store` holds the contact
//! rows' SQL for both owners.

pub(crate) mod store;

use pinyin::ToPinyin;

use crate::kernel::error::FieldErrors;
use crate::kernel::i18n::Message;

/// The most contacts one customer or supplier keeps.
pub const MAX_CONTACTS: usize = 20;
/// Contact rows shown on a form; more can be saved through the API.
pub const FORM_ROWS: usize = 3;
/// The longest search text taken from a search box.
const MAX_SEARCH_CHARS: usize = 50;

/// One contact as typed, raw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContactInput {
    pub person: String,
    pub mobile: String,
    pub phone: String,
    pub position: String,
    pub is_primary: bool,
}

/// A checked contact: the mobile is 11 digits or empty, the phone holds only phone characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    pub person: String,
    pub mobile: String,
    pub phone: String,
    pub position: String,
    pub is_primary: bool,
}

impl ContactInput {
    fn is_blank(&self) -> bool {
        [&self.person, &self.mobile, &self.phone, &self.position]
            .iter()
            .all(|text| text.trim().is_empty())
    }
}

/// Zips a page's parallel repeated fields into rows, dropping blank rows. `primary` is the value
/// of the checked radio button: the index of its row among all rows, blank or not.
pub fn zip_form_rows(
    person: &[String],
    mobile: &[String],
    phone: &[String],
    position: &[String],
    primary: &str,
) -> Vec<ContactInput> {
    let n_rows = person
        .len()
        .max(mobile.len())
        .max(phone.len())
        .max(position.len());
    let cell = |column: &[String], row_idx: usize| column.get(row_idx).cloned().unwrap_or_default();
    (0..n_rows)
        .map(|row_idx| ContactInput {
            person: cell(person, row_idx),
            mobile: cell(mobile, row_idx),
            phone: cell(phone, row_idx),
            position: cell(position, row_idx),
            is_primary: primary.trim() == row_idx.to_string(),
        })
        .filter(|row| !row.is_blank())
        .collect()
}

/// Checks every contact, adding each problem to `errors` under `contacts[i].<field>`.
pub fn parse_contacts(inputs: &[ContactInput], errors: &mut FieldErrors) -> Vec<Contact> {
    if inputs.len() > MAX_CONTACTS {
        errors.add(
            "contacts",
            Message::new("contact.too_many").arg("max", MAX_CONTACTS),
        );
    }
    let mut contacts = Vec::with_capacity(inputs.len());
    let mut primary_seen = false;
    for (line_idx, input) in inputs.iter().enumerate() {
        let field = |name: &str| format!("contacts[{line_idx}].{name}");
        let person = input.person.trim().to_owned();
        let mobile = normalize_mobile(&input.mobile);
        let phone = input.phone.trim().to_owned();
        let position = input.position.trim().to_owned();
        if person.is_empty() && mobile.is_empty() && phone.is_empty() {
            errors.add(field("person"), Message::new("contact.person_required"));
        }
        if person.chars().count() > 30 {
            errors.add(field("person"), Message::new("contact.person_too_long"));
        }
        if let Err(message) = check_mobile(&mobile) {
            errors.add(field("mobile"), message);
        }
        if let Err(message) = check_phone(&phone) {
            errors.add(field("phone"), message);
        }
        if position.chars().count() > 30 {
            errors.add(field("position"), Message::new("contact.position_too_long"));
        }
        if input.is_primary && primary_seen {
            errors.add(field("is_primary"), Message::new("contact.primary_twice"));
        }
        primary_seen |= input.is_primary;
        contacts.push(Contact {
            person,
            mobile,
            phone,
            position,
            is_primary: input.is_primary,
        });
    }
    if !primary_seen && let Some(first) = contacts.first_mut() {
        first.is_primary = true;
    }
    contacts
}

/// A mainland mobile number: 11 digits starting with 1. Empty is allowed (no mobile).
pub fn check_mobile(mobile: &str) -> Result<(), Message> {
    let ok = mobile.is_empty()
        || (mobile.len() == 11
            && mobile.starts_with('1')
            && mobile.chars().all(|c| c.is_ascii_digit()));
    if ok {
        Ok(())
    } else {
        Err(Message::new("contact.mobile_invalid"))
    }
}

/// A landline or any other number: digits, spaces, `-` and `+`, at most 30 characters.
pub fn check_phone(phone: &str) -> Result<(), Message> {
    if phone.chars().count() > 30 {
        return Err(Message::new("contact.phone_too_long"));
    }
    let ok = phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+'));
    if ok {
        Ok(())
    } else {
        Err(Message::new("contact.phone_invalid"))
    }
}

/// The first letters of the pinyin of each character, lowercase; ASCII letters and digits are
/// kept as they are and anything else (punctuation, spaces) is skipped: 星光广告 → `xggg`,
/// ABC图文 → `abctw`. A character with several readings takes its most common one.
pub fn pinyin_initials(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            if c.is_ascii_alphanumeric() {
                Some(c.to_ascii_lowercase())
            } else {
                c.to_pinyin()
                    .and_then(|pinyin| pinyin.first_letter().chars().next())
            }
        })
        .collect()
}

/// The text searched besides the name and its initials: aliases (a short name) and every
/// contact's name, its initials, mobile and phone, lowercase, separated by `|`.
pub fn search_text(aliases: &[&str], contacts: &[Contact]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let push_name = |parts: &mut Vec<String>, name: &str| {
        parts.push(name.trim().to_lowercase());
        parts.push(pinyin_initials(name));
    };
    for alias in aliases {
        push_name(&mut parts, alias);
    }
    for contact in contacts {
        push_name(&mut parts, &contact.person);
        parts.push(contact.mobile.clone());
        parts.push(contact.phone.clone());
    }
    parts.retain(|part| !part.is_empty());
    parts.join("|")
}

/// What a search box asks for, trimmed, lowercase and cut to a sane length; empty means "all".
pub fn search_key(query: &str) -> String {
    query
        .trim()
        .to_lowercase()
        .chars()
        .take(MAX_SEARCH_CHARS)
        .collect()
}

/// `text` with the `like` wildcards escaped (the queries say `escape '\'`).
pub fn like_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// Spaces and dashes people type inside a mobile number are dropped: `138-0013-8000`.
fn normalize_mobile(mobile: &str) -> String {
    mobile.chars().filter(|c| !matches!(c, ' ' | '-')).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(person: &str, mobile: &str, phone: &str) -> ContactInput {
        ContactInput {
            person: person.to_owned(),
            mobile: mobile.to_owned(),
            phone: phone.to_owned(),
            ..ContactInput::default()
        }
    }

    /// Parses `rows` and returns the (field, message key) pairs, in order.
    #[track_caller]
    fn check_errors(rows: &[ContactInput], expected: &[(&str, &str)]) {
        let mut errors = FieldErrors::new();
        parse_contacts(rows, &mut errors);
        let got: Vec<(String, &str)> = errors
            .iter()
            .map(|e| (e.field.to_string(), e.message.key()))
            .collect();
        let expected: Vec<(String, &str)> = expected
            .iter()
            .map(|(field, key)| ((*field).to_owned(), *key))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn contact_rows_are_checked_and_named_by_index() {
        check_errors(&[row("张三", "13800138000", "")], &[]);
        check_errors(&[row("张三", "138-0013-8000", "0571-8888 6666")], &[]);
        check_errors(&[row("", "", "+86 571 88886666")], &[]);
        check_errors(
            &[
                row("张三", "13800138000", ""),
                row("李四", "1380013800", ""),
            ],
            &[("contacts[1].mobile", "contact.mobile_invalid")],
        );
        check_errors(
            &[row("李四", "23800138000", "")],
            &[("contacts[0].mobile", "contact.mobile_invalid")],
        );
        check_errors(
            &[row("李四", "1380013800a", "")],
            &[("contacts[0].mobile", "contact.mobile_invalid")],
        );
        check_errors(
            &[row("王五", "", "0571#8888")],
            &[("contacts[0].phone", "contact.phone_invalid")],
        );
        check_errors(
            &[row("王五", "", &"1".repeat(31))],
            &[("contacts[0].phone", "contact.phone_too_long")],
        );
        check_errors(
            &[row(&"名".repeat(31), "", "")],
            &[("contacts[0].person", "contact.person_too_long")],
        );
        check_errors(
            &[ContactInput {
                position: "经理".to_owned(),
                ..ContactInput::default()
            }],
            &[("contacts[0].person", "contact.person_required")],
        );
    }

    #[test]
    fn one_primary_contact_at_most_and_the_first_by_default() {
        let mut errors = FieldErrors::new();
        let contacts = parse_contacts(&[row("甲", "", ""), row("乙", "", "")], &mut errors);
        assert_eq!(
            contacts.iter().map(|c| c.is_primary).collect::<Vec<_>>(),
            [true, false]
        );
        let both = [
            ContactInput {
                is_primary: true,
                ..row("甲", "", "")
            },
            ContactInput {
                is_primary: true,
                ..row("乙", "", "")
            },
        ];
        check_errors(
            &both,
            &[("contacts[1].is_primary", "contact.primary_twice")],
        );
        let too_many: Vec<ContactInput> = (0..=MAX_CONTACTS).map(|_| row("甲", "", "")).collect();
        check_errors(&too_many, &[("contacts", "contact.too_many")]);
    }

    #[test]
    fn form_rows_are_zipped_without_blank_rows() {
        let texts = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let rows = zip_form_rows(
            &texts(&["", "张三", " "]),
            &texts(&["", "13800138000", ""]),
            &texts(&["", "", ""]),
            &texts(&["", "经理"]),
            "1",
        );
        assert_eq!(
            rows,
            [ContactInput {
                person: "张三".to_owned(),
                mobile: "13800138000".to_owned(),
                phone: String::new(),
                position: "经理".to_owned(),
                is_primary: true,
            }]
        );
    }

    #[track_caller]
    fn check_initials(text: &str, expected: &str) {
        assert_eq!(pinyin_initials(text), expected, "{text}");
    }

    #[test]
    fn initials_of_names() {
        check_initials("星光广告", "xggg");
        check_initials("星光广告有限公司", "xgggyxgs");
        check_initials("ABC图文", "abctw");
        check_initials("3M 贴膜", "3mtm");
        check_initials("（杭州）印务", "hzyw");
        check_initials("", "");
    }

    #[test]
    fn search_text_holds_aliases_and_contacts() {
        let contact = Contact {
            person: "王小明".to_owned(),
            mobile: "13800138000".to_owned(),
            phone: "0571-88886666".to_owned(),
            position: String::new(),
            is_primary: true,
        };
        assert_eq!(
            search_text(&["星光"], &[contact]),
            "星光|xg|王小明|wxm|13800138000|0571-88886666"
        );
        assert_eq!(search_text(&[""], &[]), "");
        assert_eq!(search_key("  XG "), "xg");
        assert_eq!(like_escape("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
