//! The permission catalogue: one key per page or action, grouped by the manual's chapters.
//!
//! Roles grant keys from this list; handlers check a key before calling a service
//! (CONVENTIONS.md §8). A role marked superuser (the seeded 系统管理员) holds every key, including
//! keys added by later versions. The label of each key is the catalog entry `permission.<key>`.

/// A permission key from [`CATALOGUE`]. Only the consts below exist, so a typo cannot compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Permission(&'static str);

impl Permission {
    pub const SYSTEM_COMPANY_MANAGE: Permission = Permission("system.company.manage");
    pub const SYSTEM_DEPARTMENT_VIEW: Permission = Permission("system.department.view");
    pub const SYSTEM_DEPARTMENT_MANAGE: Permission = Permission("system.department.manage");
    pub const SYSTEM_ROLE_MANAGE: Permission = Permission("system.role.manage");
    pub const SYSTEM_USER_MANAGE: Permission = Permission("system.user.manage");
    pub const SYSTEM_ACCOUNT_SET_MANAGE: Permission = Permission("system.account_set.manage");
    pub const SYSTEM_ONLINE_USERS_VIEW: Permission = Permission("system.online_users.view");
    pub const SYSTEM_ONLINE_USERS_END: Permission = Permission("system.online_users.end");
    pub const SYSTEM_RECYCLE_BIN_VIEW: Permission = Permission("system.recycle_bin.view");
    pub const SYSTEM_RECYCLE_BIN_PURGE: Permission = Permission("system.recycle_bin.purge");
    pub const SYSTEM_AUDIT_VIEW: Permission = Permission("system.audit.view");
    pub const SETTINGS_VIEW: Permission = Permission("system.settings.view");
    pub const SETTINGS_MANAGE: Permission = Permission("system.settings.manage");
    pub const PRODUCT_VIEW: Permission = Permission("system.product.view");
    pub const PRODUCT_MANAGE: Permission = Permission("system.product.manage");
    pub const CUSTOMER_VIEW: Permission = Permission("customers.customer.view");
    pub const CUSTOMER_MANAGE: Permission = Permission("customers.customer.manage");
    pub const SUPPLIER_VIEW: Permission = Permission("customers.supplier.view");
    pub const SUPPLIER_MANAGE: Permission = Permission("customers.supplier.manage");
    pub const CUSTOMER_PRICE_VIEW: Permission = Permission("customers.customer_price.view");
    pub const CUSTOMER_PRICE_MANAGE: Permission = Permission("customers.customer_price.manage");
    pub const ORDER_VIEW: Permission = Permission("orders.order.view");
    pub const ORDER_CREATE: Permission = Permission("orders.order.create");
    pub const ORDER_APPROVE: Permission = Permission("orders.order.approve");
    pub const ORDER_UNAPPROVE: Permission = Permission("orders.order.unapprove");
    pub const ORDER_CANCEL: Permission = Permission("orders.order.cancel");
    pub const ORDER_DELETE: Permission = Permission("orders.order.delete");
    pub const ORDER_PRICE_OVERRIDE: Permission = Permission("orders.order.price_override");
    pub const ORDER_SETTINGS_MANAGE: Permission = Permission("orders.settings.manage");
    pub const TASK_VIEW: Permission = Permission("orders.task.view");
    pub const TASK_WORK: Permission = Permission("orders.task.work");
    pub const SHIPMENT_VIEW: Permission = Permission("orders.shipment.view");
    pub const SHIPMENT_MANAGE: Permission = Permission("orders.shipment.manage");
    pub const FINANCE_LEDGER_ACCOUNT_VIEW: Permission = Permission("finance.ledger_account.view");
    pub const FINANCE_LEDGER_ACCOUNT_MANAGE: Permission =
        Permission("finance.ledger_account.manage");
    pub const FINANCE_JOURNAL_VIEW: Permission = Permission("finance.journal.view");
    pub const FINANCE_JOURNAL_POST: Permission = Permission("finance.journal.post");

    pub fn key(self) -> &'static str {
        self.0
    }

    /// The permission with this key, if the catalogue has it (for reading role forms).
    pub fn from_key(key: &str) -> Option<Permission> {
        CATALOGUE
            .iter()
            .flat_map(|group| group.permissions)
            .copied()
            .find(|p| p.0 == key)
    }
}

/// The permissions of one chapter of the manual, for the role editor.
pub struct PermissionGroup {
    /// Catalog key of the chapter's name, e.g. `menu.system`.
    pub label_key: &'static str,
    pub permissions: &'static [Permission],
}

/// Every permission, by chapter, in the order of the manual.
pub const CATALOGUE: &[PermissionGroup] = &[
    PermissionGroup {
        label_key: "menu.front_desk",
        permissions: &[
            Permission::ORDER_VIEW,
            Permission::ORDER_CREATE,
            Permission::ORDER_APPROVE,
            Permission::ORDER_UNAPPROVE,
            Permission::ORDER_CANCEL,
            Permission::ORDER_DELETE,
            Permission::ORDER_PRICE_OVERRIDE,
            Permission::ORDER_SETTINGS_MANAGE,
            Permission::TASK_VIEW,
            Permission::TASK_WORK,
            Permission::SHIPMENT_VIEW,
            Permission::SHIPMENT_MANAGE,
        ],
    },
    PermissionGroup {
        label_key: "menu.customers",
        permissions: &[
            Permission::CUSTOMER_VIEW,
            Permission::CUSTOMER_MANAGE,
            Permission::SUPPLIER_VIEW,
            Permission::SUPPLIER_MANAGE,
            Permission::CUSTOMER_PRICE_VIEW,
            Permission::CUSTOMER_PRICE_MANAGE,
        ],
    },
    PermissionGroup {
        label_key: "menu.finance",
        permissions: &[
            Permission::FINANCE_LEDGER_ACCOUNT_VIEW,
            Permission::FINANCE_LEDGER_ACCOUNT_MANAGE,
            Permission::FINANCE_JOURNAL_VIEW,
            Permission::FINANCE_JOURNAL_POST,
        ],
    },
    PermissionGroup {
        label_key: "menu.system",
        permissions: &[
            Permission::SYSTEM_COMPANY_MANAGE,
            Permission::SYSTEM_DEPARTMENT_VIEW,
            Permission::SYSTEM_DEPARTMENT_MANAGE,
            Permission::SYSTEM_ROLE_MANAGE,
            Permission::SYSTEM_USER_MANAGE,
            Permission::SYSTEM_ACCOUNT_SET_MANAGE,
            Permission::SYSTEM_ONLINE_USERS_VIEW,
            Permission::SYSTEM_ONLINE_USERS_END,
            Permission::SYSTEM_RECYCLE_BIN_VIEW,
            Permission::SYSTEM_RECYCLE_BIN_PURGE,
            Permission::SYSTEM_AUDIT_VIEW,
        ],
    },
    PermissionGroup {
        label_key: "menu.products",
        permissions: &[Permission::PRODUCT_VIEW, Permission::PRODUCT_MANAGE],
    },
    PermissionGroup {
        label_key: "menu.settings",
        permissions: &[Permission::SETTINGS_VIEW, Permission::SETTINGS_MANAGE],
    },
];
