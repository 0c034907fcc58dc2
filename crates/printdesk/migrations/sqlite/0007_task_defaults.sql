-- 任务设置 (manual 5.5.1, DOMAIN.md §4.7): for each process (工序, a PROCESS settings-list item),
-- the department and/or the user a new task of that process is given when an order is released.
-- The process is a plain id checked by the service, as in migrations 0005 and 0006; a process
-- without a row here gives unassigned tasks.

create table task_defaults (
    account_set_id bigint not null references account_sets (id),
    process_id bigint not null,
    department_id bigint references departments (id),
    user_id bigint references users (id),
    primary key (account_set_id, process_id)
);
