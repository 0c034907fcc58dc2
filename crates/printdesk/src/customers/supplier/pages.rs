//! Pages of 供应商管理: the list with search, the new-supplier form and each supplier's edit
//! page with contacts, supply scopes, merge form and history; 导出 Excel, and 导入 on the page
//! the customer import uses (`customer::pages::ImportView`).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};

use super::{RECYCLE_KIND, Supplier, SupplierId, SupplierInput};
use super::{rules, service};
use crate::customers::contact::{self, ContactInput, FORM_ROWS};
use crate::customers::customer::pages::{ImportQuery, ImportView, import_page, upload_bytes};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::{Locale, Message};
use crate::kernel::shell::{Shell, shell};
use crate::kernel::spreadsheet::{self, Cell, ColumnKind, Table};
use crate::kernel::web::{
    self, AppState, Form, IdPath, Query, Upload, render, see_other, unprocessable, urlencode,
};
use crate::system::audit::{self, TrailLine};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/customers/suppliers",
            get(list_suppliers).post(create_supplier),
        )
        .route("/customers/suppliers/new", get(new_supplier))
        .route("/customers/suppliers/export", get(export_suppliers))
        .route(
            "/customers/suppliers/import",
            get(show_import)
                .post(import_suppliers)
                .layer(web::upload_limit()),
        )
        .route(
            "/customers/suppliers/import/template",
            get(download_import_template),
        )
        .route(
            "/customers/suppliers/{id}",
            get(show_supplier).post(update_supplier),
        )
        .route("/customers/suppliers/{id}/delete", post(delete_supplier))
        .route("/customers/suppliers/{id}/merge-into", post(merge_supplier))
        .route(
            "/customers/suppliers/{id}/merge-into/{target_id}",
            post(merge_supplier_into),
        )
}

/// The supplier form as the browser sends it: contacts as parallel repeated fields, scopes as
/// repeated checkboxes.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SupplierForm {
    name: String,
    bank_name: String,
    bank_account: String,
    tax_number: String,
    address: String,
    remarks: String,
    supply_scope_ids: Vec<String>,
    contact_person: Vec<String>,
    contact_mobile: Vec<String>,
    contact_phone: Vec<String>,
    contact_position: Vec<String>,
    primary_contact: String,
    form_nonce: String,
}

impl SupplierForm {
    fn into_input(self) -> SupplierInput {
        let contacts = contact::zip_form_rows(
            &self.contact_person,
            &self.contact_mobile,
            &self.contact_phone,
            &self.contact_position,
            &self.primary_contact,
        );
        SupplierInput {
            name: self.name,
            bank_name: self.bank_name,
            bank_account: self.bank_account,
            tax_number: self.tax_number,
            address: self.address,
            remarks: self.remarks,
            supply_scope_ids: self.supply_scope_ids,
            contacts,
            form_nonce: self.form_nonce,
        }
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    q: String,
    page: String,
    deleted: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct NoticeQuery {
    saved: String,
    merged: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct MergeForm {
    target_id: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct EmptyForm {}

struct ListRow {
    id: i64,
    name: String,
    contact_person: String,
    contact_mobile: String,
    contact_phone: String,
}

struct ScopeBox {
    id: i64,
    label: String,
    checked: bool,
}

struct ContactRow {
    idx: usize,
    person: String,
    mobile: String,
    phone: String,
    position: String,
    primary: bool,
    person_error: String,
    mobile_error: String,
    phone_error: String,
    position_error: String,
}

#[derive(Template)]
#[template(path = "customers/suppliers.html")]
struct SuppliersPage {
    shell: Shell,
    rows: Vec<ListRow>,
    q: String,
    paging: String,
    prev_href: String,
    next_href: String,
    export_href: String,
    can_manage: bool,
    notice: String,
}

#[derive(Template)]
#[template(path = "customers/supplier_form.html")]
struct SupplierFormPage {
    shell: Shell,
    /// `None` on the new-supplier form.
    id: Option<i64>,
    can_manage: bool,
    input: SupplierInput,
    scopes: Vec<ScopeBox>,
    contact_rows: Vec<ContactRow>,
    errors: FieldErrors,
    shown_fields: Vec<String>,
    notice: String,
    history: Vec<TrailLine>,
}

impl SupplierFormPage {
    /// Field names that have their own place on the form; other messages go to the top.
    fn shown(&self) -> Vec<&str> {
        self.shown_fields.iter().map(String::as_str).collect()
    }
}

const SUPPLIER_IMPORT: ImportView = ImportView {
    title_key: "supplier_import.title",
    list_href: "/customers/suppliers",
    list_title_key: "menu.suppliers",
    action: "/customers/suppliers/import",
    columns: rules::IMPORT_COLUMNS,
    imported_key: "supplier_import.imported",
};

/// 导出 Excel: the suppliers the list shows for its search, every page of them.
async fn export_suppliers(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    user.require(Permission::SUPPLIER_VIEW)?;
    let lines = service::export_suppliers(&state.db, user.scope(), &query.q).await?;
    let mut table = Table::new(l.t("menu.suppliers"))
        .column(l.t("customer.number"), ColumnKind::Integer, 8)
        .column(l.t("supplier.name"), ColumnKind::Text, 30)
        .column(l.t("contact.person"), ColumnKind::Text, 10)
        .column(l.t("contact.mobile"), ColumnKind::Text, 14)
        .column(l.t("contact.phone"), ColumnKind::Text, 16);
    table.rows = lines
        .into_iter()
        .map(|line| {
            vec![
                Cell::Integer(line.id.0),
                Cell::Text(line.name),
                Cell::Text(line.contact_person),
                Cell::Text(line.contact_mobile),
                Cell::Text(line.contact_phone),
            ]
        })
        .collect();
    spreadsheet::export(&table)
}

/// 导入供应商: download the template, upload the filled file, read the report.
async fn show_import(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<ImportQuery>,
) -> AppResult<Response> {
    user.require(Permission::SUPPLIER_MANAGE)?;
    let page = import_page(
        &state,
        &user,
        l,
        &SUPPLIER_IMPORT,
        &query,
        &FieldErrors::new(),
    )
    .await?;
    Ok(render(&page))
}

/// The supplier import template, with its 填写须知 sheet.
async fn download_import_template(l: Locale, user: CurrentUser) -> AppResult<Response> {
    user.require(Permission::SUPPLIER_MANAGE)?;
    let notes = [
        l.t("supplier_import.note_suppliers"),
        l.t("customer_import.note_required"),
        l.t("customer_import.note_all_or_nothing"),
    ];
    let bytes = spreadsheet::template(&l.t("menu.suppliers"), rules::IMPORT_COLUMNS, &notes, l)
        .map_err(AppError::Internal)?;
    Ok(spreadsheet::download(
        &l.t("supplier_import.template_file"),
        bytes,
    ))
}

/// The upload: every supplier saved and a report, or nothing saved and every problem listed.
async fn import_suppliers(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    upload: Result<Upload, AppError>,
) -> AppResult<Response> {
    user.require(Permission::SUPPLIER_MANAGE)?;
    let result = match upload_bytes(upload) {
        Ok(bytes) => service::import_suppliers(&state.db, &user, &bytes, l).await,
        Err(err) => Err(err),
    };
    match result {
        Ok(n) => Ok(see_other(&format!(
            "/customers/suppliers/import?imported={n}"
        ))),
        Err(AppError::Invalid(errors)) => {
            let query = ImportQuery::default();
            let page = import_page(&state, &user, l, &SUPPLIER_IMPORT, &query, &errors).await?;
            Ok(unprocessable(&page))
        }
        Err(err) => Err(err),
    }
}

async fn list_suppliers(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    user.require(Permission::SUPPLIER_VIEW)?;
    let page_no = query.page.trim().parse::<i64>().unwrap_or(1);
    let page = service::list_suppliers(&state.db, user.scope(), &query.q, page_no).await?;
    let href = |page_no: i64| {
        format!(
            "/customers/suppliers?q={}&page={page_no}",
            urlencode(query.q.trim())
        )
    };
    let view = SuppliersPage {
        shell: shell(&state.db, &user, l, "/customers/suppliers").await?,
        rows: page
            .lines
            .into_iter()
            .map(|line| ListRow {
                id: line.id.0,
                name: line.name,
                contact_person: line.contact_person,
                contact_mobile: line.contact_mobile,
                contact_phone: line.contact_phone,
            })
            .collect(),
        q: query.q.trim().to_owned(),
        paging: l.t_args(
            "customer.paging",
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
            "/customers/suppliers/export?q={}",
            urlencode(query.q.trim())
        ),
        can_manage: user.can(Permission::SUPPLIER_MANAGE),
        notice: if query.deleted == "1" {
            l.t("supplier.deleted")
        } else {
            String::new()
        },
    };
    Ok(render(&view))
}

async fn new_supplier(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
) -> AppResult<Response> {
    user.require(Permission::SUPPLIER_MANAGE)?;
    let page = form_page(
        &state,
        &user,
        l,
        None,
        SupplierInput::default(),
        FieldErrors::new(),
    )
    .await?;
    Ok(render(&page))
}

async fn create_supplier(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Form(form): Form<SupplierForm>,
) -> AppResult<Response> {
    user.require(Permission::SUPPLIER_MANAGE)?;
    let input = form.into_input();
    match service::create_supplier(&state.db, &user, &input).await {
        Ok(id) => Ok(see_other(&format!("/customers/suppliers/{}?saved=1", id.0))),
        Err(AppError::Invalid(errors)) => {
            let page = form_page(&state, &user, l, None, input, errors).await?;
            Ok(unprocessable(&page))
        }
        Err(err) => Err(err),
    }
}

async fn show_supplier(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require(Permission::SUPPLIER_VIEW)?;
    let supplier = service::show_supplier(&state.db, user.scope(), SupplierId(id)).await?;
    let mut page = form_page(
        &state,
        &user,
        l,
        Some(id),
        input_of(supplier),
        FieldErrors::new(),
    )
    .await?;
    page.notice = if query.merged == "1" {
        l.t("supplier.merged")
    } else if query.saved == "1" {
        l.t("customer.saved")
    } else {
        String::new()
    };
    Ok(render(&page))
}

async fn update_supplier(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(form): Form<SupplierForm>,
) -> AppResult<Response> {
    user.require(Permission::SUPPLIER_MANAGE)?;
    let input = form.into_input();
    match service::update_supplier(&state.db, &user, SupplierId(id), &input).await {
        Ok(()) => Ok(see_other(&format!("/customers/suppliers/{id}?saved=1"))),
        Err(AppError::Invalid(errors)) => {
            let page = form_page(&state, &user, l, Some(id), input, errors).await?;
            Ok(unprocessable(&page))
        }
        Err(err) => Err(err),
    }
}

async fn delete_supplier(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(_): Form<EmptyForm>,
) -> AppResult<Response> {
    user.require(Permission::SUPPLIER_MANAGE)?;
    service::delete_supplier(&state.db, &user, SupplierId(id)).await?;
    Ok(see_other("/customers/suppliers?deleted=1"))
}

/// The merge form of the edit page: the target's id is a field.
async fn merge_supplier(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(form): Form<MergeForm>,
) -> AppResult<Response> {
    user.require(Permission::SUPPLIER_MANAGE)?;
    let Ok(target_id) = form.target_id.trim().parse::<i64>() else {
        return Err(AppError::field(
            "target_id",
            Message::new("supplier.merge_target_required"),
        ));
    };
    service::merge_supplier(&state.db, &user, SupplierId(id), SupplierId(target_id)).await?;
    Ok(see_other(&format!(
        "/customers/suppliers/{target_id}?merged=1"
    )))
}

/// `POST /customers/suppliers/{id}/merge-into/{target_id}`: both ids in the path.
async fn merge_supplier_into(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<axum::extract::Path<(String, String)>, axum::extract::rejection::PathRejection>,
    Form(_): Form<EmptyForm>,
) -> AppResult<Response> {
    user.require(Permission::SUPPLIER_MANAGE)?;
    let axum::extract::Path((id, target_id)) = path.map_err(|_| AppError::NotFound)?;
    let (Ok(id), Ok(target_id)) = (id.parse::<i64>(), target_id.parse::<i64>()) else {
        return Err(AppError::NotFound);
    };
    service::merge_supplier(&state.db, &user, SupplierId(id), SupplierId(target_id)).await?;
    Ok(see_other(&format!(
        "/customers/suppliers/{target_id}?merged=1"
    )))
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    id: Option<i64>,
    input: SupplierInput,
    errors: FieldErrors,
) -> AppResult<SupplierFormPage> {
    let scope = user.scope();
    let scopes = service::scope_choices(&state.db, scope)
        .await?
        .into_iter()
        .map(|choice| ScopeBox {
            checked: input
                .supply_scope_ids
                .iter()
                .any(|checked| checked.trim() == choice.id.to_string()),
            id: choice.id,
            label: choice.label,
        })
        .collect();
    let history = match id {
        Some(id) => audit::trail(&state.db, scope, RECYCLE_KIND.key, id, l).await?,
        None => Vec::new(),
    };
    let contact_rows = contact_rows(&input.contacts, &errors, l);
    let mut shown_fields: Vec<String> = [
        "name",
        "bank_name",
        "bank_account",
        "tax_number",
        "address",
        "remarks",
        "supply_scope_ids",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    for row in &contact_rows {
        for name in ["person", "mobile", "phone", "position"] {
            shown_fields.push(format!("contacts[{}].{name}", row.idx));
        }
    }
    Ok(SupplierFormPage {
        shell: shell(&state.db, user, l, "/customers/suppliers").await?,
        id,
        can_manage: user.can(Permission::SUPPLIER_MANAGE),
        input,
        scopes,
        contact_rows,
        errors,
        shown_fields,
        notice: String::new(),
        history,
    })
}

/// The contacts typed so far, padded with blank rows to at least [`FORM_ROWS`] and one spare.
fn contact_rows(contacts: &[ContactInput], errors: &FieldErrors, l: Locale) -> Vec<ContactRow> {
    let n_rows = FORM_ROWS.max(contacts.len() + 1);
    (0..n_rows)
        .map(|idx| {
            let contact = contacts.get(idx).cloned().unwrap_or_default();
            let error = |name: &str| errors.text(&format!("contacts[{idx}].{name}"), l);
            ContactRow {
                idx,
                primary: contact.is_primary,
                person_error: error("person"),
                mobile_error: error("mobile"),
                phone_error: error("phone"),
                position_error: error("position"),
                person: contact.person,
                mobile: contact.mobile,
                phone: contact.phone,
                position: contact.position,
            }
        })
        .collect()
}

fn input_of(supplier: Supplier) -> SupplierInput {
    SupplierInput {
        name: supplier.name,
        bank_name: supplier.bank_name,
        bank_account: supplier.bank_account,
        tax_number: supplier.tax_number,
        address: supplier.address,
        remarks: supplier.remarks,
        supply_scope_ids: supplier
            .supply_scope_ids
            .iter()
            .map(i64::to_string)
            .collect(),
        contacts: supplier
            .contacts
            .into_iter()
            .map(|c| ContactInput {
                person: c.person,
                mobile: c.mobile,
                phone: c.phone,
                position: c.position,
                is_primary: c.is_primary,
            })
            .collect(),
        form_nonce: String::new(),
    }
}
