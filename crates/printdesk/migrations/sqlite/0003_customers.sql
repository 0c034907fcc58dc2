-- 客户中心 (chapter 2): customers and suppliers, each with its contacts.
-- Customer groups, relations, ID document kinds and supply scopes are settings-list items
-- (list_items, migration 0002) referenced by plain ids: the service checks that an id is a live
-- item of the right kind in the same account set, so no foreign key is declared here.
-- `pinyin_initials` and `search_text` are maintained by the services on every save.

create table customers (
    id integer primary key,
    account_set_id bigint not null references account_sets (id),
    name text not null,
    short_name text not null default '',
    address text not null default '',
    customer_group_id bigint,
    customer_relation_id bigint,
    id_document_kind_id bigint,
    id_document_number text not null default '',
    settlement_type text not null default 'on_account',
    may_prepay integer not null default 0,
    cross_branch integer not null default 0,
    credit_limit bigint not null default 0,
    credit_mode text not null default 'none',
    payment_terms_days bigint not null default 0,
    sales_person_id bigint references users (id),
    remarks text not null default '',
    external_contact_id text not null default '',
    pinyin_initials text not null default '',
    search_text text not null default '',
    deleted_at text,
    deleted_by bigint,
    created_at text not null,
    updated_at text not null
);
create unique index uq_customers_name on customers (account_set_id, name) where deleted_at is null;
create index ix_customers_name on customers (account_set_id, name);
create index ix_customers_initials on customers (account_set_id, pinyin_initials);
create index ix_customers_group on customers (account_set_id, customer_group_id);

create table customer_contacts (
    id integer primary key,
    account_set_id bigint not null references account_sets (id),
    customer_id bigint not null references customers (id) on delete cascade,
    line_no bigint not null,
    person text not null default '',
    mobile text not null default '',
    phone text not null default '',
    position text not null default '',
    is_primary integer not null default 0
);
create index ix_customer_contacts_customer on customer_contacts (account_set_id, customer_id);
create index ix_customer_contacts_mobile on customer_contacts (account_set_id, mobile);

create table suppliers (
    id integer primary key,
    account_set_id bigint not null references account_sets (id),
    name text not null,
    bank_name text not null default '',
    bank_account text not null default '',
    tax_number text not null default '',
    address text not null default '',
    remarks text not null default '',
    pinyin_initials text not null default '',
    search_text text not null default '',
    deleted_at text,
    deleted_by bigint,
    created_at text not null,
    updated_at text not null
);
create unique index uq_suppliers_name on suppliers (account_set_id, name) where deleted_at is null;
create index ix_suppliers_name on suppliers (account_set_id, name);
create index ix_suppliers_initials on suppliers (account_set_id, pinyin_initials);

create table supplier_contacts (
    id integer primary key,
    account_set_id bigint not null references account_sets (id),
    supplier_id bigint not null references suppliers (id) on delete cascade,
    line_no bigint not null,
    person text not null default '',
    mobile text not null default '',
    phone text not null default '',
    position text not null default '',
    is_primary integer not null default 0
);
create index ix_supplier_contacts_supplier on supplier_contacts (account_set_id, supplier_id);
create index ix_supplier_contacts_mobile on supplier_contacts (account_set_id, mobile);

create table supplier_scopes (
    account_set_id bigint not null references account_sets (id),
    supplier_id bigint not null references suppliers (id) on delete cascade,
    supply_scope_id bigint not null,
    primary key (supplier_id, supply_scope_id)
);
create index ix_supplier_scopes_scope on supplier_scopes (account_set_id, supply_scope_id);
