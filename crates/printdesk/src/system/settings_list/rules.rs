//! Pure rules of settings lists: reading an item's form against its kind, and the tree order.

use std::collections::{BTreeMap, HashMap, HashSet};

use rust_decimal::Decimal;

use super::{FieldType, ItemInput, ListItem, ListKind};
use crate::kernel::error::FieldErrors;
use crate::kernel::i18n::Message;
use crate::kernel::money::{Money, parse_decimal};

/// Longest item name, in characters.
pub const NAME_MAX: usize = 30;

/// An item as the user asked for it, every field checked and normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewItem {
    pub name: String,
    /// Always `None` for kinds that are not trees.
    pub parent_id: Option<i64>,
    /// Every extra field of the kind, normalised text.
    pub attributes: BTreeMap<String, String>,
    pub is_active: Option<bool>,
}

impl NewItem {
    /// Checks the name, the parent and every extra field of `kind`, reporting each bad one on
    /// its own field (`name`, `parent_id`, or the extra field's key).
    pub fn parse(kind: &ListKind, input: &ItemInput) -> Result<NewItem, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = input.name.trim();
        if name.is_empty() {
            errors.add("name", Message::new("settings.name_required"));
        } else if name.chars().count() > NAME_MAX {
            errors.add("name", Message::new("error.too_long").arg("max", NAME_MAX));
        }
        let parent_text = input.parent_id.trim();
        let parent_id = if !kind.tree || parent_text.is_empty() || parent_text == "0" {
            None
        } else if let Ok(id) = parent_text.parse::<i64>() {
            Some(id)
        } else {
            errors.add("parent_id", Message::new("settings.parent_unknown"));
            None
        };
        let mut attributes = BTreeMap::new();
        for field in kind.extra_fields {
            let raw = input.attributes.get(field.key).map_or("", String::as_str);
            match parse_field(field.field_type, raw) {
                Ok(value) => {
                    attributes.insert(field.key.to_owned(), value);
                }
                Err(message) => errors.add(field.key, message),
            }
        }
        errors.into_result(NewItem {
            name: name.to_owned(),
            parent_id,
            attributes,
            is_active: input.is_active,
        })
    }
}

/// Parses one extra field's text into the text stored, or the message for its field.
pub fn parse_field(field_type: FieldType, raw: &str) -> Result<String, Message> {
    let text = raw.trim();
    match field_type {
        FieldType::Text { max } => {
            if text.chars().count() > max {
                Err(Message::new("error.too_long").arg("max", max))
            } else {
                Ok(text.to_owned())
            }
        }
        FieldType::Digits { max } => {
            if text.is_empty() {
                Ok(String::new())
            } else if !text.chars().all(|c| c.is_ascii_digit()) {
                Err(Message::new("settings.digits_invalid"))
            } else if text.len() > max {
                Err(Message::new("settings.digits_too_long").arg("max", max))
            } else {
                let trimmed = text.trim_start_matches('0');
                Ok(if trimmed.is_empty() { "0" } else { trimmed }.to_owned())
            }
        }
        FieldType::Money => {
            if text.is_empty() {
                return Ok(Money::from_scaled(0).to_string());
            }
            match Money::parse(text) {
                Ok(money) if !money.is_negative() => Ok(money.to_string()),
                _ => Err(Message::new("settings.money_invalid")),
            }
        }
        FieldType::Percent => match parse_decimal(text) {
            Ok(value)
                if (Decimal::ZERO..=Decimal::ONE_HUNDRED).contains(&value)
                    && value.normalize().scale() <= 2 =>
            {
                Ok(value.normalize().to_string())
            }
            _ => Err(Message::new("settings.percent_invalid")),
        },
        FieldType::Choice(choices) => choices
            .iter()
            .find(|(value, _)| *value == text)
            .map(|(value, _)| (*value).to_owned())
            .ok_or_else(|| Message::new("error.unknown_choice")),
        FieldType::Color => {
            if text.is_empty() {
                return Ok(String::new());
            }
            let hex = text.strip_prefix('#').unwrap_or("");
            if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
                Ok(format!("#{}", hex.to_ascii_lowercase()))
            } else {
                Err(Message::new("settings.color_invalid"))
            }
        }
    }
}

/// The items in tree order (parents before their children, siblings by sort order then id)
/// with each one's depth, as indexes into `items`. An item whose parent is not in the list is
/// shown as a root, so nothing disappears from view. For flat kinds every depth is 0.
pub fn tree_order(items: &[ListItem]) -> Vec<(usize, usize)> {
    let known: HashSet<i64> = items.iter().map(|i| i.id).collect();
    let mut children: HashMap<Option<i64>, Vec<usize>> = HashMap::new();
    for (idx, item) in items.iter().enumerate() {
        let parent = item
            .parent_id
            .filter(|p| known.contains(p) && *p != item.id);
        children.entry(parent).or_default().push(idx);
    }
    for siblings in children.values_mut() {
        siblings.sort_by_key(|idx| (items[*idx].sort_order, items[*idx].id));
    }
    let mut order = Vec::with_capacity(items.len());
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
        if let Some(kids) = children.get(&Some(items[idx].id)) {
            stack.extend(kids.iter().rev().map(|kid| (*kid, depth + 1)));
        }
    }
    // Items caught in a parent cycle (never reachable from a root) still show, at the top.
    for idx in 0..items.len() {
        if !seen.contains(&idx) {
            order.push((idx, 0));
        }
    }
    order
}

/// `id` and every item below it, given each item's parent: what cannot become its parent.
pub fn subtree(id: i64, parents: &[(i64, Option<i64>)]) -> HashSet<i64> {
    let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::settings_list::{CARD_TYPE, ExtraField, PROCESS, PRODUCT_CATEGORY, UNIT};

    const COLOR_KIND: ListKind = ListKind {
        key: "test_tag",
        segment: "test-tags",
        label_key: "menu.settings",
        view: crate::kernel::auth::Permission::SETTINGS_VIEW,
        manage: crate::kernel::auth::Permission::SETTINGS_MANAGE,
        tree: false,
        extra_fields: &[
            ExtraField {
                key: "color",
                label_key: "settings.field.color",
                field_type: FieldType::Color,
            },
            ExtraField {
                key: "note",
                label_key: "settings.field.note",
                field_type: FieldType::Text { max: 5 },
            },
        ],
        seeds: &[],
    };

    type Expect<'a> = Result<&'a [(&'a str, &'a str)], &'a [(&'a str, &'a str)]>;

    /// Parses `name` with `extras` for `kind`; `Ok` lists expected stored attributes, `Err`
    /// expected (field, message key) pairs.
    #[track_caller]
    fn check(kind: &ListKind, name: &str, parent: &str, extras: &[(&str, &str)], expect: Expect) {
        let input = ItemInput {
            name: name.to_owned(),
            parent_id: parent.to_owned(),
            attributes: extras
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            ..ItemInput::default()
        };
        let got = NewItem::parse(kind, &input);
        match (got, expect) {
            (Ok(item), Ok(attributes)) => {
                let want: BTreeMap<String, String> = attributes
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect();
                assert_eq!(item.attributes, want, "{name:?} {extras:?}");
                assert_eq!(item.name, name.trim());
            }
            (Err(errors), Err(pairs)) => {
                let got: Vec<(String, &str)> = errors
                    .iter()
                    .map(|e| (e.field.to_string(), e.message.key()))
                    .collect();
                let want: Vec<(String, &str)> =
                    pairs.iter().map(|(f, k)| ((*f).to_owned(), *k)).collect();
                assert_eq!(got, want, "{name:?} {extras:?}");
            }
            (got, want) => panic!("{name:?} {extras:?}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn names_are_required_and_short() {
        check(&UNIT, "平方米", "", &[], Ok(&[]));
        check(&UNIT, "  张 ", "", &[], Ok(&[]));
        check(
            &UNIT,
            "",
            "",
            &[],
            Err(&[("name", "settings.name_required")]),
        );
        check(
            &UNIT,
            "   ",
            "",
            &[],
            Err(&[("name", "settings.name_required")]),
        );
        check(&UNIT, &"字".repeat(30), "", &[], Ok(&[]));
        check(
            &UNIT,
            &"字".repeat(31),
            "",
            &[],
            Err(&[("name", "error.too_long")]),
        );
    }

    #[test]
    fn parents_only_for_trees() {
        let tree = NewItem::parse(
            &PRODUCT_CATEGORY,
            &ItemInput {
                name: "写真".into(),
                parent_id: "7".into(),
                ..ItemInput::default()
            },
        );
        assert_eq!(tree.map(|i| i.parent_id), Ok(Some(7)));
        let flat = NewItem::parse(
            &UNIT,
            &ItemInput {
                name: "米".into(),
                parent_id: "7".into(),
                ..ItemInput::default()
            },
        );
        assert_eq!(flat.map(|i| i.parent_id), Ok(None));
        check(
            &PRODUCT_CATEGORY,
            "写真",
            "x",
            &[],
            Err(&[("parent_id", "settings.parent_unknown")]),
        );
        check(&PRODUCT_CATEGORY, "写真", "", &[], Ok(&[]));
    }

    #[test]
    fn money_and_choice_fields() {
        check(
            &PROCESS,
            "覆膜",
            "",
            &[("unit_price", "8"), ("basis", "per_area")],
            Ok(&[("basis", "per_area"), ("unit_price", "8.00")]),
        );
        check(
            &PROCESS,
            "打扣",
            "",
            &[("unit_price", " 0.125 "), ("basis", "per_piece")],
            Ok(&[("basis", "per_piece"), ("unit_price", "0.125")]),
        );
        check(
            &PROCESS,
            "设计",
            "",
            &[("unit_price", ""), ("basis", "per_piece")],
            Ok(&[("basis", "per_piece"), ("unit_price", "0.00")]),
        );
        for bad in ["12.345.6", "-1", "abc", "1e3", "0.12345", "１２"] {
            check(
                &PROCESS,
                "覆膜",
                "",
                &[("unit_price", bad), ("basis", "per_area")],
                Err(&[("unit_price", "settings.money_invalid")]),
            );
        }
        for bad in ["", "per_day", "PER_AREA"] {
            check(
                &PROCESS,
                "覆膜",
                "",
                &[("unit_price", "1"), ("basis", bad)],
                Err(&[("basis", "error.unknown_choice")]),
            );
        }
        check(
            &PROCESS,
            "",
            "",
            &[("unit_price", "x"), ("basis", "y")],
            Err(&[
                ("name", "settings.name_required"),
                ("unit_price", "settings.money_invalid"),
                ("basis", "error.unknown_choice"),
            ]),
        );
    }

    #[test]
    fn percent_and_digit_fields() {
        for (text, stored) in [
            ("95", "95"),
            ("100", "100"),
            ("0", "0"),
            ("87.5", "87.5"),
            ("95.00", "95"),
        ] {
            check(
                &CARD_TYPE,
                "金卡",
                "",
                &[("discount_percent", text), ("validity_months", "")],
                Ok(&[("discount_percent", stored), ("validity_months", "")]),
            );
        }
        for bad in ["101", "-5", "", "九五", "95%", "99.999"] {
            check(
                &CARD_TYPE,
                "金卡",
                "",
                &[("discount_percent", bad)],
                Err(&[("discount_percent", "settings.percent_invalid")]),
            );
        }
        check(
            &CARD_TYPE,
            "金卡",
            "",
            &[("discount_percent", "95"), ("validity_months", "012")],
            Ok(&[("discount_percent", "95"), ("validity_months", "12")]),
        );
        for bad in ["1.5", "-3", "十二"] {
            check(
                &CARD_TYPE,
                "金卡",
                "",
                &[("discount_percent", "95"), ("validity_months", bad)],
                Err(&[("validity_months", "settings.digits_invalid")]),
            );
        }
        check(
            &CARD_TYPE,
            "金卡",
            "",
            &[("discount_percent", "95"), ("validity_months", "1200")],
            Err(&[("validity_months", "settings.digits_too_long")]),
        );
    }

    #[test]
    fn colour_and_text_fields() {
        check(
            &COLOR_KIND,
            "加急",
            "",
            &[("color", "#FF0000"), ("note", "红色")],
            Ok(&[("color", "#ff0000"), ("note", "红色")]),
        );
        check(
            &COLOR_KIND,
            "加急",
            "",
            &[],
            Ok(&[("color", ""), ("note", "")]),
        );
        for bad in ["red", "#ff00", "ff0000", "#gg0000", "#ff00000"] {
            check(
                &COLOR_KIND,
                "加急",
                "",
                &[("color", bad)],
                Err(&[("color", "settings.color_invalid")]),
            );
        }
        check(
            &COLOR_KIND,
            "加急",
            "",
            &[("note", "六个字太长了")],
            Err(&[("note", "error.too_long")]),
        );
    }

    #[test]
    fn seeds_satisfy_their_own_rules() {
        for kind in crate::system::settings_list::ALL_KINDS {
            let mut names = HashSet::new();
            let mut todo: Vec<&super::super::Seed> = kind.seeds.iter().collect();
            while let Some(seed) = todo.pop() {
                assert!(kind.tree || seed.children.is_empty(), "{}", kind.key);
                todo.extend(seed.children.iter());
                assert!(
                    names.insert(seed.name),
                    "{} twice in {}",
                    seed.name,
                    kind.key
                );
                let input = ItemInput {
                    name: seed.name.to_owned(),
                    attributes: seed
                        .attributes
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                        .collect(),
                    ..ItemInput::default()
                };
                let parsed = NewItem::parse(kind, &input)
                    .unwrap_or_else(|e| panic!("{} {}: {e:?}", kind.key, seed.name));
                let stored: BTreeMap<String, String> = seed
                    .attributes
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect();
                assert_eq!(
                    parsed.attributes, stored,
                    "{} is stored normalised",
                    seed.name
                );
            }
        }
    }

    #[test]
    fn kinds_have_unique_keys_and_segments() {
        let kinds = crate::system::settings_list::ALL_KINDS;
        let keys: HashSet<_> = kinds.iter().map(|k| k.key).collect();
        let segments: HashSet<_> = kinds.iter().map(|k| k.segment).collect();
        assert_eq!(keys.len(), kinds.len());
        assert_eq!(segments.len(), kinds.len());
    }

    #[test]
    fn every_label_of_every_kind_is_in_the_catalog() {
        use crate::kernel::i18n::Locale;
        let mut keys = Vec::new();
        for kind in crate::system::settings_list::ALL_KINDS {
            keys.push(kind.label_key);
            keys.push(match kind.key {
                "unit" => "audit.kind.settings.unit",
                "product_category" => "audit.kind.settings.product_category",
                "process" => "audit.kind.settings.process",
                "customer_relation" => "audit.kind.settings.customer_relation",
                "customer_group" => "audit.kind.settings.customer_group",
                "supply_scope" => "audit.kind.settings.supply_scope",
                "card_type" => "audit.kind.settings.card_type",
                "id_document_kind" => "audit.kind.settings.id_document_kind",
                "order_category" => "audit.kind.settings.order_category",
                "delivery_method" => "audit.kind.settings.delivery_method",
                "feature_tag" => "audit.kind.settings.feature_tag",
                "tax_rate" => "audit.kind.settings.tax_rate",
                other => panic!("add an audit.kind.settings.{other} label"),
            });
            for field in kind.extra_fields.iter().chain(COLOR_KIND.extra_fields) {
                keys.push(field.label_key);
                if let FieldType::Choice(choices) = field.field_type {
                    keys.extend(choices.iter().map(|(_, label)| *label));
                }
            }
        }
        for locale in Locale::ALL {
            for key in &keys {
                let text = locale.t(key);
                assert!(!text.contains(key), "{key} missing in {locale:?}");
            }
        }
    }

    fn item(id: i64, parent: Option<i64>, sort_order: i64) -> ListItem {
        ListItem {
            id,
            parent_id: parent,
            name: format!("#{id}"),
            sort_order,
            is_active: true,
            attributes: BTreeMap::new(),
        }
    }

    #[test]
    fn tree_order_nests_and_sorts() {
        let items = [
            item(1, None, 2),
            item(2, Some(1), 1),
            item(3, None, 1),
            item(4, Some(1), 0),
            item(5, Some(99), 0),
            item(6, Some(7), 0),
            item(7, Some(6), 0),
        ];
        let order: Vec<(i64, usize)> = tree_order(&items)
            .into_iter()
            .map(|(idx, depth)| (items[idx].id, depth))
            .collect();
        assert_eq!(
            order,
            vec![(5, 0), (3, 0), (1, 0), (4, 1), (2, 1), (6, 0), (7, 0)]
        );
        let below = subtree(1, &[(1, None), (2, Some(1)), (3, Some(2)), (4, None)]);
        assert_eq!(below, HashSet::from([1, 2, 3]));
    }
}
