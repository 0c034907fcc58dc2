//! SQL of customers and their contacts. Every statement has `account_set_id = $1` first; deleted
//! customers are left out (the recycle bin reads them through `kernel::recycle_bin`).

use sqlx::{AnyConnection, AnyPool, FromRow};

use super::rules::NewCustomer;
use super::{CreditMode, Customer, CustomerId, CustomerLine, SettlementType};
use crate::customers::contact::Contact;
use crate::customers::contact::store::ContactTable;
use crate::kernel::auth::UserId;
use crate::kernel::db::{StoreError, StoreResult, Tx, flag, to_flag};
use crate::kernel::money::Money;
use crate::kernel::tenancy::Scope;

/// Tables whose rows follow a customer into the one it is merged into, as (table, customer-id
/// column); every such table has `account_set_id`. Later chapters add their history here (orders,
/// receipts, prepaid movements, negotiated prices), and only here: `move_history` moves them all.
const MERGE_FOLLOWERS: &[(&str, &str)] = &[("orders", "customer_id"), ("shipments", "customer_id")];

/// What a list or search asks for.
pub(super) struct ListQuery<'a> {
    /// Lowercase search key; empty lists everything.
    pub key: &'a str,
    pub customer_group_id: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(FromRow)]
struct CustomerRow {
    id: i64,
    name: String,
    short_name: String,
    address: String,
    customer_group_id: Option<i64>,
    customer_relation_id: Option<i64>,
    id_document_kind_id: Option<i64>,
    id_document_number: String,
    settlement_type: String,
    may_prepay: i64,
    cross_branch: i64,
    credit_limit: i64,
    credit_mode: String,
    payment_terms_days: i64,
    sales_person_id: Option<i64>,
    remarks: String,
    external_contact_id: String,
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
    short_name: String,
    pinyin_initials: String,
    customer_group_id: Option<i64>,
    settlement_type: String,
    credit_limit: i64,
    sales_person_name: String,
    contact_person: String,
    contact_mobile: String,
    contact_phone: String,
}

impl CustomerRow {
    fn into_customer(self, contacts: Vec<Contact>) -> Customer {
        Customer {
            id: CustomerId(self.id),
            name: self.name,
            short_name: self.short_name,
            address: self.address,
            customer_group_id: self.customer_group_id,
            customer_relation_id: self.customer_relation_id,
            id_document_kind_id: self.id_document_kind_id,
            id_document_number: self.id_document_number,
            settlement_type: SettlementType::from_code(&self.settlement_type).unwrap_or_default(),
            may_prepay: flag(self.may_prepay),
            cross_branch: flag(self.cross_branch),
            credit_limit: Money::from_scaled(self.credit_limit),
            credit_mode: CreditMode::from_code(&self.credit_mode).unwrap_or_default(),
            payment_terms_days: self.payment_terms_days,
            sales_person_id: self.sales_person_id.map(UserId),
            remarks: self.remarks,
            external_contact_id: self.external_contact_id,
            pinyin_initials: self.pinyin_initials,
            contacts,
        }
    }
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

impl From<LineRow> for CustomerLine {
    fn from(row: LineRow) -> CustomerLine {
        CustomerLine {
            id: CustomerId(row.id),
            name: row.name,
            short_name: row.short_name,
            pinyin_initials: row.pinyin_initials,
            customer_group_id: row.customer_group_id,
            settlement_type: SettlementType::from_code(&row.settlement_type).unwrap_or_default(),
            credit_limit: Money::from_scaled(row.credit_limit),
            sales_person_name: row.sales_person_name,
            contact_person: row.contact_person,
            contact_mobile: row.contact_mobile,
            contact_phone: row.contact_phone,
        }
    }
}

pub(super) async fn find_live(
    pool: &AnyPool,
    scope: &Scope,
    id: CustomerId,
) -> StoreResult<Customer> {
    let row = sqlx::query_as::<_, CustomerRow>(
        r#"select id, name, short_name, address, customer_group_id, customer_relation_id,
                  id_document_kind_id, id_document_number, settlement_type, may_prepay, cross_branch,
                  credit_limit, credit_mode, payment_terms_days, sales_person_id, remarks,
                  external_contact_id, pinyin_initials
           from customers
           where account_set_id = $1 and id = $2 and deleted_at is null"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_one(pool)
    .await?;
    let mut conn = pool.acquire().await?;
    let contacts = contacts_of(&mut conn, scope, id).await?;
    Ok(row.into_customer(contacts))
}

/// The contacts of a customer, primary first then in entry order.
pub(super) async fn contacts_of(
    conn: &mut AnyConnection,
    scope: &Scope,
    id: CustomerId,
) -> StoreResult<Vec<Contact>> {
    let rows = sqlx::query_as::<_, ContactRow>(
        r#"select person, mobile, phone, position, is_primary
           from customer_contacts
           where account_set_id = $1 and customer_id = $2
           order by is_primary desc, line_no, id"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(Contact::from).collect())
}

/// Live customers matching the query, best match first (see `service::search_customers`).
pub(super) async fn list(
    pool: &AnyPool,
    scope: &Scope,
    query: &ListQuery<'_>,
) -> StoreResult<Vec<CustomerLine>> {
    let anywhere = format!("%{}%", crate::customers::contact::like_escape(query.key));
    let prefix = format!("{}%", crate::customers::contact::like_escape(query.key));
    // Ranking: initials equal, initials prefix, name prefix, name substring, initials substring,
    // then anything found in the short name or contacts. Within a rank, by initials (pinyin order).
    let rows = sqlx::query_as::<_, LineRow>(
        r#"select c.id, c.name, c.short_name, c.pinyin_initials, c.customer_group_id,
                  c.settlement_type, c.credit_limit,
                  coalesce(u.display_name, '') as sales_person_name,
                  coalesce(p.person, '') as contact_person,
                  coalesce(p.mobile, '') as contact_mobile,
                  coalesce(p.phone, '') as contact_phone
           from customers c
           left join users u on u.id = c.sales_person_id
           left join customer_contacts p
             on p.account_set_id = c.account_set_id and p.customer_id = c.id and p.is_primary = 1
           where c.account_set_id = $1 and c.deleted_at is null
             and ($2 = '' or c.pinyin_initials like $3 escape '\' or lower(c.name) like $3 escape '\'
                  or c.search_text like $3 escape '\')
             and ($5 = 0 or c.customer_group_id = $5)
           order by case
                      when $2 = '' then 9
                      when c.pinyin_initials = $2 then 0
                      when c.pinyin_initials like $4 escape '\' then 1
                      when lower(c.name) like $4 escape '\' then 2
                      when lower(c.name) like $3 escape '\' then 3
                      when c.pinyin_initials like $3 escape '\' then 4
                      else 5
                    end,
                    c.pinyin_initials, c.id
           limit $6 offset $7"#,
    )
    .bind(scope.id())
    .bind(query.key)
    .bind(&anywhere)
    .bind(&prefix)
    .bind(query.customer_group_id.unwrap_or(0))
    .bind(query.limit)
    .bind(query.offset)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(CustomerLine::from).collect())
}

/// How many live customers match the query, for paging.
pub(super) async fn count(
    pool: &AnyPool,
    scope: &Scope,
    query: &ListQuery<'_>,
) -> StoreResult<i64> {
    let anywhere = format!("%{}%", crate::customers::contact::like_escape(query.key));
    let n = sqlx::query_scalar(
        r#"select count(*) from customers c
           where c.account_set_id = $1 and c.deleted_at is null
             and ($2 = '' or c.pinyin_initials like $3 escape '\' or lower(c.name) like $3 escape '\'
                  or c.search_text like $3 escape '\')
             and ($4 = 0 or c.customer_group_id = $4)"#,
    )
    .bind(scope.id())
    .bind(query.key)
    .bind(&anywhere)
    .bind(query.customer_group_id.unwrap_or(0))
    .fetch_one(pool)
    .await?;
    Ok(n)
}

pub(super) async fn is_live(tx: &mut Tx, scope: &Scope, id: CustomerId) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "select count(*) from customers where account_set_id = $1 and id = $2 and deleted_at is null",
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

/// The name of a live customer, `NotFound` if it is not live in this account set.
pub(super) async fn live_name(tx: &mut Tx, scope: &Scope, id: CustomerId) -> StoreResult<String> {
    let name = sqlx::query_scalar(
        "select name from customers where account_set_id = $1 and id = $2 and deleted_at is null",
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_one(&mut **tx)
    .await?;
    Ok(name)
}

/// Whether a live customer other than `except` already has `name`.
pub(super) async fn name_taken(
    tx: &mut Tx,
    scope: &Scope,
    name: &str,
    except: Option<CustomerId>,
) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar(
        r#"select count(*) from customers
           where account_set_id = $1 and name = $2 and deleted_at is null and id <> $3"#,
    )
    .bind(scope.id())
    .bind(name)
    .bind(except.map_or(0, |e| e.0))
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

/// The names of every live customer, in one query: what an import checks its names against.
pub(super) async fn live_names(pool: &AnyPool, scope: &Scope) -> StoreResult<Vec<String>> {
    let names = sqlx::query_scalar(
        "select name from customers where account_set_id = $1 and deleted_at is null",
    )
    .bind(scope.id())
    .fetch_all(pool)
    .await?;
    Ok(names)
}

/// Whether `user_id` is an enabled user allowed into this account set (a possible salesperson).
pub(super) async fn is_sales_person(tx: &mut Tx, scope: &Scope, user_id: i64) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar(
        r#"select count(*) from user_account_sets a join users u on u.id = a.user_id
           where a.account_set_id = $1 and a.user_id = $2 and u.disabled = 0"#,
    )
    .bind(scope.id())
    .bind(user_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

/// Enabled users allowed into this account set, by name: the salesperson choices.
pub(super) async fn sales_people(pool: &AnyPool, scope: &Scope) -> StoreResult<Vec<(i64, String)>> {
    let rows = sqlx::query_as(
        r#"select u.id, u.display_name from user_account_sets a join users u on u.id = a.user_id
           where a.account_set_id = $1 and u.disabled = 0
           order by u.display_name, u.id"#,
    )
    .bind(scope.id())
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

pub(super) async fn insert(
    tx: &mut Tx,
    scope: &Scope,
    customer: &NewCustomer,
    now: &str,
) -> StoreResult<CustomerId> {
    let id = sqlx::query_scalar(
        r#"insert into customers (account_set_id, name, short_name, address, customer_group_id,
               customer_relation_id, id_document_kind_id, id_document_number, settlement_type,
               may_prepay, cross_branch, credit_limit, credit_mode, payment_terms_days,
               sales_person_id, remarks, pinyin_initials, search_text, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19)
           returning id"#,
    )
    .bind(scope.id())
    .bind(&customer.name)
    .bind(&customer.short_name)
    .bind(&customer.address)
    .bind(customer.customer_group_id)
    .bind(customer.customer_relation_id)
    .bind(customer.id_document_kind_id)
    .bind(&customer.id_document_number)
    .bind(customer.settlement_type.code())
    .bind(to_flag(customer.may_prepay))
    .bind(to_flag(customer.cross_branch))
    .bind(customer.credit_limit.scaled())
    .bind(customer.credit_mode.code())
    .bind(customer.payment_terms_days)
    .bind(customer.sales_person_id.map(|u| u.0))
    .bind(&customer.remarks)
    .bind(&customer.pinyin_initials)
    .bind(&customer.search_text)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(CustomerId(id))
}

/// Updates a live customer; `NotFound` if there is none with this id in the account set. The
/// WeCom external contact id is not touched: only the WeCom sync writes it.
pub(super) async fn update(
    tx: &mut Tx,
    scope: &Scope,
    id: CustomerId,
    customer: &NewCustomer,
    now: &str,
) -> StoreResult<()> {
    let res = sqlx::query(
        r#"update customers set name = $3, short_name = $4, address = $5, customer_group_id = $6,
               customer_relation_id = $7, id_document_kind_id = $8, id_document_number = $9,
               settlement_type = $10, may_prepay = $11, cross_branch = $12, credit_limit = $13,
               credit_mode = $14, payment_terms_days = $15, sales_person_id = $16, remarks = $17,
               pinyin_initials = $18, search_text = $19, updated_at = $20
           where account_set_id = $1 and id = $2 and deleted_at is null"#,
    )
    .bind(scope.id())
    .bind(id.0)
    .bind(&customer.name)
    .bind(&customer.short_name)
    .bind(&customer.address)
    .bind(customer.customer_group_id)
    .bind(customer.customer_relation_id)
    .bind(customer.id_document_kind_id)
    .bind(&customer.id_document_number)
    .bind(customer.settlement_type.code())
    .bind(to_flag(customer.may_prepay))
    .bind(to_flag(customer.cross_branch))
    .bind(customer.credit_limit.scaled())
    .bind(customer.credit_mode.code())
    .bind(customer.payment_terms_days)
    .bind(customer.sales_person_id.map(|u| u.0))
    .bind(&customer.remarks)
    .bind(&customer.pinyin_initials)
    .bind(&customer.search_text)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if res.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Where customers keep their contacts.
pub(super) const CONTACTS: ContactTable = ContactTable {
    table: "customer_contacts",
    owner_column: "customer_id",
};

/// Live customers other than `except` with a contact whose mobile is `mobile`.
pub(super) async fn mobile_holders(
    conn: &mut AnyConnection,
    scope: &Scope,
    mobile: &str,
    except: CustomerId,
) -> StoreResult<Vec<(CustomerId, String)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        r#"select distinct c.id, c.name
           from customer_contacts p join customers c on c.id = p.customer_id
           where p.account_set_id = $1 and p.mobile = $2 and c.account_set_id = $1
             and c.deleted_at is null and c.id <> $3
           order by c.id"#,
    )
    .bind(scope.id())
    .bind(mobile)
    .bind(except.0)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| (CustomerId(id), name))
        .collect())
}

/// Moves every contact of `from` to `to`, after `to`'s own contacts and never as its primary.
pub(super) async fn move_contacts(
    tx: &mut Tx,
    scope: &Scope,
    from: CustomerId,
    to: CustomerId,
) -> StoreResult<()> {
    let last_line: i64 = sqlx::query_scalar(
        "select coalesce(max(line_no), 0) from customer_contacts where account_set_id = $1 and customer_id = $2",
    )
    .bind(scope.id())
    .bind(to.0)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        r#"update customer_contacts set customer_id = $3, line_no = line_no + $4, is_primary = 0
           where account_set_id = $1 and customer_id = $2"#,
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
    from: CustomerId,
    to: CustomerId,
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

/// Sets a customer's stored search text (after its contacts changed by a merge).
pub(super) async fn set_search_text(
    tx: &mut Tx,
    scope: &Scope,
    id: CustomerId,
    search_text: &str,
    now: &str,
) -> StoreResult<()> {
    sqlx::query(
        "update customers set search_text = $3, updated_at = $4 where account_set_id = $1 and id = $2",
    )
    .bind(scope.id())
    .bind(id.0)
    .bind(search_text)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The short name of a customer, to rebuild its search text.
pub(super) async fn short_name(tx: &mut Tx, scope: &Scope, id: CustomerId) -> StoreResult<String> {
    let name = sqlx::query_scalar(
        "select short_name from customers where account_set_id = $1 and id = $2",
    )
    .bind(scope.id())
    .bind(id.0)
    .fetch_one(&mut **tx)
    .await?;
    Ok(name)
}

/// Whether a store error is the live-name unique index (a concurrent save got there first).
pub(super) fn is_name_conflict(err: &StoreError) -> bool {
    matches!(err, StoreError::Conflict(detail)
        if detail.contains("uq_customers_name") || detail.contains("customers.account_set_id, customers.name"))
}
