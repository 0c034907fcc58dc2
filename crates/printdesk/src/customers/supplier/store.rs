//! SQL of suppliers, their contacts and supply scopes. Every statement has `account_set_id = $1`
//! first; deleted suppliers are left out (the recycle bin reads them through `kernel::recycle_bin`).

use sqlx::{AnyConnection, AnyPool, FromRow};

use super::rules::NewSupplier;
use super::{Supplier, SupplierId, SupplierLine};
use crate::customers::contact::store::ContactTable;
use crate::customers::contact::{Contact, like_escape};
use crate::kernel::db::{StoreError, StoreResult, Tx, flag};
use crate::kernel::tenancy::Scope;

/// Tables whose rows follow a supplier into the one it is merged into, as (table, supplier-id
/// column); every such table has `account_set_id`. Later chapters (purchases, outsourcing orders,
/// supplier payments) add their table here, and only here.
const MERGE_FOLLOWERS: &[(&str, &str)] = &[];

/// What a list or search asks for.
pub(super) struct ListQuery<'a> {
    /// Lowercase search key; empty lists everything.
    pub key: &'a str,
    pub limit: i64,
    pub offset: i64,
}

#[derive(FromRow)]
struct SupplierRow {
    id: i64,
    name: String,
    bank_name: String,
    bank_account: String,
    tax_number: String,
    address: String,
    remarks: String,
    pinyin_initials: String,
}

#[derive(FromRow)]
struct ContactRow {
    person: String,
    mobile: String,
    phone: String,
    position: String,
    is_primary: i64,
}

#[derive(FromRow)]
struct LineRow {
    id: i64,
    name: String,
    pinyin_initials: String,
    contact_person: String,
    contact_mobile: String,
    contact_phone: String,
}

impl From<ContactRow> for Contact {
    fn from(row: ContactRow) -> Contact {
        Contact {
            person: row.person,
            mobile: row.mobile,
            phone: row.phone,
            position: row.position,
            is_primary: flag(row.is_primary),
        }
    }
}

impl From<LineRow> for SupplierLine {
    fn from(row: LineRow) -> SupplierLine {
        SupplierLine {
            id: SupplierId(row.id),
            name: row.name,
            pinyin_initials: row.pinyin_initials,
            contact_person: row.contact_person,
            contact_mobile: row.contact_mobile,
            contact_phone: row.contact_phone,
        }
    }
}

pub(super) async fn find_live(
    pool: &AnyPool,
    scope: &Scope,
    id: SupplierId,
) -> StoreResult<Supplier> {
    let row = sqlx::query_as::<_, SupplierRow>(
        r#"select id, name, bank_name, bank_account, tax_number, address, remarks, pinyin_initials
           from suppliers
           where account_set_id = $1 and id = $2 and deleted_at is null"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_one(pool)
    .await?;
    let mut conn = pool.acquire().await?;
    let contacts = contacts_of(&mut conn, scope, id).await?;
    let supply_scope_ids = scopes_of(&mut conn, scope, id).await?;
    Ok(Supplier {
        id: SupplierId(row.id),
        name: row.name,
        bank_name: row.bank_name,
        bank_account: row.bank_account,
        tax_number: row.tax_number,
        address: row.address,
        remarks: row.remarks,
        pinyin_initials: row.pinyin_initials,
        supply_scope_ids,
        contacts,
    })
}

/// The contacts of a supplier, primary first then in entry order.
pub(super) async fn contacts_of(
    conn: &mut AnyConnection,
    scope: &Scope,
    id: SupplierId,
) -> StoreResult<Vec<Contact>> {
    let rows = sqlx::query_as::<_, ContactRow>(
        r#"select person, mobile, phone, position, is_primary
           from supplier_contacts
           where account_set_id = $1 and supplier_id = $2
           order by is_primary desc, line_no, id"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(Contact::from).collect())
}

/// The supply scope ids of a supplier, ascending.
pub(super) async fn scopes_of(
    conn: &mut AnyConnection,
    scope: &Scope,
    id: SupplierId,
) -> StoreResult<Vec<i64>> {
    let ids = sqlx::query_scalar(
        r#"select supply_scope_id from supplier_scopes
           where account_set_id = $1 and supplier_id = $2 order by supply_scope_id"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_all(conn)
    .await?;
    Ok(ids)
}

/// Live suppliers matching the query, best match first (as for customers).
pub(super) async fn list(
    pool: &AnyPool,
    scope: &Scope,
    query: &ListQuery<'_>,
) -> StoreResult<Vec<SupplierLine>> {
    let anywhere = format!("%{}%", like_escape(query.key));
    let prefix = format!("{}%", like_escape(query.key));
    let rows = sqlx::query_as::<_, LineRow>(
        r#"select s.id, s.name, s.pinyin_initials,
                  coalesce(p.person, '') as contact_person,
                  coalesce(p.mobile, '') as contact_mobile,
                  coalesce(p.phone, '') as contact_phone
           from suppliers s
           left join supplier_contacts p
             on p.account_set_id = s.account_set_id and p.supplier_id = s.id and p.is_primary = 1
           where s.account_set_id = $1 and s.deleted_at is null
             and ($2 = '' or s.pinyin_initials like $3 escape '\' or lower(s.name) like $3 escape '\'
                  or s.search_text like $3 escape '\')
           order by case
                      when $2 = '' then 9
                      when s.pinyin_initials = $2 then 0
                      when s.pinyin_initials like $4 escape '\' then 1
                      when lower(s.name) like $4 escape '\' then 2
                      when lower(s.name) like $3 escape '\' then 3
                      when s.pinyin_initials like $3 escape '\' then 4
                      else 5
                    end,
                    s.pinyin_initials, s.id
           limit $5 offset $6"#,
    )
    .bind(scope.id())
    .bind(query.key)
    .bind(&anywhere)
    .bind(&prefix)
    .bind(query.limit)
    .bind(query.offset)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(SupplierLine::from).collect())
}

/// How many live suppliers match the query, for paging.
pub(super) async fn count(
    pool: &AnyPool,
    scope: &Scope,
    query: &ListQuery<'_>,
) -> StoreResult<i64> {
    let anywhere = format!("%{}%", like_escape(query.key));
    let n = sqlx::query_scalar(
        r#"select count(*) from suppliers s
           where s.account_set_id = $1 and s.deleted_at is null
             and ($2 = '' or s.pinyin_initials like $3 escape '\' or lower(s.name) like $3 escape '\'
                  or s.search_text like $3 escape '\')"#,
    )
    .bind(scope.id())
    .bind(query.key)
    .bind(&anywhere)
    .fetch_one(pool)
    .await?;
    Ok(n)
}

pub(super) async fn is_live(tx: &mut Tx, scope: &Scope, id: SupplierId) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "select count(*) from suppliers where account_set_id = $1 and id = $2 and deleted_at is null",
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

/// The name of a live supplier, `NotFound` if it is not live in this account set.
pub(super) async fn live_name(tx: &mut Tx, scope: &Scope, id: SupplierId) -> StoreResult<String> {
    let name = sqlx::query_scalar(
        "select name from suppliers where account_set_id = $1 and id = $2 and deleted_at is null",
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_one(&mut **tx)
    .await?;
    Ok(name)
}

/// The names of every live supplier, in one query: what an import checks its names against.
pub(super) async fn live_names(pool: &AnyPool, scope: &Scope) -> StoreResult<Vec<String>> {
    let names = sqlx::query_scalar(
        "select name from suppliers where account_set_id = $1 and deleted_at is null",
    )
    .bind(scope.id())
    .fetch_all(pool)
    .await?;
    Ok(names)
}

/// Whether a live supplier other than `except` already has `name`.
pub(super) async fn name_taken(
    tx: &mut Tx,
    scope: &Scope,
    name: &str,
    except: Option<SupplierId>,
) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar(
        r#"select count(*) from suppliers
           where account_set_id = $1 and name = $2 and deleted_at is null and id <> $3"#,
    )
    .bind(scope.id())
    .bind(name)
    .bind(except.map_or(0, |e| e.0))
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

pub(super) async fn insert(
    tx: &mut Tx,
    scope: &Scope,
    supplier: &NewSupplier,
    now: &str,
) -> StoreResult<SupplierId> {
    let id = sqlx::query_scalar(
        r#"insert into suppliers (account_set_id, name, bank_name, bank_account, tax_number, address,
               remarks, pinyin_initials, search_text, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
           returning id"#,
    )
    .bind(scope.id())
    .bind(&supplier.name)
    .bind(&supplier.bank_name)
    .bind(&supplier.bank_account)
    .bind(&supplier.tax_number)
    .bind(&supplier.address)
    .bind(&supplier.remarks)
    .bind(&supplier.pinyin_initials)
    .bind(&supplier.search_text)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(SupplierId(id))
}

/// Updates a live supplier; `NotFound` if there is none with this id in the account set.
pub(super) async fn update(
    tx: &mut Tx,
    scope: &Scope,
    id: SupplierId,
    supplier: &NewSupplier,
    now: &str,
) -> StoreResult<()> {
    let res = sqlx::query(
        r#"update suppliers set name = $3, bank_name = $4, bank_account = $5, tax_number = $6,
               address = $7, remarks = $8, pinyin_initials = $9, search_text = $10, updated_at = $11
           where account_set_id = $1 and id = $2 and deleted_at is null"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .bind(&supplier.name)
    .bind(&supplier.bank_name)
    .bind(&supplier.bank_account)
    .bind(&supplier.tax_number)
    .bind(&supplier.address)
    .bind(&supplier.remarks)
    .bind(&supplier.pinyin_initials)
    .bind(&supplier.search_text)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if res.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Where suppliers keep their contacts.
pub(super) const CONTACTS: ContactTable = ContactTable {
    table: "supplier_contacts",
    owner_column: "supplier_id",
};

/// Replaces the supply scopes of a supplier.
pub(super) async fn replace_scopes(
    tx: &mut Tx,
    scope: &Scope,
    id: SupplierId,
    scope_ids: &[i64],
) -> StoreResult<()> {
    sqlx::query("delete from supplier_scopes where account_set_id = $1 and supplier_id = $2")
        .bind(scope.id())
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    insert_scopes(tx, scope, id, scope_ids).await
}

/// Adds supply scopes to a supplier that has none yet (a new one).
pub(super) async fn insert_scopes(
    tx: &mut Tx,
    scope: &Scope,
    id: SupplierId,
    scope_ids: &[i64],
) -> StoreResult<()> {
    for scope_id in scope_ids {
        sqlx::query(
            "insert into supplier_scopes (account_set_id, supplier_id, supply_scope_id) values ($1, $2, $3)",
        )
        .bind(scope.id())
        .bind(id.0)
        .bind(scope_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Moves every contact of `from` to `to`, after `to`'s own contacts and never as its primary.
pub(super) async fn move_contacts(
    tx: &mut Tx,
    scope: &Scope,
    from: SupplierId,
    to: SupplierId,
) -> StoreResult<()> {
    let last_line: i64 = sqlx::query_scalar(
        "select coalesce(max(line_no), 0) from supplier_contacts where account_set_id = $1 and supplier_id = $2",
    )
    .bind(scope.id())
    .bind(to.0)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        r#"update supplier_contacts set supplier_id = $3, line_no = line_no + $4, is_primary = 0
           where account_set_id = $1 and supplier_id = $2"#,
    )
    .bind(scope.id())
    .bind(from.0)
    .bind(to.0)
    .bind(last_line)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Moves every history row of `from` (the [`MERGE_FOLLOWERS`] tables) to `to`.
pub(super) async fn move_history(
    tx: &mut Tx,
    scope: &Scope,
    from: SupplierId,
    to: SupplierId,
) -> StoreResult<()> {
    for (table, column) in MERGE_FOLLOWERS {
        // Table and column names come only from the constant above, never from a request.
        let sql =
            format!("update {table} set {column} = $3 where account_set_id = $1 and {column} = $2");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.id())
            .bind(from.0)
            .bind(to.0)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Sets a supplier's stored search text (after its contacts changed by a merge).
pub(super) async fn set_search_text(
    tx: &mut Tx,
    scope: &Scope,
    id: SupplierId,
    search_text: &str,
    now: &str,
) -> StoreResult<()> {
    sqlx::query(
        "update suppliers set search_text = $3, updated_at = $4 where account_set_id = $1 and id = $2",
    )
    .bind(scope.id())
    .bind(id.0)
    .bind(search_text)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whether a store error is the live-name unique index (a concurrent save got there first).
pub(super) fn is_name_conflict(err: &StoreError) -> bool {
    matches!(err, StoreError::Conflict(detail)
        if detail.contains("uq_suppliers_name") || detail.contains("suppliers.account_set_id, suppliers.name"))
}
