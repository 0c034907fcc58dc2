//! Tests of 客户合作价 (manual 2.3): cooperative prices through the pages and the API, the rules
//! handed to the price calculation (DOMAIN.md §4.3 F), validity dates, bad input, permissions and
//! tenancy.

use chrono::NaiveDate;
use printdesk::customers::customer_price::service::price_rules_for;
use printdesk::kernel::error::AppError;
use printdesk::kernel::money::{DecimalPlaces, Money};
use printdesk::kernel::tenancy::{AccountSetId, Scope};
use printdesk::system::product::rules::{
    LineRequest, PriceSource, PriceTable, PricingMode, ProcessBasis, ProcessPricing,
    ProductPricing, SheetUnit, price_line,
};
use reqwest::StatusCode;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::backend_tests;
use crate::harness::{ADMIN_LOGIN, ADMIN_PASSWORD, Api, Backend, TestApp, field_message};
use crate::system_org::{Probe, assert_foreign_ids_are_not_found};

/// Routes that take a live rule's id.
const PRICE_PROBES: &[Probe] = &[
    Probe::PageGet("/customers/prices/{id}"),
    Probe::PagePost(
        "/customers/prices/{id}",
        &[
            ("holder_kind", "group"),
            ("customer_group_id", "1"),
            ("target_kind", "everything"),
            ("price_kind", "discount"),
            ("discount_percent", "50"),
        ],
    ),
    Probe::PagePost("/customers/prices/{id}/delete", &[]),
    Probe::ApiGet("/api/v1/customer-prices/{id}"),
    Probe::ApiPut(
        "/api/v1/customer-prices/{id}",
        r#"{"holder_kind":"group","customer_group_id":1,"target_kind":"everything","price_kind":"discount","discount_percent":"50"}"#,
    ),
    Probe::ApiDelete("/api/v1/customer-prices/{id}"),
    Probe::ApiPost("/api/v1/customer-prices/{id}/restore", "{}"),
];

/// Routes that take a deleted rule's id.
const DELETED_PRICE_PROBES: &[Probe] =
    &[Probe::ApiPost("/api/v1/customer-prices/{id}/restore", "{}")];

/// Routes that take a customer's id.
const CUSTOMER_PROBES: &[Probe] = &[Probe::ApiGet("/api/v1/customers/{id}/price-rules")];

/// The value of the hidden `form_nonce` field of a page.
fn form_nonce(page: &str) -> String {
    let start = page.find("name=\"form_nonce\"").expect("form_nonce field");
    let rest = &page[start..];
    let value = &rest[rest.find("value=\"").expect("nonce value") + 7..];
    value[..value.find('"').expect("nonce end")].to_owned()
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned()
}

/// The id in a location such as `/customers/prices/7?saved=1`.
fn id_in(location: &str) -> i64 {
    let path = location.split('?').next().unwrap_or("");
    path.rsplit('/').next().unwrap().parse().expect("id")
}

async fn account_set_of(api: &Api) -> i64 {
    let (_, me) = api.get("/api/v1/me").await;
    me["account_set_id"].as_i64().unwrap()
}

/// The id of the live settings-list item `name` of `kind`, created if the seed lacks it.
async fn list_item(app: &TestApp, account_set: i64, kind: &str, name: &str) -> i64 {
    let found: Option<i64> = sqlx::query_scalar(
        "select id from list_items where account_set_id = $1 and kind = $2 and name = $3 and deleted_at is null",
    )
    .bind(account_set)
    .bind(kind)
    .bind(name)
    .fetch_optional(app.db.pool())
    .await
    .unwrap();
    if let Some(id) = found {
        return id;
    }
    let id = sqlx::query_scalar(
        r#"insert into list_items (account_set_id, kind, name, created_at, updated_at)
           values ($1, $2, $3, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') returning id"#,
    )
    .bind(account_set)
    .bind(kind)
    .bind(name)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    // Written past the services: tell the cached lists, as every writer does.
    printdesk::kernel::cache::touch_now(&app.db, account_set, "list_items")
        .await
        .unwrap();
    id
}

/// A live area-priced product, stored directly (products have their own tests).
async fn insert_product(
    app: &TestApp,
    account_set: i64,
    code: &str,
    name: &str,
    category_id: i64,
) -> i64 {
    let unit = list_item(app, account_set, "unit", "平方米").await;
    sqlx::query_scalar(
        r#"insert into products (account_set_id, code, name, category_id, unit_id, pricing_mode, list_price, min_per_piece,
                                 created_at, updated_at)
           values ($1, $2, $3, $4, $5, 'area', 250000, 10000, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') returning id"#,
    )
    .bind(account_set)
    .bind(code)
    .bind(name)
    .bind(category_id)
    .bind(unit)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

async fn create_customer(api: &Api, name: &str, group: Option<i64>) -> i64 {
    let (status, customer) = api
        .post(
            "/api/v1/customers",
            json!({ "name": name, "customer_group_id": group }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{customer}");
    customer["id"].as_i64().unwrap()
}

async fn create_price(api: &Api, body: Value) -> Value {
    let (status, price) = api.post("/api/v1/customer-prices", body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body} → {price}");
    price
}

/// What every test starts from: 广告同行 with member XX设计院, the product 背胶PP in 背胶 and the
/// process 覆膜(亮膜).
struct Shop {
    account_set: i64,
    group: i64,
    category: i64,
    process: i64,
    product: i64,
    customer: i64,
}

async fn shop(app: &TestApp, api: &Api) -> Shop {
    let account_set = account_set_of(api).await;
    let group = list_item(app, account_set, "customer_group", "广告同行").await;
    let category = list_item(app, account_set, "product_category", "背胶").await;
    let process = list_item(app, account_set, "process", "覆膜(亮膜)").await;
    let product = insert_product(app, account_set, "BJ01", "背胶PP", category).await;
    let customer = create_customer(api, "XX设计院", Some(group)).await;
    Shop {
        account_set,
        group,
        category,
        process,
        product,
        customer,
    }
}

async fn rules_of_every_kind_are_created_through_page_and_api_and_read_back(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let admin = app.sign_in_admin().await;
    let api = app.api_admin().await;
    let shop = shop(&app, &api).await;

    // Through the API: every holder × target × kind ("everything" takes discounts only).
    let targets = [
        ("product", Some(shop.product), "背胶PP"),
        ("category", Some(shop.category), "背胶"),
        ("process", Some(shop.process), "覆膜(亮膜)"),
        ("everything", None, ""),
    ];
    let holders = [
        ("customer", "customer_id", shop.customer, "XX设计院"),
        ("group", "customer_group_id", shop.group, "广告同行"),
    ];
    let mut n_rules = 0;
    for (holder_kind, holder_field, holder_id, holder_name) in holders {
        for (target_kind, target_id, target_name) in targets {
            for (price_kind, value_field, value, shown) in [
                ("fixed", "fixed_price", "18", "18.00元"),
                ("discount", "discount_percent", "85", "85折"),
            ] {
                if target_kind == "everything" && price_kind == "fixed" {
                    continue;
                }
                let mut body = json!({ "holder_kind": holder_kind, "target_kind": target_kind, "price_kind": price_kind,
                                       "valid_from": "2026-01-01", "remarks": "年度合作" });
                body[holder_field] = json!(holder_id);
                body[value_field] = json!(value);
                if let Some(id) = target_id {
                    body["target_id"] = json!(id);
                }
                let created = create_price(&api, body).await;
                n_rules += 1;
                let (status, read) = api
                    .get(&format!("/api/v1/customer-prices/{}", created["id"]))
                    .await;
                assert_eq!(status, StatusCode::OK);
                assert_eq!(read, created);
                assert_eq!(read["holder_kind"], holder_kind);
                assert_eq!(read[holder_field], holder_id);
                assert_eq!(read["holder_name"], holder_name);
                assert_eq!(read["target_kind"], target_kind);
                assert_eq!(read["target_id"], json!(target_id));
                assert_eq!(read["target_name"], target_name);
                assert_eq!(read["price_kind"], price_kind);
                assert_eq!(
                    read[value_field],
                    if price_kind == "fixed" { "18.00" } else { "85" }
                );
                assert_eq!(read["valid_from"], "2026-01-01");
                assert_eq!(read["valid_to"], Value::Null);
                assert_eq!(read["remarks"], "年度合作");
                let target_label = if target_kind == "everything" {
                    "全部"
                } else {
                    target_name
                };
                assert_eq!(
                    read["label"],
                    format!("{holder_name}：{target_label} {shown}")
                );
            }
        }
    }
    assert_eq!(n_rules, 14);
    let (_, list) = api.get("/api/v1/customer-prices").await;
    assert_eq!(list.as_array().unwrap().len(), 14);
    assert_eq!(
        list[0]["holder_kind"], "customer",
        "customers' rules come first"
    );
    let (_, everything) = api
        .get("/api/v1/customer-prices?target_kind=everything")
        .await;
    assert_eq!(everything.as_array().unwrap().len(), 2);
    let (_, of_group) = api
        .get(&format!(
            "/api/v1/customer-prices?customer_group_id={}",
            shop.group
        ))
        .await;
    assert_eq!(of_group.as_array().unwrap().len(), 7);
    let (_, of_customer) = api
        .get(&format!(
            "/api/v1/customer-prices?customer_id={}&target_kind=product",
            shop.customer
        ))
        .await;
    assert_eq!(of_customer.as_array().unwrap().len(), 2);

    // Through the pages: another customer and another group, each target kind once.
    let other_group = list_item(&app, shop.account_set, "customer_group", "设计公司").await;
    let other_customer = create_customer(&api, "YY广告", None).await;
    let (status, list_page) = admin.get_text("/customers/prices").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list_page.contains("href=\"/customers/prices/new\""));
    assert!(list_page.contains("广告同行"));
    assert!(
        list_page.contains("href=\"/customers/prices\""),
        "the menu has 客户合作价"
    );
    let (status, new_page) = admin.get_text("/customers/prices/new?customer_q=YY").await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        "id=\"customer_id\"",
        "id=\"customer_group_id\"",
        "id=\"target_kind\"",
        "id=\"product_id\"",
        "id=\"category_id\"",
        "id=\"process_id\"",
        "id=\"fixed_price\"",
        "id=\"discount_percent\"",
        "id=\"valid_from\"",
        &format!("<option value=\"{other_customer}\">YY广告</option>"),
        &format!("<option value=\"{}\">背胶PP</option>", shop.product),
        &format!("<option value=\"{other_group}\">设计公司</option>"),
    ] {
        assert!(new_page.contains(needle), "{needle} on the new-rule page");
    }
    assert!(
        !new_page.contains(">XX设计院</option>"),
        "the search narrows the customers"
    );
    let other_customer_text = other_customer.to_string();
    let other_group_text = other_group.to_string();
    let product_text = shop.product.to_string();
    let category_text = shop.category.to_string();
    let process_text = shop.process.to_string();
    let page_rules: [Vec<(&str, &str)>; 5] = [
        vec![
            ("holder_kind", "customer"),
            ("customer_id", &other_customer_text),
            ("target_kind", "product"),
            ("product_id", &product_text),
            ("price_kind", "fixed"),
            ("fixed_price", "16.5"),
        ],
        vec![
            ("holder_kind", "customer"),
            ("customer_id", &other_customer_text),
            ("target_kind", "category"),
            ("category_id", &category_text),
            ("price_kind", "discount"),
            ("discount_percent", "90"),
        ],
        vec![
            ("holder_kind", "customer"),
            ("customer_id", &other_customer_text),
            ("target_kind", "process"),
            ("process_id", &process_text),
            ("price_kind", "fixed"),
            ("fixed_price", "6"),
        ],
        vec![
            ("holder_kind", "group"),
            ("customer_group_id", &other_group_text),
            ("target_kind", "everything"),
            ("price_kind", "discount"),
            ("discount_percent", "95"),
            ("valid_from", "2026-01-01"),
            ("valid_to", "2026-12-31"),
        ],
        // The target selects of other kinds are ignored.
        vec![
            ("holder_kind", "group"),
            ("customer_group_id", &other_group_text),
            ("target_kind", "product"),
            ("product_id", &product_text),
            ("category_id", "999"),
            ("price_kind", "discount"),
            ("discount_percent", "88"),
            ("fixed_price", "abc"),
        ],
    ];
    let mut page_ids = Vec::new();
    for fields in &page_rules {
        let (_, new_page) = admin.get_text("/customers/prices/new").await;
        let nonce = form_nonce(&new_page);
        let mut all = fields.clone();
        all.push(("form_nonce", &nonce));
        let res = admin.post_form("/customers/prices", &all).await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "{fields:?}: {}",
            res.text().await.unwrap_or_default()
        );
        let id = id_in(&location(&res));
        // The same submission again (a double click) makes no second rule.
        let res = admin.post_form("/customers/prices", &all).await;
        assert_eq!(id_in(&location(&res)), id);
        page_ids.push(id);
    }
    assert_eq!(app.count("select count(*) from customer_prices").await, 19);
    let (_, read) = api
        .get(&format!("/api/v1/customer-prices/{}", page_ids[0]))
        .await;
    assert_eq!(
        (read["label"].as_str(), read["fixed_price"].as_str()),
        (Some("YY广告：背胶PP 16.50元"), Some("16.50"))
    );
    let (_, read) = api
        .get(&format!("/api/v1/customer-prices/{}", page_ids[3]))
        .await;
    assert_eq!(read["label"], "设计公司：全部 95折");
    assert_eq!(
        (read["valid_from"].as_str(), read["valid_to"].as_str()),
        (Some("2026-01-01"), Some("2026-12-31"))
    );
    let (_, read) = api
        .get(&format!("/api/v1/customer-prices/{}", page_ids[4]))
        .await;
    assert_eq!(
        (
            read["target_kind"].as_str(),
            read["target_id"].as_i64(),
            read["discount_percent"].as_str()
        ),
        (Some("product"), Some(shop.product), Some("88"))
    );
    let (_, list_page) = admin.get_text("/customers/prices").await;
    for needle in [
        "YY广告",
        "设计公司",
        "全部产品和工序",
        "95折",
        "2026-01-01 至 2026-12-31",
        "16.50元",
        "长期有效",
    ] {
        assert!(list_page.contains(needle), "{needle} in the list");
    }

    // Edit through the page, then through the API.
    let (status, edit_page) = admin
        .get_text(&format!("/customers/prices/{}", page_ids[0]))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(edit_page.contains("value=\"16.50\""));
    let mut fields = page_rules[0].clone();
    fields.retain(|(name, _)| *name != "fixed_price");
    fields.push(("fixed_price", "17.5"));
    fields.push(("remarks", "调价"));
    let res = admin
        .post_form(&format!("/customers/prices/{}", page_ids[0]), &fields)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, read) = api
        .get(&format!("/api/v1/customer-prices/{}", page_ids[0]))
        .await;
    assert_eq!(
        (read["fixed_price"].as_str(), read["remarks"].as_str()),
        (Some("17.50"), Some("调价"))
    );
    let (status, updated) = api
        .put(
            &format!("/api/v1/customer-prices/{}", page_ids[0]),
            json!({ "holder_kind": "customer", "customer_id": other_customer, "target_kind": "product", "target_id": shop.product,
                    "price_kind": "discount", "discount_percent": "92.5" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(
        (
            updated["price_kind"].as_str(),
            updated["fixed_price"].clone(),
            updated["label"].as_str()
        ),
        (Some("discount"), Value::Null, Some("YY广告：背胶PP 92.5折"))
    );
    let (_, edit_page) = admin
        .get_text(&format!("/customers/prices/{}", page_ids[0]))
        .await;
    for action in ["新建", "修改"] {
        assert!(edit_page.contains(action), "{action} in the history");
    }

    // Delete through the page and the API; the API restores.
    let res = admin
        .post_form(&format!("/customers/prices/{}/delete", page_ids[1]), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/customers/prices?deleted=1");
    let (status, _) = api
        .get(&format!("/api/v1/customer-prices/{}", page_ids[1]))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.count("select count(*) from customer_prices where deleted_at is not null")
            .await,
        1
    );
    let (status, restored) = api
        .post(
            &format!("/api/v1/customer-prices/{}/restore", page_ids[1]),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{restored}");
    assert_eq!(restored["label"], "YY广告：背胶 9折");
    let (status, _) = api
        .post(
            &format!("/api/v1/customer-prices/{}/restore", page_ids[1]),
            json!({}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a live rule cannot be restored"
    );
    let (status, _) = api
        .delete(&format!("/api/v1/customer-prices/{}", page_ids[1]))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = api
        .delete(&format!("/api/v1/customer-prices/{}", page_ids[1]))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("select count(*) from audit_log where doc_kind = 'customer_price' and action = 'restore'").await, 1);
}

fn example_a_product(product_id: i64, category_id: i64) -> ProductPricing {
    ProductPricing {
        product_id,
        category_ids: vec![category_id],
        mode: PricingMode::Area,
        sheet_unit: SheetUnit::Side,
        price: PriceTable {
            list_price: Money::parse("25").unwrap(),
            tiers: None,
        },
        colour_price: None,
        min_per_piece: Decimal::ONE,
        min_charge: Money::ZERO,
        max_width: Decimal::ZERO,
        max_length: Decimal::ZERO,
    }
}

fn example_a_request(process_id: i64, date: NaiveDate) -> LineRequest {
    LineRequest {
        width: Decimal::new(60, 2),
        height: Decimal::new(160, 2),
        quantity: Decimal::from(3),
        pages: Decimal::ZERO,
        sides: 1,
        colour: false,
        negotiated_unit_price: None,
        processes: vec![ProcessPricing {
            process_id,
            name: "覆膜(亮膜)".to_owned(),
            unit_price: Money::parse("8").unwrap(),
            basis: ProcessBasis::PerArea,
        }],
        date,
    }
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// (goods amount, first process amount) of example A for the rules.
fn example_a(
    shop: &Shop,
    rules: &[printdesk::system::product::rules::PriceRule],
    date: NaiveDate,
) -> (String, String, PriceSource) {
    let line = price_line(
        &example_a_product(shop.product, shop.category),
        rules,
        &example_a_request(shop.process, date),
        &DecimalPlaces::default(),
    )
    .unwrap();
    (
        line.amount.format(2),
        line.processes[0].amount.format(2),
        line.source,
    )
}

async fn example_f_group_discount_and_customer_fixed_price(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let shop = shop(&app, &api).await;
    let member = create_customer(&api, "ZZ图文", Some(shop.group)).await;
    let outsider = create_customer(&api, "散客甲", None).await;
    create_price(&api, json!({ "holder_kind": "group", "customer_group_id": shop.group, "target_kind": "everything",
                               "price_kind": "discount", "discount_percent": "85" }))
    .await;
    create_price(&api, json!({ "holder_kind": "customer", "customer_id": shop.customer, "target_kind": "product",
                               "target_id": shop.product, "price_kind": "fixed", "fixed_price": "18.00" }))
    .await;
    let scope = Scope::for_operator_task(AccountSetId(shop.account_set));
    let today = day("2026-11-25");

    let rules = price_rules_for(&app.db, &scope, shop.customer, today)
        .await
        .unwrap();
    let labels: Vec<&str> = rules.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["XX设计院：背胶PP 18.00元", "广告同行：全部 85折"]);
    assert_eq!(
        example_a(&shop, &rules, today),
        (
            "54.00".to_owned(),
            "20.40".to_owned(),
            PriceSource::CustomerFixed("XX设计院：背胶PP 18.00元".to_owned())
        )
    );
    let rules = price_rules_for(&app.db, &scope, member, today)
        .await
        .unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(
        example_a(&shop, &rules, today),
        (
            "63.75".to_owned(),
            "20.40".to_owned(),
            PriceSource::GroupDiscount("广告同行：全部 85折".to_owned())
        )
    );
    let rules = price_rules_for(&app.db, &scope, outsider, today)
        .await
        .unwrap();
    assert!(rules.is_empty());
    assert_eq!(
        example_a(&shop, &rules, today),
        ("75.00".to_owned(), "24.00".to_owned(), PriceSource::List)
    );

    // The API gives the same rules.
    let (status, body) = api
        .get(&format!(
            "/api/v1/customers/{}/price-rules?date=2026-11-25",
            shop.customer
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!([
            { "holder_kind": "customer", "target_kind": "product", "target_id": shop.product, "price_kind": "fixed",
              "fixed_price": "18.00", "discount_percent": null, "valid_from": null, "valid_to": null,
              "label": "XX设计院：背胶PP 18.00元" },
            { "holder_kind": "group", "target_kind": "everything", "target_id": null, "price_kind": "discount",
              "fixed_price": null, "discount_percent": "85", "valid_from": null, "valid_to": null,
              "label": "广告同行：全部 85折" },
        ])
    );

    // Validity dates: a customer discount on the category for the first half of 2026 only.
    create_price(&api, json!({ "holder_kind": "customer", "customer_id": member, "target_kind": "category",
                               "target_id": shop.category, "price_kind": "discount", "discount_percent": "80",
                               "valid_from": "2026-01-01", "valid_to": "2026-06-30" }))
    .await;
    let june = price_rules_for(&app.db, &scope, member, day("2026-06-30"))
        .await
        .unwrap();
    assert_eq!(june.len(), 2);
    // 3.00 × 25 × 0.80 = 60.00; lamination takes the group discount (the category rule names products).
    assert_eq!(example_a(&shop, &june, day("2026-06-30")).0, "60.00");
    assert_eq!(example_a(&shop, &june, day("2026-06-30")).1, "20.40");
    for date in ["2025-12-31", "2026-07-01"] {
        let rules = price_rules_for(&app.db, &scope, member, day(date))
            .await
            .unwrap();
        assert_eq!(rules.len(), 1, "{date}");
        assert_eq!(example_a(&shop, &rules, day(date)).0, "63.75");
    }
    let (_, body) = api
        .get(&format!(
            "/api/v1/customers/{member}/price-rules?date=2026-07-01"
        ))
        .await;
    assert_eq!(body.as_array().unwrap().len(), 1);
    let (_, body) = api
        .get(&format!(
            "/api/v1/customers/{member}/price-rules?date=2026-06-01"
        ))
        .await;
    assert_eq!(body[0]["label"], "ZZ图文：背胶 8折");
    assert_eq!(
        (body[0]["valid_from"].as_str(), body[0]["valid_to"].as_str()),
        (Some("2026-01-01"), Some("2026-06-30"))
    );
    let (status, body) = api
        .get(&format!(
            "/api/v1/customers/{member}/price-rules?date=2026-13-01"
        ))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "date").as_deref(),
        Some("日期格式应为 2026-01-31。")
    );

    // A deleted rule no longer prices.
    let (_, list) = api
        .get(&format!(
            "/api/v1/customer-prices?customer_id={}",
            shop.customer
        ))
        .await;
    let (status, _) = api
        .delete(&format!("/api/v1/customer-prices/{}", list[0]["id"]))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let rules = price_rules_for(&app.db, &scope, shop.customer, today)
        .await
        .unwrap();
    assert_eq!(example_a(&shop, &rules, today).0, "63.75");
}

async fn bad_input_names_each_field_and_saves_nothing(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let admin = app.sign_in_admin().await;
    let api = app.api_admin().await;
    let shop = shop(&app, &api).await;
    let existing = create_price(&api, json!({ "holder_kind": "customer", "customer_id": shop.customer, "target_kind": "product",
                                              "target_id": shop.product, "price_kind": "fixed", "fixed_price": "18",
                                              "valid_from": "2026-01-01", "valid_to": "2026-12-31" }))
    .await;
    let (_, b) = api
        .post("/api/v1/account-sets", json!({ "name": "分店" }))
        .await;
    let b_id = b["id"].as_i64().unwrap();
    let b_category = list_item(&app, b_id, "product_category", "背胶").await;
    let b_product = insert_product(&app, b_id, "BJ01", "分店背胶", b_category).await;
    let b_group = list_item(&app, b_id, "customer_group", "广告同行").await;

    let customer = |extra: Value| {
        let mut body = json!({ "holder_kind": "customer", "customer_id": shop.customer, "target_kind": "product",
                               "target_id": shop.product, "price_kind": "discount", "discount_percent": "85" });
        for (key, value) in extra.as_object().unwrap() {
            body[key] = value.clone();
        }
        body
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            customer(json!({ "discount_percent": "0" })),
            "discount_percent",
            "折扣应大于 0 且不超过 100（85 表示 85折）。",
        ),
        (
            customer(json!({ "discount_percent": "120" })),
            "discount_percent",
            "折扣应大于 0 且不超过 100（85 表示 85折）。",
        ),
        (
            customer(json!({ "discount_percent": "85.555" })),
            "discount_percent",
            "折扣最多 2 位小数。",
        ),
        (
            customer(
                json!({ "target_kind": "everything", "price_kind": "fixed", "fixed_price": "10" }),
            ),
            "price_kind",
            "对全部产品只能设折扣。",
        ),
        (
            customer(json!({ "price_kind": "fixed", "fixed_price": "-1" })),
            "fixed_price",
            "固定价不能为负数。",
        ),
        (
            customer(json!({ "price_kind": "fixed", "fixed_price": "1000001" })),
            "fixed_price",
            "固定价不能超过 1,000,000 元。",
        ),
        (
            customer(json!({ "price_kind": "fixed", "fixed_price": "十八" })),
            "fixed_price",
            "固定价应为金额，如 18.00。",
        ),
        (
            customer(json!({ "valid_from": "2026-03-01", "valid_to": "2026-02-01" })),
            "valid_to",
            "截止日期不能早于起始日期。",
        ),
        (
            customer(json!({ "valid_from": "2026/03/01" })),
            "valid_from",
            "日期格式应为 2026-01-31。",
        ),
        (
            customer(json!({ "target_id": null })),
            "target_id",
            "请选择产品。",
        ),
        (
            customer(json!({ "holder_kind": "vip" })),
            "holder_kind",
            "请选择适用对象：客户或客户分组。",
        ),
        (
            customer(json!({ "customer_id": 999_999 })),
            "customer_id",
            "请从列表中选择本账套的客户。",
        ),
        // Another account set's product, category and group.
        (
            customer(json!({ "target_id": b_product })),
            "target_id",
            "请从列表中选择本账套的产品。",
        ),
        (
            customer(json!({ "target_kind": "category", "target_id": b_category })),
            "target_id",
            "请从列表中选择本账套的产品类别。",
        ),
        (
            customer(json!({ "holder_kind": "group", "customer_group_id": b_group })),
            "customer_group_id",
            "请从列表中选择本账套的客户分组。",
        ),
        (
            customer(json!({ "target_kind": "process", "target_id": shop.category })),
            "target_id",
            "请从列表中选择本账套的工序。",
        ),
        // Wrong JSON types.
        (
            customer(json!({ "discount_percent": 85 })),
            "discount_percent",
            "类型不对（数字和金额请用字符串，如 \"12.50\"）。",
        ),
        (
            customer(json!({ "customer_id": "XX设计院" })),
            "customer_id",
            "类型不对（数字和金额请用字符串，如 \"12.50\"）。",
        ),
    ];
    for (body, field, message) in cases {
        let (status, answer) = api.post("/api/v1/customer-prices", body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(
            field_message(&answer, field).as_deref(),
            Some(message),
            "{body} → {answer}"
        );
    }
    let (status, answer) = api
        .post(
            "/api/v1/customer-prices",
            json!({ "holder_kind": "customer" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        field_message(&answer, "target_kind").is_some()
            || field_message(&answer, "price_kind").is_some(),
        "{answer}"
    );

    // An overlapping duplicate names the rule it clashes with; a period after it is fine.
    let duplicate = json!({ "holder_kind": "customer", "customer_id": shop.customer, "target_kind": "product",
                            "target_id": shop.product, "price_kind": "fixed", "fixed_price": "17", "valid_from": "2026-12-31" });
    let (status, answer) = api.post("/api/v1/customer-prices", duplicate.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&answer, "valid_from"),
        Some(format!(
            "与已有的合作价 #{}「XX设计院：背胶PP 18.00元」有效期重叠：同一对象、同一范围的同类合作价只能有一条，否则价格无法确定。请修改那一条或调整有效期。",
            existing["id"]
        ))
    );
    let mut later = duplicate.clone();
    later["valid_from"] = json!("2027-01-01");
    let later = create_price(&api, later).await;
    // Editing the later rule back into the period is refused too; editing a rule alone is fine.
    let (status, answer) = api
        .put(
            &format!("/api/v1/customer-prices/{}", later["id"]),
            duplicate,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        field_message(&answer, "valid_from")
            .unwrap()
            .contains(&format!("#{}", existing["id"]))
    );
    let (status, _) = api
        .put(
            &format!("/api/v1/customer-prices/{}", existing["id"]),
            json!({ "holder_kind": "customer", "customer_id": shop.customer, "target_kind": "product",
                    "target_id": shop.product, "price_kind": "fixed", "fixed_price": "19", "valid_to": "2026-12-31" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // A deleted rule that now clashes is not restored.
    let (status, _) = api
        .delete(&format!("/api/v1/customer-prices/{}", later["id"]))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let replacement = create_price(
        &api,
        json!({ "holder_kind": "customer", "customer_id": shop.customer, "target_kind": "product",
                "target_id": shop.product, "price_kind": "fixed", "fixed_price": "16", "valid_from": "2027-06-01" }),
    )
    .await;
    let (status, answer) = api
        .post(
            &format!("/api/v1/customer-prices/{}/restore", later["id"]),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        field_message(&answer, "valid_from")
            .unwrap()
            .contains(&format!("#{}", replacement["id"]))
    );

    // The page shows each message next to its field and keeps what was typed.
    let (_, new_page) = admin.get_text("/customers/prices/new").await;
    let nonce = form_nonce(&new_page);
    let group_text = shop.group.to_string();
    let res = admin
        .post_form(
            "/customers/prices",
            &[
                ("holder_kind", "group"),
                ("customer_group_id", &group_text),
                ("target_kind", "everything"),
                ("price_kind", "discount"),
                ("discount_percent", "120"),
                ("valid_from", "2026-05-01"),
                ("valid_to", "2026-04-01"),
                ("form_nonce", &nonce),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    for needle in [
        "折扣应大于 0 且不超过 100（85 表示 85折）。",
        "截止日期不能早于起始日期。",
        "value=\"120\"",
        "value=\"2026-05-01\"",
    ] {
        assert!(page.contains(needle), "{needle} on the page");
    }
    let res = admin
        .post_form(
            "/customers/prices",
            &[
                ("holder_kind", "group"),
                ("customer_group_id", &group_text),
                ("target_kind", "everything"),
                ("price_kind", "fixed"),
                ("fixed_price", "10"),
                ("form_nonce", &nonce),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("对全部产品只能设折扣。"));
    assert_eq!(app.count("select count(*) from customer_prices").await, 3);
}

async fn missing_permission_is_403_naming_it(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let shop = shop(&app, &api).await;
    let price = create_price(&api, json!({ "holder_kind": "group", "customer_group_id": shop.group, "target_kind": "everything",
                                           "price_kind": "discount", "discount_percent": "85" }))
    .await;
    for (login, permissions) in [
        ("viewer", json!(["customers.customer_price.view"])),
        ("nobody", json!(["customers.customer.view"])),
    ] {
        let (_, role) = api
            .post(
                "/api/v1/roles",
                json!({ "name": format!("角色{login}"), "permissions": permissions }),
            )
            .await;
        let (status, user) = api
            .post(
                "/api/v1/users",
                json!({ "login": login, "display_name": login, "password": "Viewer2026",
                        "role_ids": [role["id"]], "account_set_ids": [shop.account_set] }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{user}");
    }
    let viewer = app.sign_in("viewer", "Viewer2026").await;
    let viewer_api = app.api("viewer", "Viewer2026", None).await;
    let (status, page) = viewer.get_text("/customers/prices").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("广告同行"));
    assert!(!page.contains("href=\"/customers/prices/new\""));
    let (status, page) = viewer
        .get_text(&format!("/customers/prices/{}", price["id"]))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<fieldset class=\"plain\" disabled>"));
    let manage =
        "您没有“管理客户合作价（新建、修改、删除）”权限（customers.customer_price.manage）";
    let res = viewer.get("/customers/prices/new").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains(manage));
    let res = viewer
        .post_form(&format!("/customers/prices/{}/delete", price["id"]), &[])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (status, body) = viewer_api
        .post("/api/v1/customer-prices", json!({ "holder_kind": "group", "customer_group_id": shop.group, "target_kind": "everything", "price_kind": "discount", "discount_percent": "80" }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        field_message(&body, "").as_deref(),
        Some(format!("{manage}，请联系管理员。").as_str())
    );
    let (status, _) = viewer_api
        .delete(&format!("/api/v1/customer-prices/{}", price["id"]))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = viewer_api
        .get(&format!("/api/v1/customers/{}/price-rules", shop.customer))
        .await;
    assert_eq!(status, StatusCode::OK);

    let nobody = app.sign_in("nobody", "Viewer2026").await;
    let nobody_api = app.api("nobody", "Viewer2026", None).await;
    let view = "您没有“查看客户合作价”权限（customers.customer_price.view）";
    let res = nobody.get("/customers/prices").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains(view));
    let (_, page) = nobody.get_text("/customers").await;
    assert!(
        !page.contains("href=\"/customers/prices\""),
        "no menu entry without the permission"
    );
    for path in [
        "/api/v1/customer-prices".to_owned(),
        format!("/api/v1/customer-prices/{}", price["id"]),
        format!("/api/v1/customers/{}/price-rules", shop.customer),
    ] {
        let (status, body) = nobody_api.get(&path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(
            field_message(&body, "").as_deref(),
            Some(format!("{view}，请联系管理员。").as_str()),
            "{path}"
        );
    }
    assert_eq!(
        app.count("select count(*) from customer_prices where deleted_at is null")
            .await,
        1
    );
}

async fn account_set_b_prices_are_not_found_from_a(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api_a = app.api_admin().await;
    let (status, b) = api_a
        .post("/api/v1/account-sets", json!({ "name": "分店" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    let b_id = b["id"].as_i64().unwrap();
    let api_b = app.api(ADMIN_LOGIN, ADMIN_PASSWORD, Some(b_id)).await;
    let shop_b = shop(&app, &api_b).await;
    let live = create_price(&api_b, json!({ "holder_kind": "customer", "customer_id": shop_b.customer, "target_kind": "product",
                                            "target_id": shop_b.product, "price_kind": "fixed", "fixed_price": "18" }))
    .await;
    let live = live["id"].as_i64().unwrap();
    let deleted = create_price(&api_b, json!({ "holder_kind": "group", "customer_group_id": shop_b.group, "target_kind": "everything",
                                               "price_kind": "discount", "discount_percent": "85" }))
    .await;
    let deleted = deleted["id"].as_i64().unwrap();
    let (status, _) = api_b
        .delete(&format!("/api/v1/customer-prices/{deleted}"))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let browser_a = app.sign_in_admin().await;
    let a_id = account_set_of(&api_a).await;
    assert_ne!(a_id, b_id, "the probe runs in account set A");
    // A's own group, so that the probe bodies are valid in A.
    list_item(&app, a_id, "customer_group", "广告同行").await;
    assert_foreign_ids_are_not_found(&browser_a, &api_a, PRICE_PROBES, live).await;
    assert_foreign_ids_are_not_found(&browser_a, &api_a, DELETED_PRICE_PROBES, deleted).await;
    assert_foreign_ids_are_not_found(&browser_a, &api_a, CUSTOMER_PROBES, shop_b.customer).await;
    let scope_a = Scope::for_operator_task(AccountSetId(a_id));
    assert!(matches!(
        price_rules_for(&app.db, &scope_a, shop_b.customer, day("2026-11-25")).await,
        Err(AppError::NotFound)
    ));

    // Nor can A name B's customer as a holder.
    let (status, body) = api_a
        .post("/api/v1/customer-prices", json!({ "holder_kind": "customer", "customer_id": shop_b.customer, "target_kind": "everything",
                                                 "price_kind": "discount", "discount_percent": "85" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "customer_id").as_deref(),
        Some("请从列表中选择本账套的客户。")
    );
    let (_, list_a) = api_a.get("/api/v1/customer-prices").await;
    assert_eq!(list_a, json!([]));

    // B's rules are as they were.
    let (status, price) = api_b.get(&format!("/api/v1/customer-prices/{live}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (price["fixed_price"].as_str(), price["label"].as_str()),
        (Some("18.00"), Some("XX设计院：背胶PP 18.00元"))
    );
    let (status, _) = api_b
        .get(&format!("/api/v1/customer-prices/{deleted}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "still deleted");
    let scope_b = Scope::for_operator_task(AccountSetId(b_id));
    assert_eq!(
        price_rules_for(&app.db, &scope_b, shop_b.customer, day("2026-11-25"))
            .await
            .unwrap()
            .len(),
        1
    );
}

backend_tests!(
    rules_of_every_kind_are_created_through_page_and_api_and_read_back,
    example_f_group_discount_and_customer_fixed_price,
    bad_input_names_each_field_and_saves_nothing,
    missing_permission_is_403_naming_it,
    account_set_b_prices_are_not_found_from_a,
);
