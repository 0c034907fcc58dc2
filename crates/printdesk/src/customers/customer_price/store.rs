//! SQL of cooperative prices. Every statement has `account_set_id = $1` first; deleted rules are
//! left out except by [`restore`].

use rust_decimal::Decimal;
use sqlx::{AnyPool, FromRow};

use super::rules::{NewCustomerPrice, date_text, parse_date};
use super::{CustomerPrice, CustomerPriceId, Holder, PriceKind, target_code, target_id};
use crate::customers::customer::CustomerId;
use crate::kernel::db::{StoreError, StoreResult, Tx};
use crate::kernel::money::{Money, STORAGE_SCALE};
use crate::kernel::tenancy::Scope;
use crate::system::product::rules::RuleTarget;

/// What the list is narrowed to; `None` is no filter.
pub(super) struct ListFilter<'a> {
    pub customer_id: Option<i64>,
    pub customer_group_id: Option<i64>,
    pub target_kind: Option<&'a str>,
}

#[derive(FromRow)]
struct PriceRow {
    id: i64,
    holder_kind: String,
    customer_id: Option<i64>,
    customer_group_id: Option<i64>,
    target_kind: String,
    target_id: Option<i64>,
    price_kind: String,
    fixed_price: Option<i64>,
    discount_percent: Option<i64>,
    valid_from: Option<String>,
    valid_to: Option<String>,
    remarks: String,
    customer_name: String,
}

impl PriceRow {
    /// The domain rule and its customer's name (empty for group rules); a row the service could
    /// not have written is an internal error.
    fn into_named(self) -> StoreResult<(CustomerPrice, String)> {
        let customer_name = self.customer_name.clone();
        Ok((self.into_price()?, customer_name))
    }

    fn into_price(self) -> StoreResult<CustomerPrice> {
        let broken = || {
            StoreError::Db(sqlx::Error::Decode(
                format!("customer_prices row {} is inconsistent", self.id).into(),
            ))
        };
        let holder = match (
            self.holder_kind.as_str(),
            self.customer_id,
            self.customer_group_id,
        ) {
            ("customer", Some(id), _) => Holder::Customer(CustomerId(id)),
            ("group", _, Some(id)) => Holder::Group(id),
            _ => return Err(broken()),
        };
        let target = match (self.target_kind.as_str(), self.target_id) {
            ("product", Some(id)) => RuleTarget::Product(id),
            ("category", Some(id)) => RuleTarget::Category(id),
            ("process", Some(id)) => RuleTarget::Process(id),
            ("everything", _) => RuleTarget::Everything,
            _ => return Err(broken()),
        };
        let kind = match (
            self.price_kind.as_str(),
            self.fixed_price,
            self.discount_percent,
        ) {
            ("fixed", Some(scaled), _) => PriceKind::Fixed(Money::from_scaled(scaled)),
            ("discount", _, Some(scaled)) => {
                PriceKind::Discount(Decimal::new(scaled, STORAGE_SCALE).normalize())
            }
            _ => return Err(broken()),
        };
        Ok(CustomerPrice {
            id: CustomerPriceId(self.id),
            holder,
            target,
            kind,
            valid_from: self.valid_from.as_deref().and_then(parse_date),
            valid_to: self.valid_to.as_deref().and_then(parse_date),
            remarks: self.remarks,
        })
    }
}

fn into_prices(rows: Vec<PriceRow>) -> StoreResult<Vec<CustomerPrice>> {
    rows.into_iter().map(PriceRow::into_price).collect()
}

fn into_named(rows: Vec<PriceRow>) -> StoreResult<Vec<(CustomerPrice, String)>> {
    rows.into_iter().map(PriceRow::into_named).collect()
}

const SELECT_PRICE: &str = r#"
    select p.id, p.holder_kind, p.customer_id, p.customer_group_id, p.target_kind, p.target_id,
           p.price_kind, p.fixed_price, p.discount_percent, p.valid_from, p.valid_to, p.remarks,
           coalesce(c.name, '') as customer_name
    from customer_prices p
    left join customers c on c.account_set_id = p.account_set_id and c.id = p.customer_id"#;

/// Live rules matching the filter with their customers' names, customers' rules before groups',
/// then by id.
pub(super) async fn list(
    pool: &AnyPool,
    scope: &Scope,
    filter: &ListFilter<'_>,
) -> StoreResult<Vec<(CustomerPrice, String)>> {
    let sql = format!(
        r#"{SELECT_PRICE}
           where p.account_set_id = $1 and p.deleted_at is null
             and ($2 = 0 or (p.holder_kind = 'customer' and p.customer_id = $2))
             and ($3 = 0 or (p.holder_kind = 'group' and p.customer_group_id = $3))
             and ($4 = '' or p.target_kind = $4)
           order by p.holder_kind, p.id"#
    );
    let rows = sqlx::query_as::<_, PriceRow>(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(filter.customer_id.unwrap_or(0))
        .bind(filter.customer_group_id.unwrap_or(0))
        .bind(filter.target_kind.unwrap_or(""))
        .fetch_all(pool)
        .await?;
    into_named(rows)
}

/// One live rule and its customer's name; `NotFound` if there is none with this id in the
/// account set.
pub(super) async fn find_live(
    pool: &AnyPool,
    scope: &Scope,
    id: CustomerPriceId,
) -> StoreResult<(CustomerPrice, String)> {
    let sql = format!(
        "{SELECT_PRICE} where p.account_set_id = $1 and p.id = $2 and p.deleted_at is null"
    );
    let row = sqlx::query_as::<_, PriceRow>(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(id.0)
        .fetch_one(pool)
        .await?;
    row.into_named()
}

/// The live rules of a customer and, when it has one, of its group (with the customer's name).
pub(super) async fn rules_of(
    pool: &AnyPool,
    scope: &Scope,
    customer_id: CustomerId,
    customer_group_id: Option<i64>,
) -> StoreResult<Vec<(CustomerPrice, String)>> {
    let sql = format!(
        r#"{SELECT_PRICE}
           where p.account_set_id = $1 and p.deleted_at is null
             and ((p.holder_kind = 'customer' and p.customer_id = $2)
                  or (p.holder_kind = 'group' and p.customer_group_id = $3))
           order by p.holder_kind, p.id"#
    );
    let rows = sqlx::query_as::<_, PriceRow>(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(customer_id.0)
        .bind(customer_group_id.unwrap_or(0))
        .fetch_all(pool)
        .await?;
    into_named(rows)
}

/// The live rules with the same holder, target and kind as `price`, for the overlap check
/// inside a write.
pub(super) async fn same_slot(
    tx: &mut Tx,
    scope: &Scope,
    price: &NewCustomerPrice,
) -> StoreResult<Vec<CustomerPrice>> {
    let (customer_id, group_id) = holder_ids(price.holder);
    let sql = format!(
        r#"{SELECT_PRICE}
           where p.account_set_id = $1 and p.deleted_at is null
             and p.holder_kind = $2 and coalesce(p.customer_id, 0) = $3 and coalesce(p.customer_group_id, 0) = $4
             and p.target_kind = $5 and coalesce(p.target_id, 0) = $6 and p.price_kind = $7
           order by p.id"#
    );
    let rows = sqlx::query_as::<_, PriceRow>(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(price.holder.code())
        .bind(customer_id.unwrap_or(0))
        .bind(group_id.unwrap_or(0))
        .bind(target_code(price.target))
        .bind(target_id(price.target).unwrap_or(0))
        .bind(price.kind.code())
        .fetch_all(&mut **tx)
        .await?;
    into_prices(rows)
}

pub(super) async fn is_live(tx: &mut Tx, scope: &Scope, id: CustomerPriceId) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "select count(*) from customer_prices where account_set_id = $1 and id = $2 and deleted_at is null",
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

pub(super) async fn insert(
    tx: &mut Tx,
    scope: &Scope,
    price: &NewCustomerPrice,
    now: &str,
) -> StoreResult<CustomerPriceId> {
    let (customer_id, group_id) = holder_ids(price.holder);
    let (fixed, percent) = kind_values(price.kind)?;
    let id = sqlx::query_scalar(
        r#"insert into customer_prices (account_set_id, holder_kind, customer_id, customer_group_id, target_kind, target_id,
                                        price_kind, fixed_price, discount_percent, valid_from, valid_to, remarks,
                                        created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) returning id"#,
    )
    .bind(scope.id())
    .bind(price.holder.code())
    .bind(customer_id)
    .bind(group_id)
    .bind(target_code(price.target))
    .bind(target_id(price.target))
    .bind(price.kind.code())
    .bind(fixed)
    .bind(percent)
    .bind(optional_date(price.valid_from))
    .bind(optional_date(price.valid_to))
    .bind(&price.remarks)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(CustomerPriceId(id))
}

/// Replaces a live rule; `NotFound` if there is none with this id in the account set.
pub(super) async fn update(
    tx: &mut Tx,
    scope: &Scope,
    id: CustomerPriceId,
    price: &NewCustomerPrice,
    now: &str,
) -> StoreResult<()> {
    let (customer_id, group_id) = holder_ids(price.holder);
    let (fixed, percent) = kind_values(price.kind)?;
    let res = sqlx::query(
        r#"update customer_prices
           set holder_kind = $3, customer_id = $4, customer_group_id = $5, target_kind = $6, target_id = $7,
               price_kind = $8, fixed_price = $9, discount_percent = $10, valid_from = $11, valid_to = $12,
               remarks = $13, updated_at = $14
           where account_set_id = $1 and id = $2 and deleted_at is null"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .bind(price.holder.code())
    .bind(customer_id)
    .bind(group_id)
    .bind(target_code(price.target))
    .bind(target_id(price.target))
    .bind(price.kind.code())
    .bind(fixed)
    .bind(percent)
    .bind(optional_date(price.valid_from))
    .bind(optional_date(price.valid_to))
    .bind(&price.remarks)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if res.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Marks a live rule deleted; `NotFound` if there is none with this id in the account set.
pub(super) async fn soft_delete(
    tx: &mut Tx,
    scope: &Scope,
    id: CustomerPriceId,
    user_id: i64,
    now: &str,
) -> StoreResult<()> {
    let res = sqlx::query(
        r#"update customer_prices set deleted_at = $3, deleted_by = $4, updated_at = $3
           where account_set_id = $1 and id = $2 and deleted_at is null"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .bind(now)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    if res.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// A deleted rule of the account set, for restoring; `NotFound` if there is none.
pub(super) async fn find_deleted(
    tx: &mut Tx,
    scope: &Scope,
    id: CustomerPriceId,
) -> StoreResult<CustomerPrice> {
    let sql = format!(
        "{SELECT_PRICE} where p.account_set_id = $1 and p.id = $2 and p.deleted_at is not null"
    );
    let row = sqlx::query_as::<_, PriceRow>(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(id.0)
        .fetch_one(&mut **tx)
        .await?;
    row.into_price()
}

/// Makes a deleted rule live again; `NotFound` if there is no deleted rule with this id.
pub(super) async fn restore(
    tx: &mut Tx,
    scope: &Scope,
    id: CustomerPriceId,
    now: &str,
) -> StoreResult<()> {
    let res = sqlx::query(
        r#"update customer_prices set deleted_at = null, deleted_by = null, updated_at = $3
           where account_set_id = $1 and id = $2 and deleted_at is not null"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if res.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

// FIXME(issue 3): go through system::product::service once it offers product names.
/// Every product of the account set as (id, name, live), for showing targets and the select.
pub(super) async fn product_names(
    pool: &AnyPool,
    scope: &Scope,
) -> StoreResult<Vec<(i64, String, bool)>> {
    let rows: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "select id, name, deleted_at from products where account_set_id = $1 order by code, name",
    )
    .bind(scope.id())
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, deleted_at)| (id, name, deleted_at.is_none()))
        .collect())
}

fn holder_ids(holder: Holder) -> (Option<i64>, Option<i64>) {
    match holder {
        Holder::Customer(id) => (Some(id.0), None),
        Holder::Group(id) => (None, Some(id)),
    }
}

/// The stored fixed price and discount percent (×10^4) of a kind.
fn kind_values(kind: PriceKind) -> StoreResult<(Option<i64>, Option<i64>)> {
    match kind {
        PriceKind::Fixed(money) => Ok((Some(money.scaled()), None)),
        PriceKind::Discount(percent) => {
            // Parsing allows two decimals and at most 100, so the scaled value always fits.
            let scaled = Money::from_decimal(percent).map_err(|_| {
                StoreError::Db(sqlx::Error::Protocol("discount out of range".into()))
            })?;
            Ok((None, Some(scaled.scaled())))
        }
    }
}

fn optional_date(date: Option<chrono::NaiveDate>) -> Option<String> {
    date.map(|d| date_text(Some(d)))
}
