//! Tests of 物流发货 (issue 4 item 12, DOMAIN.md §9): shipments through the API and the pages —
//! several orders of one customer on one shipment, the FH numbers, shipping marks the orders
//! (and refuses their un-approval), signing, withdrawing, what may not travel together, stale
//! versions, the list with its filters and export, the permission and tenant isolation — on both
//! backends.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::backend_tests;
use crate::harness::{Api, Backend, TestApp, field_message};
use crate::orders::{
    account_set_of, create_order, fields, hidden, listed_ids, location, second_account_set, stand,
    walk_in,
};
use crate::products::item;
use crate::spreadsheets::download_rows;
use crate::system_org::{Probe, assert_foreign_ids_are_not_found};

/// Routes that take a shipment's id.
const SHIPMENT_PROBES: &[Probe] = &[
    Probe::PageGet("/orders/shipments/{id}"),
    Probe::PageGet("/orders/shipments/{id}/edit"),
    Probe::PagePost(
        "/orders/shipments/{id}",
        &[("version", "1"), ("intent", "save"), ("courier", "探测")],
    ),
    Probe::PagePost("/orders/shipments/{id}/actions/ship", &[]),
    Probe::PagePost("/orders/shipments/{id}/actions/sign", &[]),
    Probe::PagePost("/orders/shipments/{id}/actions/revert", &[]),
    Probe::PagePost("/orders/shipments/{id}/delete", &[]),
    Probe::ApiGet("/api/v1/shipments/{id}"),
    Probe::ApiPut(
        "/api/v1/shipments/{id}",
        r#"{"version":1,"courier":"探测"}"#,
    ),
    Probe::ApiPost("/api/v1/shipments/{id}/actions/ship", "{}"),
    Probe::ApiPost("/api/v1/shipments/{id}/actions/sign", "{}"),
    Probe::ApiPost("/api/v1/shipments/{id}/actions/revert", "{}"),
    Probe::ApiDelete("/api/v1/shipments/{id}"),
];

async fn customer(api: &Api, name: &str) -> i64 {
    let (status, customer) = api
        .post(
            "/api/v1/customers",
            json!({ "name": name, "address": format!("{name}地址") }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{customer}");
    customer["id"].as_i64().unwrap()
}

/// A draft order of one 展架 (45.00) for `customer_id` (walk-in when `None`).
async fn draft_order(api: &Api, customer_id: Option<i64>) -> Value {
    let mut request = walk_in(json!([{ "product_code": "ZJ-01", "quantity": "1" }]));
    if let Some(id) = customer_id {
        request["customer_id"] = json!(id);
    }
    create_order(api, request).await
}

async fn act_on_order(api: &Api, order: &Value, action: &str) -> (StatusCode, Value) {
    api.post(
        &format!("/api/v1/orders/{}/actions/{action}", order["id"]),
        json!({}),
    )
    .await
}

/// An approved order of one 展架 for `customer_id`.
async fn approved_order(api: &Api, customer_id: Option<i64>) -> Value {
    let order = draft_order(api, customer_id).await;
    let (status, res) = act_on_order(api, &order, "approve").await;
    assert_eq!(status, StatusCode::OK, "{res}");
    order
}

fn shipment_body(orders: &[&Value]) -> Value {
    json!({
        "order_ids": orders.iter().map(|o| o["id"].clone()).collect::<Vec<_>>(),
        "courier": "顺丰",
        "tracking_number": "SF1234567890",
        "recipient": "王经理",
        "phone": "13800001111",
        "address": "广州市天河区体育西路 1 号",
        "packages": 2,
        "fee": "12.5",
        "fee_payer": "customer",
    })
}

async fn create_shipment(api: &Api, body: Value) -> Value {
    let (status, shipment) = api.post("/api/v1/shipments", body).await;
    assert_eq!(status, StatusCode::CREATED, "{shipment}");
    shipment
}

async fn act(
    api: &Api,
    shipment: &Value,
    action: &str,
    version: Option<i64>,
) -> (StatusCode, Value) {
    api.post(
        &format!("/api/v1/shipments/{}/actions/{action}", shipment["id"]),
        json!({ "version": version }),
    )
    .await
}

async fn read(api: &Api, shipment: &Value) -> Value {
    let (status, read) = api
        .get(&format!("/api/v1/shipments/{}", shipment["id"]))
        .await;
    assert_eq!(status, StatusCode::OK, "{read}");
    read
}

async fn order_status(api: &Api, order: &Value) -> String {
    let (_, read) = api.get(&format!("/api/v1/orders/{}", order["id"])).await;
    read["status"].as_str().unwrap().to_owned()
}

/// The number a shipment created on the day of `order_date` gets as the `seq`-th of that day.
fn number_for(order_date: &str, seq: u32) -> String {
    format!("FH{}{seq:04}", order_date.replace('-', ""))
}

async fn two_orders_of_one_customer_ship_together_and_lock_the_orders(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    stand(&api).await;
    let acme = customer(&api, "XX设计院").await;
    let first = approved_order(&api, Some(acme)).await;
    let second = approved_order(&api, Some(acme)).await;
    let shipment = create_shipment(&api, shipment_body(&[&first, &second])).await;
    let date = first["order_date"].as_str().unwrap();
    assert_eq!(shipment["number"], number_for(date, 1));
    assert_eq!(shipment["status"], "pending");
    assert_eq!(shipment["customer_id"], acme);
    assert_eq!(shipment["customer_name"], "XX设计院");
    assert_eq!(shipment["fee"], "12.50");
    assert_eq!(shipment["fee_payer"], "customer");
    assert_eq!(shipment["packages"], 2);
    assert_eq!(shipment["shipped_at"], Value::Null);
    assert_eq!(shipment["version"], 1);
    let numbers: Vec<&str> = shipment["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers.len(), 2);
    for order in [&first, &second] {
        assert!(numbers.contains(&order["number"].as_str().unwrap()));
    }
    // The next shipment of the day takes the next number; an order already on a shipment
    // cannot go on another.
    let third = approved_order(&api, Some(acme)).await;
    let next = create_shipment(&api, shipment_body(&[&third])).await;
    assert_eq!(next["number"], number_for(date, 2));
    let (status, res) = api
        .post("/api/v1/shipments", shipment_body(&[&first]))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert_eq!(fields(&res), ["order_ids"]);
    assert!(
        field_message(&res, "order_ids")
            .unwrap()
            .contains(shipment["number"].as_str().unwrap()),
        "{res}"
    );
    assert_eq!(
        app.count("select count(*) from orders where shipped = 1")
            .await,
        0
    );

    // 发货 marks both orders shipped; an approved order stays approved.
    let (status, res) = act(&api, &shipment, "ship", Some(1)).await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res["status"], "shipped");
    let shipped = read(&api, &shipment).await;
    assert_eq!(shipped["status"], "shipped");
    assert!(shipped["shipped_at"].is_string(), "{shipped}");
    assert_eq!(shipped["version"], 2);
    assert_eq!(
        app.count("select count(*) from orders where shipped = 1")
            .await,
        2
    );
    assert_eq!(order_status(&api, &first).await, "approved");
    // A shipped order cannot be un-approved.
    let (status, res) = act_on_order(&api, &first, "unapprove").await;
    assert_eq!(status, StatusCode::CONFLICT, "{res}");
    assert_eq!(
        field_message(&res, "").as_deref(),
        Some("订单已发货，不能反审核；请先撤销发货。")
    );
    // A shipped shipment can be neither edited nor cancelled.
    let mut edit = shipment_body(&[&first, &second]);
    edit["version"] = json!(2);
    let (status, res) = api
        .put(&format!("/api/v1/shipments/{}", shipment["id"]), edit)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{res}");
    let (status, _) = api
        .delete(&format!("/api/v1/shipments/{}", shipment["id"]))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // 签收, after which 撤回 is refused.
    let (status, res) = act(&api, &shipment, "sign", None).await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res["status"], "signed");
    let signed = read(&api, &shipment).await;
    assert!(signed["signed_at"].is_string(), "{signed}");
    let (status, res) = act(&api, &shipment, "revert", None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{res}");
    assert_eq!(
        field_message(&res, "").as_deref(),
        Some("发货单已签收，不能撤回。")
    );
    assert_eq!(read(&api, &shipment).await["status"], "signed");
    assert_eq!(
        app.count("select count(*) from orders where shipped = 1")
            .await,
        2
    );
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where doc_kind = 'shipment' and doc_id = $1",
    )
    .bind(shipment["id"].as_i64().unwrap())
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(audited, 3, "create, ship, sign");
}

async fn withdrawing_undoes_shipping_and_stale_versions_are_refused(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    stand(&api).await;
    let acme = customer(&api, "XX设计院").await;
    let done = approved_order(&api, Some(acme)).await;
    let (status, res) = act_on_order(&api, &done, "finish").await;
    assert_eq!(status, StatusCode::OK, "{res}");
    let other = approved_order(&api, Some(acme)).await;
    let shipment = create_shipment(&api, shipment_body(&[&done])).await;
    // A pending shipment is edited at its version; an old version is refused.
    let mut edit = shipment_body(&[&done, &other]);
    edit["version"] = json!(1);
    edit["tracking_number"] = json!("SF999");
    edit["fee"] = json!("0");
    edit["fee_payer"] = json!("shop");
    let (status, edited) = api
        .put(
            &format!("/api/v1/shipments/{}", shipment["id"]),
            edit.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["version"], 2);
    assert_eq!(edited["tracking_number"], "SF999");
    assert_eq!(
        (edited["fee"].as_str(), edited["fee_payer"].as_str()),
        (Some("0.00"), Some("shop"))
    );
    assert_eq!(edited["orders"].as_array().unwrap().len(), 2);
    let (status, res) = api
        .put(&format!("/api/v1/shipments/{}", shipment["id"]), edit)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{res}");
    assert_eq!(
        field_message(&res, "").as_deref(),
        Some("别人刚刚改过这张发货单，请刷新后再操作。")
    );
    let (status, _) = act(&api, &shipment, "ship", Some(1)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(read(&api, &shipment).await["status"], "pending");
    // Signing a pending shipment is refused.
    let (status, _) = act(&api, &shipment, "sign", Some(2)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Shipped: the done order is delivered, the approved one stays approved.
    let (status, _) = act(&api, &shipment, "ship", Some(2)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(order_status(&api, &done).await, "delivered");
    assert_eq!(order_status(&api, &other).await, "approved");
    // 撤回: pending again, the orders are free and the done order is done again.
    let (status, res) = act(&api, &shipment, "revert", Some(3)).await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res["status"], "pending");
    let reverted = read(&api, &shipment).await;
    assert_eq!(reverted["shipped_at"], Value::Null);
    assert_eq!(
        app.count("select count(*) from orders where shipped = 1")
            .await,
        0
    );
    assert_eq!(order_status(&api, &done).await, "done");
    let (status, res) = act_on_order(&api, &other, "unapprove").await;
    assert_eq!(status, StatusCode::OK, "{res}");
    // The un-approved order stops the shipment from shipping until it is taken off.
    let (status, res) = act(&api, &shipment, "ship", None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{res}");
    assert!(
        field_message(&res, "")
            .unwrap()
            .contains(other["number"].as_str().unwrap()),
        "{res}"
    );
    // A pending shipment is cancelled by deleting it.
    let (status, _) = api
        .delete(&format!("/api/v1/shipments/{}", shipment["id"]))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = api
        .get(&format!("/api/v1/shipments/{}", shipment["id"]))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("select count(*) from shipment_orders").await, 0);
    create_shipment(&api, shipment_body(&[&done])).await;
}

async fn bad_input_is_refused_on_its_field(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    stand(&api).await;
    let acme = customer(&api, "XX设计院").await;
    let rival = customer(&api, "YY广告公司").await;
    let ours = approved_order(&api, Some(acme)).await;
    let theirs = approved_order(&api, Some(rival)).await;
    let draft = draft_order(&api, Some(acme)).await;
    let walk_in_order = approved_order(&api, None).await;
    let with = |orders: &[&Value], edit: &dyn Fn(&mut Value)| {
        let mut body = shipment_body(orders);
        edit(&mut body);
        body
    };
    let cases: Vec<(&str, &str, Value)> = vec![
        (
            "order_ids",
            "一张发货单只能包含同一客户的订单。",
            with(&[&ours, &theirs], &|_| {}),
        ),
        (
            "order_ids",
            "散客订单只能单独发货。",
            with(&[&ours, &walk_in_order], &|_| {}),
        ),
        ("order_ids", "", with(&[&draft], &|_| {})),
        ("order_ids", "请至少选择一张订单。", with(&[], &|_| {})),
        (
            "order_ids",
            "",
            with(&[&ours], &|b| b["order_ids"] = json!([999_999])),
        ),
        (
            "fee",
            "运费应为不小于 0 的金额，如 12.50。",
            with(&[&ours], &|b| b["fee"] = json!("-1")),
        ),
        ("fee", "", with(&[&ours], &|b| b["fee"] = json!("十元"))),
        (
            "packages",
            "",
            with(&[&ours], &|b| b["packages"] = json!(0)),
        ),
        (
            "fee_payer",
            "",
            with(&[&ours], &|b| b["fee_payer"] = json!("nobody")),
        ),
        (
            "delivery_method_id",
            "",
            with(&[&ours], &|b| b["delivery_method_id"] = json!(999_999)),
        ),
        (
            "phone",
            "",
            with(&[&ours], &|b| b["phone"] = json!("138abc")),
        ),
    ];
    for (field, message, body) in cases {
        let (status, res) = api.post("/api/v1/shipments", body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} → {res}");
        assert_eq!(fields(&res), [field], "{body} → {res}");
        let got = field_message(&res, field).unwrap();
        if message.is_empty() {
            assert!(!got.is_empty());
        } else {
            assert_eq!(got, message);
        }
    }
    let (_, res) = api
        .post("/api/v1/shipments", shipment_body(&[&draft]))
        .await;
    assert!(
        field_message(&res, "order_ids")
            .unwrap()
            .contains(draft["number"].as_str().unwrap()),
        "{res}"
    );
    assert_eq!(app.count("select count(*) from shipments").await, 0);
    assert_eq!(
        app.count("select count(*) from doc_sequences where kind = 'shipment'")
            .await,
        0
    );
    // A walk-in order ships on its own, and a live delivery method is accepted.
    let mut body = shipment_body(&[&walk_in_order]);
    body["delivery_method_id"] = json!(item(&api, "delivery_method", "快递").await);
    let shipment = create_shipment(&api, body).await;
    assert_eq!(shipment["customer_id"], Value::Null);
    assert_eq!(shipment["customer_name"], "李先生");
}

async fn the_list_filters_and_exports(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    stand(&api).await;
    let acme = customer(&api, "XX设计院").await;
    let rival = customer(&api, "YY广告公司").await;
    let first_order = approved_order(&api, Some(acme)).await;
    let first = create_shipment(&api, shipment_body(&[&first_order])).await;
    let second_order = approved_order(&api, Some(rival)).await;
    let mut body = shipment_body(&[&second_order]);
    body["courier"] = json!("德邦");
    body["tracking_number"] = json!("DB777");
    body["fee"] = json!("30");
    body["fee_payer"] = json!("shop");
    body["packages"] = json!(5);
    let second = create_shipment(&api, body).await;
    let (status, _) = act(&api, &second, "ship", None).await;
    assert_eq!(status, StatusCode::OK);

    let ids = |list: &Value| listed_ids(list, "shipments");
    let id = |s: &Value| s["id"].as_i64().unwrap();
    let (status, list) = api.get("/api/v1/shipments").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(ids(&list), [id(&second), id(&first)]);
    assert_eq!(list["total"], 2);
    assert_eq!(list["total_fee"], "42.50");
    assert_eq!(
        list["shipments"][1]["order_numbers"],
        json!([first_order["number"]])
    );
    assert_eq!(list["shipments"][1]["customer_name"], "XX设计院");
    for (query, expected) in [
        ("status=shipped", vec![id(&second)]),
        ("status=pending", vec![id(&first)]),
        ("courier=%E5%BE%B7%E9%82%A6", vec![id(&second)]),
        ("tracking_number=sf12", vec![id(&first)]),
        ("customer=YY", vec![id(&second)]),
        (
            "customer=%E7%8E%8B%E7%BB%8F%E7%90%86",
            vec![id(&second), id(&first)],
        ),
        (
            &format!("customer={}", first_order["number"].as_str().unwrap()),
            vec![id(&first)],
        ),
        ("date_to=2000-01-01", vec![]),
    ] {
        let (status, list) = api.get(&format!("/api/v1/shipments?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {list}");
        assert_eq!(ids(&list), expected, "{query}");
    }
    let date = first_order["order_date"].as_str().unwrap();
    let (_, list) = api
        .get(&format!(
            "/api/v1/shipments?date_from={date}&date_to={date}"
        ))
        .await;
    assert_eq!(list["total"], 2, "{list}");
    let (status, res) = api.get("/api/v1/shipments?date_from=2026-13-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&res), ["date_from"]);

    // The page lists and filters the same way; the export has the rows and a totals row.
    let admin = app.sign_in_admin().await;
    let (status, page) = admin.get_text("/orders/shipments?status=shipped").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(second["number"].as_str().unwrap()));
    assert!(!page.contains(first["number"].as_str().unwrap()));
    assert!(page.contains("DB777") && page.contains("30.00"));
    let rows = download_rows(&admin, "/orders/shipments/export").await;
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert_eq!(rows[0][0], "发货单号");
    assert_eq!(rows[1][0], second["number"].as_str().unwrap());
    assert_eq!(rows[1][2], "已发货");
    assert_eq!(rows[1][3], "YY广告公司");
    assert_eq!(rows[1][4], second_order["number"].as_str().unwrap());
    assert_eq!(
        (rows[1][6].as_str(), rows[1][7].as_str()),
        ("德邦", "DB777")
    );
    assert_eq!(rows[1][11], "本店承担");
    assert_eq!(rows[2][11], "客户承担");
    let amount = |cell: &str| cell.parse::<rust_decimal::Decimal>().unwrap();
    assert_eq!(amount(&rows[1][10]), amount("30"));
    assert_eq!(rows[3][0], "合计");
    assert_eq!(amount(&rows[3][9]), amount("7"));
    assert_eq!(amount(&rows[3][10]), amount("42.5"), "{rows:?}");
    let rows = download_rows(
        &admin,
        "/orders/shipments/export?courier=%E9%A1%BA%E4%B8%B0",
    )
    .await;
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[1][0], first["number"].as_str().unwrap());
}

async fn the_pages_fill_the_form_from_the_order_and_ship(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    stand(&api).await;
    let acme = customer(&api, "XX设计院").await;
    let mut request = walk_in(json!([{ "product_code": "ZJ-01", "quantity": "1" }]));
    request["customer_id"] = json!(acme);
    request["contact_person"] = json!("王经理");
    request["contact_phone"] = json!("020-88886666");
    request["delivery_address"] = json!("天河区体育西路 1 号");
    let first = create_order(&api, request).await;
    let (status, _) = act_on_order(&api, &first, "approve").await;
    assert_eq!(status, StatusCode::OK);
    let second = approved_order(&api, Some(acme)).await;
    let admin = app.sign_in_admin().await;
    let (status, page) = admin
        .get_text(&format!("/orders/shipments/new?order_id={}", first["id"]))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(first["number"].as_str().unwrap()));
    assert_eq!(hidden(&page, "recipient"), "王经理");
    assert_eq!(hidden(&page, "phone"), "020-88886666");
    assert_eq!(hidden(&page, "address"), "天河区体育西路 1 号");
    let nonce = hidden(&page, "form_nonce");
    let first_id = first["id"].to_string();
    // 添加 the second order by its number (typed in lowercase).
    let typed = second["number"].as_str().unwrap().to_lowercase();
    let res = admin
        .post_form(
            "/orders/shipments",
            &[
                ("form_nonce", nonce.as_str()),
                ("intent", "add"),
                ("order_ids", first_id.as_str()),
                ("add_order_number", typed.as_str()),
                ("recipient", "王经理"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(
        page.contains(&format!("value=\"{}\" checked", second["id"])),
        "{page}"
    );
    let second_id = second["id"].to_string();
    let form = [
        ("form_nonce", nonce.as_str()),
        ("intent", "save"),
        ("order_ids", first_id.as_str()),
        ("order_ids", second_id.as_str()),
        ("courier", "顺丰"),
        ("tracking_number", "SF100"),
        ("recipient", "王经理"),
        ("packages", "3"),
        ("fee", "-5"),
        ("fee_payer", "customer"),
    ];
    // A negative fee re-renders the form with the message next to the field.
    let res = admin.post_form("/orders/shipments", &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("运费应为不小于 0 的金额")
    );
    let mut form = form;
    form[8] = ("fee", "15");
    let res = admin.post_form("/orders/shipments", &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let saved_at = location(&res);
    // The same nonce pressed again makes no second shipment.
    let res = admin.post_form("/orders/shipments", &form).await;
    assert_eq!(location(&res), saved_at);
    assert_eq!(app.count("select count(*) from shipments").await, 1);
    let (status, page) = admin.get_text(&saved_at).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("/orders/{}/print/delivery-note", first["id"])));
    assert!(page.contains(&format!("/orders/{}/print/delivery-note", second["id"])));
    assert!(page.contains("15.00") && page.contains("待发货"));
    let path = saved_at.split('?').next().unwrap();
    let version = hidden(&page, "version");
    let res = admin
        .post_form(
            &format!("{path}/actions/ship"),
            &[("version", version.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = admin.get_text(path).await;
    assert!(
        page.contains("已发货") && page.contains("action-sign"),
        "{page}"
    );
    assert_eq!(
        app.count("select count(*) from orders where shipped = 1")
            .await,
        2
    );
    // The menu has 物流发货.
    assert!(page.contains("href=\"/orders/shipments\""));
}

async fn a_clerk_without_the_permission_may_look_but_not_ship(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    stand(&api).await;
    let order = approved_order(&api, None).await;
    let shipment = create_shipment(&api, shipment_body(&[&order])).await;
    let account_set = account_set_of(&api).await;
    let (status, role) = api
        .post(
            "/api/v1/roles",
            json!({ "name": "查件员", "permissions": ["orders.order.view", "orders.shipment.view"] }),
        )
        .await;
    assert!(status.is_success(), "{role}");
    let (status, user) = api
        .post(
            "/api/v1/users",
            json!({ "login": "viewer", "display_name": "小李", "password": "Secret2026",
                    "role_ids": [role["id"]], "account_set_ids": [account_set] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    let viewer = app.api("viewer", "Secret2026", None).await;
    let (status, list) = viewer.get("/api/v1/shipments").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["total"], 1);
    let (status, _) = viewer
        .post("/api/v1/shipments", shipment_body(&[&order]))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for action in ["ship", "sign", "revert"] {
        let (status, _) = act(&viewer, &shipment, action, None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{action}");
    }
    let (status, _) = viewer
        .delete(&format!("/api/v1/shipments/{}", shipment["id"]))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let browser = app.sign_in("viewer", "Secret2026").await;
    let res = browser
        .get(&format!("/orders/shipments/new?order_id={}", order["id"]))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (status, page) = browser
        .get_text(&format!("/orders/shipments/{}", shipment["id"]))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !page.contains("action-ship"),
        "no 发货 button without the permission"
    );
    assert_eq!(read(&api, &shipment).await["status"], "pending");
}

async fn account_set_b_shipments_are_not_found_from_account_set_a(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api_a = app.api_admin().await;
    let api_b = second_account_set(&app, &api_a).await;
    stand(&api_b).await;
    let order_b = approved_order(&api_b, None).await;
    let shipment_b = create_shipment(&api_b, shipment_body(&[&order_b])).await;
    let browser_a = app.sign_in_admin().await;
    assert_foreign_ids_are_not_found(
        &browser_a,
        &api_a,
        SHIPMENT_PROBES,
        shipment_b["id"].as_i64().unwrap(),
    )
    .await;
    // A neither sees B's shipments nor ships B's orders.
    let (_, list) = api_a.get("/api/v1/shipments").await;
    assert_eq!(list["total"], 0);
    let rows = download_rows(&browser_a, "/orders/shipments/export").await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    let res = browser_a
        .get(&format!("/orders/shipments/new?order_id={}", order_b["id"]))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (status, res) = api_a
        .post("/api/v1/shipments", shipment_body(&[&order_b]))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert_eq!(fields(&res), ["order_ids"]);
    // A's numbering starts afresh; B's shipment is untouched.
    stand(&api_a).await;
    let order_a = approved_order(&api_a, None).await;
    let mine = create_shipment(&api_a, shipment_body(&[&order_a])).await;
    assert_eq!(
        mine["number"],
        number_for(order_a["order_date"].as_str().unwrap(), 1)
    );
    let read_b = read(&api_b, &shipment_b).await;
    assert_eq!(read_b, shipment_b);
}

backend_tests!(
    two_orders_of_one_customer_ship_together_and_lock_the_orders,
    withdrawing_undoes_shipping_and_stale_versions_are_refused,
    bad_input_is_refused_on_its_field,
    the_list_filters_and_exports,
    the_pages_fill_the_form_from_the_order_and_ship,
    a_clerk_without_the_permission_may_look_but_not_ship,
    account_set_b_shipments_are_not_found_from_account_set_a,
);
