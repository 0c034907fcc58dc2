//! Use cases of settings lists, called by the pages, the API and other features alike.

use tracing::instrument;

use super::rules::{self, NewItem};
use super::{ALL_KINDS, ItemInput, ListItem, ListKind, Seed, store};
use crate::kernel::audit;
use crate::kernel::auth::CurrentUser;
use crate::kernel::clock;
use crate::kernel::db::{Db, StoreError, Tx};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Message;
use crate::kernel::idempotency::{self, Claim};
use crate::kernel::tenancy::{AccountSetId, Scope};

/// One active item for a select: in display order, and for tree kinds in tree order with its
/// depth (0 at the top).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListOption {
    pub id: i64,
    pub name: String,
    pub parent_id: Option<i64>,
    pub depth: usize,
}

/// One item of a list page, with its depth in the tree (always 0 for flat kinds).
#[derive(Clone, Debug)]
pub struct ItemLine {
    pub item: ListItem,
    pub depth: usize,
}

/// Which way [`move_item`] moves an item among its siblings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

/// The change counter of the settings lists (`kernel::cache`).
pub const COUNTER: &str = store::COUNTER;

/// The audit `doc_kind` of a kind's items, e.g. `settings.unit`.
pub fn audit_kind(kind: &ListKind) -> String {
    format!("settings.{}", kind.key)
}

/// Whether `id` is an item of `kind` in the account set that is active and not deleted: what a
/// feature checks, inside its write, before storing a reference to the item.
pub async fn is_live_item(tx: &mut Tx, scope: &Scope, kind: &ListKind, id: i64) -> AppResult<bool> {
    Ok(store::is_live(tx, scope, kind, id).await?)
}

/// The active items of `kind` in display order (tree order with depth for tree kinds), for a
/// select. An active item below a disabled parent is offered at the top level.
pub async fn options(db: &Db, scope: &Scope, kind: &ListKind) -> AppResult<Vec<ListOption>> {
    let items: Vec<ListItem> = cached_items(db, scope, kind)
        .await?
        .into_iter()
        .filter(|item| item.is_active)
        .collect();
    Ok(rules::tree_order(&items)
        .into_iter()
        .map(|(idx, depth)| {
            let item = &items[idx];
            ListOption {
                id: item.id,
                name: item.name.clone(),
                parent_id: item.parent_id,
                depth,
            }
        })
        .collect())
}

/// The items of `kind` from the account set's cached lists (`kernel::cache`, rebuilt when any
/// item of any list was written): lists are read on nearly every page and every priced line.
async fn cached_items(db: &Db, scope: &Scope, kind: &ListKind) -> AppResult<Vec<ListItem>> {
    let pool = db.pool();
    let all = db
        .cache()
        .get_or_load(pool, scope.id(), store::COUNTER, || async {
            store::list_all(pool, scope).await
        })
        .await?;
    Ok(all.get(kind.key).cloned().unwrap_or_default())
}

/// Every item of `kind`, active or not, in display order with depth.
pub async fn list_items(db: &Db, scope: &Scope, kind: &ListKind) -> AppResult<Vec<ItemLine>> {
    let items = cached_items(db, scope, kind).await?;
    let order = rules::tree_order(&items);
    let mut slots: Vec<Option<ListItem>> = items.into_iter().map(Some).collect();
    Ok(order
        .into_iter()
        .filter_map(|(idx, depth)| slots[idx].take().map(|item| ItemLine { item, depth }))
        .collect())
}

/// One item of `kind`; `NotFound` if it is not in this account set or of another kind.
pub async fn show_item(db: &Db, scope: &Scope, kind: &ListKind, id: i64) -> AppResult<ListItem> {
    Ok(store::find(db.pool(), scope, kind, id).await?)
}

/// The ids of `id` and its descendants: what cannot become its parent.
pub async fn not_parent_candidates(
    db: &Db,
    scope: &Scope,
    kind: &ListKind,
    id: i64,
) -> AppResult<Vec<i64>> {
    let items = store::list(db.pool(), scope, kind).await?;
    let links: Vec<_> = items.iter().map(|i| (i.id, i.parent_id)).collect();
    Ok(rules::subtree(id, &links).into_iter().collect())
}

/// Adds an item at the end of its siblings. A repeated `form_nonce` returns the item made the
/// first time.
#[instrument(skip_all, fields(kind = kind.key))]
pub async fn create_item(
    db: &Db,
    user: &CurrentUser,
    kind: &ListKind,
    input: &ItemInput,
) -> AppResult<i64> {
    let item = NewItem::parse(kind, input)?;
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    if let Claim::Seen(id) = idempotency::claim(&mut tx, &input.form_nonce, user.user_id.0).await? {
        return Ok(id);
    }
    check_placement(&mut tx, scope, kind, None, &item).await?;
    let sort_order = store::next_sort_order(&mut tx, scope, kind, item.parent_id).await?;
    let id = store::insert(&mut tx, scope, kind, &item, sort_order, &clock::now_text())
        .await
        .map_err(name_conflict)?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "create",
        &audit_kind(kind),
        Some(id),
        &item.name,
    )
    .await?;
    idempotency::complete(&mut tx, &input.form_nonce, id).await?;
    tx.commit().await?;
    tracing::info!(item.id = id, "settings list item created");
    Ok(id)
}

/// Changes an item: name, parent (tree kinds), extra fields and, if the input says, whether it
/// is active. Moving it under another parent puts it last there.
#[instrument(skip_all, fields(kind = kind.key, item.id = id))]
pub async fn update_item(
    db: &Db,
    user: &CurrentUser,
    kind: &ListKind,
    id: i64,
    input: &ItemInput,
) -> AppResult<()> {
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    let current = store::find_in(&mut tx, scope, kind, id).await?;
    let item = NewItem::parse(kind, input)?;
    check_placement(&mut tx, scope, kind, Some(id), &item).await?;
    let sort_order = if item.parent_id == current.parent_id {
        current.sort_order
    } else {
        store::next_sort_order(&mut tx, scope, kind, item.parent_id).await?
    };
    let is_active = item.is_active.unwrap_or(current.is_active);
    store::update(
        &mut tx,
        scope,
        kind,
        id,
        &item,
        sort_order,
        is_active,
        &clock::now_text(),
    )
    .await
    .map_err(name_conflict)?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "update",
        &audit_kind(kind),
        Some(id),
        &item.name,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Disables (`false`) or enables (`true`) an item. A disabled item stays on the records that use
/// it but is no longer offered.
#[instrument(skip_all, fields(kind = kind.key, item.id = id))]
pub async fn set_active(
    db: &Db,
    user: &CurrentUser,
    kind: &ListKind,
    id: i64,
    is_active: bool,
) -> AppResult<()> {
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    let current = store::find_in(&mut tx, scope, kind, id).await?;
    store::set_active(&mut tx, scope, kind, id, is_active, &clock::now_text()).await?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        if is_active { "enable" } else { "disable" },
        &audit_kind(kind),
        Some(id),
        &current.name,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves an item one place up or down among its siblings, in one transaction. At either end it
/// stays where it is.
#[instrument(skip_all, fields(kind = kind.key, item.id = id))]
pub async fn move_item(
    db: &Db,
    user: &CurrentUser,
    kind: &ListKind,
    id: i64,
    direction: Direction,
) -> AppResult<()> {
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    let current = store::find_in(&mut tx, scope, kind, id).await?;
    let siblings = store::siblings(&mut tx, scope, kind, current.parent_id).await?;
    let Some(pos) = siblings.iter().position(|(sid, _)| *sid == id) else {
        return Err(AppError::NotFound);
    };
    let other = match direction {
        Direction::Up => pos.checked_sub(1),
        Direction::Down => Some(pos + 1).filter(|p| *p < siblings.len()),
    };
    let Some(other) = other else {
        return Ok(());
    };
    let mut order: Vec<(i64, i64)> = siblings;
    order.swap(pos, other);
    // Number the siblings 1, 2, 3… in their new order: swapping the two values alone would do
    // nothing when they are equal.
    let now = clock::now_text();
    for (wanted, (sid, old)) in (1_i64..).zip(order) {
        if old != wanted {
            store::set_sort_order(&mut tx, scope, kind, sid, wanted, &now).await?;
        }
    }
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        match direction {
            Direction::Up => "move_up",
            Direction::Down => "move_down",
        },
        &audit_kind(kind),
        Some(id),
        &current.name,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Seeds every list of a new account set with its defaults and marks the account set seeded.
/// Does nothing if it was seeded before.
pub async fn seed_defaults(tx: &mut Tx, scope: &Scope) -> AppResult<()> {
    if store::is_seeded(tx, scope).await? {
        return Ok(());
    }
    let now = clock::now_text();
    for kind in ALL_KINDS {
        seed_kind(tx, scope, kind, &now).await?;
    }
    store::mark_seeded(tx, scope).await?;
    Ok(())
}

/// Inserts a kind's seeds level by level, skipping a name already there.
async fn seed_kind(tx: &mut Tx, scope: &Scope, kind: &ListKind, now: &str) -> AppResult<()> {
    let mut todo: Vec<(Option<i64>, &[Seed])> = vec![(None, kind.seeds)];
    while let Some((parent, level)) = todo.pop() {
        for (sort_order, seed) in (1_i64..).zip(level) {
            let item = NewItem {
                name: seed.name.to_owned(),
                parent_id: parent,
                attributes: seed
                    .attributes
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
                is_active: Some(true),
            };
            if store::sibling_name_taken(tx, scope, kind, parent, seed.name, None).await? {
                continue;
            }
            let id = store::insert(tx, scope, kind, &item, sort_order, now).await?;
            if !seed.children.is_empty() {
                todo.push((Some(id), seed.children));
            }
        }
    }
    Ok(())
}

/// Seeds the lists of every account set that was never seeded (an installation from before
/// settings lists existed). Called after migrating, so it runs once per account set.
pub async fn seed_missing(db: &Db) -> anyhow::Result<()> {
    let ids = store::unseeded_account_sets(db.pool()).await?;
    for id in ids {
        let scope = Scope::for_operator_task(AccountSetId(id));
        let mut tx = db.begin_write().await?;
        seed_defaults(&mut tx, &scope).await.map_err(|err| {
            anyhow::anyhow!("seeding settings lists of account set {id}: {err:?}")
        })?;
        tx.commit().await?;
        tracing::info!(account_set.id = id, "settings lists seeded");
    }
    Ok(())
}

/// The parent must be an item of the same kind and account set, not `id` or below it; the name
/// must be free among its siblings.
async fn check_placement(
    tx: &mut Tx,
    scope: &Scope,
    kind: &ListKind,
    id: Option<i64>,
    item: &NewItem,
) -> AppResult<()> {
    let mut errors = FieldErrors::new();
    if let Some(parent) = item.parent_id {
        let links = store::parent_links(tx, scope, kind).await?;
        if !links.iter().any(|(live, _)| *live == parent) {
            errors.add("parent_id", Message::new("settings.parent_unknown"));
        } else if id.is_some_and(|id| rules::subtree(id, &links).contains(&parent)) {
            errors.add("parent_id", Message::new("settings.parent_cycle"));
        }
    }
    if store::sibling_name_taken(tx, scope, kind, item.parent_id, &item.name, id).await? {
        errors.add("name", Message::new("settings.name_taken"));
    }
    errors.into_result(()).map_err(AppError::from)
}

fn name_conflict(err: StoreError) -> AppError {
    if store::is_name_conflict(&err) {
        AppError::field("name", Message::new("settings.name_taken"))
    } else {
        err.into()
    }
}
