//! Tests of 产品管理 and 产品回收站 (manual 5.3, 5.4): products through the pages and the API, the
//! price preview (DOMAIN.md §4.3 examples A and D), search as you type, the recycle bin,
//! permissions and tenant isolation — on both backends.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::backend_tests;
use crate::harness::{ADMIN_LOGIN, ADMIN_PASSWORD, Api, Backend, TestApp, field_message};
use crate::system_org::{Probe, assert_foreign_ids_are_not_found};

/// Routes that take a live product's id.
const PRODUCT_PROBES: &[Probe] = &[
    Probe::PageGet("/system/products/{id}"),
    Probe::PageGet("/system/products/{id}?preview=1&width=1&height=1&quantity=1"),
    Probe::PagePost(
        "/system/products/{id}",
        &[
            ("code", "TAN-01"),
            ("name", "探测"),
            ("pricing_mode", "count"),
            ("version", "1"),
        ],
    ),
    Probe::PagePost("/system/products/{id}/delete", &[]),
    Probe::ApiGet("/api/v1/products/{id}"),
    Probe::ApiPut(
        "/api/v1/products/{id}",
        r#"{"code":"TAN-01","name":"探测","category_id":1,"unit_id":1,"pricing_mode":"count"}"#,
    ),
    Probe::ApiDelete("/api/v1/products/{id}"),
];

/// Routes that take the id of a product in the recycle bin.
const BINNED_PRODUCT_PROBES: &[Probe] = &[
    Probe::PagePost("/system/recycle-bin/product/{id}/restore", &[]),
    Probe::PagePost("/system/recycle-bin/product/{id}/purge", &[]),
    Probe::ApiPost("/api/v1/recycle-bin/product/{id}/restore", "{}"),
    Probe::ApiDelete("/api/v1/recycle-bin/product/{id}"),
];

const MODES: [&str; 9] = [
    "area",
    "length",
    "perimeter",
    "virtual_area",
    "count",
    "sheet",
    "set",
    "time",
    "negotiated",
];

/// The id of the settings-list item of `kind` called `name`.
pub(crate) async fn item(api: &Api, kind: &str, name: &str) -> i64 {
    let (status, items) = api.get(&format!("/api/v1/settings/{kind}")).await;
    assert_eq!(status, StatusCode::OK, "{items}");
    items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {kind}"))["id"]
        .as_i64()
        .unwrap()
}

/// A product body: code, name, mode and list price in category 写真, unit 平方米, plus `extra`.
pub(crate) async fn body(
    api: &Api,
    code: &str,
    name: &str,
    mode: &str,
    list_price: &str,
    extra: Value,
) -> Value {
    let mut body = json!({
        "code": code,
        "name": name,
        "category_id": item(api, "product_category", "写真").await,
        "unit_id": item(api, "unit", "平方米").await,
        "pricing_mode": mode,
        "list_price": list_price,
    });
    for (key, value) in extra.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

pub(crate) async fn create(api: &Api, body: Value) -> Value {
    let (status, product) = api.post("/api/v1/products", body).await;
    assert_eq!(status, StatusCode::CREATED, "{product}");
    product
}

async fn count_products(app: &TestApp) -> i64 {
    app.count("select count(*) from products").await
}

/// The value of the hidden field `name` of a page.
fn hidden(page: &str, name: &str) -> String {
    let start = page
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no {name} field"));
    let rest = &page[start..];
    let value = &rest[rest.find("value=\"").unwrap() + 7..];
    value[..value.find('"').unwrap()].to_owned()
}

/// The id in a redirect's location such as `/orders/7?saved=1`.
pub(crate) fn id_in(res: &reqwest::Response) -> i64 {
    let location = res.headers()["location"].to_str().unwrap();
    let path = location.split('?').next().unwrap();
    path.rsplit('/').next().unwrap().parse().unwrap()
}

async fn first_account_set_id(api: &Api) -> i64 {
    let (_, me) = api.get("/api/v1/me").await;
    me["account_set_id"].as_i64().unwrap()
}

async fn every_pricing_mode_is_created_through_page_and_api(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let admin = app.sign_in_admin().await;
    let category = item(&api, "product_category", "写真").await.to_string();
    let unit = item(&api, "unit", "张").await.to_string();
    for (idx, mode) in MODES.into_iter().enumerate() {
        // Through the API.
        let product = create(
            &api,
            body(
                &api,
                &format!("API-{idx}"),
                &format!("接口产品{idx}"),
                mode,
                "12.5",
                json!({ "tax_rate": "13" }),
            )
            .await,
        )
        .await;
        let (status, read) = api
            .get(&format!("/api/v1/products/{}", product["id"]))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(read["pricing_mode"], mode);
        assert_eq!(read["list_price"], "12.50");
        assert_eq!(read["tax_rate"], "13");
        assert_eq!(read["version"], 1);
        // Through the page, with the nonce of the new-product form.
        let (status, page) = admin.get_text("/system/products/new").await;
        assert_eq!(status, StatusCode::OK);
        let nonce = hidden(&page, "form_nonce");
        let code = format!("PAGE-{idx}");
        let fields = [
            ("form_nonce", nonce.as_str()),
            ("code", code.as_str()),
            ("name", "页面产品"),
            ("category_id", category.as_str()),
            ("unit_id", unit.as_str()),
            ("pricing_mode", mode),
            ("list_price", "0.3"),
            ("min_per_piece", "0.5"),
            ("is_active", "1"),
        ];
        let res = admin.post_form("/system/products", &fields).await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "{mode}: {}",
            res.text().await.unwrap()
        );
        let id = id_in(&res);
        // A second press of the same form creates nothing more.
        let again = admin.post_form("/system/products", &fields).await;
        assert_eq!(id_in(&again), id);
        let (_, read) = api.get(&format!("/api/v1/products/{id}")).await;
        assert_eq!(
            (read["code"].as_str(), read["pricing_mode"].as_str()),
            (Some(code.as_str()), Some(mode))
        );
        assert_eq!(
            (read["list_price"].as_str(), read["min_per_piece"].as_str()),
            (Some("0.30"), Some("0.5"))
        );
        assert_eq!(read["unit_name"], "张");
        assert_eq!(read["pinyin_initials"], "ymcp");
        let (status, page) = admin.get_text(&format!("/system/products/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(&code));
    }
    assert_eq!(count_products(&app).await, 18);
    let (_, list) = api.get("/api/v1/products").await;
    assert_eq!(list["total"], 18);
    let (_, page) = admin.get_text("/system/products").await;
    assert!(page.contains("API-0") && page.contains("PAGE-8"));
    assert!(page.contains("共 18 个产品"));
}

/// 背胶PP by area: tiers (from 0 at 25, from 10 at 22), at least 1 m² a piece, lamination by
/// default (覆膜(亮膜), 8.00 per m²).
async fn adhesive_pp(api: &Api) -> Value {
    let lamination = item(api, "process", "覆膜(亮膜)").await;
    create(
        api,
        body(
            api,
            "BJ-PP",
            "背胶PP",
            "area",
            "25",
            json!({
                "min_per_piece": "1",
                "tier_style": "whole",
                "tiers": [{ "from": "0", "price": "25" }, { "from": "10", "price": "22" }],
                "process_ids": [lamination],
            }),
        )
        .await,
    )
    .await
}

async fn example_a_previews_through_the_api_and_the_page(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let product = adhesive_pp(&api).await;
    let id = product["id"].as_i64().unwrap();
    assert_eq!(product["tiers"].as_array().unwrap().len(), 2);
    for request in [
        json!({ "product_id": id, "width": "0.60", "height": "1.60", "quantity": "3" }),
        json!({ "product_id": id, "width": "60", "height": "160", "dimension_unit": "cm", "quantity": "3" }),
        json!({ "product_id": id, "width": "600", "height": "1600", "dimension_unit": "mm", "quantity": "3" }),
    ] {
        let (status, preview) = api.post("/api/v1/prices/preview", request.clone()).await;
        assert_eq!(status, StatusCode::OK, "{preview}");
        assert_eq!(preview["billable_quantity"], "3", "{request}");
        assert_eq!(preview["unit_price"], "25.00");
        assert_eq!(preview["amount"], "75.00");
        assert_eq!(preview["processes"][0]["name"], "覆膜(亮膜)");
        assert_eq!(preview["processes"][0]["amount"], "24.00");
        assert_eq!(preview["total"], "99.00");
        assert_eq!(preview["source"], "tier");
        let explanation: Vec<&str> = preview["explanation"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap())
            .collect();
        assert!(
            explanation.contains(&"每件 0.96 不足最低计价 1，按 1 计"),
            "{explanation:?}"
        );
    }
    // Without lamination: the goods alone.
    let (_, preview) = api
        .post("/api/v1/prices/preview", json!({ "product_id": id, "width": "0.6", "height": "1.6", "quantity": "3", "process_ids": [] }))
        .await;
    assert_eq!(preview["total"], "75.00");
    // Nothing was saved.
    assert_eq!(app.count("select count(*) from product_tiers").await, 2);
    // The page's 试算 form gives the same without JavaScript.
    let admin = app.sign_in_admin().await;
    let (status, page) = admin
        .get_text(&format!(
            "/system/products/{id}?preview=1&width=60&height=160&dimension_unit=cm&quantity=3"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"preview-amount\">75.00<"), "{page}");
    assert!(page.contains("id=\"preview-total\">99.00<"));
    assert!(page.contains("每件 0.96 不足最低计价 1，按 1 计"));
    assert!(page.contains("/static/price_preview.js"));
    let (status, page) = admin
        .get_text(&format!(
            "/system/products/{id}?preview=1&width=0&height=160&quantity=3"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("data-field=\"width\">请填写大于 0 的尺寸。<"),
        "{page}"
    );
    let (status, js) = admin.get_text("/static/price_preview.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(js.contains("/api/v1/prices/preview") && js.contains("X-CSRF-Token"));
}

async fn example_d_copying_previews_540(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let binding = item(&api, "process", "装订(胶装)").await;
    let product = create(
        &api,
        body(
            &api,
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
    .await;
    let id = product["id"].as_i64().unwrap();
    let (status, preview) = api
        .post(
            "/api/v1/prices/preview",
            json!({ "product_id": id, "quantity": "30", "pages": "120", "sides": 2 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(preview["billable_quantity"], "3600");
    assert_eq!(preview["unit_price"], "0.15");
    assert_eq!(preview["amount"], "540.00");
    assert_eq!(preview["paper_sheets"], "1800");
    assert_eq!(preview["total"], "540.00");
    let (_, preview) = api
        .post(
            "/api/v1/prices/preview",
            json!({ "product_id": id, "quantity": "30", "pages": "120", "sides": 2, "process_ids": [binding] }),
        )
        .await;
    assert_eq!(preview["processes"][0]["amount"], "150.00");
    assert_eq!(preview["total"], "690.00");
    // The explanation follows the caller's language.
    let res = api
        .http
        .post(format!("{}/api/v1/prices/preview", api.base))
        .bearer_auth(&api.token)
        .header("accept-language", "en")
        .json(&json!({ "product_id": id, "quantity": "30", "pages": "120", "sides": 2 }))
        .send()
        .await
        .unwrap();
    let preview: Value = res.json().await.unwrap();
    assert!(
        preview["explanation"][0]
            .as_str()
            .unwrap()
            .starts_with("Printed sides"),
        "{preview}"
    );
}

async fn example_f_previews_with_cooperative_prices(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let product = adhesive_pp(&api).await;
    let id = product["id"].as_i64().unwrap();
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
                "target_id": id, "price_kind": "fixed", "fixed_price": "18" }),
    ] {
        let (status, saved) = api.post("/api/v1/customer-prices", rule).await;
        assert!(status.is_success(), "{saved}");
    }
    let line = json!({ "product_id": id, "width": "0.60", "height": "1.60", "quantity": "3" });
    let mut request = line.clone();
    request["customer_id"] = json!(customers[0]);
    let (status, preview) = api.post("/api/v1/prices/preview", request).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(
        (preview["amount"].as_str(), preview["source"].as_str()),
        (Some("54.00"), Some("customer_fixed"))
    );
    assert_eq!(preview["processes"][0]["amount"], "20.40");
    assert_eq!(preview["total"], "74.40");
    let mut request = line.clone();
    request["customer_id"] = json!(customers[1]);
    let (_, preview) = api.post("/api/v1/prices/preview", request).await;
    assert_eq!(
        (preview["amount"].as_str(), preview["total"].as_str()),
        (Some("63.75"), Some("84.15"))
    );
    let (_, preview) = api.post("/api/v1/prices/preview", line.clone()).await;
    assert_eq!(preview["total"], "99.00");
    let mut request = line;
    request["customer_id"] = json!(999_999);
    let (status, res) = api.post("/api/v1/prices/preview", request).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&res, "customer_id").as_deref(),
        Some("请从列表中选择客户。")
    );
}

async fn bad_input_is_refused_on_its_field(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let existing = adhesive_pp(&api).await;
    let check = |body: Value, field: &'static str, message: &'static str| {
        let api = &api;
        async move {
            let (status, res) = api.post("/api/v1/products", body.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} → {res}");
            assert_eq!(
                field_message(&res, field).as_deref(),
                Some(message),
                "{body} → {res}"
            );
        }
    };
    check(
        body(&api, "N-1", "负价", "area", "-1", json!({})).await,
        "list_price",
        "价格不能为负数。",
    )
    .await;
    check(
        body(&api, "N-2", "天价", "area", "1000000.01", json!({})).await,
        "list_price",
        "单价不能超过 1000000",
    )
    .await;
    check(
        body(
            &api,
            "N-3",
            "重叠",
            "count",
            "1",
            json!({ "tiers": [{ "from": "1", "price": "2" }, { "from": "1", "price": "1" }] }),
        )
        .await,
        "tiers[1].from",
        "起始数量应大于上一档的 1。",
    )
    .await;
    check(
        body(
            &api,
            "N-4",
            "缺档",
            "count",
            "1",
            json!({ "tiers": [{ "from": "100", "price": "2" }] }),
        )
        .await,
        "tiers[0].from",
        "第一档应从 0 或 1 开始，否则前面会缺一段。",
    )
    .await;
    check(
        body(&api, "BJ-PP", "重码", "area", "1", json!({})).await,
        "code",
        "编码 BJ-PP 已被产品“背胶PP”使用。",
    )
    .await;
    check(
        body(&api, "坏 码", "坏码", "area", "1", json!({})).await,
        "code",
        "编码只能用字母、数字、“-”“_”“.”，最多 30 个字符。",
    )
    .await;
    check(
        body(
            &api,
            "N-5",
            "无类别",
            "area",
            "1",
            json!({ "category_id": 999_999 }),
        )
        .await,
        "category_id",
        "请从列表中选择产品类别。",
    )
    .await;
    check(
        body(
            &api,
            "N-6",
            "无单位",
            "area",
            "1",
            json!({ "unit_id": 999_999 }),
        )
        .await,
        "unit_id",
        "请从列表中选择计量单位。",
    )
    .await;
    check(
        body(
            &api,
            "N-7",
            "无工序",
            "area",
            "1",
            json!({ "process_ids": [999_999] }),
        )
        .await,
        "process_ids",
        "请从列表中选择工序。",
    )
    .await;
    // A unit is a unit, not a category.
    let unit = item(&api, "unit", "张").await;
    check(
        body(
            &api,
            "N-8",
            "错类",
            "area",
            "1",
            json!({ "category_id": unit }),
        )
        .await,
        "category_id",
        "请从列表中选择产品类别。",
    )
    .await;
    // Items of another account set are unknown here.
    let (_, b) = api
        .post("/api/v1/account-sets", json!({ "name": "分店" }))
        .await;
    let api_b = app
        .api(ADMIN_LOGIN, ADMIN_PASSWORD, Some(b["id"].as_i64().unwrap()))
        .await;
    let b_category = item(&api_b, "product_category", "写真").await;
    let b_unit = item(&api_b, "unit", "平方米").await;
    let b_process = item(&api_b, "process", "覆膜(亮膜)").await;
    check(
        body(
            &api,
            "N-9",
            "越界",
            "area",
            "1",
            json!({ "category_id": b_category }),
        )
        .await,
        "category_id",
        "请从列表中选择产品类别。",
    )
    .await;
    check(
        body(
            &api,
            "N-10",
            "越界",
            "area",
            "1",
            json!({ "unit_id": b_unit }),
        )
        .await,
        "unit_id",
        "请从列表中选择计量单位。",
    )
    .await;
    check(
        body(
            &api,
            "N-11",
            "越界",
            "area",
            "1",
            json!({ "process_ids": [b_process] }),
        )
        .await,
        "process_ids",
        "请从列表中选择工序。",
    )
    .await;
    // Wrong JSON types: money and quantities are strings.
    check(
        body(
            &api,
            "N-12",
            "数字价",
            "area",
            "1",
            json!({ "list_price": 25 }),
        )
        .await,
        "list_price",
        "类型不对（数字和金额请用字符串，如 \"12.50\"）。",
    )
    .await;
    check(
        body(
            &api,
            "N-13",
            "字符串类别",
            "area",
            "1",
            json!({ "category_id": "写真" }),
        )
        .await,
        "category_id",
        "类型不对（数字和金额请用字符串，如 \"12.50\"）。",
    )
    .await;
    // A code held by a product in the recycle bin is still taken.
    let binned = create(
        &api,
        body(&api, "OLD-1", "旧产品", "count", "1", json!({})).await,
    )
    .await;
    let (status, _) = api
        .delete(&format!("/api/v1/products/{}", binned["id"]))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    check(
        body(&api, "OLD-1", "新产品", "count", "1", json!({})).await,
        "code",
        "编码 OLD-1 已被回收站中的产品“旧产品”使用，请先还原或彻底删除它。",
    )
    .await;
    assert_eq!(count_products(&app).await, 2);
    // The page shows the message under the field and keeps what was typed.
    let admin = app.sign_in_admin().await;
    let (_, page) = admin.get_text("/system/products/new").await;
    let nonce = hidden(&page, "form_nonce");
    let category = item(&api, "product_category", "写真").await.to_string();
    let unit = item(&api, "unit", "平方米").await.to_string();
    let res = admin
        .post_form(
            "/system/products",
            &[
                ("form_nonce", nonce.as_str()),
                ("code", "PG-1"),
                ("name", "页面负价"),
                ("category_id", category.as_str()),
                ("unit_id", unit.as_str()),
                ("pricing_mode", "area"),
                ("list_price", "-5"),
                ("tier_from", "1"),
                ("tier_price", "3"),
                ("tier_from", ""),
                ("tier_price", ""),
                ("tier_from", "1"),
                ("tier_price", "2"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("价格不能为负数。"), "{page}");
    assert!(page.contains("起始数量应大于上一档的 1。"));
    assert!(page.contains("value=\"页面负价\""));
    assert_eq!(count_products(&app).await, 2);
    // Preview: sizes must be above zero, and numbers must be numbers.
    let id = existing["id"].as_i64().unwrap();
    let (status, res) = api
        .post(
            "/api/v1/prices/preview",
            json!({ "product_id": id, "width": "0", "height": "-1.6", "quantity": "3" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&res, "width").as_deref(),
        Some("请填写大于 0 的尺寸。")
    );
    assert_eq!(
        field_message(&res, "height").as_deref(),
        Some("请填写大于 0 的尺寸。")
    );
    let (status, res) = api
        .post(
            "/api/v1/prices/preview",
            json!({ "product_id": id, "width": "1", "height": "1", "quantity": "0" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&res, "quantity").as_deref(),
        Some("请填写大于 0 的数量。")
    );
    let (_, res) = api
        .post("/api/v1/prices/preview", json!({ "product_id": id, "width": "一米", "height": "1", "quantity": "1", "dimension_unit": "ft" }))
        .await;
    assert_eq!(
        field_message(&res, "width").as_deref(),
        Some("请填写数字。")
    );
    assert_eq!(
        field_message(&res, "dimension_unit").as_deref(),
        Some("尺寸单位应为米、厘米或毫米。")
    );
    let (status, res) = api
        .post(
            "/api/v1/prices/preview",
            json!({ "product_id": id, "width": 1, "quantity": "1" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&res, "width").as_deref(),
        Some("类型不对（数字和金额请用字符串，如 \"12.50\"）。")
    );
    let (status, res) = api
        .post("/api/v1/prices/preview", json!({ "product_id": id }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&res, "quantity").as_deref(),
        Some("缺少此项。")
    );
    let (status, _) = api
        .post(
            "/api/v1/prices/preview",
            json!({ "product_id": 999_999, "quantity": "1" }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn a_stale_edit_is_refused_and_saves_nothing(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let product = adhesive_pp(&api).await;
    let id = product["id"].as_i64().unwrap();
    let admin = app.sign_in_admin().await;
    let (_, page) = admin.get_text(&format!("/system/products/{id}")).await;
    assert_eq!(hidden(&page, "version"), "1");
    // Someone else saves first.
    let mut change = body(
        &api,
        "BJ-PP",
        "背胶PP（新）",
        "area",
        "26",
        json!({ "version": 1 }),
    )
    .await;
    let (status, saved) = api
        .put(&format!("/api/v1/products/{id}"), change.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(
        (
            saved["version"].as_i64(),
            saved["tiers"].as_array().map(Vec::len)
        ),
        (Some(2), Some(0))
    );
    // The page still holds version 1.
    let category = saved["category_id"].to_string();
    let unit = saved["unit_id"].to_string();
    let res = admin
        .post_form(
            &format!("/system/products/{id}"),
            &[
                ("version", "1"),
                ("code", "BJ-PP"),
                ("name", "背胶PP（旧页）"),
                ("category_id", category.as_str()),
                ("unit_id", unit.as_str()),
                ("pricing_mode", "area"),
                ("list_price", "30"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("该产品已被其他人修改，请刷新后再改")
    );
    change["version"] = json!(1);
    change["name"] = json!("背胶PP（旧接口）");
    let (status, res) = api.put(&format!("/api/v1/products/{id}"), change).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        field_message(&res, "").as_deref(),
        Some("该产品已被其他人修改，请刷新后再改")
    );
    let (_, read) = api.get(&format!("/api/v1/products/{id}")).await;
    assert_eq!(
        (
            read["name"].as_str(),
            read["list_price"].as_str(),
            read["version"].as_i64()
        ),
        (Some("背胶PP（新）"), Some("26.00"), Some(2))
    );
    // A fresh page saves.
    let res = admin
        .post_form(
            &format!("/system/products/{id}"),
            &[
                ("version", "2"),
                ("code", "BJ-PP"),
                ("name", "背胶PP"),
                ("category_id", category.as_str()),
                ("unit_id", unit.as_str()),
                ("pricing_mode", "area"),
                ("list_price", "27"),
                ("is_active", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, read) = api.get(&format!("/api/v1/products/{id}")).await;
    assert_eq!(
        (read["list_price"].as_str(), read["version"].as_i64()),
        (Some("27.00"), Some(3))
    );
    let (_, page) = admin
        .get_text(&format!("/system/products/{id}?saved=1"))
        .await;
    assert!(page.contains("已保存。"));
}

async fn search_finds_by_pinyin_initials_code_and_name(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    create(
        &api,
        body(&api, "PH-01", "喷绘写真", "area", "15", json!({})).await,
    )
    .await;
    create(
        &api,
        body(&api, "XZ-02", "写真背胶", "area", "25", json!({})).await,
    )
    .await;
    create(
        &api,
        body(&api, "MP-100", "名片", "set", "30", json!({})).await,
    )
    .await;
    let names = |body: Value| -> Vec<String> {
        body.as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let (status, found) = api.get("/api/v1/products/search?q=phxz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(found.clone()), ["喷绘写真"]);
    assert_eq!(found[0]["unit"], "平方米");
    assert_eq!(found[0]["pricing_mode"], "area");
    assert_eq!(found[0]["list_price"], "15.00");
    // Initials inside the name: 写真 is in both; the code prefix XZ ranks first.
    let (_, found) = api.get("/api/v1/products/search?q=xz").await;
    assert_eq!(names(found), ["写真背胶", "喷绘写真"]);
    let (_, found) = api.get("/api/v1/products/search?q=mp-1").await;
    assert_eq!(names(found), ["名片"]);
    let (_, found) = api
        .get("/api/v1/products/search?q=%E8%83%8C%E8%83%B6")
        .await;
    assert_eq!(names(found), ["写真背胶"]);
    let (_, found) = api.get("/api/v1/products/search?q=zzz").await;
    assert_eq!(names(found), Vec::<String>::new());
    for n in 0..25 {
        create(
            &api,
            body(&api, &format!("ZZ-{n:02}"), "杂项", "count", "1", json!({})).await,
        )
        .await;
    }
    let (_, found) = api.get("/api/v1/products/search?q=zx").await;
    assert_eq!(found.as_array().unwrap().len(), 20);
    // The list page searches the same way and filters by category with its subcategories.
    let admin = app.sign_in_admin().await;
    let (_, page) = admin.get_text("/system/products?q=phxz").await;
    assert!(page.contains("喷绘写真") && !page.contains("写真背胶"));
    let parent = item(&api, "product_category", "写真喷绘").await;
    let (_, list) = api
        .get(&format!("/api/v1/products?category_id={parent}"))
        .await;
    assert_eq!(list["total"], 28);
    let cards = item(&api, "product_category", "名片").await;
    let (_, list) = api
        .get(&format!("/api/v1/products?category_id={cards}"))
        .await;
    assert_eq!(list["total"], 0);
}

async fn a_deleted_product_goes_to_the_bin_and_comes_back(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let product = adhesive_pp(&api).await;
    let id = product["id"].as_i64().unwrap();
    // Searched once before the delete, so the search index is built and must notice the bin.
    let (_, found) = api.get("/api/v1/products/search?q=bj").await;
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    let admin = app.sign_in_admin().await;
    let res = admin
        .post_form(&format!("/system/products/{id}/delete"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, _) = api.get(&format!("/api/v1/products/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, found) = api.get("/api/v1/products/search?q=bj").await;
    assert_eq!(found, json!([]));
    let (status, _) = api
        .post(
            "/api/v1/prices/preview",
            json!({ "product_id": id, "quantity": "1" }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let res = admin.get("/system/products/recycle-bin").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()["location"],
        "/system/recycle-bin?kind=product"
    );
    let (status, bin) = admin.get_text("/system/recycle-bin?kind=product").await;
    assert_eq!(status, StatusCode::OK);
    assert!(bin.contains("BJ-PP 背胶PP"), "{bin}");
    let res = admin
        .post_form(&format!("/system/recycle-bin/product/{id}/restore"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, read) = api.get(&format!("/api/v1/products/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["tiers"].as_array().unwrap().len(), 2);
    let (_, found) = api.get("/api/v1/products/search?q=bj").await;
    assert_eq!(found[0]["id"], id, "a restored product is found again");
    assert_eq!(read["process_ids"].as_array().unwrap().len(), 1);
    // Deleted through the API and purged for good, tiers and processes with it.
    let (status, _) = api.delete(&format!("/api/v1/products/{id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = api
        .delete(&format!("/api/v1/recycle-bin/product/{id}"))
        .await;
    assert!(status.is_success(), "{status}");
    assert_eq!(app.count("select count(*) from product_tiers").await, 0);
    assert_eq!(app.count("select count(*) from product_processes").await, 0);
    let (_, history) = admin.get_text("/system/audit").await;
    assert!(history.contains("BJ-PP 背胶PP"));
}

async fn products_need_their_permissions(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let product = adhesive_pp(&api).await;
    let id = product["id"].as_i64().unwrap();
    let account_set = first_account_set_id(&api).await;
    for (role, login, permissions) in [
        ("只看产品", "viewer", json!(["system.product.view"])),
        ("只看部门", "nobody", json!(["system.department.view"])),
    ] {
        let (_, role) = api
            .post(
                "/api/v1/roles",
                json!({ "name": role, "permissions": permissions }),
            )
            .await;
        let (status, _) = api
            .post(
                "/api/v1/users",
                json!({ "login": login, "display_name": login, "password": "Secret2026",
                        "role_ids": [role["id"]], "account_set_ids": [account_set] }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let viewer = app.sign_in("viewer", "Secret2026").await;
    let (status, page) = viewer.get_text(&format!("/system/products/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("id=\"save\""));
    let (_, home) = viewer.get_text("/").await;
    assert!(home.contains("href=\"/system/products\""));
    let res = viewer
        .post_form(&format!("/system/products/{id}/delete"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("（system.product.manage）")
    );
    let viewer_api = app.api("viewer", "Secret2026", None).await;
    let (status, _) = viewer_api
        .post(
            "/api/v1/prices/preview",
            json!({ "product_id": id, "width": "1", "height": "1", "quantity": "1" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, res) = viewer_api
        .post(
            "/api/v1/products",
            body(&api, "V-1", "偷建", "count", "1", json!({})).await,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        field_message(&res, "").as_deref(),
        Some("您没有“维护产品（新建、修改、删除）”权限（system.product.manage），请联系管理员。")
    );
    let nobody = app.sign_in("nobody", "Secret2026").await;
    let (status, page) = nobody.get_text("/system/products").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        page.contains("您没有“查看产品和试算价格”权限（system.product.view）"),
        "{page}"
    );
    let (_, home) = nobody.get_text("/").await;
    assert!(!home.contains("href=\"/system/products\""));
    let nobody_api = app.api("nobody", "Secret2026", None).await;
    for path in [
        "/api/v1/products",
        "/api/v1/products/search?q=bj",
        &format!("/api/v1/products/{id}"),
    ] {
        let (status, res) = nobody_api.get(path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(
            field_message(&res, "")
                .unwrap()
                .contains("（system.product.view）")
        );
    }
    let (status, _) = nobody_api
        .post(
            "/api/v1/prices/preview",
            json!({ "product_id": id, "quantity": "1" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(count_products(&app).await, 1);
}

async fn account_set_b_products_are_not_found_from_account_set_a(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api_a = app.api_admin().await;
    let (status, b) = api_a
        .post("/api/v1/account-sets", json!({ "name": "分店" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    let api_b = app
        .api(ADMIN_LOGIN, ADMIN_PASSWORD, Some(b["id"].as_i64().unwrap()))
        .await;
    let live = adhesive_pp(&api_b).await["id"].as_i64().unwrap();
    let binned = create(
        &api_b,
        body(&api_b, "OLD-B", "分店旧品", "count", "1", json!({})).await,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let (status, _) = api_b.delete(&format!("/api/v1/products/{binned}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let before = api_b.get(&format!("/api/v1/products/{live}")).await.1;

    let browser_a = app.sign_in_admin().await;
    let (_, me) = api_a.get("/api/v1/me").await;
    assert_ne!(
        me["account_set_id"], b["id"],
        "the probe runs in account set A"
    );
    assert_foreign_ids_are_not_found(&browser_a, &api_a, PRODUCT_PROBES, live).await;
    assert_foreign_ids_are_not_found(&browser_a, &api_a, BINNED_PRODUCT_PROBES, binned).await;
    for product_id in [live, binned] {
        let (status, _) = api_a
            .post(
                "/api/v1/prices/preview",
                json!({ "product_id": product_id, "width": "1", "height": "1", "quantity": "1" }),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    // A's search and list do not show B's products, and A may use B's code.
    let (_, found) = api_a.get("/api/v1/products/search?q=bj").await;
    assert_eq!(found, json!([]));
    create(
        &api_a,
        body(&api_a, "BJ-PP", "总店背胶", "area", "20", json!({})).await,
    )
    .await;
    assert_eq!(
        api_b.get(&format!("/api/v1/products/{live}")).await.1,
        before
    );
}

backend_tests!(
    every_pricing_mode_is_created_through_page_and_api,
    example_a_previews_through_the_api_and_the_page,
    example_d_copying_previews_540,
    example_f_previews_with_cooperative_prices,
    bad_input_is_refused_on_its_field,
    a_stale_edit_is_refused_and_saves_nothing,
    search_finds_by_pinyin_initials_code_and_name,
    a_deleted_product_goes_to_the_bin_and_comes_back,
    products_need_their_permissions,
    account_set_b_products_are_not_found_from_account_set_a,
);
