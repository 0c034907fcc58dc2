//! Tests of `printdesk demo` (issue 3 item 10): the generator fills a set-up account set with
//! products over every pricing mode, customers, suppliers and cooperative prices through the
//! services; the same seed gives the same data; it stays in its account set; it refuses a second
//! run without `--force`; a generated product prices through the preview API; and the order
//! history (`--years`, `--orders-per-day`) is numbered, added up and linked like orders saved at
//! the counter, which carries on after it.

use printdesk::demo::{self, DemoOptions, DemoRefusal};
use printdesk::kernel::tenancy::AccountSetId;
use reqwest::StatusCode;
use serde_json::json;

use crate::backend_tests;
use crate::harness::{Backend, TestApp};

backend_tests!(
    demo_fills_every_pricing_mode_the_same_way_for_the_same_seed,
    demo_stays_in_its_account_set_and_refuses_a_second_run,
    demo_product_prices_through_the_preview,
    demo_order_history_adds_up_and_the_counter_carries_on,
);

fn small(seed: u64) -> DemoOptions {
    DemoOptions {
        account_set: None,
        seed,
        customers: 40,
        products: 30,
        suppliers: 5,
        years: 0,
        orders_per_day: 0,
        force: false,
    }
}

async fn strings(app: &TestApp, sql: &'static str, account_set_id: i64) -> Vec<String> {
    sqlx::query_scalar::<_, String>(sql)
        .bind(account_set_id)
        .fetch_all(app.db.pool())
        .await
        .unwrap()
}

async fn count_in(app: &TestApp, table: &str, account_set_id: i64) -> i64 {
    // The table name comes from the fixed list in the test, never from input.
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!(
        "select count(*) from {table} where account_set_id = $1"
    )))
    .bind(account_set_id)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

const CODES: &str = "select code from products where account_set_id = $1 order by code";
const CUSTOMER_NAMES: &str = "select name from customers where account_set_id = $1 order by name";

async fn demo_fills_every_pricing_mode_the_same_way_for_the_same_seed(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let report = demo::run(&app.db, &small(42)).await.unwrap();
    assert_eq!(
        (report.products, report.customers, report.suppliers),
        (30, 40, 5)
    );
    let set = report.account_set_id.0;
    let mut modes = strings(
        &app,
        "select distinct pricing_mode from products where account_set_id = $1",
        set,
    )
    .await;
    modes.sort();
    assert_eq!(
        modes,
        [
            "area",
            "count",
            "length",
            "negotiated",
            "perimeter",
            "set",
            "sheet",
            "time",
            "virtual_area"
        ]
    );
    assert!(
        app.count("select count(*) from product_tiers").await > 0,
        "tiers are generated"
    );
    assert_eq!(count_in(&app, "customers", set).await, 40);
    assert_eq!(count_in(&app, "suppliers", set).await, 5);
    assert!(count_in(&app, "customer_prices", set).await >= 1);
    let mobiles = sqlx::query_scalar::<_, String>(
        "select mobile from customer_contacts where account_set_id = $1 and mobile <> ''",
    )
    .bind(set)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert!(!mobiles.is_empty());
    for mobile in &mobiles {
        let digits: Vec<char> = mobile.chars().collect();
        assert!(
            digits.len() == 11
                && digits[0] == '1'
                && ('3'..='9').contains(&digits[1])
                && digits.iter().all(char::is_ascii_digit),
            "{mobile}"
        );
    }
    let codes = strings(&app, CODES, set).await;
    let names = strings(&app, CUSTOMER_NAMES, set).await;
    let mut expected: Vec<String> = demo::customer_names_for(42, 40);
    expected.sort();
    assert_eq!(names, expected);

    let again = TestApp::with_setup(backend).await;
    let report = demo::run(&again.db, &small(42)).await.unwrap();
    let set = report.account_set_id.0;
    assert_eq!(strings(&again, CODES, set).await, codes);
    assert_eq!(strings(&again, CUSTOMER_NAMES, set).await, names);
}

async fn demo_stays_in_its_account_set_and_refuses_a_second_run(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let mut tx = app.db.begin_write().await.unwrap();
    let branch: AccountSetId =
        printdesk::system::account_set::service::create_account_set(&mut tx, "分店", "name")
            .await
            .unwrap();
    tx.commit().await.unwrap();
    let first = demo::run(&app.db, &small(7)).await.unwrap();
    assert_ne!(first.account_set_id, branch);
    let options = DemoOptions {
        account_set: Some("分店".to_owned()),
        ..small(7)
    };
    let report = demo::run(&app.db, &options).await.unwrap();
    assert_eq!(report.account_set_id, branch);
    for (table, n) in [("products", 30), ("customers", 40), ("suppliers", 5)] {
        assert_eq!(count_in(&app, table, first.account_set_id.0).await, n);
        assert_eq!(count_in(&app, table, branch.0).await, n);
    }
    // Every contact and tier hangs off a row of its own account set.
    assert_eq!(
        app.count(
            "select count(*) from customer_contacts c join customers k on k.id = c.customer_id
             where k.account_set_id <> c.account_set_id"
        )
        .await,
        0
    );

    let refused = demo::run(&app.db, &small(7)).await.unwrap_err();
    assert!(
        matches!(
            refused.downcast_ref::<DemoRefusal>(),
            Some(DemoRefusal::AlreadySeeded { .. })
        ),
        "{refused:#}"
    );
    assert_eq!(count_in(&app, "products", first.account_set_id.0).await, 30);
    let forced = DemoOptions {
        force: true,
        ..small(8)
    };
    let report = demo::run(&app.db, &forced).await.unwrap();
    assert_eq!(report.products, 30);
    assert_eq!(count_in(&app, "products", first.account_set_id.0).await, 60);

    let unknown = DemoOptions {
        account_set: Some("没有这个账套".to_owned()),
        ..small(7)
    };
    let refused = demo::run(&app.db, &unknown).await.unwrap_err();
    assert!(matches!(
        refused.downcast_ref::<DemoRefusal>(),
        Some(DemoRefusal::UnknownAccountSet(_))
    ));

    let fresh = crate::harness::spawn_app(backend).await;
    let refused = demo::run(&fresh.db, &small(7)).await.unwrap_err();
    assert!(matches!(
        refused.downcast_ref::<DemoRefusal>(),
        Some(DemoRefusal::NotSetUp)
    ));
    assert!(refused.to_string().contains("printdesk init"));
}

async fn demo_product_prices_through_the_preview(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let report = demo::run(&app.db, &small(3)).await.unwrap();
    let id: i64 = sqlx::query_scalar(
        "select id from products where account_set_id = $1 and pricing_mode = 'area' order by code limit 1",
    )
    .bind(report.account_set_id.0)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let api = app.api_admin().await;
    let (status, preview) = api
        .post(
            "/api/v1/prices/preview",
            json!({ "product_id": id, "width": "60", "height": "160", "dimension_unit": "cm", "quantity": "3" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    let amount: f64 = preview["amount"].as_str().unwrap().parse().unwrap();
    assert!(amount > 0.0, "{preview}");
    // The demo's searchable: pinyin initials of 写真 find the generated products.
    let (status, found) = api.get("/api/v1/products/search?q=xz").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!found.as_array().unwrap().is_empty(), "{found}");
}

async fn demo_order_history_adds_up_and_the_counter_carries_on(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let options = DemoOptions {
        years: 1,
        orders_per_day: 6,
        ..small(5)
    };
    let report = demo::run(&app.db, &options).await.unwrap();
    let set = report.account_set_id.0;
    let orders = count_in(&app, "orders", set).await;
    assert_eq!(usize::try_from(orders).unwrap(), report.orders.orders);
    // About 6 on a weekday, fewer at the weekend, over 365 days.
    assert!((1_500..2_600).contains(&orders), "{orders} orders");
    assert_eq!(
        usize::try_from(count_in(&app, "order_lines", set).await).unwrap(),
        report.orders.lines
    );
    // Every order's total is its lines plus fee, less discount and round-off; numbers unique.
    let mismatched = app
        .count(
            r#"select count(*) from orders o where o.goods_amount <>
                 (select coalesce(sum(l.amount), 0) from order_lines l where l.order_id = o.id)
               or o.process_amount <>
                 (select coalesce(sum(l.process_amount), 0) from order_lines l where l.order_id = o.id)
               or o.total <> o.goods_amount + o.process_amount + o.management_fee - o.discount
                             + o.round_off + case when o.tax_inclusive = 1 then 0 else o.tax_amount end"#,
        )
        .await;
    assert_eq!(mismatched, 0);
    assert_eq!(
        app.count("select count(distinct number) from orders").await,
        orders
    );
    // Delivered work has its tasks done; a draft has none.
    assert!(
        app.count("select count(*) from tasks where status = 'done'")
            .await
            > 0
    );
    assert_eq!(
        app.count("select count(*) from tasks t join orders o on o.id = t.order_id where o.status = 'draft'")
            .await,
        0
    );
    // A day's numbers run 0001.. without gaps, and the sequence knows where it stands.
    let (day, n): (String, i64) = sqlx::query_as(
        "select order_date, cast(count(*) as bigint) from orders group by order_date order by order_date limit 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let compact = day.replace('-', "");
    let max_number: String =
        sqlx::query_scalar("select max(number) from orders where order_date = $1")
            .bind(&day)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(max_number, format!("DD{compact}{n:04}"));
    let next: i64 = sqlx::query_scalar(
        "select next_value from doc_sequences where kind = 'order' and period = $1",
    )
    .bind(&compact)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(next, n + 1);

    // The counter carries on: a new order today gets a fresh id and today's first number.
    let api = app.api_admin().await;
    let product: i64 = sqlx::query_scalar(
        "select id from products where pricing_mode = 'count' and is_active = 1 order by id limit 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let (status, order) = api
        .post(
            "/api/v1/orders",
            json!({ "lines": [{ "product_id": product, "quantity": "2" }] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    assert!(order["id"].as_i64().unwrap() > orders);
    assert!(
        order["number"].as_str().unwrap().ends_with("0001"),
        "{order}"
    );
    let (status, list) = api.get("/api/v1/orders?status=delivered").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list["total"].as_i64().unwrap() > 1_000, "{list}");
}
