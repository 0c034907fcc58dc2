-- The order list sorts by amount and searches by number prefix (docs/performance.md, order list
-- with 540,000 orders): an index for each, so neither reads every order of the account set.
create index ix_orders_total on orders (account_set_id, total, id);
