//! Use cases of artwork files, called by the pages and the API alike.

use tracing::instrument;

use super::rules::{self, FileBytes, Inspection};
use super::store::{self, NewOrderFile};
use super::{OrderFile, OrderFileId};
use crate::kernel::audit;
use crate::kernel::auth::CurrentUser;
use crate::kernel::clock;
use crate::kernel::db::Db;
use crate::kernel::error::{AppError, AppResult};
use crate::kernel::i18n::Message;
use crate::kernel::spool::{SpooledFile, SpooledUpload};
use crate::kernel::storage::{self, ByteStream};
use crate::kernel::tenancy::Scope;
use crate::kernel::web::Config;
use crate::orders::order::rules::OrderStatus;
use crate::orders::order::{OrderId, service as orders};
use crate::orders::settings::OrderSettings;

/// Where order files are kept in the file store: `order-files/<account set>/<token>.<ext>`.
const STORAGE_PREFIX: &str = "order-files";

/// The longest file name kept; longer ones are cut (the stored key never depends on it).
const MAX_FILE_NAME_CHARS: usize = 200;

/// Reads a file without saving anything: size, pages, colour and the name's hints. The upload is
/// received to disk under the size limit of 前台设置 and removed afterwards. `file_name` names a
/// raw body (a multipart upload's own name wins).
#[instrument(skip_all)]
pub async fn inspect(
    db: &Db,
    config: &Config,
    scope: &Scope,
    file_name: &str,
    upload: SpooledUpload,
) -> AppResult<Inspection> {
    let settings = orders::order_settings(db, scope).await?;
    let received = receive(config, &settings, upload).await?;
    read_received(&received, name_of(&received, file_name), &settings).await
}

/// Keeps a file with an order (and a line of it, if `line_no` is given). The upload is received
/// to disk under the size limit of 前台设置, checked and read, then moved into the file store;
/// the row is written last, and if it cannot be, the stored file is removed again. `file_name`
/// names a raw body (a multipart upload's own name wins).
#[instrument(skip_all, fields(order.id = order_id.0))]
pub async fn attach_file(
    db: &Db,
    config: &Config,
    user: &CurrentUser,
    order_id: OrderId,
    line_no: Option<i64>,
    file_name: &str,
    upload: SpooledUpload,
) -> AppResult<OrderFileId> {
    let scope = user.scope();
    let order = orders::show_order(db, scope, order_id).await?;
    if let Some(line_no) = line_no
        && !order.lines.iter().any(|line| line.line_no == line_no)
    {
        return Err(AppError::field(
            "line_no",
            Message::new("artwork.line_no_unknown"),
        ));
    }
    let settings = orders::order_settings(db, scope).await?;
    let received = receive(config, &settings, upload).await?;
    let file_name = name_of(&received, file_name);
    let inspection = read_received(&received, file_name, &settings).await?;
    let file_name = kept_name(file_name, inspection.kind.extension());
    let key = storage::new_key(STORAGE_PREFIX, scope.id(), inspection.kind.extension());
    let store = storage::for_config(config)?;
    let n_bytes = i64::try_from(received.len()).unwrap_or(i64::MAX);
    store.put_file(&key, received.path()).await?;
    let saved = save_row(
        db,
        user,
        order_id,
        line_no,
        &key,
        &file_name,
        n_bytes,
        &inspection,
    )
    .await;
    if saved.is_err()
        && let Err(err) = store.delete(&key).await
    {
        tracing::warn!(
            error = format!("{err:#}"),
            "could not remove the stored file of a failed save"
        );
    }
    saved
}

/// Streams the upload to disk, refused past the size limit of 前台设置.
async fn receive(
    config: &Config,
    settings: &OrderSettings,
    upload: SpooledUpload,
) -> AppResult<SpooledFile> {
    let max_bytes = max_bytes(settings.max_upload_mb);
    upload
        .receive(config, max_bytes, rules::file_too_large(max_bytes))
        .await
}

/// Checks and reads a received file: at most its first `rules::MAX_READ_BYTES` are held in
/// memory, and the reading (lopdf on a PDF of up to 64 MiB) runs on a blocking thread so that it
/// never stalls other requests.
async fn read_received(
    received: &SpooledFile,
    file_name: &str,
    settings: &OrderSettings,
) -> AppResult<Inspection> {
    let head = received.read_head(rules::MAX_READ_BYTES).await?;
    // The blocking thread outlives this borrow as far as the compiler knows: it gets its own copy.
    let file_name = file_name.to_owned();
    let len = received.len();
    let max_bytes = max_bytes(settings.max_upload_mb);
    let default_dpi = settings.default_dpi;
    let read = tokio::task::spawn_blocking(move || {
        let file = FileBytes { head: &head, len };
        let kind = rules::check_file(&file_name, file, max_bytes)?;
        rules::inspect(&file_name, file, kind, default_dpi)
    })
    .await
    .map_err(|err| AppError::Internal(anyhow::anyhow!("reading an upload: {err}")))?;
    Ok(read?)
}

/// The upload's own name (a multipart form's), else the one given with a raw body.
fn name_of<'a>(received: &'a SpooledFile, given: &'a str) -> &'a str {
    if received.file_name().is_empty() {
        given.trim()
    } else {
        received.file_name()
    }
}

#[expect(clippy::too_many_arguments, reason = "one row's fields, passed once")]
async fn save_row(
    db: &Db,
    user: &CurrentUser,
    order_id: OrderId,
    line_no: Option<i64>,
    key: &str,
    file_name: &str,
    n_bytes: i64,
    inspection: &Inspection,
) -> AppResult<OrderFileId> {
    let scope = user.scope();
    let now = clock::now_text();
    let mut tx = db.begin_write().await?;
    let id = store::insert(
        &mut tx,
        scope,
        &NewOrderFile {
            order_id,
            line_no,
            storage_key: key,
            file_name,
            kind: inspection.kind,
            bytes: n_bytes,
            width_px: inspection.width_px.map(i64::from),
            height_px: inspection.height_px.map(i64::from),
            dpi: inspection.dpi.map(|dpi| i64::from(dpi.x)),
            dpi_from_file: inspection.dpi_from_file,
            width_mm: inspection.width_mm,
            height_mm: inspection.height_mm,
            pages: i64::try_from(inspection.pages.len()).unwrap_or(i64::MAX),
            colour_pages: inspection.colour_pages(),
            mono_pages: inspection.mono_pages(),
            created_at: &now,
            created_by: user.user_id.0,
        },
    )
    .await?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "attach_file",
        "order",
        Some(order_id.0),
        file_name,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The files of a live order of the account set.
pub async fn list_files(db: &Db, scope: &Scope, order_id: OrderId) -> AppResult<Vec<OrderFile>> {
    orders::show_order(db, scope, order_id).await?;
    Ok(store::list(db.pool(), scope, order_id).await?)
}

/// A file of a live order with its bytes as a stream, for download: never read whole, since a
/// file may be as large as the size limit of 前台设置 (up to 1 GiB).
pub async fn file_with_content(
    db: &Db,
    config: &Config,
    scope: &Scope,
    order_id: OrderId,
    id: OrderFileId,
) -> AppResult<(OrderFile, ByteStream)> {
    orders::show_order(db, scope, order_id).await?;
    let file = store::find(db.pool(), scope, order_id, id).await?;
    let content = storage::for_config(config)?.get(&file.storage_key).await?;
    Ok((file, content))
}

/// Removes a file from a draft order; once approved, the files are part of the job. The row
/// goes first, then the stored bytes (a failure there leaves an orphan, logged, never a row
/// without its file).
#[instrument(skip_all, fields(order.id = order_id.0))]
pub async fn delete_file(
    db: &Db,
    config: &Config,
    user: &CurrentUser,
    order_id: OrderId,
    id: OrderFileId,
) -> AppResult<()> {
    let scope = user.scope();
    let order = orders::show_order(db, scope, order_id).await?;
    if order.status != OrderStatus::Draft {
        return Err(AppError::Conflict(Message::new("artwork.delete_not_draft")));
    }
    let mut tx = db.begin_write().await?;
    let key = store::delete(&mut tx, scope, order_id, id).await?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "delete_file",
        "order",
        Some(order_id.0),
        "",
    )
    .await?;
    tx.commit().await?;
    if let Err(err) = storage::for_config(config)?.delete(&key).await {
        tracing::warn!(error = format!("{err:#}"), "stored file left behind");
    }
    Ok(())
}

fn max_bytes(max_upload_mb: u32) -> u64 {
    u64::from(max_upload_mb) * 1024 * 1024
}

/// The name shown for a file: the last part of what the browser sent, cut to a sane length;
/// a nameless upload gets "artwork.<ext>".
fn kept_name(file_name: &str, extension: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let base: String = base
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILE_NAME_CHARS)
        .collect();
    if base.is_empty() {
        format!("artwork.{extension}")
    } else {
        base
    }
}
