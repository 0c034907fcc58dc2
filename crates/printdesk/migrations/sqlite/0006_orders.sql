-- 产品订单 (manual 1.1, DOMAIN.md §4): orders, their lines and each line's processes, feature
-- tags, production tasks (任务) with their history, and shipments (物流发货). Money, quantities and
-- sizes are scaled by 10^4 (18.00 yuan = 180000; sizes in metres, 0.6 m = 6000). Statuses are the
-- codes of `orders::order::rules` and `orders::task`. Settings-list items (category, delivery
-- method, tag, process) are plain ids checked by the service, as in migration 0005. Texts shown on
-- a printed ticket (product name, process name, unit) are copied onto the line when it is priced,
-- so a renamed product never changes an order that was already agreed.

create table orders (
    id integer primary key,
    account_set_id bigint not null references account_sets (id),
    number text not null,
    order_date text not null,
    status text not null,
    customer_id bigint references customers (id),
    walk_in_name text not null default '',
    walk_in_mobile text not null default '',
    contact_person text not null default '',
    contact_phone text not null default '',
    category_id bigint,
    delivery_method_id bigint,
    delivery_address text not null default '',
    due_at text,
    sales_person_id bigint references users (id),
    remarks text not null default '',
    goods_amount bigint not null,
    process_amount bigint not null,
    management_fee bigint not null,
    tax_rate bigint not null,
    tax_inclusive bigint not null,
    tax_amount bigint not null,
    discount bigint not null,
    round_off bigint not null,
    total bigint not null,
    paid_amount bigint not null default 0,
    shipped bigint not null default 0,
    created_at text not null,
    created_by bigint not null references users (id),
    updated_at text not null,
    approved_at text,
    approved_by bigint references users (id),
    cancelled_at text,
    version bigint not null default 1,
    deleted_at text,
    deleted_by bigint references users (id)
);
create unique index uq_orders_number on orders (account_set_id, number);
create index ix_orders_date on orders (account_set_id, order_date, id);
create index ix_orders_customer on orders (account_set_id, customer_id, order_date);
create index ix_orders_status on orders (account_set_id, status, order_date);

create table order_tags (
    account_set_id bigint not null references account_sets (id),
    order_id bigint not null references orders (id) on delete cascade,
    tag_id bigint not null,
    primary key (order_id, tag_id)
);
create index ix_order_tags_tag on order_tags (account_set_id, tag_id, order_id);

create table order_lines (
    id integer primary key,
    account_set_id bigint not null references account_sets (id),
    order_id bigint not null references orders (id) on delete cascade,
    line_no bigint not null,
    product_id bigint not null references products (id),
    product_code text not null,
    product_name text not null,
    unit_name text not null,
    specification text not null default '',
    pricing_mode text not null,
    dimension_unit text not null,
    width bigint not null,
    height bigint not null,
    quantity bigint not null,
    pages bigint not null,
    sides bigint not null,
    colour bigint not null,
    billable_quantity bigint not null,
    unit_price bigint not null,
    amount bigint not null,
    process_amount bigint not null,
    line_total bigint not null,
    price_source text not null,
    explanation text not null default '',
    priced_amount bigint not null,
    override_reason text not null default '',
    override_by bigint references users (id),
    remarks text not null default ''
);
create index ix_order_lines_order on order_lines (order_id, line_no);
create index ix_order_lines_product on order_lines (account_set_id, product_id);

create table order_line_processes (
    id integer primary key,
    account_set_id bigint not null references account_sets (id),
    order_line_id bigint not null references order_lines (id) on delete cascade,
    process_id bigint not null,
    name text not null,
    quantity bigint not null,
    unit_price bigint not null,
    amount bigint not null,
    sort bigint not null
);
create index ix_order_line_processes_line on order_line_processes (order_line_id, sort);

create table tasks (
    id integer primary key,
    account_set_id bigint not null references account_sets (id),
    order_id bigint not null references orders (id) on delete cascade,
    order_line_id bigint not null references order_lines (id) on delete cascade,
    process_id bigint not null,
    process_name text not null,
    department_id bigint references departments (id),
    assignee_id bigint references users (id),
    status text not null,
    due_at text,
    notes text not null default '',
    created_at text not null,
    started_at text,
    finished_at text,
    version bigint not null default 1
);
create index ix_tasks_order on tasks (order_id);
create index ix_tasks_board on tasks (account_set_id, status, process_id);
create index ix_tasks_assignee on tasks (account_set_id, assignee_id, status);

create table task_events (
    id integer primary key,
    account_set_id bigint not null references account_sets (id),
    task_id bigint not null references tasks (id) on delete cascade,
    action text not null,
    note text not null default '',
    assignee_id bigint references users (id),
    department_id bigint references departments (id),
    at text not null,
    by_user bigint not null references users (id)
);
create index ix_task_events_task on task_events (task_id, id);

create table shipments (
    id integer primary key,
    account_set_id bigint not null references account_sets (id),
    number text not null,
    customer_id bigint references customers (id),
    delivery_method_id bigint,
    courier text not null default '',
    tracking_number text not null default '',
    recipient text not null default '',
    phone text not null default '',
    address text not null default '',
    packages bigint not null default 1,
    fee bigint not null default 0,
    fee_payer text not null,
    status text not null,
    shipped_at text,
    signed_at text,
    remarks text not null default '',
    created_at text not null,
    created_by bigint not null references users (id),
    version bigint not null default 1
);
create unique index uq_shipments_number on shipments (account_set_id, number);
create index ix_shipments_status on shipments (account_set_id, status, created_at);

create table shipment_orders (
    account_set_id bigint not null references account_sets (id),
    shipment_id bigint not null references shipments (id) on delete cascade,
    order_id bigint not null references orders (id),
    primary key (shipment_id, order_id)
);
create index ix_shipment_orders_order on shipment_orders (order_id);
