//! Pages of 产品订单: the order list (filters, totals row, 导出 Excel), the entry form (新建订单,
//! which works without JavaScript: 计算 re-prices on the server, 保存 saves), the order page with
//! its life-cycle buttons, and 快速开单.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};

use super::api::ListParams;
use super::rules::{LineInput, OrderAction, OrderInput, OrderStatus};
use super::service::{self, OrderPage};
use super::{Order, OrderId, OrderLine};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Locale;
use crate::kernel::money::{DecimalPlaces, Money, Quantity};
use crate::kernel::shell::{Shell, shell};
use crate::kernel::spreadsheet::{self, Cell, ColumnKind, Table};
use crate::kernel::web::{
    AppState, Form, IdPath, Query, query_string, render, see_other, unprocessable,
};
use crate::system::product::service as products;
use crate::system::settings_list::{
    self, DELIVERY_METHOD, FEATURE_TAG, ORDER_CATEGORY, PROCESS, TAX_RATE,
};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/orders", get(list_orders).post(create_order))
        .route("/orders/new", get(new_order))
        .route("/orders/export", get(export_orders))
        .route("/orders/quick-sale", post(quick_sale))
        .route("/orders/{id}", get(show_order).post(update_order))
        .route("/orders/{id}/edit", get(edit_order))
        .route("/orders/{id}/delete", post(delete_order))
        .route("/orders/{id}/actions/{action}", post(act_on_order))
}

/// Blank rows the grid offers below the filled ones.
const BLANK_ROWS: usize = 3;

/// A select option.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
    /// Feature tags: their colour.
    pub color: String,
}

/// One row of the entry grid, as typed (and as priced, when it was).
#[derive(Clone, Default)]
pub struct GridRow {
    pub index: usize,
    pub product_code: String,
    pub product_name: String,
    pub specification: String,
    pub width: String,
    pub height: String,
    pub quantity: String,
    pub sides: String,
    pub colour: bool,
    pub unit_price: String,
    pub amount: String,
    pub override_reason: String,
    pub remarks: String,
    /// `m` for rows read back from a saved order (stored in metres); empty: the product's unit.
    pub dimension_unit: String,
    pub pages: String,
    /// The processes ticked on the line.
    pub process_ids: Vec<i64>,
    /// The product code the ticks were made for: the ticks are the line's processes while the
    /// line still holds that product. Empty: nothing chosen yet, the product's defaults apply.
    pub processes_for: String,
    /// The ticked processes' names as the closed 工序 control shows them.
    pub processes_summary: String,
    /// Priced figures, empty until priced.
    pub billable: String,
    pub priced_unit_price: String,
    pub priced_total: String,
    pub processes: String,
    pub explanation: Vec<String>,
}

impl GridRow {
    fn is_ticked(&self, process_id: &i64) -> bool {
        self.process_ids.contains(process_id)
    }
}

/// A process (工序) every line of the grid offers as a tick box.
pub struct ProcessChoice {
    pub id: i64,
    pub name: String,
    /// False for a process switched off in 工序 since a saved line took it: still shown, so the
    /// clerk sees it and can untick it.
    pub is_active: bool,
}

#[derive(Template)]
#[template(path = "orders/order_form.html")]
struct OrderFormPage {
    shell: Shell,
    /// `None` for a new order.
    id: Option<i64>,
    number: String,
    version: String,
    form_nonce: String,
    customer_id: String,
    customer_label: String,
    walk_in_name: String,
    walk_in_mobile: String,
    contact_person: String,
    contact_phone: String,
    delivery_address: String,
    due_at: String,
    remarks: String,
    discount: String,
    categories: Vec<Choice>,
    delivery_methods: Vec<Choice>,
    tax_rates: Vec<Choice>,
    tags: Vec<Choice>,
    rows: Vec<GridRow>,
    processes: Vec<ProcessChoice>,
    totals: Vec<(String, String)>,
    errors: FieldErrors,
    can_override: bool,
}

impl OrderFormPage {
    /// Labels the live totals need, as JSON for `data-labels`.
    fn labels_json(&self) -> String {
        let l = self.shell.l;
        let keys = [
            ("explanation", "order.explanation"),
            ("goods_amount", "order.goods_amount"),
            ("process_amount", "order.process_amount"),
            ("management_fee", "order.management_fee"),
            ("discount", "order.discount"),
            ("tax_amount", "order.tax_amount"),
            ("round_off", "order.round_off"),
            ("total", "order.total"),
            ("processes_default", "order.processes_default"),
            ("processes_none", "order.processes_none"),
        ];
        let map: serde_json::Map<String, serde_json::Value> = keys
            .iter()
            .map(|(k, key)| ((*k).to_owned(), serde_json::Value::String(l.t(key))))
            .collect();
        serde_json::Value::Object(map).to_string()
    }

    /// `datetime-local` wants a `T` between date and time.
    fn due_at_input(&self) -> String {
        self.due_at.replacen(' ', "T", 1)
    }

    fn err(&self, field: &str) -> String {
        self.errors.text(field, self.shell.l)
    }

    fn line_err(&self, index: &usize, field: &str) -> String {
        self.errors
            .text(&format!("lines[{index}].{field}"), self.shell.l)
    }

    fn others(&self) -> Vec<String> {
        let shown: Vec<String> = self
            .errors
            .iter()
            .map(|e| e.field.to_string())
            .filter(|f| {
                f.starts_with("lines[")
                    || [
                        "customer_id",
                        "walk_in_name",
                        "walk_in_mobile",
                        "due_at",
                        "discount",
                        "tax_rate",
                        "category_id",
                        "delivery_method_id",
                    ]
                    .contains(&f.as_str())
            })
            .collect();
        let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
        self.errors.others(&shown, self.shell.l)
    }
}

#[derive(Template)]
#[template(path = "orders/order.html")]
struct OrderShowPage {
    shell: Shell,
    order: OrderDisplay,
    notice: String,
    credit_warning: String,
    actions: Vec<(&'static str, String, bool)>,
    can_edit: bool,
    can_delete: bool,
    can_ship: bool,
}

/// An order as its page shows it.
pub struct OrderDisplay {
    pub id: i64,
    pub number: String,
    pub status_label: String,
    pub status: &'static str,
    pub order_date: String,
    pub customer: String,
    pub contact: String,
    pub category: String,
    pub delivery: String,
    pub due_at: String,
    pub remarks: String,
    pub tags: Vec<(String, String)>,
    pub lines: Vec<LineDisplay>,
    pub totals: Vec<(String, String)>,
    pub version: i64,
    pub created: String,
}

/// A line as the order page and the prints show it.
pub struct LineDisplay {
    pub line_no: i64,
    pub product: String,
    pub specification: String,
    pub size: String,
    pub quantity: String,
    pub billable: String,
    pub unit: String,
    pub unit_price: String,
    pub amount: String,
    pub processes: String,
    pub line_total: String,
    pub explanation: Vec<String>,
    pub override_note: String,
    pub remarks: String,
}

#[derive(Template)]
#[template(path = "orders/orders.html")]
struct OrdersPage {
    shell: Shell,
    params: ListParams,
    statuses: Vec<Choice>,
    categories: Vec<Choice>,
    tags: Vec<Choice>,
    sorts: Vec<Choice>,
    rows: Vec<ListRow>,
    total_count: i64,
    total_amount: String,
    page: i64,
    n_pages: i64,
    prev_href: String,
    next_href: String,
    export_href: String,
    can_create: bool,
}

pub struct ListRow {
    pub id: i64,
    pub number: String,
    pub order_date: String,
    pub status_label: String,
    pub status: &'static str,
    pub customer: String,
    pub category: String,
    pub due_at: String,
    pub sales_person: String,
    pub total: String,
    pub tags: Vec<(String, String)>,
}

fn qty(q: Quantity) -> String {
    if q.is_zero() {
        String::new()
    } else {
        q.to_decimal().normalize().to_string()
    }
}

/// Reads the entry form: header fields by name, grid fields as `lines[i][field]`. A line's
/// processes come as repeated `lines[i][process_id]` tick boxes with `lines[i][processes_for]`,
/// the product code they were ticked for (see [`chosen_processes`]).
fn read_form(pairs: &[(String, String)]) -> (OrderInput, BTreeMap<String, String>) {
    let mut header: BTreeMap<String, String> = BTreeMap::new();
    let mut lines: BTreeMap<usize, LineInput> = BTreeMap::new();
    let mut ticks: BTreeMap<usize, (Vec<i64>, String)> = BTreeMap::new();
    let mut tag_ids = Vec::new();
    for (key, value) in pairs {
        if let Some(rest) = key.strip_prefix("lines[")
            && let Some((index, field)) = rest.split_once("][")
            && let Ok(index) = index.parse::<usize>()
            && index < super::rules::MAX_LINES + BLANK_ROWS
        {
            let field = field.trim_end_matches(']');
            let line = lines.entry(index).or_default();
            let value = value.clone();
            match field {
                "product_code" => line.product_code = value,
                "specification" => line.specification = value,
                "width" => line.width = value,
                "height" => line.height = value,
                "quantity" => line.quantity = value,
                "sides" => line.sides = value,
                "colour" => line.colour = value == "1",
                "unit_price" => line.unit_price = value,
                "amount" => line.amount = value,
                "override_reason" => line.override_reason = value,
                "remarks" => line.remarks = value,
                "dimension_unit" => line.dimension_unit = value,
                "pages" => line.pages = value,
                "process_id" => {
                    let ticked = &mut ticks.entry(index).or_default().0;
                    if let Ok(id) = value.trim().parse()
                        && !ticked.contains(&id)
                    {
                        ticked.push(id);
                    }
                }
                "processes_for" => ticks.entry(index).or_default().1 = value,
                _ => {}
            }
        } else if key == "tag_ids" {
            if let Ok(id) = value.trim().parse() {
                tag_ids.push(id);
            }
        } else {
            header.insert(key.clone(), value.clone());
        }
    }
    for (index, (ticked, processes_for)) in ticks {
        if let Some(line) = lines.get_mut(&index) {
            line.process_ids = chosen_processes(&line.product_code, &processes_for, ticked);
        }
    }
    let get = |k: &str| header.get(k).cloned().unwrap_or_default();
    let input = OrderInput {
        customer_id: get("customer_id").trim().parse().ok(),
        walk_in_name: get("walk_in_name"),
        walk_in_mobile: get("walk_in_mobile"),
        contact_person: get("contact_person"),
        contact_phone: get("contact_phone"),
        category_id: get("category_id"),
        delivery_method_id: get("delivery_method_id"),
        delivery_address: get("delivery_address"),
        due_at: get("due_at"),
        sales_person_id: get("sales_person_id"),
        remarks: get("remarks"),
        tag_ids,
        discount: get("discount"),
        tax_rate: get("tax_rate"),
        lines: lines.into_values().collect(),
        version: get("version").trim().parse().ok(),
        form_nonce: get("form_nonce"),
    };
    (input, header)
}

/// The processes the clerk chose for a line, or `None` for the product's defaults. The ticks
/// count when they were made for the product now on the line (`processes_for`, any case), even
/// when none is left ticked: that is "no process on this line". Ticks on a line that had no
/// product yet count when there are some. A product changed since the ticks were made (typed over
/// without JavaScript, which would have reset them) gets its own defaults.
fn chosen_processes(product_code: &str, processes_for: &str, ticked: Vec<i64>) -> Option<Vec<i64>> {
    let processes_for = processes_for.trim();
    if processes_for.is_empty() {
        return (!ticked.is_empty()).then_some(ticked);
    }
    processes_for
        .eq_ignore_ascii_case(product_code.trim())
        .then_some(ticked)
}

async fn choices(
    state: &AppState,
    user: &CurrentUser,
    kind: &settings_list::ListKind,
    selected: &[i64],
) -> AppResult<Vec<Choice>> {
    let items = settings_list::service::list_items(&state.db, user.scope(), kind).await?;
    Ok(items
        .into_iter()
        .filter(|line| line.item.is_active || selected.contains(&line.item.id))
        .map(|line| Choice {
            value: line.item.id.to_string(),
            selected: selected.contains(&line.item.id),
            color: line.item.attribute("color").to_owned(),
            label: line.item.name,
        })
        .collect())
}

async fn names(
    state: &AppState,
    user: &CurrentUser,
    kind: &settings_list::ListKind,
) -> AppResult<BTreeMap<i64, (String, String)>> {
    let items = settings_list::service::list_items(&state.db, user.scope(), kind).await?;
    Ok(items
        .into_iter()
        .map(|line| {
            (
                line.item.id,
                (
                    line.item.name.clone(),
                    line.item.attribute("color").to_owned(),
                ),
            )
        })
        .collect())
}

fn grid_row(index: usize, line: &LineInput) -> GridRow {
    GridRow {
        index,
        product_code: line.product_code.clone(),
        specification: line.specification.clone(),
        width: line.width.clone(),
        height: line.height.clone(),
        quantity: line.quantity.clone(),
        sides: line.sides.clone(),
        colour: line.colour,
        unit_price: line.unit_price.clone(),
        amount: line.amount.clone(),
        override_reason: line.override_reason.clone(),
        remarks: line.remarks.clone(),
        dimension_unit: line.dimension_unit.clone(),
        pages: line.pages.clone(),
        process_ids: line.process_ids.clone().unwrap_or_default(),
        processes_for: if line.process_ids.is_some() {
            line.product_code.trim().to_owned()
        } else {
            String::new()
        },
        ..GridRow::default()
    }
}

fn priced_row(row: &mut GridRow, line: &OrderLine, places: &DecimalPlaces) {
    row.product_name = line.product_name.clone();
    // What was priced is what the boxes show, and from now on the clerk's choice for this
    // product: unticking every box must mean "no process", not "the defaults".
    row.process_ids = line.processes.iter().map(|p| p.process_id).collect();
    row.processes_for = row.product_code.trim().to_owned();
    row.billable = format!("{} {}", qty(line.billable_quantity), line.unit_name);
    row.priced_unit_price = line.unit_price.format(places.unit_price);
    row.priced_total = line.line_total.format(places.amount);
    row.processes = line
        .processes
        .iter()
        .map(|p| format!("{} {}", p.name, p.amount.format(places.amount)))
        .collect::<Vec<_>>()
        .join("、");
    row.explanation = line.explanation.lines().map(str::to_owned).collect();
}

fn totals_rows(
    l: Locale,
    t: &super::rules::Totals,
    places: &DecimalPlaces,
) -> Vec<(String, String)> {
    let money = |m: Money| m.format(places.amount);
    let mut rows = vec![
        (l.t("order.goods_amount"), money(t.goods)),
        (l.t("order.process_amount"), money(t.processes)),
    ];
    if !t.management_fee.is_zero() {
        rows.push((l.t("order.management_fee"), money(t.management_fee)));
    }
    if !t.discount.is_zero() {
        rows.push((l.t("order.discount"), format!("-{}", money(t.discount))));
    }
    rows.push((l.t("order.tax_amount"), money(t.tax)));
    if !t.round_off.is_zero() {
        rows.push((l.t("order.round_off"), money(t.round_off)));
    }
    rows.push((l.t("order.total"), money(t.total)));
    rows
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    id: Option<i64>,
    number: String,
    input: &OrderInput,
    priced: Option<&service::Quote>,
    errors: FieldErrors,
) -> AppResult<OrderFormPage> {
    let path = id.map_or("/orders/new".to_owned(), |id| format!("/orders/{id}"));
    let shell = shell(&state.db, user, l, &path).await?;
    let selected = |text: &str| {
        text.trim()
            .parse::<i64>()
            .ok()
            .into_iter()
            .collect::<Vec<_>>()
    };
    let settings = service::order_settings(&state.db, user.scope()).await?;
    let rate_text = if input.tax_rate.trim().is_empty() {
        settings.default_tax_rate.normalize().to_string()
    } else {
        input.tax_rate.trim().to_owned()
    };
    let rates = settings_list::service::list_items(&state.db, user.scope(), &TAX_RATE).await?;
    let tax_rates = rates
        .into_iter()
        .filter(|line| line.item.is_active)
        .map(|line| {
            let value = line.item.attribute("rate_percent").to_owned();
            Choice {
                selected: value == rate_text,
                label: line.item.name,
                value,
                color: String::new(),
            }
        })
        .collect();
    let mut rows: Vec<GridRow> = input
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| grid_row(i, line))
        .collect();
    if let Some(quote) = priced {
        let filled: Vec<usize> = input
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.is_blank())
            .map(|(i, _)| i)
            .collect();
        for (index, line) in filled.into_iter().zip(&quote.lines) {
            priced_row(&mut rows[index], line, &quote.places);
        }
    }
    // Drop blank rows, then offer a few fresh ones.
    rows.retain(|r| {
        !(r.product_code.trim().is_empty()
            && r.width.trim().is_empty()
            && r.height.trim().is_empty()
            && r.quantity.trim().is_empty()
            && !errors
                .iter()
                .any(|e| e.field.starts_with(&format!("lines[{}]", r.index))))
    });
    let next = rows.iter().map(|r| r.index + 1).max().unwrap_or(0);
    for index in next..next + BLANK_ROWS.max(if rows.is_empty() { 5 } else { 0 }) {
        rows.push(GridRow {
            index,
            ..GridRow::default()
        });
    }
    let processes = process_choices(state, user, l, &mut rows).await?;
    let customer_label = match input.customer_id {
        Some(cid) => crate::customers::customer::service::show_customer(
            &state.db,
            user.scope(),
            crate::customers::customer::CustomerId(cid),
        )
        .await
        .map(|c| c.name)
        .unwrap_or_default(),
        None => String::new(),
    };
    Ok(OrderFormPage {
        id,
        number,
        version: input.version.map(|v| v.to_string()).unwrap_or_default(),
        form_nonce: if input.form_nonce.is_empty() {
            shell.nonce.clone()
        } else {
            input.form_nonce.clone()
        },
        customer_id: input.customer_id.map(|c| c.to_string()).unwrap_or_default(),
        customer_label,
        walk_in_name: input.walk_in_name.clone(),
        walk_in_mobile: input.walk_in_mobile.clone(),
        contact_person: input.contact_person.clone(),
        contact_phone: input.contact_phone.clone(),
        delivery_address: input.delivery_address.clone(),
        due_at: if input.due_at.is_empty() && id.is_none() {
            service::default_due_at(&settings)
        } else {
            input.due_at.clone()
        },
        remarks: input.remarks.clone(),
        discount: input.discount.clone(),
        categories: choices(state, user, &ORDER_CATEGORY, &selected(&input.category_id)).await?,
        delivery_methods: choices(
            state,
            user,
            &DELIVERY_METHOD,
            &selected(&input.delivery_method_id),
        )
        .await?,
        tax_rates,
        tags: choices(state, user, &FEATURE_TAG, &input.tag_ids).await?,
        rows,
        processes,
        totals: priced
            .map(|q| totals_rows(l, &q.totals, &q.places))
            .unwrap_or_default(),
        errors,
        can_override: user.can(Permission::ORDER_PRICE_OVERRIDE) && settings.allow_price_override,
        shell,
    })
}

/// The processes every line offers (the live 工序 items, and any switched off since a line took
/// them), with each row's ticks settled: a row with a product and no choice yet shows that
/// product's live default processes, as pricing would apply them.
async fn process_choices(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    rows: &mut [GridRow],
) -> AppResult<Vec<ProcessChoice>> {
    let items = settings_list::service::list_items(&state.db, user.scope(), &PROCESS).await?;
    let live: Vec<i64> = items
        .iter()
        .filter(|line| line.item.is_active)
        .map(|line| line.item.id)
        .collect();
    for row in rows.iter_mut() {
        let code = row.product_code.trim();
        if !row.processes_for.is_empty() || code.is_empty() {
            continue;
        }
        let Some(product_id) = products::product_by_code(&state.db, user.scope(), code).await?
        else {
            continue;
        };
        let product = match products::show_product(&state.db, user.scope(), product_id).await {
            Ok(product) => product,
            // Binned since the search index was built: the line says so when it is priced.
            Err(AppError::NotFound) => continue,
            Err(err) => return Err(err),
        };
        row.process_ids = product
            .process_ids
            .into_iter()
            .filter(|id| live.contains(id))
            .collect();
        row.processes_for = code.to_owned();
    }
    let names: BTreeMap<i64, &str> = items
        .iter()
        .map(|line| (line.item.id, line.item.name.as_str()))
        .collect();
    for row in rows.iter_mut() {
        row.processes_summary = if row.processes_for.is_empty() {
            l.t("order.processes_default")
        } else if row.process_ids.is_empty() {
            l.t("order.processes_none")
        } else {
            row.process_ids
                .iter()
                .map(|id| names.get(id).copied().unwrap_or_default())
                .collect::<Vec<_>>()
                .join("、")
        };
    }
    Ok(items
        .iter()
        .filter(|line| {
            line.item.is_active
                || rows
                    .iter()
                    .any(|row| row.process_ids.contains(&line.item.id))
        })
        .map(|line| ProcessChoice {
            id: line.item.id,
            name: line.item.name.clone(),
            is_active: line.item.is_active,
        })
        .collect())
}

async fn new_order(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<BTreeMap<String, String>>,
) -> AppResult<Response> {
    user.require(Permission::ORDER_CREATE)?;
    let input = OrderInput {
        customer_id: query.get("customer_id").and_then(|c| c.trim().parse().ok()),
        ..OrderInput::default()
    };
    let page = form_page(
        &state,
        &user,
        l,
        None,
        String::new(),
        &input,
        None,
        FieldErrors::new(),
    )
    .await?;
    Ok(render(&page))
}

/// The customer box of the form: empty is a walk-in; otherwise the customer it names (one
/// search match, or the one whose name is typed exactly). Several or no matches are a field
/// error on `customer_id` that lists them.
async fn resolve_customer(
    state: &AppState,
    user: &CurrentUser,
    header: &BTreeMap<String, String>,
    input: &mut OrderInput,
) -> AppResult<Option<FieldErrors>> {
    let typed = header
        .get("customer_q")
        .map(|q| q.trim())
        .unwrap_or_default();
    if typed.is_empty() {
        input.customer_id = None;
        return Ok(None);
    }
    if let Some(id) = input.customer_id {
        let known = crate::customers::customer::service::show_customer(
            &state.db,
            user.scope(),
            crate::customers::customer::CustomerId(id),
        )
        .await;
        if known.is_ok_and(|c| c.name == typed) {
            return Ok(None);
        }
    }
    let found =
        crate::customers::customer::service::search_customers(&state.db, user.scope(), typed)
            .await?;
    let exact: Vec<i64> = found
        .iter()
        .filter(|c| c.name == typed)
        .map(|c| c.id.0)
        .collect();
    let chosen = match (exact.as_slice(), found.as_slice()) {
        ([one], _) => Some(*one),
        ([], [one]) => Some(one.id.0),
        _ => None,
    };
    if let Some(id) = chosen {
        input.customer_id = Some(id);
        return Ok(None);
    }
    input.customer_id = None;
    let message = if found.is_empty() {
        crate::kernel::i18n::Message::new("order.customer_not_found").arg("q", typed)
    } else {
        crate::kernel::i18n::Message::new("order.customer_ambiguous")
            .arg("n", found.len())
            .arg("q", typed)
            .arg(
                "names",
                found
                    .iter()
                    .take(5)
                    .map(|c| c.name.clone())
                    .collect::<Vec<_>>()
                    .join("、"),
            )
    };
    Ok(Some(FieldErrors::single("customer_id", message)))
}

/// 计算 re-renders the form priced; 保存 saves.
async fn create_order(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    user.require(Permission::ORDER_CREATE)?;
    let (mut input, header) = read_form(&pairs);
    if let Some(errors) = resolve_customer(&state, &user, &header, &mut input).await? {
        let page = form_page(&state, &user, l, None, String::new(), &input, None, errors).await?;
        return Ok(unprocessable(&page));
    }
    if header.get("intent").map(String::as_str) == Some("quote") {
        return quote_page(&state, &user, l, None, String::new(), &input).await;
    }
    match service::create_order(&state.db, &user, &input, l).await {
        Ok(saved) => {
            let id = saved.order.id;
            let next = if header.get("intent").map(String::as_str) == Some("save_new") {
                "/orders/new?saved=1".to_owned()
            } else {
                format!("/orders/{}?saved=1", id.0)
            };
            Ok(see_other(&next))
        }
        Err(AppError::Invalid(errors)) => {
            let priced = service::quote(&state.db, &user, &input, l).await.ok();
            let page = form_page(
                &state,
                &user,
                l,
                None,
                String::new(),
                &input,
                priced.as_ref(),
                errors,
            )
            .await?;
            Ok(unprocessable(&page))
        }
        Err(err) => Err(err),
    }
}

async fn quote_page(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    id: Option<i64>,
    number: String,
    input: &OrderInput,
) -> AppResult<Response> {
    match service::quote(&state.db, user, input, l).await {
        Ok(quote) => {
            let page = form_page(
                state,
                user,
                l,
                id,
                number,
                input,
                Some(&quote),
                FieldErrors::new(),
            )
            .await?;
            Ok(render(&page))
        }
        Err(AppError::Invalid(errors)) => {
            let page = form_page(state, user, l, id, number, input, None, errors).await?;
            Ok(unprocessable(&page))
        }
        Err(err) => Err(err),
    }
}

fn input_of(order: &Order) -> OrderInput {
    let text = |q: Quantity| qty(q);
    OrderInput {
        customer_id: order.customer_id,
        walk_in_name: order.walk_in_name.clone(),
        walk_in_mobile: order.walk_in_mobile.clone(),
        contact_person: order.contact_person.clone(),
        contact_phone: order.contact_phone.clone(),
        category_id: order.category_id.map(|c| c.to_string()).unwrap_or_default(),
        delivery_method_id: order
            .delivery_method_id
            .map(|c| c.to_string())
            .unwrap_or_default(),
        delivery_address: order.delivery_address.clone(),
        due_at: order.due_at.clone().unwrap_or_default(),
        sales_person_id: order
            .sales_person_id
            .map(|c| c.to_string())
            .unwrap_or_default(),
        remarks: order.remarks.clone(),
        tag_ids: order.tag_ids.clone(),
        discount: if order.discount.is_zero() {
            String::new()
        } else {
            order.discount.to_string()
        },
        tax_rate: order.tax_rate.to_decimal().normalize().to_string(),
        lines: order
            .lines
            .iter()
            .map(|line| LineInput {
                product_id: None,
                product_code: line.product_code.clone(),
                specification: line.specification.clone(),
                // Stored in metres: show them in metres.
                width: text(line.width),
                height: text(line.height),
                dimension_unit: "m".to_owned(),
                quantity: text(line.quantity),
                pages: text(line.pages),
                sides: line.sides.to_string(),
                colour: line.colour,
                unit_price: if line.price_source == "override" || line.pricing_mode == "negotiated"
                {
                    line.unit_price.to_string()
                } else {
                    String::new()
                },
                amount: String::new(),
                override_reason: line.override_reason.clone(),
                process_ids: Some(line.processes.iter().map(|p| p.process_id).collect()),
                remarks: line.remarks.clone(),
            })
            .collect(),
        version: Some(order.version),
        form_nonce: String::new(),
    }
}

async fn edit_order(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    user.require(Permission::ORDER_CREATE)?;
    let order = service::show_order(&state.db, user.scope(), OrderId(id)).await?;
    if !order.status.is_editable() {
        return Ok(see_other(&format!("/orders/{id}")));
    }
    let input = input_of(&order);
    quote_page(&state, &user, l, Some(id), order.number.clone(), &input).await
}

async fn update_order(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    user.require(Permission::ORDER_CREATE)?;
    let (mut input, header) = read_form(&pairs);
    let order = service::show_order(&state.db, user.scope(), OrderId(id)).await?;
    if let Some(errors) = resolve_customer(&state, &user, &header, &mut input).await? {
        let page = form_page(
            &state,
            &user,
            l,
            Some(id),
            order.number,
            &input,
            None,
            errors,
        )
        .await?;
        return Ok(unprocessable(&page));
    }
    if header.get("intent").map(String::as_str) == Some("quote") {
        return quote_page(&state, &user, l, Some(id), order.number, &input).await;
    }
    match service::update_order(&state.db, &user, OrderId(id), &input, l).await {
        Ok(()) => Ok(see_other(&format!("/orders/{id}?saved=1"))),
        Err(AppError::Invalid(errors)) => {
            let page = form_page(
                &state,
                &user,
                l,
                Some(id),
                order.number,
                &input,
                None,
                errors,
            )
            .await?;
            Ok(unprocessable(&page))
        }
        Err(err) => Err(err),
    }
}

/// The order as its page and prints show it.
pub async fn display(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    order: &Order,
) -> AppResult<OrderDisplay> {
    let places = crate::system::product::service::decimal_places(&state.db, user.scope()).await?;
    let categories = names(state, user, &ORDER_CATEGORY).await?;
    let methods = names(state, user, &DELIVERY_METHOD).await?;
    let tags = names(state, user, &FEATURE_TAG).await?;
    let money = |m: Money| m.format(places.amount);
    let totals = super::rules::Totals {
        goods: order.goods_amount,
        processes: order.process_amount,
        management_fee: order.management_fee,
        discount: order.discount,
        tax: order.tax_amount,
        round_off: order.round_off,
        total: order.total,
    };
    let customer = if order.customer_id.is_some() {
        order.customer_name.clone()
    } else if order.walk_in_name.is_empty() {
        l.t("order.walk_in")
    } else {
        format!("{}（{}）", order.walk_in_name, l.t("order.walk_in"))
    };
    let contact = [
        order.contact_person.as_str(),
        order.contact_phone.as_str(),
        order.walk_in_mobile.as_str(),
    ]
    .iter()
    .filter(|s| !s.is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join(" ");
    Ok(OrderDisplay {
        id: order.id.0,
        number: order.number.clone(),
        status_label: l.t(order.status.label_key()),
        status: order.status.code(),
        order_date: order.order_date.clone(),
        customer,
        contact,
        category: order
            .category_id
            .and_then(|id| categories.get(&id))
            .map(|(n, _)| n.clone())
            .unwrap_or_default(),
        delivery: {
            let method = order
                .delivery_method_id
                .and_then(|id| methods.get(&id))
                .map(|(n, _)| n.clone())
                .unwrap_or_default();
            [method, order.delivery_address.clone()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        },
        due_at: order.due_at.clone().unwrap_or_default(),
        remarks: order.remarks.clone(),
        tags: order
            .tag_ids
            .iter()
            .filter_map(|id| tags.get(id).cloned())
            .collect(),
        lines: order
            .lines
            .iter()
            .map(|line| {
                let size = if line.width.is_zero() && line.height.is_zero() {
                    String::new()
                } else {
                    format!("{} × {} m", qty(line.width), qty(line.height))
                };
                LineDisplay {
                    line_no: line.line_no,
                    product: format!("{} {}", line.product_code, line.product_name),
                    specification: line.specification.clone(),
                    size,
                    quantity: qty(line.quantity),
                    billable: qty(line.billable_quantity),
                    unit: line.unit_name.clone(),
                    unit_price: line.unit_price.format(places.unit_price),
                    amount: money(line.amount),
                    processes: line
                        .processes
                        .iter()
                        .map(|p| format!("{} {}", p.name, money(p.amount)))
                        .collect::<Vec<_>>()
                        .join("、"),
                    line_total: money(line.line_total),
                    explanation: line.explanation.lines().map(str::to_owned).collect(),
                    override_note: if line.override_reason.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "{} {} → {}：{}",
                            l.t("order.overridden"),
                            money(line.priced_amount),
                            money(line.amount),
                            line.override_reason
                        )
                    },
                    remarks: line.remarks.clone(),
                }
            })
            .collect(),
        totals: totals_rows(l, &totals, &places),
        version: order.version,
        created: format!(
            "{} {}",
            crate::kernel::clock::display_local(&order.created_at),
            order.created_by_name
        ),
    })
}

async fn show_order(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Query(query): Query<BTreeMap<String, String>>,
) -> AppResult<Response> {
    user.require(Permission::ORDER_VIEW)?;
    let order = service::show_order(&state.db, user.scope(), OrderId(id)).await?;
    let credit_warning = match service::credit_warning(&state.db, user.scope(), &order).await? {
        Some((open, limit)) => crate::kernel::i18n::Message::new("order.credit_warning")
            .arg("open", open.format(2))
            .arg("limit", limit.format(2))
            .render(l),
        None => String::new(),
    };
    let actions = [
        OrderAction::Approve,
        OrderAction::Unapprove,
        OrderAction::Finish,
        OrderAction::Deliver,
        OrderAction::Cancel,
    ]
    .into_iter()
    .filter(|a| {
        super::rules::transition(
            order.status,
            *a,
            &super::rules::OrderFacts {
                tasks: 0,
                ..Default::default()
            },
        )
        .is_ok()
            || (*a == OrderAction::Unapprove
                && matches!(
                    order.status,
                    OrderStatus::Approved | OrderStatus::InProduction | OrderStatus::Done
                ))
    })
    .filter(|a| user.can(service::permission_for(*a)))
    .map(|a| {
        (
            a.code(),
            l.t(match a {
                OrderAction::Approve => "order.action.approve",
                OrderAction::Unapprove => "order.action.unapprove",
                OrderAction::Finish => "order.action.finish",
                OrderAction::Deliver => "order.action.deliver",
                OrderAction::Cancel => "order.action.cancel",
            }),
            matches!(a, OrderAction::Cancel | OrderAction::Unapprove),
        )
    })
    .collect();
    let notice = match query.get("saved").map(String::as_str) {
        Some(_) => l.t("order.saved"),
        None => query
            .get("done")
            .map(|_| l.t("order.action_done"))
            .unwrap_or_default(),
    };
    let page = OrderShowPage {
        shell: shell(&state.db, &user, l, "/orders").await?,
        order: display(&state, &user, l, &order).await?,
        notice,
        credit_warning,
        actions,
        can_edit: order.status.is_editable() && user.can(Permission::ORDER_CREATE),
        can_ship: user.can(Permission::SHIPMENT_MANAGE),
        can_delete: user.can(Permission::ORDER_DELETE)
            && matches!(
                order.status,
                OrderStatus::Draft | OrderStatus::Approved | OrderStatus::Cancelled
            ),
    };
    Ok(render(&page))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ActionForm {
    version: String,
}

async fn act_on_order(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let id: i64 = id.trim().parse().map_err(|_| AppError::NotFound)?;
    let action = OrderAction::from_code(action.trim()).ok_or(AppError::NotFound)?;
    user.require(service::permission_for(action))?;
    service::act(
        &state.db,
        &user,
        OrderId(id),
        action,
        form.version.trim().parse().ok(),
    )
    .await?;
    Ok(see_other(&format!("/orders/{id}?done={}", action.code())))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct EmptyForm {}

async fn delete_order(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(_form): Form<EmptyForm>,
) -> AppResult<Response> {
    user.require(Permission::ORDER_DELETE)?;
    service::delete_order(&state.db, &user, OrderId(id)).await?;
    Ok(see_other("/orders?deleted=1"))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct QuickSaleForm {
    product_code: String,
    quantity: String,
    sides: String,
    colour: String,
    form_nonce: String,
}

/// 快速开单: one product code and a quantity, saved and approved as a walk-in order.
async fn quick_sale(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Form(form): Form<QuickSaleForm>,
) -> AppResult<Response> {
    user.require(Permission::ORDER_CREATE)?;
    user.require(Permission::ORDER_APPROVE)?;
    let line = LineInput {
        product_code: form.product_code,
        quantity: form.quantity,
        sides: form.sides,
        colour: form.colour == "1",
        ..LineInput::default()
    };
    let id = service::quick_sale(&state.db, &user, line, form.form_nonce, l).await?;
    Ok(see_other(&format!("/orders/{}?saved=1", id.0)))
}

fn list_href(params: &ListParams, page: i64, base: &str) -> String {
    let pairs = [
        ("date_from", &params.date_from),
        ("date_to", &params.date_to),
        ("customer_id", &params.customer_id),
        ("category_id", &params.category_id),
        ("status", &params.status),
        ("tag_id", &params.tag_id),
        ("sales_person_id", &params.sales_person_id),
        ("q", &params.q),
        ("sort", &params.sort),
    ];
    let mut query = query_string(&pairs);
    if page > 1 {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&format!("page={page}"));
    }
    if query.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{query}")
    }
}

/// Days the list shows when it is opened without a query: the counter's working window, and a
/// page that stays fast with years of history (clearing the dates shows everything).
const DEFAULT_DAYS: i64 = 30;

async fn list_orders(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
    Query(mut params): Query<ListParams>,
) -> AppResult<Response> {
    user.require(Permission::ORDER_VIEW)?;
    if raw.as_deref().is_none_or(str::is_empty) {
        let today =
            chrono::NaiveDate::parse_from_str(&crate::kernel::clock::today_local(), "%Y-%m-%d")
                .map_err(|err| AppError::Internal(anyhow::anyhow!("today: {err}")))?;
        params.date_from = (today - chrono::Duration::days(DEFAULT_DAYS - 1))
            .format("%Y-%m-%d")
            .to_string();
    }
    let filter = params.filter()?;
    let OrderPage {
        lines,
        total_count,
        total_amount,
        page,
        n_pages,
    } = service::list_orders(&state.db, user.scope(), &filter, params.page()).await?;
    let categories = names(&state, &user, &ORDER_CATEGORY).await?;
    let tags = names(&state, &user, &FEATURE_TAG).await?;
    let rows = lines
        .into_iter()
        .map(|line| ListRow {
            id: line.id.0,
            number: line.number,
            order_date: line.order_date,
            status_label: l.t(line.status.label_key()),
            status: line.status.code(),
            customer: if line.customer_name.is_empty() {
                l.t("order.walk_in")
            } else {
                line.customer_name
            },
            category: line
                .category_id
                .and_then(|id| categories.get(&id))
                .map(|(n, _)| n.clone())
                .unwrap_or_default(),
            due_at: line.due_at.unwrap_or_default(),
            sales_person: line.sales_person_name,
            total: line.total.format(2),
            tags: line
                .tag_ids
                .iter()
                .filter_map(|id| tags.get(id).cloned())
                .collect(),
        })
        .collect();
    let status_choices = OrderStatus::ALL
        .into_iter()
        .map(|s| Choice {
            value: s.code().to_owned(),
            label: l.t(s.label_key()),
            selected: params.status.trim() == s.code(),
            color: String::new(),
        })
        .collect();
    let selected = |text: &str| {
        text.trim()
            .parse::<i64>()
            .ok()
            .into_iter()
            .collect::<Vec<_>>()
    };
    let sorts = [
        ("newest", "order.sort.newest"),
        ("oldest", "order.sort.oldest"),
        ("due", "order.sort.due"),
        ("total", "order.sort.total"),
    ]
    .into_iter()
    .map(|(code, key)| Choice {
        value: code.to_owned(),
        label: l.t(key),
        selected: filter.sort.code() == code,
        color: String::new(),
    })
    .collect();
    let page_view = OrdersPage {
        shell: shell(&state.db, &user, l, "/orders").await?,
        statuses: status_choices,
        categories: choices(
            &state,
            &user,
            &ORDER_CATEGORY,
            &selected(&params.category_id),
        )
        .await?,
        tags: choices(&state, &user, &FEATURE_TAG, &selected(&params.tag_id)).await?,
        sorts,
        rows,
        total_count,
        total_amount: total_amount.format(2),
        page,
        n_pages,
        prev_href: list_href(&params, page - 1, "/orders"),
        next_href: list_href(&params, page + 1, "/orders"),
        export_href: list_href(&params, 1, "/orders/export"),
        can_create: user.can(Permission::ORDER_CREATE),
        params,
    };
    Ok(render(&page_view))
}

/// 导出 Excel: every order the list's filters match.
async fn export_orders(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(params): Query<ListParams>,
) -> AppResult<Response> {
    user.require(Permission::ORDER_VIEW)?;
    let filter = params.filter()?;
    let lines = service::export_orders(&state.db, user.scope(), &filter).await?;
    let categories = names(&state, &user, &ORDER_CATEGORY).await?;
    let tags = names(&state, &user, &FEATURE_TAG).await?;
    let mut table = Table::new(l.t("menu.orders"))
        .column(l.t("order.number"), ColumnKind::Text, 18)
        .column(l.t("order.order_date"), ColumnKind::Text, 12)
        .column(l.t("order.status"), ColumnKind::Text, 10)
        .column(l.t("order.customer"), ColumnKind::Text, 24)
        .column(l.t("order.category"), ColumnKind::Text, 12)
        .column(l.t("order.tags"), ColumnKind::Text, 16)
        .column(l.t("order.due_at"), ColumnKind::Text, 17)
        .column(l.t("order.sales_person"), ColumnKind::Text, 10)
        .column(l.t("order.total"), ColumnKind::Money(2), 12);
    let mut sum = 0_i64;
    for line in lines {
        sum += line.total.scaled();
        table.rows.push(vec![
            Cell::Text(line.number),
            Cell::Text(line.order_date),
            Cell::Text(l.t(line.status.label_key())),
            Cell::Text(if line.customer_name.is_empty() {
                l.t("order.walk_in")
            } else {
                line.customer_name
            }),
            Cell::Text(
                line.category_id
                    .and_then(|id| categories.get(&id))
                    .map(|(n, _)| n.clone())
                    .unwrap_or_default(),
            ),
            Cell::Text(
                line.tag_ids
                    .iter()
                    .filter_map(|id| tags.get(id).map(|(n, _)| n.clone()))
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
            Cell::Text(line.due_at.unwrap_or_default()),
            Cell::Text(line.sales_person_name),
            Cell::Money(line.total),
        ]);
    }
    table.rows.push(vec![
        Cell::Text(l.t("order.totals_row")),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Money(Money::from_scaled(sum)),
    ]);
    spreadsheet::export(&table)
}

#[cfg(test)]
mod tests {
    use super::read_form;

    /// Reads one line of the form with `product_code`, `processes_for` (absent when `None`) and
    /// the `ticked` boxes, and checks the processes the line asks for (`None`: the defaults).
    #[track_caller]
    fn check(
        product_code: &str,
        processes_for: Option<&str>,
        ticked: &[&str],
        expected: Option<&[i64]>,
    ) {
        let mut pairs = vec![("lines[0][product_code]".to_owned(), product_code.to_owned())];
        if let Some(code) = processes_for {
            pairs.push(("lines[0][processes_for]".to_owned(), code.to_owned()));
        }
        for id in ticked {
            pairs.push(("lines[0][process_id]".to_owned(), (*id).to_owned()));
        }
        let (input, _) = read_form(&pairs);
        assert_eq!(input.lines[0].process_ids.as_deref(), expected);
    }

    #[test]
    fn ticks_are_the_processes_of_the_product_they_were_made_for() {
        // Nothing chosen yet: the product's defaults.
        check("XZ-01", None, &[], None);
        check("XZ-01", Some(""), &[], None);
        // Every box unticked for this product: no process at all.
        check("XZ-01", Some("XZ-01"), &[], Some(&[]));
        check("XZ-01", Some(" xz-01 "), &["7", "9"], Some(&[7, 9]));
        // Ticked before the line showed a product's processes.
        check("XZ-01", Some(""), &["7"], Some(&[7]));
        check("XZ-01", None, &["7"], Some(&[7]));
        // The product was typed over since: the new product's defaults.
        check("ZJ-01", Some("XZ-01"), &["7"], None);
        // Repeats and junk are dropped.
        check("XZ-01", Some("XZ-01"), &["7", "7", "x", "9"], Some(&[7, 9]));
    }
}
