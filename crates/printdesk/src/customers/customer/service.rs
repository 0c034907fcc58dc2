//! Use cases of customers, called by the pages and the API alike.

use std::collections::{HashMap, HashSet};

use tracing::instrument;

use super::rules::{self, ImportLists, NewCustomer, ReferenceCheck, ReferenceIds};
use super::store::{self, ListQuery};
use super::{Customer, CustomerId, CustomerInput, CustomerLine, DuplicateMobile, RECYCLE_KIND};
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
use crate::system::settings_list::{
    self, CUSTOMER_GROUP, CUSTOMER_RELATION, ID_DOCUMENT_KIND, ListKind,
};

/// Customers on one page of the list.
pub const PAGE_SIZE: i64 = 50;
/// The most results of a search as you type.
pub const SEARCH_LIMIT: i64 = 20;

/// One page of the customer list.
pub struct CustomerPage {
    pub lines: Vec<CustomerListLine>,
    pub total: i64,
    /// 1-based.
    pub page: i64,
    pub n_pages: i64,
}

/// A customer of a list, with its group's name.
pub struct CustomerListLine {
    pub customer: CustomerLine,
    pub group_name: String,
}

/// A choice in a select of the customer form.
pub struct Choice {
    pub id: i64,
    pub label: String,
}

/// The choices of the customer form.
pub struct FormChoices {
    pub groups: Vec<Choice>,
    pub relations: Vec<Choice>,
    pub id_document_kinds: Vec<Choice>,
    pub sales_people: Vec<Choice>,
}

/// A saved customer and the warnings about it (mobiles other customers have too).
pub struct Saved {
    pub id: CustomerId,
    pub warnings: Vec<DuplicateMobile>,
}

/// One page of live customers matching `query` (name, pinyin initials, short name, contact,
/// mobile or phone) and, when given, in group `customer_group_id`.
pub async fn list_customers(
    db: &Db,
    scope: &Scope,
    query: &str,
    customer_group_id: Option<i64>,
    page: i64,
) -> AppResult<CustomerPage> {
    let key = contact::search_key(query);
    let mut list_query = ListQuery {
        key: &key,
        customer_group_id,
        limit: PAGE_SIZE,
        offset: 0,
    };
    let total = store::count(db.pool(), scope, &list_query).await?;
    let n_pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page = page.clamp(1, n_pages);
    list_query.offset = (page - 1) * PAGE_SIZE;
    let lines = store::list(db.pool(), scope, &list_query).await?;
    Ok(CustomerPage {
        lines: with_group_names(db, scope, lines).await?,
        total,
        page,
        n_pages,
    })
}

/// Rows exported at most: far above any shop's customer list, low enough to stay in memory.
const EXPORT_LIMIT: i64 = 200_000;

/// Every customer the list shows with these filters, without paging: what 导出 Excel writes.
pub async fn export_customers(
    db: &Db,
    scope: &Scope,
    query: &str,
    customer_group_id: Option<i64>,
) -> AppResult<Vec<CustomerListLine>> {
    let key = contact::search_key(query);
    let list_query = ListQuery {
        key: &key,
        customer_group_id,
        limit: EXPORT_LIMIT,
        offset: 0,
    };
    let lines = store::list(db.pool(), scope, &list_query).await?;
    with_group_names(db, scope, lines).await
}

async fn with_group_names(
    db: &Db,
    scope: &Scope,
    lines: Vec<CustomerLine>,
) -> AppResult<Vec<CustomerListLine>> {
    let group_names = names_of(db, scope, &CUSTOMER_GROUP).await?;
    Ok(lines
        .into_iter()
        .map(|customer| CustomerListLine {
            group_name: customer
                .customer_group_id
                .and_then(|id| group_names.get(&id).cloned())
                .unwrap_or_default(),
            customer,
        })
        .collect())
}

/// Search as you type: at most [`SEARCH_LIMIT`] live customers, best match first (initials equal
/// or starting with the key before name matches, before contact matches). Empty key, no results.
pub async fn search_customers(db: &Db, scope: &Scope, query: &str) -> AppResult<Vec<CustomerLine>> {
    let key = contact::search_key(query);
    if key.is_empty() {
        return Ok(Vec::new());
    }
    let list_query = ListQuery {
        key: &key,
        customer_group_id: None,
        limit: SEARCH_LIMIT,
        offset: 0,
    };
    Ok(store::list(db.pool(), scope, &list_query).await?)
}

/// One live customer with its contacts; `NotFound` if it is not in this account set.
pub async fn show_customer(db: &Db, scope: &Scope, id: CustomerId) -> AppResult<Customer> {
    Ok(store::find_live(db.pool(), scope, id).await?)
}

/// Other live customers that have one of this customer's contact mobiles.
pub async fn duplicate_mobiles(
    db: &Db,
    scope: &Scope,
    customer: &Customer,
) -> AppResult<Vec<DuplicateMobile>> {
    let mut conn = db.pool().acquire().await?;
    let mobiles: Vec<&str> = customer
        .contacts
        .iter()
        .map(|c| c.mobile.as_str())
        .collect();
    Ok(find_duplicates(&mut conn, scope, customer.id, &mobiles).await?)
}

/// The choices of the customer form: groups, relationships and ID document kinds from the
/// settings lists, salespeople from the users of the account set.
pub async fn form_choices(db: &Db, scope: &Scope) -> AppResult<FormChoices> {
    let choices = |options: Vec<settings_list::ListOption>| -> Vec<Choice> {
        options
            .into_iter()
            .map(|option| Choice {
                id: option.id,
                label: format!("{}{}", "\u{3000}".repeat(option.depth), option.name),
            })
            .collect()
    };
    Ok(FormChoices {
        groups: choices(settings_list::service::options(db, scope, &CUSTOMER_GROUP).await?),
        relations: choices(settings_list::service::options(db, scope, &CUSTOMER_RELATION).await?),
        id_document_kinds: choices(
            settings_list::service::options(db, scope, &ID_DOCUMENT_KIND).await?,
        ),
        sales_people: store::sales_people(db.pool(), scope)
            .await?
            .into_iter()
            .map(|(id, label)| Choice { id, label })
            .collect(),
    })
}

/// Creates a customer. A repeated `form_nonce` returns the customer made the first time.
#[instrument(skip_all)]
pub async fn create_customer(
    db: &Db,
    user: &CurrentUser,
    input: &CustomerInput,
) -> AppResult<Saved> {
    let scope = user.scope();
    let id_kind_names = names_of(db, scope, &ID_DOCUMENT_KIND).await?;
    let mut tx = db.begin_write().await?;
    if let Claim::Seen(id) = idempotency::claim(&mut tx, &input.form_nonce, user.user_id.0).await? {
        return Ok(Saved {
            id: CustomerId(id),
            warnings: Vec::new(),
        });
    }
    let customer = parse(&mut tx, scope, input, &id_kind_names).await?;
    if store::name_taken(&mut tx, scope, &customer.name, None).await? {
        return Err(AppError::field("name", Message::new("customer.name_taken")));
    }
    let id = store::insert(&mut tx, scope, &customer, &clock::now_text())
        .await
        .map_err(name_conflict)?;
    contact::store::replace_contacts(&mut tx, scope, &store::CONTACTS, id.0, &customer.contacts)
        .await?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "create",
        RECYCLE_KIND.key,
        Some(id.0),
        &customer.name,
    )
    .await?;
    idempotency::complete(&mut tx, &input.form_nonce, id.0).await?;
    let warnings = saved_duplicates(&mut tx, scope, id, &customer).await?;
    tx.commit().await?;
    tracing::info!(customer.id = id.0, "customer created");
    Ok(Saved { id, warnings })
}

/// Changes a customer and replaces its contacts.
#[instrument(skip_all, fields(customer.id = id.0))]
pub async fn update_customer(
    db: &Db,
    user: &CurrentUser,
    id: CustomerId,
    input: &CustomerInput,
) -> AppResult<Saved> {
    let scope = user.scope();
    let id_kind_names = names_of(db, scope, &ID_DOCUMENT_KIND).await?;
    let mut tx = db.begin_write().await?;
    if !store::is_live(&mut tx, scope, id).await? {
        return Err(AppError::NotFound);
    }
    let customer = parse(&mut tx, scope, input, &id_kind_names).await?;
    if store::name_taken(&mut tx, scope, &customer.name, Some(id)).await? {
        return Err(AppError::field("name", Message::new("customer.name_taken")));
    }
    store::update(&mut tx, scope, id, &customer, &clock::now_text())
        .await
        .map_err(name_conflict)?;
    contact::store::replace_contacts(&mut tx, scope, &store::CONTACTS, id.0, &customer.contacts)
        .await?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "update",
        RECYCLE_KIND.key,
        Some(id.0),
        &customer.name,
    )
    .await?;
    let warnings = saved_duplicates(&mut tx, scope, id, &customer).await?;
    tx.commit().await?;
    Ok(Saved { id, warnings })
}

/// Moves a customer to the recycle bin.
#[instrument(skip_all, fields(customer.id = id.0))]
pub async fn delete_customer(db: &Db, user: &CurrentUser, id: CustomerId) -> AppResult<()> {
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

/// Merges duplicate customer `source` into `target`: the contacts and every history row of the
/// source move to the target, and the source goes to the recycle bin. Both must be live in this
/// account set (`NotFound` otherwise); merging a customer into itself is refused.
#[instrument(skip_all, fields(customer.id = source.0, target.id = target.0))]
pub async fn merge_customer(
    db: &Db,
    user: &CurrentUser,
    source: CustomerId,
    target: CustomerId,
) -> AppResult<()> {
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    let source_name = store::live_name(&mut tx, scope, source).await?;
    let target_name = store::live_name(&mut tx, scope, target).await?;
    if source == target {
        return Err(AppError::field(
            "target_id",
            Message::new("customer.merge_into_itself"),
        ));
    }
    store::move_contacts(&mut tx, scope, source, target).await?;
    store::move_history(&mut tx, scope, source, target).await?;
    let contacts = store::contacts_of(&mut tx, scope, target).await?;
    let short_name = store::short_name(&mut tx, scope, target).await?;
    let search_text = contact::search_text(&[&short_name], &contacts);
    let now = clock::now_text();
    store::set_search_text(&mut tx, scope, target, &search_text, &now).await?;
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
    tracing::info!(
        customer.id = source.0,
        target.id = target.0,
        "customer merged"
    );
    Ok(())
}

/// 导入 (manual 2.1): saves every customer of a sheet made from the import template, in one
/// transaction, and returns how many. Every row is checked first, with the form's own parse and
/// against this account set's live lists and customers; if any row is bad nothing is saved and
/// every problem comes back as `rows[<excel row>].<column>`. One audit entry records the count.
/// `locale` only words the message about a wrong header.
#[instrument(skip_all)]
pub async fn import_customers(
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
    let lists = ImportLists {
        groups: name_index(db, scope, &CUSTOMER_GROUP).await?,
        relations: name_index(db, scope, &CUSTOMER_RELATION).await?,
        id_document_kinds: name_index(db, scope, &ID_DOCUMENT_KIND).await?,
    };
    // Read outside the write so the parse does not hold SQLite's write lock; a customer saved in
    // between is caught by the unique index below and reported on its row all the same.
    let taken: HashSet<String> = store::live_names(db.pool(), scope)
        .await?
        .into_iter()
        .collect();
    let customers = rules::parse_import(&rows, &lists, &taken)?;
    let now = clock::now_text();
    let mut tx = db.begin_write().await?;
    for (row, customer) in rows.iter().zip(&customers) {
        let id = store::insert(&mut tx, scope, customer, &now)
            .await
            .map_err(|err| import_name_conflict(err, row))?;
        contact::store::insert_contacts(&mut tx, scope, &store::CONTACTS, id.0, &customer.contacts)
            .await?;
    }
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "import",
        RECYCLE_KIND.key,
        None,
        &customers.len().to_string(),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(customers = customers.len(), "customers imported");
    Ok(customers.len())
}

/// Reads the input against this account set's lists inside the write transaction.
async fn parse(
    tx: &mut Tx,
    scope: &Scope,
    input: &CustomerInput,
    id_kind_names: &HashMap<i64, String>,
) -> AppResult<NewCustomer> {
    let ids = ReferenceIds::read(input);
    let live = async |tx: &mut Tx, kind: &ListKind, id: Option<i64>| -> AppResult<bool> {
        match id {
            Some(id) => settings_list::service::is_live_item(tx, scope, kind, id).await,
            None => Ok(true),
        }
    };
    let check = ReferenceCheck {
        customer_group: live(tx, &CUSTOMER_GROUP, ids.customer_group_id).await?,
        customer_relation: live(tx, &CUSTOMER_RELATION, ids.customer_relation_id).await?,
        id_document_kind: live(tx, &ID_DOCUMENT_KIND, ids.id_document_kind_id).await?,
        id_number_rule: ids
            .id_document_kind_id
            .and_then(|id| id_kind_names.get(&id))
            .map_or(rules::IdNumberRule::Free, |name| {
                rules::id_number_rule(name)
            }),
        sales_person: match ids.sales_person_id {
            Some(id) => store::is_sales_person(tx, scope, id).await?,
            None => true,
        },
    };
    Ok(NewCustomer::parse(input, &check)?)
}

/// Duplicate mobiles of a customer just saved, named by their contact row.
async fn saved_duplicates(
    tx: &mut Tx,
    scope: &Scope,
    id: CustomerId,
    customer: &NewCustomer,
) -> AppResult<Vec<DuplicateMobile>> {
    let mobiles: Vec<&str> = customer
        .contacts
        .iter()
        .map(|c| c.mobile.as_str())
        .collect();
    Ok(find_duplicates(tx, scope, id, &mobiles).await?)
}

/// For each non-empty mobile (by contact index), the other live customers that have it.
async fn find_duplicates(
    conn: &mut sqlx::AnyConnection,
    scope: &Scope,
    id: CustomerId,
    mobiles: &[&str],
) -> Result<Vec<DuplicateMobile>, StoreError> {
    let mut duplicates = Vec::new();
    for (line_idx, mobile) in mobiles.iter().enumerate() {
        if mobile.is_empty() {
            continue;
        }
        for (customer_id, customer_name) in store::mobile_holders(conn, scope, mobile, id).await? {
            duplicates.push(DuplicateMobile {
                field: format!("contacts[{line_idx}].mobile"),
                mobile: (*mobile).to_owned(),
                customer_id,
                customer_name,
            });
        }
    }
    Ok(duplicates)
}

/// The names of a settings list's live items by id.
async fn names_of(db: &Db, scope: &Scope, kind: &ListKind) -> AppResult<HashMap<i64, String>> {
    Ok(settings_list::service::options(db, scope, kind)
        .await?
        .into_iter()
        .map(|option| (option.id, option.name))
        .collect())
}

/// The live items of a settings list by name, for reading an import sheet.
async fn name_index(db: &Db, scope: &Scope, kind: &ListKind) -> AppResult<NameIndex> {
    let options = settings_list::service::options(db, scope, kind).await?;
    Ok(NameIndex::new(
        options.into_iter().map(|option| (option.id, option.name)),
    ))
}

/// A name taken between the check and the insert, reported on its row.
fn import_name_conflict(err: StoreError, row: &RawRow) -> AppError {
    if store::is_name_conflict(&err) {
        let mut errors = FieldErrors::new();
        spreadsheet::row_error(
            &mut errors,
            row,
            "name",
            Message::new("customer.name_taken"),
        );
        AppError::Invalid(errors)
    } else {
        err.into()
    }
}

fn name_conflict(err: StoreError) -> AppError {
    if store::is_name_conflict(&err) {
        AppError::field("name", Message::new("customer.name_taken"))
    } else {
        err.into()
    }
}
