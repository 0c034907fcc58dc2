-- Settings lists (设置列表): units, product categories, processes, customer relations and groups,
-- supply scopes, card types and ID document kinds, one generic table keyed by `kind`.
-- `attributes` is a JSON object of the kind's extra fields, every value a string.

create table list_items (
    id integer primary key,
    account_set_id bigint not null references account_sets (id),
    kind text not null,
    parent_id bigint references list_items (id),
    name text not null,
    sort_order bigint not null default 0,
    is_active integer not null default 1,
    attributes text not null default '{}',
    deleted_at text,
    deleted_by bigint,
    created_at text not null,
    updated_at text not null
);
create unique index uq_list_items_name on list_items (account_set_id, kind, coalesce(parent_id, 0), name)
    where deleted_at is null;
create index ix_list_items_order on list_items (account_set_id, kind, sort_order);
