//! Pages of every settings list, one set of handlers and templates for all kinds:
//! `/settings/{segment}` (the list with a form to add), `/settings/{segment}/{id}` (edit), and the
//! move-up, move-down, disable and enable buttons, and `/settings/{segment}/export` (导出 Excel).
//! An unknown segment is 404.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

use super::service::{self, Direction, ItemLine};
use super::{FieldType, ItemInput, ListItem, ListKind, kind_by_segment};
use crate::kernel::auth::CurrentUser;
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Locale;
use crate::kernel::money::{Money, Quantity};
use crate::kernel::shell::{Shell, shell};
use crate::kernel::spreadsheet::{self, Cell, ColumnKind, Table};
use crate::kernel::web::{AppState, Form, Query, render, see_other};
use crate::system::audit::{self, TrailLine};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/{kind}", get(list_items).post(create_item))
        .route("/settings/{kind}/export", get(export_items))
        .route("/settings/{kind}/{id}", get(show_item).post(update_item))
        .route("/settings/{kind}/{id}/move-up", post(move_up))
        .route("/settings/{kind}/{id}/move-down", post(move_down))
        .route("/settings/{kind}/{id}/disable", post(disable_item))
        .route("/settings/{kind}/{id}/enable", post(enable_item))
}

/// The kind named by the `{kind}` path segment; 404 for any other segment.
pub(super) struct KindPath(pub &'static ListKind);

impl FromRequestParts<AppState> for KindPath {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> AppResult<KindPath> {
        let axum::extract::Path(segment) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| AppError::NotFound)?;
        kind_by_segment(&segment)
            .map(KindPath)
            .ok_or(AppError::NotFound)
    }
}

/// The kind and the numeric item id of `/settings/{kind}/{id}…`; 404 for anything else.
pub(super) struct KindIdPath(pub &'static ListKind, pub i64);

impl FromRequestParts<AppState> for KindIdPath {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> AppResult<KindIdPath> {
        let axum::extract::Path((segment, id)) =
            axum::extract::Path::<(String, String)>::from_request_parts(parts, state)
                .await
                .map_err(|_| AppError::NotFound)?;
        let kind = kind_by_segment(&segment).ok_or(AppError::NotFound)?;
        let id = id.parse().map_err(|_| AppError::NotFound)?;
        Ok(KindIdPath(kind, id))
    }
}

/// One row of the list.
struct Row {
    id: i64,
    indent: String,
    name: String,
    is_active: bool,
    cells: Vec<String>,
    first: bool,
    last: bool,
}

/// One choice of a select.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// One extra field of the form.
struct FieldView {
    key: &'static str,
    label: String,
    value: String,
    /// `text`, `select` or `color`: how the template draws it.
    widget: &'static str,
    inputmode: &'static str,
    choices: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "system/settings_list.html")]
struct ListPage {
    shell: Shell,
    title: String,
    base: String,
    tree: bool,
    headings: Vec<String>,
    rows: Vec<Row>,
    parents: Vec<Choice>,
    fields: Vec<FieldView>,
    field_keys: Vec<&'static str>,
    can_manage: bool,
    input: ItemInput,
    errors: FieldErrors,
    notice: String,
}

#[derive(Template)]
#[template(path = "system/settings_list_edit.html")]
struct EditPage {
    shell: Shell,
    title: String,
    base: String,
    id: i64,
    tree: bool,
    parents: Vec<Choice>,
    fields: Vec<FieldView>,
    field_keys: Vec<&'static str>,
    can_manage: bool,
    input: ItemInput,
    is_active: bool,
    errors: FieldErrors,
    saved: bool,
    history: Vec<TrailLine>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct NoticeQuery {
    saved: String,
    disabled: String,
    enabled: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct EmptyForm {}

/// The form of an item: `name`, `parent_id`, `form_nonce`, `is_active` and one field per extra
/// field of the kind, named by its key.
fn input_from_form(kind: &ListKind, mut form: HashMap<String, String>, edit: bool) -> ItemInput {
    let mut take = |key: &str| form.remove(key).unwrap_or_default();
    let name = take("name");
    let parent_id = take("parent_id");
    let form_nonce = take("form_nonce");
    let active = take("is_active");
    let attributes = kind
        .extra_fields
        .iter()
        .map(|f| (f.key.to_owned(), take(f.key)))
        .collect();
    ItemInput {
        name,
        parent_id,
        attributes,
        // The edit page's checkbox sends nothing when unticked.
        is_active: edit.then_some(matches!(active.as_str(), "1" | "on" | "true")),
        form_nonce,
    }
}

fn base_of(kind: &ListKind) -> String {
    format!("/settings/{}", kind.segment)
}

async fn list_items(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    KindPath(kind): KindPath,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require(kind.view)?;
    let notice = if query.disabled == "1" {
        l.t("settings.disabled")
    } else if query.enabled == "1" {
        l.t("settings.enabled")
    } else if query.saved == "1" {
        l.t("settings.saved")
    } else {
        String::new()
    };
    let page = list_page(
        &state,
        &user,
        l,
        kind,
        ItemInput::default(),
        FieldErrors::new(),
    )
    .await?;
    Ok(render(&ListPage { notice, ..page }))
}

/// 导出 Excel: every item as the list shows it, in display order. A tree kind indents names and
/// adds a column with the parent's name; each extra field is a column, money as money.
async fn export_items(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    KindPath(kind): KindPath,
) -> AppResult<Response> {
    user.require(kind.view)?;
    let lines = service::list_items(&state.db, user.scope(), kind).await?;
    let mut table =
        Table::new(l.t(kind.label_key)).column(l.t("settings.name"), ColumnKind::Text, 24);
    if kind.tree {
        table = table.column(l.t("settings.parent"), ColumnKind::Text, 20);
    }
    for field in kind.extra_fields {
        table = table.column(l.t(field.label_key), export_kind(field.field_type), 14);
    }
    table = table.column(l.t("settings.status"), ColumnKind::Text, 10);
    let names: HashMap<i64, &str> = lines
        .iter()
        .map(|line| (line.item.id, line.item.name.as_str()))
        .collect();
    table.rows = lines
        .iter()
        .map(|line| {
            let item = &line.item;
            let mut row = vec![Cell::Text(format!("{}{}", indent(line.depth), item.name))];
            if kind.tree {
                let parent = item
                    .parent_id
                    .and_then(|id| names.get(&id))
                    .copied()
                    .unwrap_or("");
                row.push(Cell::Text(parent.to_owned()));
            }
            for field in kind.extra_fields {
                row.push(export_cell(field.field_type, item.attribute(field.key), l));
            }
            let status = if item.is_active {
                "settings.active"
            } else {
                "settings.inactive"
            };
            row.push(Cell::Text(l.t(status)));
            row
        })
        .collect();
    spreadsheet::export(&table)
}

/// How an extra field's column is written: amounts and numbers as numbers.
fn export_kind(field_type: FieldType) -> ColumnKind {
    match field_type {
        FieldType::Money => ColumnKind::Money(2),
        FieldType::Percent => ColumnKind::Quantity(2),
        FieldType::Digits { .. } => ColumnKind::Integer,
        FieldType::Text { .. } | FieldType::Choice(_) | FieldType::Color => ColumnKind::Text,
    }
}

/// A stored extra field as an exported cell; a stored value that does not read as its type is
/// written as the text it is, never dropped.
fn export_cell(field_type: FieldType, stored: &str, l: Locale) -> Cell {
    if stored.trim().is_empty() {
        return Cell::Empty;
    }
    let as_text = || Cell::Text(display_value(field_type, stored, l));
    match field_type {
        FieldType::Money => Money::parse(stored).map_or_else(|_| as_text(), Cell::Money),
        FieldType::Percent => Quantity::parse(stored).map_or_else(|_| as_text(), Cell::Quantity),
        FieldType::Digits { .. } => stored
            .trim()
            .parse()
            .map_or_else(|_| as_text(), Cell::Integer),
        FieldType::Text { .. } | FieldType::Choice(_) | FieldType::Color => as_text(),
    }
}

async fn create_item(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    KindPath(kind): KindPath,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    user.require(kind.manage)?;
    let input = input_from_form(kind, form, false);
    match service::create_item(&state.db, &user, kind, &input).await {
        Ok(_) => Ok(see_other(&format!("{}?saved=1", base_of(kind)))),
        Err(AppError::Invalid(errors)) => {
            let page = list_page(&state, &user, l, kind, input, errors).await?;
            let mut res = render(&page);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(err) => Err(err),
    }
}

async fn list_page(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    kind: &'static ListKind,
    input: ItemInput,
    errors: FieldErrors,
) -> AppResult<ListPage> {
    let lines = service::list_items(&state.db, user.scope(), kind).await?;
    let parents = parent_choices(&lines, &[], &input.parent_id);
    let rows = rows_of(kind, &lines, l);
    let fields = field_views(kind, &input, l);
    Ok(ListPage {
        shell: shell(&state.db, user, l, &base_of(kind)).await?,
        title: l.t(kind.label_key),
        base: base_of(kind),
        tree: kind.tree,
        headings: kind.extra_fields.iter().map(|f| l.t(f.label_key)).collect(),
        rows,
        parents,
        fields,
        field_keys: field_keys(kind),
        can_manage: user.can(kind.manage),
        input,
        errors,
        notice: String::new(),
    })
}

async fn show_item(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    KindIdPath(kind, id): KindIdPath,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    user.require(kind.view)?;
    let item = service::show_item(&state.db, user.scope(), kind, id).await?;
    let is_active = item.is_active;
    let mut page = edit_page(
        &state,
        &user,
        l,
        kind,
        id,
        input_of(&item),
        is_active,
        FieldErrors::new(),
    )
    .await?;
    page.saved = query.saved == "1";
    Ok(render(&page))
}

async fn update_item(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    KindIdPath(kind, id): KindIdPath,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    user.require(kind.manage)?;
    let input = input_from_form(kind, form, true);
    match service::update_item(&state.db, &user, kind, id, &input).await {
        Ok(()) => Ok(see_other(&format!("{}/{id}?saved=1", base_of(kind)))),
        Err(AppError::Invalid(errors)) => {
            let is_active = input.is_active.unwrap_or(true);
            let page = edit_page(&state, &user, l, kind, id, input, is_active, errors).await?;
            let mut res = render(&page);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(err) => Err(err),
    }
}

async fn move_up(
    State(state): State<AppState>,
    user: CurrentUser,
    KindIdPath(kind, id): KindIdPath,
    Form(_): Form<EmptyForm>,
) -> AppResult<Response> {
    user.require(kind.manage)?;
    service::move_item(&state.db, &user, kind, id, Direction::Up).await?;
    Ok(see_other(&format!("{}#item-{id}", base_of(kind))))
}

async fn move_down(
    State(state): State<AppState>,
    user: CurrentUser,
    KindIdPath(kind, id): KindIdPath,
    Form(_): Form<EmptyForm>,
) -> AppResult<Response> {
    user.require(kind.manage)?;
    service::move_item(&state.db, &user, kind, id, Direction::Down).await?;
    Ok(see_other(&format!("{}#item-{id}", base_of(kind))))
}

async fn disable_item(
    State(state): State<AppState>,
    user: CurrentUser,
    KindIdPath(kind, id): KindIdPath,
    Form(_): Form<EmptyForm>,
) -> AppResult<Response> {
    user.require(kind.manage)?;
    service::set_active(&state.db, &user, kind, id, false).await?;
    Ok(see_other(&format!("{}?disabled=1", base_of(kind))))
}

async fn enable_item(
    State(state): State<AppState>,
    user: CurrentUser,
    KindIdPath(kind, id): KindIdPath,
    Form(_): Form<EmptyForm>,
) -> AppResult<Response> {
    user.require(kind.manage)?;
    service::set_active(&state.db, &user, kind, id, true).await?;
    Ok(see_other(&format!("{}?enabled=1", base_of(kind))))
}

#[expect(clippy::too_many_arguments, reason = "the page needs each of these")]
async fn edit_page(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    kind: &'static ListKind,
    id: i64,
    input: ItemInput,
    is_active: bool,
    errors: FieldErrors,
) -> AppResult<EditPage> {
    let (parents, history) = {
        let lines = if kind.tree {
            service::list_items(&state.db, user.scope(), kind).await?
        } else {
            Vec::new()
        };
        let excluded = if kind.tree {
            service::not_parent_candidates(&state.db, user.scope(), kind, id).await?
        } else {
            Vec::new()
        };
        let parents = parent_choices(&lines, &excluded, &input.parent_id);
        let history =
            audit::trail(&state.db, user.scope(), &service::audit_kind(kind), id, l).await?;
        (parents, history)
    };
    let fields = field_views(kind, &input, l);
    Ok(EditPage {
        shell: shell(&state.db, user, l, &base_of(kind)).await?,
        title: l.t(kind.label_key),
        base: base_of(kind),
        id,
        tree: kind.tree,
        parents,
        fields,
        field_keys: field_keys(kind),
        can_manage: user.can(kind.manage),
        input,
        is_active,
        errors,
        saved: false,
        history,
    })
}

fn input_of(item: &ListItem) -> ItemInput {
    ItemInput {
        name: item.name.clone(),
        parent_id: item.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        attributes: item.attributes.clone(),
        is_active: Some(item.is_active),
        form_nonce: String::new(),
    }
}

/// Field names the forms show next to their inputs; other errors go in a notice.
fn field_keys(kind: &ListKind) -> Vec<&'static str> {
    let mut keys = vec!["name", "parent_id"];
    keys.extend(kind.extra_fields.iter().map(|f| f.key));
    keys
}

fn indent(depth: usize) -> String {
    "\u{3000}".repeat(depth)
}

/// The rows in display order, each knowing whether it is first or last among its siblings.
fn rows_of(kind: &ListKind, lines: &[ItemLine], l: Locale) -> Vec<Row> {
    let sibling_ids = |parent: Option<i64>| -> Vec<i64> {
        lines
            .iter()
            .filter(|line| line.item.parent_id == parent)
            .map(|line| line.item.id)
            .collect()
    };
    lines
        .iter()
        .map(|line| {
            let siblings = sibling_ids(line.item.parent_id);
            Row {
                id: line.item.id,
                indent: indent(line.depth),
                name: line.item.name.clone(),
                is_active: line.item.is_active,
                cells: kind
                    .extra_fields
                    .iter()
                    .map(|f| display_value(f.field_type, line.item.attribute(f.key), l))
                    .collect(),
                first: siblings.first() == Some(&line.item.id),
                last: siblings.last() == Some(&line.item.id),
            }
        })
        .collect()
}

/// How a stored extra field reads in the list.
fn display_value(field_type: FieldType, stored: &str, l: Locale) -> String {
    match field_type {
        FieldType::Choice(choices) => choices
            .iter()
            .find(|(value, _)| *value == stored)
            .map_or_else(|| stored.to_owned(), |(_, label)| l.t(label)),
        _ => stored.to_owned(),
    }
}

fn field_views(kind: &ListKind, input: &ItemInput, l: Locale) -> Vec<FieldView> {
    kind.extra_fields
        .iter()
        .map(|field| {
            let value = input.attributes.get(field.key).cloned().unwrap_or_default();
            let (widget, inputmode, choices) = match field.field_type {
                FieldType::Choice(choices) => (
                    "select",
                    "",
                    choices
                        .iter()
                        .map(|(v, label)| Choice {
                            value: (*v).to_owned(),
                            label: l.t(label),
                            selected: *v == value,
                        })
                        .collect(),
                ),
                FieldType::Color => ("color", "", Vec::new()),
                FieldType::Money | FieldType::Percent => ("text", "decimal", Vec::new()),
                FieldType::Digits { .. } => ("text", "numeric", Vec::new()),
                FieldType::Text { .. } => ("text", "", Vec::new()),
            };
            FieldView {
                key: field.key,
                label: l.t(field.label_key),
                value,
                widget,
                inputmode,
                choices,
            }
        })
        .collect()
}

/// The parent select of a tree kind, indented like the tree, without `excluded`.
fn parent_choices(lines: &[ItemLine], excluded: &[i64], selected: &str) -> Vec<Choice> {
    lines
        .iter()
        .filter(|line| !excluded.contains(&line.item.id))
        .map(|line| Choice {
            value: line.item.id.to_string(),
            label: format!("{}{}", indent(line.depth), line.item.name),
            selected: line.item.id.to_string() == selected.trim(),
        })
        .collect()
}
