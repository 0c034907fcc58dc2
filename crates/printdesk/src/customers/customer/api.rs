//! `/api/v1/customers`: customers as JSON, with search as you type and merging.
//!
//! Money is a string (`"5000.00"`). `PUT` replaces the whole customer, contacts included; a field
//! left out takes its default. Saving answers with the customer and a `warnings` array naming
//! other customers that already have one of its contact mobiles.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service::{self, Saved};
use super::{Customer, CustomerId, CustomerInput, CustomerLine, DuplicateMobile};
use crate::customers::contact::ContactInput;
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::AppResult;
use crate::kernel::i18n::{Locale, Message};
use crate::kernel::web::{self, AppState, IdPath, Json, Query, Upload};

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_customers, create_customer))
        .routes(routes!(search_customers))
        .routes(routes!(show_customer, update_customer, delete_customer))
        .routes(routes!(merge_customer))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(import_customers))
                .layer(web::upload_limit()),
        )
}

/// A customer to create, or the new state of one.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct CustomerBody {
    name: String,
    short_name: Option<String>,
    address: Option<String>,
    customer_group_id: Option<i64>,
    customer_relation_id: Option<i64>,
    id_document_kind_id: Option<i64>,
    id_document_number: Option<String>,
    /// `on_account` (记账, default) or `cash` (现结).
    settlement_type: Option<String>,
    may_prepay: Option<bool>,
    cross_branch: Option<bool>,
    /// Yuan as a string, at most two decimals, not negative.
    credit_limit: Option<String>,
    /// `none` (default), `warn` or `block`.
    credit_mode: Option<String>,
    /// 0 to 365.
    payment_terms_days: Option<i64>,
    /// A user allowed into this account set.
    sales_person_id: Option<i64>,
    remarks: Option<String>,
    contacts: Option<Vec<ContactBody>>,
}

/// One contact of a customer or supplier. At most one is primary; by default the first.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ContactBody {
    person: Option<String>,
    /// 11 digits starting with 1.
    mobile: Option<String>,
    phone: Option<String>,
    position: Option<String>,
    is_primary: Option<bool>,
}

/// Which customer another one is merged into.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct MergeBody {
    target_id: i64,
}

/// A contact as stored.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ContactView {
    person: String,
    mobile: String,
    phone: String,
    position: String,
    is_primary: bool,
}

/// Something saved but worth a look: another live customer has this contact mobile.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct WarningView {
    /// The contact field, e.g. `contacts[0].mobile`.
    field: String,
    message: String,
    customer_id: i64,
}

/// A live customer.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CustomerView {
    id: i64,
    name: String,
    short_name: String,
    address: String,
    customer_group_id: Option<i64>,
    customer_relation_id: Option<i64>,
    id_document_kind_id: Option<i64>,
    id_document_number: String,
    settlement_type: String,
    may_prepay: bool,
    cross_branch: bool,
    credit_limit: String,
    credit_mode: String,
    payment_terms_days: i64,
    sales_person_id: Option<i64>,
    remarks: String,
    /// The WeCom external contact (外部联系人); set by the WeCom sync, read-only here.
    external_contact_id: String,
    pinyin_initials: String,
    contacts: Vec<ContactView>,
    warnings: Vec<WarningView>,
}

/// A customer in a list or search result, with its primary contact.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CustomerSummaryView {
    id: i64,
    name: String,
    short_name: String,
    pinyin_initials: String,
    customer_group_id: Option<i64>,
    settlement_type: String,
    credit_limit: String,
    sales_person_name: String,
    contact_person: String,
    contact_mobile: String,
    contact_phone: String,
}

/// What an import saved.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ImportedView {
    /// How many rows were saved (all of them).
    imported: usize,
}

/// One page of customers.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CustomerListView {
    items: Vec<CustomerSummaryView>,
    total: i64,
    page: i64,
    per_page: i64,
}

/// `q`: name, pinyin initials, contact, mobile or phone; `group_id`; `page` (from 1).
#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct ListParams {
    q: String,
    group_id: String,
    page: String,
}

/// `q`: what has been typed so far.
#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct SearchParams {
    q: String,
}

impl CustomerBody {
    fn into_input(self) -> CustomerInput {
        let text = |id: Option<i64>| id.map(|id| id.to_string()).unwrap_or_default();
        CustomerInput {
            name: self.name,
            short_name: self.short_name.unwrap_or_default(),
            address: self.address.unwrap_or_default(),
            customer_group_id: text(self.customer_group_id),
            customer_relation_id: text(self.customer_relation_id),
            id_document_kind_id: text(self.id_document_kind_id),
            id_document_number: self.id_document_number.unwrap_or_default(),
            settlement_type: self.settlement_type.unwrap_or_default(),
            may_prepay: self.may_prepay.unwrap_or(false),
            cross_branch: self.cross_branch.unwrap_or(false),
            credit_limit: self.credit_limit.unwrap_or_default(),
            credit_mode: self.credit_mode.unwrap_or_default(),
            payment_terms_days: text(self.payment_terms_days),
            sales_person_id: text(self.sales_person_id),
            remarks: self.remarks.unwrap_or_default(),
            contacts: self
                .contacts
                .unwrap_or_default()
                .into_iter()
                .map(ContactBody::into_input)
                .collect(),
            form_nonce: String::new(),
        }
    }
}

impl ContactBody {
    /// Also used by the supplier API, which takes the same contacts.
    pub(crate) fn into_input(self) -> ContactInput {
        ContactInput {
            person: self.person.unwrap_or_default(),
            mobile: self.mobile.unwrap_or_default(),
            phone: self.phone.unwrap_or_default(),
            position: self.position.unwrap_or_default(),
            is_primary: self.is_primary.unwrap_or(false),
        }
    }
}

impl ContactView {
    /// Also used by the supplier API.
    pub(crate) fn of(contact: crate::customers::contact::Contact) -> ContactView {
        ContactView {
            person: contact.person,
            mobile: contact.mobile,
            phone: contact.phone,
            position: contact.position,
            is_primary: contact.is_primary,
        }
    }
}

fn view(customer: Customer, warnings: Vec<DuplicateMobile>, l: Locale) -> CustomerView {
    CustomerView {
        id: customer.id.0,
        name: customer.name,
        short_name: customer.short_name,
        address: customer.address,
        customer_group_id: customer.customer_group_id,
        customer_relation_id: customer.customer_relation_id,
        id_document_kind_id: customer.id_document_kind_id,
        id_document_number: customer.id_document_number,
        settlement_type: customer.settlement_type.code().to_owned(),
        may_prepay: customer.may_prepay,
        cross_branch: customer.cross_branch,
        credit_limit: customer.credit_limit.format(2),
        credit_mode: customer.credit_mode.code().to_owned(),
        payment_terms_days: customer.payment_terms_days,
        sales_person_id: customer.sales_person_id.map(|u| u.0),
        remarks: customer.remarks,
        external_contact_id: customer.external_contact_id,
        pinyin_initials: customer.pinyin_initials,
        contacts: customer.contacts.into_iter().map(ContactView::of).collect(),
        warnings: warnings
            .into_iter()
            .map(|w| WarningView {
                message: Message::new("customer.mobile_taken")
                    .arg("name", &w.customer_name)
                    .render(l),
                field: w.field,
                customer_id: w.customer_id.0,
            })
            .collect(),
    }
}

fn summary(line: CustomerLine) -> CustomerSummaryView {
    CustomerSummaryView {
        id: line.id.0,
        name: line.name,
        short_name: line.short_name,
        pinyin_initials: line.pinyin_initials,
        customer_group_id: line.customer_group_id,
        settlement_type: line.settlement_type.code().to_owned(),
        credit_limit: line.credit_limit.format(2),
        sales_person_name: line.sales_person_name,
        contact_person: line.contact_person,
        contact_mobile: line.contact_mobile,
        contact_phone: line.contact_phone,
    }
}

async fn saved_view(
    state: &AppState,
    user: &CurrentUser,
    saved: Saved,
    l: Locale,
) -> AppResult<CustomerView> {
    let customer = service::show_customer(&state.db, user.scope(), saved.id).await?;
    Ok(view(customer, saved.warnings, l))
}

/// Lists live customers, 50 a page, best match first when `q` is given.
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers", params(ListParams),
    responses((status = 200, body = CustomerListView), (status = 403, body = web::ApiErrorBody)))]
async fn list_customers(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<ListParams>,
) -> AppResult<axum::Json<CustomerListView>> {
    user.require(Permission::CUSTOMER_VIEW)?;
    let group_id = params.group_id.trim().parse::<i64>().ok();
    let page_no = params.page.trim().parse::<i64>().unwrap_or(1);
    let page =
        service::list_customers(&state.db, user.scope(), &params.q, group_id, page_no).await?;
    Ok(axum::Json(CustomerListView {
        items: page
            .lines
            .into_iter()
            .map(|line| summary(line.customer))
            .collect(),
        total: page.total,
        page: page.page,
        per_page: service::PAGE_SIZE,
    }))
}

/// Search as you type: at most 20 customers whose name, pinyin initials (`xg` finds 星光广告),
/// contact, mobile or phone matches `q`, initials matches first.
#[utoipa::path(get, path = "/api/v1/customers/search", tag = "customers", params(SearchParams),
    responses((status = 200, body = Vec<CustomerSummaryView>), (status = 403, body = web::ApiErrorBody)))]
async fn search_customers(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<SearchParams>,
) -> AppResult<axum::Json<Vec<CustomerSummaryView>>> {
    user.require(Permission::CUSTOMER_VIEW)?;
    let lines = service::search_customers(&state.db, user.scope(), &params.q).await?;
    Ok(axum::Json(lines.into_iter().map(summary).collect()))
}

/// Creates a customer.
#[utoipa::path(post, path = "/api/v1/customers", tag = "customers", request_body = CustomerBody,
    responses((status = 201, body = CustomerView), (status = 422, body = web::ApiErrorBody)))]
async fn create_customer(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Json(body): Json<CustomerBody>,
) -> AppResult<(StatusCode, axum::Json<CustomerView>)> {
    user.require(Permission::CUSTOMER_MANAGE)?;
    let saved = service::create_customer(&state.db, &user, &body.into_input()).await?;
    let view = saved_view(&state, &user, saved, l).await?;
    Ok((StatusCode::CREATED, axum::Json(view)))
}

/// One customer with its contacts and duplicate-mobile warnings.
#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers", params(("id" = i64, Path)),
    responses((status = 200, body = CustomerView), (status = 404, body = web::ApiErrorBody)))]
async fn show_customer(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<axum::Json<CustomerView>> {
    user.require(Permission::CUSTOMER_VIEW)?;
    let customer = service::show_customer(&state.db, user.scope(), CustomerId(id)).await?;
    let warnings = service::duplicate_mobiles(&state.db, user.scope(), &customer).await?;
    Ok(axum::Json(view(customer, warnings, l)))
}

/// Replaces a customer and its contacts.
#[utoipa::path(put, path = "/api/v1/customers/{id}", tag = "customers", params(("id" = i64, Path)),
    request_body = CustomerBody,
    responses((status = 200, body = CustomerView), (status = 404, body = web::ApiErrorBody), (status = 422, body = web::ApiErrorBody)))]
async fn update_customer(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(body): Json<CustomerBody>,
) -> AppResult<axum::Json<CustomerView>> {
    user.require(Permission::CUSTOMER_MANAGE)?;
    let saved =
        service::update_customer(&state.db, &user, CustomerId(id), &body.into_input()).await?;
    Ok(axum::Json(saved_view(&state, &user, saved, l).await?))
}

/// Moves a customer to the recycle bin.
#[utoipa::path(delete, path = "/api/v1/customers/{id}", tag = "customers", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = web::ApiErrorBody)))]
async fn delete_customer(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<StatusCode> {
    user.require(Permission::CUSTOMER_MANAGE)?;
    service::delete_customer(&state.db, &user, CustomerId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Merges this customer into `target_id`: contacts and history move, this one goes to the bin.
/// Answers with the target.
#[utoipa::path(post, path = "/api/v1/customers/{id}/merge", tag = "customers", params(("id" = i64, Path)),
    request_body = MergeBody,
    responses((status = 200, body = CustomerView), (status = 404, body = web::ApiErrorBody), (status = 422, body = web::ApiErrorBody)))]
async fn merge_customer(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(body): Json<MergeBody>,
) -> AppResult<axum::Json<CustomerView>> {
    user.require(Permission::CUSTOMER_MANAGE)?;
    let target = CustomerId(body.target_id);
    service::merge_customer(&state.db, &user, CustomerId(id), target).await?;
    let customer = service::show_customer(&state.db, user.scope(), target).await?;
    let warnings = service::duplicate_mobiles(&state.db, user.scope(), &customer).await?;
    Ok(axum::Json(view(customer, warnings, l)))
}

/// 导入: the body is an .xlsx made from the import template (`GET /customers/import/template`).
/// Every row is saved in one go, or none: a 422 lists every problem as `rows[<excel row>].<column>`
/// (e.g. `rows[5].mobile`), a problem with the file itself as `file`.
#[utoipa::path(post, path = "/api/v1/customers/import", tag = "customers",
    request_body(content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
        description = "The filled import template"),
    responses((status = 200, body = ImportedView), (status = 403, body = web::ApiErrorBody),
        (status = 422, body = web::ApiErrorBody)))]
async fn import_customers(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    upload: Upload,
) -> AppResult<axum::Json<ImportedView>> {
    user.require(Permission::CUSTOMER_MANAGE)?;
    let imported = service::import_customers(&state.db, &user, &upload.bytes, l).await?;
    Ok(axum::Json(ImportedView { imported }))
}
