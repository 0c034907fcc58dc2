//! Order history for `printdesk demo --years N --orders-per-day N` (issue 4 item 14).
//!
//! Ten years at 150 orders a day is about 465,000 orders: saving each through
//! `orders::order::service::create_order` (a transaction and some twenty statements per order)
//! would take the better part of an hour. So the history is priced, not invented, and then
//! written in bulk: a few hundred line *shapes* (a product with sizes or quantities typical of its
//! pricing mode) are priced once through `service::quote` — the real `price_line` with processes
//! — and every generated order is a mix of those priced lines, added up by
//! `orders::order::rules::totals` with the account set's settings. Orders, lines, processes,
//! tasks and shipments are then inserted with multi-row statements, a day's orders numbered
//! exactly as the counter would (prefix + date + sequence, with `doc_sequences` brought level).
//! Old orders are delivered with their tasks done; the last days hold drafts, approved orders and
//! work in production, so the boards have something to show.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{Datelike, NaiveDate, NaiveTime, TimeZone, Utc};

use crate::demo::SplitMix64;
use crate::kernel::auth::CurrentUser;
use crate::kernel::clock;
use crate::kernel::db::{Db, Tx};
use crate::kernel::deferred::Bound;
use crate::kernel::i18n::Locale;
use crate::kernel::money::Money;
use crate::kernel::tenancy::Scope;
use crate::orders::order::OrderLine;
use crate::orders::order::rules::{self, LineInput, OrderInput, OrderStatus};
use crate::orders::settings;
use crate::system::settings_list::{self, DELIVERY_METHOD, FEATURE_TAG, ORDER_CATEGORY};

/// Orders written per transaction.
const BATCH: usize = 2_000;
/// Most bind parameters per statement on PostgreSQL (which allows 65,535).
const MAX_PARAMS_POSTGRES: usize = 8_000;
/// Most bind parameters per statement on SQLite. sqlx binds `$N` parameters by looking each name
/// up among all of the statement's (`sqlite3_bind_parameter_name`), so a statement's cost grows
/// with the square of its parameters: 8,000 spent 80 % of a run there, 400 keeps it negligible.
const MAX_PARAMS_SQLITE: usize = 400;

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct HistoryOptions {
    pub years: u32,
    pub orders_per_day: u32,
}

/// What was generated.
#[derive(Clone, Copy, Debug, Default)]
pub struct HistoryReport {
    pub orders: usize,
    pub lines: usize,
    pub shipments: usize,
    pub took: Duration,
}

/// Rows of one table, inserted in as few statements as the parameter limit allows.
struct Rows {
    table: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<Bound>>,
}

impl Rows {
    fn new(table: &'static str, columns: &'static [&'static str]) -> Rows {
        Rows {
            table,
            columns,
            rows: Vec::new(),
        }
    }

    fn push(&mut self, row: Vec<Bound>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    async fn flush(&mut self, tx: &mut Tx, max_params: usize) -> anyhow::Result<()> {
        let width = self.columns.len();
        let per_statement = (max_params / width).max(1);
        let rows = std::mem::take(&mut self.rows);
        for chunk in rows.chunks(per_statement) {
            let mut values = String::with_capacity(chunk.len() * width * 5);
            let mut n = 0;
            for (i, _) in chunk.iter().enumerate() {
                if i > 0 {
                    values.push_str(", ");
                }
                values.push('(');
                for c in 0..width {
                    if c > 0 {
                        values.push_str(", ");
                    }
                    n += 1;
                    values.push_str(&format!("${n}"));
                }
                values.push(')');
            }
            // Table and column names are constants of this module, never input.
            let sql = format!(
                "insert into {} ({}) values {values}",
                self.table,
                self.columns.join(", ")
            );
            let binds: Vec<Bound> = chunk.iter().flatten().cloned().collect();
            let args = crate::kernel::deferred::arguments(&binds)
                .map_err(|err| anyhow::anyhow!("binding rows of {}: {err:?}", self.table))?;
            sqlx::query_with(sqlx::AssertSqlSafe(sql), args)
                .execute(&mut **tx)
                .await
                .with_context(|| format!("bulk insert into {}", self.table))?;
        }
        Ok(())
    }
}

const ORDER_COLUMNS: &[&str] = &[
    "id",
    "account_set_id",
    "number",
    "order_date",
    "status",
    "customer_id",
    "walk_in_name",
    "walk_in_mobile",
    "category_id",
    "delivery_method_id",
    "due_at",
    "goods_amount",
    "process_amount",
    "management_fee",
    "tax_rate",
    "tax_inclusive",
    "tax_amount",
    "discount",
    "round_off",
    "total",
    "shipped",
    "created_at",
    "created_by",
    "updated_at",
    "approved_at",
    "approved_by",
];

const LINE_COLUMNS: &[&str] = &[
    "id",
    "account_set_id",
    "order_id",
    "line_no",
    "product_id",
    "product_code",
    "product_name",
    "unit_name",
    "specification",
    "pricing_mode",
    "dimension_unit",
    "width",
    "height",
    "quantity",
    "pages",
    "sides",
    "colour",
    "billable_quantity",
    "unit_price",
    "amount",
    "process_amount",
    "line_total",
    "price_source",
    "explanation",
    "priced_amount",
];

const PROCESS_COLUMNS: &[&str] = &[
    "id",
    "account_set_id",
    "order_line_id",
    "process_id",
    "name",
    "quantity",
    "unit_price",
    "amount",
    "sort",
];

const TAG_COLUMNS: &[&str] = &["account_set_id", "order_id", "tag_id"];

const SHIPMENT_COLUMNS: &[&str] = &[
    "id",
    "account_set_id",
    "number",
    "customer_id",
    "delivery_method_id",
    "courier",
    "tracking_number",
    "recipient",
    "phone",
    "address",
    "packages",
    "fee",
    "fee_payer",
    "status",
    "shipped_at",
    "signed_at",
    "created_at",
    "created_by",
];

const SHIPMENT_ORDER_COLUMNS: &[&str] = &["account_set_id", "shipment_id", "order_id"];

/// Typical sizes in centimetres of sign and print work.
const SIZES_CM: &[(i64, i64)] = &[
    (60, 160),
    (80, 180),
    (80, 200),
    (120, 240),
    (90, 50),
    (300, 100),
    (200, 80),
    (50, 70),
    (40, 60),
    (600, 90),
];
const COURIERS: &[&str] = &["顺丰", "中通", "德邦", "货拉拉", "自送"];
const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴"];

/// Prices a few hundred typical lines through the real calculation.
async fn shapes(
    db: &Db,
    user: &CurrentUser,
    rng: &mut SplitMix64,
) -> anyhow::Result<Vec<OrderLine>> {
    let products: Vec<(i64, String, String)> = sqlx::query_as(
        r#"select id, pricing_mode, dimension_unit from products
           where account_set_id = $1 and deleted_at is null and is_active = 1 order by id"#,
    )
    .bind(user.scope().id())
    .fetch_all(db.pool())
    .await?;
    let mut priced = Vec::new();
    for (id, mode, unit) in products.iter().take(400) {
        for _ in 0..2 {
            let (w, h) = *rng.pick(SIZES_CM);
            let size = |cm: i64| match unit.as_str() {
                "m" => Money::from_scaled(cm * 100).to_string(),
                "mm" => (cm * 10).to_string(),
                _ => cm.to_string(),
            };
            let mut line = LineInput {
                product_id: Some(*id),
                ..LineInput::default()
            };
            match mode.as_str() {
                "area" | "virtual_area" | "perimeter" => {
                    line.width = size(w);
                    line.height = size(h);
                    line.quantity = (1 + rng.below(4)).to_string();
                }
                "length" => {
                    line.width = size(w * 3);
                    line.quantity = (1 + rng.below(3)).to_string();
                }
                "sheet" => {
                    line.quantity = (1 + rng.below(50)).to_string();
                    line.pages = (1 + rng.below(20)).to_string();
                    line.sides = (1 + rng.below(2)).to_string();
                    line.colour = rng.chance(40);
                }
                "negotiated" => {
                    line.quantity = "1".to_owned();
                    line.unit_price = (100 + 50 * rng.below(20)).to_string();
                }
                _ => line.quantity = (1 + rng.below(20)).to_string(),
            }
            let input = OrderInput {
                lines: vec![line],
                ..OrderInput::default()
            };
            if let Ok(quote) =
                crate::orders::order::service::quote(db, user, &input, Locale::ZhCn).await
            {
                priced.extend(quote.lines);
            }
        }
    }
    anyhow::ensure!(
        !priced.is_empty(),
        "no product could be priced for the order history"
    );
    Ok(priced)
}

fn ids_of(options: Vec<settings_list::ListOption>) -> Vec<(i64, String)> {
    options.into_iter().map(|o| (o.id, o.name)).collect()
}

/// UTC text of a local (UTC+8) date and time.
fn at_local(date: NaiveDate, hour: u32, minute: u32) -> String {
    let local = date.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default());
    let utc = Utc.from_utc_datetime(&(local - chrono::Duration::hours(8)));
    clock::to_text(utc)
}

/// Generates the history into the account set of `user`.
pub async fn generate(
    db: &Db,
    user: &CurrentUser,
    seed: u64,
    options: HistoryOptions,
    customer_ids: &[i64],
) -> anyhow::Result<HistoryReport> {
    let started = Instant::now();
    let scope: &Scope = user.scope();
    let mut rng = SplitMix64::new(seed ^ 0x0DDE_5000);
    let settings = settings::load(db, scope).await?;
    let places = crate::system::product::service::decimal_places(db, scope)
        .await
        .map_err(|err| anyhow::anyhow!("decimal places: {err:?}"))?;
    let shapes = shapes(db, user, &mut rng).await?;
    let categories = ids_of(settings_list::options(db, scope, &ORDER_CATEGORY).await?);
    let methods = ids_of(settings_list::options(db, scope, &DELIVERY_METHOD).await?);
    let tags = ids_of(settings_list::options(db, scope, &FEATURE_TAG).await?);
    let method = |name: &str| methods.iter().find(|(_, n)| n == name).map(|(id, _)| *id);
    let pickup = method("门店自提");
    let courier = method("快递");
    let delivery = method("送货上门");

    let today = NaiveDate::parse_from_str(&clock::today_local(), "%Y-%m-%d")?;
    let first = today - chrono::Duration::days(i64::from(options.years) * 365);
    let mut sequences: HashMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
        "select period, next_value from doc_sequences where account_set_id = $1 and kind = 'order'",
    )
    .bind(scope.id())
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .collect();
    let mut shipment_sequences: HashMap<String, i64> = HashMap::new();

    let max_params = match db.backend() {
        crate::kernel::db::Backend::Sqlite => MAX_PARAMS_SQLITE,
        crate::kernel::db::Backend::Postgres => MAX_PARAMS_POSTGRES,
    };
    let mut tx = db.begin_write().await?;
    let next_id = |table: &'static str| {
        // A fixed table name of this module.
        format!("select coalesce(max(id), 0) + 1 from {table}")
    };
    let mut order_id: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(next_id("orders")))
        .fetch_one(&mut *tx)
        .await?;
    let mut line_id: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(next_id("order_lines")))
        .fetch_one(&mut *tx)
        .await?;
    let mut process_row_id: i64 =
        sqlx::query_scalar(sqlx::AssertSqlSafe(next_id("order_line_processes")))
            .fetch_one(&mut *tx)
            .await?;
    let mut shipment_id: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(next_id("shipments")))
        .fetch_one(&mut *tx)
        .await?;

    let mut orders = Rows::new("orders", ORDER_COLUMNS);
    let mut lines = Rows::new("order_lines", LINE_COLUMNS);
    let mut processes = Rows::new("order_line_processes", PROCESS_COLUMNS);
    let mut order_tags = Rows::new("order_tags", TAG_COLUMNS);
    let mut shipments = Rows::new("shipments", SHIPMENT_COLUMNS);
    let mut shipment_orders = Rows::new("shipment_orders", SHIPMENT_ORDER_COLUMNS);
    let mut report = HistoryReport::default();
    let mut in_batch = 0;
    let mut batch_first_order = order_id;
    let user_id = user.user_id.0;
    let account_set_id = scope.id();

    let mut date = first;
    while date < today {
        let weekday_factor = match date.weekday() {
            chrono::Weekday::Sun => 60,
            chrono::Weekday::Sat => 80,
            _ => 110,
        };
        let base = i64::from(options.orders_per_day) * weekday_factor / 100;
        let spread = (base / 4).max(1);
        let n =
            (base - spread + i64::try_from(rng.below(usize::try_from(2 * spread + 1)?))?).max(0);
        let days_ago = (today - date).num_days();
        let day = date.format("%Y%m%d").to_string();
        let day_text = date.format("%Y-%m-%d").to_string();
        let seq_start = sequences.get(&day).copied().unwrap_or(1);
        for k in 0..n {
            let seq = seq_start + k;
            let number = format!("{}{day}{seq:04}", settings.number_prefix);
            let n_lines = 1 + usize::from(rng.chance(35)) + usize::from(rng.chance(15));
            let mut chosen: Vec<&OrderLine> = (0..n_lines).map(|_| rng.pick(&shapes)).collect();
            chosen.dedup_by_key(|l| l.product_id);
            let sums: Vec<(Money, Money)> = chosen
                .iter()
                .map(|l| (l.amount, l.process_amount))
                .collect();
            let discount = if rng.chance(10) {
                Money::from_scaled(10_000 * i64::try_from(1 + rng.below(5))?)
            } else {
                Money::ZERO
            };
            let totals = rules::totals(
                &sums,
                &settings,
                discount,
                settings.default_tax_rate,
                &places,
            )
            .or_else(|_| {
                rules::totals(
                    &sums,
                    &settings,
                    Money::ZERO,
                    settings.default_tax_rate,
                    &places,
                )
            })
            .map_err(|_| anyhow::anyhow!("totals of a generated order"))?;
            let status = match days_ago {
                0..=1 => *rng.pick(&[
                    OrderStatus::Draft,
                    OrderStatus::Approved,
                    OrderStatus::InProduction,
                    OrderStatus::Done,
                ]),
                2..=6 => *rng.pick(&[
                    OrderStatus::InProduction,
                    OrderStatus::Done,
                    OrderStatus::Delivered,
                    OrderStatus::Delivered,
                ]),
                _ if rng.chance(1) => OrderStatus::Cancelled,
                _ => OrderStatus::Delivered,
            };
            let walk_in = customer_ids.is_empty() || rng.chance(55);
            let customer_id = (!walk_in).then(|| *rng.pick(customer_ids));
            let walk_in_name = if walk_in && rng.chance(40) {
                format!(
                    "{}{}",
                    rng.pick(SURNAMES),
                    if rng.chance(50) { "先生" } else { "女士" }
                )
            } else {
                String::new()
            };
            let walk_in_mobile = if walk_in && rng.chance(30) {
                format!("13{:09}", rng.next_u64() % 1_000_000_000)
            } else {
                String::new()
            };
            let method_id = match rng.below(10) {
                0 => courier,
                1 => delivery,
                _ => pickup,
            };
            let minute = u32::try_from(rng.below(600))?;
            let created_at = at_local(date, 8 + minute / 60, minute % 60);
            let due_at = format!(
                "{} 17:00",
                (date + chrono::Duration::days(1)).format("%Y-%m-%d")
            );
            let approved = !matches!(status, OrderStatus::Draft | OrderStatus::Cancelled);
            let shipped = status == OrderStatus::Delivered && method_id == courier;
            orders.push(vec![
                order_id.into(),
                account_set_id.into(),
                number.into(),
                day_text.as_str().into(),
                status.code().into(),
                customer_id.into(),
                walk_in_name.into(),
                walk_in_mobile.into(),
                Some(rng.pick(&categories).0).into(),
                method_id.into(),
                Some(due_at).into(),
                totals.goods.scaled().into(),
                totals.processes.scaled().into(),
                totals.management_fee.scaled().into(),
                crate::kernel::money::Quantity::from_decimal(settings.default_tax_rate)
                    .map_or(0, crate::kernel::money::Quantity::scaled)
                    .into(),
                i64::from(settings.tax_inclusive).into(),
                totals.tax.scaled().into(),
                totals.discount.scaled().into(),
                totals.round_off.scaled().into(),
                totals.total.scaled().into(),
                i64::from(shipped).into(),
                created_at.as_str().into(),
                user_id.into(),
                created_at.as_str().into(),
                approved.then(|| created_at.clone()).into(),
                approved.then_some(user_id).into(),
            ]);
            for (line_no, shape) in (1_i64..).zip(&chosen) {
                lines.push(vec![
                    line_id.into(),
                    account_set_id.into(),
                    order_id.into(),
                    line_no.into(),
                    shape.product_id.into(),
                    shape.product_code.as_str().into(),
                    shape.product_name.as_str().into(),
                    shape.unit_name.as_str().into(),
                    shape.specification.as_str().into(),
                    shape.pricing_mode.as_str().into(),
                    shape.dimension_unit.as_str().into(),
                    shape.width.scaled().into(),
                    shape.height.scaled().into(),
                    shape.quantity.scaled().into(),
                    shape.pages.scaled().into(),
                    shape.sides.into(),
                    i64::from(shape.colour).into(),
                    shape.billable_quantity.scaled().into(),
                    shape.unit_price.scaled().into(),
                    shape.amount.scaled().into(),
                    shape.process_amount.scaled().into(),
                    shape.line_total.scaled().into(),
                    shape.price_source.as_str().into(),
                    shape.explanation.as_str().into(),
                    shape.priced_amount.scaled().into(),
                ]);
                for (sort, p) in (1_i64..).zip(&shape.processes) {
                    processes.push(vec![
                        process_row_id.into(),
                        account_set_id.into(),
                        line_id.into(),
                        p.process_id.into(),
                        p.name.as_str().into(),
                        p.quantity.scaled().into(),
                        p.unit_price.scaled().into(),
                        p.amount.scaled().into(),
                        sort.into(),
                    ]);
                    process_row_id += 1;
                }
                line_id += 1;
                report.lines += 1;
            }
            if !tags.is_empty() && rng.chance(12) {
                let tag = rng.pick(&tags).0;
                order_tags.push(vec![account_set_id.into(), order_id.into(), tag.into()]);
            }
            if shipped {
                let ship_seq = shipment_sequences.entry(day.clone()).or_insert(1);
                shipments.push(vec![
                    shipment_id.into(),
                    account_set_id.into(),
                    format!("FH{day}{:04}", *ship_seq).into(),
                    customer_id.into(),
                    method_id.into(),
                    (*rng.pick(COURIERS)).into(),
                    format!("SF{:012}", rng.next_u64() % 1_000_000_000_000).into(),
                    String::new().into(),
                    String::new().into(),
                    String::new().into(),
                    1_i64.into(),
                    0_i64.into(),
                    "shop".into(),
                    "signed".into(),
                    Some(at_local(date, 18, 0)).into(),
                    Some(at_local(date + chrono::Duration::days(2), 11, 0)).into(),
                    created_at.as_str().into(),
                    user_id.into(),
                ]);
                shipment_orders.push(vec![
                    account_set_id.into(),
                    shipment_id.into(),
                    order_id.into(),
                ]);
                *ship_seq += 1;
                shipment_id += 1;
                report.shipments += 1;
            }
            order_id += 1;
            report.orders += 1;
            in_batch += 1;
            if in_batch >= BATCH {
                flush_batch(
                    &mut tx,
                    max_params,
                    account_set_id,
                    batch_first_order,
                    order_id,
                    [
                        &mut orders,
                        &mut lines,
                        &mut processes,
                        &mut order_tags,
                        &mut shipments,
                        &mut shipment_orders,
                    ],
                )
                .await?;
                tx.commit().await?;
                tx = db.begin_write().await?;
                in_batch = 0;
                batch_first_order = order_id;
            }
        }
        sequences.insert(day, seq_start + n);
        date += chrono::Duration::days(1);
    }
    flush_batch(
        &mut tx,
        max_params,
        account_set_id,
        batch_first_order,
        order_id,
        [
            &mut orders,
            &mut lines,
            &mut processes,
            &mut order_tags,
            &mut shipments,
            &mut shipment_orders,
        ],
    )
    .await?;
    for (kind, map) in [("order", &sequences), ("shipment", &shipment_sequences)] {
        let mut rows = Rows::new(
            "doc_sequences",
            &["account_set_id", "kind", "period", "next_value"],
        );
        let existing: Vec<String> = sqlx::query_scalar(
            "select period from doc_sequences where account_set_id = $1 and kind = $2",
        )
        .bind(account_set_id)
        .bind(kind)
        .fetch_all(&mut *tx)
        .await?;
        for (period, next) in map {
            if existing.contains(period) {
                sqlx::query(
                    "update doc_sequences set next_value = $4 where account_set_id = $1 and kind = $2 and period = $3",
                )
                .bind(account_set_id)
                .bind(kind)
                .bind(period)
                .bind(*next)
                .execute(&mut *tx)
                .await?;
            } else {
                rows.push(vec![
                    account_set_id.into(),
                    kind.into(),
                    period.as_str().into(),
                    (*next).into(),
                ]);
            }
        }
        rows.flush(&mut tx, max_params).await?;
    }
    for table in ["orders", "order_lines", "order_line_processes", "shipments"] {
        db.sync_identity(&mut tx, table).await?;
    }
    crate::orders::order::remember_all_search_values(&mut tx, scope).await?;
    tx.commit().await?;
    for table in [
        "orders",
        "order_lines",
        "order_line_processes",
        "order_tags",
        "tasks",
        "shipments",
        "shipment_orders",
    ] {
        // A fixed table name from the list above.
        sqlx::query(sqlx::AssertSqlSafe(format!("analyze {table}")))
            .execute(db.pool())
            .await?;
    }
    if db.backend() == crate::kernel::db::Backend::Sqlite {
        // Keep the row counts (sqlite_stat1) but not the per-value samples (sqlite_stat4): with
        // samples SQLite re-prepares every statement on those tables whenever a bound value
        // changes, which cost order saves a sixth of their CPU (docs/performance.md).
        let has_stat4: i64 = sqlx::query_scalar(
            "select cast(count(*) as bigint) from sqlite_master where name = 'sqlite_stat4'",
        )
        .fetch_one(db.pool())
        .await?;
        if has_stat4 > 0 {
            let mut tx = db.begin_write().await?;
            sqlx::query("delete from sqlite_stat4")
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            sqlx::query("analyze sqlite_schema")
                .execute(db.write_pool())
                .await?;
        }
    }
    // Years of history sit in SQLite's write-ahead log: copy them into the database now rather
    // than in the background while the shop works.
    db.checkpoint().await?;
    report.took = started.elapsed();
    Ok(report)
}

/// Writes a batch and the tasks of its approved orders (done for finished work). The tasks are
/// read from the batch's order-id range outwards (`cross join` keeps SQLite's planner on that
/// path; scanning every process row per batch made the history quadratic).
async fn flush_batch(
    tx: &mut Tx,
    max_params: usize,
    account_set_id: i64,
    first_order: i64,
    end_order: i64,
    rows: [&mut Rows; 6],
) -> anyhow::Result<()> {
    for table in rows {
        table.flush(tx, max_params).await?;
    }
    sqlx::query(
        r#"insert into tasks (account_set_id, order_id, order_line_id, process_id, process_name,
               status, due_at, created_at, started_at, finished_at)
           select o.account_set_id, o.id, l.id, p.process_id, p.name,
                  case when o.status in ('done', 'delivered', 'closed') then 'done'
                       when o.status = 'in_production' and p.sort = 1 then 'doing'
                       else 'todo' end,
                  o.due_at, o.created_at,
                  case when o.status in ('done', 'delivered', 'closed', 'in_production') then o.created_at end,
                  case when o.status in ('done', 'delivered', 'closed') then o.created_at end
           from orders o
           cross join order_lines l
           cross join order_line_processes p
           where l.order_id = o.id and p.order_line_id = l.id
             and o.account_set_id = $1 and o.id >= $2 and o.id < $3
             and o.status not in ('draft', 'cancelled')"#,
    )
    .bind(account_set_id)
    .bind(first_order)
    .bind(end_order)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
