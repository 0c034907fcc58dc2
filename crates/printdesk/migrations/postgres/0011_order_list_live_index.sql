-- The order list over the whole history (docs/performance.md, 540,000 orders): its totals row
-- (count and sum of every matching order), its sort by amount and its free-text search read
-- every live order. One index of live orders carries what they need — amount, id, number and
-- the searched walk-in fields — so they can be answered from this narrow index instead of the
-- whole table. It replaces the amount index of 0008.
drop index ix_orders_total;
create index ix_orders_live on orders (account_set_id, total, id)
    include (number, walk_in_name, walk_in_mobile, contact_phone, customer_id)
    where deleted_at is null;
