//! Pages of 客户合作价: the list of rules with filters and its 导出 Excel, the new-rule form and
//! each rule's edit page with its history. The holder is picked from a customer select (narrowed by a search box
//! that reloads the page, so it works without script) or a customer-group select.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};

use super::rules::{date_text, price_text};
use super::service::{self, Choice, CustomerPriceLine, FormChoices, PriceFilter};
use super::{
    AUDIT_KIND, CustomerPriceId, CustomerPriceInput, Holder, PriceKind, target_code, target_id,
};
use crate::customers::customer::CustomerId;
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Locale;
use crate::kernel::money::Quantity;
use crate::kernel::shell::{Shell, shell};
use crate::kernel::spreadsheet::{self, Cell, ColumnKind, Table};
use crate::kernel::web::{
    AppState, Form, IdPath, Query, render, see_other, unprocessable, urlencode,
};
use crate::system::audit::{self, TrailLine};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/customers/prices",
            get(list_customer_prices).post(create_customer_price),
        )
        .route("/customers/prices/new", get(new_customer_price))
        .route("/customers/prices/export", get(export_customer_prices))
        .route(
            "/customers/prices/{id}",
            get(show_customer_price).post(update_customer_price),
        )
        .route("/customers/prices/{id}/delete", post(delete_customer_price))
}

/// The target kinds in the order the form offers them.
const TARGET_KINDS: [&str; 4] = ["product", "category", "process", "everything"];

/// The rule form as the browser sends it: one select per target kind, `target_kind` says which
/// one counts.
#[derive(serde::Deserialize, Clone, Default)]
#[serde(default)]
struct PriceForm {
    holder_kind: String,
    customer_id: String,
    customer_group_id: String,
    target_kind: String,
    product_id: String,
    category_id: String,
    process_id: String,
    price_kind: String,
    fixed_price: String,
    discount_percent: String,
    valid_from: String,
    valid_to: String,
    remarks: String,
    form_nonce: String,
}

impl PriceForm {
    fn to_input(&self) -> CustomerPriceInput {
        let target_id = match self.target_kind.trim() {
            "product" => self.product_id.clone(),
            "category" => self.category_id.clone(),
            "process" => self.process_id.clone(),
            _ => String::new(),
        };
        CustomerPriceInput {
            holder_kind: self.holder_kind.clone(),
            customer_id: self.customer_id.clone(),
            customer_group_id: self.customer_group_id.clone(),
            target_kind: self.target_kind.clone(),
            target_id,
            price_kind: self.price_kind.clone(),
            fixed_price: self.fixed_price.clone(),
            discount_percent: self.discount_percent.clone(),
            valid_from: self.valid_from.clone(),
            valid_to: self.valid_to.clone(),
            remarks: self.remarks.clone(),
            form_nonce: self.form_nonce.clone(),
        }
    }

    fn of(line: &CustomerPriceLine) -> PriceForm {
        let price = &line.price;
        let id_text = |id: Option<i64>| id.map(|id| id.to_string()).unwrap_or_default();
        let (customer_id, customer_group_id) = match price.holder {
            Holder::Customer(id) => (id.0.to_string(), String::new()),
            Holder::Group(id) => (String::new(), id.to_string()),
        };
        let target = id_text(target_id(price.target));
        let kind = target_code(price.target);
        let (fixed_price, discount_percent) = match price.kind {
            PriceKind::Fixed(money) => (money.to_string(), String::new()),
            PriceKind::Discount(percent) => (String::new(), percent.normalize().to_string()),
        };
        PriceForm {
            holder_kind: price.holder.code().to_owned(),
            customer_id,
            customer_group_id,
            target_kind: kind.to_owned(),
            product_id: if kind == "product" {
                target.clone()
            } else {
                String::new()
            },
            category_id: if kind == "category" {
                target.clone()
            } else {
                String::new()
            },
            process_id: if kind == "process" {
                target
            } else {
                String::new()
            },
            price_kind: price.kind.code().to_owned(),
            fixed_price,
            discount_percent,
            valid_from: date_text(price.valid_from),
            valid_to: date_text(price.valid_to),
            remarks: price.remarks.clone(),
            form_nonce: String::new(),
        }
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    customer_id: String,
    customer_group_id: String,
    target_kind: String,
    customer_q: String,
    saved: String,
    deleted: String,
}

/// The new and edit pages: a customer search, and on a new rule the holder to start from.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct FormQuery {
    customer_q: String,
    customer_id: String,
    customer_group_id: String,
    saved: String,
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
    holder_kind_key: String,
    holder_name: String,
    target_kind_key: String,
    target_name: String,
    price: String,
    validity: String,
    remarks: String,
}

#[derive(Template)]
#[template(path = "customers/customer_prices.html")]
struct CustomerPricesPage {
    shell: Shell,
    rows: Vec<ListRow>,
    customer_q: String,
    customers: Vec<SelectOption>,
    groups: Vec<SelectOption>,
    target_kinds: Vec<SelectOption>,
    export_href: String,
    can_manage: bool,
    notice: String,
}

#[derive(Template)]
#[template(path = "customers/customer_price_form.html")]
struct CustomerPriceFormPage {
    shell: Shell,
    /// `None` on the new-rule form.
    id: Option<i64>,
    can_manage: bool,
    form: PriceForm,
    customer_q: String,
    customers: Vec<SelectOption>,
    groups: Vec<SelectOption>,
    categories: Vec<SelectOption>,
    processes: Vec<SelectOption>,
    products: Vec<SelectOption>,
    target_kinds: Vec<SelectOption>,
    errors: FieldErrors,
    notice: String,
    history: Vec<TrailLine>,
}

impl CustomerPriceFormPage {
    /// Field names that have their own place on the form; other messages go to the top.
    fn shown(&self) -> Vec<&'static str> {
        vec![
            "holder_kind",
            "customer_id",
            "customer_group_id",
            "target_kind",
            "target_id",
            "price_kind",
            "fixed_price",
            "discount_percent",
            "valid_from",
            "valid_to",
            "remarks",
        ]
    }
}

impl ListQuery {
    /// The rules this list shows; `customer_q` only narrows the customer select.
    fn filter(&self) -> PriceFilter {
        PriceFilter {
            customer_id: self.customer_id.trim().parse::<i64>().ok().map(CustomerId),
            customer_group_id: self.customer_group_id.trim().parse().ok(),
            target_kind: Some(self.target_kind.clone()),
        }
    }

    /// The 导出 Excel link with the same filters.
    fn export_href(&self) -> String {
        format!(
            "/customers/prices/export?customer_id={}&customer_group_id={}&target_kind={}",
            urlencode(self.customer_id.trim()),
            urlencode(self.customer_group_id.trim()),
            urlencode(self.target_kind.trim())
        )
    }
}

/// 导出 Excel: the rules the list shows with its filters. A fixed price is a money cell, a
/// discount a number of percent, each in its own column.
async fn export_customer_prices(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    user.require(Permission::CUSTOMER_PRICE_VIEW)?;
    let lines = service::list_customer_prices(&state.db, user.scope(), &query.filter()).await?;
    let mut table = Table::new(l.t("menu.customer_prices"))
        .column(l.t("customer_price.number"), ColumnKind::Integer, 8)
        .column(l.t("customer_price.holder_kind"), ColumnKind::Text, 10)
        .column(l.t("customer_price.holder"), ColumnKind::Text, 24)
        .column(l.t("customer_price.target_kind"), ColumnKind::Text, 12)
        .column(l.t("customer_price.target"), ColumnKind::Text, 24)
        .column(l.t("customer_price.fixed_price"), ColumnKind::Money(2), 14)
        .column(
            l.t("customer_price.discount_percent"),
            ColumnKind::Quantity(2),
            12,
        )
        .column(l.t("customer_price.validity"), ColumnKind::Text, 24)
        .column(l.t("customer_price.remarks"), ColumnKind::Text, 24);
    table.rows = lines
        .into_iter()
        .map(|line| {
            let target_kind = target_code(line.price.target);
            let (fixed, discount) = match line.price.kind {
                PriceKind::Fixed(price) => (Cell::Money(price), Cell::Empty),
                PriceKind::Discount(percent) => (
                    Cell::Empty,
                    Quantity::from_decimal(percent).map_or(Cell::Empty, Cell::Quantity),
                ),
            };
            let row = list_row(line, l);
            let target_name = if target_kind == "everything" {
                l.t(&row.target_kind_key)
            } else {
                row.target_name
            };
            vec![
                Cell::Integer(row.id),
                Cell::Text(l.t(&row.holder_kind_key)),
                Cell::Text(row.holder_name),
                Cell::Text(l.t(&row.target_kind_key)),
                Cell::Text(target_name),
                fixed,
                discount,
                Cell::Text(row.validity),
                Cell::Text(row.remarks),
            ]
        })
        .collect();
    spreadsheet::export(&table)
}

async fn list_customer_prices(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    user.require(Permission::CUSTOMER_PRICE_VIEW)?;
    let scope = user.scope();
    let filter = query.filter();
    let customer_id = filter.customer_id;
    let lines = service::list_customer_prices(&state.db, scope, &filter).await?;
    let choices = service::form_choices(&state.db, scope, &query.customer_q, customer_id).await?;
    let rows = lines.into_iter().map(|line| list_row(line, l)).collect();
    let notice = if query.deleted == "1" {
        l.t("customer_price.deleted")
    } else if query.saved == "1" {
        l.t("customer_price.saved")
    } else {
        String::new()
    };
    let page = CustomerPricesPage {
        shell: shell(&state.db, &user, l, "/customers/prices").await?,
        rows,
        customer_q: query.customer_q.trim().to_owned(),
        customers: select_options(&choices.customers, &query.customer_id),
        groups: select_options(&choices.groups, &query.customer_group_id),
        target_kinds: target_kind_options(l, &query.target_kind),
        export_href: query.export_href(),
        can_manage: user.can(Permission::CUSTOMER_PRICE_MANAGE),
        notice,
    };
    Ok(render(&page))
}

async fn new_customer_price(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Query(query): Query<FormQuery>,
) -> AppResult<Response> {
    user.require(Permission::CUSTOMER_PRICE_MANAGE)?;
    let holder_kind = if query.customer_group_id.trim().is_empty() {
        "customer"
    } else {
        "group"
    };
    let form = PriceForm {
        holder_kind: holder_kind.to_owned(),
        customer_id: query.customer_id.trim().to_owned(),
        customer_group_id: query.customer_group_id.trim().to_owned(),
        target_kind: "product".to_owned(),
        price_kind: "fixed".to_owned(),
        ..PriceForm::default()
    };
    let page = form_page(
        &state,
        &user,
        l,
        None,
        form,
        &query.customer_q,
        FieldErrors::new(),
    )
    .await?;
    Ok(render(&page))
}

async fn create_customer_price(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Form(form): Form<PriceForm>,
) -> AppResult<Response> {
    user.require(Permission::CUSTOMER_PRICE_MANAGE)?;
    match service::create_customer_price(&state.db, &user, &form.to_input()).await {
        Ok(id) => Ok(see_other(&format!("/customers/prices/{}?saved=1", id.0))),
        Err(AppError::Invalid(errors)) => {
            let page = form_page(&state, &user, l, None, form, "", errors).await?;
            Ok(unprocessable(&page))
        }
        Err(err) => Err(err),
    }
}

async fn show_customer_price(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Query(query): Query<FormQuery>,
) -> AppResult<Response> {
    user.require(Permission::CUSTOMER_PRICE_VIEW)?;
    let line = service::show_customer_price(&state.db, user.scope(), CustomerPriceId(id)).await?;
    let mut page = form_page(
        &state,
        &user,
        l,
        Some(id),
        PriceForm::of(&line),
        &query.customer_q,
        FieldErrors::new(),
    )
    .await?;
    if query.saved == "1" {
        page.notice = l.t("customer_price.saved");
    }
    Ok(render(&page))
}

async fn update_customer_price(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(form): Form<PriceForm>,
) -> AppResult<Response> {
    user.require(Permission::CUSTOMER_PRICE_MANAGE)?;
    match service::update_customer_price(&state.db, &user, CustomerPriceId(id), &form.to_input())
        .await
    {
        Ok(()) => Ok(see_other(&format!("/customers/prices/{id}?saved=1"))),
        Err(AppError::Invalid(errors)) => {
            let page = form_page(&state, &user, l, Some(id), form, "", errors).await?;
            Ok(unprocessable(&page))
        }
        Err(err) => Err(err),
    }
}

async fn delete_customer_price(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Form(_): Form<EmptyForm>,
) -> AppResult<Response> {
    user.require(Permission::CUSTOMER_PRICE_MANAGE)?;
    service::delete_customer_price(&state.db, &user, CustomerPriceId(id)).await?;
    Ok(see_other("/customers/prices?deleted=1"))
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    id: Option<i64>,
    form: PriceForm,
    customer_q: &str,
    errors: FieldErrors,
) -> AppResult<CustomerPriceFormPage> {
    let scope = user.scope();
    let selected_customer = form.customer_id.trim().parse::<i64>().ok().map(CustomerId);
    let FormChoices {
        customers,
        groups,
        categories,
        processes,
        products,
    } = service::form_choices(&state.db, scope, customer_q, selected_customer).await?;
    let history = match id {
        Some(id) => audit::trail(&state.db, scope, AUDIT_KIND, id, l).await?,
        None => Vec::new(),
    };
    Ok(CustomerPriceFormPage {
        shell: shell(&state.db, user, l, "/customers/prices").await?,
        id,
        can_manage: user.can(Permission::CUSTOMER_PRICE_MANAGE),
        customer_q: customer_q.trim().to_owned(),
        customers: select_options(&customers, &form.customer_id),
        groups: select_options(&groups, &form.customer_group_id),
        categories: select_options(&categories, &form.category_id),
        processes: select_options(&processes, &form.process_id),
        products: select_options(&products, &form.product_id),
        target_kinds: target_kind_options(l, &form.target_kind),
        form,
        errors,
        notice: String::new(),
        history,
    })
}

fn list_row(line: CustomerPriceLine, l: Locale) -> ListRow {
    let CustomerPriceLine {
        price,
        holder_name,
        target_name,
        label: _,
    } = line;
    let open = l.t("customer_price.open_ended");
    let validity = match (price.valid_from, price.valid_to) {
        (None, None) => l.t("customer_price.always"),
        (from, to) => {
            let from = from.map_or_else(|| open.clone(), |d| date_text(Some(d)));
            let to = to.map_or(open, |d| date_text(Some(d)));
            l.t_args("customer_price.period", &[("from", &from), ("to", &to)])
        }
    };
    ListRow {
        id: price.id.0,
        holder_kind_key: format!("customer_price.holder.{}", price.holder.code()),
        holder_name,
        target_kind_key: format!("customer_price.target.{}", target_code(price.target)),
        target_name,
        price: price_text(price.kind),
        validity,
        remarks: price.remarks,
    }
}

fn target_kind_options(l: Locale, selected: &str) -> Vec<SelectOption> {
    TARGET_KINDS
        .into_iter()
        .map(|kind| SelectOption {
            value: kind.to_owned(),
            label: l.t(&format!("customer_price.target.{kind}")),
            selected: kind == selected.trim(),
        })
        .collect()
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
