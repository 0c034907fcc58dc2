//! SQL of contact rows, shared by customers and suppliers: each keeps its contacts in a table of
//! the same shape, named by a [`ContactTable`]. The table and column names come only from those
//! constants, never from a request.

use super::Contact;
use crate::kernel::db::{StoreResult, Tx, to_flag};
use crate::kernel::tenancy::Scope;

/// Where one kind of owner keeps its contacts.
pub(crate) struct ContactTable {
    /// e.g. `customer_contacts`.
    pub table: &'static str,
    /// The owner's id column, e.g. `customer_id`.
    pub owner_column: &'static str,
}

/// Replaces the contacts of an owner with `contacts`, in their order.
pub(crate) async fn replace_contacts(
    tx: &mut Tx,
    scope: &Scope,
    table: &ContactTable,
    owner_id: i64,
    contacts: &[Contact],
) -> StoreResult<()> {
    let sql = format!(
        "delete from {} where account_set_id = $1 and {} = $2",
        table.table, table.owner_column
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(scope.id())
        .bind(owner_id)
        .execute(&mut **tx)
        .await?;
    insert_contacts(tx, scope, table, owner_id, contacts).await
}

/// Adds `contacts` to an owner that has none yet (a new one), in their order.
pub(crate) async fn insert_contacts(
    tx: &mut Tx,
    scope: &Scope,
    table: &ContactTable,
    owner_id: i64,
    contacts: &[Contact],
) -> StoreResult<()> {
    let sql = format!(
        "insert into {} (account_set_id, {}, line_no, person, mobile, phone, position, is_primary) \
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        table.table, table.owner_column
    );
    for (line_no, contact) in (1_i64..).zip(contacts) {
        sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(scope.id())
            .bind(owner_id)
            .bind(line_no)
            .bind(&contact.person)
            .bind(&contact.mobile)
            .bind(&contact.phone)
            .bind(&contact.position)
            .bind(to_flag(contact.is_primary))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
