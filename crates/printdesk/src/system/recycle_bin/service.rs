//! Use cases of the recycle bin: list, restore and purge, each recorded in the audit trail.

use tracing::instrument;

use super::RECYCLE_KINDS;
use crate::kernel::audit;
use crate::kernel::auth::CurrentUser;
use crate::kernel::db::{Db, StoreError};
use crate::kernel::error::{AppError, AppResult};
use crate::kernel::i18n::Message;
use crate::kernel::recycle_bin::{self, BinItem, PurgeRefusal, RecycleKind};
use crate::kernel::storage;
use crate::kernel::tenancy::Scope;
use crate::kernel::web::Config;

/// The bin's content for one kind.
pub struct BinGroup {
    pub kind: &'static RecycleKind,
    pub items: Vec<BinItem>,
}

/// Deleted documents of the account set, grouped by kind in [`RECYCLE_KINDS`] order.
pub async fn list_recycle_bin(db: &Db, scope: &Scope) -> AppResult<Vec<BinGroup>> {
    let mut groups = Vec::with_capacity(RECYCLE_KINDS.len());
    for kind in RECYCLE_KINDS {
        let items = recycle_bin::list_in_recycle_bin(db, scope, kind).await?;
        groups.push(BinGroup { kind, items });
    }
    Ok(groups)
}

/// The kind with this route key; `NotFound` for any other text.
pub fn kind_by_key(key: &str) -> AppResult<&'static RecycleKind> {
    RECYCLE_KINDS
        .iter()
        .copied()
        .find(|kind| kind.key == key)
        .ok_or(AppError::NotFound)
}

/// Brings a document back. Refused when a live document now holds its name or code.
#[instrument(skip_all, fields(doc.kind = kind.key, doc.id = id))]
pub async fn restore(db: &Db, user: &CurrentUser, kind: &RecycleKind, id: i64) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    match recycle_bin::restore(&mut tx, user.scope(), kind, id).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return Err(AppError::Conflict(Message::new(
                "recycle_bin.restore_taken",
            )));
        }
        Err(err) => return Err(err.into()),
    }
    audit::record(
        &mut tx,
        Some(user.scope()),
        Some(user.user_id),
        "restore",
        kind.key,
        Some(id),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a binned document for good, unless money is posted against it or it is referenced.
/// Its stored files (an order's artwork) leave the file store only once the rows are committed
/// gone; a file that cannot be removed then is logged, it does not undo the purge.
#[instrument(skip_all, fields(doc.kind = kind.key, doc.id = id))]
pub async fn purge(
    db: &Db,
    config: &Config,
    user: &CurrentUser,
    kind: &RecycleKind,
    id: i64,
) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    let purged = match recycle_bin::purge(&mut tx, user.scope(), kind, id, db.for_update()).await? {
        Ok(purged) => purged,
        Err(PurgeRefusal::MoneyPosted) => {
            return Err(AppError::Conflict(Message::new("recycle_bin.money_posted")));
        }
        Err(PurgeRefusal::StillReferenced) => {
            return Err(AppError::Conflict(Message::new(
                "recycle_bin.still_referenced",
            )));
        }
    };
    audit::record(
        &mut tx,
        Some(user.scope()),
        Some(user.user_id),
        "purge",
        kind.key,
        Some(id),
        "",
    )
    .await?;
    tx.commit().await?;
    storage::remove_purged(config, &purged.storage_keys).await;
    Ok(())
}
