//! SQL of `order_files`. Every statement names the account set first.

use sqlx::{AnyPool, FromRow};

use super::rules::FileKind;
use super::{OrderFile, OrderFileId};
use crate::kernel::db::{StoreError, StoreResult, Tx, flag, to_flag};
use crate::kernel::money::Quantity;
use crate::kernel::tenancy::Scope;
use crate::orders::order::OrderId;

/// A file row to insert.
pub(super) struct NewOrderFile<'a> {
    pub order_id: OrderId,
    pub line_no: Option<i64>,
    pub storage_key: &'a str,
    pub file_name: &'a str,
    pub kind: FileKind,
    pub bytes: i64,
    pub width_px: Option<i64>,
    pub height_px: Option<i64>,
    pub dpi: Option<i64>,
    pub dpi_from_file: bool,
    pub width_mm: Option<Quantity>,
    pub height_mm: Option<Quantity>,
    pub pages: i64,
    pub colour_pages: i64,
    pub mono_pages: i64,
    pub created_at: &'a str,
    pub created_by: i64,
}

pub(super) async fn insert(
    tx: &mut Tx,
    scope: &Scope,
    file: &NewOrderFile<'_>,
) -> StoreResult<OrderFileId> {
    let id: i64 = sqlx::query_scalar(
        r#"insert into order_files
               (account_set_id, order_id, line_no, storage_key, file_name, content_type, kind, bytes,
                width_px, height_px, dpi, dpi_from_file, width_mm, height_mm, pages, colour_pages,
                mono_pages, created_at, created_by)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                   $18, $19)
           returning id"#,
    )
    .bind(scope.id())
    .bind(file.order_id.0)
    .bind(file.line_no)
    .bind(file.storage_key)
    .bind(file.file_name)
    .bind(file.kind.content_type())
    .bind(file.kind.code())
    .bind(file.bytes)
    .bind(file.width_px)
    .bind(file.height_px)
    .bind(file.dpi)
    .bind(to_flag(file.dpi_from_file))
    .bind(file.width_mm.map(Quantity::scaled))
    .bind(file.height_mm.map(Quantity::scaled))
    .bind(file.pages)
    .bind(file.colour_pages)
    .bind(file.mono_pages)
    .bind(file.created_at)
    .bind(file.created_by)
    .fetch_one(&mut **tx)
    .await?;
    Ok(OrderFileId(id))
}

#[derive(FromRow)]
struct FileRow {
    id: i64,
    order_id: i64,
    line_no: Option<i64>,
    storage_key: String,
    file_name: String,
    kind: String,
    bytes: i64,
    width_px: Option<i64>,
    height_px: Option<i64>,
    dpi: Option<i64>,
    dpi_from_file: i64,
    width_mm: Option<i64>,
    height_mm: Option<i64>,
    pages: i64,
    colour_pages: i64,
    mono_pages: i64,
    created_at: String,
    created_by_name: String,
}

impl FileRow {
    fn into_file(self) -> StoreResult<OrderFile> {
        let kind = FileKind::from_code(&self.kind).ok_or_else(|| {
            StoreError::Db(sqlx::Error::Decode(
                format!("file kind {:?}", self.kind).into(),
            ))
        })?;
        Ok(OrderFile {
            id: OrderFileId(self.id),
            order_id: OrderId(self.order_id),
            line_no: self.line_no,
            storage_key: self.storage_key,
            file_name: self.file_name,
            kind,
            bytes: self.bytes,
            width_px: self.width_px,
            height_px: self.height_px,
            dpi: self.dpi,
            dpi_from_file: flag(self.dpi_from_file),
            width_mm: self.width_mm.map(Quantity::from_scaled),
            height_mm: self.height_mm.map(Quantity::from_scaled),
            pages: self.pages,
            colour_pages: self.colour_pages,
            mono_pages: self.mono_pages,
            created_at: self.created_at,
            created_by_name: self.created_by_name,
        })
    }
}

const SELECT: &str = r#"select f.id, f.order_id, f.line_no, f.storage_key, f.file_name, f.kind, f.bytes,
                  f.width_px, f.height_px, f.dpi, f.dpi_from_file, f.width_mm, f.height_mm, f.pages,
                  f.colour_pages, f.mono_pages, f.created_at,
                  coalesce(u.display_name, '') as created_by_name
           from order_files f
           left join users u on u.id = f.created_by"#;

/// The files of an order, oldest first.
pub(super) async fn list(
    pool: &AnyPool,
    scope: &Scope,
    order_id: OrderId,
) -> StoreResult<Vec<OrderFile>> {
    let sql = format!("{SELECT} where f.account_set_id = $1 and f.order_id = $2 order by f.id");
    let rows: Vec<FileRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(order_id.0)
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(FileRow::into_file).collect()
}

/// One file of an order; `NotFound` when it belongs to another order or account set.
pub(super) async fn find(
    pool: &AnyPool,
    scope: &Scope,
    order_id: OrderId,
    id: OrderFileId,
) -> StoreResult<OrderFile> {
    let sql = format!("{SELECT} where f.account_set_id = $1 and f.order_id = $2 and f.id = $3");
    let row: FileRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(order_id.0)
        .bind(id.0)
        .fetch_one(pool)
        .await?;
    row.into_file()
}

/// Deletes a file row and returns its storage key.
pub(super) async fn delete(
    tx: &mut Tx,
    scope: &Scope,
    order_id: OrderId,
    id: OrderFileId,
) -> StoreResult<String> {
    let key: String = sqlx::query_scalar(
        r#"delete from order_files
           where account_set_id = $1 and order_id = $2 and id = $3
           returning storage_key"#,
    )
    .bind(scope.id())
    .bind(order_id.0)
    .bind(id.0)
    .fetch_one(&mut **tx)
    .await?;
    Ok(key)
}
