//! The application shell around every signed-in page: header (company, account set, user,
//! language), the left menu laid out like the manual's chapters, and the CSRF token for forms.
//!
//! The menu is data: each entry names its route and the permission it needs, and an entry the
//! user may not open is not shown. A chapter with no visible entry is not shown either, so
//! chapters appear as they are built.

use crate::kernel::auth::{self, CurrentUser, Permission};
use crate::kernel::db::Db;
use crate::kernel::error::AppResult;
use crate::kernel::i18n::Locale;

struct MenuEntry {
    label_key: &'static str,
    href: &'static str,
    permission: Option<Permission>,
}

struct MenuChapter {
    label_key: &'static str,
    entries: &'static [MenuEntry],
}

const fn entry(
    label_key: &'static str,
    href: &'static str,
    permission: Option<Permission>,
) -> MenuEntry {
    MenuEntry {
        label_key,
        href,
        permission,
    }
}

/// The manual's chapters in order: 前台中心, 客户中心, 财务管理, 人力资源, 系统设置, 其他.
const MENU: &[MenuChapter] = &[
    MenuChapter {
        label_key: "menu.front_desk",
        entries: &[
            entry("order.new", "/orders/new", Some(Permission::ORDER_CREATE)),
            entry("menu.orders", "/orders", Some(Permission::ORDER_VIEW)),
            entry(
                "menu.my_tasks",
                "/orders/tasks/mine",
                Some(Permission::TASK_VIEW),
            ),
            entry(
                "menu.task_board",
                "/orders/tasks",
                Some(Permission::TASK_VIEW),
            ),
            entry(
                "menu.task_settings",
                "/orders/task-settings",
                Some(Permission::ORDER_SETTINGS_MANAGE),
            ),
            entry(
                "menu.shipments",
                "/orders/shipments",
                Some(Permission::SHIPMENT_VIEW),
            ),
            entry(
                "menu.order_recycle_bin",
                "/system/recycle-bin?kind=order",
                Some(Permission::SYSTEM_RECYCLE_BIN_VIEW),
            ),
            entry(
                "menu.order_settings",
                "/orders/settings",
                Some(Permission::ORDER_VIEW),
            ),
            entry(
                "menu.settings.order_categories",
                "/settings/order-categories",
                Some(Permission::SETTINGS_VIEW),
            ),
            entry(
                "menu.settings.delivery_methods",
                "/settings/delivery-methods",
                Some(Permission::SETTINGS_VIEW),
            ),
            entry(
                "menu.settings.feature_tags",
                "/settings/feature-tags",
                Some(Permission::SETTINGS_VIEW),
            ),
            entry(
                "menu.settings.tax_rates",
                "/settings/tax-rates",
                Some(Permission::SETTINGS_VIEW),
            ),
        ],
    },
    MenuChapter {
        label_key: "menu.customers",
        entries: &[
            entry(
                "menu.customer_list",
                "/customers",
                Some(Permission::CUSTOMER_VIEW),
            ),
            entry(
                "menu.suppliers",
                "/customers/suppliers",
                Some(Permission::SUPPLIER_VIEW),
            ),
            entry(
                "menu.customer_prices",
                "/customers/prices",
                Some(Permission::CUSTOMER_PRICE_VIEW),
            ),
            entry(
                "menu.settings.customer_relations",
                "/settings/customer-relations",
                Some(Permission::SETTINGS_VIEW),
            ),
            entry(
                "menu.settings.customer_groups",
                "/settings/customer-groups",
                Some(Permission::SETTINGS_VIEW),
            ),
            entry(
                "menu.settings.supply_scopes",
                "/settings/supply-scopes",
                Some(Permission::SETTINGS_VIEW),
            ),
            entry(
                "menu.settings.card_types",
                "/settings/card-types",
                Some(Permission::SETTINGS_VIEW),
            ),
            entry(
                "menu.settings.id_document_kinds",
                "/settings/id-document-kinds",
                Some(Permission::SETTINGS_VIEW),
            ),
        ],
    },
    MenuChapter {
        label_key: "menu.finance",
        entries: &[
            entry(
                "menu.ledger_accounts",
                "/finance/ledger-accounts",
                Some(Permission::FINANCE_LEDGER_ACCOUNT_VIEW),
            ),
            entry(
                "menu.journal",
                "/finance/journal",
                Some(Permission::FINANCE_JOURNAL_VIEW),
            ),
        ],
    },
    MenuChapter {
        label_key: "menu.hr",
        entries: &[],
    },
    MenuChapter {
        label_key: "menu.system",
        entries: &[
            entry(
                "menu.company",
                "/system/company",
                Some(Permission::SYSTEM_COMPANY_MANAGE),
            ),
            entry(
                "menu.departments",
                "/system/departments",
                Some(Permission::SYSTEM_DEPARTMENT_VIEW),
            ),
            entry(
                "menu.roles",
                "/system/roles",
                Some(Permission::SYSTEM_ROLE_MANAGE),
            ),
            entry(
                "menu.users",
                "/system/users",
                Some(Permission::SYSTEM_USER_MANAGE),
            ),
            entry(
                "menu.account_sets",
                "/system/account-sets",
                Some(Permission::SYSTEM_ACCOUNT_SET_MANAGE),
            ),
            entry(
                "menu.products",
                "/system/products",
                Some(Permission::PRODUCT_VIEW),
            ),
            entry(
                "menu.settings.units",
                "/settings/units",
                Some(Permission::SETTINGS_VIEW),
            ),
            entry(
                "menu.settings.product_categories",
                "/settings/product-categories",
                Some(Permission::SETTINGS_VIEW),
            ),
            entry(
                "menu.settings.processes",
                "/settings/processes",
                Some(Permission::SETTINGS_VIEW),
            ),
            entry(
                "menu.recycle_bin",
                "/system/recycle-bin",
                Some(Permission::SYSTEM_RECYCLE_BIN_VIEW),
            ),
            entry(
                "menu.audit",
                "/system/audit",
                Some(Permission::SYSTEM_AUDIT_VIEW),
            ),
        ],
    },
    MenuChapter {
        label_key: "menu.other",
        entries: &[
            entry("menu.desktop", "/", None),
            entry("menu.change_password", "/account/password", None),
            entry("menu.api_tokens", "/account/tokens", None),
            entry(
                "menu.online_users",
                "/system/online-users",
                Some(Permission::SYSTEM_ONLINE_USERS_VIEW),
            ),
        ],
    },
];

/// One visible menu entry.
pub struct MenuLink {
    pub label: String,
    pub href: &'static str,
    pub active: bool,
}

/// One visible chapter of the menu.
pub struct MenuGroup {
    pub label: String,
    pub links: Vec<MenuLink>,
}

/// What the layout template needs on every signed-in page.
pub struct Shell {
    pub l: Locale,
    pub user_name: String,
    pub login: String,
    pub company_name: String,
    pub account_set_name: String,
    pub account_set_id: i64,
    pub account_sets: Vec<(i64, String)>,
    pub menu: Vec<MenuGroup>,
    pub csrf: String,
    /// A fresh nonce for create forms (see `kernel::idempotency`).
    pub nonce: String,
    pub locales: [Locale; 3],
}

impl Shell {
    /// Whether the user may use `permission`, for showing or hiding buttons.
    pub fn can(&self, user: &CurrentUser, permission: Permission) -> bool {
        user.can(permission)
    }
}

/// The shell for `user` on the page at `path`.
pub async fn shell(db: &Db, user: &CurrentUser, locale: Locale, path: &str) -> AppResult<Shell> {
    let account_sets = auth::account_sets_of(db, user.user_id)
        .await?
        .into_iter()
        .map(|(id, name)| (id.0, name))
        .collect();
    // The entry whose route is the longest prefix of the path is the current one, so that
    // /customers/suppliers lights 供应商管理, not 客户管理 as well.
    let current = MENU
        .iter()
        .flat_map(|chapter| chapter.entries)
        .filter(|e| {
            path == e.href
                || (e.href != "/"
                    && path.starts_with(e.href)
                    && path[e.href.len()..].starts_with('/'))
        })
        .max_by_key(|e| e.href.len())
        .map(|e| e.href);
    let menu = MENU
        .iter()
        .filter_map(|chapter| {
            let links: Vec<MenuLink> = chapter
                .entries
                .iter()
                .filter(|e| e.permission.is_none_or(|p| user.can(p)))
                .map(|e| MenuLink {
                    label: locale.t(e.label_key),
                    href: e.href,
                    active: current == Some(e.href),
                })
                .collect();
            (!links.is_empty()).then(|| MenuGroup {
                label: locale.t(chapter.label_key),
                links,
            })
        })
        .collect();
    Ok(Shell {
        l: locale,
        user_name: user.display_name.clone(),
        login: user.login.clone(),
        company_name: user.company_name.clone(),
        account_set_name: user.account_set_name.clone(),
        account_set_id: user.scope().id(),
        account_sets,
        menu,
        csrf: user.csrf_token().unwrap_or("").to_owned(),
        nonce: auth::random_token(),
        locales: Locale::ALL,
    })
}
