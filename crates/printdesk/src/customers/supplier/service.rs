//! Use cases of suppliers, called by the pages and the API alike.

use std::collections::HashSet;

use tracing::instrument;

use super::rules::{self, NewSupplier};
use super::store::{self, ListQuery};
use super::{RECYCLE_KIND, Supplier, SupplierId, SupplierInput, SupplierLine};
use crate::customers::contact;
use crate::customers::import::NameIndex;
use crate::kernel::audit;
use crate::kernel::auth::CurrentUser;
use crate::kernel::clock;
use crate::kernel::db::{Db, StoreError, Tx};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::{Locale, Message};
use crate::kernel::idempotency::{self, Claim};
use crate::kernel::recycle_bin;
use crate::kernel::spreadsheet::{self, RawRow};
use crate::kernel::tenancy::Scope;
use crate::system::settings_list::{self, SUPPLY_SCOPE};

/// Suppliers on one page of the list.
pub const PAGE_SIZE: i64 = 50;
/// The most results of a search as you type.
pub const SEARCH_LIMIT: i64 = 20;

/// One page of the supplier list.
pub struct SupplierPage {
    pub lines: Vec<SupplierLine>,
    pub total: i64,
    /// 1-based.
    pub page: i64,
    pub n_pages: i64,
}

/// A supply scope choice of the supplier form.
pub struct ScopeChoice {
    pub id: i64,
    pub label: String,
}

/// One page of live suppliers matching `query` (name, pinyin initials, contact, mobile, phone).
pub async fn list_suppliers(
    db: &Db,
    scope: &Scope,
    query: &str,
    page: i64,
) -> AppResult<SupplierPage> {
    let key = contact::search_key(query);
    let mut list_query = ListQuery {
        key: &key,
        limit: PAGE_SIZE,
        offset: 0,
    };
    let total = store::count(db.pool(), scope, &list_query).await?;
    let n_pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page = page.clamp(1, n_pages);
    list_query.offset = (page - 1) * PAGE_SIZE;
    let lines = store::list(db.pool(), scope, &list_query).await?;
    Ok(SupplierPage {
        lines,
        total,
        page,
        n_pages,
    })
}

/// Rows exported at most: far above any shop's supplier list, low enough to stay in memory.
const EXPORT_LIMIT: i64 = 200_000;

/// Every supplier the list shows for `query`, without paging: what 导出 Excel writes.
pub async fn export_suppliers(db: &Db, scope: &Scope, query: &str) -> AppResult<Vec<SupplierLine>> {
    let key = contact::search_key(query);
    let list_query = ListQuery {
        key: &key,
        limit: EXPORT_LIMIT,
        offset: 0,
    };
    Ok(store::list(db.pool(), scope, &list_query).await?)
}

/// Search as you type: at most [`SEARCH_LIMIT`] live suppliers, best match first.
pub async fn search_suppliers(db: &Db, scope: &Scope, query: &str) -> AppResult<Vec<SupplierLine>> {
    let key = contact::search_key(query);
    if key.is_empty() {
        return Ok(Vec::new());
    }
    let list_query = ListQuery {
        key: &key,
        limit: SEARCH_LIMIT,
        offset: 0,
    };
    Ok(store::list(db.pool(), scope, &list_query).await?)
}

/// One live supplier with its contacts and scopes; `NotFound` if it is not in this account set.
pub async fn show_supplier(db: &Db, scope: &Scope, id: SupplierId) -> AppResult<Supplier> {
    Ok(store::find_live(db.pool(), scope, id).await?)
}

/// The supply scopes of this account set, for the form's checkboxes.
pub async fn scope_choices(db: &Db, scope: &Scope) -> AppResult<Vec<ScopeChoice>> {
    Ok(settings_list::service::options(db, scope, &SUPPLY_SCOPE)
        .await?
        .into_iter()
        .map(|option| ScopeChoice {
            id: option.id,
            label: format!("{}{}", "\u{3000}".repeat(option.depth), option.name),
        })
        .collect())
}

/// Creates a supplier. A repeated `form_nonce` returns the supplier made the first time.
#[instrument(skip_all)]
pub async fn create_supplier(
    db: &Db,
    user: &CurrentUser,
    input: &SupplierInput,
) -> AppResult<SupplierId> {
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    if let Claim::Seen(id) = idempotency::claim(&mut tx, &input.form_nonce, user.user_id.0).await? {
        return Ok(SupplierId(id));
    }
    let supplier = parse(&mut tx, scope, input).await?;
    if store::name_taken(&mut tx, scope, &supplier.name, None).await? {
        return Err(AppError::field("name", Message::new("supplier.name_taken")));
    }
    let id = store::insert(&mut tx, scope, &supplier, &clock::now_text())
        .await
        .map_err(name_conflict)?;
    contact::store::replace_contacts(&mut tx, scope, &store::CONTACTS, id.0, &supplier.contacts)
        .await?;
    store::replace_scopes(&mut tx, scope, id, &supplier.supply_scope_ids).await?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "create",
        RECYCLE_KIND.key,
        Some(id.0),
        &supplier.name,
    )
    .await?;
    idempotency::complete(&mut tx, &input.form_nonce, id.0).await?;
    tx.commit().await?;
    tracing::info!(supplier.id = id.0, "supplier created");
    Ok(id)
}

/// Changes a supplier and replaces its contacts and scopes.
#[instrument(skip_all, fields(supplier.id = id.0))]
pub async fn update_supplier(
    db: &Db,
    user: &CurrentUser,
    id: SupplierId,
    input: &SupplierInput,
) -> AppResult<()> {
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    if !store::is_live(&mut tx, scope, id).await? {
        return Err(AppError::NotFound);
    }
    let supplier = parse(&mut tx, scope, input).await?;
    if store::name_taken(&mut tx, scope, &supplier.name, Some(id)).await? {
        return Err(AppError::field("name", Message::new("supplier.name_taken")));
    }
    store::update(&mut tx, scope, id, &supplier, &clock::now_text())
        .await
        .map_err(name_conflict)?;
    contact::store::replace_contacts(&mut tx, scope, &store::CONTACTS, id.0, &supplier.contacts)
        .await?;
    store::replace_scopes(&mut tx, scope, id, &supplier.supply_scope_ids).await?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "update",
        RECYCLE_KIND.key,
        Some(id.0),
        &supplier.name,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a supplier to the recycle bin.
#[instrument(skip_all, fields(supplier.id = id.0))]
pub async fn delete_supplier(db: &Db, user: &CurrentUser, id: SupplierId) -> AppResult<()> {
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    let name = store::live_name(&mut tx, scope, id).await?;
    recycle_bin::move_to_bin(&mut tx, scope, &RECYCLE_KIND, id.0, user.user_id).await?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "delete",
        RECYCLE_KIND.key,
        Some(id.0),
        &name,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Merges duplicate supplier `source` into `target`: contacts, supply scopes and every history
/// row move to the target, and the source goes to the recycle bin. Both must be live in this
/// account set (`NotFound` otherwise); merging a supplier into itself is refused.
#[instrument(skip_all, fields(supplier.id = source.0, target.id = target.0))]
pub async fn merge_supplier(
    db: &Db,
    user: &CurrentUser,
    source: SupplierId,
    target: SupplierId,
) -> AppResult<()> {
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    let source_name = store::live_name(&mut tx, scope, source).await?;
    let target_name = store::live_name(&mut tx, scope, target).await?;
    if source == target {
        return Err(AppError::field(
            "target_id",
            Message::new("supplier.merge_into_itself"),
        ));
    }
    store::move_contacts(&mut tx, scope, source, target).await?;
    let mut scope_ids = store::scopes_of(&mut tx, scope, target).await?;
    scope_ids.extend(store::scopes_of(&mut tx, scope, source).await?);
    scope_ids.sort_unstable();
    scope_ids.dedup();
    store::replace_scopes(&mut tx, scope, target, &scope_ids).await?;
    store::move_history(&mut tx, scope, source, target).await?;
    let contacts = store::contacts_of(&mut tx, scope, target).await?;
    let search_text = contact::search_text(&[], &contacts);
    store::set_search_text(&mut tx, scope, target, &search_text, &clock::now_text()).await?;
    recycle_bin::move_to_bin(&mut tx, scope, &RECYCLE_KIND, source.0, user.user_id).await?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "merge",
        RECYCLE_KIND.key,
        Some(source.0),
        &format!("{source_name} → {target_name} (#{})", target.0),
    )
    .await?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "merge",
        RECYCLE_KIND.key,
        Some(target.0),
        &format!("{source_name} (#{}) → {target_name}", source.0),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// 导入 (manual 2.2): saves every supplier of a sheet made from the import template, in one
/// transaction, and returns how many. Every row is checked first, with the form's own parse and
/// against this account set's live supply scopes and suppliers; if any row is bad nothing is
/// saved and every problem comes back as `rows[<excel row>].<column>`. One audit entry records
/// the count. `locale` only words the message about a wrong header.
#[instrument(skip_all)]
pub async fn import_suppliers(
    db: &Db,
    user: &CurrentUser,
    bytes: &[u8],
    locale: Locale,
) -> AppResult<usize> {
    let scope = user.scope();
    let rows = spreadsheet::read_rows(bytes, rules::IMPORT_COLUMNS, locale)?;
    if rows.is_empty() {
        return Err(AppError::field(
            "file",
            Message::new("customer_import.no_rows"),
        ));
    }
    let options = settings_list::service::options(db, scope, &SUPPLY_SCOPE).await?;
    let scopes = NameIndex::new(options.into_iter().map(|option| (option.id, option.name)));
    // Read outside the write so the parse does not hold SQLite's write lock; a supplier saved in
    // between is caught by the unique index below and reported on its row all the same.
    let taken: HashSet<String> = store::live_names(db.pool(), scope)
        .await?
        .into_iter()
        .collect();
    let suppliers = rules::parse_import(&rows, &scopes, &taken)?;
    let now = clock::now_text();
    let mut tx = db.begin_write().await?;
    for (row, supplier) in rows.iter().zip(&suppliers) {
        let id = store::insert(&mut tx, scope, supplier, &now)
            .await
            .map_err(|err| import_name_conflict(err, row))?;
        contact::store::insert_contacts(&mut tx, scope, &store::CONTACTS, id.0, &supplier.contacts)
            .await?;
        store::insert_scopes(&mut tx, scope, id, &supplier.supply_scope_ids).await?;
    }
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "import",
        RECYCLE_KIND.key,
        None,
        &suppliers.len().to_string(),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(suppliers = suppliers.len(), "suppliers imported");
    Ok(suppliers.len())
}

/// Reads the input, checking its supply scopes inside the write transaction.
async fn parse(tx: &mut Tx, scope: &Scope, input: &SupplierInput) -> AppResult<NewSupplier> {
    let mut scopes_found = true;
    for id in rules::scope_ids(input).into_iter().flatten() {
        if !settings_list::service::is_live_item(tx, scope, &SUPPLY_SCOPE, id).await? {
            scopes_found = false;
        }
    }
    Ok(NewSupplier::parse(input, scopes_found)?)
}

/// A name taken between the check and the insert, reported on its row.
fn import_name_conflict(err: StoreError, row: &RawRow) -> AppError {
    if store::is_name_conflict(&err) {
        let mut errors = FieldErrors::new();
        spreadsheet::row_error(
            &mut errors,
            row,
            "name",
            Message::new("supplier.name_taken"),
        );
        AppError::Invalid(errors)
    } else {
        err.into()
    }
}

fn name_conflict(err: StoreError) -> AppError {
    if store::is_name_conflict(&err) {
        AppError::field("name", Message::new("supplier.name_taken"))
    } else {
        err.into()
    }
}
