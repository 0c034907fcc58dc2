//! The files page of an order (`/orders/{id}/files`): the list with downloads, the upload form,
//! and the download itself. The order page links here and carries the upload form too.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::api::{ids, tenth};
use super::service;
use super::{OrderFile, OrderFileId};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::{AppError, AppResult};
use crate::kernel::i18n::Locale;
use crate::kernel::shell::{Shell, shell};
use crate::kernel::spool::{self, SpooledUpload};
use crate::kernel::web::{AppState, Form, IdPath, render, see_other, urlencode};
use crate::orders::order::rules::OrderStatus;
use crate::orders::order::{OrderId, service as orders};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/orders/{id}/files",
            get(show_order_files)
                .post(attach_order_file)
                .layer(spool::body_limit()),
        )
        .route("/orders/{id}/files/{file_id}", get(download_order_file))
        .route(
            "/orders/{id}/files/{file_id}/delete",
            post(delete_order_file),
        )
}

/// A file as the page lists it.
struct FileLine {
    id: i64,
    file_name: String,
    line_no: String,
    size: String,
    pages: String,
    created: String,
}

#[derive(Template)]
#[template(path = "orders/order_files.html")]
struct OrderFilesPage {
    shell: Shell,
    order_id: i64,
    number: String,
    files: Vec<FileLine>,
    can_upload: bool,
    can_delete: bool,
    file_errors: Vec<String>,
    saved: bool,
}

fn file_line(file: OrderFile, l: Locale) -> FileLine {
    let size = match (file.width_mm, file.height_mm) {
        (Some(w), Some(h)) => {
            let dpi = file
                .dpi
                .map(|dpi| format!(" · {dpi} dpi"))
                .unwrap_or_default();
            format!("{} × {} mm{dpi}", tenth(w), tenth(h))
        }
        _ => String::new(),
    };
    let pages = if file.pages > 0 {
        l.t_args(
            "artwork.pages_summary",
            &[
                ("pages", &file.pages.to_string()),
                ("colour", &file.colour_pages.to_string()),
                ("mono", &file.mono_pages.to_string()),
            ],
        )
    } else {
        String::new()
    };
    FileLine {
        id: file.id.0,
        file_name: file.file_name,
        line_no: file.line_no.map(|n| n.to_string()).unwrap_or_default(),
        size,
        pages,
        created: format!(
            "{} {}",
            crate::kernel::clock::display_local(&file.created_at),
            file.created_by_name
        ),
    }
}

async fn files_page(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    order_id: OrderId,
    file_errors: Vec<String>,
    saved: bool,
) -> AppResult<OrderFilesPage> {
    let order = orders::show_order(&state.db, user.scope(), order_id).await?;
    let files = service::list_files(&state.db, user.scope(), order_id).await?;
    Ok(OrderFilesPage {
        shell: shell(&state.db, user, l, "/orders").await?,
        order_id: order_id.0,
        number: order.number,
        files: files.into_iter().map(|f| file_line(f, l)).collect(),
        can_upload: user.can(Permission::ORDER_CREATE),
        can_delete: user.can(Permission::ORDER_CREATE) && order.status == OrderStatus::Draft,
        file_errors,
        saved,
    })
}

async fn show_order_files(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    axum::extract::Query(query): axum::extract::Query<std::collections::BTreeMap<String, String>>,
) -> AppResult<Response> {
    user.require(Permission::ORDER_VIEW)?;
    let page = files_page(
        &state,
        &user,
        l,
        OrderId(id),
        Vec::new(),
        query.contains_key("saved"),
    )
    .await?;
    Ok(render(&page))
}

/// The upload form of the order page and of the files page (multipart, field `file`).
async fn attach_order_file(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    IdPath(id): IdPath,
    upload: Result<SpooledUpload, AppError>,
) -> AppResult<Response> {
    user.require(Permission::ORDER_CREATE)?;
    let order_id = OrderId(id);
    let result = match upload {
        Ok(upload) => {
            service::attach_file(&state.db, &state.config, &user, order_id, None, "", upload).await
        }
        Err(err) => Err(err),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/orders/{id}/files?saved=1"))),
        Err(AppError::Invalid(errors)) => {
            let messages = errors.iter().map(|e| e.message.render(l)).collect();
            let page = files_page(&state, &user, l, order_id, messages, false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(err) => Err(err),
    }
}

/// The file as it was uploaded, byte for byte, under its original name, streamed from the store.
async fn download_order_file(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, file_id)): Path<(String, String)>,
) -> AppResult<Response> {
    user.require(Permission::ORDER_VIEW)?;
    let (order_id, file_id) = ids(&id, &file_id)?;
    let (file, content) =
        service::file_with_content(&state.db, &state.config, user.scope(), order_id, file_id)
            .await?;
    // RFC 6266: an ASCII fallback plus the UTF-8 name, so 背胶_60x160_3张.jpg keeps its name.
    let ascii: String = file
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        urlencode(&file.file_name).replace('+', "%20")
    );
    Ok((
        [
            (header::CONTENT_TYPE, file.kind.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            // Stored files never change, so the row's size is the stream's.
            (header::CONTENT_LENGTH, file.bytes.to_string()),
        ],
        axum::body::Body::from_stream(content),
    )
        .into_response())
}

#[derive(serde::Deserialize)]
struct DeleteForm {}

async fn delete_order_file(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, file_id)): Path<(String, String)>,
    Form(DeleteForm {}): Form<DeleteForm>,
) -> AppResult<Response> {
    user.require(Permission::ORDER_CREATE)?;
    let (order_id, file_id): (OrderId, OrderFileId) = ids(&id, &file_id)?;
    service::delete_file(&state.db, &state.config, &user, order_id, file_id).await?;
    Ok(see_other(&format!("/orders/{}/files", order_id.0)))
}
