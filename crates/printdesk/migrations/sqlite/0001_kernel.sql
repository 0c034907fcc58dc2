-- Kernel: the company, account sets, users, roles, sessions, the journal, audit and settings.
-- Timestamps are TEXT in RFC 3339 UTC, money BIGINT in 0.0001 yuan, flags INTEGER 0/1
-- (DESIGN.md "Stack": the sqlx Any driver reads only integers, floats, text and bytes).

create table company (
    id integer primary key,
    name text not null,
    short_name text not null default '',
    address text not null default '',
    phone text not null default '',
    tax_number text not null default '',
    bank_account text not null default '',
    updated_at text not null
);

create table account_sets (
    id integer primary key,
    name text not null,
    is_active integer not null default 1,
    created_at text not null
);
create unique index uq_account_sets_name on account_sets (name);

create table departments (
    id integer primary key,
    account_set_id bigint not null references account_sets (id),
    parent_id bigint references departments (id),
    name text not null,
    sort_order bigint not null default 0,
    remarks text not null default '',
    deleted_at text,
    deleted_by bigint,
    created_at text not null,
    updated_at text not null
);
create unique index uq_departments_name on departments (account_set_id, coalesce(parent_id, 0), name)
    where deleted_at is null;

create table users (
    id integer primary key,
    login text not null,
    display_name text not null,
    password_hash text not null,
    locale text not null default 'zh-CN',
    department_id bigint references departments (id),
    disabled integer not null default 0,
    created_at text not null,
    updated_at text not null
);
create unique index uq_users_login on users (lower(login));

create table user_account_sets (
    user_id bigint not null references users (id),
    account_set_id bigint not null references account_sets (id),
    primary key (user_id, account_set_id)
);

create table roles (
    id integer primary key,
    name text not null,
    description text not null default '',
    is_superuser integer not null default 0,
    created_at text not null
);
create unique index uq_roles_name on roles (name);

create table role_permissions (
    role_id bigint not null references roles (id) on delete cascade,
    permission_key text not null,
    primary key (role_id, permission_key)
);

create table user_roles (
    user_id bigint not null references users (id),
    role_id bigint not null references roles (id) on delete cascade,
    primary key (user_id, role_id)
);

create table sessions (
    id text primary key,
    user_id bigint not null references users (id),
    account_set_id bigint not null references account_sets (id),
    csrf_token text not null,
    ip text not null default '',
    user_agent text not null default '',
    created_at text not null,
    last_seen_at text not null,
    expires_at text not null
);
create index ix_sessions_user on sessions (user_id);

create table api_tokens (
    id integer primary key,
    user_id bigint not null references users (id),
    account_set_id bigint not null references account_sets (id),
    name text not null,
    token_hash text not null,
    created_at text not null,
    last_used_at text,
    revoked_at text
);
create unique index uq_api_tokens_hash on api_tokens (token_hash);

create table sign_in_throttle (
    key text primary key,
    failures bigint not null,
    locked_until text,
    updated_at text not null
);

create table form_submissions (
    nonce text primary key,
    user_id bigint,
    location text not null,
    created_at text not null
);

create table settings (
    account_set_id bigint not null references account_sets (id),
    key text not null,
    value text not null,
    primary key (account_set_id, key)
);

create table doc_sequences (
    account_set_id bigint not null references account_sets (id),
    kind text not null,
    period text not null,
    next_value bigint not null,
    primary key (account_set_id, kind, period)
);

create table ledger_accounts (
    id integer primary key,
    account_set_id bigint not null references account_sets (id),
    code text not null,
    name text not null,
    category text not null,
    balance_direction text not null,
    is_active integer not null default 1,
    deleted_at text,
    deleted_by bigint,
    created_at text not null,
    updated_at text not null
);
create unique index uq_ledger_accounts_code on ledger_accounts (account_set_id, code);

create table journal_entries (
    id integer primary key,
    account_set_id bigint not null references account_sets (id),
    entry_no bigint not null,
    entry_date text not null,
    memo text not null,
    source_kind text not null,
    source_id bigint,
    reversal_of bigint references journal_entries (id),
    created_by bigint references users (id),
    created_at text not null
);
create unique index uq_journal_entries_no on journal_entries (account_set_id, entry_no);
create unique index uq_journal_entries_reversal on journal_entries (reversal_of) where reversal_of is not null;
create index ix_journal_entries_source on journal_entries (account_set_id, source_kind, source_id);

create table journal_lines (
    id integer primary key,
    account_set_id bigint not null references account_sets (id),
    entry_id bigint not null references journal_entries (id),
    line_no bigint not null,
    ledger_account_id bigint not null references ledger_accounts (id),
    debit bigint not null default 0,
    credit bigint not null default 0,
    memo text not null default ''
);
create index ix_journal_lines_entry on journal_lines (entry_id);
create index ix_journal_lines_account on journal_lines (account_set_id, ledger_account_id);

-- DESIGN.md rule 2: posted entries are immutable; corrections are reversals (红冲).
create trigger journal_entries_no_update before update on journal_entries
begin select raise(abort, 'posted journal entries are immutable'); end;
create trigger journal_entries_no_delete before delete on journal_entries
begin select raise(abort, 'posted journal entries are immutable'); end;
create trigger journal_lines_no_update before update on journal_lines
begin select raise(abort, 'posted journal lines are immutable'); end;
create trigger journal_lines_no_delete before delete on journal_lines
begin select raise(abort, 'posted journal lines are immutable'); end;

create table audit_log (
    id integer primary key,
    account_set_id bigint,
    user_id bigint,
    action text not null,
    doc_kind text not null,
    doc_id bigint,
    summary text not null,
    at text not null
);
create index ix_audit_log_doc on audit_log (account_set_id, doc_kind, doc_id);
