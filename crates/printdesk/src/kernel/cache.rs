//! Read caches that stay right across processes.
//!
//! A cached value belongs to one account set and one *change counter*: a row of `doc_sequences`
//! (period `changes`) that every write of the cached data bumps with [`touch`] inside its own
//! transaction. A read costs one indexed lookup of that counter; the value is rebuilt only when
//! the counter moved, so a second server of a chain, a `printdesk demo` run or an import never
//! leaves a stale copy behind.
//!
//! The first user is product search as you type (20,000 products searched in memory instead of
//! three `like '%…%'` scans per keystroke; docs/performance.md).

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::db::{Db, StoreResult, Tx, next_in_sequence};

/// The period under which change counters live in `doc_sequences`.
const CHANGES: &str = "changes";

/// Cached values by (type, account set), each with the counter it was built at.
type Entries = HashMap<(TypeId, i64), (i64, Arc<dyn Any + Send + Sync>)>;

/// Values cached per (type, account set).
#[derive(Default)]
pub struct Cache {
    entries: Mutex<Entries>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").finish_non_exhaustive()
    }
}

/// Marks `counter` of an account set as changed outside any transaction: for tools and tests
/// that wrote rows directly.
pub async fn touch_now(db: &Db, account_set_id: i64, counter: &str) -> StoreResult<()> {
    let mut tx = db.begin_write().await?;
    touch(&mut tx, account_set_id, counter).await?;
    tx.commit().await?;
    Ok(())
}

/// Marks `counter` of an account set as changed, inside the writer's transaction.
pub async fn touch(tx: &mut Tx, account_set_id: i64, counter: &str) -> StoreResult<()> {
    next_in_sequence(tx, account_set_id, counter, CHANGES).await?;
    Ok(())
}

impl Cache {
    /// The cached `T` of an account set, rebuilt by `load` when `counter` moved since it was built.
    /// The counter is read before loading, so a write racing the load only causes one more
    /// rebuild, never a stale value.
    pub async fn get_or_load<T, E, F, Fut>(
        &self,
        pool: &sqlx::AnyPool,
        account_set_id: i64,
        counter: &str,
        load: F,
    ) -> Result<Arc<T>, E>
    where
        T: Send + Sync + 'static,
        E: From<super::db::StoreError>,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T, E>>,
    {
        self.get_or_load_many(pool, account_set_id, &[counter], load)
            .await
    }

    /// Like [`Cache::get_or_load`] for a value built from several kinds of data: it is rebuilt
    /// when any of `counters` moved (their sum grows whenever one of them does).
    pub async fn get_or_load_many<T, E, F, Fut>(
        &self,
        pool: &sqlx::AnyPool,
        account_set_id: i64,
        counters: &[&str],
        load: F,
    ) -> Result<Arc<T>, E>
    where
        T: Send + Sync + 'static,
        E: From<super::db::StoreError>,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T, E>>,
    {
        // The placeholders are numbered here; the counter names are bound.
        let sql = format!(
            "select cast(coalesce(sum(next_value), 0) as bigint) from doc_sequences \
             where account_set_id = $1 and period = $2 and kind in ({})",
            super::db::placeholders(3, counters.len())
        );
        let mut query = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
            .bind(account_set_id)
            .bind(CHANGES);
        for counter in counters {
            query = query.bind(*counter);
        }
        let generation = query
            .fetch_one(pool)
            .await
            .map_err(super::db::StoreError::from)?;
        let key = (TypeId::of::<T>(), account_set_id);
        if let Some((built_at, value)) = self.lock().get(&key)
            && *built_at == generation
            && let Ok(value) = Arc::clone(value).downcast::<T>()
        {
            return Ok(value);
        }
        let value = Arc::new(load().await?);
        let erased: Arc<dyn Any + Send + Sync> = value.clone();
        self.lock().insert(key, (generation, erased));
        Ok(value)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // A panic while holding the lock cannot leave the map half-written (one insert), so a
        // poisoned lock is still safe to use.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
