-- 最大幅宽 / 最大长度 of a product (issue 4: "sizes beyond a product's limits"): the widest and
-- the longest piece the machine or material takes, in metres scaled by 10^4 like every
-- kernel::money::Quantity; 0 means no limit. Order lines are checked against them when priced.
alter table products add column max_width bigint not null default 0;
alter table products add column max_length bigint not null default 0;
