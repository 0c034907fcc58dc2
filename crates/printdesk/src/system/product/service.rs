//! Use cases of products and the price preview, called by the pages and the API alike, and by
//! the order entry (`pricing_of`, `process_pricing`, `preview`).

use std::collections::HashMap;

use chrono::NaiveDate;
use tracing::instrument;

use super::rules::{
    self, CodeHolder, ImportLists, NewProduct, PreviewRequest, PriceRule, PriceSource,
    ProcessPricing, ProductPricing,
};
use super::search::SearchIndex;
use super::store;
use super::{PreviewInput, Product, ProductId, ProductInput, ProductLine, RECYCLE_KIND};
use crate::customers::contact;
use crate::customers::import::NameIndex;
use crate::kernel::audit;
use crate::kernel::auth::CurrentUser;
use crate::kernel::clock;
use crate::kernel::db::{Db, StoreError, Tx};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::{Locale, Message};
use crate::kernel::idempotency::{self, Claim};
use crate::kernel::money::DecimalPlaces;
use crate::kernel::recycle_bin;
use crate::kernel::spreadsheet::{self, RawRow};
use crate::kernel::tenancy::Scope;
use crate::system::settings_list::{self, ListKind, PROCESS, PRODUCT_CATEGORY, UNIT};

/// Products on one page of the list.
pub const PAGE_SIZE: i64 = 50;
/// The most results of a search as you type.
pub const SEARCH_LIMIT: usize = 20;

/// One page of the product list.
pub struct ProductPage {
    pub lines: Vec<ProductListLine>,
    pub total: i64,
    /// 1-based.
    pub page: i64,
    pub n_pages: i64,
}

/// A product of a list or search, with its category's and unit's names.
pub struct ProductListLine {
    pub product: ProductLine,
    pub category_name: String,
    pub unit_name: String,
}

/// One choice of a select or checkbox list; `depth` indents tree items.
pub struct Choice {
    pub id: i64,
    pub name: String,
    pub depth: usize,
}

/// The choices of the product form.
pub struct FormChoices {
    pub categories: Vec<Choice>,
    pub units: Vec<Choice>,
    pub processes: Vec<Choice>,
}

/// A price preview (试算), every figure as text at the account set's decimal places and the
/// explanation in the caller's language. Nothing is saved.
pub struct PreviewView {
    pub billable_quantity: String,
    pub unit_price: String,
    pub amount: String,
    pub processes: Vec<PreviewProcess>,
    pub total: String,
    pub paper_sheets: Option<String>,
    /// `customer_fixed`, `customer_discount`, `group_fixed`, `group_discount`, `tier`, `list` or
    /// `negotiated`.
    pub source: &'static str,
    pub explanation: Vec<String>,
}

/// A priced process of a preview.
pub struct PreviewProcess {
    pub process_id: i64,
    pub name: String,
    pub quantity: String,
    pub unit_price: String,
    pub amount: String,
}

/// One page of live products matching `query` (code prefix, name, pinyin initials) and, when
/// given, in category `category_id` or below it.
pub async fn list_products(
    db: &Db,
    scope: &Scope,
    query: &str,
    category_id: Option<i64>,
    page: i64,
) -> AppResult<ProductPage> {
    let matching = matching_products(db, scope, query, category_id).await?;
    let total = i64::try_from(matching.len()).unwrap_or(i64::MAX);
    let n_pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page = page.clamp(1, n_pages);
    let skip = usize::try_from((page - 1) * PAGE_SIZE).unwrap_or(0);
    let page_lines = matching
        .into_iter()
        .skip(skip)
        .take(PAGE_SIZE as usize)
        .collect();
    let lines = with_names(db, scope, page_lines).await?;
    Ok(ProductPage {
        lines,
        total,
        page,
        n_pages,
    })
}

/// Every product the list shows with these filters, without paging: what 导出 Excel writes.
pub async fn export_products(
    db: &Db,
    scope: &Scope,
    query: &str,
    category_id: Option<i64>,
) -> AppResult<Vec<ProductListLine>> {
    let matching = matching_products(db, scope, query, category_id).await?;
    with_names(db, scope, matching).await
}

/// Live products matching the list's search and category filter (with its subcategories).
async fn matching_products(
    db: &Db,
    scope: &Scope,
    query: &str,
    category_id: Option<i64>,
) -> AppResult<Vec<ProductLine>> {
    let key = contact::search_key(query);
    let found = search_index(db, scope).await?.matching(&key);
    let Some(wanted) = category_id else {
        return Ok(found);
    };
    let categories = settings_list::service::list_items(db, scope, &PRODUCT_CATEGORY).await?;
    let links: Vec<(i64, Option<i64>)> = categories
        .iter()
        .map(|line| (line.item.id, line.item.parent_id))
        .collect();
    // The category filter takes the subtree, so 写真喷绘 also lists 写真 and 喷绘 products. A shop
    // has hundreds of products, so filtering here is cheaper than teaching SQL the tree.
    Ok(found
        .into_iter()
        .filter(|line| rules::category_chain(line.category_id, &links).contains(&wanted))
        .collect())
}

/// Search as you type: at most [`SEARCH_LIMIT`] live products by code prefix, name substring or
/// pinyin initials (prefix or substring), best match first.
pub async fn search_products(
    db: &Db,
    scope: &Scope,
    query: &str,
) -> AppResult<Vec<ProductListLine>> {
    let key = contact::search_key(query);
    let found = search_index(db, scope).await?.search(&key, SEARCH_LIMIT);
    with_names(db, scope, found).await
}

/// The account set's search index, rebuilt only when a product was saved, binned or restored.
async fn search_index(db: &Db, scope: &Scope) -> AppResult<std::sync::Arc<SearchIndex>> {
    let pool = db.pool();
    Ok(db
        .cache()
        .get_or_load(pool, scope.id(), store::SEARCH_COUNTER, || async {
            Ok::<_, StoreError>(SearchIndex::new(store::live_lines(pool, scope).await?))
        })
        .await?)
}

/// One live product; `NotFound` if it is not live in this account set.
pub async fn show_product(db: &Db, scope: &Scope, id: ProductId) -> AppResult<Product> {
    Ok(store::find_live(db.pool(), scope, id).await?)
}

/// The names of a category and a unit, for showing one product.
pub async fn names_of(db: &Db, scope: &Scope, product: &Product) -> AppResult<(String, String)> {
    let categories = item_names(db, scope, &PRODUCT_CATEGORY).await?;
    let units = item_names(db, scope, &UNIT).await?;
    Ok((
        categories
            .get(&product.category_id)
            .cloned()
            .unwrap_or_default(),
        units.get(&product.unit_id).cloned().unwrap_or_default(),
    ))
}

/// The active categories (in tree order), units and processes, for the product form.
pub async fn form_choices(db: &Db, scope: &Scope) -> AppResult<FormChoices> {
    let choices = |options: Vec<settings_list::ListOption>| {
        options
            .into_iter()
            .map(|o| Choice {
                id: o.id,
                name: o.name,
                depth: o.depth,
            })
            .collect()
    };
    Ok(FormChoices {
        categories: choices(settings_list::options(db, scope, &PRODUCT_CATEGORY).await?),
        units: choices(settings_list::options(db, scope, &UNIT).await?),
        processes: choices(settings_list::options(db, scope, &PROCESS).await?),
    })
}

/// Creates a product. A repeated `form_nonce` returns the product made the first time.
#[instrument(skip_all)]
pub async fn create_product(
    db: &Db,
    user: &CurrentUser,
    input: &ProductInput,
) -> AppResult<ProductId> {
    let product = NewProduct::parse(input)?;
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    if let Claim::Seen(id) = idempotency::claim(&mut tx, &input.form_nonce, user.user_id.0).await? {
        return Ok(ProductId(id));
    }
    check_references(&mut tx, scope, &product, None).await?;
    store::touched(&mut tx, scope).await?;
    let id = store::insert(&mut tx, scope, &product, &clock::now_text())
        .await
        .map_err(|err| code_conflict(err, &product.code))?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "create",
        RECYCLE_KIND.key,
        Some(id.0),
        &summary(&product),
    )
    .await?;
    idempotency::complete(&mut tx, &input.form_nonce, id.0).await?;
    tx.commit().await?;
    tracing::info!(product.id = id.0, "product created");
    Ok(id)
}

/// 导入 (manual 5.3): saves every product of a sheet made from the import template, in one write
/// transaction, and returns how many. Every row is checked first, with the form's own parse and
/// against this account set's active categories, units and processes and every code held by a
/// product (binned ones too); if any row is bad nothing is saved and every problem comes back as
/// `rows[<excel row>].<column>`. One audit entry records the count. `locale` only words the
/// message about a wrong header.
#[instrument(skip_all)]
pub async fn import_products(
    db: &Db,
    user: &CurrentUser,
    bytes: &[u8],
    locale: Locale,
) -> AppResult<usize> {
    let scope = user.scope();
    let rows = spreadsheet::read_rows(bytes, rules::IMPORT_COLUMNS, locale)?;
    if rows.is_empty() {
        return Err(AppError::field(
            "file",
            Message::new("customer_import.no_rows"),
        ));
    }
    let lists = ImportLists {
        categories: name_index(db, scope, &PRODUCT_CATEGORY).await?,
        units: name_index(db, scope, &UNIT).await?,
        processes: name_index(db, scope, &PROCESS).await?,
    };
    // Read outside the write so the parse does not hold SQLite's write lock; a code taken in
    // between is caught by the unique index below and reported on its row all the same.
    let taken: HashMap<String, CodeHolder> = store::code_holders(db.pool(), scope)
        .await?
        .into_iter()
        .map(|(code, name, binned)| (code, CodeHolder { name, binned }))
        .collect();
    let products = rules::parse_import(&rows, &lists, &taken)?;
    let now = clock::now_text();
    let mut tx = db.begin_write().await?;
    store::touched(&mut tx, scope).await?;
    for (row, product) in rows.iter().zip(&products) {
        store::insert(&mut tx, scope, product, &now)
            .await
            .map_err(|err| import_code_conflict(err, row, &product.code))?;
    }
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "import",
        RECYCLE_KIND.key,
        None,
        &products.len().to_string(),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(products = products.len(), "products imported");
    Ok(products.len())
}

/// The active items of a settings list by name, for reading an import sheet.
async fn name_index(db: &Db, scope: &Scope, kind: &ListKind) -> AppResult<NameIndex> {
    let options = settings_list::options(db, scope, kind).await?;
    Ok(NameIndex::new(
        options.into_iter().map(|option| (option.id, option.name)),
    ))
}

/// A code taken between the check and the insert, reported on its row.
fn import_code_conflict(err: StoreError, row: &RawRow, code: &str) -> AppError {
    if store::is_code_conflict(&err) {
        let mut errors = FieldErrors::new();
        spreadsheet::row_error(
            &mut errors,
            row,
            "code",
            Message::new("product.code_taken_concurrently").arg("code", code),
        );
        AppError::Invalid(errors)
    } else {
        err.into()
    }
}

/// Changes every field of a product. Refused, saving nothing, when `input.version` is given and
/// the product was saved by someone else since (the version moved on).
#[instrument(skip_all, fields(product.id = id.0))]
pub async fn update_product(
    db: &Db,
    user: &CurrentUser,
    id: ProductId,
    input: &ProductInput,
) -> AppResult<()> {
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    let current_version = store::live_version(&mut tx, scope, id).await?;
    let product = NewProduct::parse(input)?;
    if product
        .version
        .is_some_and(|version| version != current_version)
    {
        return Err(AppError::Conflict(Message::new("product.stale")));
    }
    check_references(&mut tx, scope, &product, Some(id)).await?;
    store::touched(&mut tx, scope).await?;
    store::update(&mut tx, scope, id, &product, &clock::now_text())
        .await
        .map_err(|err| code_conflict(err, &product.code))?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "update",
        RECYCLE_KIND.key,
        Some(id.0),
        &summary(&product),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a product to the recycle bin (产品回收站). Its code stays taken while it is there.
#[instrument(skip_all, fields(product.id = id.0))]
pub async fn delete_product(db: &Db, user: &CurrentUser, id: ProductId) -> AppResult<()> {
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    if !store::is_live(&mut tx, scope, id).await? {
        return Err(AppError::NotFound);
    }
    // Issue 4: a product on order lines may still go to the bin (orders keep their copy of the
    // name and price); purging it is what `RECYCLE_KIND.posted_sql` will refuse.
    recycle_bin::move_to_bin(&mut tx, scope, &RECYCLE_KIND, id.0, user.user_id).await?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "delete",
        RECYCLE_KIND.key,
        Some(id.0),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The pricing of processes by id, from their 工序 items (unit price and basis). An id that is
/// not an active process of the account set is a field error on `process_ids`.
pub async fn process_pricing(
    db: &Db,
    scope: &Scope,
    process_ids: &[i64],
) -> AppResult<Vec<ProcessPricing>> {
    let (found, missing) = processes_by_id(db, scope, process_ids).await?;
    if missing {
        return Err(AppError::field(
            "process_ids",
            Message::new("product.process_unknown"),
        ));
    }
    Ok(found)
}

/// 小数位数 of the account set.
pub async fn decimal_places(db: &Db, scope: &Scope) -> AppResult<DecimalPlaces> {
    Ok(store::decimal_places(db.pool(), scope).await?)
}

/// Prices one line for a product without saving anything: the product's list price and tiers, or
/// the customer's cooperative prices when a customer is given, its default processes unless the
/// request names others, at the account set's decimal places.
pub async fn preview(
    db: &Db,
    scope: &Scope,
    request: PreviewInput,
    locale: Locale,
) -> AppResult<PreviewView> {
    let product = store::find_live(db.pool(), scope, request.product_id).await?;
    let pricing = pricing_of_product(db, scope, &product).await?;
    let line_request = PreviewRequest::parse(&request, product.dimension_unit)?;
    let processes = match &request.process_ids {
        Some(ids) => process_pricing(db, scope, ids).await?,
        // A default process disabled since is left out rather than failing the preview.
        None => processes_by_id(db, scope, &product.process_ids).await?.0,
    };
    let date = today()?;
    let rules = match request.customer_id {
        Some(customer_id) => customer_rules(db, scope, customer_id, date).await?,
        None => Vec::new(),
    };
    let places = store::decimal_places(db.pool(), scope).await?;
    let line = rules::price_line(
        &pricing,
        &rules,
        &line_request.into_line_request(processes, date),
        &places,
    )?;
    let show = |value: rust_decimal::Decimal| value.normalize().to_string();
    Ok(PreviewView {
        billable_quantity: show(line.billable_quantity),
        unit_price: line.unit_price.format(places.unit_price),
        amount: line.amount.format(places.amount),
        processes: line
            .processes
            .iter()
            .map(|p| PreviewProcess {
                process_id: p.process_id,
                name: p.name.clone(),
                quantity: show(p.quantity),
                unit_price: p.unit_price.format(places.unit_price),
                amount: p.amount.format(places.amount),
            })
            .collect(),
        total: line.total.format(places.amount),
        paper_sheets: line.paper_sheets.map(show),
        source: source_code(&line.source),
        explanation: line.explanation.iter().map(|m| m.render(locale)).collect(),
    })
}

/// A line of an order priced: the product as it is now, its unit's name, the parsed request
/// and the priced line (`rules::price_line`).
pub struct LinePricing {
    pub product: Product,
    pub unit_name: String,
    pub request: rules::LineRequest,
    pub line: rules::PricedLine,
}

/// What pricing an order's lines reads, gathered once per order: every live product (from the
/// account set's cache, rebuilt when a product is saved, binned or restored), the category tree,
/// the processes, the unit names and the decimal places. A 5-line order used to read some 35
/// rows one query at a time (docs/performance.md, order save).
pub struct OrderPricing {
    products: std::sync::Arc<HashMap<i64, Product>>,
    category_links: Vec<(i64, Option<i64>)>,
    processes: Vec<settings_list::service::ItemLine>,
    units: HashMap<i64, String>,
    pub places: DecimalPlaces,
}

/// The change counters [`order_pricing`] follows: products, and the settings lists.
pub const PRICING_COUNTERS: [&str; 2] = [store::SEARCH_COUNTER, settings_list::service::COUNTER];

/// The pricing data of the account set for one order: one read of the change counters when
/// nothing changed, rebuilt when a product or a settings list did. (Decimal places are set when
/// the account set is made and never change.)
pub async fn order_pricing(db: &Db, scope: &Scope) -> AppResult<std::sync::Arc<OrderPricing>> {
    let pool = db.pool();
    db.cache()
        .get_or_load_many(pool, scope.id(), &PRICING_COUNTERS, || {
            load_order_pricing(db, scope)
        })
        .await
}

async fn load_order_pricing(db: &Db, scope: &Scope) -> AppResult<OrderPricing> {
    let pool = db.pool();
    let products = std::sync::Arc::new(store::all_live(pool, scope).await?);
    let categories = settings_list::service::list_items(db, scope, &PRODUCT_CATEGORY).await?;
    Ok(OrderPricing {
        products,
        category_links: categories
            .iter()
            .map(|line| (line.item.id, line.item.parent_id))
            .collect(),
        processes: settings_list::service::list_items(db, scope, &PROCESS).await?,
        units: item_names(db, scope, &UNIT).await?,
        places: store::decimal_places(pool, scope).await?,
    })
}

impl OrderPricing {
    /// Prices one order line exactly as the preview does, with the customer's rules already
    /// read (`customer_price_rules`), on the order's date. A product not live in this account
    /// set is `NotFound`; bad sizes, and processes that are not active, are field errors.
    pub fn price_line(
        &self,
        request: &PreviewInput,
        rules: &[PriceRule],
        date: NaiveDate,
    ) -> AppResult<LinePricing> {
        let product = self
            .products
            .get(&request.product_id.0)
            .cloned()
            .ok_or(AppError::NotFound)?;
        let pricing = rules::pricing_of_product(
            &product,
            rules::category_chain(product.category_id, &self.category_links),
        );
        let line_request = PreviewRequest::parse(request, product.dimension_unit)?;
        let (processes, missing) = match &request.process_ids {
            Some(ids) => self.processes_by_id(ids),
            // A default process disabled since is left out rather than failing the line.
            None => (self.processes_by_id(&product.process_ids).0, false),
        };
        if missing {
            return Err(AppError::field(
                "process_ids",
                Message::new("product.process_unknown"),
            ));
        }
        let request = line_request.into_line_request(processes, date);
        let line = rules::price_line(&pricing, rules, &request, &self.places)?;
        let unit_name = self
            .units
            .get(&product.unit_id)
            .cloned()
            .unwrap_or_default();
        Ok(LinePricing {
            product,
            unit_name,
            request,
            line,
        })
    }

    /// Whether `id` is an active 工序 item of the account set.
    pub fn is_active_process(&self, id: i64) -> bool {
        self.processes
            .iter()
            .any(|line| line.item.id == id && line.item.is_active)
    }

    fn processes_by_id(&self, ids: &[i64]) -> (Vec<ProcessPricing>, bool) {
        let mut found = Vec::with_capacity(ids.len());
        let mut missing = false;
        for id in ids {
            match self
                .processes
                .iter()
                .find(|line| line.item.id == *id && line.item.is_active)
            {
                Some(line) => found.push(rules::process_pricing(
                    line.item.id,
                    &line.item.name,
                    line.item.attribute("unit_price"),
                    line.item.attribute("basis"),
                )),
                None => missing = true,
            }
        }
        (found, missing)
    }
}

/// The live product whose code is `code` (any case), for a code typed at the counter.
pub async fn product_by_code(db: &Db, scope: &Scope, code: &str) -> AppResult<Option<ProductId>> {
    Ok(products_by_code(db, scope, [code])
        .await?
        .get(code)
        .copied())
}

/// The live products of several codes (the lines of an order) with one look at the search
/// index; codes that name no product are left out.
pub async fn products_by_code<'a>(
    db: &Db,
    scope: &Scope,
    codes: impl IntoIterator<Item = &'a str>,
) -> AppResult<HashMap<&'a str, ProductId>> {
    let wanted: Vec<(&str, String)> = codes
        .into_iter()
        .map(|code| (code, contact::search_key(code)))
        .filter(|(_, key)| !key.is_empty())
        .collect();
    let mut found = HashMap::new();
    if wanted.is_empty() {
        return Ok(found);
    }
    let index = search_index(db, scope).await?;
    for (code, key) in wanted {
        if let Some(line) = index
            .search(&key, 1)
            .into_iter()
            .find(|line| line.code.to_lowercase() == key)
        {
            found.insert(code, line.id);
        }
    }
    Ok(found)
}

/// The cooperative price rules of a customer valid on `date` (field error `customer_id` if the
/// customer is not live here).
pub async fn customer_price_rules(
    db: &Db,
    scope: &Scope,
    customer_id: i64,
    date: NaiveDate,
) -> AppResult<Vec<PriceRule>> {
    customer_rules(db, scope, customer_id, date).await
}

/// `source_code` for callers outside: how the unit price was chosen.
pub fn price_source_code(source: &PriceSource) -> &'static str {
    source_code(source)
}

/// The customer's and its group's cooperative price rules (客户合作价) valid on `date`. A
/// customer that is not live in this account set is a field error, like any other bad input.
async fn customer_rules(
    db: &Db,
    scope: &Scope,
    customer_id: i64,
    date: NaiveDate,
) -> AppResult<Vec<PriceRule>> {
    match crate::customers::customer_price::service::price_rules_for(db, scope, customer_id, date)
        .await
    {
        Err(AppError::NotFound) => Err(AppError::field(
            "customer_id",
            Message::new("product.customer_unknown"),
        )),
        other => other,
    }
}

async fn pricing_of_product(
    db: &Db,
    scope: &Scope,
    product: &Product,
) -> AppResult<ProductPricing> {
    let categories = settings_list::service::list_items(db, scope, &PRODUCT_CATEGORY).await?;
    let links: Vec<(i64, Option<i64>)> = categories
        .iter()
        .map(|line| (line.item.id, line.item.parent_id))
        .collect();
    Ok(rules::pricing_of_product(
        product,
        rules::category_chain(product.category_id, &links),
    ))
}

/// The active processes among `ids`, in that order, and whether any id was not one.
async fn processes_by_id(
    db: &Db,
    scope: &Scope,
    ids: &[i64],
) -> AppResult<(Vec<ProcessPricing>, bool)> {
    if ids.is_empty() {
        return Ok((Vec::new(), false));
    }
    let items = settings_list::service::list_items(db, scope, &PROCESS).await?;
    let mut found = Vec::with_capacity(ids.len());
    let mut missing = false;
    for id in ids {
        match items
            .iter()
            .find(|line| line.item.id == *id && line.item.is_active)
        {
            Some(line) => found.push(rules::process_pricing(
                line.item.id,
                &line.item.name,
                line.item.attribute("unit_price"),
                line.item.attribute("basis"),
            )),
            None => missing = true,
        }
    }
    Ok((found, missing))
}

/// The category, unit and processes must be live items of this account set; the code must not
/// be held by another product, live or in the recycle bin.
async fn check_references(
    tx: &mut Tx,
    scope: &Scope,
    product: &NewProduct,
    except: Option<ProductId>,
) -> AppResult<()> {
    let mut errors = FieldErrors::new();
    if !settings_list::is_live_item(tx, scope, &PRODUCT_CATEGORY, product.category_id).await? {
        errors.add("category_id", Message::new("product.category_unknown"));
    }
    if !settings_list::is_live_item(tx, scope, &UNIT, product.unit_id).await? {
        errors.add("unit_id", Message::new("product.unit_unknown"));
    }
    for process_id in &product.process_ids {
        if !settings_list::is_live_item(tx, scope, &PROCESS, *process_id).await? {
            errors.add("process_ids", Message::new("product.process_unknown"));
            break;
        }
    }
    if let Some((name, binned)) = store::code_holder(tx, scope, &product.code, except).await? {
        errors.add("code", code_taken(&product.code, &name, binned));
    }
    errors.into_result(()).map_err(AppError::from)
}

fn code_taken(code: &str, name: &str, binned: bool) -> Message {
    let key = if binned {
        "product.code_taken_binned"
    } else {
        "product.code_taken"
    };
    Message::new(key).arg("code", code).arg("name", name)
}

/// A concurrent save took the code between the check and the write.
fn code_conflict(err: StoreError, code: &str) -> AppError {
    if store::is_code_conflict(&err) {
        AppError::field(
            "code",
            Message::new("product.code_taken_concurrently").arg("code", code),
        )
    } else {
        err.into()
    }
}

fn summary(product: &NewProduct) -> String {
    format!("{} {}", product.code, product.name)
}

async fn item_names(db: &Db, scope: &Scope, kind: &ListKind) -> AppResult<HashMap<i64, String>> {
    Ok(settings_list::service::list_items(db, scope, kind)
        .await?
        .into_iter()
        .map(|line| (line.item.id, line.item.name))
        .collect())
}

async fn with_names(
    db: &Db,
    scope: &Scope,
    lines: Vec<ProductLine>,
) -> AppResult<Vec<ProductListLine>> {
    let categories = item_names(db, scope, &PRODUCT_CATEGORY).await?;
    let units = item_names(db, scope, &UNIT).await?;
    Ok(lines
        .into_iter()
        .map(|product| ProductListLine {
            category_name: categories
                .get(&product.category_id)
                .cloned()
                .unwrap_or_default(),
            unit_name: units.get(&product.unit_id).cloned().unwrap_or_default(),
            product,
        })
        .collect())
}

fn source_code(source: &PriceSource) -> &'static str {
    match source {
        PriceSource::CustomerFixed(_) => "customer_fixed",
        PriceSource::CustomerDiscount(_) => "customer_discount",
        PriceSource::GroupFixed(_) => "group_fixed",
        PriceSource::GroupDiscount(_) => "group_discount",
        PriceSource::Tier => "tier",
        PriceSource::List => "list",
        PriceSource::Negotiated => "negotiated",
    }
}

/// The shop's business day (China Standard Time), which decides which cooperative prices hold.
fn today() -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(&clock::today_local(), "%Y-%m-%d")
        .map_err(|err| AppError::Internal(anyhow::anyhow!("today's date: {err}")))
}
