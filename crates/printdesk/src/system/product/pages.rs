//! Pages of 产品管理: the list with search and category filter, the new-product form, and each
//! product's edit page with its tiers, default processes, history and the price preview panel
//! (试算), a GET form that works without JavaScript and that `static/price_preview.js` enhances;
//! 导出 Excel, and 导入 (template, upload, report) on the customer import's page.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

use super::rules::{self, DimensionUnit, PricingMode, SheetUnit, TierStyle};
use super::service::{self, Choice, FormChoices, PreviewView};
use super::{PreviewInput, Product, ProductId, ProductInput, RECYCLE_KIND, TierInput};
use crate::customers::customer::pages::{ImportQuery, ImportView, import_page, upload_bytes};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Locale;
use crate::kernel::money::parse_decimal;
use crate::kernel::shell::{Shell, shell};
use crate::kernel::spreadsheet::{self, Cell, ColumnKind, Table};
use crate::kernel::web::{
    self, AppState, Form, IdPath, Query, Upload, render, see_other, urlencode,
};
use crate::system::audit::{self, TrailLine};

/// Tier rows shown on the form; more appear when more were sent.
const TIER_ROWS: usize = 5;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/system/products", get(list_products).post(create_product))
        .route("/system/products/new", get(new_product))
        .route("/system/products/export", get(export_products))
        .route(
            "/system/products/import",
            get(show_import)
                .post(import_products)
                .layer(web::upload_limit()),
        )
        .route(
            "/system/products/import/template",
            get(download_import_template),
        )
        .route("/system/products/recycle-bin", get(product_recycle_bin))
        .route(
            "/system/products/{id}",
            get(show_product).post(update_product),
        )
        .route("/system/products/{id}/delete", post(delete_product))
}

/// The product form as the browser sends it: tiers come as parallel repeated fields, processes
/// as repeated checkboxes.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ProductForm {
    code: String,
    name: String,
    category_id: String,
    unit_id: String,
    specification: String,
    cost_price: String,
    tax_rate: String,
    pricing_mode: String,
    sheet_unit: String,
    list_price: String,
    colour_list_price: String,
    min_per_piece: String,
    min_charge: String,
    max_width: String,
    max_length: String,
    tier_style: String,
    tier_from: Vec<String>,
    tier_price: Vec<String>,
    colour_tier_style: String,
    colour_tier_from: Vec<String>,
    colour_tier_price: Vec<String>,
    run_on_per_thousand: String,
    dimension_unit: String,
    process_ids: Vec<String>,
    is_active: String,
    version: String,
    form_nonce: String,
}

impl ProductForm {
    fn into_input(self) -> ProductInput {
        ProductInput {
            code: self.code,
            name: self.name,
            category_id: self.category_id,
            unit_id: self.unit_id,
            specification: self.specification,
            cost_price: self.cost_price,
            tax_rate: self.tax_rate,
            pricing_mode: self.pricing_mode,
            sheet_unit: self.sheet_unit,
            list_price: self.list_price,
            colour_list_price: self.colour_list_price,
            min_per_piece: self.min_per_piece,
            min_charge: self.min_charge,
            max_width: self.max_width,
            max_length: self.max_length,
            tier_style: self.tier_style,
            tiers: zip_tiers(self.tier_from, self.tier_price),
            colour_tier_style: self.colour_tier_style,
            colour_tiers: zip_tiers(self.colour_tier_from, self.colour_tier_price),
            run_on_per_thousand: self.run_on_per_thousand,
            dimension_unit: self.dimension_unit,
            process_ids: self.process_ids,
            is_active: !self.is_active.is_empty(),
            version: self.version,
            form_nonce: self.form_nonce,
        }
    }
}

fn zip_tiers(from: Vec<String>, price: Vec<String>) -> Vec<TierInput> {
    let n_rows = from.len().max(price.len());
    let mut from = from.into_iter();
    let mut price = price.into_iter();
    (0..n_rows)
        .map(|_| TierInput {
            from: from.next().unwrap_or_default(),
            price: price.next().unwrap_or_default(),
        })
        .collect()
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    q: String,
    category_id: String,
    page: String,
    deleted: String,
}

/// The edit page's query: the saved notice, and the preview panel's fields (试算).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ShowQuery {
    saved: String,
    preview: String,
    width: String,
    height: String,
    dimension_unit: String,
    quantity: String,
    pages: String,
    sides: String,
    colour: String,
    unit_price: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct EmptyForm {}

/// One choice of a select or a checkbox list.
struct SelectOption {
    value: String,
    label: String,
    selected: bool,
}

/// One row of the list.
struct ListRow {
    id: i64,
    code: String,
    name: String,
    specification: String,
    category_name: String,
    unit_name: String,
    mode_key: String,
    list_price: String,
    is_active: bool,
}

/// One tier row of the form with its messages; `to` is derived from the next row.
struct TierRow {
    from: String,
    to: String,
    price: String,
    from_error: String,
    price_error: String,
}

/// The preview panel's fields as typed.
#[derive(Default)]
struct PreviewFields {
    width: String,
    height: String,
    quantity: String,
    pages: String,
    sides: String,
    colour: bool,
    unit_price: String,
}

#[derive(Template)]
#[template(path = "system/products.html")]
struct ProductsPage {
    shell: Shell,
    rows: Vec<ListRow>,
    q: String,
    categories: Vec<SelectOption>,
    paging: String,
    prev_href: String,
    next_href: String,
    export_href: String,
    can_manage: bool,
    notice: String,
}

#[derive(Template)]
#[template(path = "system/product_form.html")]
struct ProductFormPage {
    shell: Shell,
    /// `None` on the new-product form.
    id: Option<i64>,
    can_manage: bool,
    input: ProductInput,
    categories: Vec<SelectOption>,
    units: Vec<SelectOption>,
    modes: Vec<SelectOption>,
    sheet_units: Vec<SelectOption>,
    tier_styles: Vec<SelectOption>,
    colour_tier_styles: Vec<SelectOption>,
    dimension_units: Vec<SelectOption>,
    processes: Vec<SelectOption>,
    tier_rows: Vec<TierRow>,
    colour_tier_rows: Vec<TierRow>,
    errors: FieldErrors,
    notice: String,
    history: Vec<TrailLine>,
    /// The edit page's preview panel: the mode decides which fields it offers.
    mode: String,
    preview_fields: PreviewFields,
    preview_units: Vec<SelectOption>,
    preview: Option<PreviewView>,
    preview_errors: FieldErrors,
}

impl ProductFormPage {
    /// Field names that have their own place on the form; other messages go to the top.
    fn shown(&self) -> Vec<String> {
        let mut shown: Vec<String> = [
            "code",
            "name",
            "category_id",
            "unit_id",
            "specification",
            "cost_price",
            "tax_rate",
            "pricing_mode",
            "sheet_unit",
            "list_price",
            "colour_list_price",
            "min_per_piece",
            "min_charge",
            "max_width",
            "max_length",
            "tier_style",
            "colour_tier_style",
            "run_on_per_thousand",
            "dimension_unit",
            "process_ids",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        for (prefix, n_rows) in [
            ("tiers", self.tier_rows.len()),
            ("colour_tiers", self.colour_tier_rows.len()),
        ] {
            for idx in 0..n_rows {
                shown.push(format!("{prefix}[{idx}].from"));
                shown.push(format!("{prefix}[{idx}].price"));
            }
        }
        shown
    }

    fn others(&self) -> Vec<String> {
        let shown = self.shown();
        let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
        self.errors.others(&shown, self.shell.l)
    }

    fn preview_others(&self) -> Vec<String> {
        self.preview_errors.others(
            &[
                "width",
                "height",
                "dimension_unit",
                "quantity",
                "pages",
                "sides",
                "unit_price",
            ],
            self.shell.l,
        )
    }

    fn source_label(&self, source: &str) -> String {
        self.shell.l.t(&format!("product.source.{source}"))
    }
}

/// 导出 Excel: the products the list shows with its filters, every page of them.
async fn export_products(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    user.require(Permission::PRODUCT_VIEW)?;
    let category_id = query.category_id.trim().parse::<i64>().ok();
    let lines = service::export_products(&state.db, user.scope(), &query.q, category_id).await?;
    let places = service::decimal_places(&state.db, user.scope()).await?;
    let mut table = Table::new(l.t("menu.products"))
        .column(l.t("product.code"), ColumnKind::Text, 12)
        .column(l.t("product.name"), ColumnKind::Text, 24)
        .column(l.t("product.specification"), ColumnKind::Text, 16)
        .column(l.t("product.category"), ColumnKind::Text, 12)
        .column(l.t("product.unit"), ColumnKind::Text, 8)
        .column(l.t("product.pricing_mode"), ColumnKind::Text, 10)
        .column(
            l.t("product.list_price"),
            ColumnKind::Money(places.unit_price),
            10,
        );
    table.rows = lines
        .into_iter()
        .map(|line| {
            let p = line.product;
            vec![
                Cell::Text(p.code),
                Cell::Text(p.name),
                Cell::Text(p.specification),
                Cell::Text(line.category_name),
                Cell::Text(line.unit_name),
                Cell::Text(l.t(&mode_key(p.pricing_mode))),
                Cell::Money(p.list_price),
            ]
        })
        .collect();
    spreadsheet::export(&table)
}

const PRODUCT_IMPORT: ImportView = ImportView {
    title_key: "product_import.title",
    list_href: "/system/products",
    list_title_key: "menu.products",
    action: "/system/products/import",
    columns: rules::IMPORT_COLUMNS,
    imported_key: "product_import.imported",
};

/// 导入产品: download the template, upload the filled file, read the report.
async fn show_import(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<ImportQuery>,
) -> AppResult<Response> {
    user.require(Permission::PRODUCT_MANAGE)?;
    let page = import_page(
        &state,
        &user,
        l,
        &PRODUCT_IMPORT,
        &query,
        &FieldErrors::new(),
    )
    .await?;
    Ok(render(&page))
}

/// The product import template, with its 填写须知 sheet.
async fn download_import_template(l: Locale, user: CurrentUser) -> AppResult<Response> {
    user.require(Permission::PRODUCT_MANAGE)?;
    let notes = [
        l.t("product_import.note_products"),
        l.t("customer_import.note_required"),
        l.t("product_import.note_tiers"),
        l.t("customer_import.note_all_or_nothing"),
    ];
    let bytes = spreadsheet::template(&l.t("menu.products"), rules::IMPORT_COLUMNS, &notes, l)
        .map_err(AppError::Internal)?;
    Ok(spreadsheet::download(
        &l.t("product_import.template_file"),
        bytes,
    ))
}

/// The upload: every product saved and a report, or nothing saved and every problem listed.
async fn import_products(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    upload: Result<Upload, AppError>,
) -> AppResult<Response> {
    user.require(Permission::PRODUCT_MANAGE)?;
    let result = match upload_bytes(upload) {
        Ok(bytes) => service::import_products(&state.db, &user, &bytes, l).await,
        Err(err) => Err(err),
    };
    match result {
        Ok(n) => Ok(see_other(&format!("/system/products/import?imported={n}"))),
        Err(AppError::Invalid(errors)) => {
            let page = import_page(
                &state,
                &user,
                l,
                &PRODUCT_IMPORT,
                &ImportQuery::default(),
                &errors,
            )
            .await?;
            Ok(with_status(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(err) => Err(err),
    }
}

async fn list_products(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    user.require(Permission::PRODUCT_VIEW)?;
    let scope = user.scope();
    let category_id = query.category_id.trim().parse::<i64>().ok();
    let page_no = query.page.trim().parse::<i64>().unwrap_or(1);
    let page = service::list_products(&state.db, scope, &query.q, category_id, page_no).await?;
    let choices = service::form_choices(&state.db, scope).await?;
    let href = |page_no: i64| {
        format!(
            "/system/products?q={}&category_id={}&page={page_no}",
            urlencode(query.q.trim()),
            category_id.map(|id| id.to_string()).unwrap_or_default()
        )
    };
    let rows = page
        .lines
        .into_iter()
        .map(|line| ListRow {
            id: line.product.id.0,
            code: line.product.code,
            name: line.product.name,
            specification: line.product.specification,
            category_name: line.category_name,
            unit_name: line.unit_name,
            mode_key: mode_key(line.product.pricing_mode),
            list_price: line.product.list_price.to_string(),
            is_active: line.product.is_active,
        })
        .collect();
    let page_view = ProductsPage {
        shell: shell(&state.db, &user, l, "/system/products").await?,
        rows,
        q: query.q.trim().to_owned(),
        categories: choice_options(&choices.categories, &query.category_id),
        paging: l.t_args(
            "product.paging",
            &[
                ("total", &page.total.to_string()),
                ("page", &page.page.to_string()),
                ("pages", &page.n_pages.to_string()),
            ],
        ),
        prev_href: if page.page > 1 {
            href(page.page - 1)
        } else {
            String::new()
        },
        next_href: if page.page < page.n_pages {
            href(page.page + 1)
        } else {
            String::new()
        },
        export_href: format!(
            "/system/products/export?q={}&category_id={}",
            urlencode(query.q.trim()),
            category_id.map(|id| id.to_string()).unwrap_or_default()
        ),
        can_manage: user.can(Permission::PRODUCT_MANAGE),
        notice: if query.deleted == "1" {
            l.t("product.deleted")
        } else {
            String::new()
        },
    };
    Ok(render(&page_view))
}

async fn new_product(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
) -> AppResult<Response> {
    user.require(Permission::PRODUCT_MANAGE)?;
    let input = ProductInput {
        pricing_mode: PricingMode::Area.code().to_owned(),
        dimension_unit: DimensionUnit::Metre.code().to_owned(),
        is_active: true,
        ..ProductInput::default()
    };
    let page = form_page(&state, &user, l, None, input, FieldErrors::new()).await?;
    Ok(render(&page))
}

async fn create_product(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Form(form): Form<ProductForm>,
) -> AppResult<Response> {
    user.require(Permission::PRODUCT_MANAGE)?;
    let input = form.into_input();
    match service::create_product(&state.db, &user, &input).await {
        Ok(id) => Ok(see_other(&format!("/system/products/{}?saved=1", id.0))),
        Err(AppError::Invalid(errors)) => {
            let page = form_page(&state, &user, l, None, input, errors).await?;
            Ok(with_status(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(err) => Err(err),
    }
}

/// 产品回收站: the recycle bin, where binned products are restored or purged.
async fn product_recycle_bin(user: CurrentUser) -> AppResult<Response> {
    user.require(Permission::SYSTEM_RECYCLE_BIN_VIEW)?;
    Ok(see_other(&format!(
        "/system/recycle-bin?kind={}",
        RECYCLE_KIND.key
    )))
}

async fn show_product(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Query(query): Query<ShowQuery>,
) -> AppResult<Response> {
    user.require(Permission::PRODUCT_VIEW)?;
    let product = service::show_product(&state.db, user.scope(), ProductId(id)).await?;
    let default_unit = product.dimension_unit;
    let mut page = form_page(
        &state,
        &user,
        l,
        Some(id),
        input_of(&product),
        FieldErrors::new(),
    )
    .await?;
    page.notice = if query.saved == "1" {
        l.t("product.saved")
    } else {
        String::new()
    };
    let unit = if query.dimension_unit.trim().is_empty() {
        default_unit.code()
    } else {
        query.dimension_unit.trim()
    };
    page.preview_units = dimension_unit_options(l, unit);
    if query.preview == "1" {
        let request = PreviewInput {
            product_id: ProductId(id),
            customer_id: None,
            width: query.width.clone(),
            height: query.height.clone(),
            dimension_unit: query.dimension_unit.clone(),
            quantity: query.quantity.clone(),
            pages: query.pages.clone(),
            sides: query.sides.clone(),
            colour: !query.colour.is_empty(),
            unit_price: query.unit_price.clone(),
            process_ids: None,
        };
        match service::preview(&state.db, user.scope(), request, l).await {
            Ok(preview) => page.preview = Some(preview),
            Err(AppError::Invalid(errors)) => page.preview_errors = errors,
            Err(err) => return Err(err),
        }
    }
    page.preview_fields = PreviewFields {
        width: query.width,
        height: query.height,
        quantity: query.quantity,
        pages: query.pages,
        sides: query.sides,
        colour: !query.colour.is_empty(),
        unit_price: query.unit_price,
    };
    Ok(render(&page))
}

async fn update_product(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(form): Form<ProductForm>,
) -> AppResult<Response> {
    user.require(Permission::PRODUCT_MANAGE)?;
    let input = form.into_input();
    match service::update_product(&state.db, &user, ProductId(id), &input).await {
        Ok(()) => Ok(see_other(&format!("/system/products/{id}?saved=1"))),
        Err(AppError::Invalid(errors)) => {
            let page = form_page(&state, &user, l, Some(id), input, errors).await?;
            Ok(with_status(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        // A stale edit: show what was typed with the message, so nothing typed is lost either.
        Err(AppError::Conflict(message)) => {
            let mut errors = FieldErrors::new();
            errors.add("version", message);
            let page = form_page(&state, &user, l, Some(id), input, errors).await?;
            Ok(with_status(&page, StatusCode::CONFLICT))
        }
        Err(err) => Err(err),
    }
}

async fn delete_product(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(_): Form<EmptyForm>,
) -> AppResult<Response> {
    user.require(Permission::PRODUCT_MANAGE)?;
    service::delete_product(&state.db, &user, ProductId(id)).await?;
    Ok(see_other("/system/products?deleted=1"))
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    id: Option<i64>,
    input: ProductInput,
    errors: FieldErrors,
) -> AppResult<ProductFormPage> {
    let scope = user.scope();
    let FormChoices {
        categories,
        units,
        processes,
    } = service::form_choices(&state.db, scope).await?;
    let history = match id {
        Some(id) => audit::trail(&state.db, scope, RECYCLE_KIND.key, id, l).await?,
        None => Vec::new(),
    };
    let selected_processes: Vec<&str> = input.process_ids.iter().map(|p| p.trim()).collect();
    Ok(ProductFormPage {
        shell: shell(&state.db, user, l, "/system/products").await?,
        id,
        can_manage: user.can(Permission::PRODUCT_MANAGE),
        categories: choice_options(&categories, &input.category_id),
        units: choice_options(&units, &input.unit_id),
        modes: PricingMode::ALL
            .into_iter()
            .map(|mode| SelectOption {
                value: mode.code().to_owned(),
                label: l.t(&mode_key(mode)),
                selected: mode.code() == input.pricing_mode.trim(),
            })
            .collect(),
        sheet_units: SheetUnit::ALL
            .into_iter()
            .map(|unit| SelectOption {
                value: unit.code().to_owned(),
                label: l.t(&format!("product.sheet_unit.{}", unit.code())),
                selected: unit.code() == input.sheet_unit.trim(),
            })
            .collect(),
        tier_styles: tier_style_options(l, &input.tier_style),
        colour_tier_styles: tier_style_options(l, &input.colour_tier_style),
        dimension_units: dimension_unit_options(l, input.dimension_unit.trim()),
        processes: processes
            .iter()
            .map(|choice| SelectOption {
                value: choice.id.to_string(),
                label: choice.name.clone(),
                selected: selected_processes.contains(&choice.id.to_string().as_str()),
            })
            .collect(),
        tier_rows: tier_rows(&input.tiers, "tiers", &errors, l),
        colour_tier_rows: tier_rows(&input.colour_tiers, "colour_tiers", &errors, l),
        mode: input.pricing_mode.trim().to_owned(),
        input,
        errors,
        notice: String::new(),
        history,
        preview_fields: PreviewFields {
            quantity: "1".to_owned(),
            ..PreviewFields::default()
        },
        preview_units: Vec::new(),
        preview: None,
        preview_errors: FieldErrors::new(),
    })
}

/// The tiers typed so far, padded with blank rows to at least [`TIER_ROWS`] and one spare.
fn tier_rows(tiers: &[TierInput], prefix: &str, errors: &FieldErrors, l: Locale) -> Vec<TierRow> {
    let n_rows = TIER_ROWS.max(tiers.len() + 1);
    let froms: Vec<Option<rust_decimal::Decimal>> = (0..n_rows)
        .map(|idx| tiers.get(idx).and_then(|t| parse_decimal(&t.from).ok()))
        .collect();
    (0..n_rows)
        .map(|idx| {
            let tier = tiers.get(idx).cloned().unwrap_or_default();
            let next = froms.iter().skip(idx + 1).flatten().next();
            let to = match (froms[idx], next) {
                (None, _) => String::new(),
                (Some(_), Some(next)) if next.fract().is_zero() => {
                    (next - rust_decimal::Decimal::ONE).normalize().to_string()
                }
                (Some(_), Some(next)) => format!("< {}", next.normalize()),
                (Some(_), None) => l.t("product.tier_and_above"),
            };
            TierRow {
                from_error: errors.text(&format!("{prefix}[{idx}].from"), l),
                price_error: errors.text(&format!("{prefix}[{idx}].price"), l),
                from: tier.from,
                to,
                price: tier.price,
            }
        })
        .collect()
}

fn input_of(product: &Product) -> ProductInput {
    let tiers = |table: Option<&super::rules::TierTable>| -> Vec<TierInput> {
        table
            .map(|t| {
                t.tiers
                    .iter()
                    .map(|tier| TierInput {
                        from: tier.from.normalize().to_string(),
                        price: tier.price.to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let run_on = product
        .tiers
        .as_ref()
        .or(product.colour_tiers.as_ref())
        .map(|t| t.run_on_per_thousand);
    ProductInput {
        code: product.code.clone(),
        name: product.name.clone(),
        category_id: product.category_id.to_string(),
        unit_id: product.unit_id.to_string(),
        specification: product.specification.clone(),
        cost_price: product.cost_price.to_string(),
        tax_rate: product.tax_rate.normalize().to_string(),
        pricing_mode: product.pricing_mode.code().to_owned(),
        sheet_unit: product.sheet_unit.code().to_owned(),
        list_price: product.list_price.to_string(),
        colour_list_price: product
            .colour_list_price
            .map(|p| p.to_string())
            .unwrap_or_default(),
        min_per_piece: product.min_per_piece.normalize().to_string(),
        min_charge: product.min_charge.to_string(),
        max_width: limit_text(product.max_width),
        max_length: limit_text(product.max_length),
        tier_style: product
            .tiers
            .as_ref()
            .map(|t| t.style.code().to_owned())
            .unwrap_or_default(),
        tiers: tiers(product.tiers.as_ref()),
        colour_tier_style: product
            .colour_tiers
            .as_ref()
            .map(|t| t.style.code().to_owned())
            .unwrap_or_default(),
        colour_tiers: tiers(product.colour_tiers.as_ref()),
        run_on_per_thousand: run_on.map(|m| m.to_string()).unwrap_or_default(),
        dimension_unit: product.dimension_unit.code().to_owned(),
        process_ids: product
            .process_ids
            .iter()
            .map(|id| id.to_string())
            .collect(),
        is_active: product.is_active,
        version: product.version.to_string(),
        form_nonce: String::new(),
    }
}

fn mode_key(mode: PricingMode) -> String {
    format!("product.mode.{}", mode.code())
}

fn tier_style_options(l: Locale, selected: &str) -> Vec<SelectOption> {
    [
        TierStyle::Whole,
        TierStyle::Incremental,
        TierStyle::Interpolated,
    ]
    .into_iter()
    .map(|style| SelectOption {
        value: style.code().to_owned(),
        label: l.t(&format!("product.tier_style.{}", style.code())),
        selected: style.code() == selected.trim(),
    })
    .collect()
}

fn dimension_unit_options(l: Locale, selected: &str) -> Vec<SelectOption> {
    [
        DimensionUnit::Metre,
        DimensionUnit::Centimetre,
        DimensionUnit::Millimetre,
    ]
    .into_iter()
    .map(|unit| SelectOption {
        value: unit.code().to_owned(),
        label: l.t(&format!("product.dimension_unit.{}", unit.code())),
        selected: unit.code() == selected,
    })
    .collect()
}

/// Options of a settings list; tree items are indented like the tree.
fn choice_options(choices: &[Choice], selected: &str) -> Vec<SelectOption> {
    choices
        .iter()
        .map(|choice| SelectOption {
            value: choice.id.to_string(),
            label: if choice.depth == 0 {
                choice.name.clone()
            } else {
                format!("{}└ {}", "\u{3000}".repeat(choice.depth - 1), choice.name)
            },
            selected: choice.id.to_string() == selected.trim(),
        })
        .collect()
}

fn with_status(page: &impl Template, status: StatusCode) -> Response {
    let mut res = render(page);
    *res.status_mut() = status;
    res
}

/// A size limit as the form shows it: blank for none.
fn limit_text(metres: rust_decimal::Decimal) -> String {
    if metres.is_zero() {
        String::new()
    } else {
        metres.normalize().to_string()
    }
}
