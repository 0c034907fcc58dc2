//! SQL of shipments, the orders they cover, and the shipped mark and status those orders get.
//! Every statement names the account set first. Deleted orders are never put on a shipment, but
//! a shipment still shows an order that went to the bin after it was added.

use chrono::{Days, NaiveDate};
use sqlx::{AnyPool, FromRow};

use super::rules::{self, FeePayer, NewShipment, OrderToShip, ShipmentStatus};
use super::{Shipment, ShipmentId, ShipmentListLine, ShipmentOrder};
use crate::kernel::db::{StoreError, StoreResult, Tx, to_flag};
use crate::kernel::money::Money;
use crate::kernel::tenancy::Scope;
use crate::orders::order::OrderId;
use crate::orders::order::rules::OrderStatus;

/// What the list asks for. Dates are the shop's days, inclusive, and match the day a shipment
/// was shipped (or, while pending, created). Texts are lowercase; empty for all.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
    pub status: Option<ShipmentStatus>,
    /// Customer, walk-in or recipient name, or an order number.
    pub customer: String,
    pub courier: String,
    pub tracking_number: String,
}

/// What a new shipment starts from: the order's contact and delivery address.
#[derive(Clone, Debug)]
pub struct OrderDefaults {
    pub order: ShipmentOrder,
    pub contact_person: String,
    pub contact_phone: String,
    pub walk_in_name: String,
    pub walk_in_mobile: String,
    pub delivery_method_id: Option<i64>,
    pub delivery_address: String,
    pub customer_address: String,
}

fn status_of(code: &str) -> ShipmentStatus {
    ShipmentStatus::from_code(code).unwrap_or(ShipmentStatus::Pending)
}

fn payer_of(code: &str) -> FeePayer {
    FeePayer::from_code(code).unwrap_or(FeePayer::Shop)
}

fn order_status_of(code: &str) -> OrderStatus {
    OrderStatus::from_code(code).unwrap_or(OrderStatus::Draft)
}

/// The live orders among `ids`, each locked for the rest of the transaction, with the number of
/// another shipment (other than `except`) that already covers it. Ids not found are left out.
pub(super) async fn orders_to_ship(
    tx: &mut Tx,
    scope: &Scope,
    ids: &[OrderId],
    except: Option<ShipmentId>,
    for_update: &str,
) -> StoreResult<Vec<OrderToShip>> {
    let lock_sql = format!(
        "select id, number, status, customer_id from orders where account_set_id = $1 and id = $2 and deleted_at is null{for_update}"
    );
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        let row: Option<(i64, String, String, Option<i64>)> =
            sqlx::query_as(sqlx::AssertSqlSafe(lock_sql.clone()))
                .bind(scope.id())
                .bind(id.0)
                .fetch_optional(&mut **tx)
                .await?;
        let Some((order_id, number, status, customer_id)) = row else {
            continue;
        };
        let other_shipment: Option<String> = sqlx::query_scalar(
            r#"select s.number from shipment_orders so
               join shipments s on s.id = so.shipment_id
               where so.account_set_id = $1 and so.order_id = $2 and so.shipment_id <> $3
               order by s.id
               limit 1"#,
        )
        .bind(scope.id())
        .bind(order_id)
        .bind(except.map_or(0, |s| s.0))
        .fetch_optional(&mut **tx)
        .await?;
        found.push(OrderToShip {
            id: OrderId(order_id),
            number,
            status: order_status_of(&status),
            customer_id,
            other_shipment,
        });
    }
    Ok(found)
}

/// Saves a new shipment (without its orders, see [`insert_orders`]).
pub(super) async fn insert(
    tx: &mut Tx,
    scope: &Scope,
    number: &str,
    new: &NewShipment,
    customer_id: Option<i64>,
    now: &str,
    created_by: i64,
) -> StoreResult<ShipmentId> {
    let id: i64 = sqlx::query_scalar(
        r#"insert into shipments (account_set_id, number, customer_id, delivery_method_id, courier,
               tracking_number, recipient, phone, address, packages, fee, fee_payer, status,
               remarks, created_at, created_by, version)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1)
           returning id"#,
    )
    .bind(scope.id())
    .bind(number)
    .bind(customer_id)
    .bind(new.delivery_method_id)
    .bind(&new.courier)
    .bind(&new.tracking_number)
    .bind(&new.recipient)
    .bind(&new.phone)
    .bind(&new.address)
    .bind(new.packages)
    .bind(new.fee.scaled())
    .bind(new.fee_payer.code())
    .bind(ShipmentStatus::Pending.code())
    .bind(&new.remarks)
    .bind(now)
    .bind(created_by)
    .fetch_one(&mut **tx)
    .await?;
    Ok(ShipmentId(id))
}

/// The orders of a shipment just inserted, or cleared by [`update`].
pub(super) async fn insert_orders(
    tx: &mut Tx,
    scope: &Scope,
    id: ShipmentId,
    order_ids: &[OrderId],
) -> StoreResult<()> {
    for order_id in order_ids {
        sqlx::query(
            "insert into shipment_orders (account_set_id, shipment_id, order_id) values ($1, $2, $3)",
        )
        .bind(scope.id())
        .bind(id.0)
        .bind(order_id.0)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Overwrites a pending shipment at `version`, raises the version and clears its orders.
/// `NotFound` when it is gone, no longer pending or someone saved first.
pub(super) async fn update(
    tx: &mut Tx,
    scope: &Scope,
    id: ShipmentId,
    version: i64,
    new: &NewShipment,
    customer_id: Option<i64>,
) -> StoreResult<()> {
    let res = sqlx::query(
        r#"update shipments set customer_id = $4, delivery_method_id = $5, courier = $6,
               tracking_number = $7, recipient = $8, phone = $9, address = $10, packages = $11,
               fee = $12, fee_payer = $13, remarks = $14, version = version + 1
           where account_set_id = $1 and id = $2 and version = $3 and status = $15"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .bind(version)
    .bind(customer_id)
    .bind(new.delivery_method_id)
    .bind(&new.courier)
    .bind(&new.tracking_number)
    .bind(&new.recipient)
    .bind(&new.phone)
    .bind(&new.address)
    .bind(new.packages)
    .bind(new.fee.scaled())
    .bind(new.fee_payer.code())
    .bind(&new.remarks)
    .bind(ShipmentStatus::Pending.code())
    .execute(&mut **tx)
    .await?;
    if res.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query("delete from shipment_orders where account_set_id = $1 and shipment_id = $2")
        .bind(scope.id())
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The status and version of a shipment, locked for the rest of the transaction.
pub(super) async fn lock(
    tx: &mut Tx,
    scope: &Scope,
    id: ShipmentId,
    for_update: &str,
) -> StoreResult<(ShipmentStatus, i64)> {
    let sql = format!(
        "select status, version from shipments where account_set_id = $1 and id = $2{for_update}"
    );
    let (status, version): (String, i64) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(id.0)
        .fetch_one(&mut **tx)
        .await?;
    Ok((status_of(&status), version))
}

/// The orders a shipment covers.
pub(super) async fn order_ids(
    tx: &mut Tx,
    scope: &Scope,
    id: ShipmentId,
) -> StoreResult<Vec<OrderId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "select order_id from shipment_orders where account_set_id = $1 and shipment_id = $2 order by order_id",
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_all(&mut **tx)
    .await?;
    Ok(ids.into_iter().map(OrderId).collect())
}

/// Moves a shipment to `status`: shipping stamps `shipped_at`, signing `signed_at`, and going
/// back to pending clears both.
pub(super) async fn set_status(
    tx: &mut Tx,
    scope: &Scope,
    id: ShipmentId,
    status: ShipmentStatus,
    now: &str,
) -> StoreResult<()> {
    let sql = match status {
        ShipmentStatus::Shipped => {
            "update shipments set status = $3, shipped_at = $4, signed_at = null, version = version + 1 where account_set_id = $1 and id = $2"
        }
        ShipmentStatus::Signed => {
            "update shipments set status = $3, signed_at = $4, version = version + 1 where account_set_id = $1 and id = $2"
        }
        ShipmentStatus::Pending => {
            "update shipments set status = $3, shipped_at = null, signed_at = null, version = version + 1 where account_set_id = $1 and id = $2 and $4 = $4"
        }
    };
    sqlx::query(sql)
        .bind(scope.id())
        .bind(id.0)
        .bind(status.code())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Marks the orders of a shipment shipped, moving those in `promote.0` to `promote.1`.
pub(super) async fn mark_orders_shipped(
    tx: &mut Tx,
    scope: &Scope,
    id: ShipmentId,
    promote: (OrderStatus, OrderStatus),
    now: &str,
) -> StoreResult<()> {
    sqlx::query(
        r#"update orders set shipped = $3,
               status = case when status = $4 then $5 else status end,
               updated_at = $6, version = version + 1
           where account_set_id = $1
             and id in (select order_id from shipment_orders
                        where account_set_id = $1 and shipment_id = $2)"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .bind(to_flag(true))
    .bind(promote.0.code())
    .bind(promote.1.code())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Clears the shipped mark of the orders of a shipment being withdrawn, moving those in
/// `demote.0` back to `demote.1`, except orders that another shipped shipment still covers.
pub(super) async fn unmark_orders_shipped(
    tx: &mut Tx,
    scope: &Scope,
    id: ShipmentId,
    demote: (OrderStatus, OrderStatus),
    now: &str,
) -> StoreResult<()> {
    sqlx::query(
        r#"update orders set shipped = $3,
               status = case when status = $4 then $5 else status end,
               updated_at = $6, version = version + 1
           where account_set_id = $1
             and id in (select order_id from shipment_orders
                        where account_set_id = $1 and shipment_id = $2)
             and not exists (select 1 from shipment_orders so
                             join shipments s on s.id = so.shipment_id
                             where so.account_set_id = $1 and so.order_id = orders.id
                               and so.shipment_id <> $2 and s.status <> $7)"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .bind(to_flag(false))
    .bind(demote.0.code())
    .bind(demote.1.code())
    .bind(now)
    .bind(ShipmentStatus::Pending.code())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Deletes a pending shipment with its order links.
pub(super) async fn delete(tx: &mut Tx, scope: &Scope, id: ShipmentId) -> StoreResult<()> {
    sqlx::query("delete from shipment_orders where account_set_id = $1 and shipment_id = $2")
        .bind(scope.id())
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    let res =
        sqlx::query("delete from shipments where account_set_id = $1 and id = $2 and status = $3")
            .bind(scope.id())
            .bind(id.0)
            .bind(ShipmentStatus::Pending.code())
            .execute(&mut **tx)
            .await?;
    if res.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

#[derive(FromRow)]
struct ShipmentRow {
    id: i64,
    number: String,
    status: String,
    customer_id: Option<i64>,
    customer_name: Option<String>,
    delivery_method_id: Option<i64>,
    courier: String,
    tracking_number: String,
    recipient: String,
    phone: String,
    address: String,
    packages: i64,
    fee: i64,
    fee_payer: String,
    shipped_at: Option<String>,
    signed_at: Option<String>,
    remarks: String,
    created_at: String,
    created_by_name: Option<String>,
    version: i64,
}

#[derive(FromRow)]
struct OrderRow {
    id: i64,
    number: String,
    status: String,
    customer_id: Option<i64>,
    customer_name: String,
    total: i64,
}

impl From<OrderRow> for ShipmentOrder {
    fn from(row: OrderRow) -> ShipmentOrder {
        ShipmentOrder {
            id: OrderId(row.id),
            number: row.number,
            status: order_status_of(&row.status),
            customer_id: row.customer_id,
            customer_name: row.customer_name,
            total: Money::from_scaled(row.total),
        }
    }
}

/// A shipment with its orders; `NotFound` if it is not in this account set.
pub(super) async fn find(pool: &AnyPool, scope: &Scope, id: ShipmentId) -> StoreResult<Shipment> {
    let row = sqlx::query_as::<_, ShipmentRow>(
        r#"select s.id, s.number, s.status, s.customer_id, c.name as customer_name,
                  s.delivery_method_id, s.courier, s.tracking_number, s.recipient, s.phone,
                  s.address, s.packages, s.fee, s.fee_payer, s.shipped_at, s.signed_at, s.remarks,
                  s.created_at, u.display_name as created_by_name, s.version
           from shipments s
           left join customers c on c.id = s.customer_id
           left join users u on u.id = s.created_by
           where s.account_set_id = $1 and s.id = $2"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_one(pool)
    .await?;
    let orders: Vec<ShipmentOrder> = sqlx::query_as::<_, OrderRow>(
        r#"select o.id, o.number, o.status, o.customer_id,
                  coalesce(c.name, o.walk_in_name) as customer_name, o.total
           from shipment_orders so
           join orders o on o.id = so.order_id
           left join customers c on c.id = o.customer_id
           where so.account_set_id = $1 and so.shipment_id = $2
           order by o.number"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(ShipmentOrder::from)
    .collect();
    let customer_name = match row.customer_name {
        Some(name) => name,
        None => orders
            .first()
            .map(|o| o.customer_name.clone())
            .unwrap_or_default(),
    };
    Ok(Shipment {
        id: ShipmentId(row.id),
        number: row.number,
        status: status_of(&row.status),
        customer_id: row.customer_id,
        customer_name,
        delivery_method_id: row.delivery_method_id,
        courier: row.courier,
        tracking_number: row.tracking_number,
        recipient: row.recipient,
        phone: row.phone,
        address: row.address,
        packages: row.packages,
        fee: Money::from_scaled(row.fee),
        fee_payer: payer_of(&row.fee_payer),
        shipped_at: row.shipped_at,
        signed_at: row.signed_at,
        remarks: row.remarks,
        created_at: row.created_at,
        created_by_name: row.created_by_name.unwrap_or_default(),
        version: row.version,
        orders,
    })
}

#[derive(FromRow)]
struct DefaultsRow {
    id: i64,
    number: String,
    status: String,
    customer_id: Option<i64>,
    customer_name: String,
    total: i64,
    contact_person: String,
    contact_phone: String,
    walk_in_name: String,
    walk_in_mobile: String,
    delivery_method_id: Option<i64>,
    delivery_address: String,
    customer_address: String,
}

/// A live order with what a shipment of it starts from; `NotFound` if it is not live here.
pub(super) async fn order_defaults(
    pool: &AnyPool,
    scope: &Scope,
    id: OrderId,
) -> StoreResult<OrderDefaults> {
    let row = sqlx::query_as::<_, DefaultsRow>(
        r#"select o.id, o.number, o.status, o.customer_id,
                  coalesce(c.name, o.walk_in_name) as customer_name, o.total, o.contact_person,
                  o.contact_phone, o.walk_in_name, o.walk_in_mobile, o.delivery_method_id,
                  o.delivery_address, coalesce(c.address, '') as customer_address
           from orders o
           left join customers c on c.id = o.customer_id
           where o.account_set_id = $1 and o.id = $2 and o.deleted_at is null"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_one(pool)
    .await?;
    Ok(OrderDefaults {
        order: ShipmentOrder {
            id: OrderId(row.id),
            number: row.number,
            status: order_status_of(&row.status),
            customer_id: row.customer_id,
            customer_name: row.customer_name,
            total: Money::from_scaled(row.total),
        },
        contact_person: row.contact_person,
        contact_phone: row.contact_phone,
        walk_in_name: row.walk_in_name,
        walk_in_mobile: row.walk_in_mobile,
        delivery_method_id: row.delivery_method_id,
        delivery_address: row.delivery_address,
        customer_address: row.customer_address,
    })
}

/// The live order numbered `number` (as typed, any case), if there is one.
pub(super) async fn order_by_number(
    pool: &AnyPool,
    scope: &Scope,
    number: &str,
) -> StoreResult<Option<OrderId>> {
    let id: Option<i64> = sqlx::query_scalar(
        r#"select id from orders
           where account_set_id = $1 and upper(number) = $2 and deleted_at is null"#,
    )
    .bind(scope.id())
    .bind(number.trim().to_uppercase())
    .fetch_optional(pool)
    .await?;
    Ok(id.map(OrderId))
}

/// The `where` of the list and its binds after `$1` (the account set).
fn list_where(filter: &ListFilter) -> (String, Vec<String>) {
    let mut sql = String::from("s.account_set_id = $1");
    let mut binds = Vec::new();
    let mut push = |sql: &mut String, clause: &str, bind: String| {
        binds.push(bind);
        sql.push_str(&clause.replace('?', &format!("${}", binds.len() + 1)));
    };
    if let Some(from) = filter.date_from {
        push(
            &mut sql,
            " and coalesce(s.shipped_at, s.created_at) >= ?",
            rules::day_start_utc(from),
        );
    }
    if let Some(to) = filter
        .date_to
        .and_then(|d| d.checked_add_days(Days::new(1)))
    {
        push(
            &mut sql,
            " and coalesce(s.shipped_at, s.created_at) < ?",
            rules::day_start_utc(to),
        );
    }
    if let Some(status) = filter.status {
        push(&mut sql, " and s.status = ?", status.code().to_owned());
    }
    let pattern = |text: &str| format!("%{}%", crate::customers::contact::like_escape(text));
    if !filter.customer.is_empty() {
        push(
            &mut sql,
            r" and (lower(coalesce(c.name, '')) like ? escape '\' or lower(s.recipient) like ? escape '\' or exists (select 1 from shipment_orders so join orders o on o.id = so.order_id where so.shipment_id = s.id and (lower(o.walk_in_name) like ? escape '\' or lower(o.number) like ? escape '\')))",
            pattern(&filter.customer),
        );
    }
    if !filter.courier.is_empty() {
        push(
            &mut sql,
            r" and lower(s.courier) like ? escape '\'",
            pattern(&filter.courier),
        );
    }
    if !filter.tracking_number.is_empty() {
        push(
            &mut sql,
            r" and lower(s.tracking_number) like ? escape '\'",
            pattern(&filter.tracking_number),
        );
    }
    (sql, binds)
}

#[derive(FromRow)]
struct ListRow {
    id: i64,
    number: String,
    status: String,
    customer_name: String,
    delivery_method_id: Option<i64>,
    courier: String,
    tracking_number: String,
    recipient: String,
    packages: i64,
    fee: i64,
    fee_payer: String,
    created_at: String,
    shipped_at: Option<String>,
    signed_at: Option<String>,
}

/// One page of the list, newest first, plus the count and the freight of every matching
/// shipment.
pub(super) async fn list(
    pool: &AnyPool,
    scope: &Scope,
    filter: &ListFilter,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<ShipmentListLine>, i64, Money)> {
    let (where_sql, binds) = list_where(filter);
    let count_sql = format!(
        "select cast(count(*) as bigint), cast(coalesce(sum(s.fee), 0) as bigint) from shipments s left join customers c on c.id = s.customer_id where {where_sql}"
    );
    let mut count_query =
        sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(count_sql)).bind(scope.id());
    for bind in &binds {
        count_query = count_query.bind(bind.clone());
    }
    let (count, fee_sum) = count_query.fetch_one(pool).await?;
    let n = binds.len() + 1;
    let rows_sql = format!(
        r#"select s.id, s.number, s.status,
                  coalesce(c.name, (select o.walk_in_name from shipment_orders so
                                    join orders o on o.id = so.order_id
                                    where so.shipment_id = s.id
                                    order by o.id limit 1), '') as customer_name,
                  s.delivery_method_id, s.courier, s.tracking_number, s.recipient, s.packages,
                  s.fee, s.fee_payer, s.created_at, s.shipped_at, s.signed_at
           from shipments s
           left join customers c on c.id = s.customer_id
           where {where_sql}
           order by s.id desc
           limit ${limit} offset ${offset}"#,
        limit = n + 1,
        offset = n + 2,
    );
    let mut rows_query =
        sqlx::query_as::<_, ListRow>(sqlx::AssertSqlSafe(rows_sql)).bind(scope.id());
    for bind in &binds {
        rows_query = rows_query.bind(bind.clone());
    }
    let rows = rows_query.bind(limit).bind(offset).fetch_all(pool).await?;
    let mut numbers: Vec<(i64, String)> = Vec::new();
    if !rows.is_empty() {
        let ids: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
        // Ids come from the query above, never from the user.
        let sql = format!(
            r#"select so.shipment_id, o.number from shipment_orders so
               join orders o on o.id = so.order_id
               where so.account_set_id = $1 and so.shipment_id in ({})
               order by so.shipment_id, o.number"#,
            ids.join(", ")
        );
        numbers = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(scope.id())
            .fetch_all(pool)
            .await?;
    }
    let lines = rows
        .into_iter()
        .map(|r| ShipmentListLine {
            id: ShipmentId(r.id),
            order_numbers: numbers
                .iter()
                .filter(|(shipment_id, _)| *shipment_id == r.id)
                .map(|(_, number)| number.clone())
                .collect(),
            number: r.number,
            status: status_of(&r.status),
            customer_name: r.customer_name,
            delivery_method_id: r.delivery_method_id,
            courier: r.courier,
            tracking_number: r.tracking_number,
            recipient: r.recipient,
            packages: r.packages,
            fee: Money::from_scaled(r.fee),
            fee_payer: payer_of(&r.fee_payer),
            created_at: r.created_at,
            shipped_at: r.shipped_at,
            signed_at: r.signed_at,
        })
        .collect();
    Ok((lines, count, Money::from_scaled(fee_sum)))
}
