//! Pure rules of roles: reading the form against the permission catalogue.

use super::RoleInput;
use crate::kernel::auth::{CATALOGUE, Permission};
use crate::kernel::error::FieldErrors;
use crate::kernel::i18n::Message;

/// Longest role name, in characters.
pub const NAME_MAX: usize = 30;
/// Longest description, in characters.
pub const DESCRIPTION_MAX: usize = 200;

/// A role as the user asked for it: name checked, permissions known and in catalogue order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRole {
    pub name: String,
    pub description: String,
    pub permissions: Vec<Permission>,
}

impl NewRole {
    /// Checks every field; each unknown permission key is reported under `permissions`.
    pub fn parse(input: &RoleInput) -> Result<NewRole, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = input.name.trim();
        if name.is_empty() {
            errors.add("name", Message::new("role.name_required"));
        } else if name.chars().count() > NAME_MAX {
            errors.add("name", Message::new("error.too_long").arg("max", NAME_MAX));
        }
        let description = input.description.trim();
        if description.chars().count() > DESCRIPTION_MAX {
            errors.add(
                "description",
                Message::new("error.too_long").arg("max", DESCRIPTION_MAX),
            );
        }
        for key in &input.permissions {
            if Permission::from_key(key.trim()).is_none() {
                errors.add(
                    "permissions",
                    Message::new("role.permission_unknown").arg("key", key.trim()),
                );
            }
        }
        let permissions = CATALOGUE
            .iter()
            .flat_map(|group| group.permissions)
            .copied()
            .filter(|p| input.permissions.iter().any(|k| k.trim() == p.key()))
            .collect();
        errors.into_result(NewRole {
            name: name.to_owned(),
            description: description.to_owned(),
            permissions,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(name: &str, keys: &[&str], expected: Result<&[&str], &[(&str, &str)]>) {
        let input = RoleInput {
            name: name.to_owned(),
            permissions: keys.iter().map(|k| (*k).to_owned()).collect(),
            ..RoleInput::default()
        };
        let got = NewRole::parse(&input)
            .map(|role| role.permissions.iter().map(|p| p.key()).collect::<Vec<_>>())
            .map_err(|errors| {
                errors
                    .iter()
                    .map(|e| (e.field.to_string(), e.message.key()))
                    .collect::<Vec<_>>()
            });
        let expected = expected.map(<[&str]>::to_vec).map_err(|pairs| {
            pairs
                .iter()
                .map(|(f, k)| ((*f).to_owned(), *k))
                .collect::<Vec<_>>()
        });
        assert_eq!(got, expected, "{name:?} {keys:?}");
    }

    #[test]
    fn parse_keeps_known_keys_in_catalogue_order() {
        check("前台", &[], Ok(&[]));
        check(
            "会计",
            &[
                "system.audit.view",
                "finance.journal.view",
                "system.audit.view",
            ],
            Ok(&["finance.journal.view", "system.audit.view"]),
        );
        check("", &[], Err(&[("name", "role.name_required")]));
        check(&"角".repeat(31), &[], Err(&[("name", "error.too_long")]));
        check(
            "前台",
            &["system.everything"],
            Err(&[("permissions", "role.permission_unknown")]),
        );
    }
}
