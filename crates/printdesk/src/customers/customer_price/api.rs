//! `/api/v1/customer-prices`: cooperative prices as JSON, and
//! `/api/v1/customers/{id}/price-rules`: the rules the price calculation gets for a customer.
//! Money and percentages are strings ("18.00", "85" for 85折).

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rules::{date_text, parse_date};
use super::service::{self, CustomerPriceLine, PriceFilter};
use super::{CustomerPriceId, CustomerPriceInput, Holder, PriceKind, target_code, target_id};
use crate::customers::customer::CustomerId;
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::clock;
use crate::kernel::error::{AppError, AppResult};
use crate::kernel::i18n::Message;
use crate::kernel::web::{self, AppState, IdPath, Json, Query};
use crate::system::product::rules::{PriceRule, RuleHolder, RuleKind};

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_customer_prices, create_customer_price))
        .routes(routes!(
            show_customer_price,
            update_customer_price,
            delete_customer_price
        ))
        .routes(routes!(restore_customer_price))
        .routes(routes!(list_customer_price_rules))
}

/// A rule to create or the new state of one. `holder_kind` is `customer` (with `customer_id`) or
/// `group` (with `customer_group_id`); `target_kind` is `product`, `category` or `process` (with
/// `target_id`) or `everything`; `price_kind` is `fixed` (with `fixed_price`, yuan) or
/// `discount` (with `discount_percent`, the percent paid: "85" = 85折). Dates are YYYY-MM-DD.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct CustomerPriceBody {
    holder_kind: String,
    #[serde(default)]
    customer_id: Option<i64>,
    #[serde(default)]
    customer_group_id: Option<i64>,
    target_kind: String,
    #[serde(default)]
    target_id: Option<i64>,
    price_kind: String,
    #[serde(default)]
    fixed_price: Option<String>,
    #[serde(default)]
    discount_percent: Option<String>,
    #[serde(default)]
    valid_from: Option<String>,
    #[serde(default)]
    valid_to: Option<String>,
    #[serde(default)]
    remarks: Option<String>,
}

/// A live rule with its holder's and target's names and its label.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CustomerPriceView {
    id: i64,
    holder_kind: &'static str,
    customer_id: Option<i64>,
    customer_group_id: Option<i64>,
    holder_name: String,
    target_kind: &'static str,
    target_id: Option<i64>,
    /// Empty for `everything`.
    target_name: String,
    price_kind: &'static str,
    fixed_price: Option<String>,
    discount_percent: Option<String>,
    valid_from: Option<String>,
    valid_to: Option<String>,
    remarks: String,
    label: String,
}

/// One rule as the price calculation gets it for a customer on a date.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PriceRuleView {
    /// `customer` or `group`.
    holder_kind: &'static str,
    target_kind: &'static str,
    target_id: Option<i64>,
    price_kind: &'static str,
    fixed_price: Option<String>,
    /// The percent paid, "85" for 85折.
    discount_percent: Option<String>,
    valid_from: Option<String>,
    valid_to: Option<String>,
    label: String,
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct ListParams {
    /// Only the rules of this customer.
    customer_id: String,
    /// Only the rules of this customer group.
    customer_group_id: String,
    /// `product`, `category`, `process` or `everything`.
    target_kind: String,
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct DateParams {
    /// YYYY-MM-DD; today when absent.
    date: String,
}

impl CustomerPriceBody {
    fn into_input(self) -> CustomerPriceInput {
        let id_text = |id: Option<i64>| id.map(|id| id.to_string()).unwrap_or_default();
        CustomerPriceInput {
            holder_kind: self.holder_kind,
            customer_id: id_text(self.customer_id),
            customer_group_id: id_text(self.customer_group_id),
            target_kind: self.target_kind,
            target_id: id_text(self.target_id),
            price_kind: self.price_kind,
            fixed_price: self.fixed_price.unwrap_or_default(),
            discount_percent: self.discount_percent.unwrap_or_default(),
            valid_from: self.valid_from.unwrap_or_default(),
            valid_to: self.valid_to.unwrap_or_default(),
            remarks: self.remarks.unwrap_or_default(),
            form_nonce: String::new(),
        }
    }
}

fn kind_values(kind: PriceKind) -> (Option<String>, Option<String>) {
    match kind {
        PriceKind::Fixed(money) => (Some(money.to_string()), None),
        PriceKind::Discount(percent) => (None, Some(percent.normalize().to_string())),
    }
}

fn view(line: CustomerPriceLine) -> CustomerPriceView {
    let price = line.price;
    let (customer_id, customer_group_id) = match price.holder {
        Holder::Customer(id) => (Some(id.0), None),
        Holder::Group(id) => (None, Some(id)),
    };
    let (fixed_price, discount_percent) = kind_values(price.kind);
    CustomerPriceView {
        id: price.id.0,
        holder_kind: price.holder.code(),
        customer_id,
        customer_group_id,
        holder_name: line.holder_name,
        target_kind: target_code(price.target),
        target_id: target_id(price.target),
        target_name: line.target_name,
        price_kind: price.kind.code(),
        fixed_price,
        discount_percent,
        valid_from: price.valid_from.map(|d| date_text(Some(d))),
        valid_to: price.valid_to.map(|d| date_text(Some(d))),
        remarks: price.remarks,
        label: line.label,
    }
}

fn rule_view(rule: PriceRule) -> PriceRuleView {
    let (price_kind, fixed_price, discount_percent) = match rule.kind {
        RuleKind::FixedPrice(money) => ("fixed", Some(money.to_string()), None),
        RuleKind::Discount(fraction) => (
            "discount",
            None,
            Some(
                (fraction * rust_decimal::Decimal::from(100))
                    .normalize()
                    .to_string(),
            ),
        ),
    };
    PriceRuleView {
        holder_kind: match rule.holder {
            RuleHolder::Customer => "customer",
            RuleHolder::Group => "group",
        },
        target_kind: target_code(rule.target),
        target_id: target_id(rule.target),
        price_kind,
        fixed_price,
        discount_percent,
        valid_from: rule.valid_from.map(|d| date_text(Some(d))),
        valid_to: rule.valid_to.map(|d| date_text(Some(d))),
        label: rule.label,
    }
}

/// Lists the live rules, customers' first, optionally narrowed.
#[utoipa::path(get, path = "/api/v1/customer-prices", tag = "customers", params(ListParams),
    responses((status = 200, body = Vec<CustomerPriceView>), (status = 403, body = web::ApiErrorBody)))]
async fn list_customer_prices(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<ListParams>,
) -> AppResult<axum::Json<Vec<CustomerPriceView>>> {
    user.require(Permission::CUSTOMER_PRICE_VIEW)?;
    let filter = PriceFilter {
        customer_id: params.customer_id.trim().parse().ok().map(CustomerId),
        customer_group_id: params.customer_group_id.trim().parse().ok(),
        target_kind: Some(params.target_kind),
    };
    let lines = service::list_customer_prices(&state.db, user.scope(), &filter).await?;
    Ok(axum::Json(lines.into_iter().map(view).collect()))
}

/// Creates a rule.
#[utoipa::path(post, path = "/api/v1/customer-prices", tag = "customers", request_body = CustomerPriceBody,
    responses((status = 201, body = CustomerPriceView), (status = 403, body = web::ApiErrorBody),
        (status = 422, body = web::ApiErrorBody)))]
async fn create_customer_price(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<CustomerPriceBody>,
) -> AppResult<(StatusCode, axum::Json<CustomerPriceView>)> {
    user.require(Permission::CUSTOMER_PRICE_MANAGE)?;
    let id = service::create_customer_price(&state.db, &user, &body.into_input()).await?;
    let line = service::show_customer_price(&state.db, user.scope(), id).await?;
    Ok((StatusCode::CREATED, axum::Json(view(line))))
}

/// One live rule.
#[utoipa::path(get, path = "/api/v1/customer-prices/{id}", tag = "customers", params(("id" = i64, Path)),
    responses((status = 200, body = CustomerPriceView), (status = 404, body = web::ApiErrorBody)))]
async fn show_customer_price(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<axum::Json<CustomerPriceView>> {
    user.require(Permission::CUSTOMER_PRICE_VIEW)?;
    let line = service::show_customer_price(&state.db, user.scope(), CustomerPriceId(id)).await?;
    Ok(axum::Json(view(line)))
}

/// Changes a rule.
#[utoipa::path(put, path = "/api/v1/customer-prices/{id}", tag = "customers", params(("id" = i64, Path)),
    request_body = CustomerPriceBody,
    responses((status = 200, body = CustomerPriceView), (status = 404, body = web::ApiErrorBody),
        (status = 422, body = web::ApiErrorBody)))]
async fn update_customer_price(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(body): Json<CustomerPriceBody>,
) -> AppResult<axum::Json<CustomerPriceView>> {
    user.require(Permission::CUSTOMER_PRICE_MANAGE)?;
    let id = CustomerPriceId(id);
    service::update_customer_price(&state.db, &user, id, &body.into_input()).await?;
    let line = service::show_customer_price(&state.db, user.scope(), id).await?;
    Ok(axum::Json(view(line)))
}

/// Deletes a rule (it can be restored).
#[utoipa::path(delete, path = "/api/v1/customer-prices/{id}", tag = "customers", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = web::ApiErrorBody)))]
async fn delete_customer_price(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<StatusCode> {
    user.require(Permission::CUSTOMER_PRICE_MANAGE)?;
    service::delete_customer_price(&state.db, &user, CustomerPriceId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Restores a deleted rule, unless a live rule now overlaps it (422 naming that rule).
#[utoipa::path(post, path = "/api/v1/customer-prices/{id}/restore", tag = "customers", params(("id" = i64, Path)),
    responses((status = 200, body = CustomerPriceView), (status = 404, body = web::ApiErrorBody),
        (status = 422, body = web::ApiErrorBody)))]
async fn restore_customer_price(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<axum::Json<CustomerPriceView>> {
    user.require(Permission::CUSTOMER_PRICE_MANAGE)?;
    let id = CustomerPriceId(id);
    service::restore_customer_price(&state.db, &user, id).await?;
    let line = service::show_customer_price(&state.db, user.scope(), id).await?;
    Ok(axum::Json(view(line)))
}

/// The live rules of a customer and its group valid on `date`, as the price calculation gets them.
#[utoipa::path(get, path = "/api/v1/customers/{id}/price-rules", tag = "customers",
    params(("id" = i64, Path), DateParams),
    responses((status = 200, body = Vec<PriceRuleView>), (status = 404, body = web::ApiErrorBody),
        (status = 422, body = web::ApiErrorBody)))]
async fn list_customer_price_rules(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Query(params): Query<DateParams>,
) -> AppResult<axum::Json<Vec<PriceRuleView>>> {
    user.require(Permission::CUSTOMER_PRICE_VIEW)?;
    let date_text = if params.date.trim().is_empty() {
        clock::today_local()
    } else {
        params.date
    };
    let Some(date) = parse_date(&date_text) else {
        return Err(AppError::field(
            "date",
            Message::new("customer_price.date_invalid"),
        ));
    };
    let rules = service::price_rules_for(&state.db, user.scope(), id, date).await?;
    Ok(axum::Json(rules.into_iter().map(rule_view).collect()))
}
