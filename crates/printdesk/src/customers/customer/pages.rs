//! Pages of 客户管理: the list with search and group filter, the new-customer form and each
//! customer's edit page with its contacts, duplicate-mobile warnings, merge form and history;
//! 导出 Excel, and 导入 (template download, upload, report). The import page's view is shared
//! with the supplier import (`ImportView`).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};

use super::rules;
use super::service::{self, Choice, FormChoices};
use super::{
    CreditMode, Customer, CustomerId, CustomerInput, DuplicateMobile, RECYCLE_KIND, SettlementType,
};
use crate::customers::contact::{self, ContactInput, FORM_ROWS};
use crate::customers::import;
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::{Locale, Message};
use crate::kernel::shell::{Shell, shell};
use crate::kernel::spreadsheet::{self, Cell, ColumnKind, Table, TemplateColumn};
use crate::kernel::web::{
    self, AppState, Form, IdPath, Query, Upload, render, see_other, unprocessable, urlencode,
};
use crate::system::audit::{self, TrailLine};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/customers", get(list_customers).post(create_customer))
        .route("/customers/new", get(new_customer))
        .route("/customers/export", get(export_customers))
        .route(
            "/customers/import",
            get(show_import)
                .post(import_customers)
                .layer(web::upload_limit()),
        )
        .route("/customers/import/template", get(download_import_template))
        .route("/customers/{id}", get(show_customer).post(update_customer))
        .route("/customers/{id}/delete", post(delete_customer))
        .route("/customers/{id}/merge-into", post(merge_customer))
        .route(
            "/customers/{id}/merge-into/{target_id}",
            post(merge_customer_into),
        )
}

/// The customer form as the browser sends it: contacts come as parallel repeated fields.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct CustomerForm {
    name: String,
    short_name: String,
    address: String,
    customer_group_id: String,
    customer_relation_id: String,
    id_document_kind_id: String,
    id_document_number: String,
    settlement_type: String,
    may_prepay: String,
    cross_branch: String,
    credit_limit: String,
    credit_mode: String,
    payment_terms_days: String,
    sales_person_id: String,
    remarks: String,
    contact_person: Vec<String>,
    contact_mobile: Vec<String>,
    contact_phone: Vec<String>,
    contact_position: Vec<String>,
    primary_contact: String,
    form_nonce: String,
}

impl CustomerForm {
    fn into_input(self) -> CustomerInput {
        let contacts = contact::zip_form_rows(
            &self.contact_person,
            &self.contact_mobile,
            &self.contact_phone,
            &self.contact_position,
            &self.primary_contact,
        );
        CustomerInput {
            name: self.name,
            short_name: self.short_name,
            address: self.address,
            customer_group_id: self.customer_group_id,
            customer_relation_id: self.customer_relation_id,
            id_document_kind_id: self.id_document_kind_id,
            id_document_number: self.id_document_number,
            settlement_type: self.settlement_type,
            may_prepay: !self.may_prepay.is_empty(),
            cross_branch: !self.cross_branch.is_empty(),
            credit_limit: self.credit_limit,
            credit_mode: self.credit_mode,
            payment_terms_days: self.payment_terms_days,
            sales_person_id: self.sales_person_id,
            remarks: self.remarks,
            contacts,
            form_nonce: self.form_nonce,
        }
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    q: String,
    group_id: String,
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
pub(crate) struct ImportQuery {
    imported: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct MergeForm {
    target_id: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct EmptyForm {}

/// One choice of a select.
struct SelectOption {
    value: String,
    label: String,
    selected: bool,
}

/// One row of the list.
struct ListRow {
    id: i64,
    name: String,
    short_name: String,
    group_name: String,
    contact_person: String,
    contact_mobile: String,
    contact_phone: String,
    settlement_key: &'static str,
    credit_limit: String,
    sales_person_name: String,
}

/// One contact row of the form, with its messages.
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

/// A duplicate-mobile warning: the mobile and the other customer.
struct WarningLine {
    mobile: String,
    customer_id: i64,
    customer_name: String,
}

#[derive(Template)]
#[template(path = "customers/customers.html")]
struct CustomersPage {
    shell: Shell,
    rows: Vec<ListRow>,
    q: String,
    groups: Vec<SelectOption>,
    paging: String,
    prev_href: String,
    next_href: String,
    export_href: String,
    can_manage: bool,
    notice: String,
}

#[derive(Template)]
#[template(path = "customers/customer_form.html")]
struct CustomerFormPage {
    shell: Shell,
    /// `None` on the new-customer form.
    id: Option<i64>,
    can_manage: bool,
    input: CustomerInput,
    contact_rows: Vec<ContactRow>,
    groups: Vec<SelectOption>,
    relations: Vec<SelectOption>,
    id_document_kinds: Vec<SelectOption>,
    sales_people: Vec<SelectOption>,
    settlement_types: Vec<SelectOption>,
    credit_modes: Vec<SelectOption>,
    external_contact_id: String,
    errors: FieldErrors,
    shown_fields: Vec<String>,
    notice: String,
    warnings: Vec<WarningLine>,
    history: Vec<TrailLine>,
}

/// What an import page is about: customers here, suppliers in `supplier::pages`.
pub(crate) struct ImportView {
    /// Catalog key of the page title, e.g. 导入客户.
    pub title_key: &'static str,
    pub list_href: &'static str,
    pub list_title_key: &'static str,
    /// Where the form posts; the template is at `<action>/template`.
    pub action: &'static str,
    pub columns: &'static [TemplateColumn],
    /// Catalog key of the report, with `%{count}`.
    pub imported_key: &'static str,
}

/// One problem of an uploaded file, as the report table shows it.
struct ImportErrorRow {
    row: String,
    column: String,
    message: String,
}

#[derive(Template)]
#[template(path = "customers/import.html")]
pub(crate) struct ImportPage {
    shell: Shell,
    title: String,
    list_href: &'static str,
    list_title: String,
    template_href: String,
    action: &'static str,
    notice: String,
    file_errors: Vec<String>,
    errors_summary: String,
    row_errors: Vec<ImportErrorRow>,
}

const CUSTOMER_IMPORT: ImportView = ImportView {
    title_key: "customer_import.customers_title",
    list_href: "/customers",
    list_title_key: "menu.customer_list",
    action: "/customers/import",
    columns: rules::IMPORT_COLUMNS,
    imported_key: "customer_import.imported_customers",
};

impl CustomerFormPage {
    /// Field names that have their own place on the form; other messages go to the top.
    fn shown(&self) -> Vec<&str> {
        self.shown_fields.iter().map(String::as_str).collect()
    }
}

/// 导出 Excel: the customers the list shows with its filters, every page of them.
async fn export_customers(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    user.require(Permission::CUSTOMER_VIEW)?;
    let group_id = query.group_id.trim().parse::<i64>().ok();
    let lines = service::export_customers(&state.db, user.scope(), &query.q, group_id).await?;
    let mut table = Table::new(l.t("menu.customer_list"))
        .column(l.t("customer.number"), ColumnKind::Integer, 8)
        .column(l.t("customer.name"), ColumnKind::Text, 30)
        .column(l.t("customer.group"), ColumnKind::Text, 12)
        .column(l.t("contact.person"), ColumnKind::Text, 10)
        .column(l.t("contact.mobile"), ColumnKind::Text, 14)
        .column(l.t("contact.phone"), ColumnKind::Text, 14)
        .column(l.t("customer.settlement_type"), ColumnKind::Text, 10)
        .column(l.t("customer.credit_limit"), ColumnKind::Money(2), 12)
        .column(l.t("customer.sales_person"), ColumnKind::Text, 10);
    table.rows = lines
        .into_iter()
        .map(|line| {
            let c = line.customer;
            vec![
                Cell::Integer(c.id.0),
                Cell::Text(c.name),
                Cell::Text(line.group_name),
                Cell::Text(c.contact_person),
                Cell::Text(c.contact_mobile),
                Cell::Text(c.contact_phone),
                Cell::Text(l.t(c.settlement_type.label_key())),
                Cell::Money(c.credit_limit),
                Cell::Text(c.sales_person_name),
            ]
        })
        .collect();
    spreadsheet::export(&table)
}

/// 导入客户: download the template, upload the filled file, read the report.
async fn show_import(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<ImportQuery>,
) -> AppResult<Response> {
    user.require(Permission::CUSTOMER_MANAGE)?;
    let page = import_page(
        &state,
        &user,
        l,
        &CUSTOMER_IMPORT,
        &query,
        &FieldErrors::new(),
    )
    .await?;
    Ok(render(&page))
}

/// The customer import template, with its 填写须知 sheet.
async fn download_import_template(l: Locale, user: CurrentUser) -> AppResult<Response> {
    user.require(Permission::CUSTOMER_MANAGE)?;
    let notes = [
        l.t("customer_import.note_customers"),
        l.t("customer_import.note_required"),
        l.t("customer_import.note_all_or_nothing"),
    ];
    let bytes = spreadsheet::template(&l.t("menu.customer_list"), rules::IMPORT_COLUMNS, &notes, l)
        .map_err(AppError::Internal)?;
    Ok(spreadsheet::download(
        &l.t("customer_import.customers_template_file"),
        bytes,
    ))
}

/// The upload: every customer saved and a report, or nothing saved and every problem listed.
async fn import_customers(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    upload: Result<Upload, AppError>,
) -> AppResult<Response> {
    user.require(Permission::CUSTOMER_MANAGE)?;
    let result = match upload_bytes(upload) {
        Ok(bytes) => service::import_customers(&state.db, &user, &bytes, l).await,
        Err(err) => Err(err),
    };
    match result {
        Ok(n) => Ok(see_other(&format!("/customers/import?imported={n}"))),
        Err(AppError::Invalid(errors)) => {
            let page = import_page(
                &state,
                &user,
                l,
                &CUSTOMER_IMPORT,
                &ImportQuery::default(),
                &errors,
            )
            .await?;
            Ok(unprocessable(&page))
        }
        Err(err) => Err(err),
    }
}

/// The uploaded file's bytes; a form sent without a file is an error on `file`. A CSRF failure
/// stays a 403; other upload problems become errors on `file` for the page to show.
pub(crate) fn upload_bytes(upload: Result<Upload, AppError>) -> AppResult<Vec<u8>> {
    let upload = upload?;
    if upload.bytes.is_empty() {
        return Err(AppError::field(
            "file",
            Message::new("customer_import.choose_file"),
        ));
    }
    Ok(upload.bytes)
}

/// The import page of `view`, with the report of the last upload: `query.imported` rows saved,
/// or `errors` (every problem by row and column, the file's own problems apart).
pub(crate) async fn import_page(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    view: &ImportView,
    query: &ImportQuery,
    errors: &FieldErrors,
) -> AppResult<ImportPage> {
    let mut file_errors = Vec::new();
    let mut row_errors: Vec<(usize, ImportErrorRow)> = Vec::new();
    for error in errors.iter() {
        let message = error.message.render(l);
        match import::row_and_column(&error.field) {
            Some((row_number, key)) => {
                let column = view
                    .columns
                    .iter()
                    .find(|c| c.key == key)
                    .map_or_else(|| key.to_owned(), |c| l.t(c.header_key));
                let row = Message::new("customer_import.row_number")
                    .arg("row", row_number)
                    .render(l);
                row_errors.push((
                    row_number,
                    ImportErrorRow {
                        row,
                        column,
                        message,
                    },
                ));
            }
            None => file_errors.push(message),
        }
    }
    // By row, keeping each row's problems in column order as the check found them.
    row_errors.sort_by_key(|(row_number, _)| *row_number);
    let n_rows = row_errors
        .iter()
        .map(|(n, _)| n)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let notice = match query.imported.trim().parse::<usize>() {
        Ok(n) => Message::new(view.imported_key).arg("count", n).render(l),
        Err(_) => String::new(),
    };
    Ok(ImportPage {
        shell: shell(&state.db, user, l, view.list_href).await?,
        title: l.t(view.title_key),
        list_href: view.list_href,
        list_title: l.t(view.list_title_key),
        template_href: format!("{}/template", view.action),
        action: view.action,
        notice,
        file_errors,
        errors_summary: Message::new("customer_import.errors_summary")
            .arg("problems", row_errors.len())
            .arg("rows", n_rows)
            .render(l),
        row_errors: row_errors.into_iter().map(|(_, row)| row).collect(),
    })
}

async fn list_customers(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    user.require(Permission::CUSTOMER_VIEW)?;
    let group_id = query.group_id.trim().parse::<i64>().ok();
    let page_no = query.page.trim().parse::<i64>().unwrap_or(1);
    let scope = user.scope();
    let page = service::list_customers(&state.db, scope, &query.q, group_id, page_no).await?;
    let choices = service::form_choices(&state.db, scope).await?;
    let href = |page_no: i64| {
        format!(
            "/customers?q={}&group_id={}&page={page_no}",
            urlencode(query.q.trim()),
            group_id.map(|id| id.to_string()).unwrap_or_default()
        )
    };
    let rows = page
        .lines
        .into_iter()
        .map(|line| ListRow {
            id: line.customer.id.0,
            name: line.customer.name,
            short_name: line.customer.short_name,
            group_name: line.group_name,
            contact_person: line.customer.contact_person,
            contact_mobile: line.customer.contact_mobile,
            contact_phone: line.customer.contact_phone,
            settlement_key: line.customer.settlement_type.label_key(),
            credit_limit: line.customer.credit_limit.format(2),
            sales_person_name: line.customer.sales_person_name,
        })
        .collect();
    let notice = if query.deleted == "1" {
        l.t("customer.deleted")
    } else {
        String::new()
    };
    let page_view = CustomersPage {
        shell: shell(&state.db, &user, l, "/customers").await?,
        rows,
        q: query.q.trim().to_owned(),
        groups: select_options(&choices.groups, &query.group_id),
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
            "/customers/export?q={}&group_id={}",
            urlencode(query.q.trim()),
            group_id.map(|id| id.to_string()).unwrap_or_default()
        ),
        can_manage: user.can(Permission::CUSTOMER_MANAGE),
        notice,
    };
    Ok(render(&page_view))
}

async fn new_customer(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
) -> AppResult<Response> {
    user.require(Permission::CUSTOMER_MANAGE)?;
    let input = CustomerInput {
        settlement_type: SettlementType::default().code().to_owned(),
        credit_mode: CreditMode::default().code().to_owned(),
        ..CustomerInput::default()
    };
    let page = form_page(&state, &user, l, None, input, FieldErrors::new()).await?;
    Ok(render(&page))
}

async fn create_customer(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Form(form): Form<CustomerForm>,
) -> AppResult<Response> {
    user.require(Permission::CUSTOMER_MANAGE)?;
    let input = form.into_input();
    match service::create_customer(&state.db, &user, &input).await {
        Ok(saved) => Ok(see_other(&format!("/customers/{}?saved=1", saved.id.0))),
        Err(AppError::Invalid(errors)) => {
            let page = form_page(&state, &user, l, None, input, errors).await?;
            Ok(unprocessable(&page))
        }
        Err(err) => Err(err),
    }
}

async fn show_customer(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require(Permission::CUSTOMER_VIEW)?;
    let customer = service::show_customer(&state.db, user.scope(), CustomerId(id)).await?;
    let warnings = service::duplicate_mobiles(&state.db, user.scope(), &customer).await?;
    let external_contact_id = customer.external_contact_id.clone();
    let mut page = form_page(
        &state,
        &user,
        l,
        Some(id),
        input_of(customer),
        FieldErrors::new(),
    )
    .await?;
    page.external_contact_id = external_contact_id;
    page.warnings = warning_lines(warnings);
    page.notice = if query.merged == "1" {
        l.t("customer.merged")
    } else if query.saved == "1" {
        l.t("customer.saved")
    } else {
        String::new()
    };
    Ok(render(&page))
}

async fn update_customer(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(form): Form<CustomerForm>,
) -> AppResult<Response> {
    user.require(Permission::CUSTOMER_MANAGE)?;
    let input = form.into_input();
    match service::update_customer(&state.db, &user, CustomerId(id), &input).await {
        Ok(_) => Ok(see_other(&format!("/customers/{id}?saved=1"))),
        Err(AppError::Invalid(errors)) => {
            let page = form_page(&state, &user, l, Some(id), input, errors).await?;
            Ok(unprocessable(&page))
        }
        Err(err) => Err(err),
    }
}

async fn delete_customer(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(_): Form<EmptyForm>,
) -> AppResult<Response> {
    user.require(Permission::CUSTOMER_MANAGE)?;
    service::delete_customer(&state.db, &user, CustomerId(id)).await?;
    Ok(see_other("/customers?deleted=1"))
}

/// The merge form of the edit page: the target's id is a field.
async fn merge_customer(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(form): Form<MergeForm>,
) -> AppResult<Response> {
    user.require(Permission::CUSTOMER_MANAGE)?;
    let Ok(target_id) = form.target_id.trim().parse::<i64>() else {
        return Err(AppError::field(
            "target_id",
            Message::new("customer.merge_target_required"),
        ));
    };
    service::merge_customer(&state.db, &user, CustomerId(id), CustomerId(target_id)).await?;
    Ok(see_other(&format!("/customers/{target_id}?merged=1")))
}

/// `POST /customers/{id}/merge-into/{target_id}`: the same merge with both ids in the path.
async fn merge_customer_into(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<axum::extract::Path<(String, String)>, axum::extract::rejection::PathRejection>,
    Form(_): Form<EmptyForm>,
) -> AppResult<Response> {
    user.require(Permission::CUSTOMER_MANAGE)?;
    let axum::extract::Path((id, target_id)) = path.map_err(|_| AppError::NotFound)?;
    let (Ok(id), Ok(target_id)) = (id.parse::<i64>(), target_id.parse::<i64>()) else {
        return Err(AppError::NotFound);
    };
    service::merge_customer(&state.db, &user, CustomerId(id), CustomerId(target_id)).await?;
    Ok(see_other(&format!("/customers/{target_id}?merged=1")))
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    id: Option<i64>,
    input: CustomerInput,
    errors: FieldErrors,
) -> AppResult<CustomerFormPage> {
    let scope = user.scope();
    let FormChoices {
        groups,
        relations,
        id_document_kinds,
        sales_people,
    } = service::form_choices(&state.db, scope).await?;
    let history = match id {
        Some(id) => audit::trail(&state.db, scope, RECYCLE_KIND.key, id, l).await?,
        None => Vec::new(),
    };
    let contact_rows = contact_rows(&input.contacts, &errors, l);
    let mut shown_fields: Vec<String> = [
        "name",
        "short_name",
        "address",
        "customer_group_id",
        "customer_relation_id",
        "id_document_kind_id",
        "id_document_number",
        "settlement_type",
        "credit_limit",
        "credit_mode",
        "payment_terms_days",
        "sales_person_id",
        "remarks",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    for row in &contact_rows {
        for name in ["person", "mobile", "phone", "position"] {
            shown_fields.push(format!("contacts[{}].{name}", row.idx));
        }
    }
    Ok(CustomerFormPage {
        shell: shell(&state.db, user, l, "/customers").await?,
        id,
        can_manage: user.can(Permission::CUSTOMER_MANAGE),
        groups: select_options(&groups, &input.customer_group_id),
        relations: select_options(&relations, &input.customer_relation_id),
        id_document_kinds: select_options(&id_document_kinds, &input.id_document_kind_id),
        sales_people: select_options(&sales_people, &input.sales_person_id),
        settlement_types: SettlementType::ALL
            .into_iter()
            .map(|t| SelectOption {
                value: t.code().to_owned(),
                label: l.t(t.label_key()),
                selected: t.code() == input.settlement_type.trim(),
            })
            .collect(),
        credit_modes: CreditMode::ALL
            .into_iter()
            .map(|m| SelectOption {
                value: m.code().to_owned(),
                label: l.t(m.label_key()),
                selected: m.code() == input.credit_mode.trim(),
            })
            .collect(),
        contact_rows,
        input,
        external_contact_id: String::new(),
        errors,
        shown_fields,
        notice: String::new(),
        warnings: Vec::new(),
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

fn input_of(customer: Customer) -> CustomerInput {
    let text = |id: Option<i64>| id.map(|id| id.to_string()).unwrap_or_default();
    CustomerInput {
        name: customer.name,
        short_name: customer.short_name,
        address: customer.address,
        customer_group_id: text(customer.customer_group_id),
        customer_relation_id: text(customer.customer_relation_id),
        id_document_kind_id: text(customer.id_document_kind_id),
        id_document_number: customer.id_document_number,
        settlement_type: customer.settlement_type.code().to_owned(),
        may_prepay: customer.may_prepay,
        cross_branch: customer.cross_branch,
        credit_limit: if customer.credit_limit.is_zero() {
            String::new()
        } else {
            customer.credit_limit.format(2)
        },
        credit_mode: customer.credit_mode.code().to_owned(),
        payment_terms_days: customer.payment_terms_days.to_string(),
        sales_person_id: text(customer.sales_person_id.map(|u| u.0)),
        remarks: customer.remarks,
        contacts: customer
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

fn select_options(choices: &[Choice], selected: &str) -> Vec<SelectOption> {
    choices
        .iter()
        .map(|choice| SelectOption {
            value: choice.id.to_string(),
            label: choice.label.clone(),
            selected: choice.id.to_string() == selected.trim(),
        })
        .collect()
}

fn warning_lines(warnings: Vec<DuplicateMobile>) -> Vec<WarningLine> {
    warnings
        .into_iter()
        .map(|w| WarningLine {
            mobile: w.mobile,
            customer_id: w.customer_id.0,
            customer_name: w.customer_name,
        })
        .collect()
}
