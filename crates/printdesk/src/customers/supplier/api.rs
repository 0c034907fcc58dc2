//! `/api/v1/suppliers`: suppliers as JSON, with search as you type and merging.
//!
//! `PUT` replaces the whole supplier, contacts and supply scopes included; a field left out takes
//! its default. Contacts have the same shape as a customer's.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service;
use super::{Supplier, SupplierId, SupplierInput, SupplierLine};
use crate::customers::customer::api::{ContactBody, ContactView};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::AppResult;
use crate::kernel::i18n::Locale;
use crate::kernel::web::{self, AppState, IdPath, Json, Query, Upload};

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_suppliers, create_supplier))
        .routes(routes!(search_suppliers))
        .routes(routes!(show_supplier, update_supplier, delete_supplier))
        .routes(routes!(merge_supplier))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(import_suppliers))
                .layer(web::upload_limit()),
        )
}

/// A supplier to create, or the new state of one.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct SupplierBody {
    name: String,
    bank_name: Option<String>,
    /// Digits (spaces allowed).
    bank_account: Option<String>,
    /// 15 to 20 letters or digits (统一社会信用代码).
    tax_number: Option<String>,
    address: Option<String>,
    remarks: Option<String>,
    /// Ids of supply-scope settings-list items.
    supply_scope_ids: Option<Vec<i64>>,
    contacts: Option<Vec<ContactBody>>,
}

/// Which supplier another one is merged into.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct SupplierMergeBody {
    target_id: i64,
}

/// A live supplier.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SupplierView {
    id: i64,
    name: String,
    bank_name: String,
    bank_account: String,
    tax_number: String,
    address: String,
    remarks: String,
    pinyin_initials: String,
    supply_scope_ids: Vec<i64>,
    contacts: Vec<ContactView>,
}

/// A supplier in a list or search result, with its primary contact.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SupplierSummaryView {
    id: i64,
    name: String,
    pinyin_initials: String,
    contact_person: String,
    contact_mobile: String,
    contact_phone: String,
}

/// What an import saved.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SuppliersImportedView {
    /// How many rows were saved (all of them).
    imported: usize,
}

/// One page of suppliers.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SupplierListView {
    items: Vec<SupplierSummaryView>,
    total: i64,
    page: i64,
    per_page: i64,
}

/// `q`: name, pinyin initials, contact, mobile or phone; `page` (from 1).
#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct SupplierListParams {
    q: String,
    page: String,
}

/// `q`: what has been typed so far.
#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct SupplierSearchParams {
    q: String,
}

impl SupplierBody {
    fn into_input(self) -> SupplierInput {
        SupplierInput {
            name: self.name,
            bank_name: self.bank_name.unwrap_or_default(),
            bank_account: self.bank_account.unwrap_or_default(),
            tax_number: self.tax_number.unwrap_or_default(),
            address: self.address.unwrap_or_default(),
            remarks: self.remarks.unwrap_or_default(),
            supply_scope_ids: self
                .supply_scope_ids
                .unwrap_or_default()
                .iter()
                .map(i64::to_string)
                .collect(),
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

fn view(supplier: Supplier) -> SupplierView {
    SupplierView {
        id: supplier.id.0,
        name: supplier.name,
        bank_name: supplier.bank_name,
        bank_account: supplier.bank_account,
        tax_number: supplier.tax_number,
        address: supplier.address,
        remarks: supplier.remarks,
        pinyin_initials: supplier.pinyin_initials,
        supply_scope_ids: supplier.supply_scope_ids,
        contacts: supplier.contacts.into_iter().map(ContactView::of).collect(),
    }
}

fn summary(line: SupplierLine) -> SupplierSummaryView {
    SupplierSummaryView {
        id: line.id.0,
        name: line.name,
        pinyin_initials: line.pinyin_initials,
        contact_person: line.contact_person,
        contact_mobile: line.contact_mobile,
        contact_phone: line.contact_phone,
    }
}

/// Lists live suppliers, 50 a page, best match first when `q` is given.
#[utoipa::path(get, path = "/api/v1/suppliers", tag = "customers", params(SupplierListParams),
    responses((status = 200, body = SupplierListView), (status = 403, body = web::ApiErrorBody)))]
async fn list_suppliers(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<SupplierListParams>,
) -> AppResult<axum::Json<SupplierListView>> {
    user.require(Permission::SUPPLIER_VIEW)?;
    let page_no = params.page.trim().parse::<i64>().unwrap_or(1);
    let page = service::list_suppliers(&state.db, user.scope(), &params.q, page_no).await?;
    Ok(axum::Json(SupplierListView {
        items: page.lines.into_iter().map(summary).collect(),
        total: page.total,
        page: page.page,
        per_page: service::PAGE_SIZE,
    }))
}

/// Search as you type: at most 20 suppliers matching `q`, initials matches first.
#[utoipa::path(get, path = "/api/v1/suppliers/search", tag = "customers", params(SupplierSearchParams),
    responses((status = 200, body = Vec<SupplierSummaryView>), (status = 403, body = web::ApiErrorBody)))]
async fn search_suppliers(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<SupplierSearchParams>,
) -> AppResult<axum::Json<Vec<SupplierSummaryView>>> {
    user.require(Permission::SUPPLIER_VIEW)?;
    let lines = service::search_suppliers(&state.db, user.scope(), &params.q).await?;
    Ok(axum::Json(lines.into_iter().map(summary).collect()))
}

/// Creates a supplier.
#[utoipa::path(post, path = "/api/v1/suppliers", tag = "customers", request_body = SupplierBody,
    responses((status = 201, body = SupplierView), (status = 422, body = web::ApiErrorBody)))]
async fn create_supplier(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<SupplierBody>,
) -> AppResult<(StatusCode, axum::Json<SupplierView>)> {
    user.require(Permission::SUPPLIER_MANAGE)?;
    let id = service::create_supplier(&state.db, &user, &body.into_input()).await?;
    let supplier = service::show_supplier(&state.db, user.scope(), id).await?;
    Ok((StatusCode::CREATED, axum::Json(view(supplier))))
}

/// One supplier with its contacts and supply scopes.
#[utoipa::path(get, path = "/api/v1/suppliers/{id}", tag = "customers", params(("id" = i64, Path)),
    responses((status = 200, body = SupplierView), (status = 404, body = web::ApiErrorBody)))]
async fn show_supplier(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<axum::Json<SupplierView>> {
    user.require(Permission::SUPPLIER_VIEW)?;
    let supplier = service::show_supplier(&state.db, user.scope(), SupplierId(id)).await?;
    Ok(axum::Json(view(supplier)))
}

/// Replaces a supplier, its contacts and scopes.
#[utoipa::path(put, path = "/api/v1/suppliers/{id}", tag = "customers", params(("id" = i64, Path)),
    request_body = SupplierBody,
    responses((status = 200, body = SupplierView), (status = 404, body = web::ApiErrorBody), (status = 422, body = web::ApiErrorBody)))]
async fn update_supplier(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(body): Json<SupplierBody>,
) -> AppResult<axum::Json<SupplierView>> {
    user.require(Permission::SUPPLIER_MANAGE)?;
    let id = SupplierId(id);
    service::update_supplier(&state.db, &user, id, &body.into_input()).await?;
    let supplier = service::show_supplier(&state.db, user.scope(), id).await?;
    Ok(axum::Json(view(supplier)))
}

/// Moves a supplier to the recycle bin.
#[utoipa::path(delete, path = "/api/v1/suppliers/{id}", tag = "customers", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = web::ApiErrorBody)))]
async fn delete_supplier(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<StatusCode> {
    user.require(Permission::SUPPLIER_MANAGE)?;
    service::delete_supplier(&state.db, &user, SupplierId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Merges this supplier into `target_id`: contacts, scopes and history move, this one goes to the
/// bin. Answers with the target.
#[utoipa::path(post, path = "/api/v1/suppliers/{id}/merge", tag = "customers", params(("id" = i64, Path)),
    request_body = SupplierMergeBody,
    responses((status = 200, body = SupplierView), (status = 404, body = web::ApiErrorBody), (status = 422, body = web::ApiErrorBody)))]
async fn merge_supplier(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Json(body): Json<SupplierMergeBody>,
) -> AppResult<axum::Json<SupplierView>> {
    user.require(Permission::SUPPLIER_MANAGE)?;
    let target = SupplierId(body.target_id);
    service::merge_supplier(&state.db, &user, SupplierId(id), target).await?;
    let supplier = service::show_supplier(&state.db, user.scope(), target).await?;
    Ok(axum::Json(view(supplier)))
}

/// 导入: the body is an .xlsx made from the import template
/// (`GET /customers/suppliers/import/template`). Every row is saved in one go, or none: a 422
/// lists every problem as `rows[<excel row>].<column>`, a problem with the file itself as `file`.
#[utoipa::path(post, path = "/api/v1/suppliers/import", tag = "customers",
    request_body(content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
        description = "The filled import template"),
    responses((status = 200, body = SuppliersImportedView), (status = 403, body = web::ApiErrorBody),
        (status = 422, body = web::ApiErrorBody)))]
async fn import_suppliers(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    upload: Upload,
) -> AppResult<axum::Json<SuppliersImportedView>> {
    user.require(Permission::SUPPLIER_MANAGE)?;
    let imported = service::import_suppliers(&state.db, &user, &upload.bytes, l).await?;
    Ok(axum::Json(SuppliersImportedView { imported }))
}
