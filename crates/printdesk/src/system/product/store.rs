//! SQL of products, their tiers and default processes. Every statement has `account_set_id = $1`
//! first; deleted products are left out except where a function says otherwise (the code check,
//! since a binned product keeps its code). The recycle bin reads binned rows through
//! `kernel::recycle_bin`.

use rust_decimal::Decimal;
use sqlx::{AnyPool, FromRow};

use super::rules::{DimensionUnit, NewProduct, PricingMode, SheetUnit, Tier, TierStyle, TierTable};
use super::{Product, ProductId, ProductLine};
use crate::kernel::cache;
use crate::kernel::db::{self, StoreError, StoreResult, Tx, flag, to_flag};
use crate::kernel::money::{DecimalPlaces, Money, Quantity};
use crate::kernel::tenancy::Scope;

#[derive(FromRow)]
struct ProductRow {
    id: i64,
    code: String,
    name: String,
    category_id: i64,
    unit_id: i64,
    specification: String,
    cost_price: i64,
    tax_rate: i64,
    pricing_mode: String,
    sheet_unit: String,
    list_price: i64,
    colour_list_price: Option<i64>,
    min_per_piece: i64,
    min_charge: i64,
    max_width: i64,
    max_length: i64,
    tier_style: Option<String>,
    colour_tier_style: Option<String>,
    run_on_per_thousand: i64,
    dimension_unit: String,
    pinyin_initials: String,
    is_active: i64,
    version: i64,
}

#[derive(FromRow)]
struct LineRow {
    id: i64,
    code: String,
    name: String,
    category_id: i64,
    unit_id: i64,
    specification: String,
    pricing_mode: String,
    list_price: i64,
    is_active: i64,
}

#[derive(FromRow)]
struct TierRow {
    colour: i64,
    from_quantity: i64,
    price: i64,
}

impl From<LineRow> for ProductLine {
    fn from(row: LineRow) -> ProductLine {
        ProductLine {
            id: ProductId(row.id),
            code: row.code,
            name: row.name,
            category_id: row.category_id,
            unit_id: row.unit_id,
            specification: row.specification,
            pricing_mode: mode_of(&row.pricing_mode),
            list_price: Money::from_scaled(row.list_price),
            is_active: flag(row.is_active),
        }
    }
}

/// A stored mode the code no longer knows reads as 面议, so the clerk types the price rather than
/// the page failing.
fn mode_of(code: &str) -> PricingMode {
    PricingMode::from_code(code).unwrap_or(PricingMode::Negotiated)
}

fn quantity(scaled: i64) -> Decimal {
    Quantity::from_scaled(scaled).to_decimal()
}

/// A decimal the rules already bounded to four places; the fallback cannot be reached.
fn scaled(value: Decimal) -> i64 {
    Quantity::from_decimal(value).map_or(0, Quantity::scaled)
}

fn tier_table(style: Option<&str>, rows: &[&TierRow], run_on: Money) -> Option<TierTable> {
    let style = TierStyle::from_code(style?)?;
    if rows.is_empty() {
        return None;
    }
    Some(TierTable {
        style,
        tiers: rows
            .iter()
            .map(|row| Tier {
                from: quantity(row.from_quantity),
                price: Money::from_scaled(row.price),
            })
            .collect(),
        run_on_per_thousand: run_on,
    })
}

/// The change counter of live products: the recycle bin bumps the one named after the table.
pub(super) const SEARCH_COUNTER: &str = "products";

const SELECT_PRODUCT: &str = r#"
    select id, code, name, category_id, unit_id, specification, cost_price, tax_rate, pricing_mode,
           sheet_unit, list_price, colour_list_price, min_per_piece, min_charge, max_width,
           max_length, tier_style, colour_tier_style, run_on_per_thousand, dimension_unit,
           pinyin_initials, is_active, version
    from products"#;

/// A live product with its tiers and processes; `NotFound` if it is not live in this account set.
pub(super) async fn find_live(
    pool: &AnyPool,
    scope: &Scope,
    id: ProductId,
) -> StoreResult<Product> {
    let sql =
        format!("{SELECT_PRODUCT} where account_set_id = $1 and id = $2 and deleted_at is null");
    let row = sqlx::query_as::<_, ProductRow>(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(id.0)
        .fetch_one(pool)
        .await?;
    let tiers = sqlx::query_as::<_, TierRow>(
        r#"select colour, from_quantity, price from product_tiers
           where account_set_id = $1 and product_id = $2
           order by colour, sort, id"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_all(pool)
    .await?;
    let process_ids: Vec<i64> = sqlx::query_scalar(
        r#"select process_id from product_processes
           where account_set_id = $1 and product_id = $2
           order by sort, process_id"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_all(pool)
    .await?;
    Ok(product_of(
        row,
        &tiers.iter().collect::<Vec<_>>(),
        process_ids,
    ))
}

/// Every live product of the account set with its tiers and processes, by id: what order
/// pricing reads from (cached by `service`, rebuilt when a product changes).
pub(super) async fn all_live(
    pool: &AnyPool,
    scope: &Scope,
) -> StoreResult<std::collections::HashMap<i64, Product>> {
    let sql = format!("{SELECT_PRODUCT} where account_set_id = $1 and deleted_at is null");
    let rows = sqlx::query_as::<_, ProductRow>(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .fetch_all(pool)
        .await?;
    let tiers = sqlx::query_as::<_, TierOfRow>(
        r#"select product_id, colour, from_quantity, price from product_tiers
           where account_set_id = $1 order by product_id, colour, sort, id"#,
    )
    .bind(scope.id())
    .fetch_all(pool)
    .await?;
    let processes: Vec<(i64, i64)> = sqlx::query_as(
        r#"select product_id, process_id from product_processes
           where account_set_id = $1 order by product_id, sort, process_id"#,
    )
    .bind(scope.id())
    .fetch_all(pool)
    .await?;
    let mut tiers_of: std::collections::HashMap<i64, Vec<TierRow>> =
        std::collections::HashMap::new();
    for t in tiers {
        tiers_of.entry(t.product_id).or_default().push(TierRow {
            colour: t.colour,
            from_quantity: t.from_quantity,
            price: t.price,
        });
    }
    let mut processes_of: std::collections::HashMap<i64, Vec<i64>> =
        std::collections::HashMap::new();
    for (product_id, process_id) in processes {
        processes_of.entry(product_id).or_default().push(process_id);
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let id = row.id;
            let tiers: Vec<&TierRow> = tiers_of
                .get(&id)
                .map(|t| t.iter().collect())
                .unwrap_or_default();
            let product = product_of(row, &tiers, processes_of.remove(&id).unwrap_or_default());
            (id, product)
        })
        .collect())
}

#[derive(FromRow)]
struct TierOfRow {
    product_id: i64,
    colour: i64,
    from_quantity: i64,
    price: i64,
}

fn product_of(row: ProductRow, tiers: &[&TierRow], process_ids: Vec<i64>) -> Product {
    let run_on = Money::from_scaled(row.run_on_per_thousand);
    let mono: Vec<&TierRow> = tiers.iter().copied().filter(|t| t.colour == 0).collect();
    let colour: Vec<&TierRow> = tiers.iter().copied().filter(|t| t.colour != 0).collect();
    Product {
        id: ProductId(row.id),
        code: row.code,
        name: row.name,
        category_id: row.category_id,
        unit_id: row.unit_id,
        specification: row.specification,
        cost_price: Money::from_scaled(row.cost_price),
        tax_rate: quantity(row.tax_rate),
        pricing_mode: mode_of(&row.pricing_mode),
        sheet_unit: SheetUnit::from_code(&row.sheet_unit).unwrap_or(SheetUnit::Side),
        list_price: Money::from_scaled(row.list_price),
        colour_list_price: row.colour_list_price.map(Money::from_scaled),
        min_per_piece: quantity(row.min_per_piece),
        min_charge: Money::from_scaled(row.min_charge),
        max_width: quantity(row.max_width),
        max_length: quantity(row.max_length),
        tiers: tier_table(row.tier_style.as_deref(), &mono, run_on),
        colour_tiers: tier_table(row.colour_tier_style.as_deref(), &colour, run_on),
        dimension_unit: DimensionUnit::from_code(&row.dimension_unit)
            .unwrap_or(DimensionUnit::Metre),
        pinyin_initials: row.pinyin_initials,
        is_active: flag(row.is_active),
        version: row.version,
        process_ids,
    }
}

/// Every live product of the account set with its pinyin initials, by code: what the search
/// index (`search::SearchIndex`) is built from.
pub(super) async fn live_lines(
    pool: &AnyPool,
    scope: &Scope,
) -> StoreResult<Vec<(ProductLine, String)>> {
    let rows = sqlx::query_as::<_, SearchRow>(
        r#"select id, code, name, category_id, unit_id, specification, pricing_mode, list_price,
                  is_active, pinyin_initials
           from products
           where account_set_id = $1 and deleted_at is null
           order by code, id"#,
    )
    .bind(scope.id())
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (ProductLine::from(row.line), row.pinyin_initials))
        .collect())
}

#[derive(FromRow)]
struct SearchRow {
    #[sqlx(flatten)]
    line: LineRow,
    pinyin_initials: String,
}

/// Whether `id` is a live product of the account set.
pub(super) async fn is_live(tx: &mut Tx, scope: &Scope, id: ProductId) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "select count(*) from products where account_set_id = $1 and id = $2 and deleted_at is null",
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

/// The version of a live product, `NotFound` if it is not live in this account set.
pub(super) async fn live_version(tx: &mut Tx, scope: &Scope, id: ProductId) -> StoreResult<i64> {
    let version = sqlx::query_scalar(
        "select version from products where account_set_id = $1 and id = $2 and deleted_at is null",
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_one(&mut **tx)
    .await?;
    Ok(version)
}

/// The product other than `except` holding `code`, live or binned: (name, in the bin).
pub(super) async fn code_holder(
    tx: &mut Tx,
    scope: &Scope,
    code: &str,
    except: Option<ProductId>,
) -> StoreResult<Option<(String, bool)>> {
    let row: Option<(String, Option<String>)> = sqlx::query_as(
        "select name, deleted_at from products where account_set_id = $1 and code = $2 and id <> $3",
    )
    .bind(scope.id())
    .bind(code)
    .bind(except.map_or(0, |e| e.0))
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|(name, deleted_at)| (name, deleted_at.is_some())))
}

/// Every code held by a product of the account set, live or binned: code → (name, in the bin).
pub(super) async fn code_holders(
    pool: &AnyPool,
    scope: &Scope,
) -> StoreResult<Vec<(String, String, bool)>> {
    let rows: Vec<(String, String, Option<String>)> =
        sqlx::query_as("select code, name, deleted_at from products where account_set_id = $1")
            .bind(scope.id())
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(code, name, deleted_at)| (code, name, deleted_at.is_some()))
        .collect())
}

pub(super) async fn insert(
    tx: &mut Tx,
    scope: &Scope,
    product: &NewProduct,
    now: &str,
) -> StoreResult<ProductId> {
    let id: i64 = sqlx::query_scalar(
        r#"insert into products (account_set_id, code, name, category_id, unit_id, specification,
               cost_price, tax_rate, pricing_mode, sheet_unit, list_price, colour_list_price,
               min_per_piece, min_charge, tier_style, colour_tier_style, run_on_per_thousand,
               dimension_unit, pinyin_initials, is_active, created_at, updated_at, version,
               max_width, max_length)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                   $19, $20, $21, $21, 1, $22, $23)
           returning id"#,
    )
    .bind(scope.id())
    .bind(&product.code)
    .bind(&product.name)
    .bind(product.category_id)
    .bind(product.unit_id)
    .bind(&product.specification)
    .bind(product.cost_price.scaled())
    .bind(scaled(product.tax_rate))
    .bind(product.pricing_mode.code())
    .bind(product.sheet_unit.code())
    .bind(product.list_price.scaled())
    .bind(product.colour_list_price.map(Money::scaled))
    .bind(scaled(product.min_per_piece))
    .bind(product.min_charge.scaled())
    .bind(product.tiers.as_ref().map(|t| t.style.code()))
    .bind(product.colour_tiers.as_ref().map(|t| t.style.code()))
    .bind(product.run_on_per_thousand.scaled())
    .bind(product.dimension_unit.code())
    .bind(&product.pinyin_initials)
    .bind(to_flag(product.is_active))
    .bind(now)
    .bind(scaled(product.max_width))
    .bind(scaled(product.max_length))
    .fetch_one(&mut **tx)
    .await?;
    let id = ProductId(id);
    insert_children(tx, scope, id, product).await?;
    Ok(id)
}

/// Overwrites a live product and raises its version; `NotFound` if there is none with this id.
pub(super) async fn update(
    tx: &mut Tx,
    scope: &Scope,
    id: ProductId,
    product: &NewProduct,
    now: &str,
) -> StoreResult<()> {
    let res = sqlx::query(
        r#"update products set code = $3, name = $4, category_id = $5, unit_id = $6,
               specification = $7, cost_price = $8, tax_rate = $9, pricing_mode = $10,
               sheet_unit = $11, list_price = $12, colour_list_price = $13, min_per_piece = $14,
               min_charge = $15, tier_style = $16, colour_tier_style = $17,
               run_on_per_thousand = $18, dimension_unit = $19, pinyin_initials = $20,
               is_active = $21, updated_at = $22, max_width = $23, max_length = $24,
               version = version + 1
           where account_set_id = $1 and id = $2 and deleted_at is null"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .bind(&product.code)
    .bind(&product.name)
    .bind(product.category_id)
    .bind(product.unit_id)
    .bind(&product.specification)
    .bind(product.cost_price.scaled())
    .bind(scaled(product.tax_rate))
    .bind(product.pricing_mode.code())
    .bind(product.sheet_unit.code())
    .bind(product.list_price.scaled())
    .bind(product.colour_list_price.map(Money::scaled))
    .bind(scaled(product.min_per_piece))
    .bind(product.min_charge.scaled())
    .bind(product.tiers.as_ref().map(|t| t.style.code()))
    .bind(product.colour_tiers.as_ref().map(|t| t.style.code()))
    .bind(product.run_on_per_thousand.scaled())
    .bind(product.dimension_unit.code())
    .bind(&product.pinyin_initials)
    .bind(to_flag(product.is_active))
    .bind(now)
    .bind(scaled(product.max_width))
    .bind(scaled(product.max_length))
    .execute(&mut **tx)
    .await?;
    if res.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    replace_children(tx, scope, id, product).await
}

/// Replaces the tier rows and default processes of a product.
async fn replace_children(
    tx: &mut Tx,
    scope: &Scope,
    id: ProductId,
    product: &NewProduct,
) -> StoreResult<()> {
    sqlx::query("delete from product_tiers where account_set_id = $1 and product_id = $2")
        .bind(scope.id())
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    sqlx::query("delete from product_processes where account_set_id = $1 and product_id = $2")
        .bind(scope.id())
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    insert_children(tx, scope, id, product).await
}

/// The tier rows and default processes of a product, one statement each (an import of 10,000
/// products makes 10,000 round trips fewer per table; docs/performance.md).
async fn insert_children(
    tx: &mut Tx,
    scope: &Scope,
    id: ProductId,
    product: &NewProduct,
) -> StoreResult<()> {
    let mut tiers: Vec<(i64, i64, i64, i64)> = Vec::new();
    let tables = [
        (0_i64, product.tiers.as_ref()),
        (1, product.colour_tiers.as_ref()),
    ];
    for (colour, table) in tables {
        let Some(table) = table else { continue };
        for (sort, tier) in (1_i64..).zip(&table.tiers) {
            tiers.push((colour, scaled(tier.from), tier.price.scaled(), sort));
        }
    }
    if !tiers.is_empty() {
        let values = db::value_rows(tiers.len(), 2, 4);
        let sql = format!(
            "insert into product_tiers (account_set_id, product_id, colour, from_quantity, price, sort) values {values}"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.id())
            .bind(id.0);
        for (colour, from, price, sort) in tiers {
            query = query.bind(colour).bind(from).bind(price).bind(sort);
        }
        query.execute(&mut **tx).await?;
    }
    if !product.process_ids.is_empty() {
        let values = db::value_rows(product.process_ids.len(), 2, 2);
        let sql = format!(
            "insert into product_processes (account_set_id, product_id, process_id, sort) values {values}"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.id())
            .bind(id.0);
        for (sort, process_id) in (1_i64..).zip(&product.process_ids) {
            query = query.bind(*process_id).bind(sort);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Marks the products as changed for the search index (`kernel::cache`); every use case that
/// saves products calls it once, in its transaction.
pub(super) async fn touched(tx: &mut Tx, scope: &Scope) -> StoreResult<()> {
    cache::touch(tx, scope.id(), SEARCH_COUNTER).await
}

/// 小数位数 of the account set, from its `settings` rows; a missing or unreadable one keeps the
/// default.
pub(super) async fn decimal_places(pool: &AnyPool, scope: &Scope) -> StoreResult<DecimalPlaces> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "select key, value from settings where account_set_id = $1 and key like 'decimal_places.%'",
    )
    .bind(scope.id())
    .fetch_all(pool)
    .await?;
    let mut places = DecimalPlaces::default();
    for (key, value) in rows {
        let Ok(value) = value.trim().parse::<u32>() else {
            continue;
        };
        let value = value.min(4);
        match key.as_str() {
            "decimal_places.quantity" => places.quantity = value,
            "decimal_places.dimension" => places.dimension = value,
            "decimal_places.area" => places.area = value,
            "decimal_places.unit_price" => places.unit_price = value,
            "decimal_places.amount" => places.amount = value,
            _ => {}
        }
    }
    Ok(places)
}

/// Whether a store error is the code's unique index (a concurrent save got there first).
pub(super) fn is_code_conflict(err: &StoreError) -> bool {
    matches!(err, StoreError::Conflict(detail) if detail.contains("uq_products_code") || detail.contains("products.code"))
}
