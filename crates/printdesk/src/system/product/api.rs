//! `/api/v1/products` and `/api/v1/prices/preview`: products as JSON, search as you type, and
//! the price preview (试算), which saves nothing.
//!
//! Money and quantities are strings (`"25.00"`, `"0.6"`). `PUT` replaces the whole product, tiers
//! and processes included; a field left out takes its default. Send the `version` read with the
//! product to have a stale edit refused (409) instead of overwriting someone else's change.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rules::TierTable;
use super::service::{self, PreviewView, ProductListLine};
use super::{PreviewInput, Product, ProductId, ProductInput, TierInput};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::AppResult;
use crate::kernel::i18n::Locale;
use crate::kernel::web::{self, AppState, IdPath, Json, Query, Upload};

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_products, create_product))
        .routes(routes!(search_products))
        .routes(routes!(show_product, update_product, delete_product))
        .routes(routes!(preview_price))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(import_products))
                .layer(web::upload_limit()),
        )
}

/// What an import saved.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ProductsImportedView {
    /// How many rows were saved (all of them).
    imported: usize,
}

/// 导入: the body is an .xlsx made from the import template
/// (`GET /system/products/import/template`). Every row is saved in one go, or none: a 422 lists
/// every problem as `rows[<excel row>].<column>` (e.g. `rows[5].list_price`), a problem with the
/// file itself as `file`. Codes must be new, also against binned products.
#[utoipa::path(post, path = "/api/v1/products/import", tag = "system",
    request_body(content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
        description = "The filled import template"),
    responses((status = 200, body = ProductsImportedView), (status = 403, body = web::ApiErrorBody),
        (status = 422, body = web::ApiErrorBody)))]
async fn import_products(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    upload: Upload,
) -> AppResult<axum::Json<ProductsImportedView>> {
    user.require(Permission::PRODUCT_MANAGE)?;
    let imported = service::import_products(&state.db, &user, &upload.bytes, l).await?;
    Ok(axum::Json(ProductsImportedView { imported }))
}

/// A product to create, or the new state of one.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ProductBody {
    /// 1–30 characters of `A-Z a-z 0-9 - _ .`; unique in the account set, binned products included.
    code: String,
    name: String,
    /// A 产品类别 item.
    category_id: i64,
    /// A 计量单位 item.
    unit_id: i64,
    specification: Option<String>,
    cost_price: Option<String>,
    /// Percent, e.g. `"13"`.
    tax_rate: Option<String>,
    /// `area`, `length`, `perimeter`, `virtual_area`, `count`, `sheet`, `set`, `time` or `negotiated`.
    pricing_mode: String,
    /// Sheet products: `side` (面, default), `sheet` (张) or `copy` (份).
    sheet_unit: Option<String>,
    /// At most 1000000.
    list_price: Option<String>,
    colour_list_price: Option<String>,
    /// The least billable quantity per piece (m² or m), e.g. `"1"`.
    min_per_piece: Option<String>,
    /// 起步价.
    min_charge: Option<String>,
    /// 最大幅宽 in metres: the shorter side of a piece may not exceed it; empty or 0 for none.
    max_width: Option<String>,
    /// 最大长度 in metres: the longer side of a piece may not exceed it; empty or 0 for none.
    max_length: Option<String>,
    /// `whole` (default), `incremental` or `interpolated`.
    tier_style: Option<String>,
    tiers: Option<Vec<TierBody>>,
    colour_tier_style: Option<String>,
    colour_tiers: Option<Vec<TierBody>>,
    run_on_per_thousand: Option<String>,
    /// The unit sizes are typed in by default: `m` (default), `cm` or `mm`.
    dimension_unit: Option<String>,
    /// Default 工序 items.
    process_ids: Option<Vec<i64>>,
    /// Default true.
    is_active: Option<bool>,
    /// The version the change is based on; a different current version refuses it (409).
    version: Option<i64>,
}

/// One quantity tier: from this quantity on, this price.
#[derive(serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct TierBody {
    from: String,
    price: String,
}

/// A product with its tiers and default processes.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ProductView {
    id: i64,
    code: String,
    name: String,
    category_id: i64,
    category_name: String,
    unit_id: i64,
    unit_name: String,
    specification: String,
    cost_price: String,
    tax_rate: String,
    pricing_mode: String,
    sheet_unit: String,
    list_price: String,
    colour_list_price: Option<String>,
    min_per_piece: String,
    min_charge: String,
    max_width: String,
    max_length: String,
    tier_style: Option<String>,
    tiers: Vec<TierBody>,
    colour_tier_style: Option<String>,
    colour_tiers: Vec<TierBody>,
    run_on_per_thousand: String,
    dimension_unit: String,
    process_ids: Vec<i64>,
    is_active: bool,
    pinyin_initials: String,
    version: i64,
}

/// A product in a list or search result.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ProductSummaryView {
    id: i64,
    code: String,
    name: String,
    /// The unit's name, e.g. `平方米`.
    unit: String,
    category: String,
    pricing_mode: String,
    list_price: String,
    is_active: bool,
}

/// One page of products.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ProductListView {
    items: Vec<ProductSummaryView>,
    total: i64,
    page: i64,
    per_page: i64,
}

/// `q`: code, name or pinyin initials; `category_id` (its subcategories too); `page` (from 1).
#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct ListParams {
    q: String,
    category_id: String,
    page: String,
}

/// `q`: what has been typed so far.
#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct SearchParams {
    q: String,
}

/// A line to price. Sizes are in `dimension_unit` (default: the product's).
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct PreviewBody {
    product_id: i64,
    /// Prices with this customer's cooperative prices (客户合作价).
    customer_id: Option<i64>,
    width: Option<String>,
    height: Option<String>,
    /// `m`, `cm` or `mm`.
    dimension_unit: Option<String>,
    /// Pieces, copies, sets or hours.
    quantity: String,
    /// Sheet products: pages of the original.
    pages: Option<String>,
    /// Sheet products: 1 or 2 (default 1).
    sides: Option<u8>,
    /// Sheet products: printed in colour.
    colour: Option<bool>,
    /// 面议 products: the agreed unit price.
    unit_price: Option<String>,
    /// Processes to price; absent: the product's default processes.
    process_ids: Option<Vec<i64>>,
}

/// The priced line and how it was reached, in the caller's language.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PreviewResult {
    billable_quantity: String,
    unit_price: String,
    amount: String,
    processes: Vec<PreviewProcessView>,
    /// Goods and processes.
    total: String,
    /// Sheet products: sheets of paper used.
    #[serde(skip_serializing_if = "Option::is_none")]
    paper_sheets: Option<String>,
    /// `customer_fixed`, `customer_discount`, `group_fixed`, `group_discount`, `tier`, `list` or `negotiated`.
    source: String,
    explanation: Vec<String>,
}

/// A priced process of the line.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PreviewProcessView {
    process_id: i64,
    name: String,
    quantity: String,
    unit_price: String,
    amount: String,
}

impl ProductBody {
    fn into_input(self) -> ProductInput {
        let text = |value: Option<String>| value.unwrap_or_default();
        let tiers = |rows: Option<Vec<TierBody>>| {
            rows.unwrap_or_default()
                .into_iter()
                .map(|row| TierInput {
                    from: row.from,
                    price: row.price,
                })
                .collect()
        };
        ProductInput {
            code: self.code,
            name: self.name,
            category_id: self.category_id.to_string(),
            unit_id: self.unit_id.to_string(),
            specification: text(self.specification),
            cost_price: text(self.cost_price),
            tax_rate: text(self.tax_rate),
            pricing_mode: self.pricing_mode,
            sheet_unit: text(self.sheet_unit),
            list_price: text(self.list_price),
            colour_list_price: text(self.colour_list_price),
            min_per_piece: text(self.min_per_piece),
            min_charge: text(self.min_charge),
            max_width: text(self.max_width),
            max_length: text(self.max_length),
            tier_style: text(self.tier_style),
            tiers: tiers(self.tiers),
            colour_tier_style: text(self.colour_tier_style),
            colour_tiers: tiers(self.colour_tiers),
            run_on_per_thousand: text(self.run_on_per_thousand),
            dimension_unit: text(self.dimension_unit),
            process_ids: self
                .process_ids
                .unwrap_or_default()
                .into_iter()
                .map(|id| id.to_string())
                .collect(),
            is_active: self.is_active.unwrap_or(true),
            version: self.version.map(|v| v.to_string()).unwrap_or_default(),
            form_nonce: String::new(),
        }
    }
}

fn tier_views(table: Option<&TierTable>) -> Vec<TierBody> {
    table
        .map(|table| {
            table
                .tiers
                .iter()
                .map(|tier| TierBody {
                    from: tier.from.normalize().to_string(),
                    price: tier.price.to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn view(state: &AppState, user: &CurrentUser, product: Product) -> AppResult<ProductView> {
    let (category_name, unit_name) = service::names_of(&state.db, user.scope(), &product).await?;
    Ok(ProductView {
        id: product.id.0,
        code: product.code,
        name: product.name,
        category_id: product.category_id,
        category_name,
        unit_id: product.unit_id,
        unit_name,
        specification: product.specification,
        cost_price: product.cost_price.to_string(),
        tax_rate: product.tax_rate.normalize().to_string(),
        pricing_mode: product.pricing_mode.code().to_owned(),
        sheet_unit: product.sheet_unit.code().to_owned(),
        list_price: product.list_price.to_string(),
        colour_list_price: product.colour_list_price.map(|p| p.to_string()),
        min_per_piece: product.min_per_piece.normalize().to_string(),
        min_charge: product.min_charge.to_string(),
        max_width: product.max_width.normalize().to_string(),
        max_length: product.max_length.normalize().to_string(),
        tier_style: product.tiers.as_ref().map(|t| t.style.code().to_owned()),
        tiers: tier_views(product.tiers.as_ref()),
        colour_tier_style: product
            .colour_tiers
            .as_ref()
            .map(|t| t.style.code().to_owned()),
        colour_tiers: tier_views(product.colour_tiers.as_ref()),
        run_on_per_thousand: product
            .tiers
            .as_ref()
            .or(product.colour_tiers.as_ref())
            .map_or_else(|| "0.00".to_owned(), |t| t.run_on_per_thousand.to_string()),
        dimension_unit: product.dimension_unit.code().to_owned(),
        process_ids: product.process_ids,
        is_active: product.is_active,
        pinyin_initials: product.pinyin_initials,
        version: product.version,
    })
}

fn summary(line: ProductListLine) -> ProductSummaryView {
    ProductSummaryView {
        id: line.product.id.0,
        code: line.product.code,
        name: line.product.name,
        unit: line.unit_name,
        category: line.category_name,
        pricing_mode: line.product.pricing_mode.code().to_owned(),
        list_price: line.product.list_price.to_string(),
        is_active: line.product.is_active,
    }
}

/// Lists live products, 50 a page, best match first when `q` is given.
#[utoipa::path(get, path = "/api/v1/products", tag = "system", params(ListParams),
    responses((status = 200, body = ProductListView), (status = 403, body = web::ApiErrorBody)))]
async fn list_products(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<ListParams>,
) -> AppResult<axum::Json<ProductListView>> {
    user.require(Permission::PRODUCT_VIEW)?;
    let category_id = params.category_id.trim().parse::<i64>().ok();
    let page_no = params.page.trim().parse::<i64>().unwrap_or(1);
    let page =
        service::list_products(&state.db, user.scope(), &params.q, category_id, page_no).await?;
    Ok(axum::Json(ProductListView {
        items: page.lines.into_iter().map(summary).collect(),
        total: page.total,
        page: page.page,
        per_page: service::PAGE_SIZE,
    }))
}

/// Search as you type: at most 20 products by code prefix, name, or pinyin initials (`phxz`
/// finds 喷绘写真), best match first.
#[utoipa::path(get, path = "/api/v1/products/search", tag = "system", params(SearchParams),
    responses((status = 200, body = Vec<ProductSummaryView>), (status = 403, body = web::ApiErrorBody)))]
async fn search_products(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<SearchParams>,
) -> AppResult<axum::Json<Vec<ProductSummaryView>>> {
    user.require(Permission::PRODUCT_VIEW)?;
    let lines = service::search_products(&state.db, user.scope(), &params.q).await?;
    Ok(axum::Json(lines.into_iter().map(summary).collect()))
}

/// Creates a product.
#[utoipa::path(post, path = "/api/v1/products", tag = "system", request_body = ProductBody,
    responses((status = 201, body = ProductView), (status = 422, body = web::ApiErrorBody)))]
async fn create_product(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<ProductBody>,
) -> AppResult<(StatusCode, axum::Json<ProductView>)> {
    user.require(Permission::PRODUCT_MANAGE)?;
    let id = service::create_product(&state.db, &user, &body.into_input()).await?;
    let product = service::show_product(&state.db, user.scope(), id).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(view(&state, &user, product).await?),
    ))
}

/// One product with its tiers and default processes.
#[utoipa::path(get, path = "/api/v1/products/{id}", tag = "system", params(("id" = i64, Path)),
    responses((status = 200, body = ProductView), (status = 404, body = web::ApiErrorBody)))]
async fn show_product(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<axum::Json<ProductView>> {
    user.require(Permission::PRODUCT_VIEW)?;
    let product = service::show_product(&state.db, user.scope(), ProductId(id)).await?;
    Ok(axum::Json(view(&state, &user, product).await?))
}

/// Replaces a product. 409 when `version` is given and someone saved the product since.
#[utoipa::path(put, path = "/api/v1/products/{id}", tag = "system", params(("id" = i64, Path)),
    request_body = ProductBody,
    responses((status = 200, body = ProductView), (status = 404, body = web::ApiErrorBody),
        (status = 409, body = web::ApiErrorBody), (status = 422, body = web::ApiErrorBody)))]
async fn update_product(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(body): Json<ProductBody>,
) -> AppResult<axum::Json<ProductView>> {
    user.require(Permission::PRODUCT_MANAGE)?;
    let id = ProductId(id);
    service::update_product(&state.db, &user, id, &body.into_input()).await?;
    let product = service::show_product(&state.db, user.scope(), id).await?;
    Ok(axum::Json(view(&state, &user, product).await?))
}

/// Moves a product to the recycle bin; its code stays taken there.
#[utoipa::path(delete, path = "/api/v1/products/{id}", tag = "system", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = web::ApiErrorBody)))]
async fn delete_product(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<StatusCode> {
    user.require(Permission::PRODUCT_MANAGE)?;
    service::delete_product(&state.db, &user, ProductId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Prices one line of a product (试算) without saving anything, with an explanation of each step.
#[utoipa::path(post, path = "/api/v1/prices/preview", tag = "system", request_body = PreviewBody,
    responses((status = 200, body = PreviewResult), (status = 404, body = web::ApiErrorBody),
        (status = 422, body = web::ApiErrorBody)))]
async fn preview_price(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Json(body): Json<PreviewBody>,
) -> AppResult<axum::Json<PreviewResult>> {
    user.require(Permission::PRODUCT_VIEW)?;
    let input = PreviewInput {
        product_id: ProductId(body.product_id),
        customer_id: body.customer_id,
        width: body.width.unwrap_or_default(),
        height: body.height.unwrap_or_default(),
        dimension_unit: body.dimension_unit.unwrap_or_default(),
        quantity: body.quantity,
        pages: body.pages.unwrap_or_default(),
        sides: body.sides.map(|s| s.to_string()).unwrap_or_default(),
        colour: body.colour.unwrap_or(false),
        unit_price: body.unit_price.unwrap_or_default(),
        process_ids: body.process_ids,
    };
    let preview = service::preview(&state.db, user.scope(), input, l).await?;
    Ok(axum::Json(result(preview)))
}

fn result(preview: PreviewView) -> PreviewResult {
    PreviewResult {
        billable_quantity: preview.billable_quantity,
        unit_price: preview.unit_price,
        amount: preview.amount,
        processes: preview
            .processes
            .into_iter()
            .map(|p| PreviewProcessView {
                process_id: p.process_id,
                name: p.name,
                quantity: p.quantity,
                unit_price: p.unit_price,
                amount: p.amount,
            })
            .collect(),
        total: preview.total,
        paper_sheets: preview.paper_sheets,
        source: preview.source.to_owned(),
        explanation: preview.explanation,
    }
}
