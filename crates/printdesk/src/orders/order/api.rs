//! `/api/v1/orders`: orders as JSON. Money and sizes are strings ("18.00", "0.6" metres);
//! explanations come in the caller's language (Accept-Language).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rules::{LineInput, OrderAction, OrderInput, OrderStatus, Totals};
use super::service::{self, Quote};
use super::store::{ListFilter, ListSort};
use super::{Order, OrderId, OrderLine, OrderListLine};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::{AppError, AppResult};
use crate::kernel::i18n::{Locale, Message};
use crate::kernel::money::{DecimalPlaces, Money, Quantity};
use crate::kernel::web::{self, AppState, IdPath, Json, Query};

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_orders, create_order))
        .routes(routes!(quote_order))
        .routes(routes!(show_order, update_order, delete_order))
        .routes(routes!(act_on_order))
}

/// A line as sent: `product_id` or `product_code`; sizes in `dimension_unit` (`m`, `cm`, `mm`;
/// empty: the product's default); `unit_price` is the agreed price of a 面议 product or an
/// override (with `override_reason`), `amount` an override of the goods amount.
#[derive(serde::Deserialize, serde::Serialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct LineBody {
    product_id: Option<i64>,
    product_code: String,
    specification: String,
    width: String,
    height: String,
    dimension_unit: String,
    quantity: String,
    pages: String,
    sides: String,
    colour: bool,
    unit_price: String,
    amount: String,
    override_reason: String,
    /// The line's processes (工序); omitted: the product's defaults; `[]`: none.
    process_ids: Option<Vec<i64>>,
    remarks: String,
}

/// An order to create, quote or save over a draft. Without `customer_id` it is a walk-in
/// (散客) order. `due_at` is `YYYY-MM-DD HH:MM`; `discount` yuan; `tax_rate` percent (empty: the
/// settings' default); `version` the one the edit started from.
#[derive(serde::Deserialize, serde::Serialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct OrderBody {
    customer_id: Option<i64>,
    walk_in_name: String,
    walk_in_mobile: String,
    contact_person: String,
    contact_phone: String,
    category_id: Option<i64>,
    delivery_method_id: Option<i64>,
    delivery_address: String,
    due_at: String,
    sales_person_id: Option<i64>,
    remarks: String,
    tag_ids: Vec<i64>,
    discount: String,
    tax_rate: String,
    lines: Vec<LineBody>,
    version: Option<i64>,
    /// Repeat a save with the same nonce and the first order comes back.
    form_nonce: String,
}

impl OrderBody {
    fn into_input(self) -> OrderInput {
        let id_text = |id: Option<i64>| id.map(|id| id.to_string()).unwrap_or_default();
        OrderInput {
            customer_id: self.customer_id,
            walk_in_name: self.walk_in_name,
            walk_in_mobile: self.walk_in_mobile,
            contact_person: self.contact_person,
            contact_phone: self.contact_phone,
            category_id: id_text(self.category_id),
            delivery_method_id: id_text(self.delivery_method_id),
            delivery_address: self.delivery_address,
            due_at: self.due_at,
            sales_person_id: id_text(self.sales_person_id),
            remarks: self.remarks,
            tag_ids: self.tag_ids,
            discount: self.discount,
            tax_rate: self.tax_rate,
            lines: self
                .lines
                .into_iter()
                .map(|l| LineInput {
                    product_id: l.product_id,
                    product_code: l.product_code,
                    specification: l.specification,
                    width: l.width,
                    height: l.height,
                    dimension_unit: l.dimension_unit,
                    quantity: l.quantity,
                    pages: l.pages,
                    sides: l.sides,
                    colour: l.colour,
                    unit_price: l.unit_price,
                    amount: l.amount,
                    override_reason: l.override_reason,
                    process_ids: l.process_ids,
                    remarks: l.remarks,
                })
                .collect(),
            version: self.version,
            form_nonce: self.form_nonce,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ProcessView {
    process_id: i64,
    name: String,
    quantity: String,
    unit_price: String,
    amount: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LineView {
    line_no: i64,
    product_id: i64,
    product_code: String,
    product_name: String,
    unit: String,
    specification: String,
    pricing_mode: String,
    /// Metres.
    width: String,
    height: String,
    quantity: String,
    pages: String,
    sides: i64,
    colour: bool,
    billable_quantity: String,
    unit_price: String,
    amount: String,
    process_amount: String,
    line_total: String,
    /// `customer_fixed`, `customer_discount`, `group_fixed`, `group_discount`, `tier`, `list`,
    /// `negotiated` or `override`.
    price_source: String,
    explanation: Vec<String>,
    /// What the rules gave before an override.
    priced_amount: String,
    override_reason: String,
    processes: Vec<ProcessView>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TotalsView {
    goods_amount: String,
    process_amount: String,
    management_fee: String,
    discount: String,
    tax_amount: String,
    round_off: String,
    total: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct OrderView {
    id: i64,
    number: String,
    order_date: String,
    /// `draft`, `approved`, `in_production`, `done`, `delivered`, `closed` or `cancelled`.
    status: &'static str,
    customer_id: Option<i64>,
    customer_name: String,
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
    tag_ids: Vec<i64>,
    tax_rate: String,
    tax_inclusive: bool,
    totals: TotalsView,
    paid_amount: String,
    version: i64,
    lines: Vec<LineView>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct QuoteView {
    lines: Vec<LineView>,
    totals: TotalsView,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct OrderListItem {
    id: i64,
    number: String,
    order_date: String,
    status: &'static str,
    customer_name: String,
    category_id: Option<i64>,
    due_at: Option<String>,
    sales_person_name: String,
    total: String,
    paid_amount: String,
    tag_ids: Vec<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct OrderListView {
    orders: Vec<OrderListItem>,
    /// Orders matching the filters, on every page.
    total: i64,
    /// Sum of the matching orders' totals.
    total_amount: String,
    page: i64,
    n_pages: i64,
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct ListParams {
    /// YYYY-MM-DD, inclusive.
    pub date_from: String,
    pub date_to: String,
    pub customer_id: String,
    pub category_id: String,
    pub status: String,
    pub tag_id: String,
    pub sales_person_id: String,
    /// Number, customer or walk-in name, or phone.
    pub q: String,
    /// `newest` (default), `oldest`, `due` or `total`.
    pub sort: String,
    pub page: String,
}

impl ListParams {
    /// The filter, or field errors naming a bad date.
    pub fn filter(&self) -> AppResult<ListFilter> {
        let date = |field: &'static str, text: &str| -> AppResult<Option<String>> {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|d| Some(d.format("%Y-%m-%d").to_string()))
                .map_err(|_| AppError::field(field, Message::new("order.date_invalid")))
        };
        let id = |text: &str| text.trim().parse::<i64>().ok();
        Ok(ListFilter {
            date_from: date("date_from", &self.date_from)?,
            date_to: date("date_to", &self.date_to)?,
            customer_id: id(&self.customer_id),
            category_id: id(&self.category_id),
            status: OrderStatus::from_code(self.status.trim()),
            tag_id: id(&self.tag_id),
            sales_person_id: id(&self.sales_person_id),
            text: crate::customers::contact::search_key(&self.q),
            sort: ListSort::from_code(self.sort.trim()),
        })
    }

    pub fn page(&self) -> i64 {
        self.page.trim().parse().unwrap_or(1)
    }
}

/// The version an action expects, if the caller names one.
#[derive(serde::Deserialize, serde::Serialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct ActionBody {
    version: Option<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ActionView {
    status: &'static str,
}

fn qty(q: Quantity) -> String {
    q.to_decimal().normalize().to_string()
}

pub(crate) fn line_view(line: &OrderLine, places: &DecimalPlaces) -> LineView {
    let money = |m: Money| m.format(places.amount);
    LineView {
        line_no: line.line_no,
        product_id: line.product_id,
        product_code: line.product_code.clone(),
        product_name: line.product_name.clone(),
        unit: line.unit_name.clone(),
        specification: line.specification.clone(),
        pricing_mode: line.pricing_mode.clone(),
        width: qty(line.width),
        height: qty(line.height),
        quantity: qty(line.quantity),
        pages: qty(line.pages),
        sides: line.sides,
        colour: line.colour,
        billable_quantity: qty(line.billable_quantity),
        unit_price: line.unit_price.format(places.unit_price),
        amount: money(line.amount),
        process_amount: money(line.process_amount),
        line_total: money(line.line_total),
        price_source: line.price_source.clone(),
        explanation: line.explanation.lines().map(str::to_owned).collect(),
        priced_amount: money(line.priced_amount),
        override_reason: line.override_reason.clone(),
        processes: line
            .processes
            .iter()
            .map(|p| ProcessView {
                process_id: p.process_id,
                name: p.name.clone(),
                quantity: qty(p.quantity),
                unit_price: p.unit_price.format(places.unit_price),
                amount: money(p.amount),
            })
            .collect(),
    }
}

fn totals_view(t: &Totals, places: &DecimalPlaces) -> TotalsView {
    let money = |m: Money| m.format(places.amount);
    TotalsView {
        goods_amount: money(t.goods),
        process_amount: money(t.processes),
        management_fee: money(t.management_fee),
        discount: money(t.discount),
        tax_amount: money(t.tax),
        round_off: money(t.round_off),
        total: money(t.total),
    }
}

fn order_view(order: Order, places: &DecimalPlaces) -> OrderView {
    let totals = Totals {
        goods: order.goods_amount,
        processes: order.process_amount,
        management_fee: order.management_fee,
        discount: order.discount,
        tax: order.tax_amount,
        round_off: order.round_off,
        total: order.total,
    };
    OrderView {
        id: order.id.0,
        status: order.status.code(),
        customer_id: order.customer_id,
        customer_name: order.customer_name,
        walk_in_name: order.walk_in_name,
        walk_in_mobile: order.walk_in_mobile,
        contact_person: order.contact_person,
        contact_phone: order.contact_phone,
        category_id: order.category_id,
        delivery_method_id: order.delivery_method_id,
        delivery_address: order.delivery_address,
        due_at: order.due_at,
        sales_person_id: order.sales_person_id,
        remarks: order.remarks,
        tag_ids: order.tag_ids,
        tax_rate: qty(order.tax_rate),
        tax_inclusive: order.tax_inclusive,
        totals: totals_view(&totals, places),
        paid_amount: order.paid_amount.format(places.amount),
        version: order.version,
        lines: order.lines.iter().map(|l| line_view(l, places)).collect(),
        number: order.number,
        order_date: order.order_date,
    }
}

fn list_item(line: OrderListLine) -> OrderListItem {
    OrderListItem {
        id: line.id.0,
        number: line.number,
        order_date: line.order_date,
        status: line.status.code(),
        customer_name: line.customer_name,
        category_id: line.category_id,
        due_at: line.due_at,
        sales_person_name: line.sales_person_name,
        total: line.total.format(2),
        paid_amount: line.paid_amount.format(2),
        tag_ids: line.tag_ids,
    }
}

async fn view_of(state: &AppState, user: &CurrentUser, id: OrderId) -> AppResult<OrderView> {
    let order = service::show_order(&state.db, user.scope(), id).await?;
    let places = crate::system::product::service::decimal_places(&state.db, user.scope()).await?;
    Ok(order_view(order, &places))
}

/// Orders matching the filters, a page at a time, with the count and sum of all of them.
#[utoipa::path(get, path = "/api/v1/orders", tag = "orders", params(ListParams),
    responses((status = 200, body = OrderListView), (status = 403, body = web::ApiErrorBody),
        (status = 422, body = web::ApiErrorBody)))]
async fn list_orders(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<ListParams>,
) -> AppResult<axum::Json<OrderListView>> {
    user.require(Permission::ORDER_VIEW)?;
    let filter = params.filter()?;
    let page = service::list_orders(&state.db, user.scope(), &filter, params.page()).await?;
    Ok(axum::Json(OrderListView {
        orders: page.lines.into_iter().map(list_item).collect(),
        total: page.total_count,
        total_amount: page.total_amount.format(2),
        page: page.page,
        n_pages: page.n_pages,
    }))
}

/// Creates a draft order, every line priced by the shop's rules.
#[utoipa::path(post, path = "/api/v1/orders", tag = "orders", request_body = OrderBody,
    responses((status = 201, body = OrderView), (status = 403, body = web::ApiErrorBody),
        (status = 422, body = web::ApiErrorBody)))]
async fn create_order(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Json(body): Json<OrderBody>,
) -> AppResult<(StatusCode, axum::Json<OrderView>)> {
    user.require(Permission::ORDER_CREATE)?;
    // The answer is the order as written, not read back: one trip to the database fewer for
    // the busiest request of the counter.
    let saved = service::create_order(&state.db, &user, &body.into_input(), l).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(order_view(saved.order, &saved.places)),
    ))
}

/// Prices an order without saving it: lines, explanations and totals.
#[utoipa::path(post, path = "/api/v1/orders/quote", tag = "orders", request_body = OrderBody,
    responses((status = 200, body = QuoteView), (status = 422, body = web::ApiErrorBody)))]
async fn quote_order(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Json(body): Json<OrderBody>,
) -> AppResult<axum::Json<QuoteView>> {
    user.require(Permission::ORDER_CREATE)?;
    let Quote {
        lines,
        totals,
        places,
    } = service::quote(&state.db, &user, &body.into_input(), l).await?;
    Ok(axum::Json(QuoteView {
        lines: lines.iter().map(|line| line_view(line, &places)).collect(),
        totals: totals_view(&totals, &places),
    }))
}

/// One live order with its lines.
#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "orders", params(("id" = i64, Path)),
    responses((status = 200, body = OrderView), (status = 404, body = web::ApiErrorBody)))]
async fn show_order(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<axum::Json<OrderView>> {
    user.require(Permission::ORDER_VIEW)?;
    Ok(axum::Json(view_of(&state, &user, OrderId(id)).await?))
}

/// Saves over a draft; `version` must be the one read (409 if someone saved first).
#[utoipa::path(put, path = "/api/v1/orders/{id}", tag = "orders", params(("id" = i64, Path)),
    request_body = OrderBody,
    responses((status = 200, body = OrderView), (status = 409, body = web::ApiErrorBody),
        (status = 422, body = web::ApiErrorBody)))]
async fn update_order(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(body): Json<OrderBody>,
) -> AppResult<axum::Json<OrderView>> {
    user.require(Permission::ORDER_CREATE)?;
    service::update_order(&state.db, &user, OrderId(id), &body.into_input(), l).await?;
    Ok(axum::Json(view_of(&state, &user, OrderId(id)).await?))
}

/// Moves an order to 订单回收站 (409 when money is posted against it).
#[utoipa::path(delete, path = "/api/v1/orders/{id}", tag = "orders", params(("id" = i64, Path)),
    responses((status = 204), (status = 409, body = web::ApiErrorBody)))]
async fn delete_order(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<StatusCode> {
    user.require(Permission::ORDER_DELETE)?;
    service::delete_order(&state.db, &user, OrderId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A life-cycle action: `approve` (审核), `unapprove` (反审核), `finish` (完工), `deliver` (交付)
/// or `cancel` (作废). 409 with the reason when the order's state forbids it.
#[utoipa::path(post, path = "/api/v1/orders/{id}/actions/{action}", tag = "orders",
    params(("id" = i64, Path), ("action" = String, Path)), request_body = ActionBody,
    responses((status = 200, body = ActionView), (status = 404, body = web::ApiErrorBody),
        (status = 409, body = web::ApiErrorBody)))]
async fn act_on_order(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, action)): Path<(String, String)>,
    Json(body): Json<ActionBody>,
) -> AppResult<axum::Json<ActionView>> {
    let id: i64 = id.trim().parse().map_err(|_| AppError::NotFound)?;
    let action = OrderAction::from_code(action.trim()).ok_or(AppError::NotFound)?;
    user.require(service::permission_for(action))?;
    let status = service::act(&state.db, &user, OrderId(id), action, body.version).await?;
    Ok(axum::Json(ActionView {
        status: status.code(),
    }))
}
