//! `/api/v1/artwork/inspect` and `/api/v1/orders/{id}/files`: artwork as JSON. Sizes are strings
//! in millimetres or centimetres as named ("600", "29.7"). Files go up as the raw body (with
//! `file_name` in the query, for its hints) or as multipart field `file`, like the imports, but
//! streamed to disk (`kernel::spool`) under the size limit of 前台设置, not read into memory.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rules::Inspection;
use super::service;
use super::{OrderFile, OrderFileId};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::{AppError, AppResult};
use crate::kernel::i18n::Message;
use crate::kernel::money::Quantity;
use crate::kernel::spool::{self, SpooledUpload};
use crate::kernel::web::{self, AppState, IdPath, Query};
use crate::orders::order::OrderId;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_order_files))
        .routes(routes!(delete_order_file))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(inspect_artwork))
                .routes(routes!(attach_order_file))
                .layer(spool::body_limit()),
        )
}

/// Where an upload belongs and what it is called.
#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct UploadParams {
    /// The customer's file name, read for hints ("背胶_60x160_3张.jpg"); a multipart upload's own
    /// file name wins.
    pub file_name: String,
    /// The order line the file is for; empty: the whole order.
    pub line_no: String,
}

impl UploadParams {
    pub(super) fn line_no(&self) -> AppResult<Option<i64>> {
        let text = self.line_no.trim();
        if text.is_empty() {
            return Ok(None);
        }
        text.parse()
            .map(Some)
            .map_err(|_| AppError::field("line_no", Message::new("artwork.line_no_unknown")))
    }
}

/// A page of a PDF.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PageView {
    width_mm: String,
    height_mm: String,
    colour: bool,
}

/// What the file name says.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct HintsView {
    material: Option<String>,
    width_cm: Option<String>,
    height_cm: Option<String>,
    quantity: Option<i64>,
    sides: Option<i64>,
    colour: Option<bool>,
    paper: Option<String>,
}

/// An order line to fill from a PDF: its colour pages on one line, its mono pages on another.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SuggestedLineView {
    colour: bool,
    pages: i64,
    /// Copies, from the file name; absent when it gives none.
    quantity: Option<i64>,
}

/// The fill suggested for the order line: the file name's size when it gives one, else the size
/// read from the file.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SuggestionView {
    width_cm: Option<String>,
    height_cm: Option<String>,
    sides: Option<i64>,
    quantity: Option<i64>,
    colour: Option<bool>,
    material: Option<String>,
    /// PDFs: a colour line and a mono line with their page counts (only those with pages).
    lines: Vec<SuggestedLineView>,
}

/// What was read from a file.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct InspectionView {
    /// `jpeg`, `png`, `tiff` or `pdf`.
    kind: &'static str,
    content_type: &'static str,
    width_px: Option<u32>,
    height_px: Option<u32>,
    /// The density the size was computed with.
    dpi: Option<u32>,
    /// False when the file states no density and the settings' default DPI was used.
    dpi_from_file: bool,
    /// The image, or the first page of a PDF.
    width_mm: Option<String>,
    height_mm: Option<String>,
    pages: i64,
    colour_pages: i64,
    mono_pages: i64,
    page_sizes: Vec<PageView>,
    hints: HintsView,
    suggestion: SuggestionView,
    /// False for a file above 64 MB whose beginning did not give its size or pages (a PDF, or a
    /// TIFF with its header at the end): it is accepted, the sizes and pages are left empty.
    read: bool,
}

/// A file kept with an order.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct OrderFileView {
    id: i64,
    order_id: i64,
    line_no: Option<i64>,
    file_name: String,
    content_type: &'static str,
    kind: &'static str,
    bytes: i64,
    width_px: Option<i64>,
    height_px: Option<i64>,
    dpi: Option<i64>,
    dpi_from_file: bool,
    width_mm: Option<String>,
    height_mm: Option<String>,
    pages: i64,
    colour_pages: i64,
    mono_pages: i64,
    created_at: String,
    created_by_name: String,
    /// The download (a page route: a session or a bearer token with 订单查看).
    download_url: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct OrderFileListView {
    files: Vec<OrderFileView>,
}

/// A size rounded to 0.1 of its unit, without trailing zeros.
pub(super) fn tenth(q: Quantity) -> String {
    q.to_decimal().round_dp(1).normalize().to_string()
}

fn cm(mm: Quantity) -> Quantity {
    Quantity::from_scaled((mm.scaled() + 5).div_euclid(10))
}

fn inspection_view(it: &Inspection) -> InspectionView {
    let (colour_pages, mono_pages) = (it.colour_pages(), it.mono_pages());
    let size = it.suggested_size_cm();
    let copies = it.hints.quantity;
    let lines = if it.pages.is_empty() {
        Vec::new()
    } else {
        [(true, colour_pages), (false, mono_pages)]
            .into_iter()
            .filter(|(_, pages)| *pages > 0)
            .map(|(colour, pages)| SuggestedLineView {
                colour,
                pages,
                quantity: copies,
            })
            .collect()
    };
    let colour = it
        .hints
        .colour
        .or((!it.pages.is_empty()).then_some(colour_pages > 0));
    InspectionView {
        kind: it.kind.code(),
        content_type: it.kind.content_type(),
        width_px: it.width_px,
        height_px: it.height_px,
        dpi: it.dpi.map(|d| d.x),
        dpi_from_file: it.dpi_from_file,
        width_mm: it.width_mm.map(tenth),
        height_mm: it.height_mm.map(tenth),
        pages: i64::try_from(it.pages.len()).unwrap_or(i64::MAX),
        colour_pages,
        mono_pages,
        page_sizes: it
            .pages
            .iter()
            .map(|p| PageView {
                width_mm: tenth(p.width_mm),
                height_mm: tenth(p.height_mm),
                colour: p.colour,
            })
            .collect(),
        hints: HintsView {
            material: it.hints.material.clone(),
            width_cm: it.hints.width_mm.map(|mm| tenth(cm(mm))),
            height_cm: it.hints.height_mm.map(|mm| tenth(cm(mm))),
            quantity: it.hints.quantity,
            sides: it.hints.sides,
            colour: it.hints.colour,
            paper: it.hints.paper.clone(),
        },
        suggestion: SuggestionView {
            width_cm: size.map(|(w, _)| tenth(w)),
            height_cm: size.map(|(_, h)| tenth(h)),
            sides: it.hints.sides,
            quantity: copies,
            colour,
            material: it.hints.material.clone(),
            lines,
        },
        read: it.read,
    }
}

pub(super) fn file_view(file: OrderFile) -> OrderFileView {
    OrderFileView {
        download_url: format!("/orders/{}/files/{}", file.order_id.0, file.id.0),
        id: file.id.0,
        order_id: file.order_id.0,
        line_no: file.line_no,
        content_type: file.kind.content_type(),
        kind: file.kind.code(),
        bytes: file.bytes,
        width_px: file.width_px,
        height_px: file.height_px,
        dpi: file.dpi,
        dpi_from_file: file.dpi_from_file,
        width_mm: file.width_mm.map(tenth),
        height_mm: file.height_mm.map(tenth),
        pages: file.pages,
        colour_pages: file.colour_pages,
        mono_pages: file.mono_pages,
        created_at: file.created_at,
        created_by_name: file.created_by_name,
        file_name: file.file_name,
    }
}

/// Reads a file and suggests the order line it makes; saves nothing.
#[utoipa::path(post, path = "/api/v1/artwork/inspect", tag = "orders", params(UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = InspectionView), (status = 403, body = web::ApiErrorBody),
        (status = 422, body = web::ApiErrorBody)))]
async fn inspect_artwork(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<UploadParams>,
    upload: SpooledUpload,
) -> AppResult<axum::Json<InspectionView>> {
    user.require(Permission::ORDER_CREATE)?;
    let inspection = service::inspect(
        &state.db,
        &state.config,
        user.scope(),
        &params.file_name,
        upload,
    )
    .await?;
    Ok(axum::Json(inspection_view(&inspection)))
}

/// Keeps a file with an order, or with one of its lines (`line_no`).
#[utoipa::path(post, path = "/api/v1/orders/{id}/files", tag = "orders",
    params(("id" = i64, Path), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = OrderFileView), (status = 404, body = web::ApiErrorBody),
        (status = 422, body = web::ApiErrorBody)))]
async fn attach_order_file(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    Query(params): Query<UploadParams>,
    upload: SpooledUpload,
) -> AppResult<(StatusCode, axum::Json<OrderFileView>)> {
    user.require(Permission::ORDER_CREATE)?;
    let order_id = OrderId(id);
    let line_no = params.line_no()?;
    let file_id = service::attach_file(
        &state.db,
        &state.config,
        &user,
        order_id,
        line_no,
        &params.file_name,
        upload,
    )
    .await?;
    let file = service::list_files(&state.db, user.scope(), order_id)
        .await?
        .into_iter()
        .find(|f| f.id == file_id)
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, axum::Json(file_view(file))))
}

/// The files of an order, oldest first.
#[utoipa::path(get, path = "/api/v1/orders/{id}/files", tag = "orders", params(("id" = i64, Path)),
    responses((status = 200, body = OrderFileListView), (status = 404, body = web::ApiErrorBody)))]
async fn list_order_files(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<axum::Json<OrderFileListView>> {
    user.require(Permission::ORDER_VIEW)?;
    let files = service::list_files(&state.db, user.scope(), OrderId(id)).await?;
    Ok(axum::Json(OrderFileListView {
        files: files.into_iter().map(file_view).collect(),
    }))
}

/// Removes a file from a draft order (409 once the order is approved).
#[utoipa::path(delete, path = "/api/v1/orders/{id}/files/{file_id}", tag = "orders",
    params(("id" = i64, Path), ("file_id" = i64, Path)),
    responses((status = 204), (status = 404, body = web::ApiErrorBody),
        (status = 409, body = web::ApiErrorBody)))]
async fn delete_order_file(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, file_id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    user.require(Permission::ORDER_CREATE)?;
    let (order_id, file_id) = ids(&id, &file_id)?;
    service::delete_file(&state.db, &state.config, &user, order_id, file_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An order id and a file id from the path; anything else is "not found".
pub(super) fn ids(id: &str, file_id: &str) -> AppResult<(OrderId, OrderFileId)> {
    let parse = |text: &str| text.trim().parse::<i64>().map_err(|_| AppError::NotFound);
    Ok((OrderId(parse(id)?), OrderFileId(parse(file_id)?)))
}
