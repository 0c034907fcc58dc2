//! `/api/v1/shipments`: shipments as JSON. Money is a string ("12.50"); times are stored UTC
//! (RFC 3339); `status` is `pending`, `shipped` or `signed`; `fee_payer` `customer` or `shop`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rules::{ShipmentAction, ShipmentStatus};
use super::service;
use super::store::ListFilter;
use super::{Shipment, ShipmentId, ShipmentInput, ShipmentListLine, ShipmentOrder};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::{AppError, AppResult};
use crate::kernel::i18n::Message;
use crate::kernel::web::{self, AppState, IdPath, Json, Query};

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_shipments, create_shipment))
        .routes(routes!(show_shipment, update_shipment, delete_shipment))
        .routes(routes!(act_on_shipment))
}

/// A shipment to create or save over a pending one. `order_ids`: orders of one customer (or one
/// walk-in order), approved, in production or done, on no other shipment. `fee` yuan (empty: 0);
/// `fee_payer` `customer` or `shop` (empty: shop); `packages` at least 1 (empty: 1); `version`
/// the one the edit started from.
#[derive(serde::Deserialize, serde::Serialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct ShipmentBody {
    order_ids: Vec<i64>,
    delivery_method_id: Option<i64>,
    courier: String,
    tracking_number: String,
    recipient: String,
    phone: String,
    address: String,
    packages: Option<i64>,
    fee: String,
    fee_payer: String,
    remarks: String,
    version: Option<i64>,
    /// Repeat a create with the same nonce and the first shipment comes back.
    form_nonce: String,
}

impl ShipmentBody {
    fn into_input(self) -> ShipmentInput {
        ShipmentInput {
            order_ids: self.order_ids,
            delivery_method_id: self
                .delivery_method_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            courier: self.courier,
            tracking_number: self.tracking_number,
            recipient: self.recipient,
            phone: self.phone,
            address: self.address,
            packages: self.packages.map(|n| n.to_string()).unwrap_or_default(),
            fee: self.fee,
            fee_payer: self.fee_payer,
            remarks: self.remarks,
            version: self.version,
            form_nonce: self.form_nonce,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ShipmentOrderView {
    id: i64,
    number: String,
    /// The order's status.
    status: &'static str,
    customer_name: String,
    total: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ShipmentView {
    id: i64,
    number: String,
    /// `pending`, `shipped` or `signed`.
    status: &'static str,
    /// Null for a walk-in order's shipment.
    customer_id: Option<i64>,
    customer_name: String,
    delivery_method_id: Option<i64>,
    courier: String,
    tracking_number: String,
    recipient: String,
    phone: String,
    address: String,
    packages: i64,
    fee: String,
    /// `customer` or `shop`.
    fee_payer: &'static str,
    shipped_at: Option<String>,
    signed_at: Option<String>,
    remarks: String,
    created_at: String,
    version: i64,
    orders: Vec<ShipmentOrderView>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ShipmentListItem {
    id: i64,
    number: String,
    status: &'static str,
    customer_name: String,
    order_numbers: Vec<String>,
    delivery_method_id: Option<i64>,
    courier: String,
    tracking_number: String,
    recipient: String,
    packages: i64,
    fee: String,
    fee_payer: &'static str,
    created_at: String,
    shipped_at: Option<String>,
    signed_at: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ShipmentListView {
    shipments: Vec<ShipmentListItem>,
    /// Shipments matching the filters, on every page.
    total: i64,
    /// Freight of the matching shipments.
    total_fee: String,
    page: i64,
    n_pages: i64,
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct ListParams {
    /// YYYY-MM-DD, inclusive: the day shipped (or created, while pending).
    pub date_from: String,
    pub date_to: String,
    /// `pending`, `shipped` or `signed`.
    pub status: String,
    /// Customer, walk-in or recipient name, or an order number.
    pub customer: String,
    pub courier: String,
    pub tracking_number: String,
    pub page: String,
}

impl ListParams {
    /// The filter, or a field error naming a bad date.
    pub fn filter(&self) -> AppResult<ListFilter> {
        let date = |field: &'static str, text: &str| -> AppResult<Option<chrono::NaiveDate>> {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| AppError::field(field, Message::new("order.date_invalid")))
        };
        let key = crate::customers::contact::search_key;
        Ok(ListFilter {
            date_from: date("date_from", &self.date_from)?,
            date_to: date("date_to", &self.date_to)?,
            status: ShipmentStatus::from_code(self.status.trim()),
            customer: key(&self.customer),
            courier: key(&self.courier),
            tracking_number: key(&self.tracking_number),
        })
    }

    pub fn page(&self) -> i64 {
        self.page.trim().parse().unwrap_or(1)
    }
}

/// The version an action or a delete expects, if the caller names one.
#[derive(serde::Deserialize, serde::Serialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct ActionBody {
    version: Option<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ActionView {
    status: &'static str,
}

fn order_view(order: ShipmentOrder) -> ShipmentOrderView {
    ShipmentOrderView {
        id: order.id.0,
        number: order.number,
        status: order.status.code(),
        customer_name: order.customer_name,
        total: order.total.format(2),
    }
}

fn shipment_view(shipment: Shipment) -> ShipmentView {
    ShipmentView {
        id: shipment.id.0,
        number: shipment.number,
        status: shipment.status.code(),
        customer_id: shipment.customer_id,
        customer_name: shipment.customer_name,
        delivery_method_id: shipment.delivery_method_id,
        courier: shipment.courier,
        tracking_number: shipment.tracking_number,
        recipient: shipment.recipient,
        phone: shipment.phone,
        address: shipment.address,
        packages: shipment.packages,
        fee: shipment.fee.format(2),
        fee_payer: shipment.fee_payer.code(),
        shipped_at: shipment.shipped_at,
        signed_at: shipment.signed_at,
        remarks: shipment.remarks,
        created_at: shipment.created_at,
        version: shipment.version,
        orders: shipment.orders.into_iter().map(order_view).collect(),
    }
}

fn list_item(line: ShipmentListLine) -> ShipmentListItem {
    ShipmentListItem {
        id: line.id.0,
        number: line.number,
        status: line.status.code(),
        customer_name: line.customer_name,
        order_numbers: line.order_numbers,
        delivery_method_id: line.delivery_method_id,
        courier: line.courier,
        tracking_number: line.tracking_number,
        recipient: line.recipient,
        packages: line.packages,
        fee: line.fee.format(2),
        fee_payer: line.fee_payer.code(),
        created_at: line.created_at,
        shipped_at: line.shipped_at,
        signed_at: line.signed_at,
    }
}

async fn view_of(state: &AppState, user: &CurrentUser, id: ShipmentId) -> AppResult<ShipmentView> {
    let shipment = service::show_shipment(&state.db, user.scope(), id).await?;
    Ok(shipment_view(shipment))
}

/// Shipments matching the filters, newest first, a page at a time.
#[utoipa::path(get, path = "/api/v1/shipments", tag = "shipments", params(ListParams),
    responses((status = 200, body = ShipmentListView), (status = 403, body = web::ApiErrorBody),
        (status = 422, body = web::ApiErrorBody)))]
async fn list_shipments(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<ListParams>,
) -> AppResult<axum::Json<ShipmentListView>> {
    user.require(Permission::SHIPMENT_VIEW)?;
    let filter = params.filter()?;
    let page = service::list_shipments(&state.db, user.scope(), &filter, params.page()).await?;
    Ok(axum::Json(ShipmentListView {
        shipments: page.lines.into_iter().map(list_item).collect(),
        total: page.total_count,
        total_fee: page.total_fee.format(2),
        page: page.page,
        n_pages: page.n_pages,
    }))
}

/// Creates a pending shipment of one or more orders.
#[utoipa::path(post, path = "/api/v1/shipments", tag = "shipments", request_body = ShipmentBody,
    responses((status = 201, body = ShipmentView), (status = 403, body = web::ApiErrorBody),
        (status = 422, body = web::ApiErrorBody)))]
async fn create_shipment(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<ShipmentBody>,
) -> AppResult<(StatusCode, axum::Json<ShipmentView>)> {
    user.require(Permission::SHIPMENT_MANAGE)?;
    let id = service::create_shipment(&state.db, &user, &body.into_input()).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(view_of(&state, &user, id).await?),
    ))
}

/// One shipment with its orders.
#[utoipa::path(get, path = "/api/v1/shipments/{id}", tag = "shipments",
    params(("id" = i64, Path)),
    responses((status = 200, body = ShipmentView), (status = 404, body = web::ApiErrorBody)))]
async fn show_shipment(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<axum::Json<ShipmentView>> {
    user.require(Permission::SHIPMENT_VIEW)?;
    Ok(axum::Json(view_of(&state, &user, ShipmentId(id)).await?))
}

/// Saves over a pending shipment; `version` must be the one read (409 if someone saved first or
/// it was shipped).
#[utoipa::path(put, path = "/api/v1/shipments/{id}", tag = "shipments",
    params(("id" = i64, Path)), request_body = ShipmentBody,
    responses((status = 200, body = ShipmentView), (status = 404, body = web::ApiErrorBody),
        (status = 409, body = web::ApiErrorBody), (status = 422, body = web::ApiErrorBody)))]
async fn update_shipment(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(body): Json<ShipmentBody>,
) -> AppResult<axum::Json<ShipmentView>> {
    user.require(Permission::SHIPMENT_MANAGE)?;
    service::update_shipment(&state.db, &user, ShipmentId(id), &body.into_input()).await?;
    Ok(axum::Json(view_of(&state, &user, ShipmentId(id)).await?))
}

/// Deletes (cancels) a pending shipment; 409 once it is shipped.
#[utoipa::path(delete, path = "/api/v1/shipments/{id}", tag = "shipments",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = web::ApiErrorBody),
        (status = 409, body = web::ApiErrorBody)))]
async fn delete_shipment(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<StatusCode> {
    user.require(Permission::SHIPMENT_MANAGE)?;
    service::delete_shipment(&state.db, &user, ShipmentId(id), None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A life-cycle action: `ship` (发货), `sign` (签收) or `revert` (撤回, while not signed). 409
/// with the reason when the shipment's state (or `version`) forbids it.
#[utoipa::path(post, path = "/api/v1/shipments/{id}/actions/{action}", tag = "shipments",
    params(("id" = i64, Path), ("action" = String, Path)), request_body = ActionBody,
    responses((status = 200, body = ActionView), (status = 404, body = web::ApiErrorBody),
        (status = 409, body = web::ApiErrorBody)))]
async fn act_on_shipment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, action)): Path<(String, String)>,
    Json(body): Json<ActionBody>,
) -> AppResult<axum::Json<ActionView>> {
    let id: i64 = id.trim().parse().map_err(|_| AppError::NotFound)?;
    let action = ShipmentAction::from_code(action.trim()).ok_or(AppError::NotFound)?;
    user.require(Permission::SHIPMENT_MANAGE)?;
    let status = service::act(&state.db, &user, ShipmentId(id), action, body.version).await?;
    Ok(axum::Json(ActionView {
        status: status.code(),
    }))
}
