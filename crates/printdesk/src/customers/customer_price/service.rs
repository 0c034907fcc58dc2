//! Use cases of cooperative prices, called by the pages, the API and the price calculation's
//! callers (order entry, the price preview) alike.

use std::collections::HashMap;

use chrono::NaiveDate;
use tracing::instrument;

use super::rules::{self, NewCustomerPrice};
use super::store::{self, ListFilter};
use super::{AUDIT_KIND, CustomerPrice, CustomerPriceId, CustomerPriceInput, Holder};
use crate::customers::customer::{self, CustomerId};
use crate::kernel::audit;
use crate::kernel::auth::CurrentUser;
use crate::kernel::clock;
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Message;
use crate::kernel::idempotency::{self, Claim};
use crate::kernel::tenancy::Scope;
use crate::system::product::rules::{PriceRule, RuleTarget};
use crate::system::product::{self, ProductId};
use crate::system::settings_list::{self, CUSTOMER_GROUP, PROCESS, PRODUCT_CATEGORY};

/// The target name of an `everything` rule inside labels.
const EVERYTHING_NAME: &str = "全部";

/// A rule with the names the clerk knows its holder and target by, and its label.
#[derive(Clone, Debug)]
pub struct CustomerPriceLine {
    pub price: CustomerPrice,
    pub holder_name: String,
    /// Empty for `everything` (pages show their own wording).
    pub target_name: String,
    /// "XX设计院：背胶PP 18.00元".
    pub label: String,
}

/// What the list is narrowed to; `None` is no filter.
#[derive(Clone, Debug, Default)]
pub struct PriceFilter {
    pub customer_id: Option<CustomerId>,
    pub customer_group_id: Option<i64>,
    /// `product`, `category`, `process` or `everything`; anything else is no filter.
    pub target_kind: Option<String>,
}

/// A choice in a select of the form.
#[derive(Clone, Debug)]
pub struct Choice {
    pub id: i64,
    pub label: String,
}

/// The choices of the rule form.
pub struct FormChoices {
    /// The customers found by the search (or the first page of customers), and the selected one.
    pub customers: Vec<Choice>,
    pub groups: Vec<Choice>,
    /// Categories in tree order, indented.
    pub categories: Vec<Choice>,
    pub processes: Vec<Choice>,
    pub products: Vec<Choice>,
}

/// The live cooperative prices of a customer (holder Customer) and of its customer group
/// (holder Group) that are valid on `date`, labelled for the clerk ("XX设计院：背胶PP 18.00元",
/// "广告同行：全部 85折"), ready for `system::product::rules::price_line`. `NotFound` if the
/// customer is not a live customer of this account set.
pub async fn price_rules_for(
    db: &Db,
    scope: &Scope,
    customer_id: i64,
    date: NaiveDate,
) -> AppResult<Vec<PriceRule>> {
    let lines = customer_rules(db, scope, CustomerId(customer_id)).await?;
    Ok(lines
        .into_iter()
        .filter(|line| rules::valid_on(line.price.valid_from, line.price.valid_to, date))
        .map(|line| rules::to_price_rule(&line.price, line.label))
        .collect())
}

/// Every live rule of a customer and of its group, whatever their dates: the customer's first.
/// `NotFound` if the customer is not a live customer of this account set.
pub async fn customer_rules(
    db: &Db,
    scope: &Scope,
    customer_id: CustomerId,
) -> AppResult<Vec<CustomerPriceLine>> {
    let customer = customer::service::show_customer(db, scope, customer_id).await?;
    let prices = store::rules_of(db.pool(), scope, customer_id, customer.customer_group_id).await?;
    let names = Names::load(db, scope).await?;
    Ok(prices
        .into_iter()
        .map(|(price, customer_name)| names.line(price, customer_name))
        .collect())
}

/// The live rules matching `filter`: customers' rules first, then groups', each by id.
pub async fn list_customer_prices(
    db: &Db,
    scope: &Scope,
    filter: &PriceFilter,
) -> AppResult<Vec<CustomerPriceLine>> {
    let target_kind = filter
        .target_kind
        .as_deref()
        .map(str::trim)
        .filter(|kind| ["product", "category", "process", "everything"].contains(kind));
    let store_filter = ListFilter {
        customer_id: filter.customer_id.map(|id| id.0),
        customer_group_id: filter.customer_group_id,
        target_kind,
    };
    let prices = store::list(db.pool(), scope, &store_filter).await?;
    let names = Names::load(db, scope).await?;
    Ok(prices
        .into_iter()
        .map(|(price, customer_name)| names.line(price, customer_name))
        .collect())
}

/// One live rule; `NotFound` if it is not in this account set.
pub async fn show_customer_price(
    db: &Db,
    scope: &Scope,
    id: CustomerPriceId,
) -> AppResult<CustomerPriceLine> {
    let (price, customer_name) = store::find_live(db.pool(), scope, id).await?;
    let names = Names::load(db, scope).await?;
    Ok(names.line(price, customer_name))
}

/// The choices of the rule form. `customer_query` narrows the customers (name, initials, phone);
/// `selected_customer` is always offered when it is a live customer.
pub async fn form_choices(
    db: &Db,
    scope: &Scope,
    customer_query: &str,
    selected_customer: Option<CustomerId>,
) -> AppResult<FormChoices> {
    let mut customers: Vec<Choice> = if customer_query.trim().is_empty() {
        customer::service::list_customers(db, scope, "", None, 1)
            .await?
            .lines
            .into_iter()
            .map(|line| Choice {
                id: line.customer.id.0,
                label: line.customer.name,
            })
            .collect()
    } else {
        customer::service::search_customers(db, scope, customer_query)
            .await?
            .into_iter()
            .map(|line| Choice {
                id: line.id.0,
                label: line.name,
            })
            .collect()
    };
    if let Some(selected) = selected_customer
        && !customers.iter().any(|c| c.id == selected.0)
    {
        match customer::service::show_customer(db, scope, selected).await {
            Ok(found) => customers.insert(
                0,
                Choice {
                    id: found.id.0,
                    label: found.name,
                },
            ),
            Err(AppError::NotFound) => {}
            Err(err) => return Err(err),
        }
    }
    let options = async |kind| -> AppResult<Vec<Choice>> {
        Ok(settings_list::service::options(db, scope, kind)
            .await?
            .into_iter()
            .map(|option| Choice {
                id: option.id,
                label: format!("{}{}", "\u{3000}".repeat(option.depth), option.name),
            })
            .collect())
    };
    Ok(FormChoices {
        customers,
        groups: options(&CUSTOMER_GROUP).await?,
        categories: options(&PRODUCT_CATEGORY).await?,
        processes: options(&PROCESS).await?,
        products: store::product_names(db.pool(), scope)
            .await?
            .into_iter()
            .filter(|(_, _, live)| *live)
            .map(|(id, label, _)| Choice { id, label })
            .collect(),
    })
}

/// Creates a rule. A repeated `form_nonce` returns the rule made the first time.
#[instrument(skip_all)]
pub async fn create_customer_price(
    db: &Db,
    user: &CurrentUser,
    input: &CustomerPriceInput,
) -> AppResult<CustomerPriceId> {
    let price = NewCustomerPrice::parse(input)?;
    let scope = user.scope();
    let names = Names::load(db, scope).await?;
    let mut tx = db.begin_write().await?;
    if let Claim::Seen(id) = idempotency::claim(&mut tx, &input.form_nonce, user.user_id.0).await? {
        return Ok(CustomerPriceId(id));
    }
    let holder_name = check_references(db, &mut tx, scope, &price).await?;
    let label = names.label_of(price.holder, &holder_name, price.target, price.kind);
    check_overlap(&mut tx, scope, &names, &holder_name, &price, None).await?;
    let id = store::insert(&mut tx, scope, &price, &clock::now_text()).await?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "create",
        AUDIT_KIND,
        Some(id.0),
        &label,
    )
    .await?;
    idempotency::complete(&mut tx, &input.form_nonce, id.0).await?;
    tx.commit().await?;
    tracing::info!(customer_price.id = id.0, "customer price created");
    Ok(id)
}

/// Changes a rule: holder, target, price, validity and remarks.
#[instrument(skip_all, fields(customer_price.id = id.0))]
pub async fn update_customer_price(
    db: &Db,
    user: &CurrentUser,
    id: CustomerPriceId,
    input: &CustomerPriceInput,
) -> AppResult<()> {
    let scope = user.scope();
    let mut tx = db.begin_write().await?;
    // A foreign or deleted id is "not found" whatever the input says.
    if !store::is_live(&mut tx, scope, id).await? {
        return Err(AppError::NotFound);
    }
    let price = NewCustomerPrice::parse(input)?;
    let names = Names::load(db, scope).await?;
    let holder_name = check_references(db, &mut tx, scope, &price).await?;
    let label = names.label_of(price.holder, &holder_name, price.target, price.kind);
    check_overlap(&mut tx, scope, &names, &holder_name, &price, Some(id)).await?;
    store::update(&mut tx, scope, id, &price, &clock::now_text()).await?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "update",
        AUDIT_KIND,
        Some(id.0),
        &label,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Marks a rule deleted. It holds no money, so it skips the recycle bin;
/// [`restore_customer_price`] brings it back.
#[instrument(skip_all, fields(customer_price.id = id.0))]
pub async fn delete_customer_price(
    db: &Db,
    user: &CurrentUser,
    id: CustomerPriceId,
) -> AppResult<()> {
    let scope = user.scope();
    let line = show_customer_price(db, scope, id).await?;
    let mut tx = db.begin_write().await?;
    store::soft_delete(&mut tx, scope, id, user.user_id.0, &clock::now_text()).await?;
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "delete",
        AUDIT_KIND,
        Some(id.0),
        &line.label,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Makes a deleted rule live again, unless a live rule now overlaps it (422 naming that rule).
#[instrument(skip_all, fields(customer_price.id = id.0))]
pub async fn restore_customer_price(
    db: &Db,
    user: &CurrentUser,
    id: CustomerPriceId,
) -> AppResult<()> {
    let scope = user.scope();
    let names = Names::load(db, scope).await?;
    let mut tx = db.begin_write().await?;
    let deleted = store::find_deleted(&mut tx, scope, id).await?;
    let price = NewCustomerPrice {
        holder: deleted.holder,
        target: deleted.target,
        kind: deleted.kind,
        valid_from: deleted.valid_from,
        valid_to: deleted.valid_to,
        remarks: deleted.remarks,
    };
    let holder_name = check_references(db, &mut tx, scope, &price).await?;
    check_overlap(&mut tx, scope, &names, &holder_name, &price, Some(id)).await?;
    store::restore(&mut tx, scope, id, &clock::now_text()).await?;
    let label = names.label_of(price.holder, &holder_name, price.target, price.kind);
    audit::record(
        &mut tx,
        Some(scope),
        Some(user.user_id),
        "restore",
        AUDIT_KIND,
        Some(id.0),
        &label,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The holder must be a live customer or a live customer group of this account set, the target a
/// live product, product category or process of it. Returns the holder's name; every bad
/// reference is reported at once.
async fn check_references(
    db: &Db,
    tx: &mut Tx,
    scope: &Scope,
    price: &NewCustomerPrice,
) -> AppResult<String> {
    let mut errors = FieldErrors::new();
    let holder_name = match price.holder {
        Holder::Customer(id) => match customer::service::show_customer(db, scope, id).await {
            Ok(found) => found.name,
            Err(AppError::NotFound) => {
                errors.add(
                    "customer_id",
                    Message::new("customer_price.customer_unknown"),
                );
                String::new()
            }
            Err(err) => return Err(err),
        },
        Holder::Group(id) => {
            if !settings_list::service::is_live_item(tx, scope, &CUSTOMER_GROUP, id).await? {
                errors.add(
                    "customer_group_id",
                    Message::new("customer_price.group_unknown"),
                );
            }
            String::new()
        }
    };
    let target_unknown = match price.target {
        RuleTarget::Product(id) => {
            match product::service::show_product(db, scope, ProductId(id)).await {
                Ok(_) => None,
                Err(AppError::NotFound) => Some("customer_price.product_unknown"),
                Err(err) => return Err(err),
            }
        }
        RuleTarget::Category(id) => {
            (!settings_list::service::is_live_item(tx, scope, &PRODUCT_CATEGORY, id).await?)
                .then_some("customer_price.category_unknown")
        }
        RuleTarget::Process(id) => (!settings_list::service::is_live_item(tx, scope, &PROCESS, id)
            .await?)
            .then_some("customer_price.process_unknown"),
        RuleTarget::Everything => None,
    };
    if let Some(key) = target_unknown {
        errors.add("target_id", Message::new(key));
    }
    errors.into_result(holder_name).map_err(AppError::from)
}

async fn check_overlap(
    tx: &mut Tx,
    scope: &Scope,
    names: &Names,
    holder_name: &str,
    price: &NewCustomerPrice,
    except: Option<CustomerPriceId>,
) -> AppResult<()> {
    let live: Vec<(CustomerPrice, String)> = store::same_slot(tx, scope, price)
        .await?
        .into_iter()
        .map(|existing| {
            let label =
                names.label_of(existing.holder, holder_name, existing.target, existing.kind);
            (existing, label)
        })
        .collect();
    rules::check_no_overlap(price, &live, except).map_err(AppError::from)
}

/// The names of groups, categories, processes and products by id, for labels. Disabled and
/// deleted items keep their names, so old rules still read well.
struct Names {
    groups: HashMap<i64, String>,
    categories: HashMap<i64, String>,
    processes: HashMap<i64, String>,
    products: HashMap<i64, String>,
}

impl Names {
    async fn load(db: &Db, scope: &Scope) -> AppResult<Names> {
        let items = async |kind| -> AppResult<HashMap<i64, String>> {
            Ok(settings_list::service::list_items(db, scope, kind)
                .await?
                .into_iter()
                .map(|line| (line.item.id, line.item.name))
                .collect())
        };
        Ok(Names {
            groups: items(&CUSTOMER_GROUP).await?,
            categories: items(&PRODUCT_CATEGORY).await?,
            processes: items(&PROCESS).await?,
            products: store::product_names(db.pool(), scope)
                .await?
                .into_iter()
                .map(|(id, name, _)| (id, name))
                .collect(),
        })
    }

    /// The name of `id` in `map`, or `#id` when it is gone.
    fn name(map: &HashMap<i64, String>, id: i64) -> String {
        map.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
    }

    /// A customer holder's name is passed in (it comes from the customers); a group's is looked up.
    fn holder(&self, holder: Holder, customer_name: &str) -> String {
        match holder {
            Holder::Customer(id) if customer_name.is_empty() => format!("#{}", id.0),
            Holder::Customer(_) => customer_name.to_owned(),
            Holder::Group(id) => Names::name(&self.groups, id),
        }
    }

    fn target(&self, target: RuleTarget) -> String {
        match target {
            RuleTarget::Product(id) => Names::name(&self.products, id),
            RuleTarget::Category(id) => Names::name(&self.categories, id),
            RuleTarget::Process(id) => Names::name(&self.processes, id),
            RuleTarget::Everything => String::new(),
        }
    }

    fn label_of(
        &self,
        holder: Holder,
        customer_name: &str,
        target: RuleTarget,
        kind: super::PriceKind,
    ) -> String {
        let target_name = match target {
            RuleTarget::Everything => EVERYTHING_NAME.to_owned(),
            _ => self.target(target),
        };
        rules::label(&self.holder(holder, customer_name), &target_name, kind)
    }

    fn line(&self, price: CustomerPrice, customer_name: String) -> CustomerPriceLine {
        CustomerPriceLine {
            holder_name: self.holder(price.holder, &customer_name),
            target_name: self.target(price.target),
            label: self.label_of(price.holder, &customer_name, price.target, price.kind),
            price,
        }
    }
}
