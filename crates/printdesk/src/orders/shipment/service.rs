//! Use cases of shipments, called by the pages and the API alike. Each write owns one write
//! transaction: the shipment, its orders' shipped mark and status, and the audit line change
//! together or not at all.

use tracing::instrument;

use super::rules::{self, NewShipment, ShipmentAction, ShipmentStatus};
use super::store::{self, ListFilter};
use super::{AUDIT_KIND, Shipment, ShipmentId, ShipmentInput, ShipmentListLine, ShipmentOrder};
use crate::kernel::audit;
use crate::kernel::auth::CurrentUser;
use crate::kernel::clock;
use crate::kernel::db::{Db, StoreError, next_in_sequence};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Message;
use crate::kernel::idempotency::{self, Claim};
use crate::kernel::money::Money;
use crate::kernel::tenancy::Scope;
use crate::orders::order::OrderId;
use crate::system::settings_list::{self, DELIVERY_METHOD};

/// Shipments on one page of the list.
pub const PAGE_SIZE: i64 = 50;
/// The prefix of shipment numbers: 发货.
pub const NUMBER_PREFIX: &str = "FH";

/// One page of the shipment list.
pub struct ShipmentPage {
    pub lines: Vec<ShipmentListLine>,
    pub total_count: i64,
    /// The freight of every matching shipment, whoever pays it.
    pub total_fee: Money,
    pub page: i64,
    pub n_pages: i64,
}

/// A new shipment of one order, filled from the order: its delivery method, its contact (or the
/// walk-in's name and mobile) and its delivery address (or the customer's address).
pub async fn input_for_order(
    db: &Db,
    scope: &Scope,
    order_id: OrderId,
) -> AppResult<ShipmentInput> {
    let defaults = store::order_defaults(db.pool(), scope, order_id).await?;
    let first = |a: &str, b: &str| if a.is_empty() { b } else { a }.to_owned();
    let recipient = first(
        &defaults.contact_person,
        &first(&defaults.walk_in_name, &defaults.order.customer_name),
    );
    Ok(ShipmentInput {
        order_ids: vec![order_id.0],
        delivery_method_id: defaults
            .delivery_method_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        recipient,
        phone: first(&defaults.contact_phone, &defaults.walk_in_mobile),
        address: first(&defaults.delivery_address, &defaults.customer_address),
        packages: "1".to_owned(),
        fee_payer: rules::FeePayer::Shop.code().to_owned(),
        ..ShipmentInput::default()
    })
}

/// The live orders among `ids`, as the form lists them (unknown ids are left out).
pub async fn orders_for_form(db: &Db, scope: &Scope, ids: &[i64]) -> AppResult<Vec<ShipmentOrder>> {
    let mut orders = Vec::with_capacity(ids.len());
    for id in ids {
        match store::order_defaults(db.pool(), scope, OrderId(*id)).await {
            Ok(defaults) => orders.push(defaults.order),
            Err(StoreError::NotFound) => {}
            Err(err) => return Err(err.into()),
        }
    }
    Ok(orders)
}

/// The live order with this number, or a field error on `add_order_number`.
pub async fn order_by_number(db: &Db, scope: &Scope, number: &str) -> AppResult<OrderId> {
    match store::order_by_number(db.pool(), scope, number).await? {
        Some(id) => Ok(id),
        None => Err(AppError::field(
            "add_order_number",
            Message::new("shipment.order_number_unknown").arg("number", number.trim()),
        )),
    }
}

/// Whether the orders `ids` may travel together on a shipment (other than `except`): the
/// problems as field errors on `order_ids`. Reads only; saving checks again.
pub async fn check_orders(
    db: &Db,
    scope: &Scope,
    ids: &[i64],
    except: Option<ShipmentId>,
) -> AppResult<()> {
    let ids: Vec<OrderId> = ids.iter().copied().map(OrderId).collect();
    let mut tx = db.pool().begin().await?;
    let found = store::orders_to_ship(&mut tx, scope, &ids, except, "").await?;
    tx.rollback().await?;
    rules::check_orders(&ids, &found)?;
    Ok(())
}

/// The delivery method must be a live item of this account set's 交货方式 list.
async fn check_delivery_method(db: &Db, scope: &Scope, new: &NewShipment) -> AppResult<()> {
    let Some(id) = new.delivery_method_id else {
        return Ok(());
    };
    let options = settings_list::options(db, scope, &DELIVERY_METHOD).await?;
    if options.iter().any(|o| o.id == id) {
        Ok(())
    } else {
        Err(AppError::field(
            "delivery_method_id",
            Message::new("error.unknown_choice"),
        ))
    }
}

/// Reads the input and checks its list item, reporting every bad field at once.
async fn parse(db: &Db, scope: &Scope, input: &ShipmentInput) -> AppResult<NewShipment> {
    let new = NewShipment::parse(input)?;
    check_delivery_method(db, scope, &new).await?;
    Ok(new)
}

/// Saves a new pending shipment numbered FH + the shop's day + a 4-digit sequence. A repeated
/// `form_nonce` returns the shipment made the first time.
#[instrument(skip_all)]
pub async fn create_shipment(
    db: &Db,
    user: &CurrentUser,
    input: &ShipmentInput,
) -> AppResult<ShipmentId> {
    let scope = user.scope();
    let new = parse(db, scope, input).await?;
    let mut tx = db.begin_write().await?;
    if let Claim::Seen(id) = idempotency::claim(&mut tx, &input.form_nonce, user.user_id.0).await? {
        return Ok(ShipmentId(id));
    }
    let found =
        store::orders_to_ship(&mut tx, scope, &new.order_ids, None, db.for_update()).await?;
    let customer_id = rules::check_orders(&new.order_ids, &found)?;
    let day = clock::today_local().replace('-', "");
    let seq = next_in_sequence(&mut tx, scope.id(), AUDIT_KIND, &day).await?;
    let number = format!("{NUMBER_PREFIX}{day}{seq:04}");
    let now = clock::now_text();
    let id = store::insert(
        &mut tx,
        scope,
        &number,
        &new,
        customer_id,
        &now,
        user.user_id.0,
    )
    .await?;
    store::insert_orders(&mut tx, scope, id, &new.order_ids).await?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "create",
        AUDIT_KIND,
        Some(id.0),
        &format!("{number} {}", order_list(&found)),
    )
    .await?;
    idempotency::complete(&mut tx, &input.form_nonce, id.0).await?;
    tx.commit().await?;
    tracing::info!(shipment.id = id.0, shipment.number = %number, "shipment created");
    Ok(id)
}

fn order_list(found: &[rules::OrderToShip]) -> String {
    found
        .iter()
        .map(|o| o.number.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Changes a pending shipment. Refused when someone saved since `input.version`, or when it has
/// been shipped (撤回 first).
#[instrument(skip_all, fields(shipment.id = id.0))]
pub async fn update_shipment(
    db: &Db,
    user: &CurrentUser,
    id: ShipmentId,
    input: &ShipmentInput,
) -> AppResult<()> {
    let scope = user.scope();
    // Another account set's id is not found, whatever the input says.
    store::find(db.pool(), scope, id).await?;
    let new = parse(db, scope, input).await?;
    let mut tx = db.begin_write().await?;
    let (status, version) = store::lock(&mut tx, scope, id, db.for_update()).await?;
    if input.version.is_some_and(|v| v != version) {
        return Err(AppError::Conflict(Message::new("shipment.stale")));
    }
    if !status.is_editable() {
        return Err(AppError::Conflict(Message::new("shipment.not_pending")));
    }
    let found =
        store::orders_to_ship(&mut tx, scope, &new.order_ids, Some(id), db.for_update()).await?;
    let customer_id = rules::check_orders(&new.order_ids, &found)?;
    match store::update(&mut tx, scope, id, version, &new, customer_id).await {
        Err(StoreError::NotFound) => {
            return Err(AppError::Conflict(Message::new("shipment.stale")));
        }
        other => other?,
    }
    store::insert_orders(&mut tx, scope, id, &new.order_ids).await?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "update",
        AUDIT_KIND,
        Some(id.0),
        &order_list(&found),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes (cancels) a pending shipment; its orders are free to ship otherwise.
#[instrument(skip_all, fields(shipment.id = id.0))]
pub async fn delete_shipment(
    db: &Db,
    user: &CurrentUser,
    id: ShipmentId,
    version: Option<i64>,
) -> AppResult<()> {
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    let (status, current) = store::lock(&mut tx, scope, id, db.for_update()).await?;
    if version.is_some_and(|v| v != current) {
        return Err(AppError::Conflict(Message::new("shipment.stale")));
    }
    if !status.is_editable() {
        return Err(AppError::Conflict(Message::new("shipment.not_pending")));
    }
    store::delete(&mut tx, scope, id).await?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "delete",
        AUDIT_KIND,
        Some(id.0),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Applies 发货, 签收 or 撤回. Shipping checks again that every order may still be shipped
/// (an order may have been un-approved while the shipment waited), marks the orders shipped and
/// moves done orders to delivered; withdrawing undoes that for orders no other shipped shipment
/// covers. `version`, when given, must be the current one.
#[instrument(skip_all, fields(shipment.id = id.0, action = action.code()))]
pub async fn act(
    db: &Db,
    user: &CurrentUser,
    id: ShipmentId,
    action: ShipmentAction,
    version: Option<i64>,
) -> AppResult<ShipmentStatus> {
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    let (status, current) = store::lock(&mut tx, scope, id, db.for_update()).await?;
    if version.is_some_and(|v| v != current) {
        return Err(AppError::Conflict(Message::new("shipment.stale")));
    }
    let next = rules::transition(status, action).map_err(AppError::Conflict)?;
    let now = clock::now_text();
    match action {
        ShipmentAction::Ship => {
            let ids = store::order_ids(&mut tx, scope, id).await?;
            let found =
                store::orders_to_ship(&mut tx, scope, &ids, Some(id), db.for_update()).await?;
            rules::check_orders(&ids, &found).map_err(first_as_conflict)?;
            store::set_status(&mut tx, scope, id, next, &now).await?;
            store::mark_orders_shipped(&mut tx, scope, id, rules::ON_SHIP, &now).await?;
        }
        ShipmentAction::Sign => store::set_status(&mut tx, scope, id, next, &now).await?,
        ShipmentAction::Revert => {
            store::set_status(&mut tx, scope, id, next, &now).await?;
            store::unmark_orders_shipped(&mut tx, scope, id, rules::ON_WITHDRAW, &now).await?;
        }
    }
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        action.code(),
        AUDIT_KIND,
        Some(id.0),
        next.code(),
    )
    .await?;
    tx.commit().await?;
    Ok(next)
}

/// An action is not a form: the first problem with its orders is the reason it is refused.
fn first_as_conflict(errors: FieldErrors) -> AppError {
    match errors.iter().next() {
        Some(error) => AppError::Conflict(error.message.clone()),
        None => AppError::Conflict(Message::new("shipment.stale")),
    }
}

/// One shipment with its orders.
pub async fn show_shipment(db: &Db, scope: &Scope, id: ShipmentId) -> AppResult<Shipment> {
    Ok(store::find(db.pool(), scope, id).await?)
}

/// A page of the list with the count and freight of every matching shipment.
pub async fn list_shipments(
    db: &Db,
    scope: &Scope,
    filter: &ListFilter,
    page: i64,
) -> AppResult<ShipmentPage> {
    let page = page.max(1);
    let (lines, total_count, total_fee) =
        store::list(db.pool(), scope, filter, PAGE_SIZE, (page - 1) * PAGE_SIZE).await?;
    Ok(ShipmentPage {
        lines,
        total_count,
        total_fee,
        page,
        n_pages: ((total_count + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
    })
}

/// Every matching shipment (the export), newest first; at most 100,000.
pub async fn export_shipments(
    db: &Db,
    scope: &Scope,
    filter: &ListFilter,
) -> AppResult<Vec<ShipmentListLine>> {
    Ok(store::list(db.pool(), scope, filter, 100_000, 0).await?.0)
}
