//! Pure rules of departments: reading the form, and the shape of the tree.

use std::collections::{HashMap, HashSet};

use super::{Department, DepartmentId, DepartmentInput};
use crate::kernel::error::FieldErrors;
use crate::kernel::i18n::Message;

/// Longest department name, in characters.
pub const NAME_MAX: usize = 30;
/// Longest remark, in characters.
pub const REMARKS_MAX: usize = 200;

/// A department as the user asked for it, every field checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDepartment {
    pub name: String,
    pub parent_id: Option<DepartmentId>,
    pub sort_order: i64,
    pub remarks: String,
}

impl NewDepartment {
    /// Checks every field and reports each bad one.
    pub fn parse(input: &DepartmentInput) -> Result<NewDepartment, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = input.name.trim();
        if name.is_empty() {
            errors.add("name", Message::new("department.name_required"));
        } else if name.chars().count() > NAME_MAX {
            errors.add("name", Message::new("error.too_long").arg("max", NAME_MAX));
        }
        let parent_text = input.parent_id.trim();
        let parent_id = if parent_text.is_empty() {
            None
        } else if let Ok(id) = parent_text.parse::<i64>() {
            Some(DepartmentId(id))
        } else {
            errors.add("parent_id", Message::new("department.parent_unknown"));
            None
        };
        let sort_text = input.sort_order.trim();
        let sort_order = if sort_text.is_empty() {
            0
        } else if let Ok(n) = sort_text.parse::<i64>() {
            n
        } else {
            errors.add("sort_order", Message::new("department.sort_order_invalid"));
            0
        };
        let remarks = input.remarks.trim();
        if remarks.chars().count() > REMARKS_MAX {
            errors.add(
                "remarks",
                Message::new("error.too_long").arg("max", REMARKS_MAX),
            );
        }
        errors.into_result(NewDepartment {
            name: name.to_owned(),
            parent_id,
            sort_order,
            remarks: remarks.to_owned(),
        })
    }
}

/// `id` and every department below it, given each department's parent.
pub fn subtree(
    id: DepartmentId,
    parents: &[(DepartmentId, Option<DepartmentId>)],
) -> HashSet<DepartmentId> {
    let mut children: HashMap<DepartmentId, Vec<DepartmentId>> = HashMap::new();
    for (child, parent) in parents {
        if let Some(parent) = parent {
            children.entry(*parent).or_default().push(*child);
        }
    }
    let mut found = HashSet::from([id]);
    let mut todo = vec![id];
    while let Some(next) = todo.pop() {
        for child in children.get(&next).map(Vec::as_slice).unwrap_or_default() {
            if found.insert(*child) {
                todo.push(*child);
            }
        }
    }
    found
}

/// The departments in tree order (parents before their children, siblings by sort order then
/// name) with each one's depth. A department whose parent is not in the list (it waits in the
/// recycle bin) is shown as a root, so nothing disappears from view.
pub fn tree_order(departments: &[Department]) -> Vec<(usize, usize)> {
    let known: HashSet<DepartmentId> = departments.iter().map(|d| d.id).collect();
    let mut children: HashMap<Option<DepartmentId>, Vec<usize>> = HashMap::new();
    for (idx, department) in departments.iter().enumerate() {
        let parent = department.parent_id.filter(|p| known.contains(p));
        children.entry(parent).or_default().push(idx);
    }
    for siblings in children.values_mut() {
        siblings.sort_by(|a, b| {
            let (a, b) = (&departments[*a], &departments[*b]);
            (a.sort_order, &a.name, a.id.0).cmp(&(b.sort_order, &b.name, b.id.0))
        });
    }
    let mut order = Vec::with_capacity(departments.len());
    let mut stack: Vec<(usize, usize)> = children
        .get(&None)
        .map(|roots| roots.iter().rev().map(|idx| (*idx, 0)).collect())
        .unwrap_or_default();
    let mut seen = HashSet::new();
    while let Some((idx, depth)) = stack.pop() {
        if !seen.insert(idx) {
            continue;
        }
        order.push((idx, depth));
        if let Some(kids) = children.get(&Some(departments[idx].id)) {
            stack.extend(kids.iter().rev().map(|kid| (*kid, depth + 1)));
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn department(id: i64, parent: Option<i64>, name: &str, sort_order: i64) -> Department {
        Department {
            id: DepartmentId(id),
            parent_id: parent.map(DepartmentId),
            name: name.to_owned(),
            sort_order,
            remarks: String::new(),
            n_users: 0,
        }
    }

    #[track_caller]
    fn check_parse(name: &str, parent: &str, sort: &str, expected: Result<(), &[(&str, &str)]>) {
        let input = DepartmentInput {
            name: name.to_owned(),
            parent_id: parent.to_owned(),
            sort_order: sort.to_owned(),
            ..DepartmentInput::default()
        };
        let got = NewDepartment::parse(&input).map(|_| ()).map_err(|errors| {
            errors
                .iter()
                .map(|e| (e.field.to_string(), e.message.key()))
                .collect::<Vec<_>>()
        });
        let expected = expected.map_err(|pairs| {
            pairs
                .iter()
                .map(|(f, k)| ((*f).to_owned(), *k))
                .collect::<Vec<_>>()
        });
        assert_eq!(got, expected, "{name:?} {parent:?} {sort:?}");
    }

    #[test]
    fn parse_checks_each_field() {
        check_parse("印刷部", "", "", Ok(()));
        check_parse(" 设计部 ", "3", "-2", Ok(()));
        check_parse("", "", "", Err(&[("name", "department.name_required")]));
        check_parse(&"部".repeat(31), "", "", Err(&[("name", "error.too_long")]));
        check_parse(&"部".repeat(30), "", "", Ok(()));
        check_parse(
            "部",
            "x",
            "1.5",
            Err(&[
                ("parent_id", "department.parent_unknown"),
                ("sort_order", "department.sort_order_invalid"),
            ]),
        );
    }

    #[test]
    fn subtree_holds_every_descendant() {
        let parents = [
            (DepartmentId(1), None),
            (DepartmentId(2), Some(DepartmentId(1))),
            (DepartmentId(3), Some(DepartmentId(2))),
            (DepartmentId(4), None),
        ];
        let below_one = subtree(DepartmentId(1), &parents);
        assert_eq!(
            below_one,
            HashSet::from([DepartmentId(1), DepartmentId(2), DepartmentId(3)])
        );
        assert_eq!(
            subtree(DepartmentId(4), &parents),
            HashSet::from([DepartmentId(4)])
        );
    }

    #[test]
    fn tree_order_nests_and_sorts() {
        let departments = [
            department(1, None, "门店", 2),
            department(2, Some(1), "前台", 1),
            department(3, None, "办公室", 1),
            department(4, Some(1), "后期", 0),
            department(5, Some(99), "孤儿", 0),
        ];
        let order: Vec<(i64, usize)> = tree_order(&departments)
            .into_iter()
            .map(|(idx, depth)| (departments[idx].id.0, depth))
            .collect();
        assert_eq!(order, vec![(5, 0), (3, 0), (1, 0), (4, 1), (2, 1)]);
    }
}
