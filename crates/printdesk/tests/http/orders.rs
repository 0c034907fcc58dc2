//! Tests of 产品订单 (manual 1.1): orders through the API and the pages — pricing of each line
//! (DOMAIN.md §4.3), totals, gap-free numbers under concurrent saves, the form nonce, price
//! overrides and their permission, the life cycle with its tasks, the list and its export, the
//! order bin, cooperative prices and tenant isolation — on both backends.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::backend_tests;
use crate::harness::{ADMIN_LOGIN, ADMIN_PASSWORD, Api, Backend, TestApp, field_message};
use crate::products::{body, create, id_in, item};
use crate::spreadsheets::download_rows;
use crate::system_org::{Probe, assert_foreign_ids_are_not_found};

/// Routes that take a live order's id.
const ORDER_PROBES: &[Probe] = &[
    Probe::PageGet("/orders/{id}"),
    Probe::PageGet("/orders/{id}/edit"),
    Probe::PagePost(
        "/orders/{id}",
        &[
            ("version", "1"),
            ("intent", "save"),
            ("lines[0][product_code]", "TAN-01"),
            ("lines[0][quantity]", "1"),
        ],
    ),
    Probe::PagePost("/orders/{id}/actions/approve", &[]),
    Probe::PagePost("/orders/{id}/actions/unapprove", &[]),
    Probe::PagePost("/orders/{id}/actions/cancel", &[]),
    Probe::PagePost("/orders/{id}/delete", &[]),
    Probe::ApiGet("/api/v1/orders/{id}"),
    Probe::ApiPut(
        "/api/v1/orders/{id}",
        r#"{"version":1,"lines":[{"product_code":"TAN-01","quantity":"1"}]}"#,
    ),
    Probe::ApiPost("/api/v1/orders/{id}/actions/approve", "{}"),
    Probe::ApiPost("/api/v1/orders/{id}/actions/unapprove", "{}"),
    Probe::ApiPost("/api/v1/orders/{id}/actions/finish", "{}"),
    Probe::ApiPost("/api/v1/orders/{id}/actions/deliver", "{}"),
    Probe::ApiPost("/api/v1/orders/{id}/actions/cancel", "{}"),
    Probe::ApiDelete("/api/v1/orders/{id}"),
];

/// Routes that take the id of an order in the recycle bin.
const BINNED_ORDER_PROBES: &[Probe] = &[
    Probe::PagePost("/system/recycle-bin/order/{id}/restore", &[]),
    Probe::PagePost("/system/recycle-bin/order/{id}/purge", &[]),
    Probe::ApiPost("/api/v1/recycle-bin/order/{id}/restore", "{}"),
    Probe::ApiDelete("/api/v1/recycle-bin/order/{id}"),
];

const DUE: &str = "2099-12-31 17:30";

/// 写真 by area: 25.00 per m², at least 1 m² a piece, lamination (覆膜(亮膜), 8.00 per m²) by
/// default.
pub(crate) async fn photo(api: &Api) -> i64 {
    let lamination = item(api, "process", "覆膜(亮膜)").await;
    create(
        api,
        body(
            api,
            "XZ-01",
            "写真",
            "area",
            "25",
            json!({ "min_per_piece": "1", "process_ids": [lamination] }),
        )
        .await,
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

/// 黑白复印A4 by printed side: 0.30, from 500 sides 0.20, from 2000 sides 0.15; no processes.
async fn copying(api: &Api) -> i64 {
    create(
        api,
        body(
            api,
            "FY-A4",
            "黑白复印A4",
            "sheet",
            "0.30",
            json!({
                "sheet_unit": "side",
                "tiers": [
                    { "from": "1", "price": "0.30" },
                    { "from": "500", "price": "0.20" },
                    { "from": "2000", "price": "0.15" },
                ],
            }),
        )
        .await,
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

/// 展架 by count: 45.00 each, no processes.
pub(crate) async fn stand(api: &Api) -> i64 {
    create(
        api,
        body(api, "ZJ-01", "展架", "count", "45", json!({})).await,
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

/// The 写真 line of example 1: 60 cm × 80 cm, two pieces.
pub(crate) fn photo_line() -> Value {
    json!({ "product_code": "XZ-01", "width": "60", "height": "80", "dimension_unit": "cm",
            "quantity": "2" })
}

/// A walk-in order body with `lines`.
pub(crate) fn walk_in(lines: Value) -> Value {
    json!({
        "walk_in_name": "李先生",
        "walk_in_mobile": "13800001111",
        "due_at": DUE,
        "tag_ids": [],
        "discount": "",
        "tax_rate": "",
        "lines": lines,
    })
}

pub(crate) async fn create_order(api: &Api, body: Value) -> Value {
    let (status, order) = api.post("/api/v1/orders", body).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    order
}

async fn count_orders(app: &TestApp) -> i64 {
    app.count("select count(*) from orders").await
}

async fn count_tasks(app: &TestApp) -> i64 {
    app.count("select count(*) from tasks").await
}

/// The ids of a list answer's rows (`list[key]`), in order.
pub(crate) fn listed_ids(list: &Value, key: &str) -> Vec<i64> {
    list[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} in {list}"))
        .iter()
        .map(|row| row["id"].as_i64().unwrap())
        .collect()
}

pub(crate) async fn account_set_of(api: &Api) -> i64 {
    let (_, me) = api.get("/api/v1/me").await;
    me["account_set_id"].as_i64().unwrap()
}

/// Creates account set 分店 and returns an API client of the admin in it.
pub(crate) async fn second_account_set(app: &TestApp, api: &Api) -> Api {
    let (status, b) = api
        .post("/api/v1/account-sets", json!({ "name": "分店" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    app.api(ADMIN_LOGIN, ADMIN_PASSWORD, Some(b["id"].as_i64().unwrap()))
        .await
}

/// The number an order of `order_date` (YYYY-MM-DD) gets as the `seq`-th of its day.
fn number_for(order_date: &str, seq: u32) -> String {
    format!("DD{}{seq:04}", order_date.replace('-', ""))
}

/// The field names of a 422 answer.
pub(crate) fn fields(res: &Value) -> Vec<String> {
    res["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {res}"))
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

/// The value of the hidden field `name` of a page.
pub(crate) fn hidden(page: &str, name: &str) -> String {
    let start = page
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no {name} field"));
    let rest = &page[start..];
    let value = &rest[rest.find("value=\"").unwrap() + 7..];
    value[..value.find('"').unwrap()].to_owned()
}

pub(crate) fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_owned()
}

async fn a_walk_in_order_is_priced_numbered_and_audited(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    photo(&api).await;
    let copy = copying(&api).await;
    let request = walk_in(json!([
        photo_line(),
        { "product_id": copy, "quantity": "10", "pages": "50", "sides": "1" },
    ]));
    let order = create_order(&api, request.clone()).await;
    assert_eq!(order["status"], "draft");
    assert_eq!(order["customer_id"], Value::Null);
    assert_eq!(order["walk_in_name"], "李先生");
    assert_eq!(order["due_at"], DUE);
    assert_eq!(order["version"], 1);
    let date = order["order_date"].as_str().unwrap().to_owned();
    assert_eq!(order["number"], number_for(&date, 1));
    // 0.6 m × 0.8 m = 0.48 m² a piece, billed 1 m² each: 2 m² at 25.00 = 50.00, plus the
    // default lamination on the same 2 m² at 8.00 = 16.00.
    let photo_line = &order["lines"][0];
    assert_eq!(photo_line["line_no"], 1);
    assert_eq!(photo_line["product_code"], "XZ-01");
    assert_eq!(photo_line["product_name"], "写真");
    assert_eq!(
        (photo_line["width"].as_str(), photo_line["height"].as_str()),
        (Some("0.6"), Some("0.8"))
    );
    assert_eq!(photo_line["quantity"], "2");
    assert_eq!(photo_line["billable_quantity"], "2");
    assert_eq!(photo_line["unit_price"], "25.00");
    assert_eq!(photo_line["amount"], "50.00");
    assert_eq!(photo_line["priced_amount"], "50.00");
    assert_eq!(photo_line["price_source"], "list");
    assert_eq!(photo_line["processes"][0]["name"], "覆膜(亮膜)");
    assert_eq!(photo_line["processes"][0]["amount"], "16.00");
    assert_eq!(photo_line["process_amount"], "16.00");
    assert_eq!(photo_line["line_total"], "66.00");
    let explanation: Vec<&str> = photo_line["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert!(
        explanation.contains(&"每件 0.48 不足最低计价 1，按 1 计"),
        "{explanation:?}"
    );
    // 10 copies of 50 pages, one side: 500 sides at the 500-side tier, 0.20.
    let copy_line = &order["lines"][1];
    assert_eq!(copy_line["line_no"], 2);
    assert_eq!(copy_line["billable_quantity"], "500");
    assert_eq!(copy_line["unit_price"], "0.20");
    assert_eq!(copy_line["amount"], "100.00");
    assert_eq!(copy_line["price_source"], "tier");
    assert_eq!(copy_line["processes"], json!([]));
    assert_eq!(copy_line["line_total"], "100.00");
    assert_eq!(
        order["totals"],
        json!({ "goods_amount": "150.00", "process_amount": "16.00", "management_fee": "0.00",
                "discount": "0.00", "tax_amount": "0.00", "round_off": "0.00", "total": "166.00" })
    );
    // What was saved reads back the same.
    let id = order["id"].as_i64().unwrap();
    let (status, read) = api.get(&format!("/api/v1/orders/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read, order);
    // The next order of the day takes the next number.
    let second = create_order(&api, request).await;
    assert_eq!(second["number"], number_for(&date, 2));
    assert_eq!(count_orders(&app).await, 2);
    assert_eq!(app.count("select count(*) from order_lines").await, 4);
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action = 'create' and doc_kind = 'order' and doc_id = $1",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(audited, 1);
    // The order's page shows it.
    let admin = app.sign_in_admin().await;
    let (status, page) = admin.get_text(&format!("/orders/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&number_for(&date, 1)), "{page}");
    assert!(page.contains("166.00") && page.contains("写真"));
}

async fn a_quote_prices_without_saving(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    photo(&api).await;
    let (status, quote) = api
        .post("/api/v1/orders/quote", walk_in(json!([photo_line()])))
        .await;
    assert_eq!(status, StatusCode::OK, "{quote}");
    assert_eq!(quote["lines"][0]["amount"], "50.00");
    assert_eq!(quote["lines"][0]["line_total"], "66.00");
    assert_eq!(quote["totals"]["total"], "66.00");
    // Bad input is refused the same way as on save.
    let (status, res) = api.post("/api/v1/orders/quote", walk_in(json!([]))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&res), ["lines"]);
    // The page's 计算 button re-renders the form priced.
    let admin = app.sign_in_admin().await;
    let (_, page) = admin.get_text("/orders/new").await;
    let nonce = hidden(&page, "form_nonce");
    let res = admin
        .post_form(
            "/orders",
            &[
                ("form_nonce", nonce.as_str()),
                ("intent", "quote"),
                ("lines[0][product_code]", "XZ-01"),
                ("lines[0][width]", "60"),
                ("lines[0][height]", "80"),
                ("lines[0][dimension_unit]", "cm"),
                ("lines[0][quantity]", "2"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("66.00"));
    assert_eq!(count_orders(&app).await, 0);
    assert_eq!(app.count("select count(*) from order_lines").await, 0);
    assert_eq!(
        app.count("select count(*) from doc_sequences where kind = 'order'")
            .await,
        0
    );
}

async fn bad_input_is_refused_on_its_field(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    photo(&api).await;
    let api_b = second_account_set(&app, &api).await;
    let foreign = create(
        &api_b,
        body(&api_b, "B-01", "分店产品", "count", "5", json!({})).await,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut request = walk_in(json!([photo_line()]));
        edit(&mut request);
        request
    };
    let cases: Vec<(&str, Value)> = vec![
        (
            "lines[0].width",
            with(&|r| r["lines"][0]["width"] = json!("0")),
        ),
        (
            "lines[0].width",
            with(&|r| r["lines"][0]["width"] = json!("-60")),
        ),
        (
            "lines[0].height",
            with(&|r| r["lines"][0]["height"] = json!("0")),
        ),
        (
            "lines[0].quantity",
            with(&|r| r["lines"][0]["quantity"] = json!("0")),
        ),
        (
            "lines[1].product",
            with(&|r| {
                r["lines"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({ "product_code": "NO-SUCH", "quantity": "1" }));
            }),
        ),
        (
            "lines[0].product",
            with(&|r| r["lines"] = json!([{ "product_id": foreign, "quantity": "1" }])),
        ),
        (
            "lines[0].product",
            with(&|r| r["lines"] = json!([{ "product_code": "B-01", "quantity": "1" }])),
        ),
        ("discount", with(&|r| r["discount"] = json!("-1"))),
        // 66.00 is all the order is worth.
        ("discount", with(&|r| r["discount"] = json!("66.01"))),
        ("lines", with(&|r| r["lines"] = json!([]))),
        (
            "lines",
            with(&|r| r["lines"] = json!([{ "product_code": "", "quantity": "" }])),
        ),
        ("customer_id", with(&|r| r["customer_id"] = json!(999_999))),
        ("due_at", with(&|r| r["due_at"] = json!("2020-01-01 10:00"))),
        ("tax_rate", with(&|r| r["tax_rate"] = json!("120"))),
    ];
    for (field, request) in cases {
        let (status, res) = api.post("/api/v1/orders", request.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{request} → {res}"
        );
        assert!(
            fields(&res).iter().any(|f| f == field),
            "{field} not named for {request}: {res}"
        );
        assert!(
            field_message(&res, field).is_some_and(|m| !m.is_empty()),
            "{res}"
        );
    }
    // Every bad line and field is reported at once.
    let (status, res) = api
        .post(
            "/api/v1/orders",
            json!({
                "discount": "-5",
                "lines": [
                    { "product_code": "XZ-01", "width": "0", "height": "80", "quantity": "1" },
                    { "product_code": "NO-SUCH", "quantity": "1" },
                ],
            }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let named = fields(&res);
    for field in ["discount", "lines[0].width", "lines[1].product"] {
        assert!(named.iter().any(|f| f == field), "{field}: {res}");
    }
    // The form names the field too, and keeps what was typed.
    let admin = app.sign_in_admin().await;
    let res = admin
        .post_form(
            "/orders",
            &[
                ("intent", "save"),
                ("lines[0][product_code]", "NO-SUCH"),
                ("lines[0][quantity]", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("NO-SUCH"));
    assert_eq!(count_orders(&app).await, 0);
    assert_eq!(app.count("select count(*) from order_lines").await, 0);
}

/// 最大幅宽 / 最大长度 (issue 4): a line whose piece does not fit the product is refused on the
/// side that does not fit, in the clerk's language, and nothing is saved.
async fn sizes_beyond_a_products_limits_are_refused(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let banner = create(
        &api,
        body(
            &api,
            "PH-160",
            "喷绘布(1.6米机)",
            "area",
            "18",
            json!({ "max_width": "1.6", "max_length": "30" }),
        )
        .await,
    )
    .await;
    assert_eq!(banner["max_width"], "1.6");
    assert_eq!(banner["max_length"], "30");
    let line = |width: &str, height: &str| {
        walk_in(
            json!([{ "product_code": "PH-160", "width": width, "height": height,
                         "dimension_unit": "cm", "quantity": "1" }]),
        )
    };
    // 300 × 150 cm fits (turned, 1.5 m across); 300 × 170 does not.
    let fits = create_order(&api, line("300", "150")).await;
    assert_eq!(fits["totals"]["total"], "81.00");
    for (width, height, field, text) in [
        (
            "300",
            "170",
            "lines[0].height",
            "超出该产品的最大幅宽 1.6 米",
        ),
        (
            "170",
            "300",
            "lines[0].width",
            "超出该产品的最大幅宽 1.6 米",
        ),
        (
            "100",
            "3100",
            "lines[0].height",
            "超出该产品的最大长度 30 米",
        ),
    ] {
        for path in ["/api/v1/orders/quote", "/api/v1/orders"] {
            let (status, res) = api.post(path, line(width, height)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
            assert_eq!(fields(&res), vec![field.to_owned()], "{res}");
            assert!(res.to_string().contains(text), "{res}");
        }
    }
    assert_eq!(count_orders(&app).await, 1);
    // A limit that is not a size is refused on its field.
    let (status, res) = api
        .post(
            "/api/v1/products",
            body(
                &api,
                "PH-X",
                "喷绘布",
                "area",
                "18",
                json!({ "max_width": "-1" }),
            )
            .await,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert_eq!(fields(&res), vec!["max_width".to_owned()]);
}

async fn the_same_form_nonce_saves_one_order(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    photo(&api).await;
    let mut request = walk_in(json!([photo_line()]));
    request["form_nonce"] = json!("nonce-orders-0001");
    let first = create_order(&api, request.clone()).await;
    let again = create_order(&api, request).await;
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["number"], first["number"]);
    assert_eq!(count_orders(&app).await, 1);
    // The form, pressed twice with the nonce of the page.
    let admin = app.sign_in_admin().await;
    let (status, page) = admin.get_text("/orders/new").await;
    assert_eq!(status, StatusCode::OK);
    let nonce = hidden(&page, "form_nonce");
    let fields = [
        ("form_nonce", nonce.as_str()),
        ("intent", "save"),
        ("walk_in_name", "张女士"),
        ("due_at", DUE),
        ("lines[0][product_code]", "xz-01"),
        ("lines[0][width]", "600"),
        ("lines[0][height]", "800"),
        ("lines[0][dimension_unit]", "mm"),
        ("lines[0][quantity]", "2"),
    ];
    let res = admin.post_form("/orders", &fields).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let saved_at = location(&res);
    let res = admin.post_form("/orders", &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), saved_at);
    assert_eq!(count_orders(&app).await, 2);
    let id: i64 = saved_at
        .split('?')
        .next()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (_, read) = api.get(&format!("/api/v1/orders/{id}")).await;
    assert_eq!(read["walk_in_name"], "张女士");
    assert_eq!(read["lines"][0]["amount"], "50.00");
    assert_eq!(read["totals"]["total"], "66.00");
    assert_eq!(
        read["number"],
        number_for(read["order_date"].as_str().unwrap(), 2)
    );
}

async fn a_price_override_needs_a_reason_and_the_permission(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    photo(&api).await;
    let mut line = photo_line();
    line["unit_price"] = json!("20");
    line["override_reason"] = json!("老客户让价");
    let order = create_order(&api, walk_in(json!([line.clone()]))).await;
    let priced = &order["lines"][0];
    assert_eq!(priced["price_source"], "override");
    assert_eq!(priced["unit_price"], "20.00");
    assert_eq!(priced["amount"], "40.00");
    assert_eq!(priced["priced_amount"], "50.00");
    assert_eq!(priced["override_reason"], "老客户让价");
    assert_eq!(order["totals"]["total"], "56.00");
    // An override of the amount: the unit price follows from the billable 2 m².
    let mut by_amount = photo_line();
    by_amount["amount"] = json!("45");
    by_amount["override_reason"] = json!("整单优惠");
    let order = create_order(&api, walk_in(json!([by_amount.clone()]))).await;
    let priced = &order["lines"][0];
    assert_eq!(
        (
            priced["amount"].as_str(),
            priced["unit_price"].as_str(),
            priced["priced_amount"].as_str(),
            priced["price_source"].as_str()
        ),
        (
            Some("45.00"),
            Some("22.50"),
            Some("50.00"),
            Some("override")
        )
    );
    // Without a reason.
    let mut no_reason = line.clone();
    no_reason["override_reason"] = json!("  ");
    let (status, res) = api
        .post("/api/v1/orders", walk_in(json!([no_reason])))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&res), ["lines[0].override_reason"]);
    // A clerk without orders.order.price_override.
    let account_set = account_set_of(&api).await;
    let (status, role) = api
        .post(
            "/api/v1/roles",
            json!({ "name": "开单员", "permissions": ["orders.order.view", "orders.order.create"] }),
        )
        .await;
    assert!(status.is_success(), "{role}");
    let (status, user) = api
        .post(
            "/api/v1/users",
            json!({ "login": "clerk", "display_name": "小陈", "password": "Secret2026",
                    "role_ids": [role["id"]], "account_set_ids": [account_set] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    let clerk = app.api("clerk", "Secret2026", None).await;
    let before = count_orders(&app).await;
    let (status, res) = clerk.post("/api/v1/orders", walk_in(json!([line]))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert_eq!(fields(&res), ["lines[0].unit_price"]);
    let (status, res) = clerk
        .post("/api/v1/orders", walk_in(json!([by_amount])))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert_eq!(fields(&res), ["lines[0].amount"]);
    assert_eq!(count_orders(&app).await, before);
    // The same clerk saves at the computed price.
    let order = create_order(&clerk, walk_in(json!([photo_line()]))).await;
    assert_eq!(order["lines"][0]["price_source"], "list");
    // ... but may not approve it.
    let (status, _) = clerk
        .post(
            &format!("/api/v1/orders/{}/actions/approve", order["id"]),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn approval_releases_tasks_and_locks_the_order(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    photo(&api).await;
    let stand = stand(&api).await;
    let lamination = item(&api, "process", "覆膜(亮膜)").await;
    let eyelets = item(&api, "process", "打扣").await;
    let request = walk_in(json!([
        photo_line(),
        { "product_id": stand, "quantity": "3", "process_ids": [eyelets] },
        { "product_id": stand, "quantity": "1", "process_ids": [] },
    ]));
    let order = create_order(&api, request.clone()).await;
    let id = order["id"].as_i64().unwrap();
    let n_processes: usize = order["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["processes"].as_array().unwrap().len())
        .sum();
    assert_eq!(n_processes, 2);
    assert_eq!(
        order["lines"][0]["processes"][0]["process_id"],
        json!(lamination)
    );
    assert_eq!(order["lines"][1]["amount"], "135.00");
    // A draft has no tasks yet (tasks are released on approval by default).
    assert_eq!(count_tasks(&app).await, 0);
    // Someone saves first: the edit that started from version 1 is refused.
    let mut edit = request.clone();
    edit["version"] = json!(1);
    edit["discount"] = json!("1.00");
    let (status, saved) = api.put(&format!("/api/v1/orders/{id}"), edit.clone()).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], 2);
    assert_eq!(saved["totals"]["discount"], "1.00");
    edit["discount"] = json!("2.00");
    let (status, res) = api.put(&format!("/api/v1/orders/{id}"), edit.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{res}");
    let (_, read) = api.get(&format!("/api/v1/orders/{id}")).await;
    assert_eq!(
        (
            read["version"].as_i64(),
            read["totals"]["discount"].as_str()
        ),
        (Some(2), Some("1.00"))
    );
    // An action naming a stale version is refused too.
    let (status, _) = api
        .post(
            &format!("/api/v1/orders/{id}/actions/approve"),
            json!({ "version": 1 }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(count_tasks(&app).await, 0);
    // 审核: one task per line process.
    let (status, res) = api
        .post(
            &format!("/api/v1/orders/{id}/actions/approve"),
            json!({ "version": 2 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res["status"], "approved");
    assert_eq!(count_tasks(&app).await, 2);
    let task_names: Vec<String> =
        sqlx::query_scalar("select process_name from tasks where order_id = $1 order by id")
            .bind(id)
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(task_names, ["覆膜(亮膜)", "打扣"]);
    let (_, read) = api.get(&format!("/api/v1/orders/{id}")).await;
    assert_eq!(read["status"], "approved");
    let version = read["version"].as_i64().unwrap();
    // An approved order cannot be edited, nor approved again.
    edit["version"] = json!(version);
    let (status, _) = api.put(&format!("/api/v1/orders/{id}"), edit.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = api
        .post(&format!("/api/v1/orders/{id}/actions/approve"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(count_tasks(&app).await, 2);
    let admin = app.sign_in_admin().await;
    let res = admin.get(&format!("/orders/{id}/edit")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // 反审核: back to draft, tasks withdrawn, editable again.
    let (status, res) = api
        .post(&format!("/api/v1/orders/{id}/actions/unapprove"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res["status"], "draft");
    assert_eq!(count_tasks(&app).await, 0);
    let (_, read) = api.get(&format!("/api/v1/orders/{id}")).await;
    assert_eq!(read["status"], "draft");
    edit["version"] = read["version"].clone();
    let (status, saved) = api.put(&format!("/api/v1/orders/{id}"), edit).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["totals"]["discount"], "2.00");
    // Through the page: approve, then deliver needs the tasks done; cancel after unapproving.
    let res = admin
        .post_form(&format!("/orders/{id}/actions/approve"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(count_tasks(&app).await, 2);
    let (status, _) = api
        .post(&format!("/api/v1/orders/{id}/actions/deliver"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, res) = api
        .post(&format!("/api/v1/orders/{id}/actions/cancel"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res["status"], "cancelled");
    assert_eq!(count_tasks(&app).await, 0);
    let (status, _) = api
        .post(&format!("/api/v1/orders/{id}/actions/approve"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = api
        .post(&format!("/api/v1/orders/{id}/actions/nonsense"), json!({}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn a_blocking_credit_limit_refuses_approval(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    photo(&api).await;
    let (status, customer) = api
        .post(
            "/api/v1/customers",
            json!({ "name": "XX设计院", "credit_limit": "100", "credit_mode": "block" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{customer}");
    let mut request = walk_in(json!([photo_line()]));
    request["customer_id"] = customer["id"].clone();
    // 66.00 fits under 100.00; a second 66.00 would not.
    let first = create_order(&api, request.clone()).await;
    assert_eq!(first["customer_name"], "XX设计院");
    let second = create_order(&api, request).await;
    let (status, res) = api
        .post(
            &format!("/api/v1/orders/{}/actions/approve", first["id"]),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    let (status, res) = api
        .post(
            &format!("/api/v1/orders/{}/actions/approve", second["id"]),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{res}");
    let (_, read) = api.get(&format!("/api/v1/orders/{}", second["id"])).await;
    assert_eq!(read["status"], "draft");
    assert_eq!(count_tasks(&app).await, 1);
}

async fn concurrent_saves_get_gap_free_unique_numbers(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let stand = stand(&api).await;
    let mut saves = tokio::task::JoinSet::new();
    for n in 0..20 {
        let (http, base, token) = (api.http.clone(), api.base.clone(), api.token.clone());
        let mut request = walk_in(json!([{ "product_id": stand, "quantity": "1" }]));
        request["form_nonce"] = json!(format!("concurrent-{n}"));
        saves.spawn(async move {
            let res = http
                .post(format!("{base}/api/v1/orders"))
                .bearer_auth(&token)
                .json(&request)
                .send()
                .await
                .unwrap();
            let status = res.status();
            let body: Value = res.json().await.unwrap();
            assert_eq!(status, StatusCode::CREATED, "{body}");
            (
                body["number"].as_str().unwrap().to_owned(),
                body["order_date"].as_str().unwrap().to_owned(),
            )
        });
    }
    let mut numbers = Vec::new();
    let mut date = String::new();
    while let Some(joined) = saves.join_next().await {
        let (number, order_date) = joined.unwrap();
        numbers.push(number);
        date = order_date;
    }
    numbers.sort();
    let expected: Vec<String> = (1..=20).map(|seq| number_for(&date, seq)).collect();
    assert_eq!(numbers, expected);
    assert_eq!(count_orders(&app).await, 20);
    assert_eq!(
        app.count("select count(distinct number) from orders").await,
        20
    );
}

/// Orders saved at the same moment are written in one batch (`kernel::batch`): each keeps its
/// own lines, processes and tags, every one is audited, and a form pressed many times at once
/// still makes one order.
async fn orders_saved_together_keep_their_own_lines(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    photo(&api).await;
    let stand = stand(&api).await;
    let urgent = item(&api, "feature_tag", "加急").await;
    let mut saves = tokio::task::JoinSet::new();
    let post = |request: Value| {
        let (http, base, token) = (api.http.clone(), api.base.clone(), api.token.clone());
        async move {
            let res = http
                .post(format!("{base}/api/v1/orders"))
                .bearer_auth(&token)
                .json(&request)
                .send()
                .await
                .unwrap();
            let status = res.status();
            let body: Value = res.json().await.unwrap();
            assert_eq!(status, StatusCode::CREATED, "{body}");
            body
        }
    };
    for n in 0..12_i64 {
        // Order n: n+1 photo lines (each laminated) of n+1 pieces, then one stand; tagged when odd.
        let mut lines: Vec<Value> = (0..=n)
            .map(|k| {
                json!({ "product_code": "XZ-01", "width": "100", "height": "100",
                        "dimension_unit": "cm", "quantity": (n + 1).to_string(),
                        "specification": format!("order {n} line {k}") })
            })
            .collect();
        lines.push(json!({ "product_id": stand, "quantity": "1" }));
        let mut request = walk_in(Value::Array(lines));
        request["walk_in_name"] = json!(format!("客户{n}"));
        request["form_nonce"] = json!(format!("together-{n}"));
        if n % 2 == 1 {
            request["tag_ids"] = json!([urgent]);
        }
        let save = post(request);
        saves.spawn(async move { (n, save.await) });
    }
    // One form pressed eight times at once.
    let mut repeat = walk_in(json!([{ "product_id": stand, "quantity": "3" }]));
    repeat["form_nonce"] = json!("together-repeated");
    for _ in 0..8 {
        let save = post(repeat.clone());
        saves.spawn(async move { (-1, save.await) });
    }
    let mut repeated_ids = Vec::new();
    while let Some(joined) = saves.join_next().await {
        let (n, saved) = joined.unwrap();
        let (_, order) = api.get(&format!("/api/v1/orders/{}", saved["id"])).await;
        if n < 0 {
            repeated_ids.push(saved["id"].as_i64().unwrap());
            assert_eq!(order["totals"]["total"], "135.00", "{order}");
            continue;
        }
        assert_eq!(order["walk_in_name"], format!("客户{n}"), "{order}");
        let lines = order["lines"].as_array().unwrap();
        assert_eq!(lines.len(), usize::try_from(n).unwrap() + 2, "{order}");
        for (k, line) in lines.iter().take(lines.len() - 1).enumerate() {
            assert_eq!(line["line_no"], k + 1);
            assert_eq!(line["specification"], format!("order {n} line {k}"));
            assert_eq!(line["quantity"], (n + 1).to_string());
            // One laminated square metre a piece: 8.00 × (n+1).
            assert_eq!(line["processes"].as_array().unwrap().len(), 1, "{line}");
            assert_eq!(line["processes"][0]["name"], "覆膜(亮膜)");
            assert_eq!(
                line["processes"][0]["amount"],
                format!("{}.00", 8 * (n + 1))
            );
        }
        assert_eq!(lines.last().unwrap()["product_name"], "展架");
        assert_eq!(lines.last().unwrap()["processes"], json!([]));
        let tags = if n % 2 == 1 {
            json!([urgent])
        } else {
            json!([])
        };
        assert_eq!(order["tag_ids"], tags, "{order}");
    }
    repeated_ids.dedup();
    assert_eq!(repeated_ids.len(), 1, "one order for the repeated form");
    assert_eq!(count_orders(&app).await, 13);
    assert_eq!(
        app.count("select count(*) from audit_log where doc_kind = 'order' and action = 'create'")
            .await,
        13
    );
    // 1 + 2 + … + 12 photo lines, one process each.
    assert_eq!(
        app.count("select count(*) from order_line_processes").await,
        78
    );
}

async fn the_list_filters_sums_and_exports(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    photo(&api).await;
    let stand = stand(&api).await;
    let urgent = item(&api, "feature_tag", "加急").await;
    let invoice = item(&api, "feature_tag", "需开票").await;
    let category = item(&api, "order_category", "写真喷绘").await;
    // 66.00, tagged 加急 and 需开票, category 写真喷绘.
    let mut first = walk_in(json!([photo_line()]));
    first["tag_ids"] = json!([invoice, urgent]);
    first["category_id"] = json!(category);
    let first = create_order(&api, first).await;
    assert_eq!(
        first["tag_ids"],
        json!([urgent.min(invoice), urgent.max(invoice)])
    );
    // 90.00, approved.
    let second = create_order(
        &api,
        walk_in(json!([{ "product_id": stand, "quantity": "2" }])),
    )
    .await;
    let (status, _) = api
        .post(
            &format!("/api/v1/orders/{}/actions/approve", second["id"]),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // 45.00, a different walk-in.
    let mut third = walk_in(json!([{ "product_id": stand, "quantity": "1" }]));
    third["walk_in_name"] = json!("赵老板");
    third["walk_in_mobile"] = json!("13900002222");
    let third = create_order(&api, third).await;

    let (status, list) = api.get("/api/v1/orders").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["total"], 3);
    assert_eq!(list["total_amount"], "201.00");
    assert_eq!(
        (list["page"].as_i64(), list["n_pages"].as_i64()),
        (Some(1), Some(1))
    );
    // Newest first.
    assert_eq!(list["orders"][0]["id"], third["id"]);
    assert_eq!(list["orders"][2]["tag_ids"], first["tag_ids"]);
    assert_eq!(list["orders"][2]["customer_name"], "李先生");
    assert_eq!(list["orders"][2]["total"], "66.00");

    let ids = |list: &Value| listed_ids(list, "orders");
    let (_, list) = api.get("/api/v1/orders?status=draft").await;
    assert_eq!(
        (list["total"].as_i64(), list["total_amount"].as_str()),
        (Some(2), Some("111.00"))
    );
    assert!(
        list["orders"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["status"] == "draft")
    );
    let (_, list) = api.get("/api/v1/orders?status=approved").await;
    assert_eq!(ids(&list), [second["id"].as_i64().unwrap()]);
    assert_eq!(list["total_amount"], "90.00");
    let (_, list) = api.get(&format!("/api/v1/orders?tag_id={urgent}")).await;
    assert_eq!(ids(&list), [first["id"].as_i64().unwrap()]);
    let (_, list) = api
        .get(&format!("/api/v1/orders?category_id={category}"))
        .await;
    assert_eq!(ids(&list), [first["id"].as_i64().unwrap()]);
    let number = second["number"].as_str().unwrap();
    let (_, list) = api.get(&format!("/api/v1/orders?q={number}")).await;
    assert_eq!(ids(&list), [second["id"].as_i64().unwrap()]);
    assert_eq!(list["total_amount"], "90.00");
    let (_, list) = api.get("/api/v1/orders?q=13900002222").await;
    assert_eq!(ids(&list), [third["id"].as_i64().unwrap()]);
    let (_, list) = api
        .get("/api/v1/orders?q=%E8%B5%B5%E8%80%81%E6%9D%BF")
        .await;
    assert_eq!(ids(&list), [third["id"].as_i64().unwrap()]);
    let (_, list) = api.get("/api/v1/orders?sort=total").await;
    assert_eq!(list["orders"][0]["id"], second["id"]);
    let date = first["order_date"].as_str().unwrap();
    let (_, list) = api
        .get(&format!("/api/v1/orders?date_from={date}&date_to={date}"))
        .await;
    assert_eq!(list["total"], 3);
    let (_, list) = api.get("/api/v1/orders?date_to=2000-01-01").await;
    assert_eq!(
        (list["total"].as_i64(), list["total_amount"].as_str()),
        (Some(0), Some("0.00"))
    );
    let (status, res) = api.get("/api/v1/orders?date_from=2026-13-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&res), ["date_from"]);

    // The page lists and filters the same way.
    let admin = app.sign_in_admin().await;
    let (status, page) = admin.get_text("/orders?status=draft").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(first["number"].as_str().unwrap()));
    assert!(!page.contains(number));
    assert!(page.contains("111.00"));
    // The export has the matching rows and a totals row.
    let rows = download_rows(&admin, "/orders/export?status=draft").await;
    assert_eq!(rows.len(), 4, "{rows:?}");
    let numbers: Vec<&str> = rows[1..3].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        numbers,
        [
            third["number"].as_str().unwrap(),
            first["number"].as_str().unwrap()
        ]
    );
    assert!(
        rows[2][5].contains("加急") && rows[2][5].contains("需开票"),
        "{rows:?}"
    );
    assert_eq!(rows[2][4], "写真喷绘");
    let amount = |cell: &str| cell.parse::<f64>().unwrap();
    assert!((amount(&rows[1][8]) - 45.0).abs() < 1e-9, "{rows:?}");
    assert!((amount(&rows[2][8]) - 66.0).abs() < 1e-9);
    assert_eq!(rows[3][0], "合计");
    assert!((amount(&rows[3][8]) - 111.0).abs() < 1e-9, "{rows:?}");
    let rows = download_rows(&admin, "/orders/export").await;
    assert_eq!(rows.len(), 5);
    assert!((amount(&rows[4][8]) - 201.0).abs() < 1e-9, "{rows:?}");
}

async fn a_deleted_order_goes_to_the_bin_and_keeps_its_products(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let product = photo(&api).await;
    let order = create_order(&api, walk_in(json!([photo_line()]))).await;
    let id = order["id"].as_i64().unwrap();
    let (status, _) = api.delete(&format!("/api/v1/orders/{id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = api.get(&format!("/api/v1/orders/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = api.get("/api/v1/orders").await;
    assert_eq!(list["total"], 0);
    let (status, bin) = api.get("/api/v1/recycle-bin").await;
    assert_eq!(status, StatusCode::OK);
    let binned: Vec<&Value> = bin
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "order")
        .collect();
    assert_eq!(binned.len(), 1, "{bin}");
    assert_eq!(binned[0]["id"], id);
    assert_eq!(binned[0]["description"], order["number"]);
    let admin = app.sign_in_admin().await;
    let (status, page) = admin.get_text("/system/recycle-bin?kind=order").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(order["number"].as_str().unwrap()));
    // A binned order cannot be acted on.
    let (status, _) = api
        .post(&format!("/api/v1/orders/{id}/actions/approve"), json!({}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Restored, it is whole again.
    let (status, _) = api
        .post(
            &format!("/api/v1/recycle-bin/order/{id}/restore"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, read) = api.get(&format!("/api/v1/orders/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["lines"], order["lines"]);
    assert_eq!(read["totals"], order["totals"]);
    // Deleted through the page this time.
    let res = admin.post_form(&format!("/orders/{id}/delete"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/orders?deleted=1");
    // The product sold on it (the order in the bin) can be binned but never purged.
    let (status, _) = api.delete(&format!("/api/v1/products/{product}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, res) = api
        .delete(&format!("/api/v1/recycle-bin/product/{product}"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{res}");
    assert_eq!(
        app.count("select count(*) from products").await,
        1,
        "the product is still there"
    );
    let (status, _) = api
        .post(
            &format!("/api/v1/recycle-bin/product/{product}/restore"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // The order itself, with nothing posted against it, is purged for good with its lines.
    let (status, _) = api.delete(&format!("/api/v1/recycle-bin/order/{id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(count_orders(&app).await, 0);
    assert_eq!(app.count("select count(*) from order_lines").await, 0);
}

async fn account_set_b_orders_are_not_found_from_account_set_a(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api_a = app.api_admin().await;
    let api_b = second_account_set(&app, &api_a).await;
    photo(&api_b).await;
    let live = create_order(&api_b, walk_in(json!([photo_line()]))).await;
    let live_id = live["id"].as_i64().unwrap();
    let binned = create_order(&api_b, walk_in(json!([photo_line()]))).await["id"]
        .as_i64()
        .unwrap();
    let (status, _) = api_b.delete(&format!("/api/v1/orders/{binned}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // A has a product TAN-01, so the probes' bodies are valid in A and only the id is foreign.
    create(
        &api_a,
        body(&api_a, "TAN-01", "探测", "count", "1", json!({})).await,
    )
    .await;
    let browser_a = app.sign_in_admin().await;
    let (_, me) = api_a.get("/api/v1/me").await;
    assert_ne!(
        me["account_set_id"].as_i64(),
        Some(account_set_of(&api_b).await),
        "the probe runs in account set A"
    );
    assert_foreign_ids_are_not_found(&browser_a, &api_a, ORDER_PROBES, live_id).await;
    assert_foreign_ids_are_not_found(&browser_a, &api_a, BINNED_ORDER_PROBES, binned).await;
    // A's list and export do not show B's orders; A's numbering starts afresh.
    let (_, list) = api_a.get("/api/v1/orders").await;
    assert_eq!(list["total"], 0);
    let (_, list) = api_a
        .get(&format!(
            "/api/v1/orders?q={}",
            live["number"].as_str().unwrap()
        ))
        .await;
    assert_eq!(list["total"], 0);
    let rows = download_rows(&browser_a, "/orders/export").await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    let mine = create_order(
        &api_a,
        walk_in(json!([{ "product_code": "TAN-01", "quantity": "1" }])),
    )
    .await;
    assert_eq!(
        mine["number"],
        number_for(mine["order_date"].as_str().unwrap(), 1)
    );
    // B's orders are untouched.
    let (status, read) = api_b.get(&format!("/api/v1/orders/{live_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read, live);
    assert_eq!(count_tasks(&app).await, 0);
    let (status, _) = api_b.get(&format!("/api/v1/orders/{binned}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = api_b
        .post(
            &format!("/api/v1/recycle-bin/order/{binned}/restore"),
            json!({}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NO_CONTENT,
        "B still has its binned order"
    );
}

async fn cooperative_prices_apply_to_the_customer_lines(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let product = photo(&api).await;
    let group = item(&api, "customer_group", "广告同行").await;
    let mut customers = Vec::new();
    for name in ["XX设计院", "YY广告公司"] {
        let (status, customer) = api
            .post(
                "/api/v1/customers",
                json!({ "name": name, "customer_group_id": group }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{customer}");
        customers.push(customer["id"].as_i64().unwrap());
    }
    for rule in [
        json!({ "holder_kind": "group", "customer_group_id": group, "target_kind": "everything",
                "price_kind": "discount", "discount_percent": "85" }),
        json!({ "holder_kind": "customer", "customer_id": customers[0], "target_kind": "product",
                "target_id": product, "price_kind": "fixed", "fixed_price": "18" }),
    ] {
        let (status, saved) = api.post("/api/v1/customer-prices", rule).await;
        assert!(status.is_success(), "{saved}");
    }
    // XX设计院's own price: 2 m² at 18.00 = 36.00; lamination 2 m² at 8.00 × 85% = 13.60.
    let mut request = walk_in(json!([photo_line()]));
    request["customer_id"] = json!(customers[0]);
    let order = create_order(&api, request.clone()).await;
    assert_eq!(order["customer_name"], "XX设计院");
    let line = &order["lines"][0];
    assert_eq!(
        (
            line["price_source"].as_str(),
            line["unit_price"].as_str(),
            line["amount"].as_str()
        ),
        (Some("customer_fixed"), Some("18.00"), Some("36.00"))
    );
    assert_eq!(line["priced_amount"], "36.00");
    assert_eq!(line["processes"][0]["amount"], "13.60");
    assert_eq!(order["totals"]["total"], "49.60");
    // YY广告公司 has its group's 85%: 25.00 → 21.25, 42.50.
    request["customer_id"] = json!(customers[1]);
    let (status, quote) = api.post("/api/v1/orders/quote", request.clone()).await;
    assert_eq!(status, StatusCode::OK, "{quote}");
    let line = &quote["lines"][0];
    assert_eq!(
        (
            line["price_source"].as_str(),
            line["unit_price"].as_str(),
            line["amount"].as_str()
        ),
        (Some("group_discount"), Some("21.25"), Some("42.50"))
    );
    // A walk-in pays the list price.
    let walk_in_order = create_order(&api, walk_in(json!([photo_line()]))).await;
    assert_eq!(walk_in_order["lines"][0]["price_source"], "list");
    assert_eq!(walk_in_order["totals"]["total"], "66.00");
    // The list filters by customer.
    let (_, list) = api
        .get(&format!("/api/v1/orders?customer_id={}", customers[0]))
        .await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["orders"][0]["customer_name"], "XX设计院");
    // So does free text with part of the customer's name (设计院).
    let (_, list) = api
        .get("/api/v1/orders?q=%E8%AE%BE%E8%AE%A1%E9%99%A2")
        .await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["total_amount"], "49.60");
    assert_eq!(list["orders"][0]["customer_name"], "XX设计院");
}

/// Free text finds an order by any part of its walk-in name (any case), mobile or contact phone,
/// as the order now reads after an edit, never a binned order or another account set's.
async fn free_text_finds_orders_by_part_of_a_name_or_phone(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    photo(&api).await;
    let ids = |list: &Value| listed_ids(list, "orders");
    let found = |q: &'static str| {
        let api = &api;
        async move {
            let (status, list) = api
                .get(&format!(
                    "/api/v1/orders?q={}",
                    printdesk::kernel::web::urlencode(q)
                ))
                .await;
            assert_eq!(status, StatusCode::OK, "{list}");
            ids(&list)
        }
    };
    let mut lily = walk_in(json!([photo_line()]));
    lily["walk_in_name"] = json!("Lily Chen 陈");
    lily["walk_in_mobile"] = json!("13912345678");
    let lily = create_order(&api, lily).await;
    let lily_id = lily["id"].as_i64().unwrap();
    let mut phone = walk_in(json!([photo_line()]));
    phone["walk_in_name"] = json!("");
    phone["walk_in_mobile"] = json!("");
    phone["contact_phone"] = json!("021-5555-0101");
    let phone_id = create_order(&api, phone).await["id"].as_i64().unwrap();
    // `walk_in` gives 李先生 13800001111.
    let other_id = create_order(&api, walk_in(json!([photo_line()]))).await["id"]
        .as_i64()
        .unwrap();

    assert_eq!(
        found("lily chen").await,
        [lily_id],
        "a name in another case"
    );
    assert_eq!(found("陈").await, [lily_id]);
    assert_eq!(found("1234567").await, [lily_id], "the middle of a mobile");
    assert_eq!(
        found("5555-01").await,
        [phone_id],
        "part of a contact phone"
    );
    assert_eq!(found("李先").await, [other_id]);
    assert_eq!(
        found("1").await,
        [other_id, phone_id, lily_id],
        "every order with a 1 in its phone, newest first"
    );
    assert!(found("王五").await.is_empty());
    // The start of an order number, too short to be taken for one: every order starts so.
    let number = lily["number"].as_str().unwrap().to_lowercase();
    let (_, list) = api.get(&format!("/api/v1/orders?q={}", &number[..4])).await;
    assert_eq!(list["total"], 3, "{list}");
    // `%` and `_` are the text typed, not wildcards.
    assert!(found("%").await.is_empty());
    assert!(found("1391234567_").await.is_empty());

    // Edited, the order is found by its new mobile and no longer by the old one.
    let mut edit = walk_in(json!([photo_line()]));
    edit["walk_in_name"] = json!("Lily Chen 陈");
    edit["walk_in_mobile"] = json!("13700009999");
    edit["version"] = lily["version"].clone();
    let (status, saved) = api.put(&format!("/api/v1/orders/{lily_id}"), edit).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(found("0009999").await, [lily_id]);
    assert!(found("12345678").await.is_empty(), "the old mobile");

    // A binned order is not listed; restored, it is again.
    let (status, _) = api.delete(&format!("/api/v1/orders/{lily_id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(found("lily").await.is_empty());
    let (status, _) = api
        .post(
            &format!("/api/v1/recycle-bin/order/{lily_id}/restore"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(found("lily").await, [lily_id]);

    // Another account set's walk-in with the same name and mobile stays its own.
    let api_b = second_account_set(&app, &api).await;
    photo(&api_b).await;
    let mut twin = walk_in(json!([photo_line()]));
    twin["walk_in_name"] = json!("Lily Chen 陈");
    twin["walk_in_mobile"] = json!("13700009999");
    let twin_id = create_order(&api_b, twin).await["id"].as_i64().unwrap();
    assert_eq!(found("0009999").await, [lily_id]);
    let (_, list) = api_b.get("/api/v1/orders?q=0009999").await;
    assert_eq!(ids(&list), [twin_id]);
    let (_, list) = api_b.get("/api/v1/orders?q=5555").await;
    assert_eq!(list["total"], 0);
}

/// The answer to a save is built from what was written, not read back: it must be exactly what
/// reading the order gives — customer, tags, lines with their processes, an override,
/// totals, version — and a repeated form gets the first order's answer.
async fn the_answer_to_a_save_is_the_order_as_stored(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    photo(&api).await;
    let stand = stand(&api).await;
    let (_, me) = api.get("/api/v1/me").await;
    let (status, customer) = api
        .post("/api/v1/customers", json!({ "name": "XX设计院" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{customer}");
    let urgent = item(&api, "feature_tag", "加急").await;
    let invoice = item(&api, "feature_tag", "需开票").await;
    let mut request = walk_in(json!([
        photo_line(),
        { "product_id": stand, "quantity": "3", "unit_price": "40",
          "override_reason": "老客户", "remarks": "要带包装" },
    ]));
    request["customer_id"] = customer["id"].clone();
    request["tag_ids"] = json!([invoice, urgent]);
    request["category_id"] = json!(item(&api, "order_category", "写真喷绘").await);
    request["delivery_method_id"] = json!(item(&api, "delivery_method", "快递").await);
    request["delivery_address"] = json!("人民路 8 号");
    request["sales_person_id"] = me["user_id"].clone();
    request["discount"] = json!("1.50");
    request["remarks"] = json!("下午来取");
    request["form_nonce"] = json!("answer-is-stored");
    let saved = create_order(&api, request.clone()).await;
    assert_eq!(saved["customer_name"], "XX设计院");
    assert_eq!(saved["lines"][1]["price_source"], "override");
    let (status, read) = api.get(&format!("/api/v1/orders/{}", saved["id"])).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(saved, read);
    // The same form again: the first order, as stored.
    let (status, again) = api.post("/api/v1/orders", request).await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(again, read);
    assert_eq!(count_orders(&app).await, 1);
}

/// The fields a browser without JavaScript sends for the form `id` of `page`: every named input
/// (tick boxes only when ticked) and each select's selected option, in page order.
fn form_fields(page: &str, id: &str) -> Vec<(String, String)> {
    let at = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no form {id}"));
    let start = page[..at].rfind("<form").unwrap();
    let form = &page[start..start + page[start..].find("</form>").unwrap()];
    let attr = |tag: &str, name: &str| -> Option<String> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let value = &tag[at..at + tag[at..].find('"')?];
        Some(
            value
                .replace("&#34;", "\"")
                .replace("&#39;", "'")
                .replace("&#60;", "<")
                .replace("&#62;", ">")
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&#38;", "&")
                .replace("&amp;", "&"),
        )
    };
    let flag = |tag: &str, name: &str| {
        tag.split(|c: char| c.is_whitespace() || c == '>')
            .any(|word| word == name)
    };
    let mut fields = Vec::new();
    let mut select: Option<(String, Option<String>)> = None;
    let mut rest = form;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let tag = &rest[..=rest.find('>').unwrap()];
        rest = &rest[tag.len()..];
        if tag.starts_with("<input") {
            let Some(name) = attr(tag, "name") else {
                continue;
            };
            let kind = attr(tag, "type").unwrap_or_default();
            if (kind == "checkbox" || kind == "radio") && !flag(tag, "checked") {
                continue;
            }
            let default = if kind == "checkbox" { "on" } else { "" };
            fields.push((name, attr(tag, "value").unwrap_or(default.to_owned())));
        } else if tag.starts_with("<select") {
            select = attr(tag, "name").map(|name| (name, None));
        } else if tag.starts_with("<option") {
            if let Some((_, chosen)) = select.as_mut()
                && (chosen.is_none() || flag(tag, "selected"))
            {
                *chosen = Some(attr(tag, "value").unwrap_or_default());
            }
        } else if tag.starts_with("</select")
            && let Some((name, chosen)) = select.take()
        {
            fields.push((name, chosen.unwrap_or_default()));
        }
    }
    fields
}

/// Borrowed pairs for `post_form`.
fn refs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect()
}

/// The process ids ticked on line `index` of the entry form's `fields`.
fn ticked(fields: &[(String, String)], index: usize) -> Vec<i64> {
    let name = format!("lines[{index}][process_id]");
    fields
        .iter()
        .filter(|(field, _)| *field == name)
        .map(|(_, id)| id.parse().unwrap())
        .collect()
}

/// The process ids of each line of an order as read back.
fn line_processes(order: &Value) -> Vec<Vec<i64>> {
    order["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| {
            line["processes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["process_id"].as_i64().unwrap())
                .collect()
        })
        .collect()
}

/// 工序 ticked on the entry form, which works without JavaScript: the ticks made for the product
/// on the line are its processes (a default taken off, others added), no tick left is no process,
/// no choice yet is the product's defaults. Approval makes one task per ticked process; editing
/// the draft shows the ticks and saving the form as shown keeps them; another account set's
/// process is refused on its line, opened to show why.
async fn a_lines_processes_are_ticked_on_the_form(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    photo(&api).await; // 覆膜(亮膜) by default
    let lamination = item(&api, "process", "覆膜(亮膜)").await;
    let cutting = item(&api, "process", "裁切").await;
    let binding = item(&api, "process", "装订(胶装)").await;
    let admin = app.sign_in_admin().await;
    let (_, page) = admin.get_text("/orders/new").await;
    let offered = format!("name=\"lines[0][process_id]\" value=\"{cutting}\"");
    assert!(page.contains(&offered), "every line offers the processes");
    let nonce = hidden(&page, "form_nonce");
    let line = |i: usize, field: &str| format!("lines[{i}][{field}]");
    let mut typed: Vec<(String, String)> = vec![
        ("form_nonce".into(), nonce.clone()),
        ("due_at".into(), DUE.into()),
    ];
    for i in 0..3 {
        for (field, value) in [
            ("product_code", "XZ-01"),
            ("width", "60"),
            ("height", "80"),
            ("dimension_unit", "cm"),
            ("quantity", "2"),
        ] {
            typed.push((line(i, field), value.into()));
        }
    }
    // Line 1: cutting and binding added, the default lamination left unticked.
    typed.push((line(0, "processes_for"), "XZ-01".into()));
    typed.push((line(0, "process_id"), cutting.to_string()));
    typed.push((line(0, "process_id"), binding.to_string()));
    // Line 2: every box unticked for this product: no process at all.
    typed.push((line(1, "processes_for"), "xz-01".into()));
    // Line 3 chose nothing: the product's default. 计算 shows each line's ticks.
    let with_intent = |intent: &str| {
        let mut all = typed.clone();
        all.push(("intent".into(), intent.into()));
        all
    };
    let res = admin
        .post_form("/orders", &refs(&with_intent("quote")))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let shown = form_fields(&res.text().await.unwrap(), "order-form");
    assert_eq!(ticked(&shown, 0), [cutting, binding]);
    assert_eq!(ticked(&shown, 1), Vec::<i64>::new());
    assert_eq!(ticked(&shown, 2), [lamination]);
    assert_eq!(count_orders(&app).await, 0);
    // 保存.
    let res = admin
        .post_form("/orders", &refs(&with_intent("save")))
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let id = id_in(&res);
    let (_, order) = api.get(&format!("/api/v1/orders/{id}")).await;
    assert_eq!(
        line_processes(&order),
        [vec![cutting, binding], vec![], vec![lamination]]
    );
    assert_eq!(order["lines"][1]["process_amount"], "0.00");
    assert_eq!(order["lines"][1]["line_total"], order["lines"][1]["amount"]);
    // Editing the draft shows the same ticks, and saving the form as shown keeps them.
    let (status, page) = admin.get_text(&format!("/orders/{id}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    let mut shown = form_fields(&page, "order-form");
    assert_eq!(ticked(&shown, 0), [cutting, binding]);
    assert_eq!(ticked(&shown, 1), Vec::<i64>::new());
    assert_eq!(ticked(&shown, 2), [lamination]);
    shown.push(("intent".into(), "save".into()));
    let res = admin
        .post_form_raw(&format!("/orders/{id}"), &refs(&shown))
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let (_, edited) = api.get(&format!("/api/v1/orders/{id}")).await;
    assert_eq!(edited["version"], 2);
    assert_eq!(line_processes(&edited), line_processes(&order));
    assert_eq!(edited["totals"], order["totals"]);
    // 审核: one task per ticked process, none for the line without.
    let res = admin
        .post_form(&format!("/orders/{id}/actions/approve"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let task_names: Vec<String> =
        sqlx::query_scalar("select process_name from tasks where order_id = $1 order by id")
            .bind(id)
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(task_names, ["裁切", "装订(胶装)", "覆膜(亮膜)"]);
    // Another account set's process, ticked on a forged form.
    let api_b = second_account_set(&app, &api).await;
    let foreign = item(&api_b, "process", "裁切").await.to_string();
    let (_, page) = admin.get_text("/orders/new").await;
    let mut forged = typed[..7].to_vec();
    forged[0].1 = hidden(&page, "form_nonce");
    forged.push((line(0, "processes_for"), "XZ-01".into()));
    forged.push((line(0, "process_id"), foreign));
    forged.push(("intent".into(), "save".into()));
    let res = admin.post_form("/orders", &refs(&forged)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("<details class=\"processes\" open>"),
        "opened"
    );
    assert!(
        page.contains("<span class=\"field-error\">勾选的工序不存在或已停用，请重新勾选。</span>"),
        "the line says why"
    );
    assert_eq!(count_orders(&app).await, 1);
}

/// A process that is not a live 工序 of the account set (another account set's, switched off, or
/// no process at all) is refused on its line in the clerk's words, and nothing is saved.
async fn a_process_not_live_here_is_refused_on_its_line(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    photo(&api).await;
    let cutting = item(&api, "process", "裁切").await;
    let api_b = second_account_set(&app, &api).await;
    let foreign = item(&api_b, "process", "裁切").await;
    assert_ne!(foreign, cutting);
    let stamping = item(&api, "process", "烫金").await;
    let (_, stamping_item) = api
        .get(&format!("/api/v1/settings/process/{stamping}"))
        .await;
    let (status, res) = api
        .put(
            &format!("/api/v1/settings/process/{stamping}"),
            json!({ "name": "烫金", "attributes": stamping_item["attributes"], "is_active": false }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    for refused in [foreign, stamping, 999_999] {
        let mut request = walk_in(json!([photo_line(), photo_line()]));
        request["lines"][1]["process_ids"] = json!([cutting, refused]);
        for path in ["/api/v1/orders", "/api/v1/orders/quote"] {
            let (status, res) = api.post(path, request.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {res}");
            assert_eq!(fields(&res), ["lines[1].process_ids"]);
            assert_eq!(
                field_message(&res, "lines[1].process_ids").as_deref(),
                Some("勾选的工序不存在或已停用，请重新勾选。")
            );
        }
    }
    assert_eq!(count_orders(&app).await, 0);
    assert_eq!(app.count("select count(*) from order_lines").await, 0);
}

backend_tests!(
    a_walk_in_order_is_priced_numbered_and_audited,
    free_text_finds_orders_by_part_of_a_name_or_phone,
    a_quote_prices_without_saving,
    bad_input_is_refused_on_its_field,
    the_same_form_nonce_saves_one_order,
    a_price_override_needs_a_reason_and_the_permission,
    approval_releases_tasks_and_locks_the_order,
    a_blocking_credit_limit_refuses_approval,
    concurrent_saves_get_gap_free_unique_numbers,
    orders_saved_together_keep_their_own_lines,
    sizes_beyond_a_products_limits_are_refused,
    the_list_filters_sums_and_exports,
    a_deleted_order_goes_to_the_bin_and_keeps_its_products,
    account_set_b_orders_are_not_found_from_account_set_a,
    cooperative_prices_apply_to_the_customer_lines,
    the_answer_to_a_save_is_the_order_as_stored,
    a_process_not_live_here_is_refused_on_its_line,
    a_lines_processes_are_ticked_on_the_form,
);
