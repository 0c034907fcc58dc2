//! SQL of settings-list items. Every statement on `list_items` has `account_set_id = $1` first and
//! names the kind; deleted rows are left out (this issue never deletes, but a later recycle bin may).

use std::collections::BTreeMap;

use sqlx::{AnyPool, FromRow};

use super::rules::NewItem;
use super::{ListItem, ListKind};
use crate::kernel::cache;
use crate::kernel::db::{StoreError, StoreResult, Tx, flag, to_flag};
use crate::kernel::tenancy::Scope;

/// The `settings` key that marks an account set whose lists have been seeded.
pub(super) const SEEDED_KEY: &str = "settings_lists.seeded";

#[derive(FromRow)]
struct ItemRow {
    id: i64,
    parent_id: Option<i64>,
    name: String,
    sort_order: i64,
    is_active: i64,
    attributes: String,
}

impl From<ItemRow> for ListItem {
    fn from(row: ItemRow) -> ListItem {
        ListItem {
            id: row.id,
            parent_id: row.parent_id,
            name: row.name,
            sort_order: row.sort_order,
            is_active: flag(row.is_active),
            attributes: decode_attributes(&row.attributes),
        }
    }
}

/// The stored JSON object; anything unreadable reads as no attributes rather than failing a page.
fn decode_attributes(text: &str) -> BTreeMap<String, String> {
    serde_json::from_str(text).unwrap_or_default()
}

fn encode_attributes(attributes: &BTreeMap<String, String>) -> String {
    serde_json::to_string(attributes).unwrap_or_else(|_| "{}".to_owned())
}

const SELECT_ITEM: &str =
    "select id, parent_id, name, sort_order, is_active, attributes from list_items";

/// The change counter of every settings list (`kernel::cache`): each write below bumps it.
pub const COUNTER: &str = "list_items";

/// Every item of every kind of the account set (active or not), by kind, sort order then id:
/// what the cache of the lists is built from.
pub(super) async fn list_all(
    pool: &AnyPool,
    scope: &Scope,
) -> StoreResult<std::collections::HashMap<String, Vec<ListItem>>> {
    let rows = sqlx::query_as::<_, KindRow>(
        "select kind, id, parent_id, name, sort_order, is_active, attributes from list_items \
         where account_set_id = $1 and deleted_at is null order by kind, sort_order, id",
    )
    .bind(scope.id())
    .fetch_all(pool)
    .await?;
    let mut all: std::collections::HashMap<String, Vec<ListItem>> =
        std::collections::HashMap::new();
    for row in rows {
        all.entry(row.kind)
            .or_default()
            .push(ListItem::from(row.item));
    }
    Ok(all)
}

#[derive(FromRow)]
struct KindRow {
    kind: String,
    #[sqlx(flatten)]
    item: ItemRow,
}

/// Every item of the kind (active or not), by sort order then id.
pub(super) async fn list(
    pool: &AnyPool,
    scope: &Scope,
    kind: &ListKind,
) -> StoreResult<Vec<ListItem>> {
    let sql = format!(
        "{SELECT_ITEM} where account_set_id = $1 and kind = $2 and deleted_at is null \
         order by sort_order, id"
    );
    let rows = sqlx::query_as::<_, ItemRow>(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(kind.key)
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(ListItem::from).collect())
}

/// One item of the kind; `NotFound` if it is not in this account set or of another kind.
pub(super) async fn find(
    pool: &AnyPool,
    scope: &Scope,
    kind: &ListKind,
    id: i64,
) -> StoreResult<ListItem> {
    let sql = format!(
        "{SELECT_ITEM} where account_set_id = $1 and kind = $2 and id = $3 and deleted_at is null"
    );
    let row = sqlx::query_as::<_, ItemRow>(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(kind.key)
        .bind(id)
        .fetch_one(pool)
        .await?;
    Ok(row.into())
}

/// The same inside a write transaction.
pub(super) async fn find_in(
    tx: &mut Tx,
    scope: &Scope,
    kind: &ListKind,
    id: i64,
) -> StoreResult<ListItem> {
    let sql = format!(
        "{SELECT_ITEM} where account_set_id = $1 and kind = $2 and id = $3 and deleted_at is null"
    );
    let row = sqlx::query_as::<_, ItemRow>(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(kind.key)
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(row.into())
}

/// Whether `id` is an active, not deleted item of the kind in this account set.
pub(super) async fn is_live(
    tx: &mut Tx,
    scope: &Scope,
    kind: &ListKind,
    id: i64,
) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar(
        r#"select count(*) from list_items
           where account_set_id = $1 and kind = $2 and id = $3 and is_active = 1 and deleted_at is null"#,
    )
    .bind(scope.id())
    .bind(kind.key)
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

/// Each not-deleted item of the kind with its parent, for the parent checks inside a write.
pub(super) async fn parent_links(
    tx: &mut Tx,
    scope: &Scope,
    kind: &ListKind,
) -> StoreResult<Vec<(i64, Option<i64>)>> {
    let rows = sqlx::query_as(
        r#"select id, parent_id from list_items
           where account_set_id = $1 and kind = $2 and deleted_at is null"#,
    )
    .bind(scope.id())
    .bind(kind.key)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows)
}

/// Whether a sibling (same kind and parent) other than `except` already has `name`.
pub(super) async fn sibling_name_taken(
    tx: &mut Tx,
    scope: &Scope,
    kind: &ListKind,
    parent_id: Option<i64>,
    name: &str,
    except: Option<i64>,
) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar(
        r#"select count(*) from list_items
           where account_set_id = $1 and kind = $2 and coalesce(parent_id, 0) = $3 and name = $4
             and deleted_at is null and id <> $5"#,
    )
    .bind(scope.id())
    .bind(kind.key)
    .bind(parent_id.unwrap_or(0))
    .bind(name)
    .bind(except.unwrap_or(0))
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

/// The siblings under `parent_id` (ids and sort orders) in display order.
pub(super) async fn siblings(
    tx: &mut Tx,
    scope: &Scope,
    kind: &ListKind,
    parent_id: Option<i64>,
) -> StoreResult<Vec<(i64, i64)>> {
    let rows = sqlx::query_as(
        r#"select id, sort_order from list_items
           where account_set_id = $1 and kind = $2 and coalesce(parent_id, 0) = $3 and deleted_at is null
           order by sort_order, id"#,
    )
    .bind(scope.id())
    .bind(kind.key)
    .bind(parent_id.unwrap_or(0))
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows)
}

/// The sort order that puts a new item last among the siblings under `parent_id`.
pub(super) async fn next_sort_order(
    tx: &mut Tx,
    scope: &Scope,
    kind: &ListKind,
    parent_id: Option<i64>,
) -> StoreResult<i64> {
    let max: Option<i64> = sqlx::query_scalar(
        r#"select max(sort_order) from list_items
           where account_set_id = $1 and kind = $2 and coalesce(parent_id, 0) = $3 and deleted_at is null"#,
    )
    .bind(scope.id())
    .bind(kind.key)
    .bind(parent_id.unwrap_or(0))
    .fetch_one(&mut **tx)
    .await?;
    Ok(max.map_or(1, |m| m + 1))
}

pub(super) async fn insert(
    tx: &mut Tx,
    scope: &Scope,
    kind: &ListKind,
    item: &NewItem,
    sort_order: i64,
    now: &str,
) -> StoreResult<i64> {
    let id = sqlx::query_scalar(
        r#"insert into list_items
             (account_set_id, kind, parent_id, name, sort_order, is_active, attributes, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $8) returning id"#,
    )
    .bind(scope.id())
    .bind(kind.key)
    .bind(item.parent_id)
    .bind(&item.name)
    .bind(sort_order)
    .bind(to_flag(item.is_active.unwrap_or(true)))
    .bind(encode_attributes(&item.attributes))
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    cache::touch(tx, scope.id(), COUNTER).await?;
    Ok(id)
}

/// Writes an item's name, parent, order, active flag and attributes.
#[expect(clippy::too_many_arguments, reason = "one bind per column")]
pub(super) async fn update(
    tx: &mut Tx,
    scope: &Scope,
    kind: &ListKind,
    id: i64,
    item: &NewItem,
    sort_order: i64,
    is_active: bool,
    now: &str,
) -> StoreResult<()> {
    let res = sqlx::query(
        r#"update list_items
           set parent_id = $4, name = $5, sort_order = $6, is_active = $7, attributes = $8, updated_at = $9
           where account_set_id = $1 and kind = $2 and id = $3 and deleted_at is null"#,
    )
    .bind(scope.id())
    .bind(kind.key)
    .bind(id)
    .bind(item.parent_id)
    .bind(&item.name)
    .bind(sort_order)
    .bind(to_flag(is_active))
    .bind(encode_attributes(&item.attributes))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if res.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    cache::touch(tx, scope.id(), COUNTER).await
}

pub(super) async fn set_active(
    tx: &mut Tx,
    scope: &Scope,
    kind: &ListKind,
    id: i64,
    is_active: bool,
    now: &str,
) -> StoreResult<()> {
    let res = sqlx::query(
        r#"update list_items set is_active = $4, updated_at = $5
           where account_set_id = $1 and kind = $2 and id = $3 and deleted_at is null"#,
    )
    .bind(scope.id())
    .bind(kind.key)
    .bind(id)
    .bind(to_flag(is_active))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if res.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    cache::touch(tx, scope.id(), COUNTER).await
}

pub(super) async fn set_sort_order(
    tx: &mut Tx,
    scope: &Scope,
    kind: &ListKind,
    id: i64,
    sort_order: i64,
    now: &str,
) -> StoreResult<()> {
    sqlx::query(
        r#"update list_items set sort_order = $4, updated_at = $5
           where account_set_id = $1 and kind = $2 and id = $3 and deleted_at is null"#,
    )
    .bind(scope.id())
    .bind(kind.key)
    .bind(id)
    .bind(sort_order)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    cache::touch(tx, scope.id(), COUNTER).await
}

/// Whether the account set's lists were seeded (by `seed_defaults`).
pub(super) async fn is_seeded(tx: &mut Tx, scope: &Scope) -> StoreResult<bool> {
    let n: i64 =
        sqlx::query_scalar("select count(*) from settings where account_set_id = $1 and key = $2")
            .bind(scope.id())
            .bind(SEEDED_KEY)
            .fetch_one(&mut **tx)
            .await?;
    Ok(n > 0)
}

pub(super) async fn mark_seeded(tx: &mut Tx, scope: &Scope) -> StoreResult<()> {
    sqlx::query(
        r#"insert into settings (account_set_id, key, value) values ($1, $2, '1')
           on conflict (account_set_id, key) do update set value = '1'"#,
    )
    .bind(scope.id())
    .bind(SEEDED_KEY)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Account sets whose lists were never seeded (installations from before this feature). Not
/// scoped: it is the upgrade step's question about every account set.
pub(super) async fn unseeded_account_sets(pool: &AnyPool) -> StoreResult<Vec<i64>> {
    let ids = sqlx::query_scalar(
        r#"select a.id from account_sets a
           where not exists (select 1 from settings s where s.account_set_id = a.id and s.key = $1)
           order by a.id"#,
    )
    .bind(SEEDED_KEY)
    .fetch_all(pool)
    .await?;
    Ok(ids)
}

/// Whether a store error is the sibling-name unique index (a concurrent save got there first).
pub(super) fn is_name_conflict(err: &StoreError) -> bool {
    matches!(err, StoreError::Conflict(detail) if detail.contains("uq_list_items_name") || detail.contains("list_items.account_set_id"))
}
