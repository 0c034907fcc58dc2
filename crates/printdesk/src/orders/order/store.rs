//! SQL of orders, their lines, line processes and tags. Every statement names the account set
//! first; deleted orders are left out except by the recycle bin (through `kernel::recycle_bin`).

use std::collections::HashMap;

use sqlx::{AnyPool, FromRow};

use super::rules::{Header, OrderFacts, OrderStatus, Totals};
use super::{LineProcess, Order, OrderId, OrderLine, OrderListLine};
use crate::kernel::db::{self, Backend, StoreError, StoreResult, Tx, flag, to_flag};
use crate::kernel::deferred::{self, Bound, Deferred};
use crate::kernel::money::{Money, Quantity};
use crate::kernel::tenancy::Scope;

/// What the list asks for. Dates are `YYYY-MM-DD`, inclusive.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    pub customer_id: Option<i64>,
    pub category_id: Option<i64>,
    pub status: Option<OrderStatus>,
    pub tag_id: Option<i64>,
    pub sales_person_id: Option<i64>,
    /// Number, customer or walk-in name, or mobile (lowercase); empty for all.
    pub text: String,
    pub sort: ListSort,
}

/// The orders of the list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ListSort {
    /// Newest first (the default).
    #[default]
    Newest,
    Oldest,
    DueSoonest,
    TotalHighest,
}

impl ListSort {
    pub fn from_code(code: &str) -> ListSort {
        match code {
            "oldest" => ListSort::Oldest,
            "due" => ListSort::DueSoonest,
            "total" => ListSort::TotalHighest,
            _ => ListSort::Newest,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ListSort::Newest => "newest",
            ListSort::Oldest => "oldest",
            ListSort::DueSoonest => "due",
            ListSort::TotalHighest => "total",
        }
    }

    fn sql(self) -> &'static str {
        match self {
            ListSort::Newest => "o.order_date desc, o.id desc",
            ListSort::Oldest => "o.order_date, o.id",
            ListSort::DueSoonest => "coalesce(o.due_at, '9999') , o.id",
            ListSort::TotalHighest => "o.total desc, o.id desc",
        }
    }
}

/// Header fields of an insert or an edit.
pub(super) struct HeaderRow<'a> {
    pub header: &'a Header,
    pub totals: &'a Totals,
    pub tax_inclusive: bool,
    pub now: &'a str,
}

/// Orders per header insert statement (see [`LINES_PER_INSERT`]).
const ORDERS_PER_INSERT: usize = 10;

/// One new order of a batch (`kernel::batch`).
pub(super) struct NewOrder<'a> {
    pub number: String,
    pub order_date: &'a str,
    pub status: OrderStatus,
    pub row: HeaderRow<'a>,
    pub created_by: i64,
}

/// Inserts the headers of new orders of one account set and returns their ids, in order.
pub(super) async fn insert_many(
    tx: &mut Tx,
    deferred: &mut Deferred,
    scope: &Scope,
    orders: &[NewOrder<'_>],
) -> StoreResult<Vec<OrderId>> {
    let mut ids: HashMap<String, i64> = HashMap::with_capacity(orders.len());
    for chunk in orders.chunks(ORDERS_PER_INSERT) {
        let sql = format!(
            r#"insert into orders (account_set_id, number, order_date, status, customer_id,
                   walk_in_name, walk_in_mobile, contact_person, contact_phone, category_id,
                   delivery_method_id, delivery_address, due_at, sales_person_id, remarks,
                   goods_amount, process_amount, management_fee, tax_rate, tax_inclusive,
                   tax_amount, discount, round_off, total, created_at, created_by, updated_at,
                   version)
               values {}
               returning number, id"#,
            db::value_rows(chunk.len(), 1, 27)
        );
        let mut query =
            sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql)).bind(scope.id());
        for order in chunk {
            let h = order.row.header;
            let t = order.row.totals;
            query = query
                .bind(&order.number)
                .bind(order.order_date)
                .bind(order.status.code())
                .bind(h.customer_id)
                .bind(&h.walk_in_name)
                .bind(&h.walk_in_mobile)
                .bind(&h.contact_person)
                .bind(&h.contact_phone)
                .bind(h.category_id)
                .bind(h.delivery_method_id)
                .bind(&h.delivery_address)
                .bind(h.due_at.as_deref())
                .bind(h.sales_person_id)
                .bind(&h.remarks)
                .bind(t.goods.scaled())
                .bind(t.processes.scaled())
                .bind(t.management_fee.scaled())
                .bind(rate_scaled(h))
                .bind(to_flag(order.row.tax_inclusive))
                .bind(t.tax.scaled())
                .bind(t.discount.scaled())
                .bind(t.round_off.scaled())
                .bind(t.total.scaled())
                .bind(order.row.now)
                .bind(order.created_by)
                .bind(order.row.now)
                .bind(1_i64); // version: `as_written` answers with the same
        }
        // Rows come back keyed by number (unique per account set): neither backend promises
        // their order.
        ids.extend(query.fetch_all(&mut **tx).await?);
    }
    remember_search_values(deferred, scope, orders.iter().map(|order| order.row.header));
    orders
        .iter()
        .map(|order| {
            ids.get(&order.number).copied().map(OrderId).ok_or_else(|| {
                StoreError::Db(sqlx::Error::Protocol(format!(
                    "order {} was inserted without an id",
                    order.number
                )))
            })
        })
        .collect()
}

/// Queues keeping the walk-in names, mobiles and contact phones of `headers` in
/// `order_search_values`, which the list's free-text search matches before it looks for orders
/// (migration 0012).
fn remember_search_values<'h>(
    deferred: &mut Deferred,
    scope: &Scope,
    headers: impl Iterator<Item = &'h Header>,
) {
    let mut values: Vec<&str> = headers
        .flat_map(|h| [&h.walk_in_name, &h.walk_in_mobile, &h.contact_phone])
        .map(String::as_str)
        .filter(|value| !value.is_empty())
        .collect();
    values.sort_unstable();
    values.dedup();
    for chunk in values.chunks(SEARCH_VALUES_PER_INSERT) {
        let sql = format!(
            "insert into order_search_values (account_set_id, value, folded) values {} on conflict do nothing",
            db::value_rows(chunk.len(), 1, 2)
        );
        let mut binds: Vec<Bound> = Vec::with_capacity(1 + chunk.len() * 2);
        binds.push(scope.id().into());
        for value in chunk {
            // Folded as `contact::search_key` folds the search text.
            binds.extend([(*value).into(), value.to_lowercase().into()]);
        }
        deferred.push(sql, binds);
    }
}

/// Fills `order_search_values` from the account set's orders, for a tool that wrote orders in
/// bulk past [`insert_many`] (the demo history).
pub(crate) async fn remember_all_search_values(tx: &mut Tx, scope: &Scope) -> StoreResult<()> {
    sqlx::query(
        r#"insert into order_search_values (account_set_id, value, folded)
           select account_set_id, value, lower(value) from (
               select account_set_id, walk_in_name as value from orders
                   where account_set_id = $1 and walk_in_name <> ''
               union select account_set_id, walk_in_mobile from orders
                   where account_set_id = $1 and walk_in_mobile <> ''
               union select account_set_id, contact_phone from orders
                   where account_set_id = $1 and contact_phone <> ''
           ) found
           where true
           on conflict do nothing"#,
    )
    .bind(scope.id())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Values per insert into `order_search_values`: a batch of 64 orders with all three fields.
const SEARCH_VALUES_PER_INSERT: usize = 200;

/// Whether user `id` may work in the account set (a sales person of its orders): enabled and
/// given the account set.
pub(super) async fn is_active_user_here(
    pool: &AnyPool,
    scope: &Scope,
    id: i64,
) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar(
        r#"select cast(count(*) as bigint) from users u
           join user_account_sets a on a.user_id = u.id
           where u.id = $2 and a.account_set_id = $1 and u.disabled = 0"#,
    )
    .bind(scope.id())
    .bind(id)
    .fetch_one(pool)
    .await?;
    Ok(n > 0)
}

/// Which of `ids` are live customers of the account set, with their names.
pub(super) async fn live_customers(
    tx: &mut Tx,
    scope: &Scope,
    ids: &[i64],
) -> StoreResult<HashMap<i64, String>> {
    let mut live = HashMap::new();
    for chunk in ids.chunks(100) {
        let sql = format!(
            "select id, name from customers where account_set_id = $1 and deleted_at is null and id in ({})",
            db::placeholders(2, chunk.len())
        );
        let mut query =
            sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql)).bind(scope.id());
        for id in chunk {
            query = query.bind(*id);
        }
        live.extend(query.fetch_all(&mut **tx).await?);
    }
    Ok(live)
}

/// The order's due time, as stored.
pub(super) async fn due_at(tx: &mut Tx, scope: &Scope, id: OrderId) -> StoreResult<Option<String>> {
    Ok(
        sqlx::query_scalar("select due_at from orders where account_set_id = $1 and id = $2")
            .bind(scope.id())
            .bind(id.0)
            .fetch_one(&mut **tx)
            .await?,
    )
}

/// The order's total with its customer's credit limit, credit mode and id; `None` for a
/// walk-in order.
pub(super) async fn credit_terms(
    tx: &mut Tx,
    scope: &Scope,
    id: OrderId,
) -> StoreResult<Option<(i64, i64, String, i64)>> {
    Ok(sqlx::query_as(
        r#"select o.total, c.credit_limit, c.credit_mode, c.id from orders o
           join customers c on c.id = o.customer_id
           where o.account_set_id = $1 and o.id = $2"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_optional(&mut **tx)
    .await?)
}

/// A customer's credit limit (scaled), `None` when the customer is not in the account set.
pub(super) async fn credit_limit(
    pool: &AnyPool,
    scope: &Scope,
    customer_id: i64,
) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "select credit_limit from customers where account_set_id = $1 and id = $2",
    )
    .bind(scope.id())
    .bind(customer_id)
    .fetch_optional(pool)
    .await?)
}

/// What a customer owes on its other open orders (approved, not closed, cancelled or binned),
/// less what was paid, leaving out order `except`.
pub(super) async fn open_balance<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    scope: &Scope,
    customer_id: i64,
    except: OrderId,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        r#"select cast(coalesce(sum(total - paid_amount), 0) as bigint) from orders
           where account_set_id = $1 and customer_id = $2 and id <> $3 and deleted_at is null
             and status in ('approved', 'in_production', 'done', 'delivered')"#,
    )
    .bind(scope.id())
    .bind(customer_id)
    .bind(except.0)
    .fetch_one(executor)
    .await?)
}

/// The tax rate as stored (a scaled quantity).
pub(super) fn rate_scaled(h: &Header) -> i64 {
    Quantity::from_decimal(h.tax_rate).map_or(0, Quantity::scaled)
}

/// Overwrites the header of a live draft at `version` and raises the version. `NotFound` when
/// the order is gone or someone saved first (the caller tells the two apart).
pub(super) async fn update(
    tx: &mut Tx,
    deferred: &mut Deferred,
    scope: &Scope,
    id: OrderId,
    version: i64,
    row: &HeaderRow<'_>,
) -> StoreResult<()> {
    let h = row.header;
    let t = row.totals;
    let res = sqlx::query(
        r#"update orders set customer_id = $4, walk_in_name = $5, walk_in_mobile = $6,
               contact_person = $7, contact_phone = $8, category_id = $9,
               delivery_method_id = $10, delivery_address = $11, due_at = $12,
               sales_person_id = $13, remarks = $14, goods_amount = $15, process_amount = $16,
               management_fee = $17, tax_rate = $18, tax_inclusive = $19, tax_amount = $20,
               discount = $21, round_off = $22, total = $23, updated_at = $24,
               version = version + 1
           where account_set_id = $1 and id = $2 and version = $3 and deleted_at is null
             and status = 'draft'"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .bind(version)
    .bind(h.customer_id)
    .bind(&h.walk_in_name)
    .bind(&h.walk_in_mobile)
    .bind(&h.contact_person)
    .bind(&h.contact_phone)
    .bind(h.category_id)
    .bind(h.delivery_method_id)
    .bind(&h.delivery_address)
    .bind(h.due_at.as_deref())
    .bind(h.sales_person_id)
    .bind(&h.remarks)
    .bind(t.goods.scaled())
    .bind(t.processes.scaled())
    .bind(t.management_fee.scaled())
    .bind(rate_scaled(h))
    .bind(to_flag(row.tax_inclusive))
    .bind(t.tax.scaled())
    .bind(t.discount.scaled())
    .bind(t.round_off.scaled())
    .bind(t.total.scaled())
    .bind(row.now)
    .execute(&mut **tx)
    .await?;
    if res.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    remember_search_values(deferred, scope, std::iter::once(h));
    for table in ["order_tags", "order_lines"] {
        let sql = format!("delete from {table} where account_set_id = $1 and order_id = $2");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.id())
            .bind(id.0)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Lines per insert statement: few enough that SQLite's binding by name (quadratic in the
/// placeholders of a statement) stays cheap, enough that a counter order is one statement.
const LINES_PER_INSERT: usize = 10;

/// The lines and tags of one order, for [`insert_children`].
pub(super) struct Children<'a> {
    pub order_id: OrderId,
    pub lines: &'a [OrderLine],
    pub tag_ids: &'a [i64],
}

/// The ids of inserted lines by (order id, line number).
pub(super) type LineIds = HashMap<(i64, i64), i64>;

/// The lines (with their processes) and tags of orders just inserted or cleared by `update`:
/// one insert each for tags, lines and processes, however many orders and lines there are; the
/// tags and processes are queued in `deferred`. Returns the new lines' ids.
pub(super) async fn insert_children(
    tx: &mut Tx,
    deferred: &mut Deferred,
    scope: &Scope,
    orders: &[Children<'_>],
) -> StoreResult<LineIds> {
    let tags: Vec<(i64, i64)> = orders
        .iter()
        .flat_map(|o| o.tag_ids.iter().map(|tag| (o.order_id.0, *tag)))
        .collect();
    for chunk in tags.chunks(100) {
        let sql = format!(
            "insert into order_tags (account_set_id, order_id, tag_id) values {}",
            db::value_rows(chunk.len(), 1, 2)
        );
        let mut binds: Vec<Bound> = Vec::with_capacity(1 + chunk.len() * 2);
        binds.push(scope.id().into());
        for (order_id, tag_id) in chunk {
            binds.extend([(*order_id).into(), (*tag_id).into()]);
        }
        deferred.push(sql, binds);
    }
    let lines: Vec<(i64, &OrderLine)> = orders
        .iter()
        .flat_map(|o| o.lines.iter().map(|line| (o.order_id.0, line)))
        .collect();
    let mut line_ids: LineIds = HashMap::with_capacity(lines.len());
    for chunk in lines.chunks(LINES_PER_INSERT) {
        let sql = format!(
            r#"insert into order_lines (account_set_id, order_id, line_no, product_id,
                   product_code, product_name, unit_name, specification, pricing_mode,
                   dimension_unit, width, height, quantity, pages, sides, colour,
                   billable_quantity, unit_price, amount, process_amount, line_total,
                   price_source, explanation, priced_amount, override_reason, override_by, remarks)
               values {}
               returning order_id, line_no, id"#,
            db::value_rows(chunk.len(), 1, 26)
        );
        let mut query =
            sqlx::query_as::<_, (i64, i64, i64)>(sqlx::AssertSqlSafe(sql)).bind(scope.id());
        for (order_id, line) in chunk {
            query = query
                .bind(*order_id)
                .bind(line.line_no)
                .bind(line.product_id)
                .bind(&line.product_code)
                .bind(&line.product_name)
                .bind(&line.unit_name)
                .bind(&line.specification)
                .bind(&line.pricing_mode)
                .bind(&line.dimension_unit)
                .bind(line.width.scaled())
                .bind(line.height.scaled())
                .bind(line.quantity.scaled())
                .bind(line.pages.scaled())
                .bind(line.sides)
                .bind(to_flag(line.colour))
                .bind(line.billable_quantity.scaled())
                .bind(line.unit_price.scaled())
                .bind(line.amount.scaled())
                .bind(line.process_amount.scaled())
                .bind(line.line_total.scaled())
                .bind(&line.price_source)
                .bind(&line.explanation)
                .bind(line.priced_amount.scaled())
                .bind(&line.override_reason)
                .bind(line.override_by)
                .bind(&line.remarks);
        }
        // Rows come back keyed by order and line number: neither backend promises their order.
        for (order_id, line_no, id) in query.fetch_all(&mut **tx).await? {
            line_ids.insert((order_id, line_no), id);
        }
    }
    let processes: Vec<(i64, i64, &LineProcess)> = lines
        .iter()
        .flat_map(|(order_id, line)| {
            let line_id = line_ids
                .get(&(*order_id, line.line_no))
                .copied()
                .unwrap_or_default();
            (1_i64..)
                .zip(&line.processes)
                .map(move |(sort, process)| (line_id, sort, process))
        })
        .collect();
    for chunk in processes.chunks(LINES_PER_INSERT * 4) {
        let sql = format!(
            r#"insert into order_line_processes (account_set_id, order_line_id, process_id,
                   name, quantity, unit_price, amount, sort)
               values {}"#,
            db::value_rows(chunk.len(), 1, 7)
        );
        let mut binds: Vec<Bound> = Vec::with_capacity(1 + chunk.len() * 7);
        binds.push(scope.id().into());
        for (line_id, sort, process) in chunk {
            binds.extend([
                (*line_id).into(),
                process.process_id.into(),
                (&process.name).into(),
                process.quantity.scaled().into(),
                process.unit_price.scaled().into(),
                process.amount.scaled().into(),
                (*sort).into(),
            ]);
        }
        deferred.push(sql, binds);
    }
    Ok(line_ids)
}

#[derive(FromRow)]
struct OrderRow {
    id: i64,
    number: String,
    order_date: String,
    status: String,
    customer_id: Option<i64>,
    customer_name: Option<String>,
    walk_in_name: String,
    walk_in_mobile: String,
    contact_person: String,
    contact_phone: String,
    category_id: Option<i64>,
    delivery_method_id: Option<i64>,
    delivery_address: String,
    due_at: Option<String>,
    sales_person_id: Option<i64>,
    remarks: String,
    goods_amount: i64,
    process_amount: i64,
    management_fee: i64,
    tax_rate: i64,
    tax_inclusive: i64,
    tax_amount: i64,
    discount: i64,
    round_off: i64,
    total: i64,
    paid_amount: i64,
    shipped: i64,
    created_at: String,
    created_by_name: Option<String>,
    approved_at: Option<String>,
    version: i64,
}

#[derive(FromRow)]
struct LineRow {
    id: i64,
    line_no: i64,
    product_id: i64,
    product_code: String,
    product_name: String,
    unit_name: String,
    specification: String,
    pricing_mode: String,
    dimension_unit: String,
    width: i64,
    height: i64,
    quantity: i64,
    pages: i64,
    sides: i64,
    colour: i64,
    billable_quantity: i64,
    unit_price: i64,
    amount: i64,
    process_amount: i64,
    line_total: i64,
    price_source: String,
    explanation: String,
    priced_amount: i64,
    override_reason: String,
    override_by: Option<i64>,
    remarks: String,
}

#[derive(FromRow)]
struct ProcessRow {
    order_line_id: i64,
    process_id: i64,
    name: String,
    quantity: i64,
    unit_price: i64,
    amount: i64,
}

fn status_of(code: &str) -> OrderStatus {
    OrderStatus::from_code(code).unwrap_or(OrderStatus::Draft)
}

/// A live order with its lines; `NotFound` if it is not live in this account set.
pub(super) async fn find(pool: &AnyPool, scope: &Scope, id: OrderId) -> StoreResult<Order> {
    let row = sqlx::query_as::<_, OrderRow>(
        r#"select o.id, o.number, o.order_date, o.status, o.customer_id, c.name as customer_name,
                  o.walk_in_name, o.walk_in_mobile, o.contact_person, o.contact_phone,
                  o.category_id, o.delivery_method_id, o.delivery_address, o.due_at,
                  o.sales_person_id, o.remarks, o.goods_amount, o.process_amount, o.management_fee,
                  o.tax_rate, o.tax_inclusive, o.tax_amount, o.discount, o.round_off, o.total,
                  o.paid_amount, o.shipped, o.created_at, u.display_name as created_by_name,
                  o.approved_at, o.version
           from orders o
           left join customers c on c.id = o.customer_id
           left join users u on u.id = o.created_by
           where o.account_set_id = $1 and o.id = $2 and o.deleted_at is null"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_one(pool)
    .await?;
    let lines = sqlx::query_as::<_, LineRow>(
        r#"select id, line_no, product_id, product_code, product_name, unit_name, specification,
                  pricing_mode, dimension_unit, width, height, quantity, pages, sides, colour,
                  billable_quantity, unit_price, amount, process_amount, line_total, price_source,
                  explanation, priced_amount, override_reason, override_by, remarks
           from order_lines where account_set_id = $1 and order_id = $2 order by line_no"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_all(pool)
    .await?;
    let processes = sqlx::query_as::<_, ProcessRow>(
        r#"select p.order_line_id, p.process_id, p.name, p.quantity, p.unit_price, p.amount
           from order_line_processes p
           join order_lines l on l.id = p.order_line_id
           where p.account_set_id = $1 and l.order_id = $2
           order by p.order_line_id, p.sort"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_all(pool)
    .await?;
    let tag_ids: Vec<i64> = sqlx::query_scalar(
        "select tag_id from order_tags where account_set_id = $1 and order_id = $2 order by tag_id",
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_all(pool)
    .await?;
    let q = Quantity::from_scaled;
    let m = Money::from_scaled;
    let lines = lines
        .into_iter()
        .map(|l| OrderLine {
            processes: processes
                .iter()
                .filter(|p| p.order_line_id == l.id)
                .map(|p| LineProcess {
                    process_id: p.process_id,
                    name: p.name.clone(),
                    quantity: q(p.quantity),
                    unit_price: m(p.unit_price),
                    amount: m(p.amount),
                })
                .collect(),
            id: l.id,
            line_no: l.line_no,
            product_id: l.product_id,
            product_code: l.product_code,
            product_name: l.product_name,
            unit_name: l.unit_name,
            specification: l.specification,
            pricing_mode: l.pricing_mode,
            dimension_unit: l.dimension_unit,
            width: q(l.width),
            height: q(l.height),
            quantity: q(l.quantity),
            pages: q(l.pages),
            sides: l.sides,
            colour: flag(l.colour),
            billable_quantity: q(l.billable_quantity),
            unit_price: m(l.unit_price),
            amount: m(l.amount),
            process_amount: m(l.process_amount),
            line_total: m(l.line_total),
            price_source: l.price_source,
            explanation: l.explanation,
            priced_amount: m(l.priced_amount),
            override_reason: l.override_reason,
            override_by: l.override_by,
            remarks: l.remarks,
        })
        .collect();
    Ok(Order {
        id: OrderId(row.id),
        number: row.number,
        order_date: row.order_date,
        status: status_of(&row.status),
        customer_id: row.customer_id,
        customer_name: row.customer_name.unwrap_or_default(),
        walk_in_name: row.walk_in_name,
        walk_in_mobile: row.walk_in_mobile,
        contact_person: row.contact_person,
        contact_phone: row.contact_phone,
        category_id: row.category_id,
        delivery_method_id: row.delivery_method_id,
        delivery_address: row.delivery_address,
        due_at: row.due_at,
        sales_person_id: row.sales_person_id,
        remarks: row.remarks,
        tag_ids,
        goods_amount: m(row.goods_amount),
        process_amount: m(row.process_amount),
        management_fee: m(row.management_fee),
        tax_rate: q(row.tax_rate),
        tax_inclusive: flag(row.tax_inclusive),
        tax_amount: m(row.tax_amount),
        discount: m(row.discount),
        round_off: m(row.round_off),
        total: m(row.total),
        paid_amount: m(row.paid_amount),
        shipped: flag(row.shipped),
        created_at: row.created_at,
        created_by_name: row.created_by_name.unwrap_or_default(),
        approved_at: row.approved_at,
        version: row.version,
        lines,
    })
}

/// A new order as [`find`] reads it back, from what [`insert_many`] and [`insert_children`]
/// wrote: the answer to a save needs no second trip to the database.
pub(super) fn as_written(
    new: &NewOrder<'_>,
    id: OrderId,
    lines: &[OrderLine],
    line_ids: &LineIds,
    customer_name: String,
    created_by_name: String,
) -> Order {
    let h = new.row.header;
    let t = new.row.totals;
    let mut tag_ids = h.tag_ids.clone();
    tag_ids.sort_unstable();
    Order {
        id,
        number: new.number.clone(),
        order_date: new.order_date.to_owned(),
        status: new.status,
        customer_id: h.customer_id,
        customer_name,
        walk_in_name: h.walk_in_name.clone(),
        walk_in_mobile: h.walk_in_mobile.clone(),
        contact_person: h.contact_person.clone(),
        contact_phone: h.contact_phone.clone(),
        category_id: h.category_id,
        delivery_method_id: h.delivery_method_id,
        delivery_address: h.delivery_address.clone(),
        due_at: h.due_at.clone(),
        sales_person_id: h.sales_person_id,
        remarks: h.remarks.clone(),
        tag_ids,
        goods_amount: t.goods,
        process_amount: t.processes,
        management_fee: t.management_fee,
        tax_rate: Quantity::from_scaled(rate_scaled(h)),
        tax_inclusive: new.row.tax_inclusive,
        tax_amount: t.tax,
        discount: t.discount,
        round_off: t.round_off,
        total: t.total,
        paid_amount: Money::ZERO,
        shipped: false,
        created_at: new.row.now.to_owned(),
        created_by_name,
        approved_at: None,
        version: 1,
        lines: lines
            .iter()
            .map(|line| OrderLine {
                id: line_ids
                    .get(&(id.0, line.line_no))
                    .copied()
                    .unwrap_or_default(),
                ..line.clone()
            })
            .collect(),
    }
}

/// The status and version of a live order, locked for the rest of the transaction.
pub(super) async fn lock(
    tx: &mut Tx,
    scope: &Scope,
    id: OrderId,
    for_update: &str,
) -> StoreResult<(OrderStatus, i64)> {
    let sql = format!(
        "select status, version from orders where account_set_id = $1 and id = $2 and deleted_at is null{for_update}"
    );
    let (status, version): (String, i64) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(id.0)
        .fetch_one(&mut **tx)
        .await?;
    Ok((status_of(&status), version))
}

/// Money, shipments and tasks of an order, for the life-cycle rules.
pub(super) async fn facts(tx: &mut Tx, scope: &Scope, id: OrderId) -> StoreResult<OrderFacts> {
    let (paid, shipped): (i64, i64) = sqlx::query_as(
        "select paid_amount, shipped from orders where account_set_id = $1 and id = $2",
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_one(&mut **tx)
    .await?;
    let (tasks, started, done): (i64, i64, i64) = sqlx::query_as(
        r#"select cast(count(*) as bigint),
                  cast(coalesce(sum(case when status <> 'todo' then 1 else 0 end), 0) as bigint),
                  cast(coalesce(sum(case when status = 'done' then 1 else 0 end), 0) as bigint)
           from tasks where account_set_id = $1 and order_id = $2"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_one(&mut **tx)
    .await?;
    let shipments: i64 = sqlx::query_scalar(
        r#"select cast(count(*) as bigint) from shipment_orders so
           join shipments s on s.id = so.shipment_id
           where so.account_set_id = $1 and so.order_id = $2 and s.status <> 'pending'"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_one(&mut **tx)
    .await?;
    let count = |n: i64| usize::try_from(n).unwrap_or(0);
    Ok(OrderFacts {
        paid: Money::from_scaled(paid),
        shipped: flag(shipped) || shipments > 0,
        tasks: count(tasks),
        tasks_started: count(started),
        tasks_done: count(done),
    })
}

/// Moves an order to `status`, stamping approval when it is approved.
pub(super) async fn set_status(
    tx: &mut Tx,
    scope: &Scope,
    id: OrderId,
    status: OrderStatus,
    user_id: i64,
    now: &str,
) -> StoreResult<()> {
    let sql = match status {
        OrderStatus::Approved => {
            "update orders set status = $3, approved_at = $5, approved_by = $4, updated_at = $5, version = version + 1 where account_set_id = $1 and id = $2"
        }
        OrderStatus::Draft => {
            "update orders set status = $3, approved_at = null, approved_by = null, updated_at = $5, version = version + 1 where account_set_id = $1 and id = $2 and $4 = $4"
        }
        OrderStatus::Cancelled => {
            "update orders set status = $3, cancelled_at = $5, updated_at = $5, version = version + 1 where account_set_id = $1 and id = $2 and $4 = $4"
        }
        _ => {
            "update orders set status = $3, updated_at = $5, version = version + 1 where account_set_id = $1 and id = $2 and $4 = $4"
        }
    };
    sqlx::query(sql)
        .bind(scope.id())
        .bind(id.0)
        .bind(status.code())
        .bind(user_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(FromRow)]
struct ListRow {
    id: i64,
    number: String,
    order_date: String,
    status: String,
    customer_name: String,
    category_id: Option<i64>,
    due_at: Option<String>,
    sales_person_name: Option<String>,
    total: i64,
    paid_amount: i64,
}

/// The `where` of the list and its binds after `$1` (the account set).
/// The list's `with` clause (empty unless it searches text), its `where` conditions and their
/// binds after the account set's `$1`.
fn list_where(filter: &ListFilter, backend: Backend) -> (String, String, Vec<Bound>) {
    // With a tag or a searched text, the matching orders are few: SQLite should fetch them by
    // id. Without statistics (a shop's database never has any) it scans the live-orders index of
    // the whole account set instead, 130 ms against 18 over 540,000 orders (text: 186 against
    // 18); `+` keeps the account-set term off every index, which leaves it the ids.
    let by_ids = filter.tag_id.is_some() || searches_text(&filter.text);
    let account_set = if by_ids && backend == Backend::Sqlite {
        "+o.account_set_id = $1"
    } else {
        "o.account_set_id = $1"
    };
    let mut sql = format!("{account_set} and o.deleted_at is null");
    let mut with = String::new();
    let mut binds = Vec::new();
    let mut push = |sql: &mut String, clause: &str, bind: Bound| {
        binds.push(bind);
        sql.push_str(&clause.replace('?', &format!("${}", binds.len() + 1)));
    };
    if let Some(from) = &filter.date_from {
        push(
            &mut sql,
            " and o.order_date >= ?",
            Bound::Text(from.clone()),
        );
    }
    if let Some(to) = &filter.date_to {
        push(&mut sql, " and o.order_date <= ?", Bound::Text(to.clone()));
    }
    if let Some(id) = filter.customer_id {
        push(&mut sql, " and o.customer_id = ?", Bound::Int(id));
    }
    if let Some(id) = filter.category_id {
        push(&mut sql, " and o.category_id = ?", Bound::Int(id));
    }
    if let Some(status) = filter.status {
        push(
            &mut sql,
            " and o.status = ?",
            Bound::Text(status.code().to_owned()),
        );
    }
    if let Some(id) = filter.sales_person_id {
        push(&mut sql, " and o.sales_person_id = ?", Bound::Int(id));
    }
    if let Some(id) = filter.tag_id {
        push(
            &mut sql,
            // From the tag's index to the orders, not a probe per order.
            " and o.id in (select t.order_id from order_tags t where t.account_set_id = $1 and t.tag_id = ?)",
            Bound::Int(id),
        );
    }
    if looks_like_number(&filter.text) {
        // An order number or its start: a range on the unique index, not a scan.
        let start = filter.text.to_uppercase();
        push(&mut sql, " and o.number >= ?", Bound::Text(start.clone()));
        if let Some(end) = next_prefix(&start) {
            push(&mut sql, " and o.number < ?", Bound::Text(end));
        }
    } else if searches_text(&filter.text) {
        let pattern = format!("%{}%", crate::customers::contact::like_escape(&filter.text));
        let start = filter.text.to_uppercase();
        let end = next_prefix(&start);
        binds.push(Bound::Text(pattern));
        let p = binds.len() + 1;
        binds.push(Bound::Text(start));
        let from = binds.len() + 1;
        let below = end.map(|end| {
            binds.push(Bound::Text(end));
            format!(" and s.number < ${}", binds.len() + 1)
        });
        let below = below.unwrap_or_default();
        // The distinct walk-in names, mobiles and phones that match (`search_hits`, in the `with`
        // clause), then their orders through one index per field; customers by name from their
        // own table; numbers that start with the text (a shop without a prefix has numbers of
        // digits only). No read of every order (migration 0012).
        sql.push_str(&format!(
            r" and o.id in (
                select s.id from orders s where s.account_set_id = $1 and s.deleted_at is null
                    and s.walk_in_name <> '' and s.walk_in_name in (select value from search_hits)
                union all
                select s.id from orders s where s.account_set_id = $1 and s.deleted_at is null
                    and s.walk_in_mobile <> '' and s.walk_in_mobile in (select value from search_hits)
                union all
                select s.id from orders s where s.account_set_id = $1 and s.deleted_at is null
                    and s.contact_phone <> '' and s.contact_phone in (select value from search_hits)
                union all
                select s.id from orders s where s.account_set_id = $1 and s.customer_id in (
                    select cu.id from customers cu
                    where cu.account_set_id = $1 and lower(cu.name) like ${p} escape '\')
                union all
                select s.id from orders s
                where s.account_set_id = $1 and s.number >= ${from}{below})"
        ));
        // Matched once, read by the three fields' lookups.
        with = format!(
            r"with search_hits (value) as materialized (
                select v.value from order_search_values v
                where v.account_set_id = $1 and v.folded like ${p} escape '\') "
        );
    }
    (with, sql, binds)
}

/// Whether the list searches `text` in names and phones (not an order number).
fn searches_text(text: &str) -> bool {
    !text.is_empty() && !looks_like_number(text)
}

/// Whether the search text is an order number or the start of one (`DD2026112`): letters, then
/// at least six digits. A phone number (digits only) is not.
fn looks_like_number(text: &str) -> bool {
    let digits = text.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    digits.len() < text.len() && digits.len() >= 6 && digits.chars().all(|c| c.is_ascii_digit())
}

/// The smallest text above every text starting with `prefix` (letters and digits only), so that
/// `>= prefix and < next` is a prefix search in any collation: `DD20261125` → `DD20261126`,
/// `DD2026119` → `DD202612`. `None` when there is none (`999`).
fn next_prefix(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if last != '9' && last != 'Z' {
            chars.push(char::from_u32(u32::from(last) + 1)?);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// One page of the list, newest first unless sorted otherwise, plus the count and the sum of
/// totals of every matching order.
pub(super) async fn list(
    pool: &AnyPool,
    backend: Backend,
    scope: &Scope,
    filter: &ListFilter,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<OrderListLine>, i64, Money)> {
    let (with_sql, where_sql, binds) = list_where(filter, backend);
    let count_sql = format!(
        "{with_sql}select cast(count(*) as bigint), cast(coalesce(sum(o.total), 0) as bigint) from orders o where {where_sql}"
    );
    let mut binds: Vec<Bound> = std::iter::once(Bound::Int(scope.id()))
        .chain(binds)
        .collect();
    let count_query = sqlx::query_as_with::<_, (i64, i64), _>(
        sqlx::AssertSqlSafe(count_sql),
        deferred::arguments(&binds)?,
    );
    let n = binds.len();
    let rows_sql = format!(
        r#"{with_sql}select o.id, o.number, o.order_date, o.status,
                  coalesce(c.name, o.walk_in_name) as customer_name, o.category_id, o.due_at,
                  u.display_name as sales_person_name, o.total, o.paid_amount
           from orders o
           left join customers c on c.id = o.customer_id
           left join users u on u.id = o.sales_person_id
           where {where_sql}
           order by {order}
           limit ${limit} offset ${offset}"#,
        order = filter.sort.sql(),
        limit = n + 1,
        offset = n + 2,
    );
    binds.extend([Bound::Int(limit), Bound::Int(offset)]);
    let rows_query = sqlx::query_as_with::<_, ListRow, _>(
        sqlx::AssertSqlSafe(rows_sql),
        deferred::arguments(&binds)?,
    );
    // The totals row and the page are independent reads: on two connections at once, the list
    // waits for the longer of the two, not their sum (each reads every match of a broad filter).
    let ((count, sum), rows) =
        tokio::try_join!(count_query.fetch_one(pool), rows_query.fetch_all(pool))?;
    let mut tags: Vec<(i64, i64)> = Vec::new();
    if !rows.is_empty() {
        let ids: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
        // Ids come from the query above, never from the user.
        let sql = format!(
            "select order_id, tag_id from order_tags where account_set_id = $1 and order_id in ({}) order by order_id, tag_id",
            ids.join(", ")
        );
        tags = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(scope.id())
            .fetch_all(pool)
            .await?;
    }
    let lines = rows
        .into_iter()
        .map(|r| OrderListLine {
            id: OrderId(r.id),
            number: r.number,
            order_date: r.order_date,
            status: status_of(&r.status),
            customer_name: r.customer_name,
            category_id: r.category_id,
            due_at: r.due_at,
            sales_person_name: r.sales_person_name.unwrap_or_default(),
            total: Money::from_scaled(r.total),
            paid_amount: Money::from_scaled(r.paid_amount),
            tag_ids: tags
                .iter()
                .filter(|(order_id, _)| *order_id == r.id)
                .map(|(_, tag_id)| *tag_id)
                .collect(),
        })
        .collect();
    Ok((lines, count, Money::from_scaled(sum)))
}

#[cfg(test)]
mod tests {
    use super::{looks_like_number, next_prefix};

    #[test]
    fn number_prefixes_become_ranges() {
        assert!(looks_like_number("dd20261125"));
        assert!(looks_like_number("DD2026112500"));
        assert!(!looks_like_number("13812345678"), "a phone number");
        assert!(!looks_like_number("dd2026"), "too short to be a number");
        assert!(!looks_like_number("王先生"));
        assert_eq!(next_prefix("DD20261125").as_deref(), Some("DD20261126"));
        assert_eq!(next_prefix("DD2026119").as_deref(), Some("DD202612"));
        assert_eq!(next_prefix("999"), None);
    }
}
