-- 客户合作价 (manual 2.3, DOMAIN.md §4.2 step 4, §4.3 F): fixed prices and discounts that a
-- customer or a customer group gets on a product, a product category, a process or everything.
-- The holder is a customer (customers, migration 0003) or a CUSTOMER_GROUP settings-list item; the
-- target is a product (products, migration 0004), a PRODUCT_CATEGORY or PROCESS item, or nothing
-- for `everything`. Targets and groups are referenced by plain ids without foreign keys: the
-- service checks each is live in the same account set. Money and percentages are scaled by 10^4
-- (18.00 yuan = 180000, 85% = 850000); dates are YYYY-MM-DD, null for open-ended.

create table customer_prices (
    id integer primary key,
    account_set_id bigint not null references account_sets (id),
    holder_kind text not null,
    customer_id bigint,
    customer_group_id bigint,
    target_kind text not null,
    target_id bigint,
    price_kind text not null,
    fixed_price bigint,
    discount_percent bigint,
    valid_from text,
    valid_to text,
    remarks text not null default '',
    created_at text not null,
    updated_at text not null,
    deleted_at text,
    deleted_by bigint
);
create index ix_customer_prices_customer on customer_prices (account_set_id, customer_id);
create index ix_customer_prices_group on customer_prices (account_set_id, customer_group_id);
