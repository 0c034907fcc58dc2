//! 设置列表 — the settings lists of an account set, built once as one generic component.
//!
//! 计量单位, 产品类别 (a tree), 工序, 客户关系, 客户分组, 供应经营范围, 卡片类型 and 证件名称 are all
//! the same thing: a named, ordered list of items per account set, some with a few extra fields.
//! Each list is described by a [`ListKind`] const; one table (`list_items`), one set of rules,
//! store, service, pages and API serve every kind. Items are never hard-deleted here: an item
//! other records use must stay, so it is disabled instead, and disabled items drop out of
//! [`service::options`] and [`service::is_live_item`] while keeping their name on old records.
//!
//! Other features pick an item with [`service::options`] (for a select) and check what a form
//! sent with [`service::is_live_item`] inside their write transaction.

pub mod api;
pub mod pages;
pub mod rules;
pub mod service;
mod store;

use std::collections::BTreeMap;

use crate::kernel::auth::Permission;

pub use service::{ListOption, is_live_item, options, seed_defaults, seed_missing};

/// How one extra field of a kind is typed, parsed and shown. Values are stored as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// Free text of at most `max` characters; empty allowed.
    Text { max: usize },
    /// Digits only (a whole number ≥ 0) of at most `max` digits; empty means none.
    Digits { max: usize },
    /// A non-negative amount in yuan, at most 4 decimals (`kernel::money::Money::parse`); stored
    /// with at least two decimals (`8.00`); empty means 0.00.
    Money,
    /// A percentage from 0 to 100, e.g. `95` for 95%; stored as the plain decimal text.
    Percent,
    /// One of the listed `(value, label key)` pairs; the value is stored.
    Choice(&'static [(&'static str, &'static str)]),
    /// A colour `#rrggbb` (stored lower-case); empty means none.
    Color,
}

/// An extra field of a kind, beside the name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExtraField {
    /// The key in `attributes`, also the form and JSON field name.
    pub key: &'static str,
    /// Catalog key of the column heading and form label.
    pub label_key: &'static str,
    pub field_type: FieldType,
}

/// A default item seeded into every new account set; `attributes` holds the extra fields as
/// stored text and `children` the items below it (tree kinds only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seed {
    pub name: &'static str,
    pub attributes: &'static [(&'static str, &'static str)],
    pub children: &'static [Seed],
}

impl Seed {
    const fn leaf(name: &'static str) -> Seed {
        Seed {
            name,
            attributes: &[],
            children: &[],
        }
    }

    const fn with(name: &'static str, attributes: &'static [(&'static str, &'static str)]) -> Seed {
        Seed {
            name,
            attributes,
            children: &[],
        }
    }

    const fn tree(name: &'static str, children: &'static [Seed]) -> Seed {
        Seed {
            name,
            attributes: &[],
            children,
        }
    }
}

/// The descriptor of one settings list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListKind {
    /// Stored in `list_items.kind` and used in the API path, e.g. `customer_group`.
    pub key: &'static str,
    /// The page route segment, e.g. `customer-groups` for `/settings/customer-groups`.
    pub segment: &'static str,
    /// Catalog key of the list's name (also its menu label).
    pub label_key: &'static str,
    /// Needed to see the list.
    pub view: Permission,
    /// Needed to add, change, reorder, disable or enable items.
    pub manage: Permission,
    /// Items may have a parent item of the same kind.
    pub tree: bool,
    pub extra_fields: &'static [ExtraField],
    pub seeds: &'static [Seed],
}

/// An item of a settings list as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListItem {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub sort_order: i64,
    pub is_active: bool,
    /// Every extra field of the kind, as stored text (missing ones read as empty).
    pub attributes: BTreeMap<String, String>,
}

impl ListItem {
    /// The stored text of an extra field, empty if absent.
    pub fn attribute(&self, key: &str) -> &str {
        self.attributes.get(key).map_or("", String::as_str)
    }
}

/// What a form or the API sends for an item, as raw text; parsed by `rules::NewItem::parse`.
#[derive(Clone, Debug, Default)]
pub struct ItemInput {
    pub name: String,
    /// Empty: top level (and always for kinds that are not trees).
    pub parent_id: String,
    /// Extra fields by key; a missing key reads as empty.
    pub attributes: BTreeMap<String, String>,
    /// On edit, whether the item stays active; `None` leaves it as it is.
    pub is_active: Option<bool>,
    pub form_nonce: String,
}

const BASIS_CHOICES: &[(&str, &str)] = &[
    ("per_area", "settings.basis.per_area"),
    ("per_length", "settings.basis.per_length"),
    ("per_perimeter", "settings.basis.per_perimeter"),
    ("per_piece", "settings.basis.per_piece"),
];

/// 计量单位 (manual 产品管理, DOMAIN §3.1).
pub const UNIT: ListKind = ListKind {
    key: "unit",
    segment: "units",
    label_key: "menu.settings.units",
    view: Permission::SETTINGS_VIEW,
    manage: Permission::SETTINGS_MANAGE,
    tree: false,
    extra_fields: &[],
    seeds: &[
        Seed::leaf("平方米"),
        Seed::leaf("米"),
        Seed::leaf("厘米"),
        Seed::leaf("张"),
        Seed::leaf("面"),
        Seed::leaf("份"),
        Seed::leaf("本"),
        Seed::leaf("册"),
        Seed::leaf("盒"),
        Seed::leaf("套"),
        Seed::leaf("个"),
        Seed::leaf("件"),
        Seed::leaf("把"),
        Seed::leaf("块"),
        Seed::leaf("幅"),
        Seed::leaf("条"),
        Seed::leaf("卷"),
        Seed::leaf("令"),
        Seed::leaf("千张"),
        Seed::leaf("小时"),
        Seed::leaf("次"),
        Seed::leaf("项"),
    ],
};

/// 产品类别, a tree (DOMAIN §3.1, §12).
pub const PRODUCT_CATEGORY: ListKind = ListKind {
    key: "product_category",
    segment: "product-categories",
    label_key: "menu.settings.product_categories",
    view: Permission::SETTINGS_VIEW,
    manage: Permission::SETTINGS_MANAGE,
    tree: true,
    extra_fields: &[],
    seeds: &[
        Seed::tree(
            "复印打印",
            &[Seed::leaf("黑白复印"), Seed::leaf("彩色打印")],
        ),
        Seed::leaf("名片"),
        Seed::leaf("宣传单/画册"),
        Seed::tree(
            "写真喷绘",
            &[Seed::leaf("写真"), Seed::leaf("喷绘"), Seed::leaf("背胶")],
        ),
        Seed::leaf("展架展板"),
        Seed::leaf("条幅旗帜"),
        Seed::leaf("标识标牌"),
        Seed::leaf("发光字/灯箱"),
        Seed::leaf("设计服务"),
        Seed::leaf("安装工程"),
        Seed::leaf("其他"),
    ],
};

const fn process(name: &'static str, attributes: &'static [(&'static str, &'static str)]) -> Seed {
    Seed::with(name, attributes)
}

/// 工序 with its own unit price and pricing basis (DOMAIN §3.2).
pub const PROCESS: ListKind = ListKind {
    key: "process",
    segment: "processes",
    label_key: "menu.settings.processes",
    view: Permission::SETTINGS_VIEW,
    manage: Permission::SETTINGS_MANAGE,
    tree: false,
    extra_fields: &[
        ExtraField {
            key: "unit_price",
            label_key: "settings.field.unit_price",
            field_type: FieldType::Money,
        },
        ExtraField {
            key: "basis",
            label_key: "settings.field.basis",
            field_type: FieldType::Choice(BASIS_CHOICES),
        },
    ],
    seeds: &[
        process("设计", &[("unit_price", "0.00"), ("basis", "per_piece")]),
        process("排版", &[("unit_price", "0.00"), ("basis", "per_piece")]),
        process("打印", &[("unit_price", "0.00"), ("basis", "per_piece")]),
        process("复印", &[("unit_price", "0.00"), ("basis", "per_piece")]),
        process("写真输出", &[("unit_price", "0.00"), ("basis", "per_area")]),
        process("喷绘输出", &[("unit_price", "0.00"), ("basis", "per_area")]),
        process("UV打印", &[("unit_price", "0.00"), ("basis", "per_area")]),
        process("雕刻", &[("unit_price", "0.00"), ("basis", "per_piece")]),
        process(
            "覆膜(亮膜)",
            &[("unit_price", "8.00"), ("basis", "per_area")],
        ),
        process(
            "覆膜(亚膜)",
            &[("unit_price", "8.00"), ("basis", "per_area")],
        ),
        process("裁切", &[("unit_price", "1.00"), ("basis", "per_length")]),
        process("裱板", &[("unit_price", "0.00"), ("basis", "per_area")]),
        process(
            "装订(胶装)",
            &[("unit_price", "5.00"), ("basis", "per_piece")],
        ),
        process(
            "装订(骑马钉)",
            &[("unit_price", "0.00"), ("basis", "per_piece")],
        ),
        process(
            "装订(铁圈)",
            &[("unit_price", "0.00"), ("basis", "per_piece")],
        ),
        process("烫金", &[("unit_price", "0.00"), ("basis", "per_piece")]),
        process("压痕", &[("unit_price", "0.00"), ("basis", "per_piece")]),
        process("打孔", &[("unit_price", "0.00"), ("basis", "per_piece")]),
        process("打扣", &[("unit_price", "0.50"), ("basis", "per_piece")]),
        process("焊边", &[("unit_price", "0.00"), ("basis", "per_length")]),
        process("穿杆", &[("unit_price", "0.00"), ("basis", "per_length")]),
        process("穿绳", &[("unit_price", "2.00"), ("basis", "per_length")]),
        process("安装", &[("unit_price", "0.00"), ("basis", "per_piece")]),
        process("送货", &[("unit_price", "0.00"), ("basis", "per_piece")]),
        process("外协", &[("unit_price", "0.00"), ("basis", "per_piece")]),
    ],
};

/// 客户关系 (DOMAIN §12).
pub const CUSTOMER_RELATION: ListKind = ListKind {
    key: "customer_relation",
    segment: "customer-relations",
    label_key: "menu.settings.customer_relations",
    view: Permission::SETTINGS_VIEW,
    manage: Permission::SETTINGS_MANAGE,
    tree: false,
    extra_fields: &[],
    seeds: &[
        Seed::leaf("潜在客户"),
        Seed::leaf("新客户"),
        Seed::leaf("老客户"),
        Seed::leaf("重要客户"),
        Seed::leaf("同行"),
        Seed::leaf("流失客户"),
    ],
};

/// 客户分组, also the key of group prices (DOMAIN §3.3, §12).
pub const CUSTOMER_GROUP: ListKind = ListKind {
    key: "customer_group",
    segment: "customer-groups",
    label_key: "menu.settings.customer_groups",
    view: Permission::SETTINGS_VIEW,
    manage: Permission::SETTINGS_MANAGE,
    tree: false,
    extra_fields: &[],
    seeds: &[
        Seed::leaf("散客"),
        Seed::leaf("企业客户"),
        Seed::leaf("学校/机关"),
        Seed::leaf("广告同行"),
        Seed::leaf("设计公司"),
        Seed::leaf("代理商"),
    ],
};

/// 供应经营范围 of suppliers (DOMAIN §3.4, §12).
pub const SUPPLY_SCOPE: ListKind = ListKind {
    key: "supply_scope",
    segment: "supply-scopes",
    label_key: "menu.settings.supply_scopes",
    view: Permission::SETTINGS_VIEW,
    manage: Permission::SETTINGS_MANAGE,
    tree: false,
    extra_fields: &[],
    seeds: &[
        Seed::leaf("纸张"),
        Seed::leaf("写真喷绘耗材"),
        Seed::leaf("墨水碳粉"),
        Seed::leaf("板材型材"),
        Seed::leaf("五金配件"),
        Seed::leaf("外协输出"),
        Seed::leaf("外协印刷"),
        Seed::leaf("设备维修"),
    ],
};

/// 卡片类型 with its discount (100 = none) and validity in months (empty = none) (DOMAIN §12).
pub const CARD_TYPE: ListKind = ListKind {
    key: "card_type",
    segment: "card-types",
    label_key: "menu.settings.card_types",
    view: Permission::SETTINGS_VIEW,
    manage: Permission::SETTINGS_MANAGE,
    tree: false,
    extra_fields: &[
        ExtraField {
            key: "discount_percent",
            label_key: "settings.field.discount_percent",
            field_type: FieldType::Percent,
        },
        ExtraField {
            key: "validity_months",
            label_key: "settings.field.validity_months",
            field_type: FieldType::Digits { max: 3 },
        },
    ],
    seeds: &[
        Seed::with(
            "储值卡",
            &[("discount_percent", "100"), ("validity_months", "")],
        ),
        Seed::with(
            "金卡",
            &[("discount_percent", "95"), ("validity_months", "")],
        ),
        Seed::with(
            "钻石卡",
            &[("discount_percent", "90"), ("validity_months", "")],
        ),
    ],
};

/// 证件名称, the kinds of identity document a customer or staff member may show.
pub const ID_DOCUMENT_KIND: ListKind = ListKind {
    key: "id_document_kind",
    segment: "id-document-kinds",
    label_key: "menu.settings.id_document_kinds",
    view: Permission::SETTINGS_VIEW,
    manage: Permission::SETTINGS_MANAGE,
    tree: false,
    extra_fields: &[],
    seeds: &[
        Seed::leaf("居民身份证"),
        Seed::leaf("临时居民身份证"),
        Seed::leaf("护照"),
        Seed::leaf("港澳居民来往内地通行证"),
        Seed::leaf("台湾居民来往大陆通行证"),
        Seed::leaf("港澳台居民居住证"),
        Seed::leaf("外国人永久居留身份证"),
        Seed::leaf("军官证"),
        Seed::leaf("户口簿"),
    ],
};

/// 订单类别 (manual 5.5.1, DOMAIN §12).
pub const ORDER_CATEGORY: ListKind = ListKind {
    key: "order_category",
    segment: "order-categories",
    label_key: "menu.settings.order_categories",
    view: Permission::SETTINGS_VIEW,
    manage: Permission::SETTINGS_MANAGE,
    tree: false,
    extra_fields: &[],
    seeds: &[
        Seed::leaf("复印打印"),
        Seed::leaf("名片"),
        Seed::leaf("宣传单/画册"),
        Seed::leaf("写真喷绘"),
        Seed::leaf("展架展板"),
        Seed::leaf("条幅旗帜"),
        Seed::leaf("标识标牌"),
        Seed::leaf("发光字/灯箱"),
        Seed::leaf("设计服务"),
        Seed::leaf("安装工程"),
        Seed::leaf("外协"),
        Seed::leaf("其他"),
    ],
};

/// 交货方式 (manual 5.5.1, DOMAIN §12).
pub const DELIVERY_METHOD: ListKind = ListKind {
    key: "delivery_method",
    segment: "delivery-methods",
    label_key: "menu.settings.delivery_methods",
    view: Permission::SETTINGS_VIEW,
    manage: Permission::SETTINGS_MANAGE,
    tree: false,
    extra_fields: &[],
    seeds: &[
        Seed::leaf("门店自提"),
        Seed::leaf("送货上门"),
        Seed::leaf("快递"),
        Seed::leaf("物流托运"),
        Seed::leaf("上门安装"),
        Seed::leaf("同城跑腿"),
    ],
};

/// 特征标注: coloured flags on orders (DOMAIN §4.5, §12).
pub const FEATURE_TAG: ListKind = ListKind {
    key: "feature_tag",
    segment: "feature-tags",
    label_key: "menu.settings.feature_tags",
    view: Permission::SETTINGS_VIEW,
    manage: Permission::SETTINGS_MANAGE,
    tree: false,
    extra_fields: &[ExtraField {
        key: "color",
        label_key: "settings.field.color",
        field_type: FieldType::Color,
    }],
    seeds: &[
        Seed::with("加急", &[("color", "#d93025")]),
        Seed::with("重要客户", &[("color", "#b8860b")]),
        Seed::with("需送货", &[("color", "#1a73e8")]),
        Seed::with("需安装", &[("color", "#188038")]),
        Seed::with("需开票", &[("color", "#8e24aa")]),
        Seed::with("返工", &[("color", "#e8710a")]),
        Seed::with("待确认稿", &[("color", "#5f6368")]),
    ],
};

/// 税率: the rates an order may carry, in percent (DOMAIN §4.3 H, §12).
pub const TAX_RATE: ListKind = ListKind {
    key: "tax_rate",
    segment: "tax-rates",
    label_key: "menu.settings.tax_rates",
    view: Permission::SETTINGS_VIEW,
    manage: Permission::SETTINGS_MANAGE,
    tree: false,
    extra_fields: &[ExtraField {
        key: "rate_percent",
        label_key: "settings.field.rate_percent",
        field_type: FieldType::Percent,
    }],
    seeds: &[
        Seed::with("不开票", &[("rate_percent", "0")]),
        Seed::with("小规模减按1%", &[("rate_percent", "1")]),
        Seed::with("小规模3%", &[("rate_percent", "3")]),
        Seed::with("服务6%", &[("rate_percent", "6")]),
        Seed::with("货物13%", &[("rate_percent", "13")]),
    ],
};

/// Every settings list, in menu order.
pub const ALL_KINDS: &[&ListKind] = &[
    &UNIT,
    &PRODUCT_CATEGORY,
    &PROCESS,
    &CUSTOMER_RELATION,
    &CUSTOMER_GROUP,
    &SUPPLY_SCOPE,
    &CARD_TYPE,
    &ID_DOCUMENT_KIND,
    &ORDER_CATEGORY,
    &DELIVERY_METHOD,
    &FEATURE_TAG,
    &TAX_RATE,
];

/// The kind with this page route segment (`customer-groups`).
pub fn kind_by_segment(segment: &str) -> Option<&'static ListKind> {
    ALL_KINDS.iter().copied().find(|k| k.segment == segment)
}

/// The kind with this key (`customer_group`); the API also accepts the segment.
pub fn kind_by_key(key: &str) -> Option<&'static ListKind> {
    ALL_KINDS
        .iter()
        .copied()
        .find(|k| k.key == key || k.segment == key)
}
