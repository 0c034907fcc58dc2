//! Pages of 物流发货: the shipment list (filters, totals row, 导出 Excel, pages), the shipment form
//! (新建发货单 from an order, more orders of the same customer added by number; works without
//! JavaScript), and the shipment page with 发货, 签收 and 撤回 and a link to each order's
//! delivery note.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};

use super::api::ListParams;
use super::rules::{COURIERS, FeePayer, ShipmentAction, ShipmentStatus, transition};
use super::service::{self, ShipmentPage};
use super::{Shipment, ShipmentId, ShipmentInput, ShipmentOrder};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::clock::display_local;
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Locale;
use crate::kernel::money::Money;
use crate::kernel::shell::{Shell, shell};
use crate::kernel::spreadsheet::{self, Cell, ColumnKind, Table};
use crate::kernel::web::{
    AppState, Form, IdPath, Query, query_string, render, see_other, unprocessable,
};
use crate::orders::order::OrderId;
use crate::system::settings_list::{self, DELIVERY_METHOD};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/orders/shipments",
            get(list_shipments).post(create_shipment),
        )
        .route("/orders/shipments/new", get(new_shipment))
        .route("/orders/shipments/export", get(export_shipments))
        .route(
            "/orders/shipments/{id}",
            get(show_shipment).post(update_shipment),
        )
        .route("/orders/shipments/{id}/edit", get(edit_shipment))
        .route("/orders/shipments/{id}/delete", post(delete_shipment))
        .route(
            "/orders/shipments/{id}/actions/{action}",
            post(act_on_shipment),
        )
}

/// A select option.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// An order as the form and the shipment page list it.
pub struct OrderRow {
    pub id: i64,
    pub number: String,
    pub customer: String,
    pub status_label: String,
    pub total: String,
}

#[derive(Template)]
#[template(path = "orders/shipment_form.html")]
struct ShipmentFormPage {
    shell: Shell,
    /// `None` for a new shipment.
    id: Option<i64>,
    number: String,
    version: String,
    form_nonce: String,
    form: ShipmentInput,
    packages: String,
    orders: Vec<OrderRow>,
    add_order_number: String,
    delivery_methods: Vec<Choice>,
    fee_payers: Vec<Choice>,
    couriers: [&'static str; 5],
    errors: FieldErrors,
}

impl ShipmentFormPage {
    fn err(&self, field: &str) -> String {
        self.errors.text(field, self.shell.l)
    }

    fn others(&self) -> Vec<String> {
        self.errors.others(
            &[
                "order_ids",
                "add_order_number",
                "delivery_method_id",
                "courier",
                "tracking_number",
                "recipient",
                "phone",
                "address",
                "packages",
                "fee",
                "fee_payer",
                "remarks",
            ],
            self.shell.l,
        )
    }

    /// Every message about the orders (several orders may each have one).
    fn order_errors(&self) -> Vec<String> {
        self.errors
            .iter()
            .filter(|e| e.field == "order_ids")
            .map(|e| e.message.render(self.shell.l))
            .collect()
    }
}

#[derive(Template)]
#[template(path = "orders/shipment.html")]
struct ShipmentShowPage {
    shell: Shell,
    shipment: ShipmentDisplay,
    notice: String,
    /// (action code, label, asks for confirmation).
    actions: Vec<(&'static str, String, bool)>,
    can_edit: bool,
}

/// A shipment as its page shows it.
pub struct ShipmentDisplay {
    pub id: i64,
    pub number: String,
    pub status: &'static str,
    pub status_label: String,
    pub customer: String,
    pub delivery_method: String,
    pub courier: String,
    pub tracking_number: String,
    pub recipient: String,
    pub phone: String,
    pub address: String,
    pub packages: i64,
    pub fee: String,
    pub fee_payer: String,
    pub shipped_at: String,
    pub signed_at: String,
    pub remarks: String,
    pub created: String,
    pub version: i64,
    pub orders: Vec<OrderRow>,
}

#[derive(Template)]
#[template(path = "orders/shipments.html")]
struct ShipmentsPage {
    shell: Shell,
    params: ListParams,
    statuses: Vec<Choice>,
    rows: Vec<ListRow>,
    total_count: i64,
    total_fee: String,
    page: i64,
    n_pages: i64,
    prev_href: String,
    next_href: String,
    export_href: String,
    notice: String,
    can_create: bool,
}

pub struct ListRow {
    pub id: i64,
    pub number: String,
    pub status: &'static str,
    pub status_label: String,
    pub customer: String,
    pub orders: String,
    pub delivery_method: String,
    pub courier: String,
    pub tracking_number: String,
    pub recipient: String,
    pub packages: i64,
    pub fee: String,
    pub fee_payer: String,
    pub date: String,
}

/// The names of the delivery methods, live or not, by id.
async fn method_names(state: &AppState, user: &CurrentUser) -> AppResult<BTreeMap<i64, String>> {
    let items =
        settings_list::service::list_items(&state.db, user.scope(), &DELIVERY_METHOD).await?;
    Ok(items
        .into_iter()
        .map(|line| (line.item.id, line.item.name))
        .collect())
}

fn customer_label(l: Locale, name: &str) -> String {
    if name.is_empty() {
        l.t("order.walk_in")
    } else {
        name.to_owned()
    }
}

fn order_row(l: Locale, order: &ShipmentOrder) -> OrderRow {
    OrderRow {
        id: order.id.0,
        number: order.number.clone(),
        customer: customer_label(l, &order.customer_name),
        status_label: l.t(order.status.label_key()),
        total: order.total.format(2),
    }
}

/// Reads the form: `order_ids` repeats (one checkbox per order), the rest by name.
fn read_form(pairs: &[(String, String)]) -> (ShipmentInput, BTreeMap<String, String>) {
    let mut fields: BTreeMap<String, String> = BTreeMap::new();
    let mut order_ids = Vec::new();
    for (key, value) in pairs {
        if key == "order_ids" {
            if let Ok(id) = value.trim().parse::<i64>() {
                order_ids.push(id);
            }
        } else {
            fields.insert(key.clone(), value.clone());
        }
    }
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let input = ShipmentInput {
        order_ids,
        delivery_method_id: get("delivery_method_id"),
        courier: get("courier"),
        tracking_number: get("tracking_number"),
        recipient: get("recipient"),
        phone: get("phone"),
        address: get("address"),
        packages: get("packages"),
        fee: get("fee"),
        fee_payer: get("fee_payer"),
        remarks: get("remarks"),
        version: get("version").trim().parse().ok(),
        form_nonce: get("form_nonce"),
    };
    (input, fields)
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    editing: Option<(i64, String)>,
    form: ShipmentInput,
    add_order_number: String,
    errors: FieldErrors,
) -> AppResult<ShipmentFormPage> {
    let (id, number) = match editing {
        Some((id, number)) => (Some(id), number),
        None => (None, String::new()),
    };
    let path = id.map_or("/orders/shipments/new".to_owned(), |id| {
        format!("/orders/shipments/{id}")
    });
    let shell = shell(&state.db, user, l, &path).await?;
    let orders = service::orders_for_form(&state.db, user.scope(), &form.order_ids).await?;
    let selected_method: Option<i64> = form.delivery_method_id.trim().parse().ok();
    let items =
        settings_list::service::list_items(&state.db, user.scope(), &DELIVERY_METHOD).await?;
    let delivery_methods = items
        .into_iter()
        .filter(|line| line.item.is_active || Some(line.item.id) == selected_method)
        .map(|line| Choice {
            value: line.item.id.to_string(),
            selected: Some(line.item.id) == selected_method,
            label: line.item.name,
        })
        .collect();
    let payer = FeePayer::from_code(form.fee_payer.trim()).unwrap_or(FeePayer::Shop);
    let fee_payers = FeePayer::ALL
        .into_iter()
        .map(|p| Choice {
            value: p.code().to_owned(),
            label: l.t(p.label_key()),
            selected: p == payer,
        })
        .collect();
    Ok(ShipmentFormPage {
        id,
        number,
        version: form.version.map(|v| v.to_string()).unwrap_or_default(),
        form_nonce: if form.form_nonce.is_empty() {
            shell.nonce.clone()
        } else {
            form.form_nonce.clone()
        },
        packages: if form.packages.trim().is_empty() {
            "1".to_owned()
        } else {
            form.packages.clone()
        },
        orders: orders.iter().map(|o| order_row(l, o)).collect(),
        form,
        add_order_number,
        delivery_methods,
        fee_payers,
        couriers: COURIERS,
        errors,
        shell,
    })
}

async fn new_shipment(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<BTreeMap<String, String>>,
) -> AppResult<Response> {
    user.require(Permission::SHIPMENT_MANAGE)?;
    let order_id = query.get("order_id").and_then(|t| t.trim().parse().ok());
    let form = match order_id {
        Some(id) => service::input_for_order(&state.db, user.scope(), OrderId(id)).await?,
        None => ShipmentInput::default(),
    };
    // Show at once what stands in the way (a draft, an order already on a shipment).
    let errors = match service::check_orders(&state.db, user.scope(), &form.order_ids, None).await {
        Err(AppError::Invalid(errors)) if order_id.is_some() => errors,
        Err(AppError::Invalid(_)) | Ok(()) => FieldErrors::new(),
        Err(err) => return Err(err),
    };
    let page = form_page(&state, &user, l, None, form, String::new(), errors).await?;
    Ok(render(&page))
}

/// 添加订单: the order typed by number joins the list, and what stands in the way is shown.
async fn add_order(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    editing: Option<(i64, String)>,
    mut form: ShipmentInput,
    typed: &str,
) -> AppResult<Response> {
    let except = editing.as_ref().map(|(id, _)| ShipmentId(*id));
    let errors = match service::order_by_number(&state.db, user.scope(), typed).await {
        Ok(order_id) => {
            if !form.order_ids.contains(&order_id.0) {
                form.order_ids.push(order_id.0);
            }
            match service::check_orders(&state.db, user.scope(), &form.order_ids, except).await {
                Ok(()) => FieldErrors::new(),
                Err(AppError::Invalid(errors)) => errors,
                Err(err) => return Err(err),
            }
        }
        Err(AppError::Invalid(errors)) => {
            let page = form_page(state, user, l, editing, form, typed.to_owned(), errors).await?;
            return Ok(unprocessable(&page));
        }
        Err(err) => return Err(err),
    };
    let page = form_page(state, user, l, editing, form, String::new(), errors).await?;
    Ok(render(&page))
}

/// 添加 adds an order by number; 保存 saves.
async fn create_shipment(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    user.require(Permission::SHIPMENT_MANAGE)?;
    let (form, fields) = read_form(&pairs);
    if fields.get("intent").map(String::as_str) == Some("add") {
        let typed = fields.get("add_order_number").cloned().unwrap_or_default();
        return add_order(&state, &user, l, None, form, &typed).await;
    }
    match service::create_shipment(&state.db, &user, &form).await {
        Ok(id) => Ok(see_other(&format!("/orders/shipments/{}?saved=1", id.0))),
        Err(AppError::Invalid(errors)) => {
            let page = form_page(&state, &user, l, None, form, String::new(), errors).await?;
            Ok(unprocessable(&page))
        }
        Err(err) => Err(err),
    }
}

fn input_of(shipment: &Shipment) -> ShipmentInput {
    ShipmentInput {
        order_ids: shipment.orders.iter().map(|o| o.id.0).collect(),
        delivery_method_id: shipment
            .delivery_method_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        courier: shipment.courier.clone(),
        tracking_number: shipment.tracking_number.clone(),
        recipient: shipment.recipient.clone(),
        phone: shipment.phone.clone(),
        address: shipment.address.clone(),
        packages: shipment.packages.to_string(),
        fee: if shipment.fee.is_zero() {
            String::new()
        } else {
            shipment.fee.format(2)
        },
        fee_payer: shipment.fee_payer.code().to_owned(),
        remarks: shipment.remarks.clone(),
        version: Some(shipment.version),
        form_nonce: String::new(),
    }
}

async fn edit_shipment(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    user.require(Permission::SHIPMENT_MANAGE)?;
    let shipment = service::show_shipment(&state.db, user.scope(), ShipmentId(id)).await?;
    if !shipment.status.is_editable() {
        return Ok(see_other(&format!("/orders/shipments/{id}")));
    }
    let form = input_of(&shipment);
    let page = form_page(
        &state,
        &user,
        l,
        Some((id, shipment.number)),
        form,
        String::new(),
        FieldErrors::new(),
    )
    .await?;
    Ok(render(&page))
}

async fn update_shipment(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    user.require(Permission::SHIPMENT_MANAGE)?;
    let shipment = service::show_shipment(&state.db, user.scope(), ShipmentId(id)).await?;
    let (form, fields) = read_form(&pairs);
    if fields.get("intent").map(String::as_str) == Some("add") {
        let typed = fields.get("add_order_number").cloned().unwrap_or_default();
        return add_order(&state, &user, l, Some((id, shipment.number)), form, &typed).await;
    }
    match service::update_shipment(&state.db, &user, ShipmentId(id), &form).await {
        Ok(()) => Ok(see_other(&format!("/orders/shipments/{id}?saved=1"))),
        Err(AppError::Invalid(errors)) => {
            let page = form_page(
                &state,
                &user,
                l,
                Some((id, shipment.number)),
                form,
                String::new(),
                errors,
            )
            .await?;
            Ok(unprocessable(&page))
        }
        Err(err) => Err(err),
    }
}

fn display(l: Locale, shipment: &Shipment, methods: &BTreeMap<i64, String>) -> ShipmentDisplay {
    let time = |at: &Option<String>| at.as_deref().map(display_local).unwrap_or_default();
    ShipmentDisplay {
        id: shipment.id.0,
        number: shipment.number.clone(),
        status: shipment.status.code(),
        status_label: l.t(shipment.status.label_key()),
        customer: customer_label(l, &shipment.customer_name),
        delivery_method: shipment
            .delivery_method_id
            .and_then(|id| methods.get(&id).cloned())
            .unwrap_or_default(),
        courier: shipment.courier.clone(),
        tracking_number: shipment.tracking_number.clone(),
        recipient: shipment.recipient.clone(),
        phone: shipment.phone.clone(),
        address: shipment.address.clone(),
        packages: shipment.packages,
        fee: shipment.fee.format(2),
        fee_payer: l.t(shipment.fee_payer.label_key()),
        shipped_at: time(&shipment.shipped_at),
        signed_at: time(&shipment.signed_at),
        remarks: shipment.remarks.clone(),
        created: format!(
            "{} {}",
            display_local(&shipment.created_at),
            shipment.created_by_name
        ),
        version: shipment.version,
        orders: shipment.orders.iter().map(|o| order_row(l, o)).collect(),
    }
}

async fn show_shipment(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Query(query): Query<BTreeMap<String, String>>,
) -> AppResult<Response> {
    user.require(Permission::SHIPMENT_VIEW)?;
    let shipment = service::show_shipment(&state.db, user.scope(), ShipmentId(id)).await?;
    let can_manage = user.can(Permission::SHIPMENT_MANAGE);
    let actions = ShipmentAction::ALL
        .into_iter()
        .filter(|a| can_manage && transition(shipment.status, *a).is_ok())
        .map(|a| (a.code(), l.t(a.label_key()), a == ShipmentAction::Revert))
        .collect();
    let notice = if query.contains_key("saved") {
        l.t("shipment.saved")
    } else if query.contains_key("done") {
        l.t("shipment.action_done")
    } else {
        String::new()
    };
    let methods = method_names(&state, &user).await?;
    let page = ShipmentShowPage {
        shell: shell(&state.db, &user, l, "/orders/shipments").await?,
        shipment: display(l, &shipment, &methods),
        notice,
        actions,
        can_edit: can_manage && shipment.status.is_editable(),
    };
    Ok(render(&page))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct VersionForm {
    version: String,
}

async fn act_on_shipment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<VersionForm>,
) -> AppResult<Response> {
    let id: i64 = id.trim().parse().map_err(|_| AppError::NotFound)?;
    let action = ShipmentAction::from_code(action.trim()).ok_or(AppError::NotFound)?;
    user.require(Permission::SHIPMENT_MANAGE)?;
    service::act(
        &state.db,
        &user,
        ShipmentId(id),
        action,
        form.version.trim().parse().ok(),
    )
    .await?;
    Ok(see_other(&format!(
        "/orders/shipments/{id}?done={}",
        action.code()
    )))
}

async fn delete_shipment(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(form): Form<VersionForm>,
) -> AppResult<Response> {
    user.require(Permission::SHIPMENT_MANAGE)?;
    service::delete_shipment(
        &state.db,
        &user,
        ShipmentId(id),
        form.version.trim().parse().ok(),
    )
    .await?;
    Ok(see_other("/orders/shipments?deleted=1"))
}

fn list_href(params: &ListParams, page: i64, base: &str) -> String {
    let pairs = [
        ("date_from", &params.date_from),
        ("date_to", &params.date_to),
        ("status", &params.status),
        ("customer", &params.customer),
        ("courier", &params.courier),
        ("tracking_number", &params.tracking_number),
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

/// The day a list row stands for: shipped, or created while pending.
fn row_date(shipped_at: Option<&str>, created_at: &str) -> String {
    display_local(shipped_at.unwrap_or(created_at))
}

async fn list_shipments(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(params): Query<ListParams>,
    Query(query): Query<BTreeMap<String, String>>,
) -> AppResult<Response> {
    user.require(Permission::SHIPMENT_VIEW)?;
    let filter = params.filter()?;
    let ShipmentPage {
        lines,
        total_count,
        total_fee,
        page,
        n_pages,
    } = service::list_shipments(&state.db, user.scope(), &filter, params.page()).await?;
    let methods = method_names(&state, &user).await?;
    let rows = lines
        .into_iter()
        .map(|line| ListRow {
            id: line.id.0,
            number: line.number,
            status: line.status.code(),
            status_label: l.t(line.status.label_key()),
            customer: customer_label(l, &line.customer_name),
            orders: line.order_numbers.join("、"),
            delivery_method: line
                .delivery_method_id
                .and_then(|id| methods.get(&id).cloned())
                .unwrap_or_default(),
            courier: line.courier,
            tracking_number: line.tracking_number,
            recipient: line.recipient,
            packages: line.packages,
            fee: line.fee.format(2),
            fee_payer: l.t(line.fee_payer.label_key()),
            date: row_date(line.shipped_at.as_deref(), &line.created_at),
        })
        .collect();
    let statuses = ShipmentStatus::ALL
        .into_iter()
        .map(|s| Choice {
            value: s.code().to_owned(),
            label: l.t(s.label_key()),
            selected: params.status.trim() == s.code(),
        })
        .collect();
    let page_view = ShipmentsPage {
        shell: shell(&state.db, &user, l, "/orders/shipments").await?,
        statuses,
        rows,
        total_count,
        total_fee: total_fee.format(2),
        page,
        n_pages,
        prev_href: list_href(&params, page - 1, "/orders/shipments"),
        next_href: list_href(&params, page + 1, "/orders/shipments"),
        export_href: list_href(&params, 1, "/orders/shipments/export"),
        can_create: user.can(Permission::SHIPMENT_MANAGE),
        notice: if query.contains_key("deleted") {
            l.t("shipment.deleted")
        } else {
            String::new()
        },
        params,
    };
    Ok(render(&page_view))
}

/// 导出 Excel: every shipment the list's filters match, with a totals row of the freight.
async fn export_shipments(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(params): Query<ListParams>,
) -> AppResult<Response> {
    user.require(Permission::SHIPMENT_VIEW)?;
    let filter = params.filter()?;
    let lines = service::export_shipments(&state.db, user.scope(), &filter).await?;
    let methods = method_names(&state, &user).await?;
    let mut table = Table::new(l.t("menu.shipments"))
        .column(l.t("shipment.number"), ColumnKind::Text, 18)
        .column(l.t("shipment.date"), ColumnKind::Text, 17)
        .column(l.t("shipment.status"), ColumnKind::Text, 10)
        .column(l.t("shipment.customer"), ColumnKind::Text, 24)
        .column(l.t("shipment.orders"), ColumnKind::Text, 30)
        .column(l.t("shipment.delivery_method"), ColumnKind::Text, 12)
        .column(l.t("shipment.courier"), ColumnKind::Text, 10)
        .column(l.t("shipment.tracking_number"), ColumnKind::Text, 20)
        .column(l.t("shipment.recipient"), ColumnKind::Text, 12)
        .column(l.t("shipment.packages"), ColumnKind::Integer, 8)
        .column(l.t("shipment.fee"), ColumnKind::Money(2), 10)
        .column(l.t("shipment.fee_payer"), ColumnKind::Text, 10);
    let mut fee_sum = 0_i64;
    let mut packages_sum = 0_i64;
    for line in lines {
        fee_sum += line.fee.scaled();
        packages_sum += line.packages;
        table.rows.push(vec![
            Cell::Text(line.number),
            Cell::Text(row_date(line.shipped_at.as_deref(), &line.created_at)),
            Cell::Text(l.t(line.status.label_key())),
            Cell::Text(customer_label(l, &line.customer_name)),
            Cell::Text(line.order_numbers.join("、")),
            Cell::Text(
                line.delivery_method_id
                    .and_then(|id| methods.get(&id).cloned())
                    .unwrap_or_default(),
            ),
            Cell::Text(line.courier),
            Cell::Text(line.tracking_number),
            Cell::Text(line.recipient),
            Cell::Integer(line.packages),
            Cell::Money(line.fee),
            Cell::Text(l.t(line.fee_payer.label_key())),
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
        Cell::Empty,
        Cell::Integer(packages_sum),
        Cell::Money(Money::from_scaled(fee_sum)),
        Cell::Empty,
    ]);
    spreadsheet::export(&table)
}
