-- 产品管理 (manual 5.3): products, their quantity tiers and default processes.
-- Categories, units and processes are settings-list items (list_items, migration 0002) referenced
-- by plain ids: the service checks that an id is a live item of the right kind in the same
-- account set, so no foreign key is declared for them.
-- Money and quantities are integers of 1/10000 (kernel::money); `tax_rate` is the percent × 10^4
-- (13% = 130000). `version` grows by one on every save, so a stale edit can be detected.
-- The code is unique over all rows of an account set, binned ones included: a product in the
-- recycle bin still holds its code, so restoring it can never clash.

create table products (
    id integer primary key,
    account_set_id bigint not null references account_sets (id),
    code text not null,
    name text not null,
    category_id bigint not null,
    unit_id bigint not null,
    specification text not null default '',
    cost_price bigint not null default 0,
    tax_rate bigint not null default 0,
    pricing_mode text not null,
    sheet_unit text not null default 'side',
    list_price bigint not null default 0,
    colour_list_price bigint,
    min_per_piece bigint not null default 0,
    min_charge bigint not null default 0,
    tier_style text,
    colour_tier_style text,
    run_on_per_thousand bigint not null default 0,
    dimension_unit text not null default 'm',
    pinyin_initials text not null default '',
    is_active integer not null default 1,
    deleted_at text,
    deleted_by bigint,
    created_at text not null,
    updated_at text not null,
    version bigint not null default 1
);
create unique index uq_products_code on products (account_set_id, code);
create index ix_products_initials on products (account_set_id, pinyin_initials);
create index ix_products_name on products (account_set_id, name);

create table product_tiers (
    id integer primary key,
    account_set_id bigint not null references account_sets (id),
    product_id bigint not null references products (id) on delete cascade,
    colour integer not null default 0,
    from_quantity bigint not null,
    price bigint not null,
    sort bigint not null
);
create index ix_product_tiers_product on product_tiers (account_set_id, product_id);

create table product_processes (
    account_set_id bigint not null references account_sets (id),
    product_id bigint not null references products (id) on delete cascade,
    process_id bigint not null,
    sort bigint not null,
    primary key (product_id, process_id)
);
create index ix_product_processes_product on product_processes (account_set_id, product_id);
