-- 图片识别 (DOMAIN.md §4.4): artwork files kept with an order, and what was read from each.
-- The bytes live in the file store (orders::artwork::storage) under storage_key, a random name;
-- file_name is the name the customer gave the file, shown and offered on download only.
-- Sizes are millimetres scaled by 10^4 like every kernel::money::Quantity; null when not read.
create table order_files (
    id integer primary key,
    account_set_id bigint not null references account_sets (id),
    order_id bigint not null references orders (id) on delete cascade,
    line_no bigint,
    storage_key text not null,
    file_name text not null,
    content_type text not null,
    kind text not null,
    bytes bigint not null,
    width_px bigint,
    height_px bigint,
    dpi bigint,
    dpi_from_file bigint not null default 0,
    width_mm bigint,
    height_mm bigint,
    pages bigint not null default 0,
    colour_pages bigint not null default 0,
    mono_pages bigint not null default 0,
    created_at text not null,
    created_by bigint not null references users (id)
);
create unique index uq_order_files_storage_key on order_files (storage_key);
create index ix_order_files_order on order_files (account_set_id, order_id, id);
