//! Use cases of orders, called by the pages and the API alike.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Duration, NaiveDate, Utc};
use tracing::instrument;

use super::rules::{
    self, Header, LineInput, OrderAction, OrderInput, OrderStatus, Totals, parse_header,
};
use super::store::{self, HeaderRow, ListFilter};
use super::{LineProcess, Order, OrderId, OrderLine, OrderListLine, RECYCLE_KIND};
use crate::kernel::audit;
use crate::kernel::auth::{CurrentUser, Permission, UserId};
use crate::kernel::batch::{self, BatchFuture, BatchJob};
use crate::kernel::clock;
use crate::kernel::db::{Db, StoreError, Tx, next_block_in_sequence};
use crate::kernel::deferred::Deferred;
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::{Locale, Message};
use crate::kernel::idempotency;
use crate::kernel::money::{DecimalPlaces, Money, Quantity};
use crate::kernel::recycle_bin;
use crate::kernel::tenancy::Scope;
use crate::orders::settings::{self, OrderSettings, TaskRelease};
use crate::orders::task;
use crate::system::product::PreviewInput;
use crate::system::product::ProductId;
use crate::system::product::service as products;
use crate::system::settings_list::{self, DELIVERY_METHOD, FEATURE_TAG, ORDER_CATEGORY};

/// Orders on one page of the list.
pub const PAGE_SIZE: i64 = 50;

/// An order priced but not saved: what the entry grid shows as the clerk types.
#[derive(Clone, Debug)]
pub struct Quote {
    pub lines: Vec<OrderLine>,
    pub totals: Totals,
    pub places: DecimalPlaces,
}

/// One page of the order list.
pub struct OrderPage {
    pub lines: Vec<OrderListLine>,
    pub total_count: i64,
    pub total_amount: Money,
    pub page: i64,
    pub n_pages: i64,
}

/// The shop's business day.
fn today() -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(&clock::today_local(), "%Y-%m-%d")
        .map_err(|err| AppError::Internal(anyhow::anyhow!("today's date: {err}")))
}

/// The due time a new order starts with: now plus the settings' hours, in the shop's time.
pub fn default_due_at(settings: &OrderSettings) -> String {
    let at = Utc::now() + Duration::hours(settings.default_due_hours);
    clock::display_local(&clock::to_text(at))
        .get(..16)
        .unwrap_or_default()
        .to_owned()
}

/// The front-desk settings of the account set.
pub async fn order_settings(db: &Db, scope: &Scope) -> AppResult<OrderSettings> {
    Ok(order_context(db, scope).await?.settings.clone())
}

/// Everything a quote or a save reads besides its input and the customer: the front-desk
/// settings, the pricing data and the ids of the header's live list items. Held in
/// `kernel::cache`, so pricing an order costs one read of the change counters when nothing
/// changed (docs/performance.md, order save).
struct OrderContext {
    settings: OrderSettings,
    pricing: std::sync::Arc<products::OrderPricing>,
    categories: HashSet<i64>,
    delivery_methods: HashSet<i64>,
    tags: HashSet<i64>,
}

async fn order_context(db: &Db, scope: &Scope) -> AppResult<std::sync::Arc<OrderContext>> {
    let counters = [
        products::PRICING_COUNTERS[0],
        products::PRICING_COUNTERS[1],
        settings::COUNTER,
    ];
    db.cache()
        .get_or_load_many(db.pool(), scope.id(), &counters, || async {
            let ids = |options: Vec<settings_list::ListOption>| {
                options.into_iter().map(|o| o.id).collect::<HashSet<i64>>()
            };
            Ok::<_, AppError>(OrderContext {
                settings: settings::load(db, scope).await?,
                pricing: products::order_pricing(db, scope).await?,
                categories: ids(settings_list::options(db, scope, &ORDER_CATEGORY).await?),
                delivery_methods: ids(settings_list::options(db, scope, &DELIVERY_METHOD).await?),
                tags: ids(settings_list::options(db, scope, &FEATURE_TAG).await?),
            })
        })
        .await
}

/// Moves every error of one line under `lines[i].`.
fn line_errors(index: usize, errors: FieldErrors, into: &mut FieldErrors) {
    for error in errors.iter() {
        into.add(
            format!("lines[{index}].{}", error.field),
            error.message.clone(),
        );
    }
}

/// What pricing a line needs besides the line.
struct LineContext<'a> {
    db: &'a Db,
    user: &'a CurrentUser,
    settings: &'a OrderSettings,
    pricing: &'a products::OrderPricing,
    date: NaiveDate,
    locale: Locale,
}

/// Prices every non-blank line of `input` for the header's customer. Every bad line and field is
/// reported at once.
async fn price_lines(
    ctx: &LineContext<'_>,
    input: &OrderInput,
    header: &Header,
) -> AppResult<Vec<OrderLine>> {
    let scope = ctx.user.scope();
    let rules = match header.customer_id {
        Some(id) => products::customer_price_rules(ctx.db, scope, id, ctx.date).await?,
        None => Vec::new(),
    };
    // Lines typed by code are looked up together: one read of the search index per order.
    let by_code = products::products_by_code(
        ctx.db,
        scope,
        input
            .lines
            .iter()
            .filter(|raw| !raw.is_blank() && raw.product_id.is_none())
            .map(|raw| raw.product_code.as_str()),
    )
    .await?;
    let mut errors = FieldErrors::new();
    let mut lines = Vec::new();
    for (index, raw) in input.lines.iter().enumerate() {
        if raw.is_blank() {
            continue;
        }
        match price_one(ctx, raw, &rules, &by_code) {
            Ok(mut line) => {
                line.line_no = i64::try_from(lines.len() + 1).unwrap_or(0);
                lines.push(line);
            }
            Err(AppError::Invalid(line_errs)) => line_errors(index, line_errs, &mut errors),
            Err(other) => return Err(other),
        }
    }
    errors.into_result(lines).map_err(AppError::Invalid)
}

fn price_one(
    ctx: &LineContext<'_>,
    raw: &LineInput,
    rules: &[crate::system::product::rules::PriceRule],
    by_code: &HashMap<&str, ProductId>,
) -> AppResult<OrderLine> {
    let LineContext {
        db: _,
        user,
        settings,
        pricing,
        date,
        locale,
    } = *ctx;
    let places = &pricing.places;
    let product_id = match raw.product_id {
        Some(id) => ProductId(id),
        None => match by_code.get(raw.product_code.as_str()) {
            Some(id) => *id,
            None => {
                return Err(AppError::field(
                    "product",
                    Message::new("order.product_unknown").arg("code", raw.product_code.trim()),
                ));
            }
        },
    };
    // Processes ticked by hand must be live 工序 of this account set: another account set's id,
    // or one deleted or switched off since the form was opened, is refused on the line.
    if let Some(ids) = &raw.process_ids
        && ids.iter().any(|id| !pricing.is_active_process(*id))
    {
        return Err(AppError::field(
            "process_ids",
            Message::new("order.process_unknown"),
        ));
    }
    let negotiated_or_override = raw.unit_price.trim().to_owned();
    let request = PreviewInput {
        product_id,
        customer_id: None,
        width: raw.width.clone(),
        height: raw.height.clone(),
        dimension_unit: raw.dimension_unit.clone(),
        quantity: raw.quantity.clone(),
        pages: raw.pages.clone(),
        sides: raw.sides.clone(),
        colour: raw.colour,
        unit_price: negotiated_or_override.clone(),
        process_ids: raw.process_ids.clone(),
    };
    let priced = match pricing.price_line(&request, rules, date) {
        Err(AppError::NotFound) => {
            return Err(AppError::field(
                "product",
                Message::new("order.product_unknown").arg("code", raw.product_code.trim()),
            ));
        }
        other => other?,
    };
    let product = &priced.product;
    let line = &priced.line;
    let negotiated = product.pricing_mode == crate::system::product::rules::PricingMode::Negotiated;
    let mut errors = FieldErrors::new();
    let mut unit_price = line.unit_price;
    let mut amount = line.amount;
    let mut override_reason = String::new();
    let mut override_by = None;
    let wants_price = !negotiated && !negotiated_or_override.is_empty();
    let wants_amount = !raw.amount.trim().is_empty();
    if wants_price || wants_amount {
        if !settings.allow_price_override {
            errors.add("unit_price", Message::new("order.override_disabled"));
        } else if !user.can(Permission::ORDER_PRICE_OVERRIDE) {
            errors.add(
                if wants_amount { "amount" } else { "unit_price" },
                Message::new("order.override_forbidden"),
            );
        }
        let reason = raw.override_reason.trim();
        if reason.is_empty() {
            errors.add(
                "override_reason",
                Message::new("order.override_reason_required"),
            );
        } else if reason.chars().count() > 200 {
            errors.add(
                "override_reason",
                Message::new("order.text_too_long").arg("max", 200),
            );
        }
        override_reason = reason.to_owned();
        override_by = Some(user.user_id.0);
        if wants_amount {
            match Money::parse(raw.amount.trim()) {
                Ok(m) if !m.is_negative() => {
                    amount = Money::rounded(m.to_decimal(), places.amount).unwrap_or(m);
                    if !line.billable_quantity.is_zero() {
                        unit_price = Money::rounded(
                            amount.to_decimal() / line.billable_quantity,
                            places.unit_price,
                        )
                        .unwrap_or(unit_price);
                    }
                }
                _ => errors.add("amount", Message::new("order.amount_invalid")),
            }
        } else {
            match Money::parse(&negotiated_or_override) {
                Ok(m) if !m.is_negative() => {
                    unit_price = m;
                    amount = Money::rounded(line.billable_quantity * m.to_decimal(), places.amount)
                        .unwrap_or(amount);
                }
                _ => errors.add("unit_price", Message::new("order.amount_invalid")),
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let process_amount = Money::from_scaled(line.processes.iter().map(|p| p.amount.scaled()).sum());
    let mut explanation: Vec<String> = line.explanation.iter().map(|m| m.render(locale)).collect();
    if override_by.is_some() {
        explanation.push(
            Message::new("order.explain.override")
                .arg("by", &user.display_name)
                .arg("reason", &override_reason)
                .render(locale),
        );
    }
    let specification = if raw.specification.trim().is_empty() {
        product.specification.clone()
    } else {
        raw.specification.trim().chars().take(100).collect()
    };
    let q = |d: rust_decimal::Decimal| Quantity::from_decimal(d).unwrap_or(Quantity::ZERO);
    Ok(OrderLine {
        id: 0,
        line_no: 0,
        product_id: product.id.0,
        product_code: product.code.clone(),
        product_name: product.name.clone(),
        unit_name: priced.unit_name.clone(),
        specification,
        pricing_mode: product.pricing_mode.code().to_owned(),
        dimension_unit: product.dimension_unit.code().to_owned(),
        width: q(priced.request.width),
        height: q(priced.request.height),
        quantity: q(priced.request.quantity),
        pages: q(priced.request.pages),
        sides: i64::from(priced.request.sides),
        colour: priced.request.colour,
        billable_quantity: q(line.billable_quantity),
        unit_price,
        amount,
        process_amount,
        line_total: Money::from_scaled(amount.scaled() + process_amount.scaled()),
        price_source: if override_by.is_some() {
            "override".to_owned()
        } else {
            products::price_source_code(&line.source).to_owned()
        },
        explanation: explanation.join("\n"),
        priced_amount: line.amount,
        override_reason,
        override_by,
        remarks: raw.remarks.trim().chars().take(200).collect(),
        processes: line
            .processes
            .iter()
            .map(|p| LineProcess {
                process_id: p.process_id,
                name: p.name.clone(),
                quantity: q(p.quantity),
                unit_price: p.unit_price,
                amount: p.amount,
            })
            .collect(),
    })
}

/// Checks the header's list items and customer, prices the lines and adds up the order.
async fn prepare(
    db: &Db,
    user: &CurrentUser,
    input: &OrderInput,
    locale: Locale,
) -> AppResult<(Header, Vec<OrderLine>, Totals, OrderSettings, DecimalPlaces)> {
    let scope = user.scope();
    let context = order_context(db, scope).await?;
    let settings = context.settings.clone();
    let date = today()?;
    let header_result = parse_header(input, &settings, date);
    let places = context.pricing.places;
    // Price the lines even when the header is bad, so the clerk sees every problem at once.
    let header_for_pricing = header_result.clone().unwrap_or_else(|_| Header {
        customer_id: None,
        walk_in_name: String::new(),
        walk_in_mobile: String::new(),
        contact_person: String::new(),
        contact_phone: String::new(),
        category_id: None,
        delivery_method_id: None,
        delivery_address: String::new(),
        due_at: None,
        sales_person_id: None,
        remarks: String::new(),
        tag_ids: Vec::new(),
        discount: Money::ZERO,
        tax_rate: settings.default_tax_rate,
    });
    let mut errors = match &header_result {
        Ok(_) => FieldErrors::new(),
        Err(errors) => errors.clone(),
    };
    let ctx = LineContext {
        db,
        user,
        settings: &settings,
        pricing: context.pricing.as_ref(),
        date,
        locale,
    };
    let lines = match price_lines(&ctx, input, &header_for_pricing).await {
        Ok(lines) => lines,
        Err(AppError::Invalid(line_errors)) => {
            for e in line_errors.iter() {
                errors.add(e.field.clone(), e.message.clone());
            }
            Vec::new()
        }
        Err(other) => return Err(other),
    };
    check_items(db, scope, &context, &header_for_pricing, &mut errors).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let header = header_result.map_err(AppError::Invalid)?;
    let sums: Vec<(Money, Money)> = lines.iter().map(|l| (l.amount, l.process_amount)).collect();
    let totals = rules::totals(&sums, &settings, header.discount, header.tax_rate, &places)?;
    Ok((header, lines, totals, settings, places))
}

/// The header's category, delivery method and tags must be live items of this account set, the
/// sales person an active user of it.
async fn check_items(
    db: &Db,
    scope: &Scope,
    context: &OrderContext,
    header: &Header,
    errors: &mut FieldErrors,
) -> AppResult<()> {
    if header
        .category_id
        .is_some_and(|id| !context.categories.contains(&id))
    {
        errors.add("category_id", Message::new("order.choice_unknown"));
    }
    if header
        .delivery_method_id
        .is_some_and(|id| !context.delivery_methods.contains(&id))
    {
        errors.add("delivery_method_id", Message::new("order.choice_unknown"));
    }
    if header.tag_ids.iter().any(|id| !context.tags.contains(id)) {
        errors.add("tag_ids", Message::new("order.choice_unknown"));
    }
    if let Some(id) = header.sales_person_id
        && !store::is_active_user_here(db.pool(), scope, id).await?
    {
        errors.add("sales_person_id", Message::new("order.choice_unknown"));
    }
    Ok(())
}

/// Prices an order without saving anything: the live totals of the entry grid and
/// `POST /api/v1/orders/quote`.
pub async fn quote(
    db: &Db,
    user: &CurrentUser,
    input: &OrderInput,
    locale: Locale,
) -> AppResult<Quote> {
    let (_, lines, totals, _, places) = prepare(db, user, input, locale).await?;
    Ok(Quote {
        lines,
        totals,
        places,
    })
}

/// A saved order as stored, and the decimal places to show it at.
pub struct Saved {
    pub order: Order,
    pub places: DecimalPlaces,
}

/// Saves a new order as a draft (its tasks are released on save or on approval, per 任务设置).
/// A repeated `form_nonce` returns the order made the first time, so a double-clicked save
/// creates one order. Orders saved at the same moment are written together (`kernel::batch`).
#[instrument(skip_all)]
pub async fn create_order(
    db: &Db,
    user: &CurrentUser,
    input: &OrderInput,
    locale: Locale,
) -> AppResult<Saved> {
    let (header, lines, totals, settings, places) = prepare(db, user, input, locale).await?;
    let job = NewOrderJob {
        scope: *user.scope(),
        user_id: user.user_id,
        user_name: user.display_name.clone(),
        header,
        lines,
        totals,
        number_prefix: settings.number_prefix,
        tax_inclusive: settings.tax_inclusive,
        release_on_save: settings.task_release == TaskRelease::OnSave,
        nonce: input.form_nonce.trim().to_owned(),
    };
    let order = match batch::write(db, job).await? {
        Written::New(order) => *order,
        Written::Earlier(id) => show_order(db, user.scope(), id).await?,
    };
    Ok(Saved { order, places })
}

/// A priced, checked new order waiting for the batch writer.
struct NewOrderJob {
    scope: Scope,
    user_id: UserId,
    user_name: String,
    header: Header,
    lines: Vec<OrderLine>,
    totals: Totals,
    number_prefix: String,
    tax_inclusive: bool,
    release_on_save: bool,
    nonce: String,
}

/// What a saved job gets back.
#[derive(Clone)]
enum Written {
    /// The order just written, as stored.
    New(Box<Order>),
    /// The form was saved before (a repeated nonce): that order, to be read.
    Earlier(OrderId),
}

impl BatchJob for NewOrderJob {
    type Output = Written;

    fn write<'a>(_db: &'a Db, tx: &'a mut Tx, jobs: &'a [Self]) -> BatchFuture<'a, Written> {
        Box::pin(write_new_orders(tx, jobs))
    }
}

/// Why a job of a batch was not written.
#[derive(Clone, Copy)]
enum Refusal {
    /// The customer was deleted (or never was in this account set) after the order was priced.
    CustomerGone,
}

impl Refusal {
    fn error(self) -> AppError {
        match self {
            Refusal::CustomerGone => {
                AppError::field("customer_id", Message::new("product.customer_unknown"))
            }
        }
    }
}

/// What became of one job of a batch.
#[derive(Clone, Copy)]
enum Outcome {
    Saved(OrderId),
    Refused(Refusal),
    /// The same form twice in one batch (a double click): the answer of the first.
    SameAs(usize),
}

/// Writes a batch of new orders: numbers taken as one block per account set, then one insert
/// per table for all of them, one audit insert and one record of the form nonces.
async fn write_new_orders(tx: &mut Tx, jobs: &[NewOrderJob]) -> AppResult<Vec<AppResult<Written>>> {
    let date = today()?;
    let day = date.format("%Y%m%d").to_string();
    let order_date = date.format("%Y-%m-%d").to_string();
    let now = clock::now_text();
    let mut outcomes: Vec<Option<Outcome>> = vec![None; jobs.len()];
    let mut written: HashMap<usize, Order> = HashMap::new();

    // Repeats: a form saved before, or twice in this batch.
    let nonces: Vec<&str> = jobs.iter().map(|job| job.nonce.as_str()).collect();
    let seen = idempotency::seen_many(tx, &nonces).await?;
    let mut first_of: HashMap<&str, usize> = HashMap::new();
    for (i, job) in jobs.iter().enumerate() {
        if job.nonce.is_empty() {
            continue;
        }
        if let Some(id) = seen.get(&job.nonce) {
            outcomes[i] = Some(Outcome::Saved(OrderId(*id)));
        } else if let Some(first) = first_of.get(job.nonce.as_str()) {
            outcomes[i] = Some(Outcome::SameAs(*first));
        } else {
            first_of.insert(&job.nonce, i);
        }
    }

    // Each account set's orders: customers still there, a block of numbers, the rows.
    let mut by_set: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (i, job) in jobs.iter().enumerate() {
        if outcomes[i].is_none() {
            by_set.entry(job.scope.id()).or_default().push(i);
        }
    }
    let mut audit_entries = Vec::new();
    let mut made = Vec::new();
    // Tags, processes, search values, audit and nonces: one hand-off at the end on SQLite.
    let mut deferred = Deferred::new();
    for indexes in by_set.values() {
        let scope = &jobs[indexes[0]].scope;
        let wanted: Vec<i64> = indexes
            .iter()
            .filter_map(|&i| jobs[i].header.customer_id)
            .collect();
        let live = store::live_customers(tx, scope, &wanted).await?;
        let mut to_write = Vec::with_capacity(indexes.len());
        for &i in indexes {
            match jobs[i].header.customer_id {
                Some(id) if !live.contains_key(&id) => {
                    outcomes[i] = Some(Outcome::Refused(Refusal::CustomerGone));
                }
                _ => to_write.push(i),
            }
        }
        if to_write.is_empty() {
            continue;
        }
        let count = i64::try_from(to_write.len()).unwrap_or(i64::MAX);
        let first = next_block_in_sequence(tx, scope.id(), "order", &day, count).await?;
        let rows: Vec<store::NewOrder<'_>> = to_write
            .iter()
            .zip(first..)
            .map(|(&i, seq)| store::NewOrder {
                number: format!("{}{day}{seq:04}", jobs[i].number_prefix),
                order_date: &order_date,
                status: OrderStatus::Draft,
                row: HeaderRow {
                    header: &jobs[i].header,
                    totals: &jobs[i].totals,
                    tax_inclusive: jobs[i].tax_inclusive,
                    now: &now,
                },
                created_by: jobs[i].user_id.0,
            })
            .collect();
        let ids = store::insert_many(tx, &mut deferred, scope, &rows).await?;
        let children: Vec<store::Children<'_>> = to_write
            .iter()
            .zip(&ids)
            .map(|(&i, id)| store::Children {
                order_id: *id,
                lines: &jobs[i].lines,
                tag_ids: &jobs[i].header.tag_ids,
            })
            .collect();
        let line_ids = store::insert_children(tx, &mut deferred, scope, &children).await?;
        if to_write.iter().any(|&i| jobs[i].release_on_save) {
            // Releasing tasks reads the lines' processes.
            deferred.run(tx).await?;
        }
        for ((&i, id), row) in to_write.iter().zip(&ids).zip(&rows) {
            let job = &jobs[i];
            let customer_name = job
                .header
                .customer_id
                .and_then(|c| live.get(&c).cloned())
                .unwrap_or_default();
            written.insert(
                i,
                store::as_written(
                    row,
                    *id,
                    &job.lines,
                    &line_ids,
                    customer_name,
                    job.user_name.clone(),
                ),
            );
            if job.release_on_save {
                task::release(tx, scope, *id, job.header.due_at.as_deref(), &now).await?;
            }
            audit_entries.push(audit::NewEntry {
                scope,
                user_id: job.user_id,
                action: "create",
                doc_kind: RECYCLE_KIND.key,
                doc_id: id.0,
                summary: format!("{} {}", row.number, job.totals.total),
            });
            made.push((job.nonce.as_str(), job.user_id.0, id.0));
            outcomes[i] = Some(Outcome::Saved(*id));
            tracing::info!(order.id = id.0, order.number = %row.number, "order created");
        }
    }
    audit::record_many(&mut deferred, &audit_entries);
    idempotency::record_many(&mut deferred, &made);
    deferred.run(tx).await?;

    let answer = |i: usize| match outcomes[i] {
        Some(Outcome::Saved(id)) => Ok(written.get(&i).map_or(Written::Earlier(id), |order| {
            Written::New(Box::new(order.clone()))
        })),
        Some(Outcome::Refused(refusal)) => Err(refusal.error()),
        Some(Outcome::SameAs(_)) | None => Err(AppError::Internal(anyhow::anyhow!(
            "an order of the batch was left unwritten"
        ))),
    };
    Ok((0..jobs.len())
        .map(|i| match outcomes[i] {
            Some(Outcome::SameAs(first)) => answer(first),
            _ => answer(i),
        })
        .collect())
}

/// 快速开单: one walk-in line (an ID copy, a few prints), saved and approved at once.
pub async fn quick_sale(
    db: &Db,
    user: &CurrentUser,
    line: LineInput,
    form_nonce: String,
    locale: Locale,
) -> AppResult<OrderId> {
    let input = OrderInput {
        lines: vec![line],
        form_nonce,
        ..OrderInput::default()
    };
    let order = create_order(db, user, &input, locale).await?.order;
    let id = order.id;
    if order.status == OrderStatus::Draft {
        act(db, user, id, OrderAction::Approve, None).await?;
    }
    Ok(id)
}

/// Changes a draft. Refused when someone saved since `input.version`, or when the order is no
/// longer a draft (反审核 first).
#[instrument(skip_all, fields(order.id = id.0))]
pub async fn update_order(
    db: &Db,
    user: &CurrentUser,
    id: OrderId,
    input: &OrderInput,
    locale: Locale,
) -> AppResult<()> {
    let (header, lines, totals, settings, _) = prepare(db, user, input, locale).await?;
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    let (status, version) = store::lock(&mut tx, scope, id, db.for_update()).await?;
    if !status.is_editable() {
        return Err(AppError::Conflict(Message::new("order.not_draft")));
    }
    let expected = input.version.unwrap_or(version);
    if expected != version {
        return Err(AppError::Conflict(Message::new("order.stale")));
    }
    if let Some(customer_id) = header.customer_id
        && store::live_customers(&mut tx, scope, &[customer_id])
            .await?
            .is_empty()
    {
        return Err(Refusal::CustomerGone.error());
    }
    let now = clock::now_text();
    let row = HeaderRow {
        header: &header,
        totals: &totals,
        tax_inclusive: settings.tax_inclusive,
        now: &now,
    };
    let mut deferred = Deferred::new();
    match store::update(&mut tx, &mut deferred, scope, id, version, &row).await {
        Err(StoreError::NotFound) => {
            return Err(AppError::Conflict(Message::new("order.stale")));
        }
        other => other?,
    }
    task::withdraw(&mut tx, scope, id).await?;
    let children = store::Children {
        order_id: id,
        lines: &lines,
        tag_ids: &header.tag_ids,
    };
    store::insert_children(&mut tx, &mut deferred, scope, &[children]).await?;
    deferred.run(&mut tx).await?;
    if settings.task_release == TaskRelease::OnSave {
        task::release(&mut tx, scope, id, header.due_at.as_deref(), &now).await?;
    }
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "update",
        RECYCLE_KIND.key,
        Some(id.0),
        &totals.total.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The permission an action needs.
pub fn permission_for(action: OrderAction) -> Permission {
    match action {
        OrderAction::Approve => Permission::ORDER_APPROVE,
        OrderAction::Unapprove => Permission::ORDER_UNAPPROVE,
        OrderAction::Cancel => Permission::ORDER_CANCEL,
        OrderAction::Finish | OrderAction::Deliver => Permission::ORDER_CREATE,
    }
}

/// Applies a life-cycle action. Approving checks the customer's credit limit (warn: allowed;
/// block: refused when the order would take the open balance over it) and releases the tasks;
/// un-approving withdraws them. `version`, when given, must be the current one.
#[instrument(skip_all, fields(order.id = id.0, action = action.code()))]
pub async fn act(
    db: &Db,
    user: &CurrentUser,
    id: OrderId,
    action: OrderAction,
    version: Option<i64>,
) -> AppResult<OrderStatus> {
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    let (status, current) = store::lock(&mut tx, scope, id, db.for_update()).await?;
    if version.is_some_and(|v| v != current) {
        return Err(AppError::Conflict(Message::new("order.stale")));
    }
    let facts = store::facts(&mut tx, scope, id).await?;
    let next = rules::transition(status, action, &facts).map_err(AppError::Conflict)?;
    let now = clock::now_text();
    if action == OrderAction::Approve {
        check_credit(&mut tx, scope, id).await?;
    }
    store::set_status(&mut tx, scope, id, next, user.user_id.0, &now).await?;
    match action {
        OrderAction::Approve => {
            let due = store::due_at(&mut tx, scope, id).await?;
            task::release(&mut tx, scope, id, due.as_deref(), &now).await?;
        }
        OrderAction::Unapprove | OrderAction::Cancel => task::withdraw(&mut tx, scope, id).await?,
        OrderAction::Finish | OrderAction::Deliver => {}
    }
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        action.code(),
        RECYCLE_KIND.key,
        Some(id.0),
        next.code(),
    )
    .await?;
    tx.commit().await?;
    Ok(next)
}

/// 信用额度 with mode block: the customer's open orders (approved, not closed or cancelled, less
/// what was paid) plus this one may not exceed the limit. Mode warn never refuses; the order page
/// shows the warning.
async fn check_credit(tx: &mut crate::kernel::db::Tx, scope: &Scope, id: OrderId) -> AppResult<()> {
    let Some((total, limit, mode, customer_id)) = store::credit_terms(tx, scope, id).await? else {
        return Ok(());
    };
    if limit <= 0 || mode != "block" {
        return Ok(());
    }
    let open = store::open_balance(&mut **tx, scope, customer_id, id).await?;
    if open + total > limit {
        return Err(AppError::Conflict(
            Message::new("order.credit_blocked")
                .arg("open", Money::from_scaled(open).format(2))
                .arg("limit", Money::from_scaled(limit).format(2)),
        ));
    }
    Ok(())
}

/// The customer's open balance against its credit limit, for the warning on the order page:
/// `Some((open including this order, limit))` when over a limit.
pub async fn credit_warning(
    db: &Db,
    scope: &Scope,
    order: &Order,
) -> AppResult<Option<(Money, Money)>> {
    let Some(customer_id) = order.customer_id else {
        return Ok(None);
    };
    let limit = store::credit_limit(db.pool(), scope, customer_id).await?;
    let Some(limit) = limit.filter(|l| *l > 0) else {
        return Ok(None);
    };
    let open = store::open_balance(db.pool(), scope, customer_id, order.id).await?;
    let with_this = open + order.total.scaled();
    Ok((with_this > limit).then(|| (Money::from_scaled(with_this), Money::from_scaled(limit))))
}

/// Moves an order to 订单回收站. Refused when money is posted against it (reverse it first) or
/// production has started.
pub async fn delete_order(db: &Db, user: &CurrentUser, id: OrderId) -> AppResult<()> {
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    let (_, _) = store::lock(&mut tx, scope, id, db.for_update()).await?;
    let facts = store::facts(&mut tx, scope, id).await?;
    if !facts.paid.is_zero() {
        return Err(AppError::Conflict(Message::new("order.delete_paid")));
    }
    if facts.shipped {
        return Err(AppError::Conflict(Message::new("order.unapprove_shipped")));
    }
    if facts.tasks_started > 0 {
        return Err(AppError::Conflict(Message::new("order.unapprove_started")));
    }
    recycle_bin::move_to_bin(&mut tx, scope, &RECYCLE_KIND, id.0, user.user_id).await?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "delete",
        RECYCLE_KIND.key,
        Some(id.0),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One live order with its lines.
pub async fn show_order(db: &Db, scope: &Scope, id: OrderId) -> AppResult<Order> {
    Ok(store::find(db.pool(), scope, id).await?)
}

/// A page of the list with the count and the sum of every matching order.
pub async fn list_orders(
    db: &Db,
    scope: &Scope,
    filter: &ListFilter,
    page: i64,
) -> AppResult<OrderPage> {
    let page = page.max(1);
    let (lines, total_count, total_amount) = store::list(
        db.pool(),
        db.backend(),
        scope,
        filter,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE,
    )
    .await?;
    Ok(OrderPage {
        lines,
        total_count,
        total_amount,
        page,
        n_pages: ((total_count + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
    })
}

/// Every matching order (the export), newest first unless sorted otherwise; at most 100,000.
pub async fn export_orders(
    db: &Db,
    scope: &Scope,
    filter: &ListFilter,
) -> AppResult<Vec<OrderListLine>> {
    Ok(
        store::list(db.pool(), db.backend(), scope, filter, 100_000, 0)
            .await?
            .0,
    )
}
