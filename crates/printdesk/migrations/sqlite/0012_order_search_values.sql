-- Free-text search of the order list over the whole history (docs/performance.md): a clerk types
-- part of a walk-in name or a mobile number, and `like '%…%'` over every order's fields read all
-- 540,000 orders (164 ms). The distinct values of those fields are far fewer (90,000 in the demo
-- history, mostly mobiles): the search matches them here once, then finds their orders through
-- one index per field. A value is never removed; one that no live order has any more matches
-- nothing.
create table order_search_values (
    account_set_id bigint not null references account_sets (id),
    value text not null,
    -- `value` lower-cased as the search text is (by the app; here, for existing orders, by the
    -- database's lower(), which on SQLite folds only ASCII letters)
    folded text not null,
    primary key (account_set_id, value)
) without rowid;

insert or ignore into order_search_values (account_set_id, value, folded)
    select account_set_id, walk_in_name, lower(walk_in_name) from orders where walk_in_name <> '';
insert or ignore into order_search_values (account_set_id, value, folded)
    select account_set_id, walk_in_mobile, lower(walk_in_mobile) from orders where walk_in_mobile <> '';
insert or ignore into order_search_values (account_set_id, value, folded)
    select account_set_id, contact_phone, lower(contact_phone) from orders where contact_phone <> '';

create index ix_orders_walk_in_name on orders (account_set_id, walk_in_name)
    where deleted_at is null and walk_in_name <> '';
create index ix_orders_walk_in_mobile on orders (account_set_id, walk_in_mobile)
    where deleted_at is null and walk_in_mobile <> '';
create index ix_orders_contact_phone on orders (account_set_id, contact_phone)
    where deleted_at is null and contact_phone <> '';

-- The live-orders index of 0011 no longer serves the text search: it keeps what the totals row
-- and the sort by amount read.
drop index ix_orders_live;
create index ix_orders_live on orders (account_set_id, total, id) where deleted_at is null;
