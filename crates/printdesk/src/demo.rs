//! `printdesk demo`: fills an account set with a realistic print shop — products over every
//! pricing mode, customers, suppliers and a few cooperative prices — deterministically from a
//! seed (the same seed gives the same codes and names).
//!
//! Everything goes through the features' public service functions (`create_product`,
//! `create_customer`, `create_supplier`, `create_customer_price`), so every rule, unique index
//! and audit entry holds. Those services act for a [`CurrentUser`], which only the kernel's
//! extractor builds; the demo therefore acts as its own user `demo-data` (演示数据, no role, a
//! fresh random password each run that is never shown), signs in with a short-lived API token
//! and revokes it at the end. Items are saved in a few parallel lanes (more on PostgreSQL, where
//! writers do not queue behind one lock).
//!
//! A run leaves the marker `demo.seeded` in the account set's `settings`; a second run into the
//! same account set is refused unless forced.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::extract::FromRequestParts;

use crate::customers::contact::ContactInput;
use crate::customers::customer::CustomerInput;
use crate::customers::customer_price::CustomerPriceInput;
use crate::customers::supplier::SupplierInput;
use crate::kernel::auth::{self, ClientInfo, CurrentUser};
use crate::kernel::db::{Backend, Db};
use crate::kernel::error::AppError;
use crate::kernel::i18n::Locale;
use crate::kernel::tenancy::{AccountSetId, Scope};
use crate::kernel::web::{AppState, Config};
use crate::system::product::{ProductInput, TierInput};
use crate::system::settings_list::{
    self, CUSTOMER_GROUP, CUSTOMER_RELATION, PROCESS, PRODUCT_CATEGORY, SUPPLY_SCOPE, UNIT,
};

/// The user the demo acts as.
pub const DEMO_LOGIN: &str = "demo-data";
/// The `settings` key that marks an account set as filled by the demo.
pub const MARKER_KEY: &str = "demo.seeded";

/// What `printdesk demo` was asked to do.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    /// Name or id of the account set; the first one when `None`.
    pub account_set: Option<String>,
    pub seed: u64,
    pub customers: usize,
    pub products: usize,
    pub suppliers: usize,
    /// Years of order history, ending yesterday.
    pub years: u32,
    /// Orders on an average weekday (0: no order history).
    pub orders_per_day: u32,
    /// Run even if the account set holds the demo marker.
    pub force: bool,
}

impl Default for DemoOptions {
    fn default() -> DemoOptions {
        DemoOptions {
            account_set: None,
            seed: 1,
            customers: 2000,
            products: 300,
            suppliers: 50,
            years: 1,
            orders_per_day: 150,
            force: false,
        }
    }
}

/// What a run created and how long each part took.
#[derive(Clone, Debug)]
pub struct DemoReport {
    pub account_set_id: AccountSetId,
    pub account_set_name: String,
    pub products: usize,
    pub customers: usize,
    pub suppliers: usize,
    pub customer_prices: usize,
    pub orders: crate::demo_orders::HistoryReport,
    pub products_took: Duration,
    pub customers_took: Duration,
    pub suppliers_took: Duration,
    pub total_took: Duration,
}

impl std::fmt::Display for DemoReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "demo data in account set {} (id {}):",
            self.account_set_name, self.account_set_id.0
        )?;
        writeln!(
            f,
            "  products        {:>8}  in {:.1} s",
            self.products,
            self.products_took.as_secs_f64()
        )?;
        writeln!(
            f,
            "  customers       {:>8}  in {:.1} s",
            self.customers,
            self.customers_took.as_secs_f64()
        )?;
        writeln!(
            f,
            "  suppliers       {:>8}  in {:.1} s",
            self.suppliers,
            self.suppliers_took.as_secs_f64()
        )?;
        writeln!(f, "  customer prices {:>8}", self.customer_prices)?;
        writeln!(
            f,
            "  orders          {:>8}  in {:.1} s ({} lines, {} shipments)",
            self.orders.orders,
            self.orders.took.as_secs_f64(),
            self.orders.lines,
            self.orders.shipments
        )?;
        write!(f, "  total {:.1} s", self.total_took.as_secs_f64())
    }
}

/// Why a run was refused before it wrote anything.
#[derive(Debug)]
pub enum DemoRefusal {
    NotSetUp,
    UnknownAccountSet(String),
    AlreadySeeded { account_set_name: String },
}

impl std::fmt::Display for DemoRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DemoRefusal::NotSetUp => write!(
                f,
                "the database is not set up yet: run `printdesk init` or open the set-up page first"
            ),
            DemoRefusal::UnknownAccountSet(name) => {
                write!(f, "no account set is named or numbered {name:?}")
            }
            DemoRefusal::AlreadySeeded { account_set_name } => write!(
                f,
                "account set {account_set_name} already holds demo data ({MARKER_KEY}); pass --force to add more"
            ),
        }
    }
}

impl std::error::Error for DemoRefusal {}

/// Fills the account set. Refused (with a [`DemoRefusal`]) when the database is not set up, the
/// account set does not exist, or it holds demo data already and `force` is not set.
pub async fn run(db: &Db, options: &DemoOptions) -> anyhow::Result<DemoReport> {
    let started = Instant::now();
    if !crate::system::setup::service::is_set_up(db).await? {
        return Err(DemoRefusal::NotSetUp.into());
    }
    let sets = crate::system::account_set::service::list_account_sets(db).await?;
    let chosen = match options.account_set.as_deref().map(str::trim) {
        None | Some("") => sets.first(),
        Some(wanted) => sets
            .iter()
            .find(|set| set.name == wanted || set.id.0.to_string() == wanted),
    };
    let Some(chosen) = chosen else {
        return Err(DemoRefusal::UnknownAccountSet(
            options.account_set.clone().unwrap_or_default(),
        )
        .into());
    };
    let (account_set_id, account_set_name) = (chosen.id, chosen.name.clone());
    let scope = Scope::for_operator_task(account_set_id);
    if !options.force && store::is_seeded(db, &scope).await? {
        return Err(DemoRefusal::AlreadySeeded { account_set_name }.into());
    }
    // A forced run into a filled account set tags its codes and names with the seed, so they
    // do not collide with the earlier run's (the same seed twice is still refused by the services).
    let seeded_before = store::is_seeded(db, &scope).await?;
    let (code_tag, name_tag) = if seeded_before {
        let batch = options.seed % 10_000;
        (format!("-B{batch}"), format!("（B{batch}）"))
    } else {
        (String::new(), String::new())
    };
    let (user, token_id) = acting_user(db, account_set_id).await?;
    let lists = Lists::load(db, &scope).await?;
    let mut rng = SplitMix64::new(options.seed);
    let mut products_rng = rng.fork();
    let mut customers_rng = rng.fork();
    let mut suppliers_rng = rng.fork();

    let phase = Instant::now();
    let mut product_inputs = product_inputs(&mut products_rng, &lists, options.products)?;
    for input in &mut product_inputs {
        input.code.push_str(&code_tag);
        input.name.push_str(&name_tag);
    }
    let product_ids = save_all(db, &user, product_inputs, |db, user, input| async move {
        crate::system::product::service::create_product(&db, &user, &input)
            .await
            .map(|id| id.0)
            .map_err(|err| describe(err, &format!("product {} {}", input.code, input.name)))
    })
    .await?;
    let products_took = phase.elapsed();

    let phase = Instant::now();
    let mut customer_inputs = customer_inputs(&mut customers_rng, &lists, options.customers);
    for input in &mut customer_inputs {
        input.name.push_str(&name_tag);
    }
    let customer_rows: Vec<(String, bool)> = customer_inputs
        .iter()
        .map(|input| {
            (
                input.name.clone(),
                input.customer_group_id == lists.group("广告同行").to_string(),
            )
        })
        .collect();
    let customer_ids = save_all(db, &user, customer_inputs, |db, user, input| async move {
        crate::customers::customer::service::create_customer(&db, &user, &input)
            .await
            .map(|saved| saved.id.0)
            .map_err(|err| describe(err, &format!("customer {}", input.name)))
    })
    .await?;
    let customers_took = phase.elapsed();

    let phase = Instant::now();
    let mut supplier_inputs = supplier_inputs(&mut suppliers_rng, &lists, options.suppliers);
    for input in &mut supplier_inputs {
        input.name.push_str(&name_tag);
    }
    let supplier_ids = save_all(db, &user, supplier_inputs, |db, user, input| async move {
        crate::customers::supplier::service::create_supplier(&db, &user, &input)
            .await
            .map(|id| id.0)
            .map_err(|err| describe(err, &format!("supplier {}", input.name)))
    })
    .await?;
    let suppliers_took = phase.elapsed();

    let price_inputs = price_inputs(
        &lists,
        &product_ids,
        &customer_ids,
        &customer_rows,
        seeded_before,
    );
    let customer_prices = price_inputs.len();
    for input in price_inputs {
        crate::customers::customer_price::service::create_customer_price(db, &user, &input)
            .await
            .map_err(|err| describe(err, "customer price"))?;
    }
    let orders = if options.orders_per_day > 0 && options.years > 0 {
        crate::demo_orders::generate(
            db,
            &user,
            options.seed,
            crate::demo_orders::HistoryOptions {
                years: options.years,
                orders_per_day: options.orders_per_day,
            },
            &customer_ids,
        )
        .await?
    } else {
        crate::demo_orders::HistoryReport::default()
    };
    auth::revoke_api_token(db, &user, token_id)
        .await
        .map_err(|err| describe(err, "revoking the demo token"))?;
    store::mark_seeded(db, &scope, options.seed).await?;
    Ok(DemoReport {
        account_set_id,
        account_set_name,
        products: product_ids.len(),
        customers: customer_ids.len(),
        suppliers: supplier_ids.len(),
        customer_prices,
        orders,
        products_took,
        customers_took,
        suppliers_took,
        total_took: started.elapsed(),
    })
}

fn describe(err: AppError, what: &str) -> anyhow::Error {
    match &err {
        AppError::Invalid(_) => anyhow::anyhow!("{what}: {:?}", err.messages(Locale::En)),
        _ => anyhow::anyhow!("{what}: {err:?}"),
    }
}

/// Saves `inputs` in parallel lanes, returning the ids in input order. Every [`CHUNK`] items the
/// tables are analysed, so the planner knows they grew (PostgreSQL without autovacuum would keep
/// planning for empty tables and slow to a crawl).
async fn save_all<I, F, Fut>(
    db: &Db,
    user: &CurrentUser,
    inputs: Vec<I>,
    save: F,
) -> anyhow::Result<Vec<i64>>
where
    I: Send + 'static,
    F: Fn(Db, CurrentUser, I) -> Fut + Send + Sync + Copy + 'static,
    Fut: std::future::Future<Output = anyhow::Result<i64>> + Send,
{
    let lanes = match db.backend() {
        Backend::Sqlite => 2,
        Backend::Postgres => 8,
    };
    let mut ids = Vec::with_capacity(inputs.len());
    let mut inputs = inputs.into_iter().peekable();
    while inputs.peek().is_some() {
        let chunk: Vec<I> = inputs.by_ref().take(CHUNK).collect();
        ids.extend(save_chunk(db, user, chunk, lanes, save).await?);
        store::analyze(db).await?;
    }
    Ok(ids)
}

/// Items saved between two `analyze` runs.
const CHUNK: usize = 5_000;

async fn save_chunk<I, F, Fut>(
    db: &Db,
    user: &CurrentUser,
    inputs: Vec<I>,
    lanes: usize,
    save: F,
) -> anyhow::Result<Vec<i64>>
where
    I: Send + 'static,
    F: Fn(Db, CurrentUser, I) -> Fut + Send + Sync + Copy + 'static,
    Fut: std::future::Future<Output = anyhow::Result<i64>> + Send,
{
    let n = inputs.len();
    let mut per_lane: Vec<Vec<(usize, I)>> = (0..lanes).map(|_| Vec::new()).collect();
    for (idx, input) in inputs.into_iter().enumerate() {
        per_lane[idx % lanes].push((idx, input));
    }
    let mut tasks = tokio::task::JoinSet::new();
    for lane in per_lane {
        let db = db.clone();
        let user = user.clone();
        tasks.spawn(async move {
            let mut ids = Vec::with_capacity(lane.len());
            for (idx, input) in lane {
                ids.push((idx, save(db.clone(), user.clone(), input).await?));
            }
            anyhow::Ok(ids)
        });
    }
    let mut ids = vec![0; n];
    while let Some(joined) = tasks.join_next().await {
        for (idx, id) in joined.context("a demo task failed")?? {
            ids[idx] = id;
        }
    }
    Ok(ids)
}

/// The demo's own user in this account set, signed in with a fresh API token (returned with its
/// id for revoking). The password is random each run and never shown.
async fn acting_user(db: &Db, account_set_id: AccountSetId) -> anyhow::Result<(CurrentUser, i64)> {
    let scope = Scope::for_operator_task(account_set_id);
    let password = format!("Demo-1{}", auth::random_token());
    let existing = crate::system::user::service::list_users(db, &scope)
        .await?
        .into_iter()
        .find(|user| user.login == DEMO_LOGIN);
    let mut tx = db.begin_write().await?;
    match existing {
        Some(user) => {
            auth::set_password(&mut tx, user.id, &password).await?;
            if !user
                .account_sets
                .iter()
                .any(|(id, _)| *id == account_set_id.0)
            {
                crate::system::user::service::grant_account_set(&mut tx, user.id, account_set_id)
                    .await?;
            }
        }
        None => {
            let id = crate::system::user::service::insert_user(
                &mut tx,
                DEMO_LOGIN,
                "演示数据",
                &password,
                Locale::ZhCn,
            )
            .await?;
            crate::system::user::service::grant_account_set(&mut tx, id, account_set_id).await?;
        }
    }
    tx.commit().await?;
    let client = ClientInfo {
        ip: "printdesk-demo".to_owned(),
        user_agent: "printdesk demo".to_owned(),
    };
    let (token_id, token) = auth::issue_api_token(
        db,
        DEMO_LOGIN,
        &password,
        Some(account_set_id),
        "printdesk demo",
        &client,
    )
    .await
    .map_err(|err| describe(err, "signing in the demo user"))?;
    let (mut parts, ()) = axum::http::Request::builder()
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
        .body(())
        .context("building the demo request")?
        .into_parts();
    let state = AppState {
        db: db.clone(),
        config: Arc::new(Config {
            addr: ([127, 0, 0, 1], 0).into(),
            data_dir: std::env::temp_dir(),
            database_url: String::new(),
            secure_cookies: false,
            trust_proxy: false,
        }),
    };
    let user = CurrentUser::from_request_parts(&mut parts, &state)
        .await
        .map_err(|err| describe(err, "reading the demo user"))?;
    Ok((user, token_id))
}

/// The ids of the seeded list items the generator refers to, by name.
struct Lists {
    units: HashMap<String, i64>,
    categories: HashMap<String, i64>,
    processes: HashMap<String, i64>,
    groups: HashMap<String, i64>,
    relations: Vec<i64>,
    supply_scopes: HashMap<String, i64>,
}

impl Lists {
    async fn load(db: &Db, scope: &Scope) -> anyhow::Result<Lists> {
        let by_name = async |kind| -> anyhow::Result<HashMap<String, i64>> {
            Ok(settings_list::options(db, scope, kind)
                .await?
                .into_iter()
                .map(|o| (o.name, o.id))
                .collect())
        };
        Ok(Lists {
            units: by_name(&UNIT).await?,
            categories: by_name(&PRODUCT_CATEGORY).await?,
            processes: by_name(&PROCESS).await?,
            groups: by_name(&CUSTOMER_GROUP).await?,
            relations: settings_list::options(db, scope, &CUSTOMER_RELATION)
                .await?
                .into_iter()
                .map(|o| o.id)
                .collect(),
            supply_scopes: by_name(&SUPPLY_SCOPE).await?,
        })
    }

    /// 0 when the shop renamed or disabled the item: the service then says what is missing.
    fn id(map: &HashMap<String, i64>, name: &str) -> i64 {
        map.get(name).copied().unwrap_or(0)
    }

    fn group(&self, name: &str) -> i64 {
        Lists::id(&self.groups, name)
    }
}

/// A tiny seeded generator (splitmix64): the same seed gives the same sequence everywhere.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// An independent generator, so adding customers does not change the products.
    pub fn fork(&mut self) -> SplitMix64 {
        SplitMix64(self.next_u64())
    }
}

/// One base product of the shop's price list.
struct Template {
    code: &'static str,
    name: &'static str,
    category: &'static str,
    unit: &'static str,
    mode: &'static str,
    /// Yuan, in cents, so variants can vary it without floats.
    price_cents: i64,
    min_per_piece: &'static str,
    min_charge: &'static str,
    /// `(style, [(from, price)])`.
    tiers: (&'static str, &'static [(&'static str, &'static str)]),
    processes: &'static [&'static str],
    specification: &'static str,
    sheet_unit: &'static str,
    colour_price: &'static str,
    dimension_unit: &'static str,
    tax_rate: &'static str,
}

const fn t(
    code: &'static str,
    name: &'static str,
    category: &'static str,
    unit: &'static str,
    mode: &'static str,
    price_cents: i64,
    specification: &'static str,
) -> Template {
    Template {
        code,
        name,
        category,
        unit,
        mode,
        price_cents,
        min_per_piece: "",
        min_charge: "",
        tiers: ("", &[]),
        processes: &[],
        specification,
        sheet_unit: "",
        colour_price: "",
        dimension_unit: "",
        tax_rate: "13",
    }
}

/// The base price list: every pricing mode, with plausible prices, minimums and tiers.
const TEMPLATES: &[Template] = &[
    // By area.
    Template {
        min_per_piece: "1",
        processes: &["写真输出", "覆膜(亮膜)"],
        dimension_unit: "cm",
        ..t(
            "XZ",
            "室内写真PP纸",
            "写真",
            "平方米",
            "area",
            3500,
            "1.52m幅宽",
        )
    },
    Template {
        min_per_piece: "1",
        processes: &["写真输出"],
        dimension_unit: "cm",
        ..t("XZ", "高光相纸写真", "写真", "平方米", "area", 4500, "260g")
    },
    Template {
        min_per_piece: "1",
        processes: &["写真输出", "覆膜(亚膜)"],
        dimension_unit: "cm",
        tiers: ("whole", &[("1", "25"), ("50", "22"), ("200", "20")]),
        ..t("BJ", "背胶PP", "背胶", "平方米", "area", 2500, "哑面")
    },
    Template {
        min_per_piece: "1",
        processes: &["喷绘输出", "打扣"],
        min_charge: "30",
        ..t(
            "PH",
            "户外喷绘布",
            "喷绘",
            "平方米",
            "area",
            1200,
            "440g灯布",
        )
    },
    Template {
        min_per_piece: "1",
        processes: &["喷绘输出"],
        ..t(
            "PH",
            "灯箱布喷绘",
            "喷绘",
            "平方米",
            "area",
            2800,
            "3M灯箱布",
        )
    },
    Template {
        min_per_piece: "0.5",
        processes: &["写真输出", "裱板"],
        dimension_unit: "cm",
        ..t(
            "KT",
            "KT板裱写真",
            "展架展板",
            "平方米",
            "area",
            6000,
            "5mm",
        )
    },
    Template {
        min_per_piece: "0.5",
        processes: &["UV打印"],
        dimension_unit: "cm",
        ..t(
            "UV",
            "雪弗板UV打印",
            "标识标牌",
            "平方米",
            "area",
            18000,
            "5mm PVC",
        )
    },
    Template {
        min_per_piece: "1",
        ..t("BJ", "车身贴", "背胶", "平方米", "area", 8000, "反光膜")
    },
    // By length.
    Template {
        min_charge: "30",
        processes: &["穿绳"],
        ..t(
            "TF",
            "条幅",
            "条幅旗帜",
            "米",
            "length",
            1000,
            "0.7m宽红布黄字",
        )
    },
    Template {
        min_charge: "50",
        ..t("TF", "丝绸横幅", "条幅旗帜", "米", "length", 1800, "0.9m宽")
    },
    Template {
        processes: &["雕刻"],
        ..t(
            "JT",
            "即时贴刻字条",
            "标识标牌",
            "米",
            "length",
            1500,
            "5cm字高",
        )
    },
    // By perimeter.
    Template {
        processes: &["裁切"],
        dimension_unit: "cm",
        ..t("XK", "铝合金相框", "其他", "米", "perimeter", 500, "2cm边")
    },
    Template {
        dimension_unit: "cm",
        ..t("XK", "实木海报框", "其他", "米", "perimeter", 2500, "3cm边")
    },
    // By virtual area.
    Template {
        min_charge: "200",
        dimension_unit: "cm",
        ..t(
            "FG",
            "树脂发光字",
            "发光字/灯箱",
            "平方米",
            "virtual_area",
            12000,
            "LED内光",
        )
    },
    Template {
        dimension_unit: "cm",
        ..t(
            "FG",
            "迷你发光字",
            "发光字/灯箱",
            "平方米",
            "virtual_area",
            8000,
            "不锈钢边",
        )
    },
    // By count.
    Template {
        tiers: ("whole", &[("1", "45"), ("10", "40"), ("50", "35")]),
        ..t("ZJ", "X展架", "展架展板", "个", "count", 4500, "60x160cm")
    },
    Template {
        tiers: ("whole", &[("1", "120"), ("10", "100"), ("50", "90")]),
        ..t(
            "YL",
            "易拉宝",
            "展架展板",
            "个",
            "count",
            12000,
            "80x200cm铝合金",
        )
    },
    Template {
        ..t(
            "ZJ",
            "门型展架",
            "展架展板",
            "套",
            "count",
            15000,
            "80x180cm",
        )
    },
    Template {
        ..t("TK", "亚克力台卡", "其他", "个", "count", 800, "A5")
    },
    // By sheet.
    Template {
        tiers: ("whole", &[("1", "0.30"), ("500", "0.20"), ("2000", "0.15")]),
        sheet_unit: "side",
        colour_price: "1.00",
        processes: &["复印"],
        ..t("FY", "黑白复印A4", "黑白复印", "面", "sheet", 30, "70g")
    },
    Template {
        tiers: ("whole", &[("1", "0.60"), ("500", "0.40")]),
        sheet_unit: "side",
        ..t("FY", "黑白复印A3", "黑白复印", "面", "sheet", 60, "70g")
    },
    Template {
        tiers: (
            "incremental",
            &[("1", "1.00"), ("200", "0.80"), ("1000", "0.60")],
        ),
        sheet_unit: "side",
        processes: &["打印"],
        ..t("CD", "彩色打印A4", "彩色打印", "面", "sheet", 100, "80g")
    },
    Template {
        tiers: ("incremental", &[("1", "2.00"), ("200", "1.60")]),
        sheet_unit: "side",
        ..t(
            "CD",
            "彩色打印A3",
            "彩色打印",
            "面",
            "sheet",
            200,
            "128g铜版",
        )
    },
    Template {
        sheet_unit: "sheet",
        ..t("JG", "激光打印A4", "黑白复印", "张", "sheet", 50, "单面")
    },
    // By set.
    Template {
        tiers: ("whole", &[("1", "30"), ("2", "25"), ("5", "20")]),
        processes: &["设计"],
        ..t("MP", "名片", "名片", "盒", "set", 3000, "300g铜版 100张/盒")
    },
    Template {
        tiers: ("whole", &[("1", "60"), ("3", "50")]),
        ..t(
            "MP",
            "特种纸名片",
            "名片",
            "盒",
            "set",
            6000,
            "珠光纸 100张/盒",
        )
    },
    Template {
        tiers: ("whole", &[("1", "180"), ("5", "150"), ("10", "120")]),
        ..t(
            "DY",
            "宣传单A4",
            "宣传单/画册",
            "千张",
            "set",
            18000,
            "157g铜版双面",
        )
    },
    // By time.
    Template {
        min_charge: "100",
        tax_rate: "6",
        ..t("SJ", "平面设计费", "设计服务", "小时", "time", 15000, "")
    },
    Template {
        tax_rate: "6",
        processes: &["安装"],
        ..t("AZ", "安装费", "安装工程", "小时", "time", 8000, "")
    },
    // Negotiated.
    Template {
        tax_rate: "6",
        ..t(
            "GC",
            "特殊工程（面议）",
            "安装工程",
            "项",
            "negotiated",
            0,
            "",
        )
    },
    Template {
        ..t("GC", "门头招牌工程", "标识标牌", "项", "negotiated", 0, "")
    },
];

/// Words for numbered product variants.
const VARIANTS: &[&str] = &[
    "经济型",
    "标准型",
    "加厚",
    "防水",
    "高清",
    "哑光",
    "亮光",
    "户外",
    "室内",
    "环保",
    "加急",
    "精品",
];

fn money_text(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// Scales a price text by `percent`.
fn scale_price(text: &str, percent: i64) -> String {
    let cents = text
        .parse::<rust_decimal::Decimal>()
        .map(|d| d * rust_decimal::Decimal::from(100))
        .ok()
        .and_then(|d| rust_decimal::prelude::ToPrimitive::to_i64(&d.round()))
        .unwrap_or(0);
    money_text(cents * percent / 100)
}

/// `n` product forms: the base list first, then numbered variants of it with prices within ±20 %.
pub fn product_inputs_for(seed: u64, n: usize) -> Vec<(String, String)> {
    let mut rng = SplitMix64::new(seed).fork();
    (0..n)
        .map(|idx| {
            let (code, name, _) = product_identity(&mut rng, idx);
            (code, name)
        })
        .collect()
}

fn product_identity(rng: &mut SplitMix64, idx: usize) -> (String, String, i64) {
    let template = &TEMPLATES[idx % TEMPLATES.len()];
    let round = idx / TEMPLATES.len();
    let percent = 80 + rng.below(41) as i64;
    let code = format!("{}{:03}", template.code, idx % TEMPLATES.len() + 1);
    if round == 0 {
        (code, template.name.to_owned(), 100)
    } else {
        let variant = rng.pick(VARIANTS);
        (
            format!("{code}-{round:04}"),
            format!("{}·{variant}{round}号", template.name),
            percent,
        )
    }
}

fn product_inputs(
    rng: &mut SplitMix64,
    lists: &Lists,
    n: usize,
) -> anyhow::Result<Vec<ProductInput>> {
    let mut inputs = Vec::with_capacity(n);
    for idx in 0..n {
        let template = &TEMPLATES[idx % TEMPLATES.len()];
        let (code, name, percent) = product_identity(rng, idx);
        let tiers = |rows: &[(&str, &str)]| -> Vec<TierInput> {
            rows.iter()
                .map(|(from, price)| TierInput {
                    from: (*from).to_owned(),
                    price: scale_price(price, percent),
                })
                .collect()
        };
        let list_cents = template.price_cents * percent / 100;
        inputs.push(ProductInput {
            code,
            name,
            category_id: Lists::id(&lists.categories, template.category).to_string(),
            unit_id: Lists::id(&lists.units, template.unit).to_string(),
            specification: template.specification.to_owned(),
            cost_price: money_text(list_cents * 45 / 100),
            tax_rate: template.tax_rate.to_owned(),
            pricing_mode: template.mode.to_owned(),
            sheet_unit: template.sheet_unit.to_owned(),
            list_price: money_text(list_cents),
            colour_list_price: if template.colour_price.is_empty() {
                String::new()
            } else {
                scale_price(template.colour_price, percent)
            },
            min_per_piece: template.min_per_piece.to_owned(),
            min_charge: template.min_charge.to_owned(),
            tier_style: template.tiers.0.to_owned(),
            tiers: tiers(template.tiers.1),
            dimension_unit: template.dimension_unit.to_owned(),
            process_ids: template
                .processes
                .iter()
                .map(|name| Lists::id(&lists.processes, name).to_string())
                .collect(),
            is_active: true,
            ..ProductInput::default()
        });
    }
    Ok(inputs)
}

const CITIES: &[&str] = &[
    "北京", "上海", "广州", "深圳", "杭州", "南京", "苏州", "成都", "武汉", "西安", "重庆", "天津",
    "长沙", "郑州", "济南", "青岛", "合肥", "福州", "厦门", "宁波", "无锡", "佛山", "东莞", "昆明",
];
const BRAND_CHARS: &[&str] = &[
    "宏", "达", "鑫", "源", "华", "美", "盛", "世", "天", "成", "博", "雅", "金", "桥", "恒", "信",
    "联", "创", "锦", "程", "嘉", "禾", "瑞", "丰", "宇", "辰", "新", "航", "中", "泰", "万", "通",
    "永", "安", "德", "润", "明", "远", "智", "汇",
];
const INDUSTRIES: &[&str] = &[
    "广告",
    "文化传媒",
    "科技",
    "建筑装饰",
    "教育咨询",
    "餐饮管理",
    "房地产营销",
    "设计",
    "商贸",
    "会展服务",
    "医药",
    "物业管理",
];
const COMPANY_SUFFIXES: &[&str] = &["有限公司", "有限公司", "有限公司", "工作室", "股份有限公司"];
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
];
const GIVEN_CHARS: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玲", "文", "辉", "鹏", "红", "建", "宁", "晨",
    "浩", "宇", "欣", "怡", "子", "涵", "梓", "轩", "思", "雨", "佳", "俊", "博", "嘉", "琪", "睿",
];
const POSITIONS: &[&str] = &["经理", "行政", "采购", "市场部", "老板", "设计师", "前台"];
const STREETS: &[&str] = &[
    "人民路",
    "中山路",
    "解放路",
    "建设路",
    "和平路",
    "长江路",
    "新华路",
    "青年路",
    "文化路",
];
const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
    "157", "158", "159", "166", "173", "177", "180", "181", "183", "185", "186", "187", "188",
    "189", "191", "198", "199",
];

fn person_name(rng: &mut SplitMix64) -> String {
    let mut name = (*rng.pick(SURNAMES)).to_owned();
    let given: &&str = rng.pick(GIVEN_CHARS);
    name.push_str(given);
    if rng.chance(65) {
        let second: &&str = rng.pick(GIVEN_CHARS);
        name.push_str(second);
    }
    name
}

fn company_name(rng: &mut SplitMix64, industries: &[&str]) -> String {
    format!(
        "{}{}{}{}{}",
        rng.pick(CITIES),
        rng.pick(BRAND_CHARS),
        rng.pick(BRAND_CHARS),
        rng.pick(industries),
        rng.pick(COMPANY_SUFFIXES)
    )
}

fn mobile(rng: &mut SplitMix64) -> String {
    format!("{}{:08}", rng.pick(MOBILE_PREFIXES), rng.below(100_000_000))
}

/// A name not in `taken`: a few fresh draws, then the last one numbered.
fn unique(
    rng: &mut SplitMix64,
    taken: &mut HashSet<String>,
    draw: impl Fn(&mut SplitMix64) -> String,
) -> String {
    let mut name = draw(rng);
    for _ in 0..8 {
        if !taken.contains(&name) {
            break;
        }
        name = draw(rng);
    }
    let mut numbered = name.clone();
    let mut n = 2;
    while taken.contains(&numbered) {
        numbered = format!("{name}{n}");
        n += 1;
    }
    taken.insert(numbered.clone());
    numbered
}

/// The customer names a seed gives, in order (what `printdesk demo` saves).
pub fn customer_names_for(seed: u64, n: usize) -> Vec<String> {
    let mut rng = SplitMix64::new(seed);
    let _products = rng.fork();
    let mut customers = rng.fork();
    let lists = Lists {
        units: HashMap::new(),
        categories: HashMap::new(),
        processes: HashMap::new(),
        groups: HashMap::new(),
        relations: vec![0],
        supply_scopes: HashMap::new(),
    };
    customer_inputs(&mut customers, &lists, n)
        .into_iter()
        .map(|input| input.name)
        .collect()
}

fn customer_inputs(rng: &mut SplitMix64, lists: &Lists, n: usize) -> Vec<CustomerInput> {
    let mut taken = HashSet::with_capacity(n);
    let company_groups = [
        "企业客户",
        "企业客户",
        "学校/机关",
        "广告同行",
        "设计公司",
        "代理商",
    ];
    (0..n)
        .map(|_| {
            let is_company = rng.chance(60);
            let name = if is_company {
                unique(rng, &mut taken, |rng| company_name(rng, INDUSTRIES))
            } else {
                unique(rng, &mut taken, person_name)
            };
            let group = if is_company {
                *rng.pick(&company_groups)
            } else {
                "散客"
            };
            let on_account = is_company && rng.chance(70);
            let contacts = (0..if is_company { 1 + rng.below(2) } else { 1 })
                .map(|idx| ContactInput {
                    person: if is_company {
                        person_name(rng)
                    } else {
                        name.clone()
                    },
                    mobile: mobile(rng),
                    phone: if is_company && rng.chance(40) {
                        format!("0{}-{:08}", 10 + rng.below(900), rng.below(100_000_000))
                    } else {
                        String::new()
                    },
                    position: if is_company {
                        (*rng.pick(POSITIONS)).to_owned()
                    } else {
                        String::new()
                    },
                    is_primary: idx == 0,
                })
                .collect();
            let credit = if on_account {
                (5 + rng.below(46)) * 1000
            } else {
                0
            };
            CustomerInput {
                short_name: if is_company {
                    name.chars().skip(2).take(4).collect()
                } else {
                    String::new()
                },
                address: format!(
                    "{}市{}{}号",
                    rng.pick(CITIES),
                    rng.pick(STREETS),
                    1 + rng.below(300)
                ),
                customer_group_id: lists.group(group).to_string(),
                customer_relation_id: rng.pick(&lists.relations).to_string(),
                settlement_type: if on_account { "on_account" } else { "cash" }.to_owned(),
                may_prepay: rng.chance(30),
                credit_limit: if on_account {
                    format!("{credit}.00")
                } else {
                    String::new()
                },
                credit_mode: if on_account {
                    (*rng.pick(&["none", "warn", "block"])).to_owned()
                } else {
                    "none".to_owned()
                },
                payment_terms_days: if on_account { "30" } else { "0" }.to_owned(),
                contacts,
                name,
                ..CustomerInput::default()
            }
        })
        .collect()
}

/// Supplier kinds: name word and supply scopes.
const SUPPLIER_KINDS: &[(&str, &[&str])] = &[
    ("纸业", &["纸张"]),
    ("广告材料", &["写真喷绘耗材", "板材型材"]),
    ("喷绘输出中心", &["外协输出"]),
    ("印务", &["外协印刷", "纸张"]),
    ("办公设备", &["墨水碳粉", "设备维修"]),
    ("五金建材", &["五金配件", "板材型材"]),
    ("标识制作", &["外协输出", "五金配件"]),
];

fn supplier_inputs(rng: &mut SplitMix64, lists: &Lists, n: usize) -> Vec<SupplierInput> {
    let mut taken = HashSet::with_capacity(n);
    (0..n)
        .map(|_| {
            let (word, scopes) = *rng.pick(SUPPLIER_KINDS);
            let name = unique(rng, &mut taken, |rng| company_name(rng, &[word]));
            SupplierInput {
                address: format!(
                    "{}市{}{}号",
                    rng.pick(CITIES),
                    rng.pick(STREETS),
                    1 + rng.below(300)
                ),
                bank_name: "中国工商银行".to_owned(),
                bank_account: format!("6222{:012}", rng.next_u64() % 1_000_000_000_000),
                supply_scope_ids: scopes
                    .iter()
                    .map(|s| Lists::id(&lists.supply_scopes, s).to_string())
                    .collect(),
                contacts: vec![ContactInput {
                    person: person_name(rng),
                    mobile: mobile(rng),
                    position: "业务员".to_owned(),
                    is_primary: true,
                    ..ContactInput::default()
                }],
                name,
                ..SupplierInput::default()
            }
        })
        .collect()
}

/// Group 广告同行 at 90 % on everything (once per account set), and up to five 广告同行 companies
/// with a fixed price on the first area product (背胶-like) at 80 % of its list price.
fn price_inputs(
    lists: &Lists,
    product_ids: &[i64],
    customer_ids: &[i64],
    customers: &[(String, bool)],
    seeded_before: bool,
) -> Vec<CustomerPriceInput> {
    let mut inputs = Vec::new();
    if !seeded_before && lists.group("广告同行") > 0 {
        inputs.push(CustomerPriceInput {
            holder_kind: "group".to_owned(),
            customer_group_id: lists.group("广告同行").to_string(),
            target_kind: "everything".to_owned(),
            price_kind: "discount".to_owned(),
            discount_percent: "90".to_owned(),
            remarks: "同行九折".to_owned(),
            ..CustomerPriceInput::default()
        });
    }
    // The third template is 背胶PP at ¥25/m².
    let Some(product_id) = product_ids.get(2) else {
        return inputs;
    };
    for (id, _) in customer_ids
        .iter()
        .zip(customers)
        .filter(|(_, (_, peer))| *peer)
        .take(5)
    {
        inputs.push(CustomerPriceInput {
            holder_kind: "customer".to_owned(),
            customer_id: id.to_string(),
            target_kind: "product".to_owned(),
            target_id: product_id.to_string(),
            price_kind: "fixed".to_owned(),
            fixed_price: "20.00".to_owned(),
            remarks: "合作价".to_owned(),
            ..CustomerPriceInput::default()
        });
    }
    inputs
}

/// Realistic search-as-you-type queries for the product search benchmark: pinyin initials,
/// code prefixes and name fragments.
pub fn search_queries(seed: u64, n: usize) -> Vec<String> {
    const QUERIES: &[&str] = &[
        "xz",
        "pz",
        "bj",
        "ph",
        "kt",
        "tf",
        "xk",
        "fgz",
        "yl",
        "zj",
        "mp",
        "fy",
        "cd",
        "sj",
        "az",
        "hbfy",
        "csdy",
        "snxz",
        "XZ0",
        "BJ003",
        "FY020",
        "MP",
        "KT006-00",
        "写真",
        "背胶",
        "喷绘",
        "名片",
        "复印",
        "展架",
        "发光字",
        "高清",
        "防水",
        "易拉宝",
        "条幅",
    ];
    let mut rng = SplitMix64::new(seed);
    (0..n).map(|_| (*rng.pick(QUERIES)).to_owned()).collect()
}

/// The demo marker in `settings`. Demo-only SQL, kept in one place like a feature's store.
mod store {
    use crate::kernel::db::Db;
    use crate::kernel::tenancy::Scope;

    pub async fn is_seeded(db: &Db, scope: &Scope) -> Result<bool, sqlx::Error> {
        let n: i64 = sqlx::query_scalar(
            "select count(*) from settings where account_set_id = $1 and key = $2",
        )
        .bind(scope.id())
        .bind(super::MARKER_KEY)
        .fetch_one(db.pool())
        .await?;
        Ok(n > 0)
    }

    /// Refreshes the planner statistics of the tables the demo fills (same text on both backends).
    pub async fn analyze(db: &Db) -> Result<(), sqlx::Error> {
        for table in [
            "products",
            "product_tiers",
            "product_processes",
            "customers",
            "customer_contacts",
            "suppliers",
            "supplier_contacts",
            "supplier_scopes",
            "audit_log",
        ] {
            // A fixed table name from the list above, never input.
            sqlx::query(sqlx::AssertSqlSafe(format!("analyze {table}")))
                .execute(db.pool())
                .await?;
        }
        Ok(())
    }

    /// Records the seed of the latest run.
    pub async fn mark_seeded(db: &Db, scope: &Scope, seed: u64) -> Result<(), sqlx::Error> {
        let mut tx = db.begin_write().await?;
        sqlx::query(
            r#"insert into settings (account_set_id, key, value) values ($1, $2, $3)
               on conflict (account_set_id, key) do update set value = excluded.value"#,
        )
        .bind(scope.id())
        .bind(super::MARKER_KEY)
        .bind(seed.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }
}
